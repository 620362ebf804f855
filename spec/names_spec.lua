-- Names that help: a misspelt function or namespace, a colon call, a bad
-- setting, each raised at the caller's line with what to write instead.
local sandbox = require "spec.support.sandbox"
local settings = require "sakari.settings"
local sakari = require "sakari"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT

local refused = require("spec.support.refused").error

-- The usage error f raises, checked to blame this file and to send nothing.
local function raised(f)
  local err = refused(f)
  assert.matches("names_spec%.lua:%d+$", err.where)
  return err.message
end

describe("a wrong name", function()
  local client = sandbox.each_client()

  it("names the function meant", function()
    assert.equal("sakari: no function contacts.updat; did you mean contacts.update?",
      raised(function() sakari.contacts.updat(ACC, SEED, {}) end))
    assert.equal("sakari: no function contacts.udpate; did you mean contacts.update?",
      raised(function() client.contacts.udpate(ACC, SEED, {}) end))
    assert.equal("sakari: no function messages.frobnicate",
      raised(function() client.messages.frobnicate() end))
  end)

  it("names the namespace meant", function()
    assert.equal("sakari: no namespace contact; did you mean contacts?",
      raised(function() sakari.contact.get(ACC, SEED) end))
    assert.equal("sakari: no namespace message; did you mean messages?",
      raised(function() client.message.send(ACC, {}) end))
  end)

  it("says to use a dot where a colon was", function()
    assert.equal("sakari: call contacts.get with a dot, not a colon: contacts.get(...)",
      raised(function() client.contacts:get(ACC, SEED) end))
    assert.equal("sakari: call accounts.list with a dot, not a colon: accounts.list(...)",
      raised(function() sakari.accounts:list() end))
  end)

  it("costs nothing on a name that exists: the functions are plain fields", function()
    assert.is_function(rawget(client.contacts, "get"))
    assert.is_function(rawget(sakari, "contacts").get)
  end)
end)

describe("a bad setting", function()
  before_each(sandbox.reset)

  it("names the setting and its environment variable, with the limit", function()
    assert.equal("bad argument #1 to 'sakari.new' (config.timeout: expected a number of seconds > 0, "
      .. "at most 86400, got 100000)", raised(function() sakari.new { timeout = 100000 } end))
    assert.equal("bad argument #1 to 'sakari.new' (config.base_url: expected an http:// or https:// URL, "
      .. 'got "api.sakari.io" (env SAKARI_API_URL))', raised(function() sakari.new { base_url = "api.sakari.io" } end))
    assert.equal("bad argument #1 to 'sakari.configure' (config.base_url: expected an http:// or https:// URL, "
      .. 'got "ftp://x" (env SAKARI_API_URL))', raised(function() sakari.configure { base_url = "ftp://x" } end))
  end)

  it("names the variable when the environment holds the bad value", function()
    local real = settings.getenv
    settings.getenv = function(name) return ({ SAKARI_API_URL = "localhost:8080", SAKARI_ACCESS_TOKEN = "t" })[name] end
    local ok, err = pcall(sakari.new, {})
    assert.is_false(ok)
    assert.equal("sakari.new: environment variable SAKARI_API_URL (setting base_url): expected an http:// or "
      .. 'https:// URL, got "localhost:8080"', err.message)
    -- the default client reads it on its first call, and blames that call
    package.loaded.sakari = nil
    local fresh = require "sakari"
    package.loaded.sakari = sakari
    local message = raised(function() fresh.contacts.get(ACC, SEED) end)
    settings.getenv = real
    assert.equal("sakari: environment variable SAKARI_API_URL (setting base_url): expected an http:// or "
      .. 'https:// URL, got "localhost:8080"', message)
  end)

  it("per call, says the same", function()
    local client = sandbox.client()
    assert.equal("bad argument #3 to 'contacts.get' (option 'timeout': expected a number of seconds > 0, "
      .. "at most 86400, got 100000)", raised(function() client.contacts.get(ACC, SEED, { timeout = 100000 }) end))
    assert.equal("bad argument #3 to 'contacts.get' (option 'max_retries': expected a whole number from 0 to 99, "
      .. "got -1)", raised(function() client.contacts.get(ACC, SEED, { max_retries = -1 }) end))
    client.close()
  end)
end)
