#!/usr/bin/env bash
# The demo: installs and builds, starts the bundled Sakari sandbox on a free
# port, and runs examples/update_contact.lua against it (create, update, read back).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

port_file=$(mktemp)
trap 'kill "$sandbox" 2>/dev/null; rm -f "$port_file"' EXIT
python3 sandbox/sakari_sandbox.py --port 0 --quiet --port-file "$port_file" --watch-pid $$ >/dev/null &
sandbox=$!
for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.05; done
[ -s "$port_file" ] || { echo "demo: the sandbox did not start" >&2; exit 1; }

export SAKARI_API_URL="http://127.0.0.1:$(cat "$port_file")"
export SAKARI_CLIENT_ID=sandbox-client-id SAKARI_CLIENT_SECRET=sandbox-client-secret
export SAKARI_ACCOUNT_ID=sandbox-account
export LUA_PATH="./lua/?.lua;./lua/?/init.lua;;" LUA_CPATH="./build/lua5.4/?.so;;"
lua5.4 examples/update_contact.lua
