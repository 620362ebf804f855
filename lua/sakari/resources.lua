-- Every endpoint of the API as one row; `bind` turns the rows into the functions
-- a user calls (`client.contacts.update(accountId, contactId, fields)`).
--
-- A row: { METHOD, "/path/{placeholder}/...",
--           body    = name of the JSON body argument (a table), if the call sends one,
--           query   = { documented query option names },  (checked by name)
--           answer  = how the envelope {success, data, pagination} becomes the result:
--                     "item"    -> data                    (true when there is no data)
--                     "first"   -> data[1] when data is a list, else data
--                     "page"    -> data, pagination
--                     "success" -> true }
-- Arguments, in order: one per placeholder (non-empty strings, escaped into the
-- path), then the body table when `body` is set, then an optional options table.
local core = require "sakari.core"
local util = require "sakari.util"

local M = {}

local ACCOUNT = "/v1/accounts/{accountId}"

M.endpoints = {
  contacts = {
    list   = { "GET",    ACCOUNT .. "/contacts", answer = "page",
               query = { "offset", "limit", "firstName", "lastName", "mobile", "email", "tags" } },
    create = { "POST",   ACCOUNT .. "/contacts", body = "fields", answer = "first",
               query = { "mergeStrategy" } },
    get    = { "GET",    ACCOUNT .. "/contacts/{contactId}", answer = "item" },
    update = { "PUT",    ACCOUNT .. "/contacts/{contactId}", body = "fields", answer = "item" },
    delete = { "DELETE", ACCOUNT .. "/contacts/{contactId}", answer = "success" },
  },
}

local ANSWER = {
  item = function(envelope)
    if envelope.data == nil then return true end
    return envelope.data
  end,
  first = function(envelope)
    local data = envelope.data
    if data == nil then return true end
    if type(data) == "table" and data[1] ~= nil then return data[1] end
    return data
  end,
  page = function(envelope)
    local data = envelope.data
    if type(data) ~= "table" then data = core.array() end
    local pagination = envelope.pagination
    if type(pagination) ~= "table" then pagination = {} end
    return data, pagination
  end,
  success = function()
    return true
  end,
}

local METHODS = { GET = true, POST = true, PUT = true, PATCH = true, DELETE = true }

local function is_scalar(v)
  local t = type(v)
  if t == "number" then return v == v and v ~= math.huge and v ~= -math.huge end
  return t == "string" or t == "boolean"
end

local function check_option_value(v)
  if is_scalar(v) then return true end
  if type(v) ~= "table" then return false end
  local n = 0
  for _ in pairs(v) do n = n + 1 end
  for i = 1, n do
    if not is_scalar(v[i]) then return false end
  end
  return true
end

-- Turns the options argument into the query table, or raises naming the bad key.
local function build_query(spec, options, argn)
  if options == nil then return nil end
  if type(options) ~= "table" then
    util.argerror(3, argn, spec.fname, "options: expected a table, got " .. util.describe(options))
  end
  local query
  for key, value in pairs(options) do
    if not spec.accepted[key] then
      util.argerror(3, argn, spec.fname, ("unknown option '%s' (accepted: %s)")
        :format(tostring(key), spec.accepted_list))
    end
    if not check_option_value(value) then
      util.argerror(3, argn, spec.fname, ("option '%s': expected a string, number, boolean or "
        .. "an array of them, got %s"):format(key, util.describe(value)))
    end
    query = query or {}
    query[key] = value
  end
  return query
end

local function compile(namespace, name, row)
  local fname = namespace .. "." .. name
  local method, template = row[1], row[2]
  assert(METHODS[method], fname .. ": bad method")
  assert(type(template) == "string" and template:sub(1, 1) == "/", fname .. ": bad path")
  local unwrap = assert(ANSWER[row.answer or "item"], fname .. ": bad answer kind")

  local params = {}
  for p in template:gmatch("{([%w_]+)}") do params[#params + 1] = p end
  local accepted, accepted_list = {}, {}
  for _, q in ipairs(row.query or {}) do
    accepted[q] = true
    accepted_list[#accepted_list + 1] = q
  end
  table.sort(accepted_list)

  return {
    fname = fname,
    method = method,
    template = template,
    params = params,
    body = row.body,
    accepted = accepted,
    accepted_list = #accepted_list > 0 and table.concat(accepted_list, ", ") or "none",
    unwrap = unwrap,
  }
end

local compiled = {}
for namespace, rows in pairs(M.endpoints) do
  compiled[namespace] = {}
  for name, row in pairs(rows) do
    compiled[namespace][name] = compile(namespace, name, row)
  end
end

local function make(spec, call)
  local nparams = #spec.params
  return function(...)
    local values = {}
    for i = 1, nparams do
      local v = select(i, ...)
      if type(v) ~= "string" or v == "" then
        util.argerror(2, i, spec.fname, ("%s: expected a non-empty string, got %s")
          :format(spec.params[i], util.describe(v)))
      end
      values[spec.params[i]] = core.escape(v)
    end
    local argn = nparams + 1
    local body
    if spec.body then
      body = select(argn, ...)
      if type(body) ~= "table" then
        util.argerror(2, argn, spec.fname, ("%s: expected a table, got %s")
          :format(spec.body, util.describe(body)))
      end
      argn = argn + 1
    end
    local query = build_query(spec, (select(argn, ...)), argn)
    local path = spec.template:gsub("{([%w_]+)}", values)
    local envelope, err = call { fname = spec.fname, method = spec.method, path = path, query = query, body = body }
    if not envelope then return nil, err end
    if envelope == true then return true end
    return spec.unwrap(envelope)
  end
end

-- The namespaces of functions for one client; `call(request)` does the I/O and
-- returns the decoded envelope (or true for an empty success) or nil, err.
function M.bind(call)
  local namespaces = {}
  for namespace, specs in pairs(compiled) do
    local functions = {}
    for name, spec in pairs(specs) do functions[name] = make(spec, call) end
    namespaces[namespace] = functions
  end
  return namespaces
end

return M
