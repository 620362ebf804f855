-- Turns the rows of resources.lua into the functions a user calls. One
-- compiled spec per row; one constructor per row kind:
--   call  (default) one request: arguments -> request -> answer
--   each  a lazy iterator over every page of the same request (pager.lua)
--   patch read with the row named by `read`, merge, then this row's request (patch.lua)
--   local no request at all (webhooks.parse): the row's `fn` as is
--
-- Every argument is checked before anything is sent; a bad one raises an error
-- that blames the line of the user's call (hence the details returned by the
-- checks below and raised by the function the user called).
local core = require "sakari.core"
local options = require "sakari.options"
local errors = require "sakari.errors"
local util = require "sakari.util"
local schemas = require "sakari.schemas"

local M = {}

local describe = options.describe

-- Loaded on first use: most scripts never page, patch, upload or read a report.
local function lazy(name)
  local module
  return function()
    module = module or require(name)
    return module
  end
end
local pager, patch, upload, csv = lazy "sakari.pager", lazy "sakari.patch", lazy "sakari.upload", lazy "sakari.csv"

-- How the answer {success, data, pagination} becomes the result.
local ANSWER = {
  -- data (true when there is no data)
  item = function(envelope)
    if envelope.data == nil then return true end
    return envelope.data
  end,
  -- data[1] when data is a list, else data: creates answered "a list of one"
  -- by the current docs and a single object by older ones
  first = function(envelope)
    local data = envelope.data
    if data == nil then return true end
    if type(data) == "table" and data[1] ~= nil then return data[1] end
    return data
  end,
  -- items, pagination
  page = function(envelope)
    local data = envelope.data
    if type(data) ~= "table" or data == core.null then data = core.array() end
    local pagination = envelope.pagination
    if type(pagination) ~= "table" then pagination = {} end
    return data, pagination
  end,
  success = function()
    return true
  end,
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
    local records, header = csv().records(envelope.raw)
    if not records then
      return nil, errors.decode(request.method, request.path, 200, nil, "report is not CSV: " .. tostring(header))
    end
    return records, header, envelope.raw
  end,
}

local METHODS = { GET = true, POST = true, PUT = true, PATCH = true, DELETE = true }
local UPLOADS = { csv = true, file = true }

local function set_of(list)
  local set, names = {}, {}
  for _, v in ipairs(list or {}) do
    set[v] = true
    names[#names + 1] = tostring(v)
  end
  table.sort(names)
  return set, table.concat(names, ", ")
end

-- One row -> the spec its function works from.
function M.compile(namespace, name, row)
  local fname = namespace .. "." .. name
  local kind = row.kind or "call"
  if kind == "local" then
    assert(type(row.fn) == "function", fname .. ": a local row needs fn")
    return { fname = fname, kind = kind, fn = row.fn }
  end
  local method, template = row[1], row[2]
  assert(METHODS[method], fname .. ": bad method")
  assert(type(template) == "string" and template:sub(1, 1) == "/", fname .. ": bad path")
  assert(kind == "call" or kind == "each" or kind == "patch", fname .. ": bad kind")
  local answer = row.answer or (kind == "each" and "page") or "item"
  assert(ANSWER[answer], fname .. ": bad answer kind")
  assert(kind ~= "each" or answer == "page", fname .. ": each walks pages")
  assert(row.upload == nil or UPLOADS[row.upload], fname .. ": bad upload kind")
  assert(row.retry == nil or row.retry == "never", fname .. ": bad retry flag")
  assert(row.schema == nil or schemas.schemas[row.schema], fname .. ": no schema " .. tostring(row.schema))

  local params = {}
  for p in template:gmatch("{([%w_]+)}") do params[#params + 1] = p end
  local accepted, accepted_list = set_of(row.query)
  if accepted_list == "" then accepted_list = "none" end
  local enums, enum_lists = {}, {}
  for key, values in pairs(row.enums or {}) do
    enums[key], enum_lists[key] = set_of(values)
  end

  return {
    fname = fname,
    kind = kind,
    method = method,
    template = template,
    params = params,
    body = row.body,
    upload = row.upload and upload()[row.upload],
    check = row.check,
    schema = row.schema,
    accepted = accepted,
    accepted_list = accepted_list,
    enums = enums,
    enum_lists = enum_lists,
    required = row.required,
    answer = answer,
    unwrap = ANSWER[answer],
    retry = row.retry,
    raw_response = answer == "report" or nil,
    accept = row.accept,
    read = row.read,
    merge = row.merge,
  }
end

-- The arguments of a call -> the request table for client `call`, or nil,
-- argument number, detail. Arguments, in order: one per path placeholder
-- (non-empty strings, escaped into one path segment each), then the body when
-- the row has one, then an optional options table.
function M.request(spec, ...)
  local values = {}
  for i, param in ipairs(spec.params) do
    local v = select(i, ...)
    if type(v) ~= "string" or v == "" then
      return nil, i, ("%s: expected a non-empty string, got %s"):format(param, describe(v))
    end
    local allowed = spec.enums[param]
    if allowed and not allowed[v] then
      return nil, i, ("%s: expected one of %s, got %q"):format(param, spec.enum_lists[param], v)
    end
    values[param] = core.escape(v)
  end
  local argn = #spec.params + 1
  local request = {
    fname = spec.fname, method = spec.method, retry = spec.retry,
    raw_response = spec.raw_response, accept = spec.accept,
  }
  -- the options first: `strict` decides how the body is checked
  local options_argn = spec.body and argn + 1 or argn
  local query, options_detail, settings = options.query(spec, (select(options_argn, ...)))
  local strict = settings and settings.strict
  if spec.body then
    local body = select(argn, ...)
    if spec.upload then
      local fields, detail = spec.upload(body)
      if not fields then return nil, argn, spec.body .. ": " .. detail end
      for k, v in pairs(fields) do request[k] = v end
    else
      if type(body) ~= "table" or body == core.null then
        return nil, argn, ("%s: expected a table, got %s"):format(spec.body, describe(body))
      end
      request.body, request.strict = body, strict
    end
    argn = argn + 1
  end
  if options_detail then return nil, argn, options_detail end
  request.query = query
  if settings then
    request.timeout, request.connect_timeout = settings.timeout, settings.connect_timeout
    settings.timeout, settings.connect_timeout, settings.strict = nil, nil, nil
    if next(settings) then request.settings = settings end
  end
  request.values = values
  request.path = (spec.template:gsub("{([%w_]+)}", values))
  return request
end

-- The JSON body as text. Encoded here rather than by core's request so that an
-- error names the user's argument ("fields.attributes.n: NaN is not ...") and
-- is raised before anything is sent; the bytes are the same either way.
local function encode_body(spec, request)
  if request.body == nil then return true end
  local ok, json = pcall(core.encode, request.body, spec.body)
  if not ok then return nil, util.strip_position(tostring(json)) end
  request.body, request.raw_body, request.content_type = nil, json, "application/json"
  return true
end

-- Once the body is known to be JSON (encode_body): its names against the
-- schema, then the row's own check, then the schema's types (the row's words
-- are the more specific). nil, or a detail for the argument error.
local function check_body(spec, body, strict)
  local detail, unknown_name
  if spec.schema then
    detail, unknown_name = schemas.check(spec.schema, body, strict, spec.body)
    if unknown_name then return detail end
  end
  local specific = spec.check and spec.check(body)
  if specific then return spec.body .. ": " .. specific end
  return detail
end

local function answer(spec, request, envelope, err)
  if not envelope then return nil, err end
  if envelope == true then return true end
  return spec.unwrap(envelope, request)
end

local MAKE = {}

function MAKE.call(spec, call)
  return function(...)
    local request, argn, detail = M.request(spec, ...)
    if not request then util.argerror(2, argn, spec.fname, detail) end
    local body = request.body
    local encoded, reason = encode_body(spec, request)
    if not encoded then util.raise(spec.fname .. ": " .. reason, 2) end
    detail = body and check_body(spec, body, request.strict)
    if detail then util.argerror(2, #spec.params + 1, spec.fname, detail) end
    return answer(spec, request, call(request))
  end
end

function MAKE.each(spec, call)
  return function(...)
    local request, argn, detail = M.request(spec, ...)
    if not request then util.argerror(2, argn, spec.fname, detail) end
    return pager().each(function(query)
      local page_request = {}
      for k, v in pairs(request) do page_request[k] = v end
      page_request.query = query
      return answer(spec, page_request, call(page_request))
    end, request.query)
  end
end

-- `read` is the compiled spec of the row to read with (same placeholders).
function MAKE.patch(spec, call, read)
  return function(...)
    local request, argn, detail = M.request(spec, ...)
    if not request then util.argerror(2, argn, spec.fname, detail) end
    -- changes the PUT could not send must fail now, before the read is sent
    local changes = request.body
    local encoded, reason = encode_body(spec, request)
    if not encoded then util.raise(spec.fname .. ": " .. reason, 2) end
    detail = check_body(spec, changes, request.strict)
    if detail then util.argerror(2, #spec.params + 1, spec.fname, detail) end
    local read_request = {
      fname = spec.fname, method = read.method, path = (read.template:gsub("{([%w_]+)}", request.values)),
    }
    local current, err = answer(read, read_request, call(read_request))
    if not current then return nil, err end
    if type(current) ~= "table" then -- nothing to merge into: PUTting changes alone would clear the rest
      return nil, errors.decode(read.method, read_request.path, 200, nil, "the contact read back has no data")
    end
    request.body = patch().body(spec.merge, current, changes)
    encoded, reason = encode_body(spec, request)
    if not encoded then util.raise(spec.fname .. ": " .. reason, 2) end
    return answer(spec, request, call(request))
  end
end

-- Compiled specs, one per row for the whole process (several clients share them).
local compiled = setmetatable({}, { __mode = "k" })

local function spec_of(namespace, name, row)
  local spec = compiled[row]
  if not spec then
    spec = M.compile(namespace, name, row)
    compiled[row] = spec
  end
  return spec
end

local function make(namespace, name, rows, call)
  local spec = spec_of(namespace, name, rows[name])
  if spec.kind == "patch" then
    local read = spec_of(namespace, spec.read, assert(rows[spec.read], spec.fname .. ": bad read row"))
    assert(table.concat(read.params, ",") == table.concat(spec.params, ","), spec.fname .. ": read row differs")
    return MAKE.patch(spec, call, read)
  end
  return MAKE[spec.kind](spec, call)
end

-- The functions of every namespace for one client. Each row is compiled on the
-- first call of its function: loading the module should not pay for some
-- eighty functions a script may never call.
function M.bind(endpoints, call)
  local namespaces = {}
  for namespace, rows in pairs(endpoints) do
    local functions = {}
    for name, row in pairs(rows) do
      if row.kind == "local" then
        functions[name] = row.fn
      else
        local real
        functions[name] = function(...)
          real = real or make(namespace, name, rows, call)
          return real(...) -- a tail call: errors still blame the caller's line
        end
      end
    end
    namespaces[namespace] = functions
  end
  return namespaces
end

return M
