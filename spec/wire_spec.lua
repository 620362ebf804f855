-- What goes on the wire for the seed's "update contact", and what comes back.
local sandbox = require "spec.support.sandbox"
local core = require "sakari.core"
local sakari = require "sakari"

local SEED_FIELDS = {
  firstName = "Bob",
  lastName = "Thomson",
  mobile = { number = "+1234567890", country = "US" },
}

describe("contacts.update", function()
  local client = sandbox.each_client()

  it("sends the seed's request: PUT, path, bearer token, JSON body", function()
    local contact, err = client.contacts.update(sandbox.ACCOUNT, sandbox.SEED_CONTACT, SEED_FIELDS)
    assert.is_nil(err)
    assert.is_table(contact)

    local log = sandbox.requests()
    assert.equal(1, #log)
    local request = log[1]
    assert.equal("PUT", request.method)
    assert.equal("/v1/accounts/sandbox-account/contacts/seed-contact", request.path)
    assert.equal("Bearer sandbox-token", request.headers.authorization)
    assert.equal("application/json", request.headers["content-type"])
    assert.equal("application/json", request.headers.accept)
    assert.same(SEED_FIELDS, core.decode(request.body))
  end)

  it("identifies itself in User-Agent, with the configured suffix", function()
    local suffixed = sandbox.client { user_agent_suffix = "my-app/2.0" }
    assert.truthy(suffixed.contacts.get(sandbox.ACCOUNT, sandbox.SEED_CONTACT))
    suffixed.close()
    local runtime = jit and jit.version or _VERSION
    local expected = ("lua-sakari/%s (%s; %s) my-app/2.0"):format(core.VERSION, runtime, core.curl_version)
    assert.equal(expected, sandbox.requests()[1].headers["user-agent"])
  end)

  it("returns the updated contact as plain tables", function()
    local contact = assert(client.contacts.update(sandbox.ACCOUNT, sandbox.SEED_CONTACT, SEED_FIELDS))
    assert.equal(sandbox.SEED_CONTACT, contact.id)
    assert.equal("Bob", contact.firstName)
    assert.equal("Thomson", contact.lastName)
    assert.equal("+1234567890", contact.mobile.number)
    assert.equal("US", contact.mobile.country)
  end)

  it("sends sakari.array() as [] and gets an empty list back", function()
    local fields = {
      firstName = "Bob",
      mobile = { number = "+1234567890", country = "US" },
      lists = sakari.array(),
      tags = sakari.array(),
    }
    local contact, err = client.contacts.update(sandbox.ACCOUNT, sandbox.SEED_CONTACT, fields)
    assert.is_nil(err)
    local body = sandbox.requests()[1].body
    assert.matches('"lists"%s*:%s*%[%s*%]', body)
    assert.matches('"tags"%s*:%s*%[%s*%]', body)
    assert.same({}, contact.lists)
  end)

  it("sends a plain empty table as an object, which Sakari rejects for a list field", function()
    local contact, err = client.contacts.update(sandbox.ACCOUNT, sandbox.SEED_CONTACT,
      { firstName = "Bob", lists = {} })
    assert.is_nil(contact)
    assert.equal(400, err.status)
    assert.equal("REQ-003", err.code)
  end)
end)

describe("a decoded contact", function()
  local client = sandbox.each_client()
  local contact

  before_each(function()
    contact = assert(client.contacts.get(sandbox.ACCOUNT, sandbox.SEED_CONTACT))
  end)

  it("is nested Lua tables all the way down", function()
    assert.equal("mobile", contact.mobile.lineType)
    assert.is_true(contact.mobile.valid)
    assert.equal("Boston", contact.lists[1].filter.attributes[1].value[1])
    assert.is_true(contact.lists[1].doubleOptIn.enabled)
    assert.equal("CONT-010", contact.error.code)
    assert.equal("Joe", contact.created.by.firstName)
    assert.same({}, contact.attributes)
  end)

  it("has integral numbers as integers", function()
    assert.equal(123, contact.hubspot.id)
    assert.equal("123", tostring(contact.hubspot.id))
    -- Lua 5.3 and 5.4 have an integer subtype; 5.1, 5.2 and LuaJIT only doubles
    if (_VERSION == "Lua 5.3" or _VERSION == "Lua 5.4") and not jit then
      assert.equal("integer", math.type(contact.hubspot.id))
      assert.equal("integer", math.type(contact.activecampaign.id))
    else
      assert.is_nil(math.type) -- one number type: integral doubles, printed without ".0"
      assert.equal("123", tostring(contact.activecampaign.id))
    end
  end)

  it("has JSON null as sakari.null", function()
    local fresh = assert(client.contacts.create(sandbox.ACCOUNT, {
      firstName = "Null", mobile = { number = "+15550001111", country = "US" },
    }))
    assert.equal(sakari.null, fresh.mobile.verified)
    assert.equal(core.null, sakari.null)
  end)
end)
