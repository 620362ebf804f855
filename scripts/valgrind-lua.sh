#!/usr/bin/env bash
# lua5.4 under valgrind memcheck, for `busted --lua=scripts/valgrind-lua.sh`
# (busted re-executes itself through --lua without quoting, so the options live here).
# Fails on any memory error or definitely lost byte. --keep-debuginfo: Lua unloads
# core.so at exit, before valgrind reports.
exec valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
  --show-leak-kinds=definite --keep-debuginfo=yes lua5.4 "$@"
