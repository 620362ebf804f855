-- What a call reads, the same table sent back writes unchanged: empty arrays
-- stay [], empty objects {}, and integers keep every digit, on every Lua.
local sandbox = require "spec.support.sandbox"
local luasocket = require "spec.support.luasocket_transport"

local ACC = sandbox.ACCOUNT
local CONTACTS = "/v1/accounts/" .. ACC .. "/contacts"

-- Written as text so that every Lua stores the same digits on the server:
-- 19 digits (fits 64 bits), 2^53 + 1 (the first integer a double cannot hold)
-- and 20 digits (past 64 bits: a float everywhere, its text kept).
local CONTACT = '{"firstName":"Ada","lastName":"Exact","mobile":{"number":"+15557654321","country":"US"},'
  .. '"lists":[],"tags":[],"attributes":{},"hubspot":{"id":1234567890123456789},'
  .. '"activecampaign":{"id":9007199254740993},"pipedrive":{"id":12345678901234567890}}'

local EXACT = { '"lists":[]', '"tags":[]', '"attributes":{}', '"hubspot":{"id":1234567890123456789}',
  '"activecampaign":{"id":9007199254740993}', '"pipedrive":{"id":12345678901234567890}' }

local function create()
  local status, text = sandbox.raw("POST", CONTACTS, CONTACT)
  assert.are.equal(201, status, text)
  return assert(text:match('"id":"([^"]+)"'))
end

-- The contact as the sandbox holds it, as the exact text it answers.
local function stored(id)
  local status, text = sandbox.raw("GET", CONTACTS .. "/" .. id)
  assert.are.equal(200, status)
  return text
end

local function assert_exact(text, first_name)
  for _, piece in ipairs(EXACT) do assert.is_truthy(text:find(piece, 1, true), piece .. " not in " .. text) end
  assert.is_truthy(text:find('"firstName":"' .. first_name .. '"', 1, true), text)
end

describe("a contact read and written back", function()
  before_each(function()
    sandbox.reset()
  end)

  -- write(client, id) sets firstName to `name`, through the client: what went
  -- out must hold the same arrays, objects and digits the server sent, and so
  -- must what the server now holds
  local function round_trip(client, name, write)
    local id = create()
    local written, err = write(client, id)
    assert.is_nil(err)
    assert.are.equal(name, written.firstName)
    local put = sandbox.requests()[3]
    assert.are.equal("PUT", put.method)
    assert_exact(put.body, name)
    assert_exact(stored(id), name)
    client.close()
  end

  local function get_update(client, id)
    local contact = assert(client.contacts.get(ACC, id))
    contact.firstName = "Bea"
    return client.contacts.update(ACC, id, contact)
  end

  it("keeps [], {} and every digit through get -> update", function()
    round_trip(sandbox.client(), "Bea", get_update)
  end)

  it("keeps them through contacts.patch, which copies the contact it read (and the CLI's updates)", function()
    round_trip(sandbox.client(), "Cy", function(client, id)
      return client.contacts.patch(ACC, id, { firstName = "Cy" })
    end)
  end)

  it("does so through a Lua transport too", function()
    round_trip(sandbox.client { transport = luasocket.new() }, "Bea", get_update)
  end)

  it("does so inside a batch", function()
    local client = sandbox.client()
    local id = create()
    local got = client.batch({ { "contacts.get", ACC, id } })[1]
    assert.is_nil(got.err)
    got.value.firstName = "Cy"
    local put = client.batch({ { "contacts.update", ACC, id, got.value } })[1]
    assert.is_nil(put.err)
    assert_exact(stored(id), "Cy")
    client.close()
  end)

  it("writes [] for an array the caller emptied, and the caller's new value for a changed number", function()
    local client = sandbox.client()
    local status, text = sandbox.raw("POST", CONTACTS, '{"firstName":"Di","mobile":{"number":"+15557650000"},'
      .. '"lists":[{"id":"l1","name":"Gold"}],"hubspot":{"id":1234567890123456789}}')
    assert.are.equal(201, status)
    local id = text:match('"id":"([^"]+)"')
    local contact = assert(client.contacts.get(ACC, id))
    table.remove(contact.lists)
    contact.hubspot.id = 42
    assert(client.contacts.update(ACC, id, contact))
    local now = stored(id)
    assert.is_truthy(now:find('"lists":[]', 1, true), now)
    assert.is_truthy(now:find('"hubspot":{"id":42}', 1, true), now)
    client.close()
  end)
end)
