/*
 * Decoding: one byte pass, cjson.decode, one table walk, as before the exact
 * round trip; the round trip rides on them.
 *
 * The byte pass validates UTF-8 (JSON text is UTF-8, RFC 8259; cjson would
 * pass other bytes through unseen) and, outside strings, spots what cjson 2.1.0
 * would lose: an empty array (it decodes [] and {} alike) and an integer
 * literal of 16 digits or more (it reads numbers with strtod, so past 2^53
 * digits are gone). Only when it finds one does it write a new text in which
 * each is a marker string only this process can write (sk_json_nonce):
 *   []        ->  ["\u0000sk<nonce>["]
 *   123...    ->  "\u0000sk<nonce>#123..."
 * The walk that turns integral floats into integers (Lua 5.3+) marks every
 * array with the sakari.array metatable and turns the markers back. An answer
 * with neither pays only the pass it always paid.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define MARK_PREFIX_LEN (3 + SK_NONCE_LEN) /* NUL, "sk", nonce */
#define LONG_DIGITS 16                     /* 15 digits are always below 2^53 */

struct scan {
  lua_State *L;
  luaL_Buffer *b;
  const unsigned char *copied; /* text up to here is in b, once b is in use */
  int started;                 /* b is in use */
  int arrays;                  /* arrays seen */
};

static int is_space(unsigned c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void replace(struct scan *s, const unsigned char *from, const unsigned char *to, const char *open,
                    const unsigned char *payload, size_t payload_len, const char *close) {
  if (!s->started) {
    luaL_buffinit(s->L, s->b);
    s->started = 1;
  }
  luaL_addlstring(s->b, (const char *)s->copied, (size_t)(from - s->copied));
  luaL_addstring(s->b, open);
  luaL_addstring(s->b, sk_json_nonce);
  luaL_addlstring(s->b, (const char *)payload, payload_len);
  luaL_addstring(s->b, close);
  s->copied = to;
}

/* A word holding a '"', a '\\' or a non-ASCII byte. */
static int word_special(uint64_t v) {
  const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  uint64_t q = v ^ (ones * '"'), e = v ^ (ones * '\\');
  return (((q - ones) & ~q) | ((e - ones) & ~e) | v) & highs ? 1 : 0;
}

/* From just past an opening quote to just past the closing one (or the end);
 * NULL on bytes that are not UTF-8. */
static const unsigned char *skip_string(const unsigned char *p, const unsigned char *end) {
  while (p < end) {
    unsigned c;
    uint64_t word;
    while ((size_t)(end - p) >= 8) {
      memcpy(&word, p, 8);
      if (word_special(word)) break;
      p += 8;
    }
    if (p >= end) break;
    c = *p;
    if (c == '"') return p + 1;
    if (c == '\\') {
      p += (p + 1 < end && p[1] < 0x80) ? 2 : 1; /* a non-ASCII byte after it is checked next */
    } else if (c >= 0x80) {
      size_t n = sk_utf8_seq(p, end);
      if (n == 0) return NULL;
      p += n;
    } else {
      p++;
    }
  }
  return end;
}

/* Returns 0 when the text is not UTF-8. */
static int scan(struct scan *s, const unsigned char *p, const unsigned char *end) {
  while (p < end) {
    unsigned c = *p;
    if (c == '"') {
      p = skip_string(p + 1, end);
      if (!p) return 0;
    } else if (c == '[') {
      const unsigned char *q = p + 1;
      s->arrays++;
      while (q < end && is_space(*q)) q++;
      if (q < end && *q == ']') {
        replace(s, p, q + 1, "[\"\\u0000sk", (const unsigned char *)"[", 1, "\"]");
        p = q;
      }
      p++;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      const unsigned char *digits = p + (c == '-'), *q = digits;
      while (q < end && *q >= '0' && *q <= '9') q++;
      if (q < end && (*q == '.' || *q == 'e' || *q == 'E')) {
        while (q < end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' || *q == '+' ||
                           *q == '-')) {
          q++;
        }
      } else if (q - digits >= LONG_DIGITS && *digits != '0') {
        replace(s, p, q, "\"\\u0000sk", (const unsigned char *)"#", 1, "");
        luaL_addlstring(s->b, (const char *)p, (size_t)(q - p));
        luaL_addchar(s->b, '"');
      }
      p = q;
    } else if (c >= 0x80) {
      size_t n = sk_utf8_seq(p, end);
      if (n == 0) return 0;
      p += n;
    } else {
      p++;
    }
  }
  return 1;
}

struct settle {
  lua_State *L;
  int array_mt, exact; /* stack indexes of the array metatable and the side table */
  int marked;          /* the text was rewritten: look for markers */
};

static int is_marker(lua_State *L, int idx, char kind) {
  size_t len;
  const char *s;
  if (lua_type(L, idx) != LUA_TSTRING) return 0;
  s = lua_tolstring(L, idx, &len);
  return len > MARK_PREFIX_LEN && s[0] == '\0' && s[MARK_PREFIX_LEN] == kind && s[1] == 's' && s[2] == 'k' &&
         memcmp(s + 3, sk_json_nonce, SK_NONCE_LEN) == 0;
}

/* The number a long-integer marker on top stands for replaces it; when that
 * number is not exact (Lua 5.1, or past 64 bits), its text is kept for the key
 * below it in table t (0 at the top level: no table to keep it for). */
static void number_back(struct settle *w, int t) {
  lua_State *L = w->L;
  const char *text = lua_tostring(L, -1) + MARK_PREFIX_LEN + 1;
#if SK_HAS_INTEGERS
  long long i;
  errno = 0;
  i = strtoll(text, NULL, 10);
  if (errno == 0) {
    lua_pop(L, 1);
    lua_pushinteger(L, (lua_Integer)i);
    return;
  }
#endif
  lua_pushnumber(L, (lua_Number)strtod(text, NULL));
  if (t) {
    lua_pushvalue(L, t);
    lua_rawget(L, w->exact);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      lua_newtable(L);
      lua_pushvalue(L, t);
      lua_pushvalue(L, -2);
      lua_rawset(L, w->exact);
    }
    lua_pushvalue(L, -4); /* the key */
    lua_pushstring(L, text);
    lua_rawset(L, -3);
    lua_pop(L, 1);
  }
  lua_remove(L, -2); /* the marker */
}

static void settle_table(struct settle *w, int t);

/* The value on top, with its key below it in table t. */
static void settle_value(struct settle *w, int t) {
  lua_State *L = w->L;
  switch (lua_type(L, -1)) {
  case LUA_TTABLE:
    settle_table(w, lua_gettop(L));
    break;
#if SK_HAS_INTEGERS
  case LUA_TNUMBER:
    /* cjson 2.1.0 decodes 123 as 123.0 on Lua 5.3+; long literals never get here */
    if (!lua_isinteger(L, -1)) {
      lua_Number n = lua_tonumber(L, -1);
      lua_Integer i;
      if (n == floor(n) && fabs(n) < 9007199254740992.0 && lua_numbertointeger(n, &i)) {
        lua_pop(L, 1);
        lua_pushinteger(L, i);
        if (t) {
          lua_pushvalue(L, -2);
          lua_pushvalue(L, -2);
          lua_rawset(L, t);
        }
      }
    }
    break;
#endif
  case LUA_TSTRING:
    if (w->marked && is_marker(L, -1, '#')) {
      number_back(w, t);
      if (t) {
        lua_pushvalue(L, -2);
        lua_pushvalue(L, -2);
        lua_rawset(L, t);
      }
    }
    break;
  default:
    break;
  }
}

static void settle_table(struct settle *w, int t) {
  lua_State *L = w->L;
  luaL_checkstack(L, 8, "sakari: decoded value nested too deep");
  lua_rawgeti(L, t, 1);
  if (!lua_isnil(L, -1)) { /* JSON object keys are strings: a [1] is an array's */
    lua_pushvalue(L, w->array_mt);
    lua_setmetatable(L, t);
    if (w->marked && is_marker(L, -1, '[')) {
      lua_pop(L, 1);
      lua_pushnil(L);
      lua_rawseti(L, t, 1);
      return;
    }
  }
  lua_pop(L, 1);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    settle_value(w, t);
    lua_pop(L, 1);
  }
}

enum sk_decoded sk_json_decode(lua_State *L, const char *text, size_t len) {
  struct scan s;
  struct settle w;
  luaL_Buffer b;
  int state;

  sk_json_push_state(L);
  state = lua_gettop(L);
  lua_getfield(L, state, "array_mt");
  lua_getfield(L, state, "exact");
  lua_getfield(L, state, "decode");
  s.L = L;
  s.b = &b;
  s.copied = (const unsigned char *)text;
  s.started = 0;
  s.arrays = 0;
  if (!scan(&s, (const unsigned char *)text, (const unsigned char *)text + len)) {
    if (s.started) luaL_pushresult(&b);
    lua_settop(L, state - 1);
    lua_pushliteral(L, "text is not valid UTF-8");
    return SK_JSON_NOT_UTF8;
  }
  if (s.started) {
    luaL_addlstring(&b, (const char *)s.copied, (size_t)(text + len - (const char *)s.copied));
    luaL_pushresult(&b);
  } else {
    lua_pushlstring(L, text, len);
  }
  if (lua_pcall(L, 1, 1, 0) != 0) {
    lua_replace(L, state);
    lua_settop(L, state);
    return SK_JSON_INVALID;
  }
  w.L = L;
  w.array_mt = state + 1;
  w.exact = state + 2;
  w.marked = s.started;
  if (SK_HAS_INTEGERS || s.arrays > 0 || s.started) {
    settle_value(&w, 0);
  }
  lua_replace(L, state);
  lua_settop(L, state);
  return SK_JSON_OK;
}
