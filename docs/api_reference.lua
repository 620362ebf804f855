-- Writes the LDoc source of `sakari.api`: every endpoint function, read from
-- the endpoint table itself so the reference cannot drift from the code. Each
-- function gets its arguments, its options, its results and one example call.
-- Run from the repository root: lua5.4 docs/api_reference.lua > build/docs-src/api.lua
-- (spec/reference_spec.lua calls the chunk with "text" and gets the text back instead).
local as_text = ... == "text"
if not as_text then
  package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
  package.cpath = "build/lua5.4/?.so;" .. package.cpath
end
local resources = require "sakari.resources"
local endpoint = require "sakari.endpoint"

-- The options every call takes besides its query options: how this one call is
-- timed and retried (sakari.options checks them; spec/reference_spec.lua checks
-- that each one named here is accepted).
local CALL_SETTINGS = {
  { "timeout", "number", "seconds for the whole request" },
  { "connect_timeout", "number", "seconds to connect" },
  { "max_retries", "integer", "repeats of a failed call where repeating is safe" },
  { "retry_backoff", "number", "first backoff step in seconds" },
  { "max_retry_delay", "number", "cap in seconds on one wait" },
}

-- Example values of path placeholders that are not ids (an id's example is its
-- name in capitals: contactId -> "CONTACT_ID"), and what they are.
local PLACEHOLDERS = {
  url = { about = "the callback URL the subscription was made with", example = "https://example.com/sakari" },
  attributeType = { about = "the kind of record the attribute belongs to" },
}

-- What the examples pass and name, by function; anything not given here is made
-- from the row (see example below). Bodies follow the fields Sakari documents.
local EXAMPLES = {
  ["contacts.create"] = { body = '{ firstName = "Ann", mobile = { number = "+15555550123", country = "US" } }' },
  ["contacts.update"] = {
    body = '{ firstName = "Bob", lastName = "Thomson", mobile = { number = "+15555550123", country = "US" } }',
  },
  ["contacts.patch"] = { body = '{ firstName = "Bob" }' },
  ["contacts.import"] = {
    body = '{ { "firstName", "mobile" }, { "Ann", "+15555550123" } }', options = '{ mergeStrategy = "append" }',
    result = "upload", returns = "`{ contacts, errors, inserted, updated, submitted, success }`",
  },
  ["messages.send"] = {
    body = '{ contacts = { { mobile = { number = "+15555550123", country = "US" } } }, template = "Hi {{firstName}}" }',
    result = "sent", returns = "`{ messages, jobId, requested, valid, invalid }`",
  },
  ["templates.create"] = { body = '{ name = "welcome", template = "Hi {{firstName}}, welcome!" }' },
  ["templates.update"] = { body = '{ name = "welcome", template = "Hi {{firstName}}, welcome back!" }' },
  ["campaigns.create"] = { body = '{ name = "spring", trigger = { code = "M" }, template = "Spring sale today" }' },
  ["campaigns.update"] = { body = '{ name = "spring", trigger = { code = "M" }, template = "Spring sale: 20% off" }' },
  ["campaigns.quick"] = {
    body = '{ name = "doors", groupId = "GROUP_ID", listId = "LIST_ID", message = { message = "Doors open at 9" } }',
    result = "quick", returns = "`{ campaign, job }`",
  },
  ["webhooks.subscribe"] = { body = '{ url = "https://example.com/sakari", eventTypes = { "message-received" } }' },
  ["accounts.create_attribute"] = { body = '{ name = "plan", label = "Plan" }', result = "attribute" },
  ["accounts.update_attribute"] = { body = '{ name = "plan", label = "Pricing plan" }', result = "attribute" },
  ["drip_campaigns.update"] = { body = '{ name = "onboarding" }' },
  ["lead_forms.create"] = { body = '{ name = "newsletter" }' },
  ["lead_forms.update"] = { body = '{ name = "newsletter" }' },
  ["lead_forms.analytics"] = {
    options = '{ start = "2024-05-01", ["end"] = "2024-05-31" }',
    returns = "`{ impressions, conversions, data }`, `data` holding one entry per day",
  },
  ["accounts.balance"] = { returns = "`{ balance, country, segments, segmentPrice }`" },
  ["links.sources"] = { returns = "the link's sources, an array of `{ id, name, stats }`" },
  ["lead_forms.conversions"] = { options = '{ start = "2024-05-01", ["end"] = "2024-05-31", limit = 50 }' },
  ["phone_numbers.available"] = { options = '{ country = "US", limit = 10 }', result = "numbers" },
  ["reports.messages"] = { options = '{ start = "2024-05-01", ["end"] = "2024-05-02" }' },
  ["tools.share_file"] = {
    body = '{ data = "hello\\n", filename = "hello.txt", content_type = "text/plain" }', result = "shared",
    returns = "`{ link, expires }`: where the file is hosted, for MMS media",
  },
}
local GENERIC_BODY = "{ --[[ the fields ]] }"

-- Functions with no request (the row's `fn` is the function): written by hand.
local LOCAL = {
  ["webhooks.parse"] = {
    "Reads a webhook delivery, in either format Sakari has used, as one event shape; no request and no",
    "client, so it needs no credentials. See docs/functions.md, \"Webhooks\".",
    "@tparam string|table body the body as delivered, or already decoded",
    "@tparam[opt] table options with `secret` and `url`, the signature is checked and a mismatch is an error:",
    "@tparam[opt] string options.secret your client secret",
    "@tparam[opt] string options.url this webhook's URL",
    "@tparam[opt] string options.signature the signature that came with the delivery",
    "@treturn[1] table the event: `type` (the current event name), `accountId`, `id`, `data` (the payload),",
    "  `format` (\"current\" or \"legacy\"), `body` (the whole decoded body)",
    "@treturn[2] nil when the body is not a Sakari webhook or its signature is wrong",
    "@treturn[2] sakari.errors.err err with `code` \"decode\", \"webhook\" or \"signature\"",
    "@raise when an argument has the wrong type or an option is unknown",
    "@usage",
    "local event, err = sakari.webhooks.parse('{\"eventType\": \"message-received\", \"payload\": {}}')",
  },
  ["webhooks.sign"] = {
    "Signs a delivery as Sakari's Node SDK does; no request. The signature is",
    "`base64(HMAC-SHA1(secret, url .. \"?\" .. sorted key=value pairs joined by \"&\"))`.",
    "See docs/functions.md, \"Webhooks\".",
    "@tparam string url the webhook's URL",
    "@tparam table params the delivery's top-level fields",
    "@tparam string secret your client secret",
    "@treturn string the signature",
    "@raise when an argument has the wrong type",
    "@usage",
    "local signature = sakari.webhooks.sign(\"https://example.com/sakari\", { eventType = \"message-received\" },",
    "  \"CLIENT_SECRET\")",
  },
  ["webhooks.verify"] = {
    "Whether a signature is the one `webhooks.sign` computes, compared in constant time.",
    "See docs/functions.md, \"Webhooks\".",
    "@tparam string url the webhook's URL",
    "@tparam table params the delivery's top-level fields",
    "@tparam string signature the signature that came with the delivery",
    "@tparam string secret your client secret",
    "@treturn boolean",
    "@raise when an argument has the wrong type",
    "@usage",
    "local genuine = sakari.webhooks.verify(\"https://example.com/sakari\", { eventType = \"message-received\" },",
    "  \"SIGNATURE\", \"CLIENT_SECRET\")",
  },
}

-- "dripCampaignId" -> "drip campaign"
local function words(name)
  return (name:gsub("Id$", ""):gsub("%u", function(c) return " " .. c:lower() end))
end

-- "dripCampaignId" -> "DRIP_CAMPAIGN_ID"
local function capitals(name)
  return (name:gsub("%u", "_%0"):upper())
end

local function quoted(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = "`" .. v .. "`" end
  return table.concat(out, ", ")
end

local function placeholder_example(row, param)
  local known = PLACEHOLDERS[param] or {}
  local enum = (row.enums or {})[param]
  return known.example or (enum and enum[1]) or capitals(param)
end

local function placeholder_doc(row, param)
  local known = PLACEHOLDERS[param] or {}
  local about = known.about or ("the %s's id"):format(words(param))
  local text = ("%s: a non-empty string, sent as one escaped path segment"):format(about)
  local enum = (row.enums or {})[param]
  if enum then text = ("%s: one of %s"):format(about, quoted(enum)) end
  return ("@tparam string %s %s"):format(param, text)
end

local BODIES = {
  csv = { "string|table", "the contacts as CSV text, or rows (an array of arrays of cells, the header first:"
    .. " `firstName`, `lastName`, `email`, `mobile`, `country`; other columns become attributes), sent as text/csv" },
  file = { "string|table", "the file: its bytes (sent as application/octet-stream), or"
    .. " `{ data = bytes, filename = ..., content_type = ... }` (sent as multipart/form-data)" },
}

local function body_doc(row)
  local upload = BODIES[row.upload]
  if upload then return ("@tparam %s %s %s"):format(upload[1], row.body, upload[2]) end
  local text = "the body, a table sent as JSON"
  if row.schema then text = text .. (" (schema `%s`)"):format(row.schema) end
  if row.check then text = text .. "; checked before anything is sent" end
  return ("@tparam table %s %s"):format(row.body, text)
end

-- What the check of a query option expects ("an integer from 1 to 100"), asked of
-- the check itself so that the reference says what is enforced.
local function expected(spec, name)
  local _, detail = endpoint.query(spec, { [name] = false })
  return detail and detail:match("^option '" .. name .. "': expected (.-), got ")
end

local function options_doc(spec, row)
  local query = row.query or {}
  local required = {}
  for _, name in ipairs(spec.required or {}) do required[name] = true end
  local settings = {}
  for i, setting in ipairs(CALL_SETTINGS) do settings[i] = setting[1] end
  local lines = {}
  local what = next(required) and ("a table (required: %s must be given)"):format(quoted(spec.required))
    or "an optional table"
  lines[1] = ("@tparam%s table options %s: the per-call settings %s (see `call_settings`), and %s")
    :format(next(required) and "" or "[opt]", what, quoted(settings),
      #query > 0 and "its query options:" or "no documented query options:")
  for _, name in ipairs(query) do
    local text = ("query parameter `%s`"):format(name)
    local range = expected(spec, name)
    if range then text = text .. ": " .. range end
    local type_name = range and range:find("integer") and "integer" or "string"
    if required[name] then text = text .. " (required)" end
    lines[#lines + 1] = ("@tparam%s %s options.%s %s")
      :format(required[name] and "" or "[opt]", type_name, name, text)
  end
  lines[#lines + 1] = ("@tparam[opt] table options.%s more query parameters, checked only for their type"
    .. " (a string, number, boolean, or an array of them)"):format(endpoint.PASSTHROUGH)
  return lines
end

-- "contacts" -> "contact"; the names an example gives the results.
local function singular(namespace)
  return (namespace:gsub("s$", ""))
end

local ONE = { get = true, create = true, update = true, patch = true, close = true, activate = true,
  deactivate = true, subscribe = true }

local function result_name(namespace, name, spec)
  local given = (EXAMPLES[namespace .. "." .. name] or {}).result
  if given then return given end
  if spec.kind == "each" then
    return name == "each" and singular(namespace) or (name:gsub("^each_", ""))
  end
  if spec.answer == "page" then return (name == "list" and namespace or name) end
  if ONE[name] then return singular(namespace) end
  return name
end

local RETURNS = {
  item = function(thing)
    return { ("@treturn[1] table %s (`true` when the answer carries no data)"):format(thing) }
  end,
  first = function(thing)
    return { ("@treturn[1] table %s made (the first item when the answer is a list)"):format(thing) }
  end,
  page = function(things)
    return {
      ("@treturn[1] table %s: the items of this page, an array"):format(things),
      "@treturn[1] table page: the pagination as sent, `offset`, `limit`, `totalCount`, `hasNext`",
    }
  end,
  success = function()
    return { "@treturn[1] boolean `true`" }
  end,
  report = function()
    return {
      "@treturn[1] table records: one table per row, keyed by column name",
      "@treturn[1] table header: the column names, in order",
      "@treturn[1] string text: the CSV as received",
    }
  end,
}

local FAILURE = {
  "@treturn[2] nil on failure",
  "@treturn[2] sakari.errors.err err the error object (`tostring(err)` reads well)",
}

local function returns_doc(namespace, name, spec)
  local result = result_name(namespace, name, spec)
  if spec.kind == "each" then
    return {
      ("@treturn function an iterator over every %s of every page; a page that fails raises its error object")
        :format((result:gsub("_", " "))),
    }
  end
  local given = EXAMPLES[namespace .. "." .. name] or {}
  local thing = given.returns or "the " .. (given.result or singular(namespace)):gsub("_", " ")
  local lines = RETURNS[spec.answer](spec.answer == "page" and result or thing)
  for _, line in ipairs(FAILURE) do lines[#lines + 1] = line end
  return lines
end

-- The example call of a row: its arguments in order, then the result.
local function example(namespace, name, spec, row)
  local fname = namespace .. "." .. name
  local given = EXAMPLES[fname] or {}
  local args = {}
  for _, param in ipairs(spec.params) do args[#args + 1] = ("%q"):format(placeholder_example(row, param)) end
  if spec.body then args[#args + 1] = given.body or GENERIC_BODY end
  local opts = given.options
  if not opts and spec.accepted.limit and spec.kind == "call" and spec.answer == "page" then opts = "{ limit = 50 }" end
  assert(opts or not spec.required, fname .. ": required options need an example in EXAMPLES")
  args[#args + 1] = opts
  local result = result_name(namespace, name, spec)
  local call = ("sakari.%s(%s)"):format(fname, table.concat(args, ", "))
  if #call > 80 then -- the ids on the first line, the tables one per line below
    local ids, tables = {}, {}
    for i, arg in ipairs(args) do
      if i <= #spec.params then ids[#ids + 1] = arg .. "," else tables[#tables + 1] = arg end
    end
    call = ("sakari.%s(%s\n  %s)"):format(fname, table.concat(ids, " "), table.concat(tables, ",\n  "))
  end
  if spec.kind == "each" then
    return ("for %s in %s do\n  print(%s.id)\nend"):format(result, call, result)
  end
  local names = ({
    page = result .. ", page", -- page is err on failure
    success = "ok, err",
    report = "records, header, text",
  })[spec.answer] or (result .. ", err")
  return ("local %s = %s"):format(names, call)
end

local function summary(spec, row, rows)
  local line = ("%s `%s`"):format(spec.method, spec.template)
  if spec.kind == "each" then
    line = "A lazy iterator over every item of every page of " .. line .. ": each page is one request"
  elseif spec.kind == "patch" then
    line = ("GET `%s`, merge `%s` into what it answers, then PUT the result: what `%s` does not name is kept")
      :format(spec.template, spec.body, spec.body)
  elseif spec.method == "PUT" and spec.body then
    line = line .. (": Sakari's PUT replaces the object, so a writable field left out of `%s` is cleared")
      :format(spec.body)
    if rows.patch then line = line .. " (`patch` keeps it)" end
  end
  local lines = { line .. "." }
  if row.experimental then
    lines[#lines + 1] = "Experimental: only a third party documents this endpoint; its path and filters may be wrong."
  end
  if spec.retry == "never" then
    lines[#lines + 1] = "Never repeated once it may have reached the server: it costs money and cannot be undone."
  end
  return lines
end

local function entry(namespace, name, rows)
  local row = rows[name]
  local fname = namespace .. "." .. name
  if row.kind == "local" then return assert(LOCAL[fname], fname .. ": a local function needs its entry in LOCAL") end
  local spec = endpoint.compile(namespace, name, row)
  local lines = summary(spec, row, rows)
  for _, param in ipairs(spec.params) do lines[#lines + 1] = placeholder_doc(row, param) end
  if spec.body then lines[#lines + 1] = body_doc(row) end
  for _, line in ipairs(options_doc(spec, row)) do lines[#lines + 1] = line end
  for _, line in ipairs(returns_doc(namespace, name, spec)) do lines[#lines + 1] = line end
  lines[#lines + 1] = "@raise when an argument is wrong, before anything is sent"
  lines[#lines + 1] = "@usage\n" .. example(namespace, name, spec, row)
  return lines
end

local HEADER = {
  "Every function of a client, one per endpoint; the module's namespaces (`sakari.contacts`, ...) have",
  "them too, on the default client. Call them with a dot:",
  "`local contact, err = sakari.contacts.update(accountId, contactId, fields)`.",
  "",
  "Arguments come in order: one per placeholder of the path (non-empty strings, each sent as one escaped",
  "path segment), then the body when there is one, then an optional options table: the query options the",
  "function documents (a misspelt one raises, naming the accepted ones), `query = { ... }` for parameters",
  "this library does not know yet, and the per-call settings.",
  "",
  "A call returns its result, or nil and an error object (`sakari.errors`); a wrong argument raises at",
  "the caller's line before anything is sent. See also docs/functions.md.",
}

local function block(out, lines, tag)
  local prefix = "--- "
  for _, entry_line in ipairs(lines) do
    for line in (entry_line .. "\n"):gmatch("(.-)\n") do
      out[#out + 1] = line == "" and "--" or (prefix .. line)
      prefix = "-- "
    end
  end
  out[#out + 1] = "-- " .. tag
  out[#out + 1] = ""
end

local function text()
  local out = {}
  block(out, HEADER, "@module sakari.api")
  local settings = { "Per-call settings: every function takes them in its options table; they override the",
    "client's settings (`sakari.config`) for this one call." }
  for _, setting in ipairs(CALL_SETTINGS) do
    settings[#settings + 1] = ("@tfield[opt] %s %s %s"):format(setting[2], setting[1], setting[3])
  end
  block(out, settings, "@table call_settings")
  local functions = {}
  for namespace, rows in pairs(resources.endpoints) do
    for name in pairs(rows) do functions[#functions + 1] = { namespace, name, rows } end
  end
  table.sort(functions, function(a, b) return a[1] .. "." .. a[2] < b[1] .. "." .. b[2] end)
  for _, f in ipairs(functions) do
    block(out, entry(f[1], f[2], f[3]), ("@function %s.%s"):format(f[1], f[2]))
  end
  return table.concat(out, "\n") .. "\n"
end

if as_text then return text() end
io.write(text())
