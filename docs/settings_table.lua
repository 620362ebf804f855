-- README's settings table, made from the settings table (lua/sakari/settings.lua),
-- so the doc of a setting lives once. `lua5.4 docs/settings_table.lua` prints it;
-- with `--write` it replaces the table between README's settings markers.
-- spec/readme_spec.lua checks README holds exactly this.
local script = arg and arg[0] and arg[0]:find("settings_table%.lua$")
if script then
  package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
  package.cpath = "build/lua5.4/?.so;" .. package.cpath
end
local settings = require "sakari.settings"

local M = {}

M.BEGIN, M.END = "<!-- settings: made by docs/settings_table.lua -->", "<!-- /settings -->"

local function cell(value)
  if value == nil then return "" end
  return "`" .. tostring(value) .. "`"
end

function M.markdown()
  local lines = { "| key | environment | default | per call | meaning |", "|---|---|---|---|---|" }
  for _, s in ipairs(settings.list()) do
    lines[#lines + 1] = ("| `%s` | %s | %s | %s | %s |"):format(s.name, cell(s.env), cell(s.default),
      s.per_call and "yes" or "", s.doc)
  end
  return table.concat(lines, "\n")
end

-- README's text with the table between the markers replaced, or nil if a marker is missing.
function M.replace(readme)
  local first = readme:find(M.BEGIN, 1, true)
  local last = readme:find(M.END, 1, true)
  if not (first and last) then return nil end
  return readme:sub(1, first + #M.BEGIN) .. M.markdown() .. "\n" .. readme:sub(last)
end

if script then
  if arg[1] == "--write" then
    local f = assert(io.open("README.md", "rb"))
    local text = assert(M.replace(f:read("*a")), "README.md has no settings markers")
    f:close()
    f = assert(io.open("README.md", "wb"))
    f:write(text)
    f:close()
  else
    print(M.markdown())
  end
end

return M
