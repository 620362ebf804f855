-- Turns the rows of resources.lua into the functions a user calls. Every row is
-- compiled once, when this module loads; `bind` makes one client's functions
-- from the compiled specs, one constructor per row kind (MAKE).
--
-- Every argument is checked before anything is sent. A raise counts a fixed
-- number of frames up to the user's call, never through a tail call, so the
-- error blames the user's line on every Lua.
local core = require "sakari.core"
local options = require "sakari.options"
local errors = require "sakari.errors"
local resources = require "sakari.resources"
local usage = require "sakari.usage"
local util = require "sakari.util"

local M = {}

-- How the answer {success, data, pagination} becomes the result.
local ANSWER = {
  -- data (true when there is no data)
  item = function(envelope) return envelope.data == nil or envelope.data end,
  -- data[1] when data is a list, else data: creates answered "a list of one"
  -- by the current docs and a single object by older ones
  first = function(envelope)
    local data = envelope.data
    if type(data) == "table" and data[1] ~= nil then return data[1] end
    return data == nil or data
  end,
  -- items, pagination
  page = function(envelope)
    local data = envelope.data
    if type(data) ~= "table" or data == core.null then data = core.array() end
    local pagination = envelope.pagination
    if type(pagination) ~= "table" then pagination = {} end
    return data, pagination
  end,
  success = function() return true end,
  -- a tabular report: records keyed by column name, the column names in order
  -- and the raw text; a JSON answer (should Sakari switch) gives its data
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
    local allowed = spec.enums[param]
    if allowed and not allowed[v] then
      return nil, i, ("%s: expected one of %s, got %q"):format(param, util.listed(allowed), v)
    end
    values[param] = core.escape(v)
  end
  local argn = #spec.params + 1
  local optn = spec.body and argn + 1 or argn
  local query, detail, settings = options.query(spec, (select(optn, ...)))
  if detail then return nil, optn, detail end
  local request = {
    fname = spec.fname, method = spec.method, path = spec.template:gsub("{([%w_]+)}", values),
    retry = spec.retry, raw_response = spec.raw_response, accept = spec.accept, query = query,
    settings = settings, -- flow.lua reads the retry ones there, the rest from the request
  }
  if settings then
    request.timeout, request.connect_timeout = settings.timeout, settings.connect_timeout
    request.strict = settings.strict
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

-- The message for "namespace.name" when there is no such function.
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
      return nil, errors.decode(read.method, read_request.path, 200, nil, "the contact read back has no data")
    end
    request.body = require("sakari.patch").body(current, changes)
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
