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
  lua_Integer id; /* the request it runs; 0 while idle */
  struct slot *next;
};

struct multi {
  CURLM *handle;      /* NULL once closed */
  struct slot *slots; /* owned; the list grows as more run at once */
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
  for (s = m->slots; s; s = s->next) {
    if (!s->id && s->t.easy) return s; /* one whose options raised has no handle */
  }
  s = calloc(1, sizeof *s);
  if (!s) luaL_error(L, "sakari: out of memory");
  s->next = m->slots;
  m->slots = s;
  lua_rawgeti(L, LUA_REGISTRYINDEX, m->options_ref);
  sk_transfer_init(L, &s->t, lua_gettop(L));
  lua_pop(L, 1);
  curl_easy_setopt(s->t.easy, CURLOPT_PRIVATE, (void *)s);
  return s;
}

static int multi_new(lua_State *L) {
  struct multi *m;
  if (!lua_isnoneornil(L, 1)) luaL_checktype(L, 1, LUA_TTABLE); /* named as argument 1, not as its copy */
  lua_settop(L, 1);
  m = lua_newuserdata(L, sizeof *m);
  memset(m, 0, sizeof *m);
  m->options_ref = LUA_NOREF;
  luaL_getmetatable(L, MULTI_MT);
  lua_setmetatable(L, -2);
  lua_pushvalue(L, 1);
  m->options_ref = luaL_ref(L, LUA_REGISTRYINDEX); /* LUA_REFNIL without options */
  /* The first easy handle now: bad options raise here rather than at the first
   * add, and curl_global_init runs before curl_multi_init. */
  idle_slot(L, m);
  m->handle = curl_multi_init();
  if (!m->handle) return luaL_error(L, "sakari: libcurl could not create a multi handle");
  return 1;
}

static int multi_add(lua_State *L) {
  struct multi *m = check_multi(L);
  struct slot *s = idle_slot(L, m);
  CURLMcode rc;
  sk_transfer_prepare(L, &s->t, 2);
  rc = curl_multi_add_handle(m->handle, s->t.easy);
  if (rc != CURLM_OK) return luaL_error(L, "sakari: cannot start a request: %s", curl_multi_strerror(rc));
  s->id = ++m->next_id;
  lua_pushinteger(L, s->id);
  return 1;
}

/* poll([wait]): advances every transfer, waiting up to wait seconds while none
 * has finished, and returns the result table of each finished one (see
 * request.h) with its id. */
static int multi_poll(lua_State *L) {
  struct multi *m = check_multi(L);
  lua_Number wait = luaL_optnumber(L, 2, 0);
  double deadline = sk_now() + (wait > 0 ? (wait < SK_MAX_SECONDS ? wait : SK_MAX_SECONDS) : 0);
  int n = 0, queued, still;
  lua_settop(L, 2);
  lua_newtable(L);
  for (;;) {
    CURLMsg *msg;
    CURLMcode rc = curl_multi_perform(m->handle, &still);
    if (rc != CURLM_OK) return luaL_error(L, "sakari: multi perform failed: %s", curl_multi_strerror(rc));
    while ((msg = curl_multi_info_read(m->handle, &queued)) != NULL) {
      struct slot *s = NULL;
      CURLcode done = msg->data.result; /* msg is gone once its handle is removed */
      if (msg->msg != CURLMSG_DONE) continue;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
      curl_multi_remove_handle(m->handle, s->t.easy);
      lua_pushinteger(L, s->id);
      s->id = 0; /* idle again, even if building its result raises */
      sk_transfer_push_result(L, &s->t, done);
      lua_insert(L, -2);
      lua_setfield(L, -2, "id");
      lua_rawseti(L, 3, ++n);
    }
    /* with nothing running this still waits (curl_multi_poll sleeps the full
     * timeout), so a queue whose calls are all between retries waits here */
    if (n > 0 || sk_now() >= deadline) break;
    rc = curl_multi_poll(m->handle, NULL, 0, (int)((deadline - sk_now()) * 1000) + 1, NULL);
    if (rc != CURLM_OK) return luaL_error(L, "sakari: multi poll failed: %s", curl_multi_strerror(rc));
  }
  return 1;
}

static int multi_pending(lua_State *L) {
  lua_Integer n = 0;
  for (struct slot *s = check_multi(L)->slots; s; s = s->next) n += s->id != 0;
  lua_pushinteger(L, n);
  return 1;
}

static int multi_close(lua_State *L) {
  struct multi *m = luaL_checkudata(L, 1, MULTI_MT);
  while (m->slots) { /* also after a creation that raised, and none on a second close */
    struct slot *s = m->slots;
    m->slots = s->next;
    if (s->id) curl_multi_remove_handle(m->handle, s->t.easy);
    sk_transfer_free(&s->t);
    free(s);
  }
  curl_multi_cleanup(m->handle); /* NULL is fine */
  m->handle = NULL;
  luaL_unref(L, LUA_REGISTRYINDEX, m->options_ref);
  m->options_ref = LUA_NOREF;
  return 0;
}

void sk_multi_open(lua_State *L) {
  static const luaL_Reg methods[] = {{"add", multi_add},
                                     {"poll", multi_poll},
                                     {"pending", multi_pending},
                                     {"close", multi_close},
                                     {NULL, NULL}};
  sk_newtype(L, MULTI_MT, methods, multi_close, "multi", multi_new);
}
