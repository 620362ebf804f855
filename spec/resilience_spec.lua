-- The network, the server and the token endpoint misbehave: every fault ends in
-- the documented outcome (a success after retries, or a clear err) after exactly
-- the expected number of requests, and no secret ever shows.
local sandbox = require "spec.support.sandbox"
local core = require "sakari.core"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT
local SEED_PATH = "/v1/accounts/sandbox-account/contacts/seed-contact"
local CONTACTS = "/v1/accounts/sandbox-account/contacts"

-- Every error and hook event of this file, checked for secrets at the end.
local seen = {}

local function fast_client(extra)
  local config = {
    retry_backoff = 0.01, max_retry_delay = 2,
    on_request = function(e) seen[#seen + 1] = e end,
    on_response = function(e) seen[#seen + 1] = e end,
  }
  for k, v in pairs(extra or {}) do config[k] = v end
  return sandbox.client(config)
end

local function keep(err)
  seen[#seen + 1] = err
  return err
end

describe("a fault", function()
  local client = sandbox.each_client_from(fast_client)

  describe("on a GET", function()
    for _, status in ipairs { 429, 500, 502, 503, 504 } do
      it(("%d once: retried, then success after 2 requests"):format(status), function()
        sandbox.fault({ path = SEED_PATH, status = status })
        local contact, err = client.contacts.get(ACC, SEED)
        assert.is_nil(err)
        assert.are.equal(SEED, contact.id)
        assert.are.equal(2, sandbox.count("GET", SEED_PATH))
      end)
    end

    it("500 every time: err after 1 + max_retries requests", function()
      sandbox.fault({ path = SEED_PATH, status = 500, times = 5 })
      local contact, err = client.contacts.get(ACC, SEED)
      assert.is_nil(contact)
      keep(err)
      assert.are.equal(500, err.status)
      assert.is_true(err.retryable)
      assert.are.equal(3, sandbox.count("GET", SEED_PATH))
    end)

    it("honours max_retries = 0: one request", function()
      local once = fast_client { max_retries = 0 }
      sandbox.fault({ path = SEED_PATH, status = 503, times = 5 })
      local _, err = once.contacts.get(ACC, SEED)
      assert.are.equal(503, keep(err).status)
      assert.are.equal(1, sandbox.count("GET", SEED_PATH))
      once.close()
    end)

    it("takes max_retries and timeout per call, over the client's", function()
      sandbox.fault({ path = SEED_PATH, status = 500, times = 5 })
      local _, err = client.contacts.get(ACC, SEED, { max_retries = 0 })
      assert.are.equal(500, keep(err).status)
      assert.are.equal(1, sandbox.count("GET", SEED_PATH))
      sandbox.reset()
      sandbox.fault({ path = SEED_PATH, status = 500, times = 5 })
      _, err = client.contacts.get(ACC, SEED, { max_retries = 4 })
      assert.are.equal(500, keep(err).status)
      assert.are.equal(5, sandbox.count("GET", SEED_PATH))
      sandbox.reset()
      sandbox.fault({ path = SEED_PATH, delay = 1 })
      _, err = client.contacts.get(ACC, SEED, { timeout = 0.2, max_retries = 0 })
      assert.are.equal("timeout", keep(err).code)
      assert.is_false(pcall(client.contacts.get, ACC, SEED, { max_retries = -1 }))
    end)

    it("429 with Retry-After: waits that long, then succeeds", function()
      local times = {}
      local c = fast_client { on_request = function() times[#times + 1] = core.now() end }
      sandbox.fault({ path = SEED_PATH, status = 429, headers = { ["Retry-After"] = "1" } })
      local contact = c.contacts.get(ACC, SEED)
      assert.are.equal(SEED, contact.id)
      assert.are.equal(2, #times)
      assert.is_true(times[2] - times[1] >= 0.95, "waited " .. (times[2] - times[1]))
      c.close()
    end)

    it("429 with a Retry-After beyond max_retry_delay: waits only the cap", function()
      local times = {}
      local c = fast_client { max_retry_delay = 0.2, on_request = function() times[#times + 1] = core.now() end }
      sandbox.fault({ path = SEED_PATH, status = 429, headers = { ["Retry-After"] = "3600" } })
      assert.are.equal(SEED, c.contacts.get(ACC, SEED).id)
      assert.is_true(times[2] - times[1] < 5)
      c.close()
    end)

    it("503 with an HTTP-date Retry-After in the past: retried at once", function()
      sandbox.fault({ path = SEED_PATH, status = 503, headers = { ["Retry-After"] = "Sun, 06 Nov 1994 08:49:37 GMT" } })
      assert.are.equal(SEED, client.contacts.get(ACC, SEED).id)
      assert.are.equal(2, sandbox.count("GET", SEED_PATH))
    end)

    it("connection reset before the answer: retried, success after 2 requests", function()
      sandbox.fault({ path = SEED_PATH, drop = true })
      assert.are.equal(SEED, client.contacts.get(ACC, SEED).id)
      assert.are.equal(2, sandbox.count("GET", SEED_PATH))
    end)

    it("connection closed mid-body: retried, success after 2 requests", function()
      sandbox.fault({ path = SEED_PATH, truncate = 100 })
      assert.are.equal(SEED, client.contacts.get(ACC, SEED).id)
      assert.are.equal(2, sandbox.count("GET", SEED_PATH))
    end)

    it("an answer slower than the timeout, every time: err timeout after 3 requests", function()
      local impatient = fast_client { timeout = 0.3 }
      sandbox.fault({ path = SEED_PATH, delay = 1, times = 3 })
      local contact, err = impatient.contacts.get(ACC, SEED)
      assert.is_nil(contact)
      assert.are.equal("timeout", keep(err).code)
      assert.is_nil(err.status)
      assert.are.equal(3, sandbox.count("GET", SEED_PATH))
      impatient.close()
    end)

    it("truncated JSON (complete as sent): err decode, not retried", function()
      sandbox.fault({ path = SEED_PATH, status = 200, body = '{"success":true,"data":{"id":"x"' })
      local contact, err = client.contacts.get(ACC, SEED)
      assert.is_nil(contact)
      assert.are.equal("decode", keep(err).code)
      assert.are.equal(200, err.status)
      assert.are.equal(1, sandbox.count("GET", SEED_PATH))
    end)

    it("an HTML error page, every time: err http with a readable message, 3 requests", function()
      sandbox.fault({ path = SEED_PATH, status = 502, content_type = "text/html", times = 3,
        body = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>" })
      local _, err = client.contacts.get(ACC, SEED)
      assert.are.equal(502, keep(err).status)
      assert.are.equal("http", err.code)
      assert.is_truthy(err.message:find("Bad Gateway", 1, true))
      assert.is_falsy(err.message:find("<", 1, true))
      assert.are.equal(3, sandbox.count("GET", SEED_PATH))
    end)

    it("an empty 200: err decode, 1 request", function()
      sandbox.fault({ path = SEED_PATH, status = 200, body = "" })
      local _, err = client.contacts.get(ACC, SEED)
      assert.are.equal("decode", keep(err).code)
      assert.are.equal(1, sandbox.count("GET", SEED_PATH))
    end)

    it("invalid UTF-8 inside the JSON: err decode, 1 request", function()
      sandbox.fault({ path = SEED_PATH, status = 200,
        body_base64 = core.base64('{"success":true,"data":{"id":"\255\254"}}') })
      local _, err = client.contacts.get(ACC, SEED)
      assert.are.equal("decode", keep(err).code)
      assert.is_truthy(err.message:find("UTF-8", 1, true))
      assert.are.equal(1, sandbox.count("GET", SEED_PATH))
    end)

    it("a 10 MB answer: decoded intact, 1 request", function()
      local big = ("0123456789"):rep(1024 * 1024)
      sandbox.fault({ path = SEED_PATH, status = 200,
        body = '{"success":true,"data":{"id":"big","note":"' .. big .. '"}}' })
      local contact, err = client.contacts.get(ACC, SEED)
      assert.is_nil(err)
      assert.are.equal(#big, #contact.note)
      assert.are.equal(big, contact.note)
      assert.are.equal(1, sandbox.count("GET", SEED_PATH))
    end)

    it("a redirect to another host: not followed, the token stays here", function()
      sandbox.fault({ path = SEED_PATH, status = 302, body = "", headers = { Location = "http://127.0.0.2:9/steal" } })
      local contact, err = client.contacts.get(ACC, SEED)
      assert.is_nil(contact)
      assert.are.equal(302, keep(err).status)
      assert.are.equal(1, sandbox.count("GET", SEED_PATH))
    end)
  end)

  describe("on a POST", function()
    local fields = { firstName = "Once", mobile = { number = "+15555550111", country = "US" } }

    it("500: not retried (it may have created the contact), 1 request", function()
      sandbox.fault({ method = "POST", path = CONTACTS, status = 500 })
      local contact, err = client.contacts.create(ACC, fields)
      assert.is_nil(contact)
      assert.are.equal(500, keep(err).status)
      assert.are.equal(1, sandbox.count("POST", CONTACTS))
    end)

    it("connection reset: not retried, 1 request", function()
      sandbox.fault({ method = "POST", path = CONTACTS, drop = true })
      local _, err = client.contacts.create(ACC, fields)
      assert.are.equal("transport", keep(err).code)
      assert.are.equal(1, sandbox.count("POST", CONTACTS))
    end)

    it("an answer lost after the server acted: not retried, the contact exists once", function()
      sandbox.fault({ method = "POST", path = CONTACTS, truncate = 20 })
      local _, err = client.contacts.create(ACC, fields)
      assert.are.equal("transport", keep(err).code)
      assert.are.equal(1, sandbox.count("POST", CONTACTS))
      local found = client.contacts.list(ACC, { firstName = "Once", limit = 10 })
      assert.are.equal(1, #found)
    end)

    it("429: retried (the server did not act), created once after 2 requests", function()
      sandbox.fault({ method = "POST", path = CONTACTS, status = 429 })
      local contact, err = client.contacts.create(ACC, fields)
      assert.is_nil(err)
      assert.are.equal("Once", contact.firstName)
      assert.are.equal(2, sandbox.count("POST", CONTACTS))
    end)

    it("messages.send on 429: not processed (RFC 6585), so repeated after Retry-After and sent once", function()
      local request = { contacts = { { mobile = { number = "+15555550111", country = "US" } } }, template = "Hi" }
      local path = "/v1/accounts/sandbox-account/messages"
      sandbox.clear_requests()
      local function total() return select(2, assert(client.messages.list(ACC, { limit = 1 }))).totalCount end
      local before = total()
      sandbox.fault({ method = "POST", path = path, status = 429, headers = { ["Retry-After"] = "1" } })
      local started = core.now()
      local sent, err = client.messages.send(ACC, request)
      assert.is_nil(err)
      assert.is_table(sent)
      assert.is_true(core.now() - started >= 0.95, "Retry-After was not honoured")
      assert.are.equal(2, sandbox.count("POST", path))
      -- the server's state: exactly one more message, not two
      assert.are.equal(before + 1, total())
    end)

    it("messages.send on 500 or 503: sent once, never repeated", function()
      local request = { contacts = { { mobile = { number = "+15555550111", country = "US" } } }, template = "Hi" }
      for _, status in ipairs { 500, 503 } do
        sandbox.clear_requests()
        sandbox.fault({ method = "POST", path = "/v1/accounts/sandbox-account/messages", status = status })
        local _, err = client.messages.send(ACC, request)
        assert.are.equal(status, keep(err).status)
        assert.are.equal(1, sandbox.count("POST", "/v1/accounts/sandbox-account/messages"))
      end
    end)
  end)

  it("nothing listening: connect error, retried (nothing was sent), then err", function()
    local gone = fast_client { base_url = sandbox.closed_port_url(), connect_timeout = 1 }
    local attempts = 0
    local c = fast_client { base_url = sandbox.closed_port_url(), on_request = function() attempts = attempts + 1 end }
    local _, err = c.contacts.get(ACC, SEED)
    assert.are.equal("connect", keep(err).code)
    assert.are.equal(3, attempts)
    gone.close()
    c.close()
  end)
end)

describe("the token endpoint", function()
  local client = sandbox.each_oauth_client { retry_backoff = 0.01 }

  it("down (connection reset every time): err on POST /oauth2/token, no resource request", function()
    sandbox.fault({ path = "/oauth2/token", drop = true, times = 3 })
    local contact, err = client.contacts.get(ACC, SEED)
    assert.is_nil(contact)
    keep(err)
    assert.are.equal("transport", err.code)
    assert.are.equal("/oauth2/token", err.path)
    assert.are.equal(3, sandbox.count("POST", "/oauth2/token"))
    assert.are.equal(0, sandbox.count("GET", "/v1/"))
  end)

  it("answering garbage: err decode, no resource request", function()
    sandbox.fault({ path = "/oauth2/token", status = 200, body = "<html>maintenance</html>",
      content_type = "text/html" })
    local _, err = client.contacts.get(ACC, SEED)
    assert.are.equal("decode", keep(err).code)
    assert.are.equal("/oauth2/token", err.path)
    assert.are.equal(1, sandbox.count("POST", "/oauth2/token"))
    assert.are.equal(0, sandbox.count("GET", "/v1/"))
  end)

  it("answering JSON without a token: err auth", function()
    sandbox.fault({ path = "/oauth2/token", status = 200, body = '{"token_type":"Bearer"}' })
    local _, err = client.contacts.get(ACC, SEED)
    assert.are.equal("auth", keep(err).code)
    assert.are.equal(0, sandbox.count("GET", "/v1/"))
  end)

  it("a token that expires between two calls: one refresh, one repeat, success", function()
    assert.are.equal(SEED, client.contacts.get(ACC, SEED).id)
    sandbox.expire_tokens()
    assert.are.equal(SEED, client.contacts.get(ACC, SEED).id)
    assert.are.same({
      "POST /oauth2/token", "GET " .. SEED_PATH, "GET " .. SEED_PATH, "POST /oauth2/token", "GET " .. SEED_PATH,
    }, sandbox.request_lines())
  end)

  it("down for a whole batch: the calls waiting share the one failed fetch", function()
    sandbox.fault({ path = "/oauth2/token", drop = true, times = 30 })
    local calls = {}
    for i = 1, 10 do calls[i] = { "contacts.get", ACC, SEED } end
    local results = client.batch(calls, { concurrency = 8 })
    for i = 1, 10 do
      assert.are.equal("transport", keep(results[i].err).code)
      assert.are.equal("/oauth2/token", results[i].err.path)
    end
    -- one fetch (and its two retries) for the 8 in flight, then one more for the 2 queued after
    assert.are.equal(6, sandbox.count("POST", "/oauth2/token"))
    assert.are.equal(0, sandbox.count("GET", "/v1/"))
  end)

  it("fetches one token for a whole batch, however many calls are in flight", function()
    local calls = {}
    for i = 1, 20 do calls[i] = { "contacts.get", ACC, SEED } end
    local results = client.batch(calls, { concurrency = 8 })
    for i = 1, 20 do
      assert.is_nil(results[i].err)
      assert.are.equal(SEED, results[i].value.id)
    end
    assert.are.equal(1, sandbox.count("POST", "/oauth2/token"))
    assert.are.equal(20, sandbox.count("GET", SEED_PATH))
  end)
end)

describe("secrets", function()
  it("never show in an error, an error field, a hook event or a debug line", function()
    local debug_lines = {}
    local secret_client = sandbox.oauth_client {
      retry_backoff = 0.01,
      on_request = function(e) seen[#seen + 1] = e end,
      on_response = function(e) seen[#seen + 1] = e end,
      debug = function(line) debug_lines[#debug_lines + 1] = line end,
    }
    sandbox.reset()
    assert.truthy(secret_client.contacts.get(ACC, SEED))
    local token = sandbox.requests()[2].headers.authorization:match("^Bearer (.+)$")
    sandbox.fault({ path = "/v1/", status = 400, content_type = "application/json",
      body = ('{"success":false,"error":{"code":"X-1","message":"echo %s %s"}}')
        :format(token, sandbox.CLIENT_SECRET) })
    local _, err = secret_client.contacts.get(ACC, SEED)
    keep(err)
    secret_client.close()
    local needles = { token, sandbox.CLIENT_SECRET, sandbox.TOKEN, "Bearer", "authorization", "Authorization" }
    assert.is_true(#seen > 10)
    assert.is_true(#debug_lines >= 3) -- the token, the call, the refused call
    for _, line in ipairs(debug_lines) do seen[#seen + 1] = { line = line } end
    for _, item in ipairs(seen) do
      local texts = { tostring(item) }
      for k, v in pairs(item) do texts[#texts + 1] = tostring(k) .. "=" .. tostring(v) end
      for _, text in ipairs(texts) do
        for _, needle in ipairs(needles) do
          assert.is_nil(text:find(needle, 1, true), ("%q found in %q"):format(needle, text))
        end
      end
    end
  end)

  it("hook events carry method, path, status, attempt, elapsed and bytes, nothing else", function()
    local events = {}
    local c = sandbox.client {
      on_request = function(e) events[#events + 1] = e end,
      on_response = function(e) events[#events + 1] = e end,
    }
    c.contacts.get(ACC, SEED)
    assert.are.equal(2, #events)
    assert.are.same({ method = "GET", path = SEED_PATH, attempt = 1 }, events[1])
    local allowed = { method = true, path = true, status = true, attempt = true, elapsed = true, code = true,
                      bytes = true }
    for k in pairs(events[2]) do assert.is_true(allowed[k], k) end
    assert.are.equal(200, events[2].status)
    assert.is_true(events[2].elapsed >= 0)
    c.close()
  end)

  it("a token or user-agent suffix with CR, LF or NUL is refused, without echoing it", function()
    local sakari = require "sakari"
    for _, bad in ipairs { "s3cr3t\r\nX-Evil: 1", "s3cr3t\n", "s3cr3t\0" } do
      local ok, err = pcall(sakari.new, { base_url = sandbox.url(), access_token = bad })
      assert.is_false(ok)
      assert.is_truthy(err:find("access_token", 1, true))
      assert.is_falsy(err:find("s3cr3t", 1, true))
      ok, err = pcall(sakari.new, { base_url = sandbox.url(), access_token = "t", user_agent_suffix = bad })
      assert.is_false(ok)
      assert.is_truthy(err:find("user_agent_suffix", 1, true))
    end
  end)

  it("the User-Agent names the library, the Lua and libcurl, then the suffix", function()
    sandbox.reset()
    local c = sandbox.client { user_agent_suffix = "nightly-fix/2" }
    c.contacts.get(ACC, SEED)
    local ua = sandbox.requests()[1].headers["user-agent"]
    local runtime = (jit and jit.version) or _VERSION
    assert.are.equal(("lua-sakari/%s (%s; %s) nightly-fix/2"):format(core.VERSION, runtime, core.curl_version), ua)
    c.close()
  end)
end)
