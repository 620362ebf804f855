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
-- lua-cjson is needed at run time. It is not listed as a dependency so that
-- `luarocks make` works offline on Debian with the system package
-- (apt install lua-cjson); elsewhere: luarocks install lua-cjson.
dependencies = {
  "lua >= 5.1, < 5.5",
}
build = {
  type = "cmake",
  variables = {
    CMAKE_BUILD_TYPE = "Release",
    LUA_INCDIR = "$(LUA_INCDIR)",
    LIBDIR = "$(LIBDIR)",
    LUADIR = "$(LUADIR)",
  },
}
test = {
  type = "busted",
}
