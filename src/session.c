/* A blocking session: one easy handle reused for every request, so the connection
 * (and its TLS session) stays open between calls; and core.prepare (see below). */
#include "request.h"

#define SESSION_MT "sakari.core.session"

struct session {
  struct sk_transfer t; /* t.easy is NULL once closed */
  lua_Integer connects; /* new connections opened so far: 1 for any number of keep-alive requests */
};

/* A new session, all zero: its __gc frees whatever the caller goes on to make. */
static struct session *push_session(lua_State *L) {
  struct session *s = lua_newuserdata(L, sizeof *s);
  memset(s, 0, sizeof *s);
  luaL_getmetatable(L, SESSION_MT);
  lua_setmetatable(L, -2);
  return s;
}

/* core.session([options]): options are ca_file, proxy, insecure, user_agent;
 * each request carries its own timeouts. */
static int session_new(lua_State *L) {
  lua_settop(L, 1);
  sk_transfer_init(L, &push_session(L)->t, 1);
  return 1;
}

/* core.prepare(req): the request exactly as a session would send it, without
 * sending it, for transports that do their own I/O: {method, url, headers =
 * {name = value}, body = bytes or nil, timeout, connect_timeout}. */
int sk_core_prepare(lua_State *L) {
  struct sk_transfer *t = &push_session(L)->t; /* never handed out: __gc frees it even when a bad request raises */
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

static int session_request(lua_State *L) {
  struct session *s = luaL_checkudata(L, 1, SESSION_MT);
  long connects = 0;
  if (!s->t.easy) return luaL_error(L, "sakari: request on a closed session");
  sk_transfer_prepare(L, &s->t, 2);
  sk_transfer_push_result(L, &s->t, curl_easy_perform(s->t.easy));
  if (curl_easy_getinfo(s->t.easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK) s->connects += connects;
  return 1;
}

static int session_connections(lua_State *L) {
  lua_pushinteger(L, ((struct session *)luaL_checkudata(L, 1, SESSION_MT))->connects);
  return 1;
}

static int session_close(lua_State *L) {
  struct session *s = luaL_checkudata(L, 1, SESSION_MT);
  sk_transfer_free(&s->t);
  return 0;
}

void sk_session_open(lua_State *L) {
  static const luaL_Reg methods[] = {{"request", session_request},
                                     {"connections", session_connections},
                                     {"close", session_close},
                                     {NULL, NULL}};
  sk_newtype(L, SESSION_MT, methods, session_close, "session", session_new);
}
