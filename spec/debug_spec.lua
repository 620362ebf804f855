-- The debug switch: one line per attempt (method, path, status, attempt,
-- milliseconds, bytes) to stderr or to a function; never a header, a body or
-- a secret.
local sandbox = require "spec.support.sandbox"
local settings = require "sakari.settings"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT
local SEED_PATH = "/v1/accounts/sandbox-account/contacts/seed-contact"

local function line_pattern(method, path, status, attempt)
  return ("^sakari: %s %s %s attempt %d %%d+%%.%%d ms %%d+ bytes$"):format(method, path:gsub("%-", "%%-"),
    status, attempt)
end

describe("debug", function()
  before_each(sandbox.reset)

  it("= function(line) gets one line per attempt, retries included", function()
    local lines = {}
    local client = sandbox.client { debug = function(line) lines[#lines + 1] = line end, retry_backoff = 0.01 }
    sandbox.fault({ path = SEED_PATH, status = 503, times = 1 })
    assert.truthy(client.contacts.get(ACC, SEED))
    client.close()
    assert.equal(2, #lines)
    assert.matches(line_pattern("GET", SEED_PATH, 503, 1), lines[1])
    assert.matches(line_pattern("GET", SEED_PATH, 200, 2), lines[2])
    local bytes = tonumber(lines[2]:match("(%d+) bytes$"))
    assert.is_true(bytes > 100, lines[2]) -- the seed contact's JSON, as the server sent it
  end)

  it("= true writes to stderr, and so does SAKARI_DEBUG=1; SAKARI_DEBUG=0 writes nothing", function()
    local real_stderr, real_getenv = io.stderr, settings.getenv
    local written = {}
    rawset(io, "stderr", { write = function(_, ...) for _, s in ipairs { ... } do written[#written + 1] = s end end })
    local env = {}
    settings.getenv = function(name) return env[name] end
    local ok, why = pcall(function()
      local on = sandbox.client { debug = true }
      assert.truthy(on.contacts.get(ACC, SEED))
      on.close()
      env.SAKARI_DEBUG = "1"
      local from_env = sandbox.client()
      assert.truthy(from_env.contacts.get(ACC, SEED))
      from_env.close()
      env.SAKARI_DEBUG = "0"
      local off = sandbox.client()
      assert.truthy(off.contacts.get(ACC, SEED))
      off.close()
    end)
    rawset(io, "stderr", real_stderr)
    settings.getenv = real_getenv
    assert(ok, why)
    local text = table.concat(written)
    local lines = {}
    for line in text:gmatch("[^\n]+") do lines[#lines + 1] = line end
    assert.equal(2, #lines, text)
    for _, line in ipairs(lines) do assert.matches(line_pattern("GET", SEED_PATH, 200, 1), line) end
    assert.equal(3, #sandbox.requests())
  end)

  it("refuses a SAKARI_DEBUG it cannot read, naming it", function()
    local real = settings.getenv
    settings.getenv = function(name) return name == "SAKARI_DEBUG" and "verbose" or nil end
    local ok, err = pcall(sandbox.client)
    settings.getenv = real
    assert.is_false(ok)
    assert.matches("SAKARI_DEBUG %(setting debug%): expected true, false or a function%(line%), got \"verbose\"",
      tostring(err))
  end)

  it("shows no header, body or secret, also for the token request and a failure", function()
    local lines = {}
    local client = sandbox.oauth_client { debug = function(line) lines[#lines + 1] = line end, max_retries = 0 }
    local fields = { firstName = "Sekrit-Name", mobile = { number = "+15555550100" } }
    assert.truthy(client.contacts.update(ACC, SEED, fields))
    sandbox.fault({ path = "/v1/", status = 400, content_type = "application/json",
      body = '{"success":false,"error":{"code":"X-1","message":"echo Sekrit-Name"}}' })
    assert.is_nil(client.contacts.get(ACC, SEED))
    client.close()
    assert.equal(3, #lines)
    assert.matches(line_pattern("POST", "/oauth2/token", 200, 1), lines[1])
    assert.matches(line_pattern("PUT", SEED_PATH, 200, 1), lines[2])
    assert.matches(line_pattern("GET", SEED_PATH, 400, 1), lines[3])
    local token = sandbox.requests()[2].headers.authorization:match("^Bearer (.+)$")
    for _, line in ipairs(lines) do
      for _, needle in ipairs { token, sandbox.CLIENT_SECRET, sandbox.CLIENT_ID, "Bearer", "uthorization",
                                "Sekrit", "firstName", "application/json" } do
        assert.is_nil(line:find(needle, 1, true), ("%q in %q"):format(needle, line))
      end
    end
  end)
end)
