-- A "patch" row (contacts.patch): change some fields of a record and keep the rest.
--
-- Sakari's PUT replaces the record: a writable field missing from the body is
-- cleared (a contact's lists, attributes, opt-in state, ...). So patch reads the
-- record, deep-merges the changes into its writable fields and PUTs the result: not
-- atomic, a change someone made between the read and the write is overwritten.
local core = require "sakari.core"
local schemas = require "sakari.schemas"

local M = {}

local ARRAY_MT = getmetatable(core.array())

-- From the row's schema (schemas.lua): the fields the server computes, which are
-- pointless to send back at best (everything else is kept, unknown fields included:
-- a writable field this library does not know yet must survive a patch), and the
-- JSON arrays (an empty table a caller's changes hold would go out as `{}`).
local rules = {} -- schema name -> { read_only, arrays }, worked out on first use
local function rules_of(schema)
  local rule = rules[schema] or { read_only = schemas.read_only(schema), arrays = schemas.arrays(schema) }
  rules[schema] = rule
  return rule
end

-- Decoded JSON marks its arrays (as sakari.array does); a caller's table is one when it has items.
function M.is_array(t)
  return getmetatable(t) == ARRAY_MT or t[1] ~= nil
end

-- A copy that encodes as the original does: the array mark, and the digits of
-- numbers a float cannot hold (Lua 5.1 and LuaJIT past 2^53, any Lua past 64 bits).
-- leave_out: read_only's rules (true: the field is left out; a table: rules for its fields).
local function copy(value, leave_out)
  if type(value) ~= "table" then return value end -- sakari.null is not a table
  local out = {}
  for k, v in pairs(value) do
    local rule = leave_out and leave_out[k]
    if rule ~= true then out[k] = copy(v, rule) end
  end
  return core.keep_digits(value, setmetatable(out, getmetatable(value)))
end

-- Merges `changes` into `target` (a fresh copy), key by key:
--   an object merges into an object, recursively (attributes = {plan = "gold"}
--   changes one attribute); anything else, arrays included, replaces (lists is
--   a whole new list); sakari.null removes the field, so the PUT clears it.
function M.merge(target, changes)
  for key, change in pairs(changes) do
    local current = target[key]
    if change == core.null then
      target[key] = nil
    elseif type(change) == "table" and type(current) == "table"
        and not M.is_array(change) and not M.is_array(current) then
      M.merge(current, change)
    else
      target[key] = copy(change)
    end
  end
end

-- The body a PUT needs to turn the record `current` (as read) into `current` +
-- `changes`; `schema` names its request body (a row's schema, "ContactRequest").
function M.body(schema, current, changes)
  local rule = rules_of(schema)
  local body = copy(current, rule.read_only)
  for key, value in pairs(body) do
    -- a null read back (mobile.verified, say) is not a value PUT accepts
    if value == core.null then body[key] = nil end
  end
  M.merge(body, changes)
  for key in pairs(rule.arrays) do
    if type(body[key]) == "table" and next(body[key]) == nil then body[key] = core.array() end
  end
  return body
end

return M
