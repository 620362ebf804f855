rockspec_format = "3.0"
package = "sakari"
version = "0.1.0-1"
source = {
  url = "git+https://github.com/lua-sakari/lua-sakari.git",
  tag = "v0.1.0",
}
description = {
  summary = "The Sakari SMS REST API for Lua, over libcurl and lua-cjson driven from C",
  detailed = [[
    require "sakari" gives a Lua script the Sakari SMS API (contacts, messages,
    conversations, ...) as plain Lua tables: a C core does HTTP with libcurl
    and JSON with lua-cjson, a thin Lua layer names the resources.
  ]],
  license = "MIT",
  labels = { "sms", "api", "http", "curl" },
}
-- lua-cjson is needed at run time, argparse by the `sakari` command. LuaRocks
-- does not see Debian's packages (apt install lua-cjson lua-argparse), so an
-- offline build over them says `luarocks make --deps-mode=none`.
dependencies = {
  "lua >= 5.1, < 5.5",
  "lua-cjson",
  "argparse",
}
build = {
  type = "cmake",
  variables = {
    CMAKE_BUILD_TYPE = "Release",
    LUA_INCDIR = "$(LUA_INCDIR)",
    LIBDIR = "$(LIBDIR)",
    LUADIR = "$(LUADIR)",
  },
  install = { bin = { sakari = "bin/sakari" } },
  -- the editor definitions (LuaLS `---@meta`), copied into the rock's own
  -- directory, `luarocks show --rock-dir sakari`: point workspace.library at its types/
  copy_directories = { "types" },
}
-- `luarocks --lua-version=X test` runs the busted specs in Lua X. The "busted"
-- test type would demand busted as a rock (LuaRocks 3.8 fetches it even when
-- Debian's lua-busted is installed, so offline it fails); spec/run.lua starts
-- the installed busted's runner in LuaRocks' interpreter instead. Elsewhere:
-- luarocks install busted, then eval "$(luarocks path)" before luarocks test.
test = {
  type = "command",
  script = "spec/run.lua",
}
