-- `luarocks --lua-version=X test` runs this file with LuaRocks' interpreter for X
-- (the rockspec's test type "command"), so busted runs in that Lua, as
-- `busted --lua=luaX` would: the same runner as the busted command, reading .busted.
--
-- Not the "busted" test type: LuaRocks 3.8 then insists on a busted *rock* and,
-- offline, fails to fetch one even when Debian's lua-busted is installed.
-- Arguments after `--` go to busted: luarocks --lua-version=5.1 test -- spec/wire_spec.lua
require("busted.runner")({ standalone = false })
