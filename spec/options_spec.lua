-- Query options: documented names checked, the rest passed through `query`,
-- documented ranges and values enforced; every refusal happens before sending.
local sandbox = require "spec.support.sandbox"
local refused = require("spec.support.refused").message

local ACC = sandbox.ACCOUNT

describe("query options", function()
  local client = sandbox.each_client()

  it("name a misspelt option and list the accepted ones", function()
    assert.equal("bad argument #2 to 'contacts.list' (unknown option 'firstname' "
      .. "(accepted: email, firstName, lastName, limit, mobile, offset, tags; "
      .. "on every call: connect_timeout, max_retries, max_retry_delay, query, retry_backoff, strict, timeout); "
      .. "did you mean firstName?)",
      refused(client.contacts.list, ACC, { firstname = "Bob" }))
    assert.equal("bad argument #2 to 'messages.list' (unknown option 'contact' "
      .. "(accepted: contactId, conversationId, limit, offset; "
      .. "on every call: connect_timeout, max_retries, max_retry_delay, query, retry_backoff, strict, timeout); "
      .. "did you mean contactId?)",
      refused(client.messages.list, ACC, { contact = "c" }))
    assert.equal("bad argument #1 to 'accounts.list' (unknown option 'page' "
      .. "(accepted: limit, offset; "
      .. "on every call: connect_timeout, max_retries, max_retry_delay, query, retry_backoff, strict, timeout))",
      refused(client.accounts.list, { page = 2 }))
  end)

  it("pass unknown parameters through options.query, next to the documented ones", function()
    assert.truthy(client.contacts.list(ACC, { limit = 3, query = { sort = "-created", ids = { "a", "b" } } }))
    local request = sandbox.requests()[1]
    assert.same({ limit = { "3" }, sort = { "-created" }, ids = { "a", "b" } }, request.query)
    assert.equal("/v1/accounts/sandbox-account/contacts?ids=a&ids=b&limit=3&sort=-created", request.path)
  end)

  it("refuse a parameter given both ways, and a query that is not a table", function()
    assert.equal("bad argument #2 to 'contacts.list' (option 'limit' is given twice (once in options.query))",
      refused(client.contacts.list, ACC, { limit = 3, query = { limit = 4 } }))
    assert.equal("bad argument #2 to 'contacts.list' (options.query: expected a table, got string)",
      refused(client.contacts.list, ACC, { query = "limit=3" }))
    assert.equal("bad argument #2 to 'contacts.list' (option 'x': expected a string, number, boolean or an "
      .. "array of them, got function)", refused(client.contacts.list, ACC, { query = { x = print } }))
  end)

  it("hold limit to 1..100 and offset to >= 0, whole numbers", function()
    assert.equal("bad argument #2 to 'contacts.list' (option 'limit': expected an integer from 1 to 100, got 0)",
      refused(client.contacts.list, ACC, { limit = 0 }))
    assert.equal("bad argument #2 to 'contacts.list' (option 'limit': expected an integer from 1 to 100, got 101)",
      refused(client.contacts.list, ACC, { limit = 101 }))
    assert.equal("bad argument #2 to 'templates.list' (option 'offset': expected an integer >= 0, got -1)",
      refused(client.templates.list, ACC, { offset = -1 }))
    assert.matches("option 'limit': expected an integer from 1 to 100, got 2%.5",
      refused(client.contacts.list, ACC, { limit = 2.5 }))
    assert.matches("option 'limit': expected an integer from 1 to 100, got string",
      refused(client.contacts.list, ACC, { limit = "10" }))
  end)

  it("send an integral float limit as an integer", function()
    assert.truthy(client.contacts.list(ACC, { limit = 10.0 }))
    assert.same({ "10" }, sandbox.requests()[1].query.limit)
  end)

  it("leave out-of-range values to the server when they come through options.query", function()
    local items, err = client.contacts.list(ACC, { query = { limit = 500 } })
    assert.is_nil(items)
    assert.equal(400, err.status)
    assert.equal("REQ-002", err.code)
  end)

  it("check documented values: mergeStrategy and the attribute type", function()
    assert.equal("bad argument #3 to 'contacts.create' (option 'mergeStrategy': expected one of append, core, "
      .. 'remove, got "apend")', refused(client.contacts.create, ACC, { firstName = "x" }, { mergeStrategy = "apend" }))
    assert.equal("bad argument #3 to 'contacts.import' (option 'mergeStrategy': expected one of append, core, "
      .. 'remove, got "merge")', refused(client.contacts.import, ACC, "mobile\n1\n", { mergeStrategy = "merge" }))
    assert.equal("bad argument #2 to 'accounts.create_attribute' (attributeType: expected one of contacts, "
      .. 'deals, tickets, got "contact")', refused(client.accounts.create_attribute, ACC, "contact", { name = "x" }))
  end)

  it("require the options a call cannot go without", function()
    assert.equal("bad argument #2 to 'reports.messages' (option 'start' is required)",
      refused(client.reports.messages, ACC))
    assert.equal("bad argument #2 to 'reports.messages' (option 'end' is required)",
      refused(client.reports.messages, ACC, { start = "2024-01-01" }))
  end)

  it("are checked for functions without a path parameter too", function()
    assert.equal("bad argument #1 to 'accounts.each' (options: expected a table, got string)",
      refused(client.accounts.each, "sandbox-account"))
  end)
end)
