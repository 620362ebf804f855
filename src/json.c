/*
 * lua-cjson driven from C.
 *
 * lua-cjson has no C API, so a private instance (cjson.new()) is fetched once
 * per Lua state and its encode/decode are called under lua_pcall. Debian's
 * 2.1.0 and OpenResty's fork disagree on numbers and on [] versus {};
 * json_encode.c and json_decode.c give one behaviour on both, using only the
 * functions and settings both flavours have.
 */
#include "json.h"

#include <stdio.h>
#include <string.h>

#include "timing.h"

char sk_json_mark[SK_MARK_LEN + 1] = "sk";

/* instance[name](arg), when this flavour has the setting and takes the value. */
static void setting(lua_State *L, int instance, const char *name, int arg, int is_bool) {
  lua_getfield(L, instance, name);
  if (!lua_isfunction(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  if (is_bool) lua_pushboolean(L, arg);
  else lua_pushinteger(L, arg);
  if (lua_pcall(L, 1, 0, 0) != 0) lua_pop(L, 1);
}

/* require "cjson", or an error that says which package to install. */
static void require_cjson(lua_State *L) {
  const char *why, *eol;
  lua_getglobal(L, "require");
  lua_pushliteral(L, "cjson");
  if (lua_pcall(L, 1, 1, 0) == 0) return;
  why = lua_tostring(L, -1);
  why = why ? why : "?";
  eol = strchr(why, '\n'); /* Lua's "module not found" goes on to list every path it tried */
  lua_pushlstring(L, why, eol ? (size_t)(eol - why) : strlen(why));
  luaL_error(L, "sakari: lua-cjson is not installed (Debian/Ubuntu: apt install lua-cjson; "
                "elsewhere: luarocks install lua-cjson): %s", lua_tostring(L, -1));
}

void sk_json_open(lua_State *L) {
  static const char *const taken[] = {"encode", "decode", "null"};
  int state, instance;

  /* A second luaopen in this state (busted re-requires) keeps the first one's
   * state: tables marked or decoded before stay arrays, kept texts stay kept. */
  sk_json_push_state(L);
  if (lua_istable(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);

  if (sk_json_mark[2] == '\0') { /* once per process */
    unsigned char nonce[(SK_MARK_LEN - 2) / 2];
    sk_random_bytes(nonce, sizeof nonce);
    for (size_t i = 0; i < sizeof nonce; i++) snprintf(sk_json_mark + 2 + 2 * i, 3, "%02x", nonce[i]);
  }

  lua_newtable(L);
  state = lua_gettop(L);
  require_cjson(L);
  lua_getfield(L, -1, "new");
  if (!lua_isfunction(L, -1)) luaL_error(L, "sakari.core: lua-cjson without cjson.new");
  lua_call(L, 0, 1); /* a private instance: a caller's cjson settings stay theirs */
  instance = lua_gettop(L);

  /* 2.1.0's maximum; the fork could do 16, but one precision for both keeps
   * one behaviour: json_encode.c writes any number it would round itself. */
  setting(L, instance, "encode_number_precision", SK_JSON_PRECISION, 0);
  setting(L, instance, "encode_max_depth", SK_JSON_MAX_DEPTH, 0);
  setting(L, instance, "decode_max_depth", SK_JSON_MAX_DEPTH, 0);
  /* JSON has no NaN, Infinity or hex numbers: refuse them when decoding. */
  setting(L, instance, "decode_invalid_numbers", 0, 1);
  for (size_t i = 0; i < sizeof taken / sizeof *taken; i++) {
    lua_getfield(L, instance, taken[i]);
    lua_setfield(L, state, taken[i]);
  }
  lua_pop(L, 2); /* instance, module */

  lua_newtable(L);
  lua_pushliteral(L, "sakari.array");
  lua_setfield(L, -2, "__name");
  lua_setfield(L, state, "array_mt");

  lua_newtable(L); /* decoded table -> { key = exact number text } */
  lua_newtable(L);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setfield(L, state, "exact");

  lua_setfield(L, LUA_REGISTRYINDEX, SK_JSON_STATE);
}
