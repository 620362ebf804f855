-- Request bodies against the documented schemas (schemas.lua): a misspelled
-- field raises before anything is sent, naming the place and the documented
-- name; what `get` read goes back through `update`; strict = false sends what
-- the table does not know.
local sandbox = require "spec.support.sandbox"
local schemas = require "sakari.schemas"
local resources = require "sakari.resources"
local sakari = require "sakari"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT

local raised = require "spec.support.raised"

-- Everything but the stamp of the last change: what a write must not lose.
local function without_updated(contact)
  local copy = {}
  for k, v in pairs(contact) do
    if k ~= "updated" then copy[k] = v end
  end
  return copy
end

describe("request schemas", function()
  local client = sandbox.client()
  before_each(sandbox.reset)
  teardown(client.close)

  describe("a misspelled field", function()
    it("raises naming the place and the documented name, and nothing is sent", function()
      local before = assert(client.contacts.get(ACC, SEED))
      sandbox.clear_requests()
      local message = raised(function()
        local r = client.contacts.update(ACC, SEED, { firstname = "A" }) -- the line to blame
        return r
      end)
      assert.truthy(message:find("bad argument #3 to 'contacts.update' "
        .. "(fields.firstname: unknown field; did you mean firstName?)", 1, true), message)
      assert.truthy(message:find("^[^:]*schemas_spec%.lua:%d+: "), "blames the caller's line: " .. message)
      assert.same({}, sandbox.requests())
      assert.same(before, assert(client.contacts.get(ACC, SEED))) -- firstName, lastName, mobile all kept
    end)

    it("is found inside nested objects and arrays", function()
      local cases = {
        { client.contacts.update, { ACC, SEED, { mobile = { numbr = "+15550000000" } } },
          "fields.mobile.numbr: unknown field; did you mean number?" },
        { client.contacts.create, { ACC, { firstName = "A", lists = { { id = "seed-list", nmae = "x" } } } },
          "fields.lists[1].nmae: unknown field; did you mean name?" },
        { client.messages.send, { ACC, { contacts = { { mobile = { number = "+15550000000", contry = "US" } } },
          template = "Hi" } }, "request.contacts[1].mobile.contry: unknown field; did you mean country?" },
        { client.templates.create, { ACC, { name = "n", template = "t", media = { { URL = "https://x" } } } },
          "fields.media[1].URL: unknown field; did you mean url?" },
        { client.campaigns.create, { ACC, { name = "n", template = "t", trigger = { cdoe = "M" } } },
          "fields.trigger.cdoe: unknown field; did you mean code?" },
        { client.webhooks.subscribe, { ACC, { url = "https://example.com/h", eventType = { "message-sent" } } },
          "fields.eventType: unknown field; did you mean eventTypes?" },
        { client.lead_forms.create, { ACC, { title = "Form" } }, "fields.title: unknown field (documented: " },
        { client.accounts.create_attribute, { ACC, "contacts", { name = "plan", lable = "Plan" } },
          "fields.lable: unknown field; did you mean label?" },
        { client.drip_campaigns.update, { ACC, "seed-drip", { name = "n", discription = "d" } },
          "fields.discription: unknown field; did you mean description?" },
        { client.campaigns.quick, { ACC, { name = "n", groupid = "g", listId = "l", message = { message = "m" } } },
          "fields.groupid: unknown field; did you mean groupId?" },
      }
      for _, case in ipairs(cases) do
        local message = raised(case[1], (table.unpack or unpack)(case[2]))
        assert.truthy(message:find(case[3], 1, true), message)
      end
      assert.same({}, sandbox.requests())
    end)

    it("is named before the call's own check speaks", function()
      -- without the schema, checks.send_request would say "nothing to send"
      local message = raised(client.messages.send, ACC, { contacts = { { id = SEED } }, templat = "Hi" })
      assert.truthy(message:find("(request.templat: unknown field; did you mean template?)", 1, true), message)
      assert.same({}, sandbox.requests())
    end)

    it("in contacts.patch raises before the read", function()
      local message = raised(client.contacts.patch, ACC, SEED, { lastname = "B" })
      assert.truthy(message:find("(changes.lastname: unknown field; did you mean lastName?)", 1, true), message)
      assert.same({}, sandbox.requests())
    end)
  end)

  it("sends a contact read with get back through update, read-only fields and all", function()
    local contact = assert(client.contacts.get(ACC, SEED))
    local before = without_updated(contact)
    assert.is_table(contact.mobile.lineType and contact.created and contact.error and contact.lists[1].source)
    sandbox.clear_requests()
    local updated, err = client.contacts.update(ACC, SEED, contact)
    assert.is_nil(err)
    assert.is_table(updated)
    -- sent as read (read-only fields included: the server ignores them) ...
    local sent = sandbox.json(sandbox.requests()[1])
    assert.equal(SEED, sent.id)
    assert.equal("mobile", sent.mobile.lineType)
    assert.same(contact.created, sent.created)
    -- ... and the server's contact keeps every field
    assert.same(before, without_updated(assert(client.contacts.get(ACC, SEED))))
  end)

  it("accepts any key in the free-form attributes and null anywhere", function()
    local contact = assert(client.contacts.update(ACC, SEED, {
      firstName = "Ann", mobile = { number = "+15550000001", country = "US", verified = sakari.null },
      attributes = { ["any name at all"] = "x", plan = "gold", score = 3 },
    }))
    assert.equal("gold", contact.attributes.plan)
    assert.equal("x", contact.attributes["any name at all"])
  end)

  describe("strict = false", function()
    it("per call sends an undocumented field, which the server ignores", function()
      local updated = assert(client.contacts.update(ACC, SEED, {
        firstName = "Zed", mobile = { number = "+15550000002" }, nickname = "Z",
      }, { strict = false }))
      assert.equal("Zed", updated.firstName)
      local sent = sandbox.json(sandbox.requests()[1])
      assert.equal("Z", sent.nickname)
      -- the API ignores unknown body properties (the OpenAPI file's open schema); so does the sandbox
      assert.is_nil(assert(client.contacts.get(ACC, SEED)).nickname)
    end)

    it("per client sends the body as given, wrong types too: the server judges it", function()
      local lenient = sandbox.client { strict = false }
      local contact, err = lenient.contacts.update(ACC, SEED, { firstName = 42, nickname = "Z" })
      assert.is_nil(contact)
      assert.equal("REQ-003", err.code)
      assert.same({ firstName = 42, nickname = "Z" }, sandbox.json(sandbox.requests()[1]))
      -- and a call can ask for the check back
      local message = raised(function()
        local r = lenient.contacts.update(ACC, SEED, { firstname = "A" }, { strict = true })
        return r
      end)
      lenient.close()
      assert.truthy(message:find("(fields.firstname: unknown field; did you mean firstName?)", 1, true), message)
      assert.equal(1, #sandbox.requests())
    end)

    it("must be a boolean", function()
      local message = raised(client.contacts.update, ACC, SEED, { firstName = "x" }, { strict = "no" })
      assert.truthy(message:find("option 'strict'", 1, true), message)
      assert.same({}, sandbox.requests())
    end)
  end)
end)

describe("schemas.check", function()
  local check = schemas.check

  it("suggests the same name in another case first, then the nearest, else lists the names", function()
    assert.equal("fields.FIRSTNAME: unknown field; did you mean firstName?",
      check("ContactRequest", { FIRSTNAME = "x" }, "fields"))
    assert.equal("fields.emial: unknown field; did you mean email?", check("ContactRequest", { emial = "x" }, "fields"))
    assert.equal("fields.zzzzzzzz: unknown field (documented: created, id, media, name, template, type, updated)",
      check("TemplateRequest", { zzzzzzzz = 1 }, "fields"))
    assert.is_nil(check("ContactRequest", { email = sakari.null, mobile = sakari.null, lists = { sakari.null } }))
  end)

  it("leaves the contents of read-only fields alone and checks the shape of the rest", function()
    assert.is_nil(check("ContactRequest", { created = { anything = { 1 } }, error = "x", mobile = { lineType = 7 } }))
    assert.equal("mobile: expected an object (a table), got string", check("ContactRequest", { mobile = "+1555" }))
    assert.equal("lists: expected an array, got a table with the named key 'id'",
      check("ContactRequest", { lists = { id = "l" } }))
    assert.equal("fields: expected an object with named keys, got an array",
      check("ContactRequest", { "a" }, "fields"))
    assert.equal("optIn: expected a date-time string, got number", check("ContactRequest", { optIn = 1 }))
  end)

  it("does not check the types the docs are unsure of", function()
    -- integration ids are numbers in the docs, but a 19-digit one may not be a Lua number
    assert.is_nil(check("ContactRequest", { hubspot = { id = "9007199254740993" } }))
    assert.is_nil(check("DripCampaignRequest", { list = "seed-list", group = { id = "g" } }))
  end)

  it("prefers an unknown name to a wrong type met earlier", function()
    local detail, unknown = check("ContactRequest", { firstName = 1, lastName = 2, mobile = { nubmer = "1" } })
    assert.equal("mobile.nubmer: unknown field; did you mean number?", detail)
    assert.is_true(unknown)
    detail, unknown = check("ContactRequest", { firstName = 1 })
    assert.equal("firstName: expected a string, got number", detail)
    assert.is_false(unknown)
  end)
end)

describe("the schema table", function()
  local function each_row(f)
    for namespace, rows in pairs(resources.endpoints) do
      for name, row in pairs(rows) do f(namespace .. "." .. name, row) end
    end
  end

  it("has a schema for every JSON body row, and none for uploads", function()
    local n = 0
    each_row(function(fname, row)
      if row.body and not row.upload then
        assert.is_string(row.schema, fname .. " has no schema")
        n = n + 1
      else
        assert.is_nil(row.schema, fname .. " sends no JSON body")
      end
    end)
    assert.equal(15, n)
  end)

  it("holds every schema a row names, and every name inside a schema", function()
    local seen = {}
    local BUILT_IN = { object = true, array = true, map = true, any = true, string = true, number = true,
                       boolean = true, ["date-time"] = true }
    local function visit(node)
      if seen[node] then return end
      seen[node] = true
      assert.truthy(BUILT_IN[node.kind] or schemas.schemas[node.kind], "no schema " .. tostring(node.kind))
      for _, field in pairs(node.fields or {}) do visit(field) end
      if node.item then visit(node.item) end
      if node.value then visit(node.value) end
      if schemas.schemas[node.kind] then visit(schemas.node(node.kind)) end
    end
    each_row(function(_, row)
      if row.schema then visit(schemas.node(row.schema)) end
    end)
    for name in pairs(schemas.schemas) do visit(schemas.node(name)) end
    for key, name in pairs(schemas.answers) do
      assert.truthy(schemas.schemas[name], key .. " answers with " .. name)
      local namespace, fn = key:match("^([%w_]+)%.?([%w_]*)$")
      assert.truthy(resources.endpoints[namespace] and (fn == "" or resources.endpoints[namespace][fn]), key)
    end
  end)
end)
