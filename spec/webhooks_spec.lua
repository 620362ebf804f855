-- Webhooks: subscriptions against the sandbox, and reading what Sakari delivers
-- (both payload formats: the OpenAPI file's and the help centre's "API & webhooks" example;
-- the signature scheme of the Node SDK, github.com/Sakari-Io/sakari-nodejs-sdk src/signature.js).
local sandbox = require "spec.support.sandbox"
local sakari = require "sakari"

local ACC = sandbox.ACCOUNT

-- As the help centre shows a message-received delivery (abridged).
local CURRENT = [[{
  "accountId": "acc-1",
  "eventType": "message-received",
  "payload": {
    "accountId": "acc-1",
    "conversation": {"id": "conv-1", "closed": null},
    "contact": {"id": "c-1", "firstName": "Chris", "mobile": {"number": "+15555550123", "country": "US"},
                "hubspot": {"vid": 7, "id": 7}},
    "job": {"id": "job-1"},
    "type": "sms",
    "message": "Hello",
    "somethingNew": [1, 2]
  }
}]]

-- As spec 1.0.1 declares the Event object.
local LEGACY = [[{"accountId": "acc-1", "eventId": "ev-1", "type": "messageIncoming",
  "data": {"contact": {"id": "c-1"}, "message": "Hi", "status": "received", "error": ""}}]]

describe("webhooks.parse", function()
  it("reads the current format", function()
    local event = assert(sakari.webhooks.parse(CURRENT))
    assert.equal("message-received", event.type)
    assert.equal("current", event.format)
    assert.equal("acc-1", event.accountId)
    assert.equal("Hello", event.data.message)
    assert.equal("conv-1", event.data.conversation.id)
    assert.equal(sakari.null, event.data.conversation.closed)
    assert.same({ 1, 2 }, event.data.somethingNew) -- unknown fields pass through
    assert.equal("message-received", event.body.eventType)
  end)

  it("reads the legacy format, naming its type as the current events do", function()
    local event = assert(sakari.webhooks.parse(LEGACY))
    assert.equal("message-received", event.type)
    assert.equal("legacy", event.format)
    assert.equal("ev-1", event.id)
    assert.equal("Hi", event.data.message)
    assert.equal("messageIncoming", event.body.type)
    assert.equal("message-status", sakari.webhooks.parse({ type = "messageStatus", data = {} }).type)
    assert.equal("account", sakari.webhooks.parse({ type = "account", data = { balance = 5.5 } }).type)
  end)

  it("takes a body already decoded, and an account id from the payload", function()
    local event = assert(sakari.webhooks.parse({
      eventType = "contact-created", payload = { accountId = "a", id = "c" },
    }))
    assert.equal("contact-created", event.type)
    assert.equal("a", event.accountId)
  end)

  it("returns nil, err for what is not a Sakari webhook", function()
    local event, err = sakari.webhooks.parse("<html>")
    assert.is_nil(event)
    assert.equal("decode", err.code)
    assert.is_true(sakari.is_error(err))
    assert.matches("^sakari: decode: webhook body is not JSON", tostring(err))
    event, err = sakari.webhooks.parse("[1,2]")
    assert.is_nil(event)
    assert.equal("webhook", err.code)
    event, err = sakari.webhooks.parse('{"hello":"world"}')
    assert.is_nil(event)
    assert.equal("webhook", err.code)
    assert.matches("no eventType", err.message)
  end)

  it("raises on an argument that cannot be a body", function()
    assert.usage_error(function() sakari.webhooks.parse(42) end,
      "bad argument #1 to 'webhooks.parse' (body: expected the delivered body (a string or a table), got number)")
    assert.usage_error(function() sakari.webhooks.parse("{}", { secrett = "x" }) end,
      "bad argument #2 to 'webhooks.parse' (unknown option 'secrett' (accepted: secret, signature, url))")
  end)

  it("needs no client and no credentials", function()
    local config_module = require "sakari.settings"
    local real = config_module.getenv
    config_module.getenv = function() return nil end
    package.loaded.sakari = nil
    local fresh = require "sakari"
    local ok, event = pcall(fresh.webhooks.parse, CURRENT)
    config_module.getenv = real
    package.loaded.sakari = sakari
    assert.is_true(ok)
    assert.equal("message-received", event.type)
  end)

  describe("with a signature check", function()
    local URL, SECRET = "https://example.com/hook", "client-secret"
    local body = { accountId = "acc-1", eventType = "message-status", payload = { status = "Delivered" } }

    it("accepts the right signature", function()
      local signature = sakari.webhooks.sign(URL, body, SECRET)
      local event = assert(sakari.webhooks.parse(body, { secret = SECRET, url = URL, signature = signature }))
      assert.equal("message-status", event.type)
    end)

    it("refuses a wrong or missing signature", function()
      local event, err = sakari.webhooks.parse(body, { secret = SECRET, url = URL, signature = "AAAA" })
      assert.is_nil(event)
      assert.equal("signature", err.code)
      event, err = sakari.webhooks.parse(body, { secret = SECRET, url = URL })
      assert.is_nil(event)
      assert.equal("signature", err.code)
    end)

    it("is off unless a secret is given", function()
      assert.truthy(sakari.webhooks.parse(body, { signature = "whatever" }))
    end)
  end)
end)

describe("webhooks.sign and verify", function()
  -- Vectors computed with Python's hmac over the SDK's string:
  -- url, "?" (or "&" when the url has a query), sorted key=value joined by "&".
  it("match the Node SDK's scheme", function()
    assert.equal("4cmG7JflFjFB59Vx74CCeoEhs0E=",
      sakari.webhooks.sign("https://example.com/hook", { b = "2", a = "1" }, "secret"))
    -- "https://example.com/hook?x=9&a=1&n=5&t=true"
    assert.equal("rPIRw2LO/aQEAHB/NWDw3IWZWkY=",
      sakari.webhooks.sign("https://example.com/hook?x=9", { t = true, n = 5, a = "1" }, "secret"))
    -- no params: the url alone
    assert.equal("73HVjq6EFDqxMRzMDoRH96HHWAM=", sakari.webhooks.sign("https://example.com/hook", {}, "secret"))
  end)

  it("sign numbers as JavaScript writes them (Node's String(x))", function()
    local function same(number, js)
      assert.equal(sakari.webhooks.sign("https://example.com/hook", { n = js }, "secret"),
        sakari.webhooks.sign("https://example.com/hook", { n = number }, "secret"), js)
    end
    same(-0.0, "0")
    same(1e-7, "1e-7")
    same(0.000001, "0.000001")
    same(0.00001234, "0.00001234")
    same(1.5e300, "1.5e+300")
    same(1e21, "1e+21")
    same(1e20, "100000000000000000000")
    same(0.1 + 0.2, "0.30000000000000004")
    same(123.456, "123.456")
    same(-5e-324, "-5e-324")
    same(2 ^ 53, "9007199254740992")
    same(1 / 3, "0.3333333333333333")
    same(-math.huge, "-Infinity")
  end)

  it("verify says whether a signature matches", function()
    local params = { a = "1", b = "2" }
    assert.is_true(sakari.webhooks.verify("https://example.com/hook", params, "4cmG7JflFjFB59Vx74CCeoEhs0E=", "secret"))
    assert.is_false(sakari.webhooks.verify("https://example.com/hook", params, "4cmG7JflFjFB59Vx74CCeoEhs0F=",
      "secret"))
    assert.is_false(sakari.webhooks.verify("https://example.com/hook", params, "", "secret"))
    assert.is_false(sakari.webhooks.verify("https://example.com/hook", params, "4cmG7JflFjFB59Vx74CCeoEhs0E=", "other"))
  end)

  it("raise on a missing secret", function()
    assert.usage_error(function() sakari.webhooks.sign("https://x", {}, nil) end,
      "bad argument #3 to 'webhooks.sign' (secret: expected your client secret (a non-empty string), got nil)")
  end)

  it("blame the line that called them, not one inside the library", function()
    for _, call in ipairs {
      function() sakari.webhooks.sign("https://x", {}, nil) end,
      function() sakari.webhooks.verify(nil, {}, "sig", "secret") end,
      function() sakari.webhooks.verify("https://x", {}, 5, "secret") end,
    } do
      local ok, err = pcall(call)
      assert.is_false(ok)
      assert.matches("webhooks_spec%.lua:%d+$", err.where)
    end
  end)
end)

describe("webhook subscriptions", function()
  local client = sandbox.each_client()

  it("subscribe, list, unsubscribe by URL", function()
    local url = "https://example.com/in?token=a b&x=/y#frag"
    local hook = assert(client.webhooks.subscribe(ACC, { url = "https://example.com/in?token=a%20b&x=/y",
                                                          eventTypes = { "message-received" } }))
    assert.truthy(hook.id)
    local items = assert(client.webhooks.list(ACC))
    assert.equal(1, #items)
    -- an URL the sandbox does not know is a 404, and the '#' stayed inside the one segment
    local ok, err = client.webhooks.unsubscribe(ACC, url)
    assert.is_nil(ok)
    assert.equal(404, err.status)
    assert.is_true(client.webhooks.unsubscribe(ACC, "https://example.com/in?token=a%20b&x=/y"))
    local log = sandbox.requests()
    assert.equal("/v1/accounts/sandbox-account/webhooks/https%3A%2F%2Fexample.com%2Fin%3Ftoken%3Da%2520b%26x%3D%2Fy",
      log[#log].path)
    assert.same({}, (assert(client.webhooks.list(ACC))))
  end)

  it("returns the sandbox's refusal of an unknown event type", function()
    local hook, err = client.webhooks.subscribe(ACC, {
      url = "https://example.com/", eventTypes = { "message-recieved" },
    })
    assert.is_nil(hook)
    assert.equal(400, err.status)
    assert.equal("REQ-003", err.code)
  end)
end)
