/*
 * A blocking session: one easy handle reused for every request, so the
 * connection (and its TLS session) stays open between calls.
 */
#include "request.h"

#define SESSION_MT "sakari.core.session"

struct session {
  struct sk_transfer t; /* t.easy is NULL once closed */
  lua_Integer connects; /* new connections opened so far: 1 for any number of keep-alive requests */
};

static struct session *check_session(lua_State *L) {
  return luaL_checkudata(L, 1, SESSION_MT);
}

/* core.session([options]): options are ca_file, proxy, insecure, user_agent;
 * each request carries its own timeouts. */
static int session_new(lua_State *L) {
  struct session *s;
  struct sk_options o;
  sk_options_read(L, 1, &o);
  s = lua_newuserdata(L, sizeof *s);
  memset(s, 0, sizeof *s);
  luaL_getmetatable(L, SESSION_MT);
  lua_setmetatable(L, -2);
  sk_transfer_init(L, &s->t, &o); /* on a raise, __gc frees what exists */
  return 1;
}

static int session_request(lua_State *L) {
  struct session *s = check_session(L);
  CURLcode rc;
  long connects = 0;
  if (!s->t.easy) return luaL_error(L, "sakari: request on a closed session");
  sk_transfer_prepare(L, &s->t, 2);
  rc = curl_easy_perform(s->t.easy);
  if (curl_easy_getinfo(s->t.easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK) s->connects += connects;
  sk_transfer_push_result(L, &s->t, rc);
  return 1;
}

static int session_connections(lua_State *L) {
  lua_pushinteger(L, check_session(L)->connects);
  return 1;
}

static int session_close(lua_State *L) {
  struct session *s = check_session(L);
  sk_transfer_free(&s->t);
  return 0;
}

static int session_tostring(lua_State *L) {
  struct session *s = check_session(L);
  lua_pushfstring(L, "sakari.core.session (%s): %p", s->t.easy ? "open" : "closed", (void *)s);
  return 1;
}

void sk_session_open(lua_State *L) {
  static const luaL_Reg methods[] = {{"request", session_request},
                                     {"connections", session_connections},
                                     {"close", session_close},
                                     {NULL, NULL}};
  sk_newtype(L, SESSION_MT, methods, session_close);
  lua_pushcfunction(L, session_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);
  lua_pushcfunction(L, session_new);
  lua_setfield(L, -2, "session");
}
