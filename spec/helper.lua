-- Loaded once per busted run, before any spec file (see .busted).
-- core.so is built per Lua ABI into build/<interpreter>/sakari/core.so.
-- SAKARI_BUILD_DIR picks another build of it (the sanitizer build, say).
local interpreter = jit and "luajit" or ("lua" .. _VERSION:match("%d+%.%d+"))
local build = os.getenv("SAKARI_BUILD_DIR") or ("build/" .. interpreter)
package.cpath = build .. "/?.so;" .. package.cpath

-- Required here, outside busted's per-file insulation, so that every spec file
-- shares this one module table and therefore the one sandbox it starts.
require "spec.support.sandbox"
