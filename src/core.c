/*
 * luaopen_sakari_core: the byte work of lua-sakari (HTTP, JSON, escaping).
 * Policy (auth, retries, errors for users) lives in the Lua layer.
 */
#include "json.h"
#include "request.h"

#define SAKARI_VERSION "0.1.0"
#define PREPARED_MT "sakari.core.prepared"

static int core_escape(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  struct sk_buf out = {NULL, 0, 0};
  if (!sk_url_escape(&out, s, len)) {
    sk_buf_free(&out);
    return luaL_error(L, "sakari: out of memory");
  }
  lua_pushlstring(L, out.data ? out.data : "", out.len);
  sk_buf_free(&out);
  return 1;
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

static int prepared_gc(lua_State *L) {
  sk_transfer_free(lua_touserdata(L, 1));
  return 0;
}

/* core.prepare(req): the request exactly as a session would send it, without
 * sending it, for transports that do their own I/O: {method, url, headers =
 * {name = value}, body = bytes or nil, timeout, connect_timeout}. */
static int core_prepare(lua_State *L) {
  struct sk_transfer *t = lua_newuserdata(L, sizeof *t); /* freed by __gc even when a bad request raises */
  memset(t, 0, sizeof *t);
  luaL_getmetatable(L, PREPARED_MT);
  lua_setmetatable(L, -2);
  sk_transfer_build(L, t, 1);
  if (t->multipart) return luaL_error(L, "sakari: multipart bodies are built by libcurl; use a session");
  lua_createtable(L, 0, 6);
  lua_pushstring(L, t->method->name);
  lua_setfield(L, -2, "method");
  lua_pushlstring(L, t->url.data, t->url.len);
  lua_setfield(L, -2, "url");
  lua_newtable(L);
  for (const struct curl_slist *h = t->headers; h; h = h->next) {
    const char *colon = strchr(h->data, ':');
    if (colon[1] == '\0') continue; /* "Name:" only tells libcurl to leave a header out */
    lua_pushlstring(L, h->data, (size_t)(colon - h->data));
    lua_pushstring(L, colon + 2);
    lua_rawset(L, -3);
  }
  lua_setfield(L, -2, "headers");
  if (t->has_body) {
    lua_pushlstring(L, t->payload.data ? t->payload.data : "", t->payload.len);
    lua_setfield(L, -2, "body");
  }
  lua_pushnumber(L, (lua_Number)t->timeout_ms / 1000);
  lua_setfield(L, -2, "timeout");
  lua_pushnumber(L, (lua_Number)t->connect_timeout_ms / 1000);
  lua_setfield(L, -2, "connect_timeout");
  return 1;
}

/* The build hides every other symbol (-fvisibility=hidden). */
__attribute__((visibility("default"))) int luaopen_sakari_core(lua_State *L);

__attribute__((visibility("default"))) int luaopen_sakari_core(lua_State *L) {
  static const luaL_Reg functions[] = {{"escape", core_escape},
                                       {"array", core_array},
                                       {"keep_digits", core_keep_digits},
                                       {"encode", core_encode},
                                       {"decode", core_decode},
                                       {"prepare", core_prepare},
                                       {"answer", sk_core_answer},
                                       {"hmac_sha1", sk_core_hmac_sha1},
                                       {"hmac_sha256", sk_core_hmac_sha256},
                                       {"base64", sk_core_base64},
                                       {"unbase64", sk_core_unbase64},
                                       {"now", sk_core_now},
                                       {"sleep", sk_core_sleep},
                                       {"random", sk_core_random},
                                       {"watch_sigint", sk_core_watch_sigint},
                                       {"interrupted", sk_core_interrupted},
                                       {NULL, NULL}};
  sk_json_open(L);
  sk_newtype(L, PREPARED_MT, NULL, prepared_gc);
  lua_pop(L, 1);
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
