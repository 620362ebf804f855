-- The contacts resource end to end, and the module-level default client.
local sandbox = require "spec.support.sandbox"
local sakari = require "sakari"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT

describe("contacts", function()
  local client = sandbox.each_client()

  it("create, get, update, delete round trip", function()
    local created, err = client.contacts.create(ACC, {
      firstName = "Ada", lastName = "Lovelace", email = "ada@example.com",
      mobile = { number = "+15551234567", country = "US" },
      attributes = { plan = "gold" },
    })
    assert.is_nil(err)
    assert.is_string(created.id)
    assert.equal("Ada", created.firstName)
    assert.equal("gold", created.attributes.plan)

    local fetched = assert(client.contacts.get(ACC, created.id))
    assert.equal(created.id, fetched.id)
    assert.equal("ada@example.com", fetched.email)
    assert.equal("+15551234567", fetched.mobile.number)

    local updated = assert(client.contacts.update(ACC, created.id, {
      firstName = "Bob", lastName = "Thomson",
      mobile = { number = "+1234567890", country = "US" },
    }))
    assert.equal(created.id, updated.id)
    assert.equal("Bob", updated.firstName)
    assert.equal("Bob", assert(client.contacts.get(ACC, created.id)).firstName)

    assert.is_true(client.contacts.delete(ACC, created.id))
    local gone, gone_err = client.contacts.get(ACC, created.id)
    assert.is_nil(gone)
    assert.equal("CONT-002", gone_err.code)

    local log = sandbox.requests()
    assert.equal("POST", log[1].method)
    assert.equal("/v1/accounts/sandbox-account/contacts", log[1].path)
    assert.equal("DELETE", log[5].method)
    assert.equal("/v1/accounts/sandbox-account/contacts/" .. created.id, log[5].path)
  end)

  it("create sends mergeStrategy as a query option", function()
    assert.truthy(client.contacts.create(ACC, {
      firstName = "Mo", mobile = { number = "+15550000001", country = "US" },
    }, { mergeStrategy = "append" }))
    local request = sandbox.requests()[1]
    assert.equal("/v1/accounts/sandbox-account/contacts?mergeStrategy=append", request.path)
  end)

  it("create accepts a plain object in data as well as a one-element list", function()
    sandbox.fault({ method = "POST", path = "/v1/", status = 201, content_type = "application/json",
                    body = '{"success":true,"data":{"id":"plain-1","firstName":"Flat"}}' })
    local contact = assert(client.contacts.create(ACC, { firstName = "Flat" }))
    assert.equal("plain-1", contact.id)
    assert.equal("Flat", contact.firstName)
  end)

  it("list returns the items and the pagination", function()
    for i = 1, 3 do
      assert.truthy(client.contacts.create(ACC, {
        firstName = "Lister" .. i, mobile = { number = "+1555000000" .. i, country = "US" },
      }))
    end
    local items, pagination = client.contacts.list(ACC, { firstName = "lister", limit = 2, offset = 0 })
    assert.equal(2, #items)
    assert.matches("^Lister", items[1].firstName)
    assert.equal(2, pagination.limit)
    assert.equal(0, pagination.offset)
    assert.equal(3, pagination.totalCount)
    assert.is_true(pagination.hasNext)

    local rest = assert(client.contacts.list(ACC, { firstName = "lister", limit = 2, offset = 2 }))
    assert.equal(1, #rest)
  end)

  it("list sends its options as the query string", function()
    local items = assert(client.contacts.list(ACC, { tags = "vip,gold", email = "a b@example.com", limit = 5 }))
    assert.same({}, items)
    local request = sandbox.requests()[1]
    assert.same({ "vip,gold" }, request.query.tags)
    assert.same({ "a b@example.com" }, request.query.email)
    assert.same({ "5" }, request.query.limit)
    assert.equal("/v1/accounts/sandbox-account/contacts", request.path:match("^[^?]*"))
  end)

  it("close is safe twice and the client still works afterwards", function()
    assert.truthy(client.contacts.get(ACC, SEED))
    client.close()
    client.close()
    assert.truthy(client.contacts.get(ACC, SEED))
  end)
end)

describe("the default client", function()
  local config_module = require "sakari.settings"
  local real_getenv = config_module.getenv
  local env

  before_each(function()
    sandbox.reset()
    env = {}
    config_module.getenv = function(name) return env[name] end
  end)

  after_each(function()
    config_module.getenv = real_getenv
  end)

  -- a fresh `sakari` module, so its default client is built again
  local function fresh_sakari()
    package.loaded.sakari = nil
    return require "sakari"
  end

  it("is built from the environment on first use", function()
    env.SAKARI_API_URL = sandbox.url() .. "/"
    env.SAKARI_ACCESS_TOKEN = sandbox.TOKEN
    local s = fresh_sakari()
    local contact = assert(s.contacts.get(ACC, SEED))
    assert.equal(SEED, contact.id)
    assert.equal("/v1/accounts/sandbox-account/contacts/seed-contact", sandbox.requests()[1].path)
  end)

  it("uses client credentials from the environment", function()
    env.SAKARI_API_URL = sandbox.url()
    env.SAKARI_CLIENT_ID = sandbox.CLIENT_ID
    env.SAKARI_CLIENT_SECRET = sandbox.CLIENT_SECRET
    local s = fresh_sakari()
    assert.truthy(s.contacts.get(ACC, SEED))
    assert.equal("POST /oauth2/token", sandbox.request_lines()[1])
  end)

  it("is replaced by sakari.configure", function()
    sakari.configure { base_url = sandbox.url(), access_token = "stale" }
    local _, err = sakari.contacts.get(ACC, SEED)
    assert.equal(401, err.status)

    sakari.configure { base_url = sandbox.url(), access_token = sandbox.TOKEN }
    local contact = assert(sakari.contacts.get(ACC, SEED))
    assert.equal(SEED, contact.id)
  end)

  it("configure falls back to the environment for keys it does not give", function()
    env.SAKARI_ACCESS_TOKEN = sandbox.TOKEN
    sakari.configure { base_url = sandbox.url() }
    assert.truthy(sakari.contacts.get(ACC, SEED))
    assert.equal("Bearer sandbox-token", sandbox.requests()[1].headers.authorization)
  end)

  it("takes client_secret from the environment when config gives client_id", function()
    env.SAKARI_CLIENT_SECRET = sandbox.CLIENT_SECRET
    sakari.configure { base_url = sandbox.url(), client_id = sandbox.CLIENT_ID }
    assert.truthy(sakari.contacts.get(ACC, SEED))
    assert.equal("POST /oauth2/token", sandbox.request_lines()[1])
  end)

  it("raises a clear error on a call when there are no credentials", function()
    local s = fresh_sakari()
    local ok, message = pcall(s.contacts.get, ACC, SEED)
    assert.is_false(ok)
    assert.matches("no credentials", message)
    assert.matches("SAKARI_ACCESS_TOKEN", message)
    assert.matches("SAKARI_CLIENT_ID", message)
    assert.matches("SAKARI_CLIENT_SECRET", message)
    assert.same({}, sandbox.requests())
  end)
end)

describe("config errors", function()
  local function config_error(f, config)
    local ok, message = pcall(f, config)
    assert.is_false(ok)
    return message
  end

  local function contains(expected, message)
    message = tostring(message)
    assert(message:find(expected, 1, true), ("%q not in %q"):format(expected, message))
  end

  it("name an unknown key", function()
    local message = config_error(sakari.new, { base_url = "http://x", acces_token = "t" })
    assert.matches("bad argument #1 to 'sakari.new' %(unknown config key 'acces_token' %(accepted: "
      .. "access_token, account_id, base_url, ca_file", message)
    assert.matches("did you mean access_token%?%)$", tostring(message))
  end)

  it("name the key with a wrong type", function()
    contains("config.timeout: expected a number of seconds > 0, at most 86400, got \"30\")",
      config_error(sakari.new, { timeout = "30" }))
    contains("config.connect_timeout: expected a number of seconds > 0, at most 86400, got -1)",
      config_error(sakari.new, { connect_timeout = -1 }))
    contains("config.insecure: expected a boolean, got \"yes\")",
      config_error(sakari.new, { insecure = "yes" }))
    contains("config.base_url: expected an http:// or https:// URL, got empty string (env SAKARI_API_URL))",
      config_error(sakari.new, { base_url = "" }))
    contains("'sakari.configure' (config.access_token: expected a non-empty string without CR, LF or NUL, "
      .. "got a number (env SAKARI_ACCESS_TOKEN))",
      config_error(sakari.configure, { access_token = 42 }))
  end)

  it("reject a config that is not a table", function()
    assert.matches("bad argument #1 to 'sakari.new' %(config: expected a table, got string%)",
      config_error(sakari.new, "https://api.sakari.io"))
  end)

  it("name the missing half of client credentials", function()
    local config_module = require "sakari.settings"
    local real_getenv = config_module.getenv
    config_module.getenv = function() return nil end
    local message = config_error(sakari.new, { client_id = "id-only" })
    config_module.getenv = real_getenv
    assert.matches("config.client_secret", message)
    assert.matches("SAKARI_CLIENT_SECRET", message)
  end)

  it("keep the previous default client when configure fails", function()
    sakari.configure { base_url = sandbox.url(), access_token = sandbox.TOKEN }
    config_error(sakari.configure, { timeout = 0 })
    sandbox.reset()
    assert.truthy(sakari.contacts.get(ACC, SEED))
  end)
end)
