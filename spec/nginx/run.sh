#!/usr/bin/env bash
# The nginx tests (spec/nginx/test.lua): Debian's nginx + libnginx-mod-http-lua
# with the LuaJIT build of the core, against the sandbox. Starts its own nginx
# (own prefix in a temporary directory, one worker) and stops it, and the
# example's, whatever happens. Installs nothing: scripts/setup.sh installs
# nginx and builds build/luajit and build/lua5.4.
# Ends with "nginx: N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."

give_up() {
  echo "nginx: $1"
  echo "nginx: 0 passed, 1 failed"
  exit 1
}
command -v nginx >/dev/null || give_up "nginx is not installed (bash scripts/setup.sh installs it)"
modules=""
for dir in /usr/lib/nginx/modules /usr/share/nginx/modules; do
  if [ -f "$dir/ngx_http_lua_module.so" ] && [ -f "$dir/ndk_http_module.so" ]; then modules=$dir; break; fi
done
[ -n "$modules" ] || give_up "no ngx_http_lua_module.so (apt install libnginx-mod-http-lua)"
[ -f build/luajit/sakari/core.so ] || give_up "no build/luajit/sakari/core.so (bash scripts/setup.sh)"
[ -f build/lua5.4/sakari/core.so ] || give_up "no build/lua5.4/sakari/core.so (bash scripts/setup.sh)"

prefix=$(mktemp -d /tmp/sakari-nginx-test.XXXXXX)
stop_nginx() {
  local pidfile pid
  for pidfile in "$prefix/nginx.pid" "$prefix/example/nginx.pid"; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    [ -n "$pid" ] || continue
    kill -QUIT "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
cleanup() {
  stop_nginx
  rm -rf "$prefix"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the sandbox is started by test.lua and exits with it (--watch-pid)
NGINX_MODULES=$modules timeout 300 lua5.4 spec/nginx/test.lua "$prefix"
rc=$?
if [ $rc -eq 124 ]; then
  echo "nginx: timed out after 300 s"
  echo "nginx: 0 passed, 1 failed"
fi
exit $rc
