-- Writes types/sakari.lua: definitions of `require "sakari"` for the Lua
-- language server (LuaLS: Neovim's lua_ls, VS Code's Lua extension), so an
-- editor completes and describes every function, argument and field. Read from
-- the endpoint rows (resources.lua), the schemas (schemas.lua) and the
-- settings table (settings.lua): the file cannot say what the code does not. Run from the repository root:
--   make types        (lua5.4 docs/gen_types.lua > types/sakari.lua)
-- loadfile("docs/gen_types.lua")("--text") returns the text instead (a spec
-- compares it with the committed file).
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
if not package.cpath:find("build/", 1, true) then
  package.cpath = ((rawget(_G, "jit") and "build/luajit/?.so;") or "build/lua5.4/?.so;") .. package.cpath
end
local resources = require "sakari.resources"
local schemas = require "sakari.schemas"
local settings = require "sakari.settings"

local out = {}
local function say(line) out[#out + 1] = line end

local sorted = require("sakari.util").sorted_keys

-- A setting's type, found by asking its own check (so it cannot disagree with it).
local PROBES = {
  { "integer", 1, 1.5 }, { "number", 1.5 }, { "boolean", true }, { "string", "https://example.com" },
  { "function", print }, { "table", { request = print } },
}
local function probed_type(check)
  local types = {}
  for _, probe in ipairs(PROBES) do
    local name, good, bad = probe[1], probe[2], probe[3]
    if check(good) and not (bad ~= nil and check(bad)) then
      types[#types + 1] = name
      if name == "integer" then break end -- a whole number is not also any number
    end
  end
  return #types > 0 and table.concat(types, "|") or "any"
end

-- Field types of the schemas.
local pending = {} -- inline objects still to write as classes: { name, node }

local function class_name(schema) return "sakari." .. schema end

local function type_of(node, owner)
  local kind = node.kind
  local scalar = schemas.SCALARS[kind]
  if scalar ~= nil then return scalar or "any" end
  if kind == "object" then
    pending[#pending + 1] = { owner, node }
    return owner
  elseif kind == "array" then
    local item = type_of(node.item, owner .. "_item")
    return (item:find("|", 1, true) and "(" .. item .. ")" or item) .. "[]"
  elseif kind == "map" then
    return "table<string, " .. type_of(node.value, owner .. "_value") .. ">"
  end
  return class_name(kind)
end

local function field_doc(node)
  local notes = {}
  if node.kind == "date-time" then notes[#notes + 1] = "ISO-8601 date-time" end
  if node.doc then notes[#notes + 1] = node.doc end
  if node.read_only then notes[#notes + 1] = "read-only: sent back as read, the server ignores it" end
  return #notes > 0 and " " .. table.concat(notes, "; ") or ""
end

local function write_class(name, node)
  say("---@class " .. name)
  for _, field in ipairs(sorted(node.fields)) do
    local f = node.fields[field]
    say(("---@field %s? %s%s"):format(field, type_of(f, name .. "." .. field), field_doc(f)))
  end
  say("")
end

local function write_schemas()
  say("-- The objects of the API (schemas.lua). Every field is optional: a body sends what it names.")
  say("")
  for _, schema in ipairs(sorted(schemas.schemas)) do
    local entry = schemas.schemas[schema]
    if type(entry) == "string" then
      say(("---@alias %s %s"):format(class_name(schema), class_name(entry)))
      say("")
    else
      write_class(class_name(schema), schemas.node(schema))
      while #pending > 0 do
        local p = table.remove(pending, 1)
        write_class(p[1], p[2])
      end
    end
  end
end

local function write_fixed()
  say("---The error object a failed call returns as its second value; `tostring(err)` describes it.")
  say("---@class sakari.Error")
  say("---@field status integer|nil the HTTP status, nil when no answer arrived")
  say("---@field code string Sakari's error.code (\"CONT-001\"), or timeout, connect, dns, tls, transport, decode, ...")
  say("---@field message string Sakari's message, or what went wrong")
  say("---@field retryable boolean a transient failure (transport, 429, 500, 502, 503, 504)")
  say("---@field method string the request's method")
  say("---@field path string the request's path, without host or query")
  say("")
  say("---The settings of `sakari.new` and `sakari.configure`; one left out falls back to its")
  say("---environment variable, then to its default.")
  say("---@class sakari.Config")
  for _, row in ipairs(settings.rows) do
    local notes = { row.doc, row.kind.expected }
    if row.env then notes[#notes + 1] = "env " .. row.env end
    if row.default ~= nil then notes[#notes + 1] = "default " .. tostring(row.default) end
    say(("---@field %s? %s %s"):format(row.name, probed_type(row.kind.check), table.concat(notes, "; ")))
  end
  say("")
  say("---Options every call takes; they override the client's settings for this call.")
  say("---@class sakari.CallOptions")
  for _, row in ipairs(settings.rows) do
    if row.per_call then
      say(("---@field %s? %s %s"):format(row.name, probed_type(row.kind.check), row.doc))
    end
  end
  say("---@field query? table<string, string|number|boolean|table> query parameters this library does not know yet")
  say("")
  say("---A non-blocking queue of calls (`client.queue`).")
  say("---@class sakari.Queue")
  say("---@field push fun(call: table|function, callback?: fun(value: any, err: sakari.Error|nil, ...)): integer")
  say("---@field poll fun(timeout?: number): table[] `{ id, value, err }` of the calls that finished")
  say("---@field pending fun(): integer")
  say("---@field close fun()")
  say("")
end

-- One namespace's functions.
local ANSWER_RETURNS = {
  -- true when the answer carries no data: only where no object is documented
  item = { { "%s|nil", "result" }, { "sakari.Error|nil", "err" } },
  first = { { "%s|nil", "result" }, { "sakari.Error|nil", "err" } },
  page = { { "%s[]|nil", "items" }, { "sakari.Pagination|sakari.Error|nil", "pagination_or_err" } },
  success = { { "true|nil", "ok" }, { "sakari.Error|nil", "err" } },
  report = { { "table[]|nil", "records" }, { "string[]|sakari.Error|nil", "header_or_err" },
    { "string|nil", "text" } },
  each = { { "(fun(): %s|nil)", "iterator (raises the err object of a failed page)" } },
}
local UPLOAD_TYPE = {
  csv = { "string|string[][]", "CSV text, or rows (the first the header)" },
  file = { "string|{data: string, filename?: string, content_type?: string}", "the file's bytes" },
}

local function query_type(row, name)
  if name == "offset" or name == "limit" then return "integer" end
  local values = row.enums and row.enums[name]
  if values then
    local literals = {}
    for i, v in ipairs(values) do literals[i] = ("%q"):format(v) end
    return table.concat(literals, "|")
  end
  return "string|number|boolean|(string|number|boolean)[]"
end

local function options_class(namespace, name, row)
  if not row.query then return "sakari.CallOptions" end
  local class = ("sakari.options.%s.%s"):format(namespace, name)
  local required = {}
  for _, r in ipairs(row.required or {}) do required[r] = true end
  say(("---@class %s: sakari.CallOptions"):format(class))
  local names = {}
  for _, q in ipairs(row.query) do names[#names + 1] = q end
  table.sort(names)
  for _, q in ipairs(names) do
    say(("---@field %s%s %s"):format(q, required[q] and "" or "?", query_type(row, q)))
  end
  say("")
  return class
end

-- A local row's parameters, read from the line that defines its function (Lua
-- 5.1 cannot list a function's parameters).
local function local_params(fn)
  local info = debug.getinfo(fn, "S")
  local f = assert(io.open(info.source:sub(2)))
  local line
  for _ = 1, info.linedefined do line = f:read("*l") end
  f:close()
  local params = {}
  for name in assert(line:match("^%s*function [%w_.:]+%(([^)]*)%)"), line):gmatch("[%w_]+") do
    params[#params + 1] = name
  end
  return params
end

local function write_function(namespace, name, row, var)
  if row.kind == "local" then
    local params = local_params(row.fn)
    say(("---`%s.%s`: runs locally, no request is sent."):format(namespace, name))
    for _, p in ipairs(params) do say(("---@param %s any"):format(p)) end
    say(("function %s.%s(%s) end"):format(var, name, table.concat(params, ", ")))
    say("")
    return
  end
  local class = options_class(namespace, name, row)
  local answer_class = schemas.answers[namespace .. "." .. name] or schemas.answers[namespace]
  local item = answer_class and class_name(answer_class) or "table"
  local result = answer_class and item or "table|true"
  local what = ({ each = "A lazy iterator over every item of every page of ", patch = "Read, merge and " })[row.kind]
  say(("---%s%s `%s`%s"):format(what or "", row[1], row[2], row.experimental and " (experimental)" or ""))
  if row.retry == "never" then say("---Never repeated once it may have reached the server.") end
  local params, param_types = {}, {}
  local function param(name_, type_, doc_)
    params[#params + 1], param_types[#params + 1] = name_, type_
    say(("---@param %s %s%s"):format(name_, type_, doc_ or ""))
  end
  for placeholder in row[2]:gmatch("{([%w_]+)}") do param(placeholder, "string") end
  if row.body then
    if row.upload then
      param(row.body, UPLOAD_TYPE[row.upload][1], " " .. UPLOAD_TYPE[row.upload][2])
    else
      param(row.body, class_name(row.schema))
    end
  end
  params[#params + 1], param_types[#params + 1] = "options", class
  say(("---@param options%s %s"):format(row.required and "" or "?", class))
  local answer = row.kind == "each" and "each" or row.answer or "item"
  local returns = {}
  for i, r in ipairs(ANSWER_RETURNS[answer]) do
    returns[i] = r[1]:format((answer == "item" or answer == "first") and result or item)
    say(("---@return %s %s"):format(returns[i], r[2]))
  end
  -- with the account_id setting, or from client.account(id), the account is left out
  if params[1] == "accountId" and not row.upload then
    local types = {}
    for i = 2, #params do
      local optional = params[i] == "options" and not row.required
      types[#types + 1] = ("%s%s: %s"):format(params[i], optional and "?" or "", param_types[i])
    end
    say(("---@overload fun(%s): %s"):format(table.concat(types, ", "), table.concat(returns, ", ")))
  end
  say(("function %s.%s(%s) end"):format(var, name, table.concat(params, ", ")))
  say("")
end

local function generate()
  out = {}
  say("---@meta sakari")
  say("-- Definitions of `require \"sakari\"` for the Lua language server (LuaLS). Generated by")
  say("-- docs/gen_types.lua from the endpoint table and the schemas (`make types`): do not edit.")
  say("")
  write_fixed()
  write_schemas()

  local namespaces = sorted(resources.endpoints)
  for _, namespace in ipairs(namespaces) do
    local var = "ns_" .. namespace
    say(("---@class sakari.%s"):format(namespace))
    say(("local %s = {}"):format(var))
    say("")
    local rows = resources.endpoints[namespace]
    for _, name in ipairs(sorted(rows)) do write_function(namespace, name, rows[name], var) end
  end

  say("---A client: the namespaces of functions, and `batch`, `queue`, `close`.")
  say("---@class sakari.Client")
  for _, namespace in ipairs(namespaces) do say(("---@field %s sakari.%s"):format(namespace, namespace)) end
  say("local Client = {}")
  say("")
  say("---Runs many calls, up to `opts.concurrency` (8) in flight. A call is")
  say("---`{ \"namespace.function\", arguments... }` or a function making client calls.")
  say("---@param calls table[]|fun(): (table|function|nil)")
  say("---@param opts? {concurrency?: integer, on_result?: fun(i: integer, value: any, err: sakari.Error|nil)}")
  say("---@return table results `results[i] = { value, err }`, or `{ done, failed }` with on_result")
  say("function Client.batch(calls, opts) end")
  say("")
  say("---A non-blocking queue of calls for event loops.")
  say("---@param opts? {concurrency?: integer}")
  say("---@return sakari.Queue")
  say("function Client.queue(opts) end")
  say("")
  say("---Closes the client's connections; a later call opens new ones.")
  say("function Client.close() end")
  say("")
  say("---The functions that take an account, with the account bound: each takes its arguments")
  say("---after the account (`client.account(\"acc\").contacts.get(contactId)`).")
  say("---@param id string the account id")
  say("---@return sakari.Client")
  say("function Client.account(id) end")
  say("")
  say("---The module: the default client's namespaces (built from the environment on first use).")
  say("---@class sakari: sakari.Client")
  say("---@field VERSION string")
  say("---@field null lightuserdata JSON null, as answers hold it and as a body may send it")
  say("---@field settings table every setting: `settings.list()` gives name, env, default, expected and doc")
  say("local sakari = {}")
  say("")
  say("---A new client.")
  say("---@param config? sakari.Config")
  say("---@return sakari.Client")
  say("function sakari.new(config) end")
  say("")
  say("---Replaces the default client behind the module-level namespaces.")
  say("---@param config? sakari.Config")
  say("function sakari.configure(config) end")
  say("")
  say("---Marks a table (or a new one) as a JSON array, so that it is sent as `[]` even when empty.")
  say("---@generic T: table")
  say("---@param t? T")
  say("---@return T")
  say("function sakari.array(t) end")
  say("")
  say("---Whether a value is the error object a failed call returns.")
  say("---@param x any")
  say("---@return boolean")
  say("function sakari.is_error(x) end")
  say("")
  say("---Whether a raised error is a mistake in how the library was called (a bad argument,")
  say("---setting or name).")
  say("---@param x any")
  say("---@return boolean")
  say("function sakari.is_argument(x) end")
  say("")
  say("return sakari")
  return table.concat(out, "\n") .. "\n"
end

if ... == "--text" then return generate() end
io.write(generate())
