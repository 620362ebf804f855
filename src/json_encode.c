/*
 * Encoding: a walk over the value rejects what JSON cannot carry, naming the
 * place. Only when the value holds something cjson would get wrong (an empty
 * array, a number its precision would round, a number whose decoded text was
 * kept) does a second walk build a copy in which those values are marker
 * strings, and the exact text replaces each marker in cjson's output.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

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

/* The exact text of the number at idx when cjson's precision would round it,
 * else NULL. */
static const char *exact_text(lua_State *L, int idx, char *buf, size_t size) {
  lua_Number d;
#if SK_HAS_INTEGERS
  if (lua_isinteger(L, idx)) {
    lua_Integer i = lua_tointeger(L, idx), limit = 100000000000000; /* 10^SK_JSON_PRECISION */
    if (i < limit && i > -limit) return NULL;
    snprintf(buf, size, "%lld", (long long)i);
    return buf;
  }
#endif
  d = lua_tonumber(L, idx);
  snprintf(buf, size, "%.*g", SK_JSON_PRECISION, d);
  if (strtod(buf, NULL) == d) return NULL;
  snprintf(buf, size, "%.17g", d);
  return buf;
}

/* Counts a value that needs a marker and, when building, pushes its marker. */
static void add_special(struct walk *w, const char *text) {
  w->specials++;
  if (w->build) lua_pushfstring(w->L, "%s:%s", sk_json_mark, text);
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

/* With the key and value of the table at idx on top: the literal decoding
 * kept for this place (see json.h) while the value is a float past 2^53 that
 * still equals it, else NULL. */
static const char *kept_text(struct walk *w, int idx) {
  lua_State *L = w->L;
  const char *text;
  if (lua_type(L, -1) != LUA_TNUMBER || sk_isinteger(L, -1)) return NULL;
  if (!(fabs(lua_tonumber(L, -1)) >= SK_2_53)) return NULL; /* smaller floats keep every digit */
  lua_pushvalue(L, idx);
  lua_rawget(L, w->exact);
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    return NULL;
  }
  lua_pushvalue(L, -3); /* the key */
  lua_rawget(L, -2);
  text = lua_tostring(L, -1); /* the side table holds only strings; kept alive by it */
  lua_pop(L, 2);
  return text && strtod(text, NULL) == lua_tonumber(L, -1) ? text : NULL;
}

static void walk_value(struct walk *w, int idx, struct pathpart *at, int depth);

static void walk_table(struct walk *w, int idx, struct pathpart *at, int depth) {
  lua_State *L = w->L;
  int marked = 0, has_string = 0, copy = 0;
  lua_Integer count = 0, max = 0;
  struct pathpart child = {at, NULL, 0, NULL};

  if (depth >= SK_JSON_MAX_DEPTH) walk_error(w, at, depth, "nested deeper than 1000 levels");
  luaL_checkstack(L, 8, "sakari: value nested too deep");
  at->table = lua_topointer(L, idx);
  /* A table inside itself: bodies are shallow, so the walk up is short. */
  for (const struct pathpart *p = at->parent; p; p = p->parent) {
    if (p->table == at->table) walk_error(w, at, depth, "table refers to itself (a cycle)");
  }
  if (lua_getmetatable(L, idx)) {
    marked = lua_rawequal(L, -1, w->array_mt);
    lua_pop(L, 1);
  }

  if (w->build) {
    lua_newtable(L);
    copy = lua_gettop(L);
  }
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int kt = lua_type(L, -2);
    const char *text;
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
    if ((text = kept_text(w, idx)) != NULL) add_special(w, text);
    else walk_value(w, lua_gettop(L), &child, depth + 1);
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
    if (w->build) lua_pop(L, 1); /* the copy */
    add_special(w, "[]");
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
    char buf[64];
    const char *text;
    lua_Number n = lua_tonumber(L, idx);
    if (n != n) walk_error(w, at, depth, "NaN is not a JSON number");
    if (n == HUGE_VAL || n == -HUGE_VAL) walk_error(w, at, depth, "infinity is not a JSON number");
    if ((text = exact_text(L, idx, buf, sizeof buf)) != NULL) {
      add_special(w, text);
      if (w->build) return;
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

/* Replaces each marker string in the JSON text on top of the stack with its
 * text, which holds no quote. */
static void splice_markers(lua_State *L) {
  size_t len;
  const char *p = lua_tolstring(L, -1, &len), *end = p + len, *quote = p;
  luaL_Buffer b;

  luaL_buffinit(L, &b);
  while ((quote = memchr(quote, '"', (size_t)(end - quote))) != NULL) {
    const char *text, *close;
    if ((size_t)(end - quote) < SK_MARK_LEN + 2 || memcmp(quote + 1, sk_json_mark, SK_MARK_LEN) != 0 ||
        quote[SK_MARK_LEN + 1] != ':') {
      quote++;
      continue;
    }
    text = quote + SK_MARK_LEN + 2;
    close = memchr(text, '"', (size_t)(end - text));
    if (!close) break;
    luaL_addlstring(&b, p, (size_t)(quote - p));
    luaL_addlstring(&b, text, (size_t)(close - text));
    p = quote = close + 1;
  }
  luaL_addlstring(&b, p, (size_t)(end - p));
  luaL_pushresult(&b);
  lua_remove(L, -2);
}

void sk_json_encode(lua_State *L, int idx, const char *root) {
  int base = lua_gettop(L);
  struct walk w = {L, base + 2, base + 3, 0, 0, root};
  struct pathpart top = {NULL, NULL, 0, NULL};

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
