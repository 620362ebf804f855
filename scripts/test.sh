#!/usr/bin/env bash
# The test suite: installs and builds (scripts/setup.sh), lints, runs the busted
# specs on Lua 5.4 and LuaJIT, then the same specs under AddressSanitizer +
# UndefinedBehaviorSanitizer, under valgrind memcheck and with the garbage
# collector stressed, fuzzes the C core for a bounded time, and installs the rock.
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

# Adds busted's closing counts ("N successes / N failures / N errors / N pending").
count() {
  local line
  line=$(grep -E '^[0-9]+ successes? / [0-9]+ failures? / [0-9]+ errors? / [0-9]+ pending' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    failed=$((failed + 1)) # busted died before it could report
    status=1
    return
  fi
  set -- $line
  passed=$((passed + $1))
  failed=$((failed + $4 + $7))
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
check luacheck luacheck --no-color -q lua spec examples fuzz

for lua in lua5.4 luajit; do
  echo "== busted --lua=$lua"
  run_busted --lua="$lua"
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

  for lua in lua5.4 luajit; do
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

  echo "== luarocks --lua-version=5.4 make, offline, into a scratch tree"
  rock_run() {
    local tree rc
    tree=$(mktemp -d)
    luarocks --lua-version=5.4 --tree="$tree" make >/dev/null &&
      (cd / && LUA_PATH="$tree/share/lua/5.4/?.lua;$tree/share/lua/5.4/?/init.lua;;" \
        LUA_CPATH="$tree/lib/lua/5.4/?.so;;" \
        lua5.4 -e 'assert(type(require("sakari").contacts.update) == "function")')
    rc=$?
    rm -rf "$tree"
    return $rc
  }
  check rock rock_run
fi

echo "suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
