-- messages.send costs money and cannot be undone: it is checked before it goes,
-- and it goes once.
local sandbox = require "spec.support.sandbox"
local errors = require "sakari.errors"
local endpoint = require "sakari.endpoint"
local resources = require "sakari.resources"
local sakari = require "sakari"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT
local MESSAGES = "/v1/accounts/" .. ACC .. "/messages"

local function to(number)
  return { contacts = { { mobile = { number = number, country = "US" } } }, template = "Hello" }
end

local raised = require "spec.support.raised"

describe("messages.send", function()
  local client = sandbox.each_client()

  it("is sent once when the server answers 500", function()
    sandbox.fault({ method = "POST", path = MESSAGES, status = 500 })
    local result, err = client.messages.send(ACC, to("+15552220001"))
    assert.is_nil(result)
    assert.equal(500, err.status)
    assert.is_true(err.retryable) -- the status is retryable; sending again is the caller's decision
    assert.same({ "POST " .. MESSAGES }, sandbox.request_lines())
  end)

  it("is sent once when the connection drops without an answer", function()
    sandbox.fault({ method = "POST", path = MESSAGES, drop = true })
    local result, err = client.messages.send(ACC, to("+15552220002"))
    assert.is_nil(result)
    assert.is_true(errors.is_error(err))
    assert.is_nil(err.status)
    assert.same({ "POST " .. MESSAGES }, sandbox.request_lines())
  end)

  it("is repeated after a 401 only once a fresh token is in hand (the server refused it unsent)", function()
    local oauth = sandbox.oauth_client()
    assert.truthy(oauth.messages.send(ACC, to("+15552220003")))
    sandbox.expire_tokens()
    local result = assert(oauth.messages.send(ACC, to("+15552220003")))
    assert.equal(1, result.valid)
    oauth.close()
    assert.same({ "POST /oauth2/token", "POST " .. MESSAGES, "POST " .. MESSAGES, "POST /oauth2/token",
                  "POST " .. MESSAGES }, sandbox.request_lines())
    local sent = assert(client.messages.list(ACC))
    assert.equal(2, #sent) -- two calls, two messages: the refused one was not sent
  end)

  it("replies into a conversation and fills the template per contact", function()
    local inbound = sandbox.inbound { mobile = "+15552220004", message = "hi there" }
    local result = assert(client.messages.send(ACC, {
      conversations = { inbound.conversation.id }, template = "Thanks {{mobile}}",
    }))
    assert.equal(inbound.conversation.id, result.messages[1].conversation.id)
    assert.equal("Thanks +15552220004", result.messages[1].message)
    assert.is_true(result.messages[1].outgoing)
  end)

  it("targets contacts by tag through filters", function()
    assert.truthy(client.contacts.create(ACC, {
      firstName = "Vee", mobile = { number = "+15552220005" }, tags = { { tag = "vip" } },
    }))
    local result = assert(client.messages.send(ACC, { filters = { tags = { "vip" } }, template = "Hi {{firstName}}" }))
    assert.equal(1, result.valid)
    assert.equal("Hi Vee", result.messages[1].message)
    assert.same({ filters = { tags = { "vip" } }, template = "Hi {{firstName}}" },
      sandbox.json(sandbox.requests()[2]))
  end)

  it("hands back the recipients Sakari refused, with their error", function()
    local result = assert(client.messages.send(ACC, { contacts = { { id = SEED } }, template = "Hi" }))
    assert.equal(0, result.valid)
    assert.equal("CONT-010", result.invalid[1].error.code) -- the seed contact has opted out
  end)

  describe("refuses before sending", function()
    local cases = {
      { { template = "Hi" }, "no recipients: give contacts, conversations or filters" },
      { { contacts = {}, conversations = {}, template = "Hi" }, "no recipients" },
      { { filters = { tags = {} }, template = "Hi" }, "no recipients" },
      { { contacts = { { firstName = "No number" } }, template = "Hi" },
        "contacts[1]: needs an id or a mobile.number" },
      { { contacts = "+15550000000", template = "Hi" }, "contacts: expected an array, got string" },
      { { contacts = sakari.null, template = "Hi" }, "contacts: expected an array, got null" },
      { { contacts = { sakari.null }, template = "Hi" }, "contacts[1]: expected a table, got null" },
      { { filters = sakari.null, template = "Hi" }, "filters: expected a table, got null" },
      { { contacts = { mobile = { number = "+15550000000" } }, template = "Hi" },
        "contacts: expected an array, got a table with named keys" },
      { { conversations = { 42 }, template = "Hi" },
        "conversations[1]: expected a conversation id (a non-empty string), got number" },
      { { contacts = { { id = SEED } } }, "nothing to send: give template (the message text) or media" },
      { { contacts = { { id = SEED } }, template = 7 }, "template: expected the message text (a string), got number" },
    }
    for i, case in ipairs(cases) do
      it("case " .. i .. ": " .. case[2], function()
        local message = raised(client.messages.send, ACC, case[1])
        assert.truthy(message:find("bad argument #2 to 'messages.send' (request: " .. case[2], 1, true), message)
        assert.same({}, sandbox.requests())
      end)
    end
  end)
end)

describe("campaigns.quick", function()
  local client = sandbox.each_client()

  it("is sent once when the server answers 500", function()
    sandbox.fault({ method = "POST", status = 500 })
    local _, err = client.campaigns.quick(ACC, {
      name = "Flash", groupId = "seed-group", listId = "seed-list", message = { message = "Now!" },
    })
    assert.equal(500, err.status)
    assert.equal(1, #sandbox.requests())
  end)

  it("refuses a request without its required fields before sending", function()
    assert.truthy(raised(client.campaigns.quick, ACC, { name = "Flash", listId = "l", message = { message = "x" } })
      :find("(fields: groupId: expected a non-empty string, got nil)", 1, true))
    assert.truthy(raised(client.campaigns.quick, ACC, { name = "F", groupId = "g", listId = "l", message = "Now!" })
      :find("message: expected a table", 1, true))
    assert.same({}, sandbox.requests())
  end)
end)

describe("the retry flag", function()
  it("reaches the client's call as request.retry = 'never' on send and quick, and only there", function()
    local seen = {}
    local functions = endpoint.bind({
      call = function(_, request)
        seen[request.fname] = request
        return { success = true, data = {} }
      end,
      setting = function() return nil end,
    })
    functions.messages.send(ACC, to("+15552220009"))
    functions.campaigns.quick(ACC, { name = "F", groupId = "g", listId = "l", message = { message = "x" } })
    functions.contacts.create(ACC, { firstName = "x" })
    functions.contacts.get(ACC, SEED)
    assert.equal("never", seen["messages.send"].retry)
    assert.equal("never", seen["campaigns.quick"].retry)
    assert.is_nil(seen["contacts.create"].retry)
    assert.is_nil(seen["contacts.get"].retry)
    local flagged = {}
    for namespace, rows in pairs(resources.endpoints) do
      for name, row in pairs(rows) do
        if row.retry then flagged[#flagged + 1] = namespace .. "." .. name end
      end
    end
    table.sort(flagged)
    assert.same({ "campaigns.quick", "messages.send" }, flagged)
  end)
end)
