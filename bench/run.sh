#!/usr/bin/env bash
# The benchmark, in one command from anywhere (as root on Debian 12):
#
#   bash bench/run.sh
#
# Installs what it needs (nginx + its lua module, gnuplot, Python requests,
# LuaSocket), builds the module (scripts/setup.sh) and bench/raw_curl.c (gcc -O2),
# then runs bench/bench.py, which starts and stops its own nginx and writes
# bench/RESULTS.md and bench/results.png. About 5 minutes.
#
#   bash bench/run.sh profile
#
# instead runs the sequential update under callgrind, layer by layer, and writes
# bench/PROFILE.md (about two minutes).
# BENCH_ROUNDS (3), BENCH_SECONDS (2.5 per measurement) and BENCH_WORKERS
# (nginx workers, 2) change the run.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(nginx libnginx-mod-http-lua gnuplot-nox python3-requests lua-socket curl valgrind)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d 101: the package must not start Debian's own nginx on port 80
  had_policy=0
  [ -e /usr/sbin/policy-rc.d ] && had_policy=1
  [ $had_policy = 1 ] || printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  status=0
  apt-get install -y -qq "${missing[@]}" >/dev/null || status=$?
  [ $had_policy = 1 ] || rm -f /usr/sbin/policy-rc.d
  [ $status = 0 ] || exit $status
fi

bash scripts/setup.sh >&2

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gcc -O2 -Wall -Wextra -o "$out/raw_curl" bench/raw_curl.c $(pkg-config --cflags --libs libcurl)

if [ "${1:-}" = profile ]; then
  shift
  python3 bench/profile.py --raw-curl "$out/raw_curl" "$@"
else
  python3 bench/bench.py --raw-curl "$out/raw_curl" --command "bash bench/run.sh" "$@"
fi
