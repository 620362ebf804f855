#!/usr/bin/env bash
# The test suite: installs and builds (scripts/setup.sh), lints, runs the
# busted specs on Lua 5.4 and LuaJIT, then the update spec under valgrind.
# Each spec run starts its own sandbox (spec/support/sandbox.lua).
# Ends with one line "suite: N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

passed=0 failed=0 status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Adds busted's closing counts ("N successes / N failures / N errors / N pending").
count() {
  local line
  line=$(grep -E '^[0-9]+ successes? / [0-9]+ failures? / [0-9]+ errors? / [0-9]+ pending' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    failed=$((failed + 1)) # busted died before it could report
    return
  fi
  set -- $line
  passed=$((passed + $1))
  failed=$((failed + $4 + $7))
}

echo "== luacheck"
luacheck --no-color -q lua spec examples || status=1

for lua in lua5.4 luajit; do
  echo "== busted --lua=$lua"
  busted --lua="$lua" -o utfTerminal 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  count
done

echo "== valgrind memcheck: update spec on lua5.4"
busted --lua=scripts/valgrind-lua.sh -o utfTerminal spec/wire_spec.lua 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
count

echo "== luarocks --lua-version=5.4 make, offline, into a scratch tree"
tree=$(mktemp -d)
if luarocks --lua-version=5.4 --tree="$tree" make >/dev/null &&
  (cd / && LUA_PATH="$tree/share/lua/5.4/?.lua;$tree/share/lua/5.4/?/init.lua;;" \
    LUA_CPATH="$tree/lib/lua/5.4/?.so;;" \
    lua5.4 -e 'assert(type(require("sakari").contacts.update) == "function")'); then
  echo "rock installs and loads from /"
  passed=$((passed + 1))
else
  echo "rock: FAILED"
  failed=$((failed + 1))
fi
rm -rf "$tree"

echo "suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
