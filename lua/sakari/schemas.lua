-- The request bodies of the API, and the objects its calls answer with, as one
-- table. Facts from the Sakari API reference (its section numbers in the
-- comments; [S] = OpenAPI spec 1.0.1, [D] = the current docs, [MC] = a
-- third-party index, less sure). A body row of resources.lua names its request
-- schema (`schema = "ContactRequest"`); `check` walks a body against it before
-- anything is sent; types/sakari.lua (editor types) is generated from it.
--
-- What `check` enforces (the `strict` setting, per client and per call, set to
-- false skips it: the body is sent as given, for callers who know better):
--   * names: a key no schema documents raises `fields.firstname: unknown field;
--     did you mean firstName?`. A free-form map (`attributes`) takes any key.
--   * shapes: an object or an array where the docs say so (a walk needs them).
--   * scalar types only where the docs are sure ([S]/[D] with a type); a `loose`
--     field has a type for editors and is not checked. JSON null (sakari.null)
--     is accepted anywhere: it is how a field is cleared, and the server decides.
--   * nothing else: required fields, enums and value ranges stay the server's
--     business (plus checks.lua for calls where a mistake costs money).
-- Read-only fields (`id`, `valid`, `created`, `mobile.lineType`, ...) are known
-- names, so a table read with `get` goes back to `update` as it is: SENT, not
-- dropped (the body is encoded untouched, no copy per call; the server ignores
-- read-only and unknown properties, §1 "Open schema", §5.2), contents unchecked.
--
-- A field is written as
--   "string" | "number" | "boolean" | "date-time"   a checked scalar (date-time is
--                                                     an ISO-8601 string)
--   "any"                                             anything
--   loose "string"                                    typed for editors, unchecked
--   object { name = field, ... }   array(field)   map(field)
--   ro(field)                                         read-only (see above)
--   "Name"                                            another entry of this table
-- and may carry a doc line: doc(field, "text") (editors show it on hover).
local null = require("sakari.core").null
local util = require "sakari.util"

local M = {}

-- the Lua type each scalar kind has, which a checked scalar must have; any: not checked
M.SCALARS = {
  string = "string", number = "number", boolean = "boolean", ["date-time"] = "string", any = false,
}

-- Every field becomes a node { kind, expect, read_only, doc, fields | item | value }
-- as it is written: `expect` is the Lua type of a checked scalar, false when the
-- value is not checked, nil when it is walked (a table, or a name: resolved when
-- walked, so entries may name each other in any order).
local function node_of(field)
  if type(field) == "string" then return { kind = field, expect = M.SCALARS[field] } end
  return field
end
local function object(fields)
  for name, field in pairs(fields) do fields[name] = node_of(field) end
  return { kind = "object", fields = fields }
end
local function array(item) return { kind = "array", item = node_of(item) } end
local function map(value) return { kind = "map", value = node_of(value) } end
local function loose(kind) return { kind = kind, expect = false } end
local function ro(field)
  field = node_of(field)
  field.read_only = true
  return field
end
local function doc(field, text)
  field = node_of(field)
  field.doc = text
  return field
end

-- The schemas, by name: the request bodies end in "Request"; the others are the
-- objects those and the answers are made of.
local S = {}
M.schemas = S

-- §5.1: `created` / `updated` on every stored object
S.Actor = object {
  id = "string", name = "string", firstName = "string", lastName = "string", email = "string",
  source = "string", subSource = "string",
}
S.Updated = object { at = "date-time", by = "Actor" }

-- §3.1: the per-item error embedded in data objects
S.ItemError = object { code = "string", description = "string" }

S.Media = object { url = "string", type = "string", name = "string", filename = "string" }

-- §5.3 comparators: =, !=, <, <=, >, >=
S.AttributeFilter = object { attribute = "string", comparator = "string", value = array("any") }

-- §5.3, as embedded in a contact (and named by a drip campaign, §4.2 #34)
S.List = object {
  id = "string", name = "string", keyword = "string", optInConfirmation = "string",
  optIn = "date-time", optOut = "date-time",
  source = object { id = "string", integration = "string", lastSynced = "date-time" },
  doubleOptIn = object { enabled = "boolean", prompt = "string" },
  filter = object {
    q = "string", attributes = array("AttributeFilter"), list = "string",
    valid = "boolean", invalid = "boolean", blocked = "boolean", unblocked = "boolean", optIn = "boolean",
  },
}

-- §5.1 (current docs), §5.2 for what is writable; tags from spec 1.0.1 [S].
-- Integration ids are numbers [D], loose: a 19-digit id may not be a Lua number.
local INTEGRATION = object { id = loose "number" }
S.Contact = object {
  id = ro(doc("string", "server-assigned; in messages.send it names an existing contact")),
  email = "string", firstName = "string", lastName = "string",
  mobile = object {
    number = doc("string", "E.164, e.g. +1234567890"),
    country = doc("string", "ISO 3166 alpha-2, e.g. US"),
    verified = ro "date-time", valid = ro "boolean", lineType = ro "string",
  },
  lists = array("List"),
  attributes = doc(map("any"), "custom attribute values keyed by attribute name"),
  optIn = doc("date-time", "when the contact opted in"),
  blocked = doc("date-time", "when the contact was blocked / opted out"),
  activecampaign = INTEGRATION, pipedrive = INTEGRATION,
  -- webhook payloads show a `vid` too (§8.2)
  hubspot = object { id = loose "number", vid = ro "any" },
  tags = array(object { tag = "string", visible = "boolean" }),
  valid = ro "boolean", error = ro "ItemError", created = ro "Updated", updated = ro "Updated",
}

-- §6.2
S.SendMessagesRequest = object {
  contacts = doc(array("ContactRequest"), "recipients: each an id or a mobile {number, country}"),
  conversations = doc(array("string"), "ids of existing conversations to reply into"),
  template = doc("string", "the message text; {{firstName}} style placeholders"),
  type = doc("string", "SMS or MMS"),
  media = array("Media"),
  filters = object { tags = array("string"), attributes = array("AttributeFilter") },
  phoneNumberFilter = object { group = object { id = "string" } },
  conversationStrategy = loose "string",
}

-- §7.3; the request is the object without its read-only fields (§4.1 #14)
S.Template = object {
  id = ro "string", name = "string", type = doc("string", "SMS or Web"), template = "string",
  media = array("Media"), created = ro "Updated", updated = ro "Updated",
}

-- §7.4 and §4.1 #19 (filters.contacts from the create body)
S.Campaign = object {
  id = ro "string", name = "string", description = "string", template = "string", paused = "boolean",
  trigger = object { code = doc("string", "M manual, S scheduled, FU file upload, V2"), name = ro "string" },
  filters = object {
    list = "string", q = "string", contacts = array("any"), tags = array("any"),
    attributes = array("AttributeFilter"),
  },
  fieldMappings = array(object { attribute = "string", column = "string", mandatory = "boolean" }),
  media = array("Media"), nextExecution = ro "date-time", lastJob = ro "any",
  phoneNumberFilter = object { group = object { id = "string" } },
  schedule = object { frequency = "string", timezone = "string", cron = "string" },
  reporting = object { when = "string", delay = loose "number", unit = "string", destination = "string" },
  created = ro "Updated", updated = ro "Updated",
}

-- §4.2 #33 [MC]: name, groupId, listId and message required
S.QuickCampaignRequest = object {
  name = loose "string", groupId = loose "string", listId = loose "string", sendAt = loose "date-time",
  message = object { message = loose "string", media = array("Media") },
}

-- §4.1 #24 and §7.5; event types in §8.1
S.Webhook = object {
  id = ro "string", type = ro "string", destination = ro "string", url = doc("string", "the callback URL"),
  eventTypes = doc(array("string"), "e.g. message-received, message-status, contact-updated (§8.1)"),
}

-- §4.2 #41-45 [MC]: the body is {name}
S.LeadForm = object {
  id = ro "string", name = loose "string", active = ro "date-time", impressions = ro "number",
  conversions = ro "number", created = ro "Updated", updated = ro "Updated",
}

-- §4.2 #30-32: the body is unverified (presumably {name, label, dataType})
S.Attribute = object {
  id = ro "string", name = loose "string", label = loose "string",
  type = ro "string", dataType = loose "string", created = ro "Updated", updated = ro "Updated",
}

-- §7.6
S.Group = object {
  id = "string", name = ro "string", phoneNumbers = ro "any", notifications = ro "any", tags = ro "any",
  users = ro "any", senders = ro "any", officeHours = ro "any", isDefault = ro "boolean",
  useSharedPool = ro "boolean",
}

-- §4.2 #34/#36 (docs mirror): the body is the drip campaign; list and group
-- are given by reference
S.DripCampaign = object {
  id = ro "string", name = loose "string", description = loose "string",
  list = loose "List", group = loose "Group", created = ro "Updated", updated = ro "Updated",
  trigger = object {
    type = loose "string", message = loose "string", groups = array(loose "Group"),
    delay = object { days = loose "number", hours = loose "number", minutes = loose "number" },
  },
}

-- These bodies are the object itself: its read-only fields are known names (see above).
for _, name in ipairs { "Contact", "Template", "Campaign", "Webhook", "LeadForm", "Attribute", "DripCampaign" } do
  S[name .. "Request"] = name
end

-- Answers only (for editors): §6.1, §7.2, §7.1, §4.2.
S.Message = object {
  id = "string", status = "string", type = "string", message = "string", template = "string",
  outgoing = "boolean", phoneNumber = "string", price = "number", segments = "number", read = "boolean",
  media = array("Media"), sendAt = "date-time", contact = "Contact", conversation = "Conversation",
  error = "ItemError", created = "Updated", updated = "Updated",
}
S.SendResult = object {
  messages = array("Message"), jobId = "string", requested = "number", valid = "number",
  invalid = array("Contact"),
}
S.Conversation = object {
  id = "string", contact = "Contact", closed = doc("any", "date-time, or a boolean in older answers"),
  lastMessage = "Message", unread = array("string"), type = "string",
}
S.Account = object {
  id = "string", name = "string", balance = "number", plan = "any", defaults = "any", options = "any",
  info = "any", apiCredentials = doc("any", "a secret: never log it"),
}
S.Balance = object { balance = "number", country = "string", segments = "number", segmentPrice = "number" }
S.Link = object {
  id = "string", name = "string", keyId = "string", domain = object { id = "string", name = "string" },
  destinationUrl = "string", shortenedUrl = "string", contactTracking = "boolean", sourceTracking = "boolean",
  stats = object { totalClicks = "number", uniqueClicks = "number", ctr = "number" },
  created = "Updated", updated = "Updated",
}
S.QuickCampaignResult = object { campaign = "Campaign", job = "any" }
S.ContactUpload = object {
  contacts = array("Contact"), errors = array("any"), inserted = "number", submitted = "number",
  success = "number", updated = "number",
}
S.SharedFile = object { link = "string", expires = "date-time" }
S.Pagination = object { offset = "number", limit = "number", totalCount = "number", hasNext = "boolean" }

-- What each call answers with (its item, or the item of each page), by
-- "namespace" or "namespace.function"; calls not named answer plain tables.
M.answers = {
  conversations = "Conversation", templates = "Template", webhooks = "Webhook", links = "Link",
  drip_campaigns = "DripCampaign", ["tools.share_file"] = "SharedFile",
  contacts = "Contact", ["contacts.import"] = "ContactUpload",
  messages = "Message", ["messages.send"] = "SendResult",
  campaigns = "Campaign", ["campaigns.quick"] = "QuickCampaignResult",
  lead_forms = "LeadForm", accounts = "Account", ["accounts.balance"] = "Balance",
  ["accounts.attributes"] = "Attribute", ["accounts.each_attribute"] = "Attribute",
  ["accounts.create_attribute"] = "Attribute", ["accounts.update_attribute"] = "Attribute",
}

-- The node of a schema, by name (an alias names another entry); M.node gives
-- it to the types generator.
local resolved = {} -- name -> node: a check runs on every body, so aliases are followed once
local function schema_node(name)
  if resolved[name] then return resolved[name] end
  local entry = S[name]
  while type(entry) == "string" do entry = S[entry] end
  if not entry then error("schemas: no schema " .. tostring(name), 2) end
  resolved[name] = entry
  return entry
end
M.node = schema_node

local function unknown(key, node)
  local closest = util.closest(key, node.fields)
  if closest then return ("unknown field; did you mean %s?"):format(closest) end
  return "unknown field (documented: " .. util.listed(node.fields) .. ")"
end

-- nil when `value` fits `node` (a table's node, or a name); else the relative
-- path (".name" or "[1]" per step, "" for the value itself), the complaint, and
-- whether it is an unknown name. An unknown name anywhere wins over a wrong type
-- met earlier: it is the likelier root cause (and the row's own check speaks
-- before the schema's types). The entries of a table are an object's fields by
-- name, or each an array's or a map's `item`; scalars are checked inline (no
-- call per value): the walk runs on every body.
local function walk(node, value)
  if value == null then return nil end
  local kind = node.kind
  if kind ~= "object" and kind ~= "array" and kind ~= "map" then return walk(schema_node(kind), value) end
  if type(value) ~= "table" then
    return "", ("expected %s (a table), got %s"):format(kind == "array" and "an array" or "an object",
      type(value)), false
  end
  if kind == "array" then
    for key in pairs(value) do
      if type(key) ~= "number" then
        return "", ("expected an array, got a table with the named key '%s'"):format(tostring(key)), false
      end
    end
  end
  local fields, item = node.fields, node.item or node.value
  if item and item.expect == false then return nil end
  local bad, why
  for key, entry in pairs(value) do
    local field = item or fields[key]
    if field == nil then
      if type(key) ~= "string" then
        return "", "expected an object with named keys, got "
          .. (value[1] ~= nil and "an array" or "a table with named keys"), false
      end
      return "." .. key, unknown(key, node), true
    elseif not field.read_only then
      local where, complaint, name
      local expect = field.expect
      if expect == nil then
        where, complaint, name = walk(field, entry)
      elseif expect and type(entry) ~= expect and entry ~= null then
        local expected = field.kind == "date-time" and "date-time string" or field.kind
        where, complaint = "", ("expected a %s, got %s"):format(expected, type(entry))
      end
      if where then
        local at = type(key) == "number" and ("[%d]"):format(key) or "." .. tostring(key)
        if name then return at .. where, complaint, true end
        if not bad then bad, why = at .. where, complaint end
      end
    end
  end
  return bad, why, false
end

-- Checks `body` against the schema `name`. `root` is the argument's name
-- ("fields"), put in front of the place named. Returns nil, or a detail such
-- as "fields.firstname: unknown field; did you mean firstName?" and true when
-- it is about an unknown name (false: a wrong type or shape).
function M.check(name, body, root)
  local where, complaint, unknown_name = walk(schema_node(name), body)
  if not where then return nil end
  where = (root or "") .. where
  if where == "" then return complaint, unknown_name end
  return where:gsub("^%.", "") .. ": " .. complaint, unknown_name
end

-- The read-only fields of an object schema as { name = true | {nested} } and
-- its array fields as { name = true } (patch.lua strips and re-marks them).
function M.read_only(name)
  local function collect(node)
    local found
    for field, f in pairs(node.fields) do
      local rule = f.read_only or (f.kind == "object" and collect(f)) or nil
      if rule then
        found = found or {}
        found[field] = rule
      end
    end
    return found
  end
  return collect(schema_node(name)) or {}
end

function M.arrays(name)
  local found = {}
  for field, f in pairs(schema_node(name).fields) do
    if f.kind == "array" then found[field] = true end
  end
  return found
end

return M
