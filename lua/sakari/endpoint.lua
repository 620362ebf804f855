-- Turns the rows of resources.lua into the functions a user calls. Every row is
-- compiled once, when this module loads; `bind` makes one client's functions
-- from the compiled specs, one constructor per row kind (MAKE).
--
-- Every argument is checked before anything is sent. A check returns what is
-- wrong; only the function the user called raises it, counting a fixed number
-- of frames up to the user's call, never through a tail call, so the error
-- blames the user's line on every Lua.
local core = require "sakari.core"
local errors = require "sakari.errors"
local resources = require "sakari.resources"
local settings = require "sakari.settings"
local usage = require "sakari.usage"
local util = require "sakari.util"

local M = {}

-- How the answer {success, data, pagination} becomes the result (resources.lua's `answer`).
local ANSWER = {
  item = function(envelope) return envelope.data == nil or envelope.data end,
  -- creates answer "a list of one" by the current docs, a single object by older ones
  first = function(envelope)
    local data = envelope.data
    if type(data) == "table" and data[1] ~= nil then return data[1] end
    return data == nil or data
  end,
  page = function(envelope)
    local data = envelope.data
    if type(data) ~= "table" or data == core.null then data = core.array() end
    local pagination = envelope.pagination
    if type(pagination) ~= "table" then pagination = {} end
    return data, pagination
  end,
  success = function() return true end,
  -- a JSON answer (should Sakari switch from CSV) gives its data
  report = function(envelope, request)
    local content_type = envelope.headers and envelope.headers["content-type"] or ""
    if content_type:lower():find("json", 1, true) then
      local ok, decoded = pcall(core.decode, envelope.raw)
      if ok and type(decoded) == "table" then
        if decoded.success == false then return nil, errors.response(request.method, request.path, 200, decoded) end
        return decoded.data == nil and decoded or decoded.data
      end
    end
    local records, header = require("sakari.csv").records(envelope.raw) -- required on use, as pager
    if not records then
      return nil, errors.decode(request.method, request.path, 200, nil, "report is not CSV: " .. tostring(header))
    end
    return records, header, envelope.raw
  end,
}

local function set_of(list)
  local set = {}
  for _, v in ipairs(list or {}) do set[v] = true end
  return set
end

-- One row -> the spec its function works from: the row's own fields, and
-- what every call would otherwise work out again. A row that is wrong fails
-- spec/endpoints_spec.lua, which calls every function once.
function M.compile(namespace, name, row)
  local spec = {}
  for key, value in pairs(row) do spec[key] = value end
  spec.fname, spec.kind = namespace .. "." .. name, row.kind or "call"
  if spec.kind == "local" then return spec end
  local template, answer = row[2], row.answer or (spec.kind == "each" and "page") or "item"
  spec.method, spec.template = row[1], template
  spec.params, spec.enums, spec.accepted = {}, {}, set_of(row.query)
  for p in template:gmatch("{([%w_]+)}") do spec.params[#spec.params + 1] = p end
  for key, values in pairs(row.enums or {}) do spec.enums[key] = set_of(values) end
  -- the account may be left out (account_id) or bound (client.account); not
  -- for uploads, whose body may be a string just like an id
  spec.account = spec.params[1] == "accountId" and not row.upload
  spec.answer, spec.unwrap, spec.raw_response = answer, ANSWER[answer], answer == "report" or nil
  return spec
end

-- Every row, compiled once for the whole process (every client shares them).
M.specs = {}
for namespace, rows in pairs(resources.endpoints) do
  local specs = {}
  for name, row in pairs(rows) do specs[name] = M.compile(namespace, name, row) end
  for _, spec in pairs(specs) do
    if spec.kind == "patch" then spec.read = specs[spec.read] end
  end
  M.specs[namespace] = specs
end

-- A call's options: the documented query options are checked by name, so a
-- typo (`firstname`) fails loudly instead of being ignored by the server
-- (Sakari ignores unknown query parameters); `query = {...}` passes others,
-- checked only for their type. The per_call settings are options of every call.
--
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

-- Options and placeholders: `label` is "option '%s'" or "%s", `key` filling it.
local function check_enum(spec, key, value, label)
  local allowed = spec.enums[key]
  if not allowed or allowed[value] then return nil end
  return (label .. ": expected one of %s, got %q"):format(key, util.listed(allowed), tostring(value))
end

-- The options of every call: the per-call settings and the passthrough.
local COMMON = { [M.PASSTHROUGH] = true }
for _, name in ipairs(settings.PER_CALL) do COMMON[name] = true end
local COMMON_LIST = util.listed(COMMON)

local function unknown(spec, key)
  local names = {}
  for name in pairs(spec.accepted) do names[name] = true end
  for name in pairs(COMMON) do names[name] = true end
  local accepted = next(spec.accepted) and ("accepted: %s; on every call"):format(util.listed(spec.accepted))
    or "accepted on every call"
  return ("unknown option '%s' (%s: %s)%s"):format(tostring(key), accepted, COMMON_LIST,
    util.suggest(key, names))
end

-- spec: its accepted, enums and required -> the query table (nil when there is
-- none), nil, and the call settings given (nil when none); or nil, detail.
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
      detail = detail or check_enum(spec, key, value, "option '%s'")
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

-- The body argument -> the request's body (or an upload's fields); returns
-- what is wrong, naming the argument. The one place a body is validated before
-- it is encoded. The call's strict option, else the client's, says whether
-- the schema is checked. An unknown name (schemas.lua) speaks first, then the
-- row's own check, then the schema's types; a body JSON cannot carry at all is
-- left to the encoder, which names the fault more exactly (a cycle, a function).
local function set_body(spec, client, request, body)
  local name = spec.body
  if spec.upload then
    local fields, detail = require("sakari.upload")[spec.upload](body) -- required on use, as pager
    if not fields then return name .. ": " .. detail end
    for k, v in pairs(fields) do request[k] = v end
    return nil
  end
  if type(body) ~= "table" or body == core.null then
    return name .. ": expected a table, got " .. util.describe(body)
  end
  local strict, detail, unknown_name = request.strict
  if strict == nil and spec.schema then strict = client:setting("strict") end
  if strict and spec.schema then
    -- required on use, not with the module: `require "sakari"` stays quick
    detail, unknown_name = require("sakari.schemas").check(spec.schema, body, name)
    if detail and not pcall(core.encode, body) then detail = nil end
    if detail and unknown_name then return detail end
  end
  local specific = spec.check and require("sakari.checks")[spec.check](body) -- required on use, as pager
  if specific then return name .. ": " .. specific end
  if detail then return detail end
  request.body = body
end

-- The arguments of a call (in the order resources.lua gives) -> the request
-- table for client:call, or nil, argument number, detail.
function M.request(spec, client, ...)
  local values = {}
  for i, param in ipairs(spec.params) do
    local v = select(i, ...)
    if type(v) ~= "string" or v == "" then
      return nil, i, ("%s: expected a non-empty string, got %s"):format(param, util.describe(v))
    end
    local wrong = check_enum(spec, param, v, "%s")
    if wrong then return nil, i, wrong end
    values[param] = core.escape(v)
  end
  local argn = #spec.params + 1
  local optn = spec.body and argn + 1 or argn
  local query, detail, call_settings = M.query(spec, (select(optn, ...)))
  if detail then return nil, optn, detail end
  local request = {
    fname = spec.fname, method = spec.method, path = spec.template:gsub("{([%w_]+)}", values),
    retry = spec.retry, raw_response = spec.raw_response, accept = spec.accept, query = query,
    settings = call_settings, -- flow.lua reads the retry ones there, the rest from the request
  }
  if call_settings then
    request.timeout, request.connect_timeout = call_settings.timeout, call_settings.connect_timeout
    request.strict = call_settings.strict
  end
  if spec.body then
    detail = set_body(spec, client, request, (select(argn, ...)))
    if detail then return nil, argn, detail end
  end
  return request
end

-- The namespace tables' metatable marks them, so that a colon call is told apart.
local Namespace = {}

-- "sakari: no function contacts.updat; did you mean contacts.update?"
local function missing(kind, prefix, name, names)
  return ("sakari: no %s %s%s%s"):format(kind, prefix, tostring(name),
    util.suggest(name, names, prefix))
end

function M.no_function(namespace, name)
  if not M.specs[namespace] then return missing("namespace", "", namespace, M.specs) end
  return missing("function", namespace .. ".", name, M.specs[namespace])
end

-- The request of a call, its arguments checked (after the bound account, if
-- any), or a raise at the user's line (level 3: prepare < the endpoint
-- function < user). When the account may be left out (account_id), see
-- init.lua's client.account: ids are non-empty strings, so a table (or
-- nothing) where the last id belongs is never a full call; a nil there is
-- ambiguous (a missing id, or options left nil) and raises.
local function prepare(spec, client, account, ...)
  local request, argn, detail
  if account then request, argn, detail = M.request(spec, client, account, ...)
  else request, argn, detail = M.request(spec, client, ...) end
  if request then return request end
  if getmetatable((...)) == Namespace then
    usage.raise(3, ("sakari: call %s with a dot, not a colon: %s(...)"):format(spec.fname, spec.fname))
  end
  if account then usage.argument(3, argn - 1, spec.fname, detail) end
  local last = #spec.params
  if spec.account and argn == last then
    local v, given = select(last, ...), select("#", ...)
    local id = client:setting("account_id")
    if id and (type(v) == "table" or given < last) then
      local shifted, why
      request, shifted, why = M.request(spec, client, id, ...)
      if request then return request end
      usage.argument(3, shifted - 1, spec.fname, why)
    elseif id and v == nil then
      detail = detail .. "; account_id is set: leave the account out, or give every id, never a nil"
    end
  end
  usage.argument(3, argn, spec.fname, detail)
end

-- The JSON body as text. Encoded here rather than by core's request so that an
-- error names the user's argument ("fields.attributes.n: NaN is not ...") and
-- is raised (level 3, as prepare) before anything is sent.
local function encode_body(spec, request)
  if request.body == nil then return end
  local ok, json = pcall(core.encode, request.body, spec.body)
  if not ok then usage.raise(3, spec.fname .. ": " .. util.strip_position(tostring(json)), { fname = spec.fname }) end
  request.body, request.raw_body, request.content_type = nil, json, "application/json"
end

local function answer(spec, request, envelope, err)
  if not envelope then return nil, err end
  if envelope == true then return true end
  return spec.unwrap(envelope, request)
end

local MAKE = {}

-- Each constructor's function: `account` is bound (client.account) or nil.
function MAKE.call(spec, client, account)
  return function(...)
    local request = prepare(spec, client, account, ...)
    encode_body(spec, request)
    return answer(spec, request, client:call(request))
  end
end

function MAKE.each(spec, client, account)
  return function(...)
    local request = prepare(spec, client, account, ...)
    return require("sakari.pager").each(function(query) -- required on use, as patch: most scripts never page
      request.query = query -- the pages go one after another: one request serves them all
      return answer(spec, request, client:call(request))
    end, request.query)
  end
end

function MAKE.patch(spec, client, account)
  local read = spec.read
  return function(...)
    local request = prepare(spec, client, account, ...)
    -- changes the PUT could not send must fail now, before the read is sent
    local changes = request.body
    encode_body(spec, request)
    local read_request = { fname = spec.fname, method = read.method, path = request.path }
    local current, err = answer(read, read_request, client:call(read_request))
    if not current then return nil, err end
    if type(current) ~= "table" then -- nothing to merge into: PUTting changes alone would clear the rest
      return nil, errors.decode(read.method, read_request.path, 200, nil, "the record read back has no data")
    end
    request.body = require("sakari.patch").body(spec.schema, current, changes)
    encode_body(spec, request)
    return answer(spec, request, client:call(request))
  end
end

MAKE["local"] = function(spec) return spec.fn end

-- A missing name raises at the line that asked for it; __index only runs on a
-- miss, so a call that exists pays nothing. `t`: a client's (or the module's)
-- namespaces, `names` the set of them; or with `namespace`, its functions.
function M.guard(t, names, namespace)
  local kind, prefix = "namespace", ""
  if namespace then kind, prefix = "function", namespace .. "." end
  return setmetatable(t, {
    __index = function(_, name) usage.raise(2, missing(kind, prefix, name, names)) end,
    __metatable = namespace and Namespace or nil,
  })
end

-- The namespaces of one client: `client:call(request)` does the I/O and
-- returns the decoded envelope (or true for an empty success) or nil, err;
-- `client:setting(name)` reads its settings. With `account`, only the rows
-- that take the account, bound to it (client.account).
function M.bind(client, account)
  local namespaces, names = {}, {}
  for namespace, specs in pairs(M.specs) do
    local functions = {}
    for name, spec in pairs(specs) do
      if not account or spec.account or spec.kind == "local" then
        functions[name] = MAKE[spec.kind](spec, client, account)
      end
    end
    if next(functions) then
      namespaces[namespace], names[namespace] = M.guard(functions, functions, namespace), true
    end
  end
  return M.guard(namespaces, names)
end

return M
