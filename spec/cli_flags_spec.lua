-- The settings as flags of `sakari` (lua/sakari/cli/setting_flags.lua): one
-- for every setting a command line can carry, none for a secret, each one
-- reaching the client over its environment variable, a bad value refused as
-- a usage error before anything is sent. The expected flags are derived here
-- from settings.rows, so that a new setting without its flag fails.
local sandbox = require "spec.support.sandbox"
local cli = require "spec.support.cli"
local settings = require "sakari.settings"

local ACC, CONTACTS, SEED = cli.ACC, cli.CONTACTS, sandbox.SEED_CONTACT
local sakari = cli.sakari

cli.each_run()

-- A setting a command line can carry: one whose check takes a string, a number
-- or a boolean (debug takes a function too; hooks and the transport take
-- nothing of these).
local function scalar(row)
  for _, v in ipairs { "x", "https://example.com", 1, 0.5, true, false } do
    local ok, takes = pcall(row.kind.check, v)
    if ok and takes then return true end
  end
  return false
end

local function dashed(name) return (name:gsub("_", "-")) end

-- setting name -> the flag it should have.
local function expected_flags()
  local out = {}
  for _, row in ipairs(settings.rows) do
    if not row.secret and scalar(row) then
      local boolean = row.kind.check(true)
      out[row.name] = ((boolean and row.default == true) and "--no-" or "--") .. dashed(row.name)
    end
  end
  return out
end

-- The settings part of `sakari --help`: flag -> its help text, whitespace collapsed.
local function settings_help()
  local status, out, err = sakari({ "--help" })
  assert.are.equal(0, status, err)
  local section = assert(out:match("\nSettings [^\n]*\n(.-)\n\n"), out)
  local blocks, order, current = {}, {}, nil
  for line in section:gmatch("[^\n]+") do
    local flag, rest = line:match("^   (%-%-[%w-]+)(.*)$")
    if flag then
      assert.is_nil(blocks[flag], "listed twice: " .. flag)
      current, order[#order + 1] = flag, flag
      blocks[flag] = rest
    else
      blocks[current] = blocks[current] .. " " .. line
    end
  end
  for flag, text in pairs(blocks) do blocks[flag] = text:gsub("%s+", " ") end
  return blocks, order, out
end

describe("sakari's settings flags", function()
  it("are one flag per non-secret setting a command line can carry, in the settings' order", function()
    local expected = expected_flags()
    local want = {}
    for _, row in ipairs(settings.rows) do want[#want + 1] = expected[row.name] end
    local _, order = settings_help()
    assert.are.same(want, order)
    -- the ones that must be there, whatever the derivation says
    local listed = {}
    for _, flag in ipairs(order) do listed[flag] = true end
    for _, flag in ipairs { "--base-url", "--account-id", "--timeout", "--max-retries", "--concurrency",
      "--insecure", "--no-strict", "--debug", "--proxy", "--ca-file", "--user-agent-suffix" } do
      assert.is_true(listed[flag], flag)
    end
  end)

  it("have no flag for a secret: credentials come from the environment only, as --help says", function()
    local _, _, out = settings_help()
    local secrets = 0
    for _, row in ipairs(settings.rows) do
      if row.secret then
        secrets = secrets + 1
        local flag = "--" .. dashed(row.name)
        assert.is_nil(out:find(flag, 1, true), flag)
        local status, _, err = sakari({ flag, "x", "contacts", "get", ACC, SEED })
        assert.are.equal(2, status, err)
        assert.truthy(err:find("unknown option '" .. flag .. "'", 1, true), err)
      end
    end
    assert.are.equal(3, secrets)
    local epilog = out:gsub("%s+", " ")
    assert.truthy(epilog:find("Credentials come from the environment only", 1, true), out)
    assert.truthy(epilog:find("`ps`", 1, true), out)
    assert.are.same({}, sandbox.requests())
  end)

  it("show in --help each setting's doc, environment variable and default", function()
    local blocks = settings_help()
    local expected = expected_flags()
    for _, row in ipairs(settings.rows) do
      local flag = expected[row.name]
      if flag then
        local text = assert(blocks[flag], flag)
        assert.truthy(text:find(row.doc, 1, true), flag .. ": " .. text)
        if row.env then assert.truthy(text:find("env " .. row.env, 1, true), flag .. ": " .. text) end
        if row.default ~= nil then
          assert.truthy(text:find("default " .. tostring(row.default), 1, true), flag .. ": " .. text)
        end
      end
    end
  end)

  it("are each named in docs/cli.md", function()
    local doc = assert(require("spec.support.fs").read("docs/cli.md"))
    for flag in pairs(settings_help()) do
      assert.truthy(doc:find("`" .. flag:gsub("%p", "%%%0") .. "[` ]"), flag)
    end
  end)

  it("refuse a bad value, before or after the command, with exit 2 naming the flag and its variable", function()
    local expected, tried = expected_flags(), 0
    for _, row in ipairs(settings.rows) do
      local flag = expected[row.name]
      if flag and not row.kind.check(true) then
        -- empty is never a value; 1e9 is past every limit
        local bad = { "" }
        if row.kind.check(1) then bad[2] = "1e9" end
        for _, value in ipairs(bad) do
          for _, argv in ipairs { { flag, value, "contacts", "get", ACC, SEED },
                                  { "contacts", "get", ACC, SEED, flag, value } } do
            tried = tried + 1
            local status, out, err = sakari(argv)
            local shown = table.concat(argv, " ")
            assert.are.equal(2, status, shown .. ": " .. err)
            assert.are.equal("", out)
            assert.truthy(err:find("Error: " .. flag .. ": expected ", 1, true), shown .. ": " .. err)
            if row.env then assert.truthy(err:find("(env " .. row.env .. ")", 1, true), shown .. ": " .. err) end
          end
        end
      end
    end
    assert.is_true(tried >= 20)
    local status, _, err = sakari({ "--timeout", "abc", "contacts", "get", ACC, SEED })
    assert.are.equal(2, status)
    assert.truthy(err:find('--timeout: expected a number of seconds > 0, at most 86400, got "abc"', 1, true), err)
    status, _, err = sakari({ "--max-retries", "1.5", "contacts", "get", ACC, SEED })
    assert.are.equal(2, status)
    assert.truthy(err:find("--max-retries: expected a whole number from 0 to 99, got 1.5", 1, true), err)
    status, _, err = sakari({ "contacts", "get", ACC, SEED, "--base-url", "ftp://x" })
    assert.are.equal(2, status)
    assert.truthy(err:find('--base-url: expected an http:// or https:// URL, got "ftp://x" (env SAKARI_API_URL)',
      1, true), err)
    assert.are.same({}, sandbox.requests())
  end)

  it("--base-url wins over SAKARI_API_URL: a closed port gives a connect error, the sandbox sees nothing", function()
    local status, out, err = sakari({ "--base-url", sandbox.closed_port_url(), "--max-retries", "0",
      "contacts", "get", ACC, SEED })
    assert.are.equal(1, status, err)
    assert.are.equal("", out)
    assert.truthy(err:find("connect", 1, true), err)
    assert.are.same({}, sandbox.requests())
  end)

  it("--timeout reaches the client: a slow answer is a timeout", function()
    sandbox.fault({ path = CONTACTS .. SEED, delay = 1.5 })
    local status, _, err = sakari({ "--timeout", "0.3", "--max-retries", "0", "contacts", "get", ACC, SEED })
    assert.are.equal(1, status, err)
    assert.truthy(err:find("timeout", 1, true), err)
    assert.are.equal(1, sandbox.count("GET", CONTACTS .. SEED))
  end)

  it("--max-retries 0, before or after the command: one request on a 500; the default retries twice", function()
    for _, argv in ipairs { { "--max-retries", "0", "contacts", "get", ACC, SEED },
                            { "contacts", "get", ACC, SEED, "--max-retries", "0" } } do
      sandbox.reset()
      sandbox.fault({ path = CONTACTS .. SEED, status = 500, times = 5 })
      local status, _, err = sakari(argv)
      assert.are.equal(1, status, err)
      assert.truthy(err:find("500", 1, true), err)
      assert.are.equal(1, sandbox.count("GET", CONTACTS .. SEED))
    end
    sandbox.reset()
    sandbox.fault({ path = CONTACTS .. SEED, status = 500, times = 5 })
    local status = sakari({ "--retry-backoff", "0", "contacts", "get", ACC, SEED })
    assert.are.equal(1, status)
    assert.are.equal(1 + settings.by_name.max_retries.default, sandbox.count("GET", CONTACTS .. SEED))
  end)

  it("--debug writes one line per attempt to stderr, never the token", function()
    local quiet = { env = { SAKARI_DEBUG = "" } }
    local status, _, err = sakari({ "contacts", "get", ACC, SEED }, quiet)
    assert.are.equal(0, status, err)
    assert.are.equal("", err)
    local out
    status, out, err = sakari({ "--debug", "contacts", "get", ACC, SEED }, quiet)
    assert.are.equal(0, status, err)
    assert.truthy(out:find(SEED, 1, true), out)
    assert.matches("^sakari: GET " .. (CONTACTS .. SEED):gsub("%p", "%%%0") .. " 200 attempt 1 [%d.]+ ms %d+ bytes\n$",
      err)
    assert.is_nil(err:find(sandbox.TOKEN, 1, true))
  end)

  it("--account-id stands in for ACCOUNT and wins over SAKARI_ACCOUNT_ID", function()
    local status, out, err = sakari({ "--account-id", ACC, "contacts", "get", SEED },
      { env = { SAKARI_ACCOUNT_ID = "other-account" } })
    assert.are.equal(0, status, err)
    assert.truthy(out:find(SEED, 1, true), out)
    assert.are.same({ "GET " .. CONTACTS .. SEED }, sandbox.request_lines())
    -- an ACCOUNT given still wins
    sandbox.clear_requests()
    status = sakari({ "--account-id", "other-account", "contacts", "get", ACC, SEED })
    assert.are.equal(0, status)
    assert.are.same({ "GET " .. CONTACTS .. SEED }, sandbox.request_lines())
  end)

  it("--user-agent-suffix reaches the User-Agent header", function()
    local status, _, err = sakari({ "contacts", "get", ACC, SEED, "--user-agent-suffix", "nightly-fix/1" })
    assert.are.equal(0, status, err)
    local requests = sandbox.requests()
    assert.are.equal(1, #requests)
    assert.matches("nightly%-fix/1$", requests[1].headers["user-agent"])
  end)

  it("--concurrency is the one flag of bulk-update's rows in flight, before or after the command", function()
    local ids = sandbox.seed(3)
    local client = sandbox.client()
    -- the first row's read is slow: with room for more rows, the others' reads overtake its write
    local function run(name, ...)
      local rows = { { "id", "firstName" } }
      for _, id in ipairs(ids) do rows[#rows + 1] = { id, name } end
      sandbox.clear_requests()
      sandbox.fault({ method = "GET", path = CONTACTS .. ids[1], delay = 0.5 })
      local argv = { ... }
      for _, a in ipairs { "--csv", cli.csv_file(rows), "--failures", cli.tmp(".csv") } do argv[#argv + 1] = a end
      local status, _, err = sakari(argv)
      assert.are.equal(0, status, err)
      local lines = sandbox.request_lines()
      for _, id in ipairs(ids) do assert.are.equal(name, client.contacts.get(ACC, id).firstName) end
      return lines
    end
    local serial = {}
    for _, id in ipairs(ids) do
      serial[#serial + 1] = "GET " .. CONTACTS .. id
      serial[#serial + 1] = "PUT " .. CONTACTS .. id
    end
    assert.are.same(serial, run("One", "--concurrency", "1", "contacts", "bulk-update", ACC))
    local three = run("Three", "contacts", "bulk-update", ACC, "--concurrency", "3")
    local at = {}
    for i, line in ipairs(three) do at[line] = i end
    assert.are.equal(6, #three)
    assert.are.equal(6, at["PUT " .. CONTACTS .. ids[1]])
    client.close()
  end)
end)
