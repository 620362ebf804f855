/*
 * Encoding: first a walk over the value, which also rejects what JSON cannot
 * carry, with the place named. Only when the value holds something cjson would
 * get wrong (an empty array, a number its fixed precision would round, a
 * number whose decoded text was kept) does a second walk build a copy in which
 * those values are marker strings, and the exact text is spliced in place of
 * each marker in cjson's output.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define MARK_CLOSE "\\u0000\"" /* how cjson writes the NUL that ends a marker */

/* Where a value sits, as a chain up to the root on the C stack: cheap while
 * walking, and enough to name the place in an error or to spot a cycle. */
struct pathpart {
  struct pathpart *parent; /* NULL at the root */
  const char *key;         /* NULL for an array index */
  lua_Integer index;
  const void *table; /* the table at this place while it is walked, else NULL */
};

struct walk {
  lua_State *L;
  int array_mt; /* stack index of the array marker metatable */
  int exact;    /* stack index of the side table of kept number texts */
  int build;    /* 0: check and count, 1: push an encodable copy */
  int specials; /* values that need a marker */
  const char *root;
};

/* Adds the path from the root to p; returns p's level (the root is 0). A deep
 * path keeps its first and last four steps. */
static int add_path(luaL_Buffer *b, const struct pathpart *p, int depth) {
  char num[32];
  int level;
  if (!p->parent) return 0;
  level = add_path(b, p->parent, depth) + 1;
  if (depth > 12 && level >= 5 && level <= depth - 4) {
    if (level == 5) {
      snprintf(num, sizeof num, "[...%d levels...]", depth - 8);
      luaL_addstring(b, num);
    }
    return level;
  }
  if (p->key) {
    luaL_addchar(b, '.');
    luaL_addstring(b, p->key);
  } else {
    snprintf(num, sizeof num, "[%lld]", (long long)p->index);
    luaL_addstring(b, num);
  }
  return level;
}

static int walk_error(struct walk *w, const struct pathpart *at, int depth, const char *problem) {
  luaL_Buffer b;
  lua_State *L = w->L;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "cannot encode ");
  luaL_addstring(&b, w->root);
  add_path(&b, at, depth);
  luaL_addstring(&b, ": ");
  luaL_addstring(&b, problem);
  luaL_pushresult(&b);
  return lua_error(L);
}

/* True when cjson's precision would not write this number back exactly. */
static int needs_exact_text(struct walk *w, int idx) {
  char buf[64];
  double d;
#if SK_HAS_INTEGERS
  if (lua_isinteger(w->L, idx)) {
    lua_Integer i = lua_tointeger(w->L, idx);
    lua_Integer limit = 100000000000000; /* 10^SK_JSON_PRECISION */
    return i >= limit || i <= -limit;
  }
#endif
  d = lua_tonumber(w->L, idx);
  snprintf(buf, sizeof buf, "%.*g", SK_JSON_PRECISION, d);
  return strtod(buf, NULL) != d;
}

/* Built by hand: lua_pushfstring on Lua 5.1 cannot write a NUL byte. */
static void push_marker(struct walk *w, const char *payload) {
  luaL_Buffer b;
  luaL_buffinit(w->L, &b);
  luaL_addchar(&b, '\0');
  luaL_addstring(&b, "sk");
  luaL_addstring(&b, sk_json_nonce);
  luaL_addchar(&b, ':');
  luaL_addstring(&b, payload);
  luaL_addchar(&b, '\0');
  luaL_pushresult(&b);
}

static void push_exact_number(struct walk *w, int idx) {
  char buf[64];
  if (sk_isinteger(w->L, idx)) snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(w->L, idx));
  else snprintf(buf, sizeof buf, "%.17g", (double)lua_tonumber(w->L, idx));
  push_marker(w, buf);
}

/* Strings are mostly ASCII: that part is skipped eight bytes at a time before
 * the decoder's byte pass checks the rest. */
static int utf8_valid(const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str, *end = s + len;
  uint64_t word;
  while ((size_t)(end - s) >= 8) {
    memcpy(&word, s, 8);
    if (word & 0x8080808080808080ULL) break;
    s += 8;
  }
  while (s < end && *s < 0x80) s++;
  return s == end || sk_json_prescan(s, end) != SK_TEXT_BAD;
}

static void walk_value(struct walk *w, int idx, struct pathpart *at, int depth);

/* With the key and value of the table at idx on top: when the value is a float
 * past 2^53 that still equals the literal decoding kept for this place (see
 * json.h), counts it and, when building, pushes its marker. */
static int kept_text(struct walk *w, int idx) {
  lua_State *L = w->L;
  const char *text;
  lua_Number n;
  if (lua_type(L, -1) != LUA_TNUMBER || sk_isinteger(L, -1)) return 0;
  n = lua_tonumber(L, -1);
  if (!(fabs(n) >= SK_2_53)) return 0; /* smaller floats keep every digit they had */
  lua_pushvalue(L, idx);
  lua_rawget(L, w->exact);
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  lua_pushvalue(L, -3); /* the key */
  lua_rawget(L, -2);
  text = lua_tostring(L, -1); /* the side table holds only strings; kept alive by it */
  lua_pop(L, 2);
  if (!text || strtod(text, NULL) != n) return 0;
  w->specials++;
  if (w->build) push_marker(w, text);
  return 1;
}

static int is_marked_array(struct walk *w, int idx) {
  int marked;
  if (!lua_getmetatable(w->L, idx)) return 0;
  marked = lua_rawequal(w->L, -1, w->array_mt);
  lua_pop(w->L, 1);
  return marked;
}

static void walk_table(struct walk *w, int idx, struct pathpart *at, int depth) {
  lua_State *L = w->L;
  int marked = is_marked_array(w, idx);
  int has_string = 0, copy = 0;
  lua_Integer count = 0, max = 0;
  struct pathpart child;

  if (depth >= SK_JSON_MAX_DEPTH) walk_error(w, at, depth, "nested deeper than 1000 levels");
  luaL_checkstack(L, 8, "sakari: value nested too deep");
  at->table = lua_topointer(L, idx);
  /* A table inside itself: bodies are shallow, so the walk up is short. */
  for (const struct pathpart *p = at->parent; p; p = p->parent) {
    if (p->table == at->table) walk_error(w, at, depth, "table refers to itself (a cycle)");
  }

  if (w->build) {
    lua_newtable(L);
    copy = lua_gettop(L);
  }
  child.parent = at;
  child.table = NULL;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int kt = lua_type(L, -2);
    if (kt == LUA_TSTRING) {
      size_t klen;
      child.key = lua_tolstring(L, -2, &klen);
      if (!utf8_valid(child.key, klen)) walk_error(w, &child, depth + 1, "key is not valid UTF-8");
      has_string = 1;
    } else if (kt == LUA_TNUMBER) {
      lua_Number n = lua_tonumber(L, -2);
      if (n < 1 || n != floor(n) || n > SK_2_53) {
        walk_error(w, at, depth, "table key is a number that is not an array index");
      }
      child.key = NULL;
      child.index = (lua_Integer)n;
      count++;
      if (child.index > max) max = child.index;
    } else {
      lua_pushfstring(L, "table key of type %s (JSON keys are strings)", luaL_typename(L, -2));
      walk_error(w, at, depth, lua_tostring(L, -1));
    }
    if (!kept_text(w, idx)) walk_value(w, lua_gettop(L), &child, depth + 1);
    child.table = NULL;
    if (w->build) {
      lua_pushvalue(L, -3); /* key */
      lua_insert(L, -2);
      lua_rawset(L, copy);
    }
    lua_pop(L, 1);
  }
  at->table = NULL;
  if (has_string && count > 0) walk_error(w, at, depth, "table mixes array items and object keys");
  if (count != max) walk_error(w, at, depth, "array has holes (nil items); JSON arrays cannot");
  if (marked && has_string) walk_error(w, at, depth, "table marked as an array has object keys");

  if (marked && count == 0) {
    w->specials++;
    if (w->build) {
      lua_pop(L, 1);
      push_marker(w, "[]");
    }
  }
}

static void walk_value(struct walk *w, int idx, struct pathpart *at, int depth) {
  lua_State *L = w->L;
  switch (lua_type(L, idx)) {
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    if (!utf8_valid(s, len)) walk_error(w, at, depth, "string is not valid UTF-8");
    break;
  }
  case LUA_TNUMBER: {
    lua_Number n = lua_tonumber(L, idx);
    if (n != n) walk_error(w, at, depth, "NaN is not a JSON number");
    if (n == HUGE_VAL || n == -HUGE_VAL) walk_error(w, at, depth, "infinity is not a JSON number");
    if (needs_exact_text(w, idx)) {
      w->specials++;
      if (w->build) {
        push_exact_number(w, idx);
        return;
      }
    }
    break;
  }
  case LUA_TBOOLEAN:
    break;
  case LUA_TLIGHTUSERDATA:
    if (lua_touserdata(L, idx) != NULL) walk_error(w, at, depth, "light userdata other than sakari.null");
    break;
  case LUA_TTABLE:
    walk_table(w, idx, at, depth);
    return; /* pushed its own copy when building */
  default:
    lua_pushfstring(L, "a %s has no JSON form", luaL_typename(L, idx));
    walk_error(w, at, depth, lua_tostring(L, -1));
  }
  if (w->build) lua_pushvalue(L, idx);
}

/* Replaces each marker string in the JSON text on top of the stack. */
static void splice_markers(lua_State *L) {
  size_t len, open_len;
  const char *text = lua_tolstring(L, -1, &len), *end = text + len, *p = text;
  char open[sizeof SK_MARK_JSON + SK_NONCE_LEN + 1];
  luaL_Buffer b;

  open_len = (size_t)snprintf(open, sizeof open, "%s%s:", SK_MARK_JSON, sk_json_nonce);
  luaL_buffinit(L, &b);
  for (;;) {
    const char *hit = NULL, *payload, *close;
    for (const char *q = p; q + open_len <= end; q++) {
      q = memchr(q, '"', (size_t)(end - q));
      if (!q || q + open_len > end) break;
      if (memcmp(q, open, open_len) == 0) {
        hit = q;
        break;
      }
    }
    if (!hit) break;
    payload = hit + open_len;
    close = payload;
    while (close < end && *close != '\\') close++;
    if (close + sizeof MARK_CLOSE - 1 > end || memcmp(close, MARK_CLOSE, sizeof MARK_CLOSE - 1) != 0) {
      luaL_addlstring(&b, p, (size_t)(payload - p));
      p = payload;
      continue;
    }
    luaL_addlstring(&b, p, (size_t)(hit - p));
    luaL_addlstring(&b, payload, (size_t)(close - payload));
    p = close + sizeof MARK_CLOSE - 1;
  }
  luaL_addlstring(&b, p, (size_t)(end - p));
  luaL_pushresult(&b);
  lua_remove(L, -2);
}

void sk_json_encode(lua_State *L, int idx, const char *root) {
  int base = lua_gettop(L);
  struct walk w = {L, base + 2, base + 3, 0, 0, root};
  struct pathpart top = {NULL, NULL, 0, NULL};

  idx = idx < 0 ? base + idx + 1 : idx;
  sk_json_push_state(L);
  lua_getfield(L, base + 1, "array_mt");
  lua_getfield(L, base + 1, "exact");

  walk_value(&w, idx, &top, 0);
  lua_getfield(L, base + 1, "encode");
  if (w.specials == 0) {
    lua_pushvalue(L, idx);
  } else {
    w.build = 1;
    walk_value(&w, idx, &top, 0);
  }
  if (lua_pcall(L, 1, 1, 0) != 0) {
    lua_pushfstring(L, "cannot encode %s: %s", root, lua_tostring(L, -1));
    lua_error(L);
  }
  if (w.specials > 0) splice_markers(L);
  lua_replace(L, base + 1);
  lua_settop(L, base + 1);
}

