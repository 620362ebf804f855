-- JSON out: keys sorted so that output is stable and diffable, 2-space indent
-- (or compact). Scalars go through core.encode (exact integers, escaping).
local core = require "sakari.core"
local util = require "sakari.util"
local context = require "sakari.cli.context"

local M = {}

-- An empty decoded array prints as [] and an empty object as {}.
M.is_array = require("sakari.patch").is_array

local function sequence_length(t)
  local n = 0
  for k in pairs(t) do
    if type(k) ~= "number" then return nil end
    n = n + 1
  end
  for i = 1, n do
    if t[i] == nil then return nil end
  end
  return n
end

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
  if next(value) == nil then return M.is_array(value) and "[]" or "{}" end
  local inner = indent and (indent .. "  ")
  local parts = {}
  local n = sequence_length(value)
  if n then
    for i = 1, n do parts[i] = M.encode(value[i], inner) end
    return enclose("[", parts, "]", indent)
  end
  local colon = indent and ": " or ":"
  for i, k in ipairs(util.sorted_keys(value)) do
    local v = value[k]
    if v == nil then v = value[tonumber(k)] end
    parts[i] = scalar(k) .. colon .. M.encode(v, inner)
  end
  return enclose("{", parts, "}", indent)
end

function M.print(value)
  context.stdout:write(M.encode(value, ""), "\n")
end

return M
