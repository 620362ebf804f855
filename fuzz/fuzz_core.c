/*
 * libFuzzer target over the C core: the input bytes become a path segment, a
 * JSON text, query keys and values, header values and a request body, and go
 * through escaping, decoding, encoding and request building (nothing is sent).
 * The checks are properties, written in Lua in harness.lua: escaping leaves
 * only unreserved characters and %XX, and whatever decodes re-encodes to text
 * that decodes to an equal value.
 */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int luaopen_sakari_core(lua_State *L);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lua_State *L;
static int harness_ref;
static unsigned runs;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  L = luaL_newstate();
  luaL_openlibs(L);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "preload");
  lua_pushcfunction(L, luaopen_sakari_core);
  lua_setfield(L, -2, "sakari.core");
  lua_pop(L, 2);
  if (luaL_loadfile(L, SAKARI_FUZZ_HARNESS) != 0 || lua_pcall(L, 0, 1, 0) != 0) {
    fprintf(stderr, "fuzz: cannot load the harness: %s\n", lua_tostring(L, -1));
    abort();
  }
  harness_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, harness_ref);
  lua_pushlstring(L, (const char *)data, size);
  if (lua_pcall(L, 1, 0, 0) != 0) {
    /* The harness raises only when a property is broken. */
    fprintf(stderr, "fuzz: property broken: %s\n", lua_tostring(L, -1));
    abort();
  }
  if (++runs % 64 == 0) lua_gc(L, LUA_GCCOLLECT, 0); /* let ASan see freed memory reused */
  return 0;
}
