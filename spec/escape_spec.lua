-- Ids are path segments: whatever they contain, they reach the server as one
-- percent-encoded segment and address exactly that id.
local sandbox = require "spec.support.sandbox"

local ACC = sandbox.ACCOUNT
local PREFIX = "/v1/accounts/sandbox-account/contacts/"

describe("a contact id", function()
  local client = sandbox.each_client()

  local cases = {
    { "seed-contact/x", "seed-contact%2Fx" },
    { "seed-contact?x=1", "seed-contact%3Fx%3D1" },
    { "seed-contact#top", "seed-contact%23top" },
    { "100%", "100%25" },
    { "seed contact", "seed%20contact" },
    { "Zoë", "Zo%C3%AB" },
    { "日本", "%E6%97%A5%E6%9C%AC" },
    { "a+b&c;d", "a%2Bb%26c%3Bd" },
  }

  for _, case in ipairs(cases) do
    local id, encoded = case[1], case[2]
    it(("%q is sent as %s and matches only itself"):format(id, encoded), function()
      local contact, err = client.contacts.get(ACC, id)
      assert.is_nil(contact)
      assert.equal(404, err.status)
      assert.equal("CONT-002", err.code)
      assert.equal(PREFIX .. encoded, err.path)
      local log = sandbox.requests()
      assert.equal(1, #log)
      assert.equal(PREFIX .. encoded, log[1].path)
      assert.same({}, log[1].query)
    end)
  end

  it("'..' and '.' stay segments instead of climbing to the account", function()
    for _, case in ipairs({ { "..", "%2E%2E" }, { ".", "%2E" } }) do
      sandbox.clear_requests()
      local contact, err = client.contacts.get(ACC, case[1])
      assert.is_nil(contact)
      assert.equal(404, err.status)
      assert.equal("CONT-002", err.code)
      assert.equal(PREFIX .. case[2], sandbox.requests()[1].path)
    end
  end)

  it("in the account position is encoded too", function()
    local _, err = client.contacts.get("my account/1", "seed-contact")
    assert.equal(404, err.status)
    assert.equal("ACCT-008", err.code)
    assert.equal("/v1/accounts/my%20account%2F1/contacts/seed-contact", sandbox.requests()[1].path)
  end)

  it("that is exact still finds the contact", function()
    local contact = assert(client.contacts.get(ACC, "seed-contact"))
    assert.equal("seed-contact", contact.id)
  end)
end)
