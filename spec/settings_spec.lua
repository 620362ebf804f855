-- One settings table drives sakari.new, sakari.configure and the per-call
-- options, and lists itself for the CLI and the docs.
local sandbox = require "spec.support.sandbox"
local core = require "sakari.core"
local endpoint = require "sakari.endpoint"
local settings = require "sakari.settings"
local sakari = require "sakari"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT

describe("settings.list()", function()
  it("gives every setting with its environment variable, default and doc line", function()
    local by_name = {}
    for _, s in ipairs(settings.list()) do
      assert.is_string(s.doc)
      assert.is_string(s.expected)
      by_name[s.name] = s
    end
    assert.equal(sakari.settings, settings)
    assert.same({ "SAKARI_API_URL", "https://api.sakari.io" }, { by_name.base_url.env, by_name.base_url.default })
    assert.equal("SAKARI_ACCOUNT_ID", by_name.account_id.env)
    assert.equal("SAKARI_DEBUG", by_name.debug.env)
    assert.equal("SAKARI_CLIENT_SECRET", by_name.client_secret.env)
    assert.same({ 30, 10, 2, 0.5, 30, 8, true, false },
      { by_name.timeout.default, by_name.connect_timeout.default, by_name.max_retries.default,
        by_name.retry_backoff.default, by_name.max_retry_delay.default, by_name.concurrency.default,
        by_name.strict.default, by_name.insecure.default })
    assert.same({ "connect_timeout", "max_retries", "max_retry_delay", "retry_backoff", "strict", "timeout" },
      settings.PER_CALL)
  end)
end)

describe("a per-call setting", function()
  before_each(sandbox.reset)

  -- the same value is refused by sakari.new and per call, or accepted by both
  it("has the same limits in sakari.new and in a call's options", function()
    local values = { 0, -1, 0.001, 1, 99, 100, 86400, 86401, 1 / 0, 0 / 0, 2.5, "1", true, false }
    local client = sandbox.client { max_retries = 0 }
    for _, name in ipairs(settings.PER_CALL) do
      for _, value in ipairs(values) do
        local by_new = pcall(sakari.new, { base_url = sandbox.url(), access_token = "t", [name] = value })
        local ok, err = pcall(client.contacts.get, ACC, SEED, { [name] = value })
        local by_call = ok or not tostring(err):find("option '" .. name .. "'", 1, true)
        assert.equal(by_new, by_call, ("%s = %s"):format(name, tostring(value)))
      end
    end
    client.close()
  end)

  it("strict passes as an option and reaches the request; left out, the client's setting applies", function()
    local seen = {}
    local functions = endpoint.bind({
      call = function(_, request)
        seen[#seen + 1] = request
        return { success = true, data = {} }
      end,
      setting = function() end,
    })
    functions.contacts.update(ACC, SEED, { firstName = "x" }, { strict = false })
    functions.contacts.create(ACC, { firstName = "x" }, { strict = true })
    functions.contacts.update(ACC, SEED, { firstName = "x" })
    assert.same({ false, true }, { seen[1].strict, seen[2].strict })
    assert.is_nil(seen[3].strict)
    assert.is_false(pcall(functions.contacts.update, ACC, SEED, {}, { strict = "no" }))
    assert.equal(3, #seen)
  end)

  it("strict is a setting of sakari.new", function()
    local client = sandbox.client { strict = false }
    assert.truthy(client.contacts.update(ACC, SEED, { firstName = "Loose", mobile = { number = "+15555550100" } },
      { strict = true }))
    assert.equal("Loose", core.decode(sandbox.requests()[1].body).firstName)
    assert.is_false(pcall(sandbox.client, { strict = 1 }))
    client.close()
  end)
end)

describe("the concurrency setting", function()
  it("is the default of batch", function()
    sandbox.reset()
    local client = sandbox.client { concurrency = 2 }
    sandbox.fault({ path = "/v1/accounts/sandbox-account/contacts/", delay = 0.3, times = 4 })
    local started = core.now()
    local calls = {}
    for i = 1, 4 do calls[i] = { "contacts.get", ACC, SEED } end
    for _, r in ipairs(client.batch(calls)) do assert.is_nil(r.err) end
    -- 4 answers of 0.3 s, 2 at a time: two rounds
    assert.is_true(core.now() - started >= 0.55)
    assert.is_false(pcall(client.batch, calls, { concurrency = 0 }))
    assert.is_false(pcall(sandbox.client, { concurrency = 0 }))
    client.close()
  end)
end)
