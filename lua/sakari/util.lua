-- Small helpers shared by the Lua layer. Everything here must behave the same on
-- Lua 5.4 and LuaJIT (5.1 semantics: no integer division, no bit operators).
local usage = require "sakari.usage"

local M = {}

-- How a value is described in "expected X, got Y" messages. The core is
-- required here, not at load: sakari.settings must load without it (health.lua).
function M.describe(value)
  if value == "" then return "empty string" end
  if value == require("sakari.core").null then return "null" end
  if value ~= value then return "NaN" end
  if value == math.huge or value == -math.huge then return "infinite number" end
  return type(value)
end

function M.finite(v) return type(v) == "number" and v == v and v > -math.huge and v < math.huge end
function M.non_empty_string(v) return type(v) == "string" and v ~= "" end

function M.sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = tostring(k) end
  table.sort(keys)
  return keys
end

-- A set's keys as a message lists them: "a, b, c" (built only when a message needs it).
function M.listed(set)
  return table.concat(M.sorted_keys(set), ", ")
end

-- Edits (insert, delete, replace, swap two neighbours) turning a into b.
local function distance(a, b)
  local rows = {}
  for i = 0, #a do rows[i] = { [0] = i } end
  for j = 1, #b do rows[0][j] = j end
  for i = 1, #a do
    for j = 1, #b do
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      local d = math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
      if i > 1 and j > 1 and a:sub(i, i) == b:sub(j - 1, j - 1) and a:sub(i - 1, i - 1) == b:sub(j, j) then
        d = math.min(d, rows[i - 2][j - 2] + 1)
      end
      rows[i][j] = d
    end
  end
  return rows[#a][#b]
end

-- The name of `names` (a set) closest to `name`, when it is close enough to be
-- the one meant (a typo, a missing plural `s`); nil otherwise.
function M.closest(name, names)
  local best, best_distance = nil, math.max(2, math.floor(#name / 3)) + 1
  for _, candidate in ipairs(M.sorted_keys(names)) do
    local d = distance(name:lower(), candidate:lower())
    if d < best_distance then best, best_distance = candidate, d end
  end
  return best
end

-- "; did you mean <prefix><name>?" when `names` (a set) has one close to `name`, else "".
function M.suggest(name, names, prefix)
  local guess = type(name) == "string" and M.closest(name, names)
  return guess and ("; did you mean %s%s?"):format(prefix or "", guess) or ""
end

-- An error message without the "file.lua:12: " position that error() put in
-- front, to be raised again at the caller's line; a usage error gives its
-- message, an error object is returned as it is.
function M.strip_position(message)
  if usage.is(message) then return message.message end
  if type(message) ~= "string" then return message end
  return (message:gsub("^[^\n:]-%.lua:%d+: ", "", 1))
end

-- Error bodies can be whole HTML pages; keep a short single-line readable excerpt.
-- `markup` says the text may be an HTML page, whose tags carry no meaning for a human.
function M.snippet(text, max, markup)
  max = max or 120
  text = tostring(text or "")
  if markup then text = text:gsub("<[^>]*>", " ") end
  text = text:gsub("[%z\1-\31\127 ]+", " ") -- no control characters in messages, one space for a run
  text = text:gsub("^ ", ""):gsub(" $", "")
  if #text > max then
    text = text:sub(1, max)
    -- do not leave half a UTF-8 sequence at the cut
    text = text:gsub("[\192-\255][\128-\191]*$", "")
    text = text .. "..."
  end
  return text
end

return M
