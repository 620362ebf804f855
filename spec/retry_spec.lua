-- The retry policy on its own: which failures repeat, and after how long.
local retry = require "sakari.retry"

local settings = { max_retries = 2, retry_backoff = 0.5, max_retry_delay = 30 }

local function err(code, status, retry_after)
  return { code = code, status = status, retry_after = retry_after }
end

describe("retry.allowed", function()
  local send = { method = "POST", retry = "never" }
  local cases = {
    -- outcome                     GET    PUT    DELETE  POST   send
    { err("connect"),              true,  true,  true,   true,  true },
    { err("dns"),                  true,  true,  true,   true,  true },
    { err("timeout"),              true,  true,  true,   false, false },
    { err("transport"),            true,  true,  true,   false, false },
    { err("tls"),                  false, false, false,  false, false },
    { err("decode", 200),          false, false, false,  false, false },
    { err("http", 429),            true,  true,  true,   true,  true },
    { err("http", 500),            true,  true,  true,   false, false },
    { err("http", 502),            true,  true,  true,   false, false },
    { err("http", 503),            true,  true,  true,   false, false },
    { err("http", 504),            true,  true,  true,   false, false },
    { err("http", 501),            false, false, false,  false, false },
    { err("CONT-001", 400),        false, false, false,  false, false },
    { err("CONT-002", 404),        false, false, false,  false, false },
    { err("AUTH-001", 401),        false, false, false,  false, false },
  }
  for _, case in ipairs(cases) do
    local e = case[1]
    it(("follows the table for %s %s"):format(e.code, tostring(e.status)), function()
      assert.are.equal(case[2], retry.allowed({ method = "GET" }, e))
      assert.are.equal(case[3], retry.allowed({ method = "PUT" }, e))
      assert.are.equal(case[4], retry.allowed({ method = "DELETE" }, e))
      assert.are.equal(case[5], retry.allowed({ method = "POST" }, e))
      assert.are.equal(case[6], retry.allowed(send, e))
    end)
  end
end)

describe("retry.retry_after", function()
  it("reads delay-seconds", function()
    assert.are.equal(7, retry.retry_after("7"))
    assert.are.equal(0, retry.retry_after(" 0 "))
  end)

  it("reads an HTTP date as seconds from now", function()
    -- Sun, 06 Nov 1994 08:49:37 GMT is 784111777 seconds after the epoch (RFC 9110's example)
    assert.are.equal(10, retry.retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111767))
    assert.are.equal(0, retry.retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111800))
    assert.are.equal(86400 * 366, retry.retry_after("Fri, 01 Mar 2024 00:00:00 GMT", 1677628800))
  end)

  it("ignores what it cannot read", function()
    for _, bad in ipairs { "soon", "-5", "1.5", "Sun, 06 Foo 1994 08:49:37 GMT", "" } do
      assert.is_nil(retry.retry_after(bad))
    end
    assert.is_nil(retry.retry_after(nil))
  end)
end)

describe("retry.delay", function()
  local get = { method = "GET" }

  it("grows exponentially with full jitter, capped", function()
    assert.are.equal(0.5, retry.delay(get, err("timeout"), 1, settings, function() return 1 end))
    assert.are.equal(1.0, retry.delay(get, err("timeout"), 2, settings, function() return 1 end))
    assert.are.equal(0, retry.delay(get, err("timeout"), 1, settings, function() return 0 end))
    local capped = { max_retries = 10, retry_backoff = 0.5, max_retry_delay = 3 }
    assert.are.equal(3, retry.delay(get, err("timeout"), 9, capped, function() return 1 end))
    for _ = 1, 100 do
      local d = retry.delay(get, err("timeout"), 2, settings)
      assert.is_true(d >= 0 and d < 1.0)
    end
  end)

  it("stops after max_retries", function()
    assert.is_number(retry.delay(get, err("timeout"), 2, settings))
    assert.is_nil(retry.delay(get, err("timeout"), 3, settings))
    assert.is_nil(retry.delay(get, err("timeout"), 1, { max_retries = 0, retry_backoff = 0.5, max_retry_delay = 1 }))
  end)

  it("honours Retry-After on 429 and 503, capped by max_retry_delay", function()
    assert.are.equal(2, retry.delay(get, err("http", 429, 2), 1, settings))
    assert.are.equal(4, retry.delay(get, err("http", 503, 4), 1, settings))
    assert.are.equal(30, retry.delay(get, err("http", 429, 3600), 1, settings))
    -- a 500 carries no meaningful Retry-After: backoff applies
    assert.are.equal(0.5, retry.delay(get, err("http", 500, 9), 1, settings, function() return 1 end))
  end)
end)
