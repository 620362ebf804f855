# Conveniences over the scripts; everything also works without make.
.PHONY: all test demo docs clean

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

clean:
	rm -rf build
