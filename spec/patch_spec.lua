-- contacts.patch changes what it is given and keeps the rest; contacts.update
-- replaces the contact. Both against the sandbox, which clears on PUT as Sakari does.
local sandbox = require "spec.support.sandbox"
local sakari = require "sakari"
local patch = require "sakari.patch"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT

describe("contacts.patch", function()
  local client = sandbox.each_client()

  local function member(number)
    return assert(client.contacts.create(ACC, {
      firstName = "Lia", lastName = "Park", email = "lia@example.com",
      mobile = { number = number, country = "US" },
      lists = { { id = "seed-list", name = "Newsletter" } },
      attributes = { city = "Boston", plan = "gold" },
      optIn = "2024-01-02T03:04:05Z",
      tags = { { tag = "vip", visible = true } },
    }))
  end

  it("keeps lists, attributes, opt-in state and tags", function()
    local contact = member("+15551110001")
    local patched = assert(client.contacts.patch(ACC, contact.id, { firstName = "Lea" }))
    assert.equal("Lea", patched.firstName)
    local stored = assert(client.contacts.get(ACC, contact.id))
    assert.equal("Lea", stored.firstName)
    assert.equal("Park", stored.lastName)
    assert.equal("lia@example.com", stored.email)
    assert.equal("seed-list", stored.lists[1].id)
    assert.same({ city = "Boston", plan = "gold" }, stored.attributes)
    assert.equal("2024-01-02T03:04:05Z", stored.optIn)
    assert.same({ { tag = "vip", visible = true } }, stored.tags)
    assert.equal("+15551110001", stored.mobile.number)
  end)

  it("where update, given the same change, clears them", function()
    local contact = member("+15551110002")
    assert.truthy(client.contacts.update(ACC, contact.id, {
      firstName = "Lea", mobile = { number = "+15551110002", country = "US" },
    }))
    local stored = assert(client.contacts.get(ACC, contact.id))
    assert.same({}, stored.lists)
    assert.same({}, stored.attributes)
    assert.is_nil(stored.optIn)
    assert.is_nil(stored.lastName)
  end)

  it("merges objects deeply and replaces arrays", function()
    local contact = member("+15551110003")
    assert.truthy(client.contacts.patch(ACC, contact.id, {
      attributes = { plan = "platinum", seats = "3" },
      mobile = { country = "CA" },
      tags = { { tag = "new" } },
    }))
    local stored = assert(client.contacts.get(ACC, contact.id))
    assert.same({ city = "Boston", plan = "platinum", seats = "3" }, stored.attributes)
    assert.equal("+15551110003", stored.mobile.number)
    assert.equal("CA", stored.mobile.country)
    assert.same({ { tag = "new" } }, stored.tags)
  end)

  it("removes a field given as sakari.null, and empties a list given as sakari.array()", function()
    local contact = member("+15551110004")
    assert.truthy(client.contacts.patch(ACC, contact.id, {
      email = sakari.null, lists = sakari.array(), attributes = { city = sakari.null },
    }))
    local log = sandbox.requests()
    local put = sandbox.json(log[#log])
    assert.is_nil(put.email)
    assert.same({ plan = "gold" }, put.attributes)
    assert.matches('"lists":%[%]', log[#log].body)
    local stored = assert(client.contacts.get(ACC, contact.id))
    assert.is_nil(stored.email)
    assert.same({}, stored.lists)
    assert.same({ plan = "gold" }, stored.attributes)
  end)

  it("sends an empty list it read back as [] (not {}), so the PUT is accepted", function()
    local bare = assert(client.contacts.create(ACC, { firstName = "Bare", mobile = { number = "+15551110005" } }))
    assert.same({}, bare.lists)
    assert.truthy(client.contacts.patch(ACC, bare.id, { lastName = "Bones" }))
    local log = sandbox.requests()
    assert.matches('"lists":%[%]', log[#log].body)
  end)

  it("sends the read-only fields back to nobody", function()
    assert.truthy(client.contacts.patch(ACC, SEED, { lastName = "B." }))
    local put = sandbox.json(sandbox.requests()[2])
    for _, field in ipairs { "id", "valid", "error", "created", "updated" } do assert.is_nil(put[field], field) end
    assert.same({ number = "123-456-7890", country = "US" }, put.mobile)
    assert.same({ id = 123 }, put.hubspot)
  end)

  it("returns the read's error and sends no PUT when the contact does not exist", function()
    local contact, err = client.contacts.patch(ACC, "no-such-contact", { firstName = "X" })
    assert.is_nil(contact)
    assert.equal(404, err.status)
    assert.equal("CONT-002", err.code)
    assert.same({ "GET /v1/accounts/sandbox-account/contacts/no-such-contact" }, sandbox.request_lines())
  end)

  it("sends no PUT when the read comes back without the contact", function()
    sandbox.fault({ method = "GET", status = 200, body = '{"success":true}' })
    local contact, err = client.contacts.patch(ACC, SEED, { firstName = "X" })
    assert.is_nil(contact)
    assert.equal("decode", err.code)
    assert.same({ "GET /v1/accounts/sandbox-account/contacts/seed-contact" }, sandbox.request_lines())
  end)

  it("refuses changes JSON cannot carry before the read is sent", function()
    local ok, message = pcall(function()
      local r = client.contacts.patch(ACC, SEED, { firstName = print }) -- the line to blame
      return r
    end)
    assert.is_false(ok)
    assert.matches("^[^:]*patch_spec%.lua:%d+: contacts%.patch: cannot encode %a+%.firstName: ", message)
    assert.usage_error(function() client.contacts.patch(ACC, SEED, "Bob") end,
      "bad argument #3 to 'contacts.patch' (changes: expected a table, got string)")
    assert.same({}, sandbox.requests())
  end)
end)

describe("patch.body", function()
  it("copies: neither the contact read nor the changes are modified", function()
    local current = { id = "c", firstName = "A", attributes = { x = "1" }, mobile = { number = "1", valid = true } }
    local changes = { attributes = { y = "2" } }
    local body = patch.body("ContactRequest", current, changes)
    assert.same({ firstName = "A", attributes = { x = "1", y = "2" }, mobile = { number = "1" } }, body)
    assert.same({ id = "c", firstName = "A", attributes = { x = "1" }, mobile = { number = "1", valid = true } },
      current)
    assert.same({ attributes = { y = "2" } }, changes)
    body.attributes.z = "3"
    assert.is_nil(changes.attributes.z)
  end)

  it("keeps fields it does not know, so a newer writable field survives", function()
    local body = patch.body("ContactRequest", { firstName = "A", whatsapp = { id = 7 } }, { firstName = "B" })
    assert.same({ firstName = "B", whatsapp = { id = 7 } }, body)
  end)
end)
