-- The same sources run on Lua 5.4 and LuaJIT: allow the union of their globals
-- (`jit`, `unpack`) but nothing else.
std = "max"
max_line_length = 120

files["spec/"] = { std = "+busted" }
files[".busted"] = { std = "max" }
exclude_files = { "build/**", "build-*/**", "lua_modules/**", ".luarocks/**" }
