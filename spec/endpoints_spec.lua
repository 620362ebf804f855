-- Every function of the endpoint table, once each against the sandbox: what goes
-- on the wire (method, path, query, body) and what comes back decoded. The last
-- test fails when a row of resources.lua has no case here.
-- Behaviour in depth (paging, patch, send, uploads, webhooks) has its own spec.
local sandbox = require "spec.support.sandbox"
local core = require "sakari.core"
local resources = require "sakari.resources"

local ACC, SEED = sandbox.ACCOUNT, sandbox.SEED_CONTACT
local P = "/v1/accounts/" .. ACC

-- today in UTC, the date the sandbox stamps new messages with
local TODAY = os.date("!%Y-%m-%d")

-- A case: setup(client) -> ctx (optional, its requests are not checked);
-- run(client, ctx) -> results (packed); wire(ctx) -> the expected requests;
-- check(ctx, ...) asserts on the results.
-- An expected request: { method, path, query = {name = {values}}, body = decoded JSON
-- (compared whole), body_has = function(decoded) (partial), raw = exact body text,
-- content_type = expected header (default JSON when there is a body) }.
local cases = {}

local function new_contact(client, number, fields)
  local body = { firstName = "Case", mobile = { number = number, country = "US" } }
  for k, v in pairs(fields or {}) do body[k] = v end
  return assert(client.contacts.create(ACC, body))
end

local function inbound(number, text)
  return sandbox.inbound { mobile = number, message = text or "hello" }
end

local function collect(iterator, ...)
  local out = {}
  for item in iterator(...) do out[#out + 1] = item end
  return out
end

local function ids(items)
  local out = {}
  for i, item in ipairs(items) do out[i] = item.id end
  return out
end

---------------------------------------------------------------- contacts
cases["contacts.list"] = {
  run = function(c) return c.contacts.list(ACC, { firstName = "chris", limit = 5 }) end,
  wire = function() return { { "GET", P .. "/contacts", query = { firstName = { "chris" }, limit = { "5" } } } } end,
  check = function(_, items, page)
    assert.same({ SEED }, ids(items))
    assert.same({ offset = 0, limit = 5, totalCount = 1, hasNext = false }, page)
  end,
}

cases["contacts.each"] = {
  setup = function() return { seeded = sandbox.seed(3) } end,
  run = function(c) return collect(c.contacts.each, ACC, { limit = 2 }) end,
  wire = function() return {
    { "GET", P .. "/contacts", query = { limit = { "2" }, offset = { "0" } } },
    { "GET", P .. "/contacts", query = { limit = { "2" }, offset = { "2" } } },
  } end,
  check = function(ctx, items)
    assert.same({ SEED, ctx.seeded[1], ctx.seeded[2], ctx.seeded[3] }, ids(items))
  end,
}

cases["contacts.get"] = {
  run = function(c) return c.contacts.get(ACC, SEED) end,
  wire = function() return { { "GET", P .. "/contacts/" .. SEED } } end,
  check = function(_, contact)
    assert.equal(SEED, contact.id)
    assert.equal(123, contact.hubspot.id)
    assert.equal("mobile", contact.mobile.lineType)
  end,
}

cases["contacts.create"] = {
  run = function(c)
    return c.contacts.create(ACC, { firstName = "Ada", mobile = { number = "+15551230001", country = "US" } },
      { mergeStrategy = "core" })
  end,
  wire = function() return { { "POST", P .. "/contacts", query = { mergeStrategy = { "core" } },
    body = { firstName = "Ada", mobile = { number = "+15551230001", country = "US" } } } } end,
  check = function(_, contact)
    assert.matches("^%x+$", contact.id)
    assert.equal("Ada", contact.firstName)
    assert.is_true(contact.mobile.valid)
  end,
}

cases["contacts.update"] = {
  setup = function(c) return { contact = new_contact(c, "+15551230002") } end,
  run = function(c, ctx)
    return c.contacts.update(ACC, ctx.contact.id, { lastName = "Updated", mobile = { number = "+15551230002" } })
  end,
  wire = function(ctx) return { { "PUT", P .. "/contacts/" .. ctx.contact.id,
    body = { lastName = "Updated", mobile = { number = "+15551230002" } } } } end,
  check = function(ctx, contact)
    assert.equal(ctx.contact.id, contact.id)
    assert.equal("Updated", contact.lastName)
    assert.is_nil(contact.firstName) -- PUT replaced the contact
  end,
}

cases["contacts.patch"] = {
  run = function(c) return c.contacts.patch(ACC, SEED, { firstName = "Bob" }) end,
  wire = function() return {
    { "GET", P .. "/contacts/" .. SEED },
    { "PUT", P .. "/contacts/" .. SEED, body_has = function(body)
      assert.equal("Bob", body.firstName)
      assert.equal("Bloggs", body.lastName)
      assert.equal("seed-list", body.lists[1].id)
      assert.same({ number = "123-456-7890", country = "US" }, body.mobile)
      assert.is_nil(body.id)
      assert.is_nil(body.created)
    end },
  } end,
  check = function(_, contact)
    assert.equal("Bob", contact.firstName)
    assert.equal("Bloggs", contact.lastName)
    assert.equal("seed-list", contact.lists[1].id)
    assert.equal(123, contact.pipedrive.id)
  end,
}

cases["contacts.delete"] = {
  setup = function(c) return { contact = new_contact(c, "+15551230003") } end,
  run = function(c, ctx) return c.contacts.delete(ACC, ctx.contact.id) end,
  wire = function(ctx) return { { "DELETE", P .. "/contacts/" .. ctx.contact.id } } end,
  check = function(_, ok) assert.is_true(ok) end,
}

local CSV = "firstName,lastName,mobile,country,plan\r\nAda,Lovelace,+15551230004,US,gold\r\n"
cases["contacts.import"] = {
  run = function(c) return c.contacts.import(ACC, CSV, { mergeStrategy = "append" }) end,
  wire = function() return { { "POST", P .. "/contacts", query = { mergeStrategy = { "append" } },
    raw = CSV, content_type = "text/csv" } } end,
  check = function(_, result)
    assert.equal(1, result.inserted)
    assert.equal(1, result.submitted)
    assert.equal("Ada", result.contacts[1].firstName)
    assert.equal("gold", result.contacts[1].attributes.plan)
  end,
}

---------------------------------------------------------------- messages
local SEND = { contacts = { { mobile = { number = "+15551230010", country = "US" }, firstName = "Sam" } },
               template = "Hi {{firstName}}" }
cases["messages.send"] = {
  run = function(c) return c.messages.send(ACC, SEND) end,
  wire = function() return { { "POST", P .. "/messages", body = SEND } } end,
  check = function(_, result)
    assert.equal(1, result.requested)
    assert.equal(1, result.valid)
    assert.equal("Hi Sam", result.messages[1].message)
    assert.is_string(result.jobId)
  end,
}

cases["messages.list"] = {
  setup = function() return { message = inbound("+15551230011", "first") } end,
  run = function(c, ctx) return c.messages.list(ACC, { contactId = ctx.message.contact.id, limit = 10 }) end,
  wire = function(ctx) return { { "GET", P .. "/messages",
    query = { contactId = { ctx.message.contact.id }, limit = { "10" } } } } end,
  check = function(ctx, items, page)
    assert.same({ ctx.message.id }, ids(items))
    assert.equal("first", items[1].message)
    assert.equal(1, page.totalCount)
  end,
}

cases["messages.each"] = {
  setup = function() return { a = inbound("+15551230012", "one"), b = inbound("+15551230012", "two") } end,
  run = function(c, ctx) return collect(c.messages.each, ACC, { conversationId = ctx.a.conversation.id }) end,
  wire = function(ctx) return { { "GET", P .. "/messages",
    query = { conversationId = { ctx.a.conversation.id }, limit = { "100" }, offset = { "0" } } } } end,
  check = function(ctx, items) assert.same({ ctx.a.id, ctx.b.id }, ids(items)) end,
}

cases["messages.get"] = {
  setup = function() return { message = inbound("+15551230013", "get me") } end,
  run = function(c, ctx) return c.messages.get(ACC, ctx.message.id) end,
  wire = function(ctx) return { { "GET", P .. "/messages/" .. ctx.message.id } } end,
  check = function(ctx, message)
    assert.equal(ctx.message.id, message.id)
    assert.equal("get me", message.message)
    assert.is_false(message.outgoing)
  end,
}

---------------------------------------------------------------- conversations
cases["conversations.list"] = {
  setup = function() return { message = inbound("+15551230020") } end,
  run = function(c) return c.conversations.list(ACC, { offset = 0, limit = 1 }) end,
  wire = function() return { { "GET", P .. "/conversations", query = { offset = { "0" }, limit = { "1" } } } } end,
  check = function(ctx, items, page)
    assert.same({ ctx.message.conversation.id }, ids(items))
    assert.is_false(page.hasNext)
  end,
}

cases["conversations.each"] = {
  setup = function() return { a = inbound("+15551230021"), b = inbound("+15551230022") } end,
  run = function(c) return collect(c.conversations.each, ACC, { limit = 1 }) end,
  wire = function() return {
    { "GET", P .. "/conversations", query = { offset = { "0" }, limit = { "1" } } },
    { "GET", P .. "/conversations", query = { offset = { "1" }, limit = { "1" } } },
  } end,
  check = function(ctx, items) assert.same({ ctx.a.conversation.id, ctx.b.conversation.id }, ids(items)) end,
}

cases["conversations.get"] = {
  setup = function() return { message = inbound("+15551230023") } end,
  run = function(c, ctx) return c.conversations.get(ACC, ctx.message.conversation.id) end,
  wire = function(ctx) return { { "GET", P .. "/conversations/" .. ctx.message.conversation.id } } end,
  check = function(ctx, conversation)
    assert.equal(ctx.message.conversation.id, conversation.id)
    assert.equal(core.null, conversation.closed)
    assert.equal(ctx.message.id, conversation.lastMessage.id)
  end,
}

cases["conversations.close"] = {
  setup = function() return { message = inbound("+15551230024") } end,
  run = function(c, ctx) return c.conversations.close(ACC, ctx.message.conversation.id) end,
  wire = function(ctx) return { { "PUT", P .. "/conversations/" .. ctx.message.conversation.id .. "/close" } } end,
  check = function(_, conversation) assert.matches("^%d%d%d%d%-%d%d%-%d%dT", conversation.closed) end,
}

---------------------------------------------------------------- templates
local TEMPLATE = { name = "Welcome", type = "SMS", template = "Hi {{firstName}}" }
local function new_template(c, name)
  return assert(c.templates.create(ACC, { name = name or "Welcome", template = "Hi" }))
end

cases["templates.list"] = {
  setup = function(c) return { t = new_template(c, "Spring promo"), other = new_template(c, "Other") } end,
  run = function(c) return c.templates.list(ACC, { name = "spring" }) end,
  wire = function() return { { "GET", P .. "/templates", query = { name = { "spring" } } } } end,
  check = function(ctx, items, page)
    assert.same({ ctx.t.id }, ids(items))
    assert.equal(1, page.totalCount)
  end,
}

cases["templates.each"] = {
  setup = function(c) return { a = new_template(c, "A"), b = new_template(c, "B") } end,
  run = function(c) return collect(c.templates.each, ACC) end,
  wire = function() return { { "GET", P .. "/templates", query = { offset = { "0" }, limit = { "100" } } } } end,
  check = function(ctx, items) assert.same({ ctx.a.id, ctx.b.id }, ids(items)) end,
}

cases["templates.get"] = {
  setup = function(c) return { t = new_template(c) } end,
  run = function(c, ctx) return c.templates.get(ACC, ctx.t.id) end,
  wire = function(ctx) return { { "GET", P .. "/templates/" .. ctx.t.id } } end,
  check = function(ctx, t) assert.same(ctx.t, t) end,
}

cases["templates.create"] = {
  run = function(c) return c.templates.create(ACC, TEMPLATE) end,
  wire = function() return { { "POST", P .. "/templates", body = TEMPLATE } } end,
  check = function(_, t) -- the sandbox answers a list of one, as the docs show
    assert.is_string(t.id)
    assert.equal("Hi {{firstName}}", t.template)
  end,
}

cases["templates.update"] = {
  setup = function(c) return { t = new_template(c) } end,
  run = function(c, ctx) return c.templates.update(ACC, ctx.t.id, { name = "Renamed", template = "Yo" }) end,
  wire = function(ctx)
    return { { "PUT", P .. "/templates/" .. ctx.t.id, body = { name = "Renamed", template = "Yo" } } }
  end,
  check = function(ctx, t)
    assert.equal(ctx.t.id, t.id)
    assert.equal("Renamed", t.name)
  end,
}

cases["templates.delete"] = {
  setup = function(c) return { t = new_template(c) } end,
  run = function(c, ctx) return c.templates.delete(ACC, ctx.t.id) end,
  wire = function(ctx) return { { "DELETE", P .. "/templates/" .. ctx.t.id } } end,
  check = function(_, ok) assert.is_true(ok) end,
}

---------------------------------------------------------------- campaigns
local CAMPAIGN = { name = "Spring", trigger = { code = "M" }, template = "Sale today",
                   filters = { tags = { { tag = "vip" } } } }
local function new_campaign(c, name)
  return assert(c.campaigns.create(ACC, { name = name or "Spring", trigger = { code = "M" }, template = "Hi" }))
end

cases["campaigns.list"] = {
  setup = function(c) return { a = new_campaign(c, "Spring sale"), b = new_campaign(c, "Autumn") } end,
  run = function(c) return c.campaigns.list(ACC, { name = "SPRING", limit = 10 }) end,
  wire = function() return { { "GET", P .. "/campaigns", query = { name = { "SPRING" }, limit = { "10" } } } } end,
  check = function(ctx, items) assert.same({ ctx.a.id }, ids(items)) end,
}

cases["campaigns.each"] = {
  setup = function(c) return { a = new_campaign(c, "A"), b = new_campaign(c, "B") } end,
  run = function(c) return collect(c.campaigns.each, ACC, { name = "" }) end,
  wire = function() return { { "GET", P .. "/campaigns",
    query = { name = { "" }, offset = { "0" }, limit = { "100" } } } } end,
  check = function(ctx, items) assert.same({ ctx.a.id, ctx.b.id }, ids(items)) end,
}

cases["campaigns.get"] = {
  setup = function(c) return { campaign = new_campaign(c) } end,
  run = function(c, ctx) return c.campaigns.get(ACC, ctx.campaign.id) end,
  wire = function(ctx) return { { "GET", P .. "/campaigns/" .. ctx.campaign.id } } end,
  check = function(ctx, campaign) assert.same(ctx.campaign, campaign) end,
}

cases["campaigns.create"] = {
  run = function(c) return c.campaigns.create(ACC, CAMPAIGN) end,
  wire = function() return { { "POST", P .. "/campaigns", body = CAMPAIGN } } end,
  check = function(_, campaign)
    assert.is_string(campaign.id)
    assert.same({ code = "M", name = "Manual" }, campaign.trigger)
    assert.equal("vip", campaign.filters.tags[1].tag)
  end,
}

cases["campaigns.update"] = {
  setup = function(c) return { campaign = new_campaign(c) } end,
  run = function(c, ctx) return c.campaigns.update(ACC, ctx.campaign.id, CAMPAIGN) end,
  wire = function(ctx) return { { "PUT", P .. "/campaigns/" .. ctx.campaign.id, body = CAMPAIGN } } end,
  check = function(ctx, campaign)
    assert.equal(ctx.campaign.id, campaign.id)
    assert.equal("Sale today", campaign.template)
  end,
}

cases["campaigns.delete"] = {
  setup = function(c) return { campaign = new_campaign(c) } end,
  run = function(c, ctx) return c.campaigns.delete(ACC, ctx.campaign.id) end,
  wire = function(ctx) return { { "DELETE", P .. "/campaigns/" .. ctx.campaign.id } } end,
  check = function(_, ok) assert.is_true(ok) end,
}

local QUICK = { name = "Flash", groupId = "seed-group", listId = "seed-list", message = { message = "Flash sale!" } }
cases["campaigns.quick"] = {
  run = function(c) return c.campaigns.quick(ACC, QUICK) end,
  wire = function() return { { "POST", P .. "/quickcampaigns", body = QUICK } } end,
  check = function(_, result)
    assert.equal("Flash", result.campaign.name)
    assert.equal("Flash sale!", result.campaign.template)
    assert.equal("Queued", result.job.status)
  end,
}

---------------------------------------------------------------- webhooks
local HOOK_URL = "https://example.com/hooks/sakari?k=1"
local function new_hook(c, url)
  return assert(c.webhooks.subscribe(ACC, { url = url or HOOK_URL, eventTypes = { "message-received" } }))
end

cases["webhooks.list"] = {
  setup = function(c) return { hook = new_hook(c) } end,
  run = function(c) return c.webhooks.list(ACC, { limit = 50 }) end,
  wire = function() return { { "GET", P .. "/webhooks", query = { limit = { "50" } } } } end,
  check = function(ctx, items, page)
    assert.same({ ctx.hook }, items)
    assert.equal(1, page.totalCount)
  end,
}

cases["webhooks.each"] = {
  setup = function(c)
    return { a = new_hook(c, "https://a.example.com/"), b = new_hook(c, "https://b.example.com/") }
  end,
  run = function(c) return collect(c.webhooks.each, ACC) end,
  wire = function() return { { "GET", P .. "/webhooks", query = { offset = { "0" }, limit = { "100" } } } } end,
  check = function(ctx, items) assert.same({ ctx.a.id, ctx.b.id }, ids(items)) end,
}

cases["webhooks.subscribe"] = {
  run = function(c)
    return c.webhooks.subscribe(ACC, { url = HOOK_URL, eventTypes = { "message-received", "message-status" } })
  end,
  wire = function() return { { "POST", P .. "/webhooks",
    body = { url = HOOK_URL, eventTypes = { "message-received", "message-status" } } } } end,
  check = function(_, hook)
    assert.equal(HOOK_URL, hook.destination)
    assert.same({ "message-received", "message-status" }, hook.eventTypes)
  end,
}

cases["webhooks.unsubscribe"] = {
  setup = function(c) return { hook = new_hook(c) } end,
  run = function(c) return c.webhooks.unsubscribe(ACC, HOOK_URL) end,
  -- the whole URL is one path segment
  wire = function() return { { "DELETE", P .. "/webhooks/https%3A%2F%2Fexample.com%2Fhooks%2Fsakari%3Fk%3D1" } } end,
  check = function(_, ok) assert.is_true(ok) end,
}

local EVENT = '{"accountId":"acc","eventType":"message-received","payload":{"message":"hi","extra":1}}'
cases["webhooks.parse"] = {
  run = function(c) return c.webhooks.parse(EVENT) end,
  wire = function() return {} end,
  check = function(_, event)
    assert.equal("message-received", event.type)
    assert.equal("acc", event.accountId)
    assert.same({ message = "hi", extra = 1 }, event.data)
  end,
}

cases["webhooks.sign"] = {
  run = function(c) return c.webhooks.sign("https://example.com/hook", { b = "2", a = "1" }, "secret") end,
  wire = function() return {} end,
  -- base64(HMAC-SHA1("secret", "https://example.com/hook?a=1&b=2")), computed with Python's hmac
  check = function(_, signature) assert.equal("4cmG7JflFjFB59Vx74CCeoEhs0E=", signature) end,
}

cases["webhooks.verify"] = {
  run = function(c)
    return c.webhooks.verify("https://example.com/hook", { a = "1", b = "2" }, "4cmG7JflFjFB59Vx74CCeoEhs0E=", "secret")
  end,
  wire = function() return {} end,
  check = function(_, ok) assert.is_true(ok) end,
}

---------------------------------------------------------------- accounts
cases["accounts.list"] = {
  run = function(c) return c.accounts.list({ limit = 10 }) end,
  wire = function() return { { "GET", "/v1/accounts", query = { limit = { "10" } } } } end,
  check = function(_, items, page)
    assert.equal(ACC, items[1].id)
    assert.equal(#items, page.totalCount)
  end,
}

cases["accounts.each"] = {
  run = function(c) return collect(c.accounts.each) end,
  wire = function() return { { "GET", "/v1/accounts", query = { offset = { "0" }, limit = { "100" } } } } end,
  check = function(_, items) assert.equal(ACC, items[1].id) end,
}

cases["accounts.get"] = {
  run = function(c) return c.accounts.get(ACC) end,
  wire = function() return { { "GET", P } } end,
  check = function(_, account)
    assert.equal(ACC, account.id)
    assert.equal("Growth", account.plan.name)
    assert.equal(sandbox.CLIENT_ID, account.apiCredentials.id)
  end,
}

cases["accounts.balance"] = {
  run = function(c) return c.accounts.balance(ACC) end,
  wire = function() return { { "GET", P .. "/balance" } } end,
  check = function(_, balance)
    assert.equal(100, balance.balance)
    assert.equal(0.01, balance.segmentPrice)
  end,
}

cases["accounts.attributes"] = {
  run = function(c) return c.accounts.attributes(ACC, { limit = 2 }) end,
  wire = function() return { { "GET", P .. "/attributes", query = { limit = { "2" } } } } end,
  check = function(_, items, page)
    assert.same({ "seed-attr-city", "seed-attr-jobtitle" }, ids(items))
    assert.is_true(page.hasNext)
  end,
}

cases["accounts.each_attribute"] = {
  run = function(c) return collect(c.accounts.each_attribute, ACC, { limit = 2 }) end,
  wire = function() return {
    { "GET", P .. "/attributes", query = { offset = { "0" }, limit = { "2" } } },
    { "GET", P .. "/attributes", query = { offset = { "2" }, limit = { "2" } } },
  } end,
  check = function(_, items) assert.same({ "seed-attr-city", "seed-attr-jobtitle", "seed-attr-value" }, ids(items)) end,
}

cases["accounts.create_attribute"] = {
  run = function(c) return c.accounts.create_attribute(ACC, "contacts", { name = "plan", label = "Plan" }) end,
  wire = function() return { { "POST", P .. "/attributes/contacts", body = { name = "plan", label = "Plan" } } } end,
  check = function(_, attribute)
    assert.is_string(attribute.id)
    assert.equal("contacts", attribute.type)
    assert.equal("text", attribute.dataType)
  end,
}

cases["accounts.update_attribute"] = {
  run = function(c) return c.accounts.update_attribute(ACC, "contacts", "seed-attr-city", { name = "town" }) end,
  wire = function() return { { "PUT", P .. "/attributes/contacts/seed-attr-city", body = { name = "town" } } } end,
  check = function(_, attribute)
    assert.equal("seed-attr-city", attribute.id)
    assert.equal("town", attribute.name)
  end,
}

---------------------------------------------------------------- links
cases["links.list"] = {
  run = function(c) return c.links.list(ACC, { q = "spring" }) end,
  wire = function() return { { "GET", P .. "/links", query = { q = { "spring" } } } } end,
  check = function(_, items, page)
    assert.same({ "seed-link" }, ids(items))
    assert.equal(120, items[1].stats.totalClicks)
    assert.equal(1, page.totalCount)
  end,
}

cases["links.each"] = {
  run = function(c) return collect(c.links.each, ACC, { limit = 1 }) end,
  wire = function() return {
    { "GET", P .. "/links", query = { offset = { "0" }, limit = { "1" } } },
    { "GET", P .. "/links", query = { offset = { "1" }, limit = { "1" } } },
  } end,
  check = function(_, items) assert.same({ "seed-link", "docs-link" }, ids(items)) end,
}

cases["links.get"] = {
  run = function(c) return c.links.get(ACC, "seed-link") end,
  wire = function() return { { "GET", P .. "/links/seed-link" } } end,
  check = function(_, link) assert.equal("https://sak.ri/sPr1ng", link.shortenedUrl) end,
}

cases["links.sources"] = {
  run = function(c) return c.links.sources(ACC, "seed-link", { sources = "campaign" }) end,
  wire = function() return { { "GET", P .. "/links/seed-link/sources", query = { sources = { "campaign" } } } } end,
  check = function(_, sources)
    assert.same({ "campaign" }, ids(sources))
    assert.equal(100, sources[1].stats.totalClicks)
  end,
}

---------------------------------------------------------------- drip campaigns
cases["drip_campaigns.list"] = {
  run = function(c) return c.drip_campaigns.list(ACC, { limit = 1 }) end,
  wire = function() return { { "GET", P .. "/dripcampaigns", query = { limit = { "1" } } } } end,
  check = function(_, items, page)
    assert.same({ "seed-drip" }, ids(items))
    assert.equal("Main line", items[1].group.name) -- the group embedded whole
    assert.is_true(page.hasNext)
  end,
}

cases["drip_campaigns.each"] = {
  run = function(c) return collect(c.drip_campaigns.each, ACC) end,
  wire = function() return { { "GET", P .. "/dripcampaigns", query = { offset = { "0" }, limit = { "100" } } } } end,
  check = function(_, items) assert.same({ "seed-drip", "renewal-drip" }, ids(items)) end,
}

cases["drip_campaigns.get"] = {
  run = function(c) return c.drip_campaigns.get(ACC, "seed-drip") end,
  wire = function() return { { "GET", P .. "/dripcampaigns/seed-drip" } } end,
  check = function(_, drip)
    assert.equal("Welcome series", drip.name)
    assert.equal("seed-list", drip.list.id)
  end,
}

local DRIP = { name = "Welcome v2", list = { id = "customers-list" }, group = { id = "support-group" } }
cases["drip_campaigns.update"] = {
  run = function(c) return c.drip_campaigns.update(ACC, "seed-drip", DRIP) end,
  wire = function() return { { "PUT", P .. "/dripcampaigns/seed-drip", body = DRIP } } end,
  check = function(_, drip)
    assert.equal("Welcome v2", drip.name)
    assert.equal("Support", drip.group.name)
  end,
}

cases["drip_campaigns.executions"] = {
  run = function(c) return c.drip_campaigns.executions(ACC, "seed-drip", { limit = 1 }) end,
  wire = function() return { { "GET", P .. "/dripcampaigns/seed-drip/executions", query = { limit = { "1" } } } } end,
  check = function(_, items, page)
    assert.same({ "seed-execution-1" }, ids(items))
    assert.equal(SEED, items[1].contact.id)
    assert.is_true(page.hasNext)
  end,
}

---------------------------------------------------------------- lead forms
cases["lead_forms.list"] = {
  run = function(c) return c.lead_forms.list(ACC, { orderBy = "-impressions", limit = 5 }) end,
  wire = function() return { { "GET", P .. "/forms", query = { orderBy = { "-impressions" }, limit = { "5" } } } } end,
  check = function(_, items) assert.same({ "seed-form", "draft-form" }, ids(items)) end,
}

cases["lead_forms.each"] = {
  run = function(c) return collect(c.lead_forms.each, ACC, { q = "contest" }) end,
  wire = function() return { { "GET", P .. "/forms",
    query = { q = { "contest" }, offset = { "0" }, limit = { "100" } } } } end,
  check = function(_, items) assert.same({ "draft-form" }, ids(items)) end,
}

cases["lead_forms.create"] = {
  run = function(c) return c.lead_forms.create(ACC, { name = "Coupon" }, { template = "coupon-form-template" }) end,
  wire = function() return { { "POST", P .. "/forms", query = { template = { "coupon-form-template" } },
    body = { name = "Coupon" } } } end,
  check = function(_, form)
    assert.is_string(form.id)
    assert.equal("Coupon", form.name)
    assert.equal(core.null, form.active)
  end,
}

cases["lead_forms.templates"] = {
  run = function(c) return c.lead_forms.templates(ACC, { q = "coupon" }) end,
  wire = function() return { { "GET", P .. "/forms/templates", query = { q = { "coupon" } } } } end,
  check = function(_, items) assert.same({ "coupon-form-template" }, ids(items)) end,
}

cases["lead_forms.get"] = {
  run = function(c) return c.lead_forms.get(ACC, "seed-form") end,
  wire = function() return { { "GET", P .. "/forms/seed-form" } } end,
  check = function(_, form) assert.equal(25, form.conversions) end,
}

cases["lead_forms.update"] = {
  run = function(c) return c.lead_forms.update(ACC, "seed-form", { name = "Renamed" }) end,
  wire = function() return { { "PUT", P .. "/forms/seed-form", body = { name = "Renamed" } } } end,
  check = function(_, form)
    assert.equal("Renamed", form.name)
    assert.equal(200, form.impressions)
  end,
}

cases["lead_forms.delete"] = {
  run = function(c) return c.lead_forms.delete(ACC, "draft-form") end,
  wire = function() return { { "DELETE", P .. "/forms/draft-form" } } end,
  check = function(_, ok) assert.is_true(ok) end,
}

cases["lead_forms.activate"] = {
  run = function(c) return c.lead_forms.activate(ACC, "draft-form") end,
  wire = function() return { { "PUT", P .. "/forms/draft-form/activate" } } end,
  check = function(_, form) assert.is_string(form.active) end,
}

cases["lead_forms.deactivate"] = {
  run = function(c) return c.lead_forms.deactivate(ACC, "seed-form") end,
  wire = function() return { { "PUT", P .. "/forms/seed-form/deactivate" } } end,
  check = function(_, form) assert.equal(core.null, form.active) end,
}

cases["lead_forms.analytics"] = {
  run = function(c)
    return c.lead_forms.analytics(ACC, "seed-form", { start = "2023-11-01", ["end"] = "2023-11-03" })
  end,
  wire = function() return { { "GET", P .. "/forms/seed-form/analytics",
    query = { start = { "2023-11-01" }, ["end"] = { "2023-11-03" } } } } end,
  check = function(_, analytics)
    assert.equal(3, #analytics.data)
    assert.equal("2023-11-01", analytics.data[1].date)
  end,
}

cases["lead_forms.conversions"] = {
  run = function(c)
    return c.lead_forms.conversions(ACC, "seed-form", { start = "2023-11-07", ["end"] = "2023-11-07" })
  end,
  wire = function() return { { "GET", P .. "/forms/seed-form/conversions",
    query = { start = { "2023-11-07" }, ["end"] = { "2023-11-07" } } } } end,
  check = function(_, items, page)
    assert.equal("seed-conversion-1", items[1].id)
    assert.equal(#items, page.totalCount)
  end,
}

---------------------------------------------------------------- phone numbers, reports, calls, autoresponders, tools
cases["phone_numbers.available"] = {
  run = function(c) return c.phone_numbers.available(ACC, { country = "US", areaCode = "617", features = "mms" }) end,
  wire = function() return { { "GET", P .. "/availablephonenumbers",
    query = { country = { "US" }, areaCode = { "617" }, features = { "mms" } } } } end,
  check = function(_, numbers, page)
    assert.equal(1, #numbers)
    assert.equal("+16175550111", numbers[1].number)
    assert.equal(1, page.totalCount)
  end,
}

cases["reports.messages"] = {
  setup = function() return { message = inbound("+15551230030", "report me") } end,
  run = function(c) return c.reports.messages(ACC, { start = TODAY, ["end"] = TODAY }) end,
  wire = function()
    return { { "GET", P .. "/reports/messages", query = { start = { TODAY }, ["end"] = { TODAY } } } }
  end,
  check = function(ctx, records, header, text)
    assert.same({ "id", "created", "direction", "status", "from", "to", "segments", "price" }, header)
    assert.equal(1, #records)
    assert.equal(ctx.message.id, records[1].id)
    assert.equal("inbound", records[1].direction)
    assert.equal("+15551230030", records[1].from)
    assert.matches("^id,created,", text)
  end,
}

cases["calls.list"] = {
  run = function(c) return c.calls.list(ACC, { direction = "inbound", contactId = SEED }) end,
  wire = function()
    return { { "GET", P .. "/calls", query = { direction = { "inbound" }, contactId = { SEED } } } }
  end,
  check = function(_, items)
    assert.equal("seed-call-1", items[1].id)
    for _, call in ipairs(items) do assert.equal("inbound", call.direction) end
  end,
}

cases["calls.each"] = {
  run = function(c) return collect(c.calls.each, ACC, { limit = 2 }) end,
  wire = function() return {
    { "GET", P .. "/calls", query = { offset = { "0" }, limit = { "2" } } },
    { "GET", P .. "/calls", query = { offset = { "2" }, limit = { "2" } } },
  } end,
  check = function(_, items) assert.same({ "seed-call-1", "seed-call-2", "seed-call-3" }, ids(items)) end,
}

cases["calls.get"] = {
  run = function(c) return c.calls.get(ACC, "seed-call-1") end,
  wire = function() return { { "GET", P .. "/calls/seed-call-1" } } end,
  check = function(_, call) assert.equal(95, call.duration) end,
}

cases["autoresponders.list"] = {
  run = function(c) return c.autoresponders.list(ACC) end,
  wire = function() return { { "GET", P .. "/autoresponders" } } end,
  check = function(_, items) assert.same({ "seed-autoresponder", "help-autoresponder" }, ids(items)) end,
}

cases["autoresponders.each"] = {
  run = function(c) return collect(c.autoresponders.each, ACC, { offset = 1 }) end,
  wire = function() return { { "GET", P .. "/autoresponders", query = { offset = { "1" }, limit = { "100" } } } } end,
  check = function(_, items) assert.same({ "help-autoresponder" }, ids(items)) end,
}

local BYTES = "\0\1GIF89a\255\254 bytes"
cases["tools.share_file"] = {
  run = function(c) return c.tools.share_file(BYTES) end,
  wire = function() return { { "POST", "/v1/tools/sharefile", content_type = "application/octet-stream" } } end,
  check = function(_, shared)
    assert.matches("^%d%d%d%d%-", shared.expires)
    local bytes, content_type = sandbox.file(shared.link)
    assert.equal(BYTES, bytes)
    assert.equal("application/octet-stream", content_type)
  end,
}

----------------------------------------------------------------

local function pack(...) return { n = select("#", ...), ... } end

local function check_wire(expected, log)
  local lines = {}
  for i, r in ipairs(log) do lines[i] = r.method .. " " .. r.path end
  assert.equal(#expected, #log, "requests sent: " .. table.concat(lines, ", "))
  for i, e in ipairs(expected) do
    local r = log[i]
    assert.equal(e[1], r.method)
    assert.equal(e[2], sandbox.path(r))
    assert.same(e.query or {}, r.query)
    local content_type = r.headers["content-type"]
    if e.raw then
      assert.equal(e.raw, r.body)
    elseif e.body then
      assert.same(e.body, sandbox.json(r))
    elseif e.body_has then
      e.body_has(sandbox.json(r))
    elseif not e.content_type then
      assert.equal("", r.body)
      assert.is_nil(content_type)
    end
    if e.content_type then
      assert.equal(e.content_type, content_type)
    elseif e.body or e.body_has then
      assert.equal("application/json", content_type)
    end
  end
end

describe("every endpoint function", function()
  local client = sandbox.each_client()

  local names = {}
  for name in pairs(cases) do names[#names + 1] = name end
  table.sort(names)

  for _, name in ipairs(names) do
    local case = cases[name]
    it(name .. " sends its request and decodes the answer", function()
      local ctx = case.setup and case.setup(client) or {}
      sandbox.clear_requests()
      local results = pack(case.run(client, ctx))
      assert.is_not_nil(results[1], tostring(results[2]))
      check_wire(case.wire(ctx), sandbox.requests())
      case.check(ctx, (table.unpack or unpack)(results, 1, 3))
    end)
  end

  it("has a case for every row of the endpoint table", function()
    local missing = {}
    for namespace, rows in pairs(resources.endpoints) do
      for name in pairs(rows) do
        if not cases[namespace .. "." .. name] then missing[#missing + 1] = namespace .. "." .. name end
      end
    end
    table.sort(missing)
    assert.same({}, missing)
  end)

  -- a misspelt key (`shema`, `retyr`) would otherwise be ignored without a word
  it("has only the row keys resources.lua's opening comment lists", function()
    local known, unknown = { true, true }, {}
    for line in io.lines("lua/sakari/resources.lua") do
      if not line:find("^%-%-") then break end
      local key = line:match("^%-%-%s+([%a_]+)%s+= ")
      if key then known[key] = true end
    end
    assert.truthy(known.schema and known.experimental and known.fn)
    for namespace, rows in pairs(resources.endpoints) do
      for name, row in pairs(rows) do
        for key in pairs(row) do
          if not known[key] then unknown[#unknown + 1] = namespace .. "." .. name .. ": " .. tostring(key) end
        end
      end
    end
    table.sort(unknown)
    assert.same({}, unknown)
  end)
end)

describe("an unknown id", function()
  local client = sandbox.each_client()

  -- function, arguments after the account, the code the sandbox answers
  local unknown = {
    { "messages.get", { "nope" }, "MSG-002" },
    { "conversations.get", { "nope" }, "CONV-001" },
    { "conversations.close", { "nope" }, "CONV-001" },
    { "templates.get", { "nope" }, "TMPL-002" },
    { "templates.update", { "nope", { name = "n", template = "t" } }, "TMPL-002" },
    { "campaigns.delete", { "nope" }, "CAMP-002" },
    { "links.sources", { "nope" }, "LINK-002" },
    { "drip_campaigns.executions", { "nope" }, "DRIP-002" },
    { "lead_forms.activate", { "nope" }, "FORM-002" },
    { "calls.get", { "nope" }, "CALL-002" },
    { "accounts.update_attribute", { "contacts", "nope", { name = "n" } }, "ATTR-002" },
    { "webhooks.unsubscribe", { "https://example.com/none" }, "WHK-002" },
  }
  for _, case in ipairs(unknown) do
    local namespace, name = case[1]:match("^(.-)%.(.*)$")
    it(case[1] .. " returns nil and the 404", function()
      local result, err = client[namespace][name](ACC, (table.unpack or unpack)(case[2]))
      assert.is_nil(result)
      assert.equal(404, err.status)
      assert.equal(case[3], err.code)
      assert.equal(sandbox.requests()[1].path, err.path)
    end)
  end

  it("of the account is ACCT-008 for every account-scoped call", function()
    local _, err = client.links.list("no-such-account")
    assert.equal(404, err.status)
    assert.equal("ACCT-008", err.code)
  end)
end)
