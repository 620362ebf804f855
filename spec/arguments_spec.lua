-- Wrong argument types raise at once, name the function and the argument, and
-- nothing is sent.
local sandbox = require "spec.support.sandbox"
local sakari = require "sakari"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT

-- The error message, checked to blame the caller's line (this file), not the library.
local function raised(f, ...)
  -- not a tail call: the library must blame this line
  local ok, message = pcall(function(...) local r = f(...) return r end, ...)
  assert.is_false(ok, "expected an error")
  local where, text = tostring(message):match("^(.-):%d+: (.*)$")
  assert.truthy(where and where:find("arguments_spec.lua", 1, true), "blamed: " .. tostring(message))
  return text
end

describe("argument checks", function()
  local client = sandbox.each_client()

  after_each(function()
    assert.same({}, sandbox.requests())
  end)

  it("reject a missing contact id", function()
    assert.equal("bad argument #2 to 'contacts.update' (contactId: expected a non-empty string, got nil)",
      raised(client.contacts.update, ACC, nil, { firstName = "Bob" }))
  end)

  it("reject an empty or non-string account id", function()
    assert.equal("bad argument #1 to 'contacts.update' (accountId: expected a non-empty string, got empty string)",
      raised(client.contacts.update, "", SEED, {}))
    assert.equal("bad argument #1 to 'contacts.get' (accountId: expected a non-empty string, got number)",
      raised(client.contacts.get, 42, SEED))
    assert.equal("bad argument #1 to 'contacts.list' (accountId: expected a non-empty string, got nil)",
      raised(client.contacts.list))
  end)

  it("reject fields that are not a table", function()
    assert.equal("bad argument #3 to 'contacts.update' (fields: expected a table, got string)",
      raised(client.contacts.update, ACC, SEED, "Bob"))
    assert.equal("bad argument #2 to 'contacts.create' (fields: expected a table, got nil)",
      raised(client.contacts.create, ACC))
  end)

  it("reject options that are not a table", function()
    assert.equal("bad argument #4 to 'contacts.update' (options: expected a table, got string)",
      raised(client.contacts.update, ACC, SEED, {}, "fast"))
    assert.equal("bad argument #2 to 'contacts.list' (options: expected a table, got number)",
      raised(client.contacts.list, ACC, 10))
  end)

  it("reject an unknown option, listing the accepted ones", function()
    assert.equal("bad argument #2 to 'contacts.list' (unknown option 'limt' "
      .. "(accepted: email, firstName, lastName, limit, mobile, offset, tags; "
      .. "on every call: connect_timeout, max_retries, max_retry_delay, query, retry_backoff, strict, timeout); "
      .. "did you mean limit?)",
      raised(client.contacts.list, ACC, { limt = 10 }))
    assert.equal("bad argument #3 to 'contacts.get' (unknown option 'verbose' (accepted on every call: "
      .. "connect_timeout, max_retries, max_retry_delay, query, retry_backoff, strict, timeout))",
      raised(client.contacts.get, ACC, SEED, { verbose = true }))
    assert.equal("bad argument #3 to 'contacts.create' (unknown option 'merge' "
      .. "(accepted: mergeStrategy; "
      .. "on every call: connect_timeout, max_retries, max_retry_delay, query, retry_backoff, strict, timeout))",
      raised(client.contacts.create, ACC, {}, { merge = "append" }))
  end)

  it("reject an option value that cannot go in a query string", function()
    assert.equal("bad argument #2 to 'contacts.list' (option 'tags': expected a string, number, "
      .. "boolean or an array of them, got table)",
      raised(client.contacts.list, ACC, { tags = { nested = { "x" } } }))
  end)

  it("apply to the module-level namespaces too", function()
    assert.equal("bad argument #2 to 'contacts.update' (contactId: expected a non-empty string, got nil)",
      raised(sakari.contacts.update, ACC, nil, {}))
  end)

  it("reject a non-finite number as an option value", function()
    assert.equal("bad argument #2 to 'contacts.list' (option 'limit': expected a string, number, "
      .. "boolean or an array of them, got NaN)",
      raised(client.contacts.list, ACC, { limit = 0 / 0 }))
    assert.equal("bad argument #2 to 'contacts.list' (option 'offset': expected a string, number, "
      .. "boolean or an array of them, got infinite number)",
      raised(client.contacts.list, ACC, { offset = math.huge }))
  end)

  it("reject a body JSON cannot express, naming the function and the field", function()
    local message = raised(client.contacts.update, ACC, SEED, { firstName = function() end })
    assert.equal("contacts.update: ", message:sub(1, 17))
    assert.truthy(message:find("firstName", 1, true), message)
    local cycle = {}
    cycle.self = cycle
    message = raised(client.contacts.create, ACC, cycle)
    assert.equal("contacts.create: ", message:sub(1, 17))
  end)
end)
