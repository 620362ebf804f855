#!/usr/bin/env bash
# The test suite: installs and builds (scripts/setup.sh), lints, runs the busted
# specs on Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT, then the same specs under
# AddressSanitizer + UndefinedBehaviorSanitizer, under valgrind memcheck and with
# the garbage collector stressed, fuzzes the C core for a bounded time, installs
# the rock for Lua 5.4 and 5.1 from a clean copy and runs `luarocks test`.
# Each busted run starts its own sandbox (spec/support/sandbox.lua).
# Ends with one line "suite: N passed, N failed"; exits non-zero on any failure.
#
#   bash scripts/test.sh          everything (what CI runs)
#   QUICK=1 bash scripts/test.sh  lint and the plain runs only
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

passed=0 failed=0 status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

summary=() # one line per plain busted run, per Lua, repeated at the end

# Adds busted's closing counts ("N successes / N failures / N errors / N pending");
# with a NAME, also notes "NAME: N passed, N failed, N pending" for the summary.
count() {
  local line name=${1:-}
  line=$(grep -E '^[0-9]+ successes? / [0-9]+ failures? / [0-9]+ errors? / [0-9]+ pending' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    failed=$((failed + 1)) # busted died before it could report
    status=1
    [ -z "$name" ] || summary+=("$name: busted did not report")
    return
  fi
  set -- $line
  passed=$((passed + $1))
  failed=$((failed + $4 + $7))
  [ -z "$name" ] || summary+=("$name: $1 passed, $(($4 + $7)) failed, ${10} pending")
}

# busted ARGS...: one run, its output shown and counted.
run_busted() {
  busted -o utfTerminal "$@" 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  count
}

# check NAME COMMAND...: a check outside busted, counted as one test.
check() {
  local name=$1
  shift
  if "$@"; then
    echo "$name: ok"
    passed=$((passed + 1))
  else
    echo "$name: FAILED"
    failed=$((failed + 1))
    status=1
  fi
}

echo "== luacheck"
check luacheck luacheck --no-color -q lua spec examples fuzz docs

echo "== LDoc reference (make docs)"
docs_run() {
  make --no-print-directory docs >"$log" 2>&1 && [ -s build/docs/modules/sakari.api.html ] &&
    [ -s build/docs/modules/sakari.nvim.html ] && [ -s build/docs/modules/sakari.transport.nginx.html ] || { cat "$log"; false; }
}
check docs docs_run

for lua in lua5.1 lua5.2 lua5.3 lua5.4 luajit; do
  echo "== busted --lua=$lua"
  busted -o utfTerminal --lua="$lua" 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  count "$lua"
done

# Neovim (headless, sakari.nvim) and nginx + lua-nginx-module (content_by_lua,
# the subrequest transport): each runner ends with "NAME: N passed, N failed".
for host in nvim nginx; do
  echo "== $host (spec/$host/run.sh)"
  bash "spec/$host/run.sh" 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  line=$(grep -E "^$host: [0-9]+ passed, [0-9]+ failed$" "$log" | tail -n 1)
  if [ -z "$line" ]; then failed=$((failed + 1)) status=1 summary+=("$host: did not report"); continue; fi
  set -- $line
  passed=$((passed + $2)) failed=$((failed + $4)) summary+=("$line")
done

if [ -z "${QUICK:-}" ]; then
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer build, whole suite on lua5.4"
  cmake -S . -B build/asan-lua5.4 -DSAKARI_LUA=5.4 -DSAKARI_SANITIZE=address,undefined \
    -DCMAKE_BUILD_TYPE=Debug -DSAKARI_WERROR=ON >/dev/null &&
    cmake --build build/asan-lua5.4 -- --no-print-directory >/dev/null || status=1
  SAKARI_BUILD_DIR=build/asan-lua5.4 LD_PRELOAD="$(gcc -print-file-name=libasan.so)" \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    run_busted --lua=lua5.4

  echo "== valgrind memcheck, whole suite on lua5.4 (0 errors, 0 bytes definitely lost)"
  run_busted --lua=scripts/valgrind-lua.sh

  for lua in lua5.4 luajit lua5.1; do # 5.1: the C paths without integers (lua_objlen, ...)
    echo "== aggressive GC (a full collection around every core call), $lua"
    SAKARI_GC_STRESS=1 run_busted --lua="$lua"
  done

  echo "== libFuzzer over the C core, ${FUZZ_SECONDS:-60} s"
  fuzz_run() {
    local corpus
    corpus=$(mktemp -d)
    cp fuzz/corpus/* "$corpus"/
    CC=clang cmake -S . -B build/fuzz -DSAKARI_FUZZ=ON -DSAKARI_LUA=5.4 >/dev/null &&
      cmake --build build/fuzz -- --no-print-directory >/dev/null &&
      build/fuzz/fuzz_core -max_total_time="${FUZZ_SECONDS:-60}" -print_final_stats=1 "$corpus" 2>"$log"
    local rc=$?
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done )" "$log"
    [ $rc -eq 0 ] || tail -n 30 "$log"
    rm -rf "$corpus"
    return $rc
  }
  check fuzz fuzz_run

  # From a clean copy of the sources (no build directory, no build.luarocks from
  # an earlier run) into a scratch tree, offline: the module loads from / (not
  # from this checkout), the `sakari` command runs and the editor types are in
  # the rock. --deps-mode=none: LuaRocks does not see Debian's lua-cjson and
  # lua-argparse, so the declared dependencies cannot be met offline; it then
  # writes the launcher without the tree's paths, so the command runs with the
  # tree on the path (`luarocks path`), as README says.
  rock_run() {
    local v=$1 src tree rc
    src=$(mktemp -d)
    tree=$(mktemp -d)
    tar -C . --exclude=./.git --exclude=./build --exclude=./build.luarocks -cf - . | tar -C "$src" -xf -
    (cd "$src" && luarocks --lua-version="$v" --tree="$tree" make --deps-mode=none >/dev/null) &&
      (cd / && LUA_PATH="$tree/share/lua/$v/?.lua;$tree/share/lua/$v/?/init.lua;;" \
        LUA_CPATH="$tree/lib/lua/$v/?.so;;" ROCK_TREE="$tree" "lua$v" -e '
          local tree = os.getenv("ROCK_TREE")
          local function where(name, path) -- package.searchpath, which 5.1 lacks
            for template in path:gmatch("[^;]+") do
              local file = template:gsub("%?", (name:gsub("%.", "/")))
              local f = io.open(file)
              if f then f:close() return file end
            end
          end
          for name, path in pairs { ["sakari"] = package.path, ["sakari.core"] = package.cpath } do
            local file = where(name, path)
            assert(file and file:sub(1, #tree) == tree, name .. " is not from the rock tree: " .. tostring(file))
          end
          local sakari = require "sakari"
          assert(type(sakari.contacts.update) == "function")
          print(_VERSION .. ": sakari " .. sakari.VERSION .. " and sakari.core load from the rock tree")') &&
      (eval "$(luarocks --lua-version="$v" --tree="$tree" path)" && "$tree/bin/sakari" --help >/dev/null) &&
      test -s "$(luarocks --lua-version="$v" --tree="$tree" show --rock-dir sakari)/types/sakari.lua"
    rc=$?
    rm -rf "$src" "$tree"
    return $rc
  }
  for v in 5.4 5.1; do
    echo "== luarocks --lua-version=$v make, offline, from a clean copy into a scratch tree"
    check "rock-lua$v" rock_run "$v"
  done

  # The rockspec's test section (spec/run.lua: Debian's busted, in LuaRocks' Lua).
  echo "== luarocks --lua-version=5.4 test"
  luarocks --lua-version=5.4 test 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  count "luarocks test (5.4)"
fi

echo "== per Lua"
printf '%s\n' "${summary[@]}"
echo "suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
