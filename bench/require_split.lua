-- Where the time of `require "sakari"` goes, for bench.py (one fresh process):
--
--   lua5.4 bench/require_split.lua
--
-- Prints one line per module the require loads, in the order they finish:
-- name, depth, inclusive and exclusive CPU ms (os.clock). Before the require
-- it loads build/.../sakari/core.so and the libraries it links (libcurl and
-- its dependencies) without opening it, and prints that time first, at depth 0:
-- it is part of the require's cost, not of sakari.core's line.
local clock = os.clock
local original = require
local depth, rows = 0, {}

local function timed(name)
  local t0 = clock()
  local value = original(name)
  return value, (clock() - t0) * 1000
end

-- Loading the object alone, without opening it, measures the dynamic linker.
local dlopen_ms = 0
local path = package.searchpath("sakari.core", package.cpath)
if path then
  local t0 = clock()
  assert(package.loadlib(path, "*"))
  dlopen_ms = (clock() - t0) * 1000
end

function require(name) -- luacheck: ignore
  if package.loaded[name] then return package.loaded[name] end
  depth = depth + 1
  local row = { name, depth, 0, 0 }
  local value, ms = timed(name)
  depth = depth - 1
  row[3] = ms
  rows[#rows + 1] = row
  return value
end

require "sakari"

-- exclusive = inclusive less the modules loaded directly inside it
for i, row in ipairs(rows) do
  local inner = 0
  for j = i - 1, 1, -1 do
    if rows[j][2] <= row[2] then break end
    if rows[j][2] == row[2] + 1 then inner = inner + rows[j][3] end
  end
  row[4] = row[3] - inner
end
io.write(("core.so + libcurl (dlopen)\t0\t%.3f\t%.3f\n"):format(dlopen_ms, dlopen_ms))
for _, row in ipairs(rows) do
  io.write(("%s\t%d\t%.3f\t%.3f\n"):format(row[1], row[2], row[3], row[4]))
end
