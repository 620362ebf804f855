-- Writes the function list of doc/sakari.txt (the section tagged
-- *sakari-functions*) from the endpoint table, so `:help sakari` cannot drift
-- from the code. From the repository root, with the core built:
--
--   lua5.4 scripts/gen_vimdoc.lua           rewrites the section in place
--   lua5.4 scripts/gen_vimdoc.lua --check   exits 1 when the file is out of date
--
-- spec/nvim/doc_test.lua loads it (dofile) and compares, inside Neovim.
local M = {}

M.FILE = "doc/sakari.txt"
M.WIDTH = 78
local BEGIN = "*sakari-functions*"
local RULE = ("="):rep(M.WIDTH)

-- What the callback of each answer kind gets (resources.lua: `answer`).
local CALLBACK = {
  item = "(object, err)",
  first = "(object, err): the object created",
  page = "(items, err, pagination)",
  success = "(true, err)",
  report = "(records, err, header, text)",
}

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

-- The lines of `text` (a string or lines) with `tag` at the right margin of
-- the first, or on a line of its own above them when they do not fit.
local function tagged(text, tag)
  local lines = type(text) == "table" and text or { text }
  local gap = M.WIDTH - #lines[1] - #tag
  local out = {}
  if #lines == 1 and gap >= 2 then
    out[1] = lines[1] .. (" "):rep(gap) .. tag
    return out
  end
  out[1] = (" "):rep(M.WIDTH - #tag) .. tag
  for _, l in ipairs(lines) do out[#out + 1] = l end
  return out
end

local function signature(namespace, name, row)
  local args = {}
  for placeholder in (row[2] or ""):gmatch("{([%w_]+)}") do args[#args + 1] = "{" .. placeholder .. "}" end
  if row.body then args[#args + 1] = "{" .. row.body .. "}" end
  if row.kind == "local" then
    args[#args + 1] = "..."
  else
    args[#args + 1] = "[{opts}]"
  end
  if row.kind == "each" then
    args[#args + 1] = "[{on_page}]"
    args[#args + 1] = "{on_done}"
  else
    args[#args + 1] = "{callback}"
  end
  -- one line, or broken after a comma with the rest indented
  local lines, line = {}, namespace .. "." .. name .. "("
  for i, a in ipairs(args) do
    local piece = a .. (i < #args and "," or ")")
    if i > 1 and #line + 1 + #piece > M.WIDTH then
      lines[#lines + 1] = line
      line = "        " .. piece
    else
      line = line .. (i > 1 and " " or "") .. piece
    end
  end
  lines[#lines + 1] = line
  return lines
end

-- Wraps words into lines of `indent` + text no wider than M.WIDTH.
local function wrap(indent, text)
  local lines, line = {}, indent
  for word in text:gmatch("%S+") do
    if #line > #indent and #line + 1 + #word > M.WIDTH then
      lines[#lines + 1] = line
      line = indent .. word
    else
      line = (#line > #indent) and (line .. " " .. word) or (line .. word)
    end
  end
  if #line > #indent then lines[#lines + 1] = line end
  return lines
end

local function describe(row)
  local out = {}
  local function add(lines) for _, l in ipairs(lines) do out[#out + 1] = l end end
  if row.kind == "local" then
    add(wrap("    ", "No request: returns at once, or passes its result to a trailing callback."))
    return out
  end
  local request = ("%s %s"):format(row[1], row[2])
  if row.kind == "each" then
    add(wrap("    ", "Every page of " .. request .. ": |sakari-each|."))
  elseif row.kind == "patch" then
    add(wrap("    ", ("Reads with %s, merges {%s} into it, then %s."):format(row.read, row.body, request)))
    add(wrap("    ", "Callback: " .. CALLBACK.item))
  else
    add({ "    " .. request })
    add(wrap("    ", "Callback: " .. CALLBACK[row.answer or "item"]))
  end
  if row.upload then add(wrap("    ", ("{%s}: %s to upload."):format(row.body, row.upload == "csv"
    and "CSV text" or "the file's bytes (a string)"))) end
  if row.query and #row.query > 0 then add(wrap("    ", "Options: " .. table.concat(row.query, ", ") .. ".")) end
  if row.required then add(wrap("    ", "Required: " .. table.concat(row.required, ", ") .. ".")) end
  for _, key in ipairs(sorted_keys(row.enums or {})) do
    add(wrap("    ", ("{%s}: one of %s."):format(key, table.concat(row.enums[key], ", "))))
  end
  if row.retry == "never" then
    add(wrap("    ", "Never repeated once it may have reached the server: it costs money."))
  end
  if row.experimental then add(wrap("    ", "Experimental: documented only by a third party.")) end
  return out
end

-- The section's lines, from its heading to the blank line before the next rule.
function M.section(endpoints)
  local out = {}
  local function add(lines) for _, l in ipairs(lines) do out[#out + 1] = l end end
  add(tagged("9. FUNCTIONS", BEGIN))
  out[#out + 1] = ""
  add(wrap("", "Generated from the endpoint table (lua/sakari/resources.lua) by"
    .. " scripts/gen_vimdoc.lua. Every function of a `sakari.nvim` client; the same"
    .. " functions, without the callback, are those of `require(\"sakari\")` and"
    .. " `sakari.new()`. Arguments: one string per path placeholder, then the body"
    .. " table, then an optional options table (|sakari-options|), then the callback."))
  for _, namespace in ipairs(sorted_keys(endpoints)) do
    out[#out + 1] = ""
    add(tagged(namespace:upper(), "*sakari-" .. namespace .. "*"))
    local rows = endpoints[namespace]
    for _, name in ipairs(sorted_keys(rows)) do
      local row = rows[name]
      out[#out + 1] = ""
      add(tagged(signature(namespace, name, row), ("*sakari.%s.%s()*"):format(namespace, name)))
      add(describe(row))
    end
  end
  out[#out + 1] = ""
  return out
end

-- The file's text with the generated section replaced, or nil, why.
function M.update(text, endpoints)
  local lines = {}
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
  if lines[#lines] == "" then lines[#lines] = nil end
  local first, last
  for i, line in ipairs(lines) do
    if not first and line:sub(-#BEGIN) == BEGIN then
      first = i
      if lines[i - 1] and lines[i - 1]:match("^%s+%*") then first = i - 1 end -- a tag on its own line
    elseif first and line == RULE then
      last = i - 1
      break
    end
  end
  if not first then return nil, M.FILE .. ": no line ending in " .. BEGIN end
  last = last or #lines
  local result = {}
  for i = 1, first - 1 do result[#result + 1] = lines[i] end
  for _, l in ipairs(M.section(endpoints)) do result[#result + 1] = l end
  for i = last + 1, #lines do result[#result + 1] = lines[i] end
  return table.concat(result, "\n") .. "\n"
end

local function main(argv)
  package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
  local abi = rawget(_G, "jit") and "luajit" or ("lua" .. _VERSION:match("%d+%.%d+"))
  package.cpath = ("build/%s/?.so;"):format(abi) .. package.cpath
  local endpoints = require("sakari.resources").endpoints
  local file = assert(io.open(M.FILE, "rb"))
  local text = file:read("*a")
  file:close()
  local updated, why = M.update(text, endpoints)
  if not updated then
    io.stderr:write(why, "\n")
    return 1
  end
  if argv[1] == "--check" then
    if updated == text then return 0 end
    io.stderr:write(M.FILE .. " is out of date: run lua5.4 scripts/gen_vimdoc.lua\n")
    return 1
  end
  if updated ~= text then
    file = assert(io.open(M.FILE, "wb"))
    file:write(updated)
    file:close()
  end
  return 0
end

if arg and arg[0] and arg[0]:match("gen_vimdoc%.lua$") then os.exit(main(arg)) end
return M
