-- JSON out: keys sorted so that output is stable and diffable, 2-space indent
-- (or compact). Scalars go through core.encode (exact integers, escaping).
local core = require "sakari.core"
local util = require "sakari.util"

local M = {}

-- Decoded JSON marks its arrays, so that an empty one prints as [] (an empty
-- object as {}); a table built here is an array when it has items.
local is_array = require("sakari.patch").is_array

-- cjson writes "/" as "\/": legal, but noise in a URL
local function scalar(value)
  local text = core.encode(value)
  if type(value) == "string" and text:find("\\/") then
    text = text:gsub("\\(.)", function(c) if c == "/" then return "/" end end)
  end
  return text
end

local function enclose(open, parts, close, indent)
  if not indent then return open .. table.concat(parts, ",") .. close end
  local inner = indent .. "  "
  return open .. "\n" .. inner .. table.concat(parts, ",\n" .. inner) .. "\n" .. indent .. close
end

-- indent: the current line's indent, or nil for compact output.
function M.encode(value, indent)
  if value == core.null then return "null" end
  if type(value) ~= "table" then return scalar(value) end
  if next(value) == nil then return is_array(value) and "[]" or "{}" end
  local inner = indent and (indent .. "  ")
  local parts = {}
  if is_array(value) then
    for i, v in ipairs(value) do parts[i] = M.encode(v, inner) end
    return enclose("[", parts, "]", indent)
  end
  local colon = indent and ": " or ":"
  for i, k in ipairs(util.sorted_keys(value)) do
    parts[i] = scalar(k) .. colon .. M.encode(value[k], inner)
  end
  return enclose("{", parts, "}", indent)
end

return M
