/*
 * luaopen_sakari_core: the byte work of lua-sakari (HTTP, JSON, escaping).
 * Policy (auth, retries, errors for users) lives in the Lua layer.
 */
#include "json.h"
#include "request.h"

#define SAKARI_VERSION "0.1.0"

static int core_escape(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  struct sk_buf out = {NULL, 0, 0};
  int ok = sk_url_escape(&out, s, len);
  if (ok) lua_pushlstring(L, out.data ? out.data : "", out.len);
  free(out.data);
  return ok ? 1 : luaL_error(L, "sakari: out of memory");
}

static int core_array(lua_State *L) {
  if (lua_isnoneornil(L, 1)) {
    lua_settop(L, 0);
    lua_newtable(L);
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  sk_json_push_field(L, "array_mt");
  lua_setmetatable(L, 1);
  return 1;
}

/* core.keep_digits(from, to): table `to`, a copy of decoded table `from`, keeps
 * the number texts kept for `from` (json.h), so encoding the copy sends the
 * digits the server sent as encoding `from` would. Returns `to`. */
static int core_keep_digits(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  sk_json_push_field(L, "exact");
  lua_pushvalue(L, 1);
  lua_rawget(L, 3);
  if (!lua_isnil(L, -1)) {
    lua_pushvalue(L, 2);
    lua_insert(L, -2);
    lua_rawset(L, 3); /* the texts are only read, so the two tables may share them */
  }
  lua_settop(L, 2);
  return 1;
}

/* core.encode(value [, name]): name is what errors call the value ("fields", say). */
static int core_encode(lua_State *L) {
  const char *name = luaL_optstring(L, 2, "value");
  luaL_checkany(L, 1);
  sk_json_encode(L, 1, name);
  return 1;
}

/* core.decode(text): the value, or nil and why. What it reads, core.encode
 * writes back the same (the round trip rule is in json.h). */
static int core_decode(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  if (sk_json_decode(L, s, len) == SK_JSON_OK) return 1;
  lua_pushnil(L);
  lua_insert(L, -2);
  return 2;
}

/* The build hides every other symbol (-fvisibility=hidden). */
__attribute__((visibility("default"))) int luaopen_sakari_core(lua_State *L);

__attribute__((visibility("default"))) int luaopen_sakari_core(lua_State *L) {
  static const luaL_Reg functions[] = {
      {"escape", core_escape}, {"array", core_array}, {"keep_digits", core_keep_digits},
      {"encode", core_encode}, {"decode", core_decode},
      {"prepare", sk_core_prepare}, {"answer", sk_core_answer},
      {"hmac_sha1", sk_core_hmac_sha1}, {"hmac_sha256", sk_core_hmac_sha256},
      {"base64", sk_core_base64}, {"unbase64", sk_core_unbase64},
      {"now", sk_core_now}, {"sleep", sk_core_sleep}, {"random", sk_core_random},
      {"watch_sigint", sk_core_watch_sigint}, {"interrupted", sk_core_interrupted},
      {NULL, NULL}};
  sk_json_open(L);
  lua_newtable(L);
  sk_setfuncs(L, functions);
  sk_session_open(L);
  sk_multi_open(L);
  lua_pushliteral(L, SAKARI_VERSION);
  lua_setfield(L, -2, "VERSION");
  lua_pushfstring(L, "libcurl/%s", curl_version_info(CURLVERSION_NOW)->version);
  lua_setfield(L, -2, "curl_version");
  lua_pushstring(L, curl_version_info(CURLVERSION_NOW)->ssl_version); /* the TLS library; nil without one */
  lua_setfield(L, -2, "curl_ssl_version");
  sk_json_push_field(L, "null");
  lua_setfield(L, -2, "null");
  return 1;
}
