# Conveniences over the scripts; everything also works without make.
.PHONY: all test demo docs types clean

all:
	bash scripts/setup.sh

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh

# The HTML reference (LDoc, Debian's lua-ldoc) in build/docs/index.html.
docs: all
	mkdir -p build/docs-src
	lua5.4 docs/api_reference.lua > build/docs-src/api.lua
	ldoc .

# The editor definitions (LuaLS) in types/sakari.lua, from the endpoint table and
# the schemas; spec/types_spec.lua fails when the committed file is out of date.
types: all
	lua5.4 docs/gen_types.lua > types/sakari.lua.new
	mv types/sakari.lua.new types/sakari.lua

clean:
	rm -rf build
