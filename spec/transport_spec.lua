-- The core cases through a transport written in Lua (LuaSocket): URL building,
-- JSON, errors, auth and retries stay in the module whatever moves the bytes.
local sandbox = require "spec.support.sandbox"
local luasocket = require "spec.support.luasocket_transport"
local sakari = require "sakari"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT
local SEED_PATH = "/v1/accounts/sandbox-account/contacts/seed-contact"

describe("a Lua transport", function()
  local transport
  local client = sandbox.each_client_from(function()
    transport = luasocket.new()
    return sandbox.client { transport = transport, retry_backoff = 0.01 }
  end)

  it("sends the seed's update exactly as the libcurl transport does", function()
    local contact, err = client.contacts.update(ACC, SEED, {
      firstName = "Bob", lastName = "Thomson", mobile = { number = "+1234567890", country = "US" },
    })
    assert.is_nil(err)
    assert.are.equal("Bob", contact.firstName)
    assert.are.equal("mobile", contact.mobile.lineType)
    local r = sandbox.requests()[1]
    assert.are.equal("PUT", r.method)
    assert.are.equal(SEED_PATH, r.path)
    assert.are.equal("Bearer " .. sandbox.TOKEN, r.headers.authorization)
    assert.are.equal("application/json", r.headers["content-type"])
    assert.is_truthy(r.headers["user-agent"]:find("^lua%-sakari/"))
    assert.are.same({ firstName = "Bob", lastName = "Thomson", mobile = { number = "+1234567890", country = "US" } },
      require("sakari.core").decode(r.body))
    assert.are.equal(1, transport.sent)
  end)

  it("decodes the answer the same way: integers, null, nested tables", function()
    local contact = client.contacts.get(ACC, SEED)
    assert.are.equal(123, contact.hubspot.id)
    assert.are.equal("123", tostring(contact.hubspot.id))
    -- Lua 5.3 and 5.4 have an integer subtype; 5.1, 5.2 and LuaJIT only doubles
    if (_VERSION == "Lua 5.3" or _VERSION == "Lua 5.4") and not jit then
      assert.are.equal("integer", math.type(contact.hubspot.id))
    else
      assert.is_nil(math.type)
    end
    assert.is_string(contact.lists[1].filter.attributes[1].value[1])
  end)

  it("escapes ids and encodes queries before the transport sees them", function()
    local _, err = client.contacts.get(ACC, "a/b?c")
    assert.are.equal("CONT-002", err.code)
    client.contacts.list(ACC, { limit = 5, firstName = "Zoë" })
    local log = sandbox.requests()
    assert.are.equal("/v1/accounts/sandbox-account/contacts/a%2Fb%3Fc", log[1].path)
    assert.are.equal("/v1/accounts/sandbox-account/contacts?firstName=Zo%C3%AB&limit=5", log[2].path)
  end)

  it("retries by the same policy, and maps transport failures to the same codes", function()
    sandbox.fault({ path = SEED_PATH, status = 503 })
    assert.are.equal(SEED, client.contacts.get(ACC, SEED).id)
    assert.are.equal(2, transport.sent)
    local gone = sandbox.client { transport = luasocket.new(), base_url = sandbox.closed_port_url(),
      retry_backoff = 0.01 }
    local _, err = gone.contacts.get(ACC, SEED)
    assert.are.equal("connect", err.code)
    local slow = sandbox.client { transport = luasocket.new(), timeout = 0.2, max_retries = 0 }
    sandbox.fault({ path = SEED_PATH, delay = 1 })
    _, err = slow.contacts.get(ACC, SEED)
    assert.are.equal("timeout", err.code)
  end)

  it("turns a string, an unknown code or a raise of the transport into a transport err", function()
    local answers = {
      function() return nil, "socket went away" end,
      function() return nil, { code = "weird", message = "odd failure" } end,
      function() return nil, { code = "dns" } end,
      function() error("transport bug", 0) end,
      function() return nil end,
    }
    local expected = {
      { "transport", "socket went away" }, { "transport", "odd failure" }, { "dns", "dns" },
      { "transport", "transport bug" }, { "transport", "transport failed" },
    }
    for i, answer in ipairs(answers) do
      local odd = sakari.new { access_token = "a-long-test-token", max_retries = 0,
        transport = { request = answer } }
      local _, err = odd.contacts.get(ACC, SEED)
      assert.are.same(expected[i], { err.code, err.message })
      assert.is_nil(err.status)
    end
  end)

  it("authenticates with client credentials: fetch, reuse, refresh on 401", function()
    local oauth = sandbox.oauth_client { transport = luasocket.new() }
    assert.are.equal(SEED, oauth.contacts.get(ACC, SEED).id)
    sandbox.expire_tokens()
    assert.are.equal(SEED, oauth.contacts.get(ACC, SEED).id)
    assert.are.same({ "POST /oauth2/token", "GET " .. SEED_PATH, "GET " .. SEED_PATH, "POST /oauth2/token",
      "GET " .. SEED_PATH }, sandbox.request_lines())
  end)

  it("runs a batch one call at a time through it, with results in order", function()
    local results = client.batch({ { "contacts.get", ACC, SEED }, { "contacts.get", ACC, "missing" } })
    assert.are.equal(SEED, results[1].value.id)
    assert.are.equal("CONT-002", results[2].err.code)
  end)

  it("is closed with the client, and a malformed transport is refused", function()
    client.close()
    assert.is_true(transport.closed)
    assert.is_false(pcall(sakari.new, { access_token = "t", transport = {} }))
    assert.is_false(pcall(sakari.new, { access_token = "t", transport = { request = "x" } }))
  end)
end)

describe("sakari.transport.nginx.new", function()
  -- outside nginx: enough of ngx for new to get as far as its options
  before_each(function() rawset(_G, "ngx", { location = {} }) end)
  after_each(function() rawset(_G, "ngx", nil) end)
  local nginx = require "sakari.transport.nginx"

  it("refuses options it does not take, at the caller's line, naming the ones it does", function()
    local ok, why = pcall(function() nginx.new { variables = {} } end)
    assert.is_false(ok)
    assert.matches("^[^:]*transport_spec%.lua:%d+: sakari%.transport%.nginx%.new: unknown option "
      .. "'variables' %(accepted: location%)$", why)
    ok, why = pcall(function() nginx.new "/_sakari" end)
    assert.is_false(ok)
    assert.matches("^[^:]*transport_spec%.lua:%d+: sakari%.transport%.nginx%.new: options: expected a table$", why)
    ok, why = pcall(function() nginx.new { location = "no-slash" } end)
    assert.is_false(ok)
    assert.matches("sakari.transport.nginx.new: location: expected a path", why, 1, true)
    assert.is_function(nginx.new().request)
    assert.is_function(nginx.new { location = "/elsewhere/" }.request)
  end)
end)
