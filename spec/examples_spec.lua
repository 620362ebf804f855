-- The examples run as a user would run them, against the sandbox.
local sandbox = require "spec.support.sandbox"

local interpreter = jit and "luajit" or ("lua" .. _VERSION:match("%d+%.%d+"))

-- Runs a script with the given environment; returns exit code, stdout, stderr.
local function run(script, env)
  local out, errfile = os.tmpname(), os.tmpname()
  local assignments = {}
  for name, value in pairs(env) do
    assignments[#assignments + 1] = ("%s='%s'"):format(name, value)
  end
  local command = ("env -u SAKARI_CLIENT_ID -u SAKARI_CLIENT_SECRET %s LUA_PATH='lua/?.lua;lua/?/init.lua;;'"
    .. " LUA_CPATH='build/%s/?.so;;' %s %s >%s 2>%s"):format(
    table.concat(assignments, " "), interpreter, interpreter, script, out, errfile)
  local a, _, c = os.execute(command)
  -- 5.1 returns the wait status; 5.2+ returns ok, "exit", code
  local code = type(a) == "number" and a or c
  local function slurp(path)
    local f = assert(io.open(path, "rb"))
    local text = f:read("*a")
    f:close()
    os.remove(path)
    return text
  end
  return code, slurp(out), slurp(errfile)
end

describe("examples/update_contact.lua", function()
  before_each(sandbox.reset)

  it("creates, updates and prints a contact", function()
    local code, out, err = run("examples/update_contact.lua", {
      SAKARI_API_URL = sandbox.url(), SAKARI_ACCESS_TOKEN = sandbox.TOKEN, SAKARI_ACCOUNT_ID = sandbox.ACCOUNT,
    })
    assert.equal(0, code, err)
    assert.matches("created contact ", out)
    assert.matches('firstName = "Bob"', out)
    assert.matches('lastName = "Thomson"', out)
    assert.matches('number = "%+1234567890"', out)
    assert.same({ "POST", "PUT", "GET" }, (function()
      local methods = {}
      for i, r in ipairs(sandbox.requests()) do methods[i] = r.method end
      return methods
    end)())
  end)

  it("exits non-zero with the error when a call fails", function()
    local code, out, err = run("examples/update_contact.lua", {
      SAKARI_API_URL = sandbox.url(), SAKARI_ACCESS_TOKEN = sandbox.TOKEN, SAKARI_ACCOUNT_ID = "nobody",
    })
    assert.are_not.equal(0, code)
    assert.equal("", out)
    assert.equal("sakari: POST /v1/accounts/nobody/contacts: 404 ACCT-008: Account id invalid\n", err)
  end)
end)
