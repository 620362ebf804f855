#!/usr/bin/env bash
# sakari.nvim in a headless Neovim (Debian's neovim, LuaJIT) with the LuaJIT
# build of the core, against the sandbox: spec/nvim/async_test.lua, then
# doc_test.lua (doc/sakari.txt) and install_test.lua (`make nvim` in a fresh
# copy, :checkhealth sakari, a call), which start Neovims of their own.
# Installs nothing: scripts/setup.sh installs neovim and builds build/luajit.
# Ends with "nvim: N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."

if ! command -v nvim >/dev/null; then
  echo "nvim: neovim is not installed (bash scripts/setup.sh installs it)"
  echo "nvim: 0 passed, 1 failed"
  exit 1
fi
if [ ! -f "${SAKARI_BUILD_DIR:-build/luajit}/sakari/core.so" ]; then
  echo "nvim: no LuaJIT build of the core (bash scripts/setup.sh builds it)"
  echo "nvim: 0 passed, 1 failed"
  exit 1
fi

echo "nvim: $(nvim --version | head -n 1)"
# -u NONE: no user config or plugins; -i NONE: no shada; -n: no swap file.
# timeout: a test that never lets Neovim quit must not hang the suite.
timeout 300 nvim --headless -u NONE -i NONE -n -c "luafile spec/nvim/async_test.lua" </dev/null
rc=$?
if [ $rc -eq 124 ]; then
  echo "nvim: timed out after 300 s"
  echo "nvim: 0 passed, 1 failed"
fi
exit $rc
