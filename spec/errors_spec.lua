-- Every way a call can fail comes back as nil, err with the same fields.
local sandbox = require "spec.support.sandbox"
local sakari = require "sakari"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT
local SEED_PATH = "/v1/accounts/sandbox-account/contacts/seed-contact"

local function no_secret(err)
  local text = tostring(err)
  assert.is_nil(text:find(sandbox.TOKEN, 1, true), "token in: " .. text)
  assert.is_nil(text:find("Bearer", 1, true), "header in: " .. text)
end

describe("a failed call", function()
  -- the error object of one attempt; what is retried is resilience_spec's
  local client = sandbox.each_client { max_retries = 0 }

  it("404 CONT-002 for an unknown contact", function()
    local contact, err = client.contacts.update(ACC, "c1", { firstName = "Bob" })
    assert.is_nil(contact)
    assert.is_true(sakari.is_error(err))
    assert.equal(404, err.status)
    assert.equal("CONT-002", err.code)
    assert.equal("Invalid contact id", err.message)
    assert.equal("PUT", err.method)
    assert.equal("/v1/accounts/sandbox-account/contacts/c1", err.path)
    assert.is_false(err.retryable)
    assert.equal("sakari: PUT /v1/accounts/sandbox-account/contacts/c1: 404 CONT-002: Invalid contact id",
      tostring(err))
    no_secret(err)
  end)

  it("400 CONT-001 for an invalid mobile number", function()
    local contact, err = client.contacts.update(ACC, SEED,
      { firstName = "Bob", mobile = { number = "not a number", country = "US" } })
    assert.is_nil(contact)
    assert.equal(400, err.status)
    assert.equal("CONT-001", err.code)
    assert.equal("Invalid mobile number", err.message)
    assert.is_false(err.retryable)
    assert.equal("sakari: PUT " .. SEED_PATH .. ": 400 CONT-001: Invalid mobile number", tostring(err))
  end)

  it("401 AUTH-001 for a token the server does not know", function()
    local bad = sandbox.client { access_token = "wrong-token-value" }
    local contact, err = bad.contacts.get(ACC, SEED)
    bad.close()
    assert.is_nil(contact)
    assert.equal(401, err.status)
    assert.equal("AUTH-001", err.code)
    assert.is_false(err.retryable)
    assert.matches("^sakari: GET " .. SEED_PATH:gsub("%-", "%%-") .. ": 401 AUTH%-001: ", tostring(err))
    assert.is_nil(tostring(err):find("wrong-token-value", 1, true))
  end)

  it("404 ACCT-008 for an unknown account", function()
    local _, err = client.contacts.get("no-such-account", SEED)
    assert.equal(404, err.status)
    assert.equal("ACCT-008", err.code)
  end)

  it("decode error for a 200 whose body is not JSON", function()
    sandbox.fault({ path = "/v1/", status = 200, content_type = "text/html",
                    body = "<html><body><p>Hello\nfrom a proxy</p></body></html>" })
    local contact, err = client.contacts.get(ACC, SEED)
    assert.is_nil(contact)
    assert.equal(200, err.status)
    assert.equal("decode", err.code)
    assert.equal("GET", err.method)
    assert.equal(SEED_PATH, err.path)
    assert.is_false(err.retryable)
    assert.equal("sakari: GET " .. SEED_PATH .. ": 200 decode: response is not JSON: Hello from a proxy",
      tostring(err))
  end)

  it("decode error for a 200 with an empty body", function()
    sandbox.fault({ path = "/v1/", status = 200, body = "", content_type = "application/json" })
    local contact, err = client.contacts.get(ACC, SEED)
    assert.is_nil(contact)
    assert.equal("decode", err.code)
    assert.equal(200, err.status)
  end)

  it("an error, never a success, for a truncated body", function()
    sandbox.fault({ path = "/v1/", truncate = true })
    local contact, err = client.contacts.get(ACC, SEED)
    assert.is_nil(contact)
    assert.is_true(sakari.is_error(err))
    assert.equal("transport", err.code)
    assert.is_truthy(err.message:find("truncated", 1, true))
    assert.equal(SEED_PATH, err.path)
    no_secret(err)
  end)

  it("a transport error when the connection drops without an answer", function()
    sandbox.fault({ path = "/v1/", drop = true })
    local contact, err = client.contacts.get(ACC, SEED)
    assert.is_nil(contact)
    assert.is_nil(err.status)
    assert.equal("transport", err.code)
    assert.is_true(err.retryable)
    assert.equal("GET", err.method)
    assert.equal(SEED_PATH, err.path)
    assert.matches("^sakari: GET " .. SEED_PATH:gsub("%-", "%%-") .. ": transport: .+", tostring(err))
    no_secret(err)
  end)

  it("a connect error when nothing listens", function()
    local closed = sakari.new { base_url = sandbox.closed_port_url(), access_token = sandbox.TOKEN }
    local contact, err = closed.contacts.get(ACC, SEED)
    closed.close()
    assert.is_nil(contact)
    assert.is_nil(err.status)
    assert.equal("connect", err.code)
    assert.is_true(err.retryable)
    assert.equal(SEED_PATH, err.path)
    assert.matches("^sakari: GET " .. SEED_PATH:gsub("%-", "%%-") .. ": connect: .+", tostring(err))
    no_secret(err)
  end)

  it("a timeout error when the answer is too slow", function()
    local impatient = sandbox.client { timeout = 0.5, max_retries = 0 }
    sandbox.fault({ path = "/v1/", delay = 2 })
    local contact, err = impatient.contacts.get(ACC, SEED)
    impatient.close()
    assert.is_nil(contact)
    assert.equal("timeout", err.code)
    assert.is_nil(err.status)
    assert.is_true(err.retryable)
  end)

  it("http error with a short readable message for an HTML error page", function()
    local page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
      .. string.rep("<p>upstream exploded</p>\n", 40) .. "</body></html>"
    sandbox.fault({ path = "/v1/", status = 502, body = page, content_type = "text/html" })
    local _, err = client.contacts.get(ACC, SEED)
    assert.equal(502, err.status)
    assert.equal("http", err.code)
    assert.is_true(err.retryable)
    assert.matches("^502 Bad Gateway upstream exploded", err.message)
    assert.is_nil(err.message:find("<", 1, true))
    assert.is_nil(err.message:find("\n", 1, true))
    assert.is_true(#err.message <= 130)
  end)

  it("marks 429 and 5xx as retryable, other 4xx not", function()
    local expectations = { [429] = true, [500] = true, [503] = true, [504] = true, [409] = false, [422] = false }
    for status, retryable in pairs(expectations) do
      sandbox.fault({ path = "/v1/", status = status })
      local _, err = client.contacts.get(ACC, SEED)
      assert.equal(status, err.status)
      assert.equal(retryable, err.retryable, "status " .. status)
    end
  end)

  it("an error for success == false even with a 2xx status", function()
    sandbox.fault({ path = "/v1/", status = 200, content_type = "application/json",
                    body = '{"success":false,"error":{"code":"CONT-099","message":"Nope"}}' })
    local contact, err = client.contacts.get(ACC, SEED)
    assert.is_nil(contact)
    assert.equal(200, err.status)
    assert.equal("CONT-099", err.code)
    assert.equal("Nope", err.message)
  end)

  it("an http error for a JSON error body without a Sakari code", function()
    sandbox.fault({ path = "/v1/", status = 418, content_type = "application/json",
                    body = '{"message":"short and stout"}' })
    local _, err = client.contacts.get(ACC, SEED)
    assert.equal("http", err.code)
    assert.equal("short and stout", err.message)
    assert.equal("sakari: GET " .. SEED_PATH .. ": 418 http: short and stout", tostring(err))
  end)

  it("keeps the query out of err.path", function()
    sandbox.fault({ path = "/v1/", status = 500 })
    local _, err = client.contacts.list(ACC, { email = "someone@example.com", limit = 5 })
    assert.equal("/v1/accounts/sandbox-account/contacts", err.path)
    assert.is_nil(tostring(err):find("someone", 1, true))
  end)
end)

describe("a bodiless success", function()
  local client = sandbox.each_client()

  it("is true for a 204", function()
    sandbox.fault({ path = "/v1/", status = 204, body = "" })
    assert.is_true(client.contacts.update(ACC, SEED, { firstName = "Bob" }))
  end)

  it("is true for a 2xx {success: true} without data", function()
    sandbox.fault({ path = "/v1/", status = 200, body = '{"success":true}', content_type = "application/json" })
    assert.is_true(client.contacts.get(ACC, SEED))
  end)
end)

describe("sakari.is_error", function()
  it("tells an error object from anything else", function()
    local client = sakari.new { base_url = sandbox.url(), access_token = "x" }
    local _, err = client.contacts.get(ACC, SEED)
    client.close()
    assert.is_true(sakari.is_error(err))
    assert.is_false(sakari.is_error({ status = 401, code = "AUTH-001" }))
    assert.is_false(sakari.is_error("error"))
    assert.is_false(sakari.is_error(nil))
  end)
end)
