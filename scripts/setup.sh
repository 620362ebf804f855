#!/usr/bin/env bash
# Installs what lua-sakari needs on Debian 12 (as root) and builds the core
# module for every Lua it supports: build/lua5.1, build/lua5.2, build/lua5.3,
# build/lua5.4 and build/luajit (spec/helper.lua picks the one of the running Lua).
# Debian's lua-cjson, lua-busted and lua-socket ship modules for all of them.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config libcurl4-openssl-dev libssl-dev ca-certificates openssl
  lua5.1 liblua5.1-0-dev lua5.2 liblua5.2-dev lua5.3 liblua5.3-dev lua5.4 liblua5.4-dev
  luajit2 libluajit2-5.1-dev
  lua-cjson lua-busted lua-check lua-socket luarocks lua-argparse lua-ldoc
  python3 valgrind clang libclang-rt-14-dev
  neovim nginx libnginx-mod-http-lua
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # nginx's postinst starts the system nginx (port 80), which fails the install
  # in a container without an init; the tests run their own: deny service
  # starts while installing, unless a policy is already in place
  policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"
  fi
  rc=0
  apt-get install -y -qq "${missing[@]}" >/dev/null || rc=$?
  [ -z "$policy" ] || rm -f "$policy"
  [ "$rc" -eq 0 ] || exit "$rc"
fi

LUAS=(lua5.1 lua5.2 lua5.3 lua5.4 luajit)
for lua in "${LUAS[@]}"; do
  if [ "$lua" = luajit ]; then abi=luajit; else abi=${lua#lua}; fi
  # both steps are incremental: well under a second each when nothing changed
  cmake -S . -B "build/$lua" -DSAKARI_LUA="$abi" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSAKARI_WERROR=ON >/dev/null
  cmake --build "build/$lua" -- --no-print-directory >/dev/null
done
echo "setup: built build/{$(IFS=,; echo "${LUAS[*]}")}/sakari/core.so"
