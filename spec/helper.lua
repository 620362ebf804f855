-- Loaded once per busted run, before any spec file (see .busted).
-- core.so is built per Lua ABI into build/<interpreter>/sakari/core.so.
-- SAKARI_BUILD_DIR picks another build of it (the sanitizer build, say).
local interpreter = jit and "luajit" or ("lua" .. _VERSION:match("%d+%.%d+"))
local build = os.getenv("SAKARI_BUILD_DIR") or ("build/" .. interpreter)
package.cpath = build .. "/?.so;" .. package.cpath

-- Required here, outside busted's per-file insulation, so that every spec file
-- shares this one module table and therefore the one sandbox it starts.
require "spec.support.sandbox"

-- SAKARI_GC_STRESS=1: a full collection after every call into the C core, and
-- the collector never resting, so a missing reference in C shows up as a crash
-- or a wrong value instead of hiding until some rare collection.
if os.getenv("SAKARI_GC_STRESS") == "1" then
  local core = require "sakari.core"
  local unpack = table.unpack or unpack
  local function pack(...) return { n = select("#", ...), ... } end
  local function stressed(f)
    return function(...)
      collectgarbage()
      local results = pack(f(...))
      collectgarbage()
      return unpack(results, 1, results.n)
    end
  end
  for name, f in pairs(core) do
    if type(f) == "function" then core[name] = stressed(f) end
  end
  for _, probe in ipairs { core.session(), core.multi() } do
    local methods = debug.getmetatable(probe).__index
    for name, f in pairs(methods) do methods[name] = stressed(f) end
    probe:close()
  end
  collectgarbage("setpause", 0)
end

-- assert.usage_error(f, message): f raises a usage error (sakari.usage: a bad
-- argument, setting or name, told by type) whose message, without the
-- position, is exactly `message`. Where the error is a plain string this is
-- luassert's has_error; usage errors are tables.
do
  local assert = require "luassert"
  local say = require "say"
  local function usage_error(_, arguments)
    local f, expected = arguments[1], arguments[2]
    local ok, err = pcall(f)
    local usage = require "sakari.usage"
    local got = not ok and usage.is(err) and err.message or nil
    arguments[1], arguments[2] = expected, ok and "no error" or tostring(err)
    arguments.n = 2
    return got == expected
  end
  say:set("assertion.usage_error.positive", "Expected usage error:\n%s\nGot:\n%s")
  say:set("assertion.usage_error.negative", "Expected no usage error:\n%s\nGot:\n%s")
  assert:register("assertion", "usage_error", usage_error,
    "assertion.usage_error.positive", "assertion.usage_error.negative")
end
