/*
 * Many requests in flight on one libcurl multi handle, driven by a
 * non-blocking step: add() starts a request, poll(timeout) advances every
 * transfer and hands back the finished ones. Easy handles are pooled, and
 * the multi handle's connection cache keeps connections open between them.
 * How many run at once, and what to do with a result, is the Lua layer's.
 */
#include "request.h"
#include "timing.h"

#define MULTI_MT "sakari.core.multi"

struct slot {
  struct sk_transfer t;
  lua_Integer id;
  int busy;
  struct slot *next;
};

struct multi {
  CURLM *handle;      /* NULL once closed */
  struct slot *slots; /* owned; the list grows as more run at once */
  size_t running;
  lua_Integer next_id;
  int options_ref; /* the creation options, reused for every new easy handle */
};

static struct multi *check_multi(lua_State *L) {
  struct multi *m = luaL_checkudata(L, 1, MULTI_MT);
  if (!m->handle) luaL_error(L, "sakari: use of a closed multi");
  return m;
}

/* An idle slot, or a new one with its easy handle made from the options. */
static struct slot *idle_slot(lua_State *L, struct multi *m) {
  struct slot *s;
  struct sk_options o;
  for (s = m->slots; s; s = s->next) {
    if (!s->busy && s->t.easy) return s;
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, m->options_ref);
  sk_options_read(L, lua_gettop(L), &o);
  s = calloc(1, sizeof *s);
  if (!s) luaL_error(L, "sakari: out of memory");
  s->next = m->slots;
  m->slots = s;
  sk_transfer_init(L, &s->t, &o);
  lua_pop(L, 1);
  curl_easy_setopt(s->t.easy, CURLOPT_PRIVATE, (void *)s);
  return s;
}

static int multi_new(lua_State *L) {
  struct multi *m;
  struct sk_options o;
  sk_options_read(L, 1, &o); /* checked now rather than at the first add */
  lua_settop(L, 1);
  m = lua_newuserdata(L, sizeof *m);
  memset(m, 0, sizeof *m);
  m->options_ref = LUA_NOREF;
  luaL_getmetatable(L, MULTI_MT);
  lua_setmetatable(L, -2);
  sk_curl_ready(L);
  m->handle = curl_multi_init();
  if (!m->handle) return luaL_error(L, "sakari: libcurl could not create a multi handle");
  lua_pushvalue(L, 1);
  m->options_ref = luaL_ref(L, LUA_REGISTRYINDEX); /* LUA_REFNIL without options */
  return 1;
}

static int multi_add(lua_State *L) {
  struct multi *m = check_multi(L);
  struct slot *s = idle_slot(L, m);
  CURLMcode rc;
  sk_transfer_prepare(L, &s->t, 2);
  rc = curl_multi_add_handle(m->handle, s->t.easy);
  if (rc != CURLM_OK) return luaL_error(L, "sakari: cannot start a request: %s", curl_multi_strerror(rc));
  s->busy = 1;
  s->id = ++m->next_id;
  m->running++;
  lua_pushinteger(L, s->id);
  return 1;
}

/* Appends the result table of each finished transfer (see request.h), with its id. */
static int collect(lua_State *L, struct multi *m, int results) {
  CURLMsg *msg;
  int left, n = (int)sk_rawlen(L, results);
  while ((msg = curl_multi_info_read(m->handle, &left)) != NULL) {
    struct slot *s = NULL;
    CURLcode rc;
    if (msg->msg != CURLMSG_DONE) continue;
    rc = msg->data.result;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
    curl_multi_remove_handle(m->handle, s->t.easy);
    s->busy = 0;
    m->running--;
    sk_transfer_push_result(L, &s->t, rc);
    lua_pushinteger(L, s->id);
    lua_setfield(L, -2, "id");
    lua_rawseti(L, results, ++n);
  }
  return n;
}

static int multi_poll(lua_State *L) {
  struct multi *m = check_multi(L);
  lua_Number wait = luaL_optnumber(L, 2, 0);
  double deadline = sk_now() + (wait > 0 ? (wait < SK_MAX_SECONDS ? wait : SK_MAX_SECONDS) : 0);
  int results, still;
  lua_settop(L, 2);
  lua_newtable(L);
  results = lua_gettop(L);
  for (;;) {
    double left;
    CURLMcode rc = curl_multi_perform(m->handle, &still);
    if (rc != CURLM_OK) return luaL_error(L, "sakari: multi perform failed: %s", curl_multi_strerror(rc));
    /* with nothing running this still waits (curl_multi_poll sleeps the full
     * timeout), so a queue whose calls are all between retries waits here */
    if (collect(L, m, results) > 0) break;
    left = deadline - sk_now();
    if (left <= 0) break;
    rc = curl_multi_poll(m->handle, NULL, 0, (int)(left * 1000) + 1, NULL);
    if (rc != CURLM_OK) return luaL_error(L, "sakari: multi poll failed: %s", curl_multi_strerror(rc));
  }
  return 1;
}

static int multi_pending(lua_State *L) {
  struct multi *m = check_multi(L);
  lua_pushinteger(L, (lua_Integer)m->running);
  return 1;
}

static int multi_close(lua_State *L) {
  struct multi *m = luaL_checkudata(L, 1, MULTI_MT);
  if (!m->handle) return 0;
  while (m->slots) {
    struct slot *s = m->slots;
    m->slots = s->next;
    if (s->busy) curl_multi_remove_handle(m->handle, s->t.easy);
    sk_transfer_free(&s->t);
    free(s);
  }
  curl_multi_cleanup(m->handle);
  m->handle = NULL;
  luaL_unref(L, LUA_REGISTRYINDEX, m->options_ref);
  return 0;
}

void sk_multi_open(lua_State *L) {
  static const luaL_Reg methods[] = {{"add", multi_add},
                                     {"poll", multi_poll},
                                     {"pending", multi_pending},
                                     {"close", multi_close},
                                     {NULL, NULL}};
  sk_newtype(L, MULTI_MT, methods, multi_close);
  lua_pop(L, 1);
  lua_pushcfunction(L, multi_new);
  lua_setfield(L, -2, "multi");
}
