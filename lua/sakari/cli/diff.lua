-- What a write would change, field by field: the contact as the server holds
-- it against the body a PUT would send.
--   k17 firstName "Bob" -> "Robert"; email unchanged
local core = require "sakari.core"
local patch = require "sakari.patch"
local json_out = require "sakari.cli.json_out"
local util = require "sakari.util"

local M = {}

-- An empty array or object is no value: the server stores an absent `lists`
-- as [] and an absent `attributes` as {}.
local function empty(v)
  return v == nil or v == core.null or (type(v) == "table" and next(v) == nil)
end

-- Leaves by dotted path: objects are walked into (mobile.number,
-- attributes.plan), an array is one leaf.
local function flatten(value, prefix, out)
  for k, v in pairs(value) do
    local path = prefix .. tostring(k)
    if type(v) == "table" and not empty(v) and not patch.is_array(v) then
      flatten(v, path .. ".", out)
    elseif not empty(v) then
      out[path] = v
    end
  end
  return out
end

local function text(v) return v == nil and "(none)" or json_out.encode(v) end

-- The writable view of a contact as read: what a PUT of it unchanged would send.
function M.writable(contact)
  return patch.body("ContactRequest", contact, {})
end

-- before: the contact as read; sent: the body a PUT would send. Returns the
-- changes { {path, old, new} } sorted by path (old or new nil when absent).
function M.changes(before, sent)
  local old, new = flatten(M.writable(before), "", {}), flatten(sent, "", {})
  local paths = {}
  for _, leaves in ipairs { old, new } do
    for path in pairs(leaves) do paths[path] = true end
  end
  local changes = {}
  for _, path in ipairs(util.sorted_keys(paths)) do
    local a, b = old[path], new[path]
    if text(a) ~= text(b) then changes[#changes + 1] = { path = path, old = a, new = b } end
  end
  return changes
end

-- The leaves a row names (its non-empty fields), for "email unchanged".
function M.named(fields)
  return util.sorted_keys(flatten(fields, "", {}))
end

-- One line: the changes, then the named fields that stay as they are.
function M.describe(id, changes, named)
  local parts, changed = {}, {}
  for _, c in ipairs(changes) do
    changed[c.path] = true
    parts[#parts + 1] = ("%s %s -> %s"):format(c.path, text(c.old), text(c.new))
  end
  for _, path in ipairs(named or {}) do
    if not changed[path] then parts[#parts + 1] = path .. " unchanged" end
  end
  if #parts == 0 then parts[1] = "unchanged" end
  return id .. " " .. table.concat(parts, "; ")
end

return M
