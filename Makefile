# Conveniences over the scripts; everything also works without make.
.PHONY: all test demo docs types nvim clean

all:
	bash scripts/setup.sh

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh

# The HTML reference (LDoc, Debian's lua-ldoc) in build/docs/index.html; the
# page of every endpoint function is generated from lua/sakari/resources.lua.
docs: all
	mkdir -p build/docs-src
	lua5.4 docs/api_reference.lua > build/docs-src/api.lua
	ldoc --fatalwarnings .

# The editor definitions (LuaLS) in types/sakari.lua, from the endpoint table and
# the schemas; spec/types_spec.lua fails when the committed file is out of date.
types: all
	lua5.4 docs/gen_types.lua > types/sakari.lua.new
	mv types/sakari.lua.new types/sakari.lua

# The LuaJIT core inside the plugin's own directory, lua/sakari/core.so, where
# Neovim finds it once the checkout is on 'runtimepath': a plugin manager's
# `build = "make nvim"`. No root needed; needs a C compiler, cmake, pkg-config,
# libcurl and the LuaJIT headers. The copy is renamed into place, so an editor
# that has the old core loaded keeps a valid file.
nvim:
	@command -v cmake >/dev/null || { echo "make nvim: cmake not found (Debian: apt install cmake)"; exit 1; }
	@command -v pkg-config >/dev/null || { echo "make nvim: pkg-config not found (Debian: apt install pkg-config)"; exit 1; }
	@pkg-config --exists luajit || { echo "make nvim: LuaJIT headers not found (pkg-config luajit):" \
	  "install libluajit2-5.1-dev or libluajit-5.1-dev (Debian), luajit-devel (Fedora), luajit (Homebrew)"; exit 1; }
	@pkg-config --exists libcurl || { echo "make nvim: libcurl headers not found (pkg-config libcurl):" \
	  "install libcurl4-openssl-dev (Debian), libcurl-devel (Fedora)"; exit 1; }
	cmake -S . -B build/nvim -DSAKARI_LUA=luajit -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build/nvim -- --no-print-directory
	cp build/nvim/sakari/core.so lua/sakari/core.so.new
	mv -f lua/sakari/core.so.new lua/sakari/core.so
	@echo "make nvim: built lua/sakari/core.so for LuaJIT (Neovim)"

clean:
	rm -rf build lua/sakari/core.so
