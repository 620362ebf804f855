-- OAuth2 client credentials: fetch, cache, refresh before expiry, refresh on 401.
local sandbox = require "spec.support.sandbox"
local core = require "sakari.core"
local auth = require "sakari.auth"
local sakari = require "sakari"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT
local TOKEN_LINE = "POST /oauth2/token"
local GET_LINE = "GET /v1/accounts/sandbox-account/contacts/seed-contact"

local function bearer(request)
  return (request.headers.authorization or ""):match("^Bearer (.+)$")
end

describe("OAuth client credentials", function()
  local client = sandbox.each_oauth_client()
  local real_now

  before_each(function()
    real_now = auth.now
  end)

  after_each(function()
    auth.now = real_now
  end)

  it("fetches a token with a JSON POST, then uses it as the bearer", function()
    assert.truthy(client.contacts.get(ACC, SEED))
    assert.same({ TOKEN_LINE, GET_LINE }, sandbox.request_lines())

    local token_request, resource_request = sandbox.requests()[1], sandbox.requests()[2]
    assert.equal("application/json", token_request.headers["content-type"])
    assert.is_nil(token_request.headers.authorization)
    assert.same({
      grant_type = "client_credentials",
      client_id = sandbox.CLIENT_ID,
      client_secret = sandbox.CLIENT_SECRET,
    }, core.decode(token_request.body))

    local token = bearer(resource_request)
    assert.matches("^[%w_-]+%.[%w_-]+%.[%w_-]+$", token)
    local claims = auth.jwt_claims(token)
    assert.is_number(claims.exp)
  end)

  it("reuses the cached token on later calls", function()
    for _ = 1, 3 do assert.truthy(client.contacts.get(ACC, SEED)) end
    assert.same({ TOKEN_LINE, GET_LINE, GET_LINE, GET_LINE }, sandbox.request_lines())
    local log = sandbox.requests()
    assert.equal(bearer(log[2]), bearer(log[4]))
  end)

  it("fetches a new token before the old one expires, without a failed call", function()
    -- the sandbox counts exp from a whole-second iat: 2 s is at least 1 s of real validity
    sandbox.token_lifetime(2)
    assert.truthy(client.contacts.get(ACC, SEED))
    os.execute("sleep 2.5")
    assert.truthy(client.contacts.get(ACC, SEED))
    assert.same({ TOKEN_LINE, GET_LINE, TOKEN_LINE, GET_LINE }, sandbox.request_lines())
    local log = sandbox.requests()
    assert.are_not.equal(bearer(log[2]), bearer(log[4]))
  end)

  it("refreshes 30 s before exp for a long-lived token", function()
    local t0 = os.time()
    auth.now = function() return t0 end
    assert.truthy(client.contacts.get(ACC, SEED))        -- sandbox lifetime: 3600 s

    auth.now = function() return t0 + 3600 - 31 end
    assert.truthy(client.contacts.get(ACC, SEED))
    assert.same({ TOKEN_LINE, GET_LINE, GET_LINE }, sandbox.request_lines())

    auth.now = function() return t0 + 3600 - 29 end
    assert.truthy(client.contacts.get(ACC, SEED))
    assert.same({ TOKEN_LINE, GET_LINE, GET_LINE, TOKEN_LINE, GET_LINE }, sandbox.request_lines())
  end)

  it("refreshes 10% of the lifetime before exp for a short-lived token", function()
    sandbox.token_lifetime(100)
    local t0 = os.time()
    auth.now = function() return t0 end
    assert.truthy(client.contacts.get(ACC, SEED))

    auth.now = function() return t0 + 89 end
    assert.truthy(client.contacts.get(ACC, SEED))
    assert.same({ TOKEN_LINE, GET_LINE, GET_LINE }, sandbox.request_lines())

    auth.now = function() return t0 + 91 end
    assert.truthy(client.contacts.get(ACC, SEED))
    assert.same({ TOKEN_LINE, GET_LINE, GET_LINE, TOKEN_LINE, GET_LINE }, sandbox.request_lines())
  end)

  it("keeps a token of unknown lifetime that replaced one whose lifetime was known", function()
    local answers = { { access_token = "first", expires_in = 10 }, { access_token = "second" } }
    local fetched = 0
    local source = auth.oauth("id", "secret", function()
      fetched = fetched + 1
      return answers[fetched] or { access_token = "another" }
    end)
    local t0 = os.time()
    auth.now = function() return t0 end
    assert.equal("first", source:get({}))
    auth.now = function() return t0 + 20 end
    assert.equal("second", source:get({}))
    auth.now = function() return t0 + 40 end
    assert.equal("second", source:get({}))
    assert.equal(2, fetched)
  end)

  it("on a 401 fetches one new token and repeats the call once", function()
    assert.truthy(client.contacts.get(ACC, SEED))
    sandbox.expire_tokens()
    sandbox.clear_requests()

    local contact, err = client.contacts.update(ACC, SEED, { firstName = "Again" })
    assert.is_nil(err)
    assert.equal("Again", contact.firstName)
    local put = "PUT /v1/accounts/sandbox-account/contacts/seed-contact"
    assert.same({ put, TOKEN_LINE, put }, sandbox.request_lines())
    local log = sandbox.requests()
    assert.are_not.equal(bearer(log[1]), bearer(log[3]))
    assert.equal(log[1].body, log[3].body)
  end)

  it("returns a second 401 as the error, without a third try", function()
    sandbox.fault({ path = "/v1/", status = 401, times = 2 })
    local contact, err = client.contacts.get(ACC, SEED)
    assert.is_nil(contact)
    assert.is_true(sakari.is_error(err))
    assert.equal(401, err.status)
    assert.equal("GET", err.method)
    assert.equal("/v1/accounts/sandbox-account/contacts/seed-contact", err.path)
    assert.same({ TOKEN_LINE, GET_LINE, TOKEN_LINE, GET_LINE }, sandbox.request_lines())
  end)

  it("does not retry a 401 with a static token", function()
    local static = sandbox.client { access_token = "not-a-token" }
    local contact, err = static.contacts.get(ACC, SEED)
    static.close()
    assert.is_nil(contact)
    assert.equal(401, err.status)
    assert.equal("AUTH-001", err.code)
    assert.same({ GET_LINE }, sandbox.request_lines())
    assert.is_nil(tostring(err):find("not-a-token", 1, true))
  end)

  it("turns bad credentials into the call's error, without the secret", function()
    local secret = "very-secret-value-42"
    local bad = sandbox.oauth_client { client_secret = secret }
    local contact, err = bad.contacts.get(ACC, SEED)
    bad.close()
    assert.is_nil(contact)
    assert.equal(401, err.status)
    assert.equal("AUTH-002", err.code)
    assert.equal("POST", err.method)
    assert.equal("/oauth2/token", err.path)
    assert.is_false(err.retryable)
    assert.equal("sakari: POST /oauth2/token: 401 AUTH-002: Invalid client credentials", tostring(err))
    assert.same({ TOKEN_LINE }, sandbox.request_lines())
  end)

  it("reports a token answer without access_token as an auth error", function()
    sandbox.fault({ path = "/oauth2/token", status = 200, body = '{"token_type":"Bearer"}',
                    content_type = "application/json" })
    local contact, err = client.contacts.get(ACC, SEED)
    assert.is_nil(contact)
    assert.equal("auth", err.code)
    assert.equal(200, err.status)
    assert.equal("/oauth2/token", err.path)
    assert.same({ TOKEN_LINE }, sandbox.request_lines())
  end)

  it("reports a failing token endpoint as the call's error", function()
    -- three times: the first fetch and its two retries (fetching a token is safe to repeat)
    sandbox.fault({ path = "/oauth2/token", status = 503, body = "<html><h1>Down</h1></html>",
                    content_type = "text/html", times = 3 })
    local contact, err = client.contacts.get(ACC, SEED)
    assert.is_nil(contact)
    assert.equal(503, err.status)
    assert.equal("http", err.code)
    assert.is_true(err.retryable)
    assert.equal("sakari: POST /oauth2/token: 503 http: Down", tostring(err))
    assert.are.same({ "POST /oauth2/token", "POST /oauth2/token", "POST /oauth2/token" }, sandbox.request_lines())
  end)

  it("in a batch, one token fetch serves every call (the others wait for it)", function()
    sandbox.fault({ path = "/oauth2/token", delay = 0.2 })
    local calls = {}
    for i = 1, 6 do calls[i] = { "contacts.get", ACC, SEED } end
    local results = client.batch(calls, { concurrency = 6 })
    for i = 1, 6 do assert.equal(SEED, results[i].value.id) end
    local lines = sandbox.request_lines()
    assert.equal(7, #lines)
    assert.equal(TOKEN_LINE, lines[1])
    for i = 2, 7 do assert.equal(GET_LINE, lines[i]) end
  end)

  it("in a batch, a failed token fetch is every waiting call's err, not a fetch of each", function()
    local failing = sandbox.oauth_client { max_retries = 0 }
    sandbox.fault({ path = "/oauth2/token", status = 503, delay = 0.2, times = 1 })
    local calls = {}
    for i = 1, 4 do calls[i] = { "contacts.get", ACC, SEED } end
    local results = failing.batch(calls, { concurrency = 4 })
    failing.close()
    for i = 1, 4 do
      assert.equal(503, results[i].err.status)
      assert.equal("/oauth2/token", results[i].err.path)
    end
    assert.same({ TOKEN_LINE }, sandbox.request_lines())
  end)

  it("a token fetch of a closed queue holds no call of the next queue", function()
    sandbox.fault({ path = "/oauth2/token", delay = 0.3, times = 1 })
    local first = client.queue()
    first.push({ "contacts.get", ACC, SEED })
    first.poll(0) -- the fetch is in flight
    first.close()
    local second = client.queue()
    local value, err
    second.push({ "contacts.get", ACC, SEED }, function(v, e) value, err = v, e end)
    local deadline = core.now() + 5
    while second.pending() > 0 and core.now() < deadline do second.poll(0.05) end
    second.close()
    assert.is_nil(err)
    assert.equal(SEED, value.id)
  end)

  it("in a batch, a token fetch that raised holds no other call: the next one fetches", function()
    local raised = false
    local flaky = sandbox.oauth_client {
      on_request = function(event)
        if event.path == "/oauth2/token" and not raised then
          raised = true
          error("hook broke")
        end
      end,
    }
    local results = flaky.batch({ { "contacts.get", ACC, SEED }, { "contacts.get", ACC, SEED } })
    flaky.close()
    assert.matches("hook broke", results[1].err.message)
    assert.equal(SEED, results[2].value.id)
    assert.same({ TOKEN_LINE, GET_LINE }, sandbox.request_lines())
  end)

  it("never shows the token or the secret in an error", function()
    assert.truthy(client.contacts.get(ACC, SEED))
    local token = bearer(sandbox.requests()[2])
    sandbox.fault({ path = "/v1/", status = 400, times = 1,
                    body = ('{"success":false,"error":{"code":"X-1","message":"echo %s %s"}}')
                      :format(token, sandbox.CLIENT_SECRET),
                    content_type = "application/json" })
    local _, err = client.contacts.get(ACC, SEED)
    assert.equal("X-1", err.code)
    local text = tostring(err)
    assert.is_nil(text:find(token, 1, true))
    assert.is_nil(text:find(sandbox.CLIENT_SECRET, 1, true))
    assert.matches("echo %[redacted%] %[redacted%]", text)
  end)
end)

describe("a static token", function()
  it("is redacted from an error wherever it occurs, pattern characters and all", function()
    local token = "a%x.b(c)*d+[e]-f"
    local client = sandbox.client { access_token = token }
    sandbox.fault({ path = "/v1/", status = 400, times = 1,
                    body = ('{"success":false,"error":{"code":"X-1","message":"echo %s and %s"}}'):format(token, token),
                    content_type = "application/json" })
    local _, err = client.contacts.get(ACC, SEED)
    client.close()
    assert.equal("X-1", err.code)
    assert.is_nil(tostring(err):find(token, 1, true))
    assert.matches("echo %[redacted%] and %[redacted%]", tostring(err))
  end)
end)
