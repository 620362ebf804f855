-- Whatever a caller passes, the outcome is a clear Lua error before anything is
-- sent, or a well-defined request: never a crash, a hang, or a malformed wire.
local sandbox = require "spec.support.sandbox"

local ACC = sandbox.ACCOUNT

describe("bad input", function()
  local client = sandbox.each_client()

  local function raises_and_sends_nothing(pattern, f, ...)
    local ok, err = pcall(f, ...)
    assert.is_false(ok, "expected an error")
    assert.is_truthy(tostring(err):find(pattern, 1, true), tostring(err))
    assert.are.same({}, sandbox.requests())
    return err
  end

  describe("as an id", function()
    it("refuses nil, numbers, booleans, tables and the empty string", function()
      for _, bad in ipairs { false, 42, 4.2, {}, "" } do
        raises_and_sends_nothing("contactId: expected a non-empty string", client.contacts.update, ACC, bad,
          { firstName = "x" })
      end
      raises_and_sends_nothing("contactId: expected a non-empty string", client.contacts.get, ACC, nil)
      raises_and_sends_nothing("accountId: expected a non-empty string", client.contacts.get, 7, "x")
    end)

    it("sends reserved characters, CR/LF, NUL and invalid UTF-8 as one escaped segment", function()
      local cases = {
        { "a/b", "a%2Fb" }, { "..", "%2E%2E" }, { ".", "%2E" }, { "a?b", "a%3Fb" }, { "a#b", "a%23b" },
        { "100%", "100%25" }, { "a\r\nX-Injected: 1", "a%0D%0AX-Injected%3A%201" }, { "a\0b", "a%00b" },
        { "\255\254", "%FF%FE" },
      }
      for _, case in ipairs(cases) do
        sandbox.clear_requests()
        local contact, err = client.contacts.get(ACC, case[1])
        assert.is_nil(contact)
        assert.are.equal(404, err.status)
        assert.are.equal("CONT-002", err.code)
        local logged = sandbox.requests()
        assert.are.equal(1, #logged)
        assert.are.equal("/v1/accounts/sandbox-account/contacts/" .. case[2], logged[1].path)
      end
    end)

    it("turns a 100 KB id into a clear error, never a crash", function()
      local ok, contact, err = pcall(client.contacts.get, ACC, ("x"):rep(100 * 1024))
      if ok then
        assert.is_nil(contact)
        assert.is_number(err.status)
        assert.is_true(err.status >= 400)
      else
        assert.is_truthy(tostring(contact):find("contactId", 1, true))
      end
    end)
  end)

  describe("as fields", function()
    local function update(fields)
      return client.contacts.update(ACC, sandbox.SEED_CONTACT, fields)
    end

    it("refuses what JSON cannot carry, naming the place", function()
      local cyclic = { firstName = "x" }
      cyclic.self = cyclic
      local cases = {
        { cyclic, "fields.self: table refers to itself" },
        { { firstName = print }, "fields.firstName: a function has no JSON form" },
        { { attributes = { f = io.stdout } }, "fields.attributes.f: a userdata has no JSON form" },
        { { attributes = { t = coroutine.create(function() end) } }, "a thread has no JSON form" },
        { { attributes = { n = 0 / 0 } }, "fields.attributes.n: NaN" },
        { { attributes = { n = math.huge } }, "infinity" },
        { { attributes = { n = -math.huge } }, "infinity" },
        { { lists = { 1, nil, 3 } }, "fields.lists: array has holes" },
        { { lists = { 1, name = "x" } }, "fields.lists: table mixes array items and object keys" },
        { { firstName = "\255" }, "fields.firstName: string is not valid UTF-8" },
        { { ["\255"] = 1 }, "key is not valid UTF-8" },
      }
      for _, case in ipairs(cases) do
        raises_and_sends_nothing(case[2], update, case[1])
      end
    end)

    it("refuses nesting deeper than 1000 levels and sends 1000 levels as JSON", function()
      local nest = require "spec.support.nest"
      raises_and_sends_nothing("nested deeper than 1000 levels", update, { attributes = nest(1000) })
      -- the whole body is the root: attributes at depth 1 plus 999 more levels fit
      local contact, err = update({ mobile = { number = "+15555550100" }, attributes = nest(999) })
      -- either way the wire carried valid JSON: the server answered, nothing crashed
      assert.is_true(contact ~= nil or err.status ~= nil)
      assert.are.equal(1, #sandbox.requests())
    end)

    it("sends a 10 MB string, and the server's refusal comes back as an err", function()
      local big = ("é"):rep(5 * 1024 * 1024)
      local contact, err = update({ firstName = big, mobile = { number = "+15555550100" } })
      assert.is_nil(contact)
      -- the sandbox refuses JSON bodies over 1 MiB, as a real server caps them
      assert.are.equal(413, err.status)
      assert.is_false(err.retryable)
    end)
  end)
end)
