-- Every function of the API as one row; endpoint.lua turns the rows into the
-- functions a user calls (`client.contacts.update(accountId, contactId, fields)`).
-- Adding an endpoint is adding a row; `pages` writes a list and its `each`,
-- `records` the six usual rows of a kind.
--
-- A row (spec/endpoints_spec.lua refuses a key this does not list):
--   { METHOD, "/path/{placeholder}/...",
--   body     = name of the body argument (a table sent as JSON), if the call sends one
--   upload   = "csv" | "file": the body argument is sent as CSV text / file bytes (upload.lua)
--   schema   = name of the body's schema in schemas.lua (every JSON body has one): an
--              undocumented key raises before anything is sent, unless strict = false
--   check    = the name of a function of checks.lua, function(body) -> nil | detail: a body that
--              cannot be right raises
--   query    = { documented query option names }   (checked by name; `query = {...}` passes others)
--   required = { option names that must be given }
--   enums    = { name = { documented values } }    (for options and placeholders)
--   answer   = how the answer {success, data, pagination} becomes the result:
--              "item" data (true when there is none) | "first" data[1] of a list, else data |
--              "page" data, pagination | "success" true | "report" CSV records, header, text
--   kind     = "call" (default) | "each" (lazy iterator over every page, pager.lua) |
--              "patch" (read, merge the changes, then send; patch.lua) | "local" (no request)
--   read     = a patch's row that reads the record first
--   fn       = a local row's function
--   accept   = the Accept header, for an answer that may be other than JSON
--   retry    = "never": the call must not be repeated once it may have reached the server
--              (it costs money and cannot be undone); the client sees it as request.retry
--   experimental = true: in no Sakari document, only in a third party's catalogue of the API }
-- Arguments, in order: one per placeholder (non-empty strings, each escaped into
-- one path segment), then the body when `body` is set, then an optional options table.
local webhooks = require "sakari.webhooks"

local M = {}

local ACCOUNT = "/v1/accounts/{accountId}"

-- the page options plus some filters
local function paged(...)
  return { "offset", "limit", ... }
end

local PAGE = paged()
local CONTACT_FILTERS = paged("firstName", "lastName", "mobile", "email", "tags")
local MERGE = { mergeStrategy = { "append", "core", "remove" } }
local MESSAGE_FILTERS = paged("contactId", "conversationId")
local NAME_FILTER = paged("name")
local FORM_FILTERS = paged("q", "orderBy")
local DATE_RANGE = { "start", "end" }
-- [G] names the filters of calls but not their wire names; these are the likely ones
local CALL_FILTERS = paged("contactId", "conversationId", "direction", "status", "from", "to")

-- `list` (one page) and `each` (every page) of the records at `path`, with
-- the same filters; `more`: the namespace's other rows.
local function pages(path, filters, more)
  local rows = {
    list = { "GET", path, answer = "page", query = filters },
    each = { "GET", path, kind = "each", query = filters },
  }
  for name, row in pairs(more or {}) do rows[name] = row end
  return rows
end

-- The six rows of a kind of record at `path` (list, each, get, create, update,
-- delete), `id` its placeholder, `schema` its body's; `more`: its other rows.
local function records(path, id, schema, filters, more)
  local one = path .. "/{" .. id .. "}"
  local rows = pages(path, filters, {
    get    = { "GET",    one },
    create = { "POST",   path, body = "fields", schema = schema, answer = "first" },
    update = { "PUT",    one, body = "fields", schema = schema },
    delete = { "DELETE", one, answer = "success" },
  })
  for name, row in pairs(more or {}) do rows[name] = row end
  return rows
end

local function experimental(rows)
  for _, row in pairs(rows) do row.experimental = true end
  return rows
end

M.endpoints = {
  contacts = records(ACCOUNT .. "/contacts", "contactId", "ContactRequest", CONTACT_FILTERS, {
    create = { "POST",   ACCOUNT .. "/contacts", body = "fields", schema = "ContactRequest", answer = "first",
               query = { "mergeStrategy" }, enums = MERGE },
    patch  = { "PUT",    ACCOUNT .. "/contacts/{contactId}", body = "changes", schema = "ContactRequest",
               kind = "patch", read = "get" },
    import = { "POST",   ACCOUNT .. "/contacts", body = "csv", upload = "csv",
               query = { "mergeStrategy" }, enums = MERGE },
  }),

  messages = pages(ACCOUNT .. "/messages", MESSAGE_FILTERS, {
    send = { "POST", ACCOUNT .. "/messages", body = "request", schema = "SendMessagesRequest",
             check = "send_request", retry = "never" },
    get  = { "GET",  ACCOUNT .. "/messages/{messageId}" },
  }),

  conversations = pages(ACCOUNT .. "/conversations", PAGE, {
    get   = { "GET", ACCOUNT .. "/conversations/{conversationId}" },
    close = { "PUT", ACCOUNT .. "/conversations/{conversationId}/close" },
  }),

  templates = records(ACCOUNT .. "/templates", "templateId", "TemplateRequest", NAME_FILTER),

  campaigns = records(ACCOUNT .. "/campaigns", "campaignId", "CampaignRequest", NAME_FILTER, {
    quick = { "POST", ACCOUNT .. "/quickcampaigns", body = "fields", schema = "QuickCampaignRequest",
              check = "quick_campaign", retry = "never" },
  }),

  webhooks = pages(ACCOUNT .. "/webhooks", PAGE, {
    subscribe   = { "POST",   ACCOUNT .. "/webhooks", body = "fields", schema = "WebhookRequest" },
    -- the callback URL itself names the subscription: one escaped path segment
    unsubscribe = { "DELETE", ACCOUNT .. "/webhooks/{url}", answer = "success" },
    parse       = { kind = "local", fn = webhooks.parse },
    sign        = { kind = "local", fn = webhooks.sign },
    verify      = { kind = "local", fn = webhooks.verify },
  }),

  accounts = pages("/v1/accounts", PAGE, {
    get              = { "GET",  ACCOUNT },
    balance          = { "GET",  ACCOUNT .. "/balance" },
    attributes       = { "GET",  ACCOUNT .. "/attributes", answer = "page", query = PAGE },
    each_attribute   = { "GET",  ACCOUNT .. "/attributes", kind = "each", query = PAGE },
    create_attribute = { "POST", ACCOUNT .. "/attributes/{attributeType}", body = "fields", schema = "AttributeRequest",
                         answer = "first",
                         enums = { attributeType = { "contacts", "deals", "tickets" } } },
    update_attribute = { "PUT",  ACCOUNT .. "/attributes/{attributeType}/{attributeId}", body = "fields",
                         schema = "AttributeRequest",
                         enums = { attributeType = { "contacts", "deals", "tickets" } } },
  }),

  links = pages(ACCOUNT .. "/links", paged("q"), {
    get     = { "GET", ACCOUNT .. "/links/{linkId}" },
    sources = { "GET", ACCOUNT .. "/links/{linkId}/sources", query = { "sources" } },
  }),

  drip_campaigns = pages(ACCOUNT .. "/dripcampaigns", PAGE, {
    get        = { "GET", ACCOUNT .. "/dripcampaigns/{dripCampaignId}" },
    update     = { "PUT", ACCOUNT .. "/dripcampaigns/{dripCampaignId}", body = "fields",
                   schema = "DripCampaignRequest" },
    executions = { "GET", ACCOUNT .. "/dripcampaigns/{dripCampaignId}/executions", answer = "page", query = PAGE },
  }),

  lead_forms = records(ACCOUNT .. "/forms", "formId", "LeadFormRequest", FORM_FILTERS, {
    create      = { "POST",   ACCOUNT .. "/forms", body = "fields", schema = "LeadFormRequest", answer = "first",
                    query = { "template" } },
    templates   = { "GET",    ACCOUNT .. "/forms/templates", answer = "page", query = FORM_FILTERS },
    activate    = { "PUT",    ACCOUNT .. "/forms/{formId}/activate" },
    deactivate  = { "PUT",    ACCOUNT .. "/forms/{formId}/deactivate" },
    analytics   = { "GET",    ACCOUNT .. "/forms/{formId}/analytics", query = DATE_RANGE },
    conversions = { "GET",    ACCOUNT .. "/forms/{formId}/conversions", answer = "page",
                    query = paged("start", "end") },
  }),

  phone_numbers = {
    available = { "GET", ACCOUNT .. "/availablephonenumbers", answer = "page",
                  query = paged("country", "type", "postalCode", "features", "contains", "areaCode") },
  },

  reports = {
    -- at most once a day per Sakari; covers the last 24-48 hours
    messages = { "GET", ACCOUNT .. "/reports/messages", answer = "report", query = DATE_RANGE,
                 required = DATE_RANGE, accept = "text/csv, application/json" },
  },

  calls = experimental(pages(ACCOUNT .. "/calls", CALL_FILTERS, {
    get = { "GET", ACCOUNT .. "/calls/{callId}" },
  })),

  autoresponders = experimental(pages(ACCOUNT .. "/autoresponders", PAGE)),

  tools = {
    share_file = { "POST", "/v1/tools/sharefile", body = "file", upload = "file" },
  },
}

return M
