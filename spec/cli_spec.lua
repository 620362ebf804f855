-- The `sakari` command, run as a user runs it (`lua bin/sakari ...` in a child
-- process) against the sandbox. stdout is compared with the golden files in
-- spec/fixtures/cli/ after ids and timestamps are replaced by placeholders.
local sandbox = require "spec.support.sandbox"
local core = require "sakari.core"

local ACC = sandbox.ACCOUNT
local CONTACTS = "/v1/accounts/sandbox-account/contacts/"

local cli = require "spec.support.cli"
local read, write = require("spec.support.fs").read, require("spec.support.fs").write
local sakari, start, tmp, golden, normalise = cli.sakari, cli.start, cli.tmp, cli.golden, cli.normalise
local requests_by, csv_file, records, failed_name = cli.requests_by, cli.csv_file, cli.records, cli.failed_name

-- Rows run concurrently: the order of their requests is not fixed.
local function sorted(list)
  table.sort(list)
  return list
end

local client = cli.each_client()

describe("sakari (the command line)", function()
  it("has --help on every command, on stdout, with status 0 and no request", function()
    local commands = {
      {}, { "contacts" }, { "contacts", "get" }, { "contacts", "create" }, { "contacts", "update" },
      { "contacts", "delete" }, { "contacts", "list" }, { "contacts", "bulk-update" }, { "contacts", "restore" },
      { "messages" }, { "messages", "send" },
    }
    for _, words in ipairs(commands) do
      local argv = { (table.unpack or unpack)(words) }
      argv[#argv + 1] = "--help"
      local status, out, err = sakari(argv)
      local name = table.concat(words, " ")
      assert.are.equal(0, status, name .. ": " .. err)
      assert.are.equal("", err)
      assert.truthy(out:find("Usage: sakari" .. (name ~= "" and " " .. name or ""), 1, true), out)
    end
    assert.are.same({}, sandbox.requests())
  end)

  it("shows the commands and the bulk-update rules in its help", function()
    local _, out = sakari({ "--help" })
    golden("help.txt", out)
    _, out = sakari({ "contacts", "bulk-update", "-h" })
    golden("help-bulk-update.txt", out)
  end)

  it("has every option of every command in docs/cli.md", function()
    local doc = assert(read("docs/cli.md"))
    for _, words in ipairs { { "contacts", "get" }, { "contacts", "create" }, { "contacts", "update" },
      { "contacts", "delete" }, { "contacts", "list" }, { "contacts", "bulk-update" }, { "contacts", "restore" },
      { "messages", "send" } } do
      local _, out = sakari({ words[1], words[2], "--help" })
      assert.truthy(doc:find("sakari " .. words[1] .. " " .. words[2], 1, true), words[2])
      for option in out:gmatch("%-%-[%a][%w-]*") do
        if option ~= "--help" then assert.truthy(doc:find(option, 1, true), words[2] .. " " .. option) end
      end
    end
  end)

  it("exits 2 on a usage error, with the usage of the command on stderr", function()
    local cases = {
      { { "contacts", "get", ACC }, "missing argument 'id'" },
      { { "contacts", "list", ACC, "--format", "xml" }, "argument for option '--format' must be one of" },
      { { "contacts", "list", ACC, "--limit", "0" }, "--limit: expected a whole number >= 1" },
      { { "contacts", "bulk-update", ACC }, "missing option '--csv'" },
      { { "contacts", "bulk-update", ACC, "--csv", "x.csv", "--concurrency", "two" }, "--concurrency" },
      { { "contacts", "restore", ACC, "--journal", "x.jsonl", "--dry-run", "--output-journal", "y.jsonl" },
        "--dry-run writes nothing: no --output-journal" },
      { { "contacts", "frobnicate" }, "unknown command 'frobnicate'" },
      { { "contacts", "update", ACC, sandbox.SEED_CONTACT }, "nothing to set" },
      { { "contacts", "create", ACC, "--firstName", "Ann" }, "--mobile is required" },
      { { "contacts", "create", ACC, "--mobile", "12" }, "not a phone number" },
      { { "contacts", "update", ACC, "x", "--attribute", "plan" }, "expected NAME=VALUE" },
      { { "messages", "send", ACC, "--text", "Hi" }, "at least one recipient" },
      { { "contacts", "get", ACC, "" }, "bad argument" },
    }
    for _, case in ipairs(cases) do
      local status, out, err = sakari(case[1])
      local name = table.concat(case[1], " ")
      assert.are.equal(2, status, name .. ": " .. err)
      assert.are.equal("", out, name)
      assert.truthy(err:find(case[2], 1, true), name .. ": " .. err)
    end
    assert.are.same({}, sandbox.requests())
  end)

  it("says where credentials come from when there are none, and never prints a token", function()
    local status, out, err = sakari({ "contacts", "get", ACC, sandbox.SEED_CONTACT },
      { env = { SAKARI_ACCESS_TOKEN = false } })
    assert.are.equal(1, status)
    assert.are.equal("", out)
    assert.truthy(err:find("SAKARI_ACCESS_TOKEN, or SAKARI_CLIENT_ID and SAKARI_CLIENT_SECRET", 1, true), err)
    local secret = "wrong-token-f00d-7e11"
    status, out, err = sakari({ "contacts", "get", ACC, sandbox.SEED_CONTACT },
      { env = { SAKARI_ACCESS_TOKEN = secret } })
    assert.are.equal(1, status)
    assert.are.equal("", out)
    assert.are.equal("sakari: GET /v1/accounts/sandbox-account/contacts/seed-contact: 401 AUTH-001: "
      .. "Invalid access token\n", err)
    assert.is_nil(err:find(secret, 1, true))
    -- client credentials work as well
    status, out = sakari({ "contacts", "get", ACC, sandbox.SEED_CONTACT }, { env = {
      SAKARI_ACCESS_TOKEN = false, SAKARI_CLIENT_ID = sandbox.CLIENT_ID, SAKARI_CLIENT_SECRET = sandbox.CLIENT_SECRET,
    } })
    assert.are.equal(0, status)
    assert.are.equal(sandbox.SEED_CONTACT, core.decode(out).id)
  end)
end)

describe("sakari contacts", function()
  it("get prints the contact as JSON, keys sorted, nothing lost", function()
    local status, out, err = sakari({ "contacts", "get", ACC, sandbox.SEED_CONTACT })
    assert.are.equal(0, status, err)
    assert.are.equal("", err)
    golden("contacts-get.json", out) -- the seed contact, fixed: no placeholders needed
    assert.are.same(client.contacts.get(ACC, sandbox.SEED_CONTACT), core.decode(out))
  end)

  it("get of an unknown contact: the error on stderr, status 1", function()
    local status, out, err = sakari({ "contacts", "get", ACC, "no-such-contact" })
    assert.are.equal(1, status)
    assert.are.equal("", out)
    assert.are.equal("sakari: GET /v1/accounts/sandbox-account/contacts/no-such-contact: 404 CONT-002: "
      .. "Invalid contact id\n", err)
  end)

  it("create sends the fields and prints the new contact", function()
    local status, out, err = sakari({ "contacts", "create", ACC, "--firstName", "Ann", "--lastName", "Lee",
      "--email", "ann@example.com", "--mobile", "+15550101234", "--country", "us", "--attribute", "plan=gold",
      "--attribute", "city=Boston, MA" })
    assert.are.equal(0, status, err)
    golden("contacts-create.json", normalise(out))
    assert.are.same({
      firstName = "Ann", lastName = "Lee", email = "ann@example.com",
      mobile = { number = "+15550101234", country = "us" }, attributes = { plan = "gold", city = "Boston, MA" },
    }, sandbox.json(sandbox.requests()[1]))
  end)

  it("update --replace replaces the contact: what is not given is cleared", function()
    local status, out, err = sakari({ "contacts", "update", ACC, sandbox.SEED_CONTACT, "--replace",
      "--firstName", "Bob", "--mobile", "+15550109999" })
    assert.are.equal(0, status, err)
    golden("contacts-update.json", normalise(out))
    assert.are.same({ "PUT " .. CONTACTS .. "seed-contact" }, sandbox.request_lines())
  end)

  it("update --patch changes only what is given; an empty value removes a field", function()
    local status, out, err = sakari({ "contacts", "update", ACC, sandbox.SEED_CONTACT, "--patch",
      "--firstName", "Bob", "--email", "", "--attribute", "plan=gold" })
    assert.are.equal(0, status, err)
    golden("contacts-update-patch.json", normalise(out))
    assert.are.same({ "GET " .. CONTACTS .. "seed-contact", "PUT " .. CONTACTS .. "seed-contact" },
      sandbox.request_lines())
    local contact = client.contacts.get(ACC, sandbox.SEED_CONTACT)
    assert.is_nil(contact.email)
    assert.are.equal("Bloggs", contact.lastName)
    assert.are.equal(1, #contact.lists)
  end)

  it("delete deletes and says so in JSON", function()
    local status, out, err = sakari({ "contacts", "delete", ACC, sandbox.SEED_CONTACT })
    assert.are.equal(0, status, err)
    golden("contacts-delete.json", out)
    local _, get_err = client.contacts.get(ACC, sandbox.SEED_CONTACT)
    assert.are.equal(404, get_err.status)
  end)

  describe("list", function()
    before_each(function()
      sandbox.seed(4)
      sandbox.clear_requests()
    end)

    it("prints one page as a JSON array, and says on stderr that there is more", function()
      local status, out, err = sakari({ "contacts", "list", ACC, "--limit", "2", "--offset", "1" })
      assert.are.equal(0, status, err)
      golden("contacts-list.json", normalise(out))
      assert.are.equal("sakari: 2 contacts of 5 shown; more with --offset 3, or --all\n", err)
      local r = sandbox.requests()
      assert.are.equal(1, #r)
      assert.are.same({ limit = { "2" }, offset = { "1" } }, r[1].query)
    end)

    it("--all walks every page; csv has the columns bulk-update reads", function()
      local status, out, err = sakari({ "contacts", "list", ACC, "--all", "--limit", "2", "--format", "csv" })
      assert.are.equal(0, status, err)
      assert.are.equal("", err)
      golden("contacts-list-all.csv", normalise(out))
      assert.are.equal(3, #sandbox.requests()) -- 5 contacts, 2 a page
    end)

    it("table and chosen columns, with filters passed on", function()
      local status, out, err = sakari({ "contacts", "list", ACC, "--all", "--format", "table",
        "--columns", "firstName,email,mobile.lineType,attributes.plan", "--lastName", "contact" })
      assert.are.equal(0, status, err)
      golden("contacts-list.table", out)
      assert.are.same({ "contact" }, sandbox.requests()[1].query.lastName)
    end)

    it("an empty result is an empty array", function()
      local status, out = sakari({ "contacts", "list", ACC, "--firstName", "nobody-has-this-name" })
      assert.are.equal(0, status)
      assert.are.equal("[]\n", out)
    end)
  end)
end)

describe("sakari messages send", function()
  it("sends the text to the numbers and contacts given, and prints Sakari's answer", function()
    local status, out, err = sakari({ "messages", "send", ACC, "--to", "+15550107777", "--country", "US",
      "--contact", sandbox.SEED_CONTACT, "--text", "Hi {{firstName}}" })
    assert.are.equal(0, status, err)
    golden("messages-send.json", normalise(out))
    assert.are.same({
      contacts = { { mobile = { number = "+15550107777", country = "US" } }, { id = "seed-contact" } },
      template = "Hi {{firstName}}",
    }, sandbox.json(sandbox.requests()[1]))
  end)

  it("is never repeated after a 500", function()
    sandbox.fault({ method = "POST", path = "/v1/accounts/sandbox-account/messages", status = 500 })
    local status, out, err = sakari({ "messages", "send", ACC, "--to", "+15550107777", "--text", "Hi" })
    assert.are.equal(1, status)
    assert.are.equal("", out)
    assert.truthy(err:find("500 FAULT-500", 1, true), err)
    assert.are.equal(1, #sandbox.requests())
  end)
end)

describe("sakari contacts bulk-update", function()
  local ids

  before_each(function()
    ids = sandbox.seed(6)
    sandbox.clear_requests()
  end)

  -- id, firstName, lastName, mobile, country, plan (an attribute), with the
  -- awkward cells a failures file must carry back intact
  local function mixed_csv()
    return csv_file {
      { "id", "firstName", "lastName", "mobile", "country", "plan" },
      { ids[1], "Ann", 'O"Brien, Jr.', "+15550100001", "US", "gold" },
      { ids[2], "Bob", "Two\nLines", "+15550100002", "us", "" },
      { "no-such-contact", "Carl", "Gone", "+15550100003", "US", "silver" },
      { ids[3], "Dee", "Bad", "12", "US", "" },
      { "", "Eve", "Noid", "+15550100005", "US", "" },
      { ids[4], "Fay", "Quote, \"q\"", "+15550100006", "US", "platinum, old" },
      { ids[5], "Gus", "Email", "+15550100007", "USA", "" },
    }
  end

  it("updates every row, writes the failed ones with their error, and round-trips them", function()
    local input = mixed_csv()
    -- the rows of ids[1] and ids[4] fail once, on the server
    sandbox.fault({ method = "PUT", path = CONTACTS .. ids[1], status = 400 },
      { method = "PUT", path = CONTACTS .. ids[4], status = 422 })
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input, "--concurrency", "1" })
    assert.are.equal(1, status, err)
    local failures = failed_name(input)
    assert.are.equal(input:gsub("%.csv$", ".failed.csv"), failures)
    cli.keep(failures)
    golden("bulk-update.json", out:gsub((input:gsub("%.csv$", "")):gsub("%p", "%%%0"), "INPUT"))
    golden("bulk-update.failed.csv", normalise(read(failures)))
    -- the rows that were valid were read once each, in order, and written
    -- unless the read failed
    assert.are.same({ CONTACTS .. ids[1], CONTACTS .. ids[2], CONTACTS .. "no-such-contact", CONTACTS .. ids[4] },
      requests_by("GET"))
    assert.are.same({ CONTACTS .. ids[1], CONTACTS .. ids[2], CONTACTS .. ids[4] }, requests_by("PUT"))
    assert.are.equal("Bob", client.contacts.get(ACC, ids[2]).firstName)
    assert.are.equal("Two\nLines", client.contacts.get(ACC, ids[2]).lastName)
    assert.truthy(err:find("6 failed", 1, true), err)

    -- fed back as is: exactly the failed rows run again; the error column is ignored
    sandbox.clear_requests()
    local _
    status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", failures, "--concurrency", "1" })
    assert.are.equal(1, status, err)
    local again = failed_name(failures)
    assert.are.equal(input:gsub("%.csv$", ".failed.2.csv"), again)
    cli.keep(again)
    assert.are.same({ CONTACTS .. ids[1], CONTACTS .. "no-such-contact", CONTACTS .. ids[4] }, requests_by("GET"))
    assert.are.same({ CONTACTS .. ids[1], CONTACTS .. ids[4] }, requests_by("PUT"))
    local ann, fay = client.contacts.get(ACC, ids[1]), client.contacts.get(ACC, ids[4])
    assert.are.equal('O"Brien, Jr.', ann.lastName)
    assert.are.same({ plan = "gold" }, ann.attributes)
    assert.are.equal('Quote, "q"', fay.lastName)
    assert.are.same({ plan = "platinum, old" }, fay.attributes)
    assert.are.same({ number = "+15550100006", country = "US" },
      { number = fay.mobile.number, country = fay.mobile.country })
    -- what still fails is the same rows with the same columns, minus the two that got through
    local first, header = records(failures)
    local second, header2 = records(again)
    assert.are.same(header, header2)
    local expected = {}
    for _, r in ipairs(first) do
      if r.id ~= ids[1] and r.id ~= ids[4] then expected[#expected + 1] = r end
    end
    assert.are.same(expected, second)

    -- nothing left to fail: status 0 and no failures file
    local fixed = csv_file { { "id", "firstName", "error" }, { ids[3], "Dee", "old error, ignored" } }
    status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", fixed })
    assert.are.equal(0, status, err)
    assert.is_nil(read(failed_name(fixed)))
    assert.are.equal(0, core.decode(out).failed)
  end)

  it("--patch changes only the row's cells; empty cells keep their field", function()
    local input = csv_file {
      { "ID", "Email", "plan" },
      { ids[1], "new1@example.com", "" },
      { ids[2], "", "gold" },
    }
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input, "--patch",
      "--failures", tmp(".csv") })
    assert.are.equal(0, status, err)
    local summary = core.decode(out)
    assert.truthy(tostring(summary.journal):find("%.journal%.jsonl$"), out)
    assert.are.same({ rows = 2, updated = 2, unchanged = 0, failed = 0, notDone = 0, interrupted = false,
                      failures = core.null, journal = summary.journal,
                      fields = { email = 1, ["attributes.plan"] = 1 } }, summary)
    assert.are.equal(4, #requests_by("GET") + #requests_by("PUT")) -- a GET and a PUT a row
    local one, two = client.contacts.get(ACC, ids[1]), client.contacts.get(ACC, ids[2])
    assert.are.equal("new1@example.com", one.email)
    assert.are.equal("Seeded2", one.firstName)
    assert.are.equal("+15550000002", one.mobile.number)
    assert.are.same({}, one.attributes)
    assert.are.equal("seeded3@example.com", two.email)
    assert.are.same({ plan = "gold" }, two.attributes)
  end)

  it("--dry-run checks every row, sends nothing and writes no file", function()
    local input = mixed_csv()
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input, "--dry-run",
      "--concurrency", "1" })
    assert.are.equal(1, status)
    -- it reads each valid row's contact, and nothing else
    local contacts_read = { CONTACTS .. ids[1], CONTACTS .. ids[2], CONTACTS .. "no-such-contact", CONTACTS .. ids[4] }
    assert.are.same(sorted(contacts_read), sorted(requests_by("GET")))
    assert.are.equal(4, #sandbox.requests())
    assert.is_nil(read(failed_name(input)))
    golden("bulk-update-dry-run.json", out)
    golden("bulk-update-dry-run.stderr", normalise(err))
    -- a clean file passes
    local clean = csv_file { { "id", "firstName" }, { ids[1], "Ann" }, { ids[2], "Bob" } }
    sandbox.clear_requests()
    status, out = sakari({ "contacts", "bulk-update", ACC, "--csv", clean, "--dry-run" })
    assert.are.equal(0, status)
    assert.are.equal(2, core.decode(out).wouldChange)
    assert.are.same(sorted { CONTACTS .. ids[1], CONTACTS .. ids[2] }, sorted(requests_by("GET")))
    assert.are.equal(2, #sandbox.requests())
  end)

  it("refuses a header without id, with a column twice, or without a name", function()
    for _, case in ipairs {
      { { "firstName", "email" }, "no id column" },
      { { "id", "Email", "email" }, "columns 2 and 3 are both email" },
      { { "id", "", "email" }, "column 2 has no name" },
    } do
      local input = csv_file { case[1], { "a", "b", "c" } }
      local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input })
      assert.are.equal(1, status)
      assert.are.equal("", out)
      assert.truthy(err:find(case[2], 1, true), err)
      assert.is_nil(read(failed_name(input)))
    end
    local empty = tmp(".csv")
    write(empty, "")
    local status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", empty })
    assert.are.equal(1, status)
    assert.truthy(err:find("is empty", 1, true), err)
    assert.are.same({}, sandbox.requests())
  end)

  it("takes a byte order mark and CRLF; a row with the wrong cells keeps them all in the failures file", function()
    local input = tmp(".csv")
    write(input, "\239\187\191id,firstName\r\n" .. ids[1] .. ",Bom\r\n" .. ids[2] .. ",Two,extra,cells\r\n"
      .. ids[3] .. "\r\n\r\n" .. ids[4] .. ',"never closed\nat all\n')
    local failures = tmp(".csv")
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input, "--patch",
      "--failures", failures })
    assert.are.equal(1, status, err)
    local summary = core.decode(out)
    cli.keep(summary.journal)
    assert.are.same({ rows = 4, updated = 1, unchanged = 0, failed = 3, notDone = 0, interrupted = false,
                      failures = failures, journal = summary.journal, fields = { firstName = 1 } }, summary)
    assert.are.equal("Bom", client.contacts.get(ACC, ids[1]).firstName)
    -- each row's cells exactly as read, their count included, and the error
    -- last; the record the file ends inside of is copied byte for byte, last
    assert.are.equal("id,firstName,error\r\n"
      .. ids[2] .. ',Two,extra,cells,"not sent: has 4 cells, the header has 2 '
      .. '(the cells past the header: ""extra"", ""cells"")"\r\n'
      .. ids[3] .. ",\"not sent: has 1 cell, the header has 2\"\r\n"
      .. ids[4] .. ',"never closed\nat all\n',
      read(failures))
  end)

  it("reads the CSV from stdin with --csv -", function()
    local input = csv_file { { "id", "firstName" }, { ids[1], "Stdin" } }
    local status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", "-", "--failures", tmp(".csv") },
      { stdin = input })
    assert.are.equal(0, status, err)
    assert.are.equal(1, core.decode(out).updated)
    assert.are.equal("Stdin", client.contacts.get(ACC, ids[1]).firstName)
    local _
    status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", "-" }, { stdin = input })
    assert.are.equal(2, status)
    assert.truthy(err:find("--failures FILE is needed", 1, true), err)
  end)

  it("shows progress as lines when stderr is not a terminal, as a bar when asked", function()
    local rows = { { "id", "firstName" } }
    for i = 1, 6 do rows[#rows + 1] = { ids[i], "P" .. i } end
    rows[#rows + 1] = { "no-such-contact", "X" }
    local input = csv_file(rows)
    sandbox.fault({ method = "PUT", path = CONTACTS, delay = 0.1, times = 7 })
    local status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input, "--concurrency", "2" },
      { env = { SAKARI_PROGRESS = "auto", SAKARI_PROGRESS_INTERVAL = "0.05" } })
    cli.keep(failed_name(input))
    assert.are.equal(1, status)
    local progress = {}
    for line in err:gmatch("[^\n]+") do
      if line:find("^%d+/7 rows") then
        assert.truthy(line:find("^%d+/7 rows, %d+/s, ETA [%dms?]+, %d failed$"), line)
        progress[#progress + 1] = line
      end
    end
    assert.is_nil(err:find("\r", 1, true))
    assert.is_true(#progress >= 2, err)
    assert.truthy(progress[#progress]:find("^7/7 rows, %d+/s, ETA 0s, 1 failed$"), progress[#progress])
    assert.truthy(err:find("sakari: 7 rows: 6 updated, 0 unchanged, 1 failed (written to ", 1, true), err)

    status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input, "--progress", "bar" })
    assert.are.equal(1, status)
    assert.truthy(err:find("\r[========================] 7/7 rows  ", 1, true), err)
    assert.truthy(err:find("ETA 0s  1 failed\27[K\n", 1, true), err)

    status, _, err = sakari({ "contacts", "bulk-update", ACC, "--csv", input, "--progress", "off" })
    assert.are.equal(1, status)
    assert.is_nil(err:find("rows, ", 1, true))
  end)
end)

describe("sakari contacts bulk-update, Ctrl-C", function()
  local ids, input, failures

  local function kill(pid)
    os.execute("kill -INT " .. pid)
  end

  local function wait_for_puts(n)
    local deadline = core.now() + 20
    while #requests_by("PUT") < n do
      assert(core.now() < deadline, "the run did not reach " .. n .. " PUTs")
      core.sleep(0.02)
    end
  end

  before_each(function()
    ids = sandbox.seed(40)
    local rows = { { "id", "firstName", "note" } }
    for i, id in ipairs(ids) do rows[#rows + 1] = { id, "New" .. i, "row " .. i .. ", \"quoted\"" } end
    input = csv_file(rows)
    failures = failed_name(input)
    cli.keep(failures)
    sandbox.clear_requests()
  end)

  -- Every row is either updated on the server or in the failures file (with
  -- one of the allowed errors, when given). Returns the failures file's rows by id.
  local function account_for_every_row(allowed_errors)
    local failed = {}
    for _, r in ipairs((records(failures))) do
      assert.is_nil(failed[r.id], "row twice in the failures file: " .. r.id)
      if allowed_errors then assert.truthy(allowed_errors[r.error], r.error) end
      failed[r.id] = r
    end
    for i, id in ipairs(ids) do
      local contact = assert(client.contacts.get(ACC, id))
      local updated = contact.firstName == "New" .. i
      if failed[id] then
        assert.are.equal("row " .. i .. ", \"quoted\"", failed[id].note)
        assert.are.equal("New" .. i, failed[id].firstName)
      else
        assert.is_true(updated, "row " .. i .. " is neither updated nor in the failures file")
      end
    end
    return failed
  end

  it("stops taking rows, lets the rows in flight finish, and loses none", function()
    sandbox.fault({ method = "PUT", path = CONTACTS, delay = 0.25, times = 40 })
    local pid, wait = start({ "contacts", "bulk-update", ACC, "--csv", input, "--concurrency", "4" })
    wait_for_puts(8)
    kill(pid)
    local status, out, err = wait(30)
    assert.are.equal(130, status, err)
    assert.truthy(err:find("sakari: interrupted: letting ", 1, true), err)

    local failed = account_for_every_row { ["not sent: interrupted (Ctrl-C) before this row was sent"] = true }
    -- every row that went out was answered and counted as updated: none was cut off
    local sent = {}
    for _, path in ipairs(requests_by("PUT")) do sent[path:match("[^/]+$")] = true end
    local n_sent, n_failed = 0, 0
    for _, id in ipairs(ids) do
      if sent[id] then
        n_sent = n_sent + 1
        assert.is_nil(failed[id], "a row that was sent is in the failures file")
      else
        n_failed = n_failed + 1
        assert.is_not_nil(failed[id], "a row that was not sent is missing from the failures file")
      end
    end
    assert.is_true(n_sent >= 8 and n_failed > 0, n_sent .. " sent")
    local summary = core.decode(out)
    assert.are.same({ rows = 40, updated = n_sent, unchanged = 0, failed = 0, notDone = n_failed, interrupted = true,
                      failures = failures, journal = summary.journal,
                      fields = { firstName = n_sent, ["attributes.note"] = n_sent } }, summary)

    -- the failures file finishes the job
    status, out, err = sakari({ "contacts", "bulk-update", ACC, "--csv", failures })
    cli.keep(failed_name(failures))
    assert.are.equal(0, status, err)
    assert.are.equal(n_failed, core.decode(out).updated)
    for i, id in ipairs(ids) do assert.are.equal("New" .. i, client.contacts.get(ACC, id).firstName) end
  end)

  it("stops waiting on a second Ctrl-C and writes the rows in flight as such", function()
    sandbox.fault({ method = "PUT", path = CONTACTS, delay = 3, times = 40 })
    local pid, wait = start({ "contacts", "bulk-update", ACC, "--csv", input, "--concurrency", "4" })
    wait_for_puts(4)
    kill(pid)
    core.sleep(0.3)
    local second = core.now()
    kill(pid)
    local status, out, err = wait(30)
    assert.are.equal(130, status, err)
    assert.is_true(core.now() - second < 2, "it waited for the rows in flight")
    local summary = core.decode(out)
    assert.are.equal(0, summary.updated)
    assert.are.equal(40, summary.notDone)
    local in_flight = "interrupted while in flight: it may or may not have been applied"
    local failed = {}
    for _, r in ipairs((records(failures))) do
      assert.is_nil(failed[r.id])
      failed[r.id] = r.error
    end
    local sent = {}
    for _, path in ipairs(requests_by("PUT")) do sent[path:match("[^/]+$")] = true end
    for _, id in ipairs(ids) do
      assert.are.equal(sent[id] and in_flight or "not sent: interrupted (Ctrl-C) before this row was sent",
        failed[id])
    end
    -- the journal: each row whose PUT went out, as "unknown", with the contact before
    local journaled = {}
    for _, line in ipairs(cli.jsonl(summary.journal)) do
      assert.are.equal("unknown", line.outcome)
      assert.are.equal(in_flight, line.error)
      assert.is_table(line.before)
      journaled[line.id] = true
    end
    assert.are.same(sent, journaled)
  end)
end)
