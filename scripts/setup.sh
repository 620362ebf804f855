#!/usr/bin/env bash
# Installs what lua-sakari needs on Debian 12 (as root) and builds the core
# module for Lua 5.4 and LuaJIT into build/lua5.4 and build/luajit.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config libcurl4-openssl-dev libssl-dev ca-certificates openssl
  lua5.4 liblua5.4-dev luajit2 libluajit2-5.1-dev
  lua-cjson lua-busted lua-check lua-socket luarocks
  python3 valgrind clang libclang-rt-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

for lua in lua5.4 luajit; do
  if [ "$lua" = luajit ]; then abi=luajit; else abi=${lua#lua}; fi
  cmake -S . -B "build/$lua" -DSAKARI_LUA="$abi" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSAKARI_WERROR=ON >/dev/null
  cmake --build "build/$lua" -- --no-print-directory >/dev/null
done
echo "setup: built build/lua5.4/sakari/core.so and build/luajit/sakari/core.so"
