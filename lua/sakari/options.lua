-- An endpoint's options table -> its query table and the call's own settings.
-- The documented options are checked by name, so a typo (`firstname`) fails
-- loudly instead of being ignored by the server (Sakari ignores unknown query
-- parameters); `query = {...}` passes parameters this library does not know
-- yet, checked only for their type. The settings marked per_call in
-- settings.lua (timeout, max_retries, ...) are options of every call.
--
-- Every check returns an error detail instead of raising, so that the one
-- function the user called raises it and the message blames the user's line.
local settings = require "sakari.settings"
local util = require "sakari.util"

local M = {}

-- Documented ranges (https://developer.sakari.io/api-reference/contacts/fetch-contacts,
-- offset and limit): a bad page size fails here, before anything is sent,
-- rather than as a 400 from the server.
local INTEGER_RANGE = {
  limit = { min = 1, max = 100, expected = "an integer from 1 to 100" },
  offset = { min = 0, expected = "an integer >= 0" },
}

-- The key that passes parameters unchecked by name.
M.PASSTHROUGH = "query"

local function is_scalar(v)
  local t = type(v)
  return t == "string" or t == "boolean" or util.finite(v)
end

-- A value the query string can carry: a scalar, or an array of scalars (sent
-- as the parameter repeated).
local function check_value(key, value)
  local ok = is_scalar(value)
  if type(value) == "table" then
    local n = 0
    for _ in pairs(value) do n = n + 1 end
    ok = true
    for i = 1, n do ok = ok and is_scalar(value[i]) end
  end
  if ok then return nil end
  return ("option '%s': expected a string, number, boolean or an array of them, got %s")
    :format(tostring(key), util.describe(value))
end

-- An integral float (10.0) becomes an integer, so the query says limit=10, not 10.0.
local function check_range(key, value)
  local range = INTEGER_RANGE[key]
  if not range then return value end
  if type(value) ~= "number" or value ~= math.floor(value)
      or value < range.min or (range.max and value > range.max) then
    local got = type(value) == "number" and tostring(value) or util.describe(value)
    return nil, ("option '%s': expected %s, got %s"):format(key, range.expected, got)
  end
  return math.floor(value)
end

local function check_enum(spec, key, value)
  local allowed = spec.enums[key]
  if not allowed or allowed[value] then return nil end
  return ("option '%s': expected one of %s, got %q"):format(key, util.listed(allowed), tostring(value))
end

-- The options of every call: the per-call settings and the passthrough.
local COMMON = { M.PASSTHROUGH }
for _, name in ipairs(settings.PER_CALL) do COMMON[#COMMON + 1] = name end
table.sort(COMMON)
local COMMON_LIST = table.concat(COMMON, ", ")

local function unknown(spec, key)
  local names = {}
  for name in pairs(spec.accepted) do names[name] = true end
  for _, name in ipairs(COMMON) do names[name] = true end
  local accepted = next(spec.accepted) and ("accepted: %s; on every call"):format(util.listed(spec.accepted))
    or "accepted on every call"
  return ("unknown option '%s' (%s: %s)%s"):format(tostring(key), accepted, COMMON_LIST,
    util.suggest(key, names))
end

-- spec: { accepted = {name = true}, enums = {name = {value = true}}, required = {names} }
-- Returns the query table (nil when there is none), nil, and the call settings
-- given (nil when none); or nil, detail.
function M.query(spec, options)
  if options == nil then
    if not spec.required then return nil end
    options = {} -- to say which option is missing
  end
  if type(options) ~= "table" then
    return nil, "options: expected a table, got " .. util.describe(options)
  end
  local query, call_settings = {}, nil
  for key, value in pairs(options) do
    local setting = settings.by_name[key]
    if setting and setting.per_call and not spec.accepted[key] then
      local detail = settings.check(key, value)
      if detail then return nil, ("option '%s': %s"):format(key, detail) end
      call_settings = call_settings or {}
      call_settings[key] = value
    elseif key ~= M.PASSTHROUGH then
      if not spec.accepted[key] then return nil, unknown(spec, key) end
      local detail = check_value(key, value)
      if not detail then value, detail = check_range(key, value) end
      detail = detail or check_enum(spec, key, value)
      if detail then return nil, detail end
      query[key] = value
    end
  end
  local extra = options[M.PASSTHROUGH]
  if extra ~= nil then
    if type(extra) ~= "table" then
      return nil, "options.query: expected a table, got " .. util.describe(extra)
    end
    for key, value in pairs(extra) do
      if type(key) ~= "string" or key == "" then
        return nil, "options.query: keys must be non-empty strings, got " .. util.describe(key)
      end
      local detail = check_value(key, value)
      if detail then return nil, detail end
      if query[key] ~= nil then return nil, ("option '%s' is given twice (once in options.query)"):format(key) end
      query[key] = value
    end
  end
  for _, name in ipairs(spec.required or {}) do
    if query[name] == nil then return nil, ("option '%s' is required"):format(name) end
  end
  if next(query) == nil then query = nil end
  return query, nil, call_settings
end

return M
