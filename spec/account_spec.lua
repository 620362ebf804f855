-- A default account: client.account(id) binds it, and the account_id setting
-- (SAKARI_ACCOUNT_ID) fills it in where a call leaves it out. The positional
-- forms keep working, and a call that could mean two things raises.
local sandbox = require "spec.support.sandbox"
local settings = require "sakari.settings"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT
local SEED_PATH = "/v1/accounts/sandbox-account/contacts/seed-contact"

local refused = require("spec.support.refused").message

describe("client.account(id)", function()
  local client = sandbox.each_client()

  it("gives the functions that take the account, with the account bound", function()
    local acct = client.account(ACC)
    local contact = assert(acct.contacts.get(SEED))
    assert.equal(SEED, contact.id)
    local updated = assert(acct.contacts.update(SEED, { firstName = "Bound", mobile = { number = "+15555550100" } }))
    assert.equal("Bound", updated.firstName)
    local items = assert(acct.contacts.list({ limit = 1 }))
    assert.equal(1, #items)
    assert.same({ "GET " .. SEED_PATH, "PUT " .. SEED_PATH,
                  "GET /v1/accounts/sandbox-account/contacts?limit=1" }, sandbox.request_lines())
    -- read back: the PUT went to the bound account
    assert.equal("Bound", assert(client.contacts.get(ACC, SEED)).firstName)
  end)

  it("numbers the arguments after the account", function()
    local acct = client.account(ACC)
    assert.equal("bad argument #1 to 'contacts.get' (contactId: expected a non-empty string, got number)",
      refused(acct.contacts.get, 42))
    assert.equal("bad argument #2 to 'contacts.update' (fields: expected a table, got string)",
      refused(acct.contacts.update, SEED, "Bob"))
  end)

  it("leaves out the rows without an account, and refuses a bad id", function()
    local acct = client.account(ACC)
    assert.equal("sakari: no function accounts.list",
      refused(function() return acct.accounts.list end))
    assert.equal("bad argument #1 to 'account' (account id: expected a non-empty string, got empty string)",
      refused(client.account, ""))
  end)

  it("works on the module level too", function()
    local sakari = require "sakari"
    sakari.configure { base_url = sandbox.url(), access_token = sandbox.TOKEN }
    assert.equal(SEED, assert(sakari.account(ACC).contacts.get(SEED)).id)
  end)
end)

describe("the account_id setting", function()
  local client = sandbox.each_client { account_id = ACC }

  it("fills in the account a call leaves out", function()
    assert.equal(SEED, assert(client.contacts.get(SEED)).id)
    assert.truthy(client.contacts.update(SEED, { firstName = "Implied", mobile = { number = "+15555550100" } }))
    assert.truthy(client.contacts.list({ limit = 2 }))
    assert.truthy(client.contacts.list())
    assert.truthy(client.accounts.get())
    assert.same({ "GET " .. SEED_PATH, "PUT " .. SEED_PATH, "GET /v1/accounts/sandbox-account/contacts?limit=2",
                  "GET /v1/accounts/sandbox-account/contacts", "GET /v1/accounts/sandbox-account" },
      sandbox.request_lines())
    assert.equal("Implied", assert(client.contacts.get(ACC, SEED)).firstName)
  end)

  it("keeps the positional forms: every id given is used as given", function()
    local other = sandbox.client { account_id = "some-other-account" }
    assert.equal(SEED, assert(other.contacts.get(ACC, SEED)).id)
    assert.same({ "GET " .. SEED_PATH }, sandbox.request_lines())
    other.close()
  end)

  it("numbers the arguments as the caller gave them", function()
    assert.equal("bad argument #2 to 'contacts.update' (fields: expected a table, got nil)",
      refused(client.contacts.update, SEED))
    assert.equal("bad argument #2 to 'contacts.get' (unknown option 'verbose' (accepted on every call: "
      .. "connect_timeout, max_retries, max_retry_delay, query, retry_backoff, strict, timeout))",
      refused(client.contacts.get, SEED, { verbose = true }))
  end)

  it("refuses a nil where an id belongs: a missing id, or options left nil?", function()
    assert.equal("bad argument #2 to 'contacts.get' (contactId: expected a non-empty string, got nil; "
      .. "account_id is set: leave the account out, or give every id, never a nil)",
      refused(client.contacts.get, ACC, nil))
    assert.equal("bad argument #2 to 'contacts.update' (contactId: expected a non-empty string, got nil; "
      .. "account_id is set: leave the account out, or give every id, never a nil)",
      refused(client.contacts.update, SEED, nil, nil))
  end)

  it("never guesses for a string that could be an id: a wrong type stays an error", function()
    assert.equal("bad argument #2 to 'contacts.get' (contactId: expected a non-empty string, got number)",
      refused(client.contacts.get, ACC, 42))
  end)

  it("is read from SAKARI_ACCOUNT_ID, and without it the old message stands", function()
    local real = settings.getenv
    settings.getenv = function(name) return name == "SAKARI_ACCOUNT_ID" and ACC or nil end
    local from_env = sandbox.client()
    settings.getenv = function() return nil end
    local without = sandbox.client()
    settings.getenv = real
    assert.equal(SEED, assert(from_env.contacts.get(SEED)).id)
    sandbox.clear_requests()
    assert.equal("bad argument #2 to 'contacts.get' (contactId: expected a non-empty string, got nil)",
      refused(without.contacts.get, SEED))
    from_env.close()
    without.close()
  end)
end)
