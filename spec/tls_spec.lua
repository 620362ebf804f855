-- TLS is verified unless a caller turns it off by name: a server whose
-- certificate nobody vouched for is refused, whatever the answer would be.
local https = require "spec.support.https_sandbox"
local sandbox = require "spec.support.sandbox"
local sakari = require "sakari"

describe("TLS", function()
  local function client(extra)
    local config = { base_url = https.url(), access_token = sandbox.TOKEN }
    for k, v in pairs(extra or {}) do config[k] = v end
    return sakari.new(config)
  end

  it("refuses a certificate the default trust store does not vouch for", function()
    local c = client()
    local contact, err = c.contacts.get(sandbox.ACCOUNT, sandbox.SEED_CONTACT)
    assert.is_nil(contact)
    assert.are.equal("tls", err.code)
    assert.is_nil(err.status)
    assert.is_false(err.retryable)
    assert.is_falsy(tostring(err):find(sandbox.TOKEN, 1, true))
    c.close()
  end)

  it("is not retried: a certificate does not get better by asking again", function()
    local c = client { max_retries = 3 }
    local _, err = c.contacts.get(sandbox.ACCOUNT, sandbox.SEED_CONTACT)
    assert.are.equal("tls", err.code)
    c.close()
  end)

  it("succeeds with ca_file pointing at the server's certificate", function()
    local c = client { ca_file = https.ca_file() }
    local contact, err = c.contacts.get(sandbox.ACCOUNT, sandbox.SEED_CONTACT)
    assert.is_nil(err)
    assert.are.equal(sandbox.SEED_CONTACT, contact.id)
    c.close()
  end)

  it("succeeds without verification only when insecure = true is given", function()
    local c = client { insecure = true }
    local contact = c.contacts.get(sandbox.ACCOUNT, sandbox.SEED_CONTACT)
    assert.are.equal(sandbox.SEED_CONTACT, contact.id)
    c.close()
  end)

  it("checks the host name too: the trusted certificate is refused under another name", function()
    local c = sakari.new {
      base_url = https.url():gsub("localhost", "127.0.0.1"),
      access_token = sandbox.TOKEN, ca_file = https.ca_file(),
    }
    local _, err = c.contacts.get(sandbox.ACCOUNT, sandbox.SEED_CONTACT)
    assert.are.equal("tls", err.code)
    c.close()
  end)
end)
