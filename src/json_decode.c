/*
 * Decoding: one byte pass, cjson.decode, one table walk, as before the exact
 * round trip; the round trip rides on them.
 *
 * The byte pass (sk_json_prescan, which checks encoded strings too) validates
 * UTF-8 (JSON text is UTF-8, RFC 8259; cjson would pass other bytes through
 * unseen) and on the way notes whether the text may hold what cjson 2.1.0
 * would lose: an empty array (it decodes [] and {} alike) or an integer
 * literal of 16 digits or more (it reads numbers with strtod, so past 2^53
 * digits are gone). Only then does a careful pass, which tells strings apart,
 * write a new text in which each of these outside a string is a marker string
 * only this process can write (sk_json_mark):
 *   []        ->  ["sk<nonce>["]
 *   123...    ->  "sk<nonce>#123..."
 * The walk that turns integral floats into integers (Lua 5.3+) marks every
 * array with the sakari.array metatable and turns the markers back. An answer
 * with neither pays only the pass it always paid.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define LONG_DIGITS 16 /* 15 digits are always below 2^53 */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

struct scan {
  lua_State *L;
  luaL_Buffer *b;
  const unsigned char *copied; /* text up to here is in b, once b is in use */
  int started;                 /* b is in use */
};

static int is_space(unsigned c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The high bit of each byte of an ASCII word that may be c (no misses; a
 * byte right above a hit may be flagged too). */
static uint64_t bytes_equal(uint64_t v, unsigned char c) {
  uint64_t x = v ^ (ONES * c);
  return (x - ONES) & ~x & HIGHS;
}

/* Writes a marker of this kind in place of the text from `from` to `to`: an
 * empty array holds one, a long integer literal becomes one holding its text. */
static void put_marker(struct scan *s, const unsigned char *from, const unsigned char *to, char kind) {
  int array = kind == '[';
  if (!s->started) {
    luaL_buffinit(s->L, s->b);
    s->started = 1;
  }
  luaL_addlstring(s->b, (const char *)s->copied, (size_t)(from - s->copied));
  luaL_addstring(s->b, array ? "[\"" : "\"");
  luaL_addstring(s->b, sk_json_mark);
  luaL_addchar(s->b, kind);
  if (!array) luaL_addlstring(s->b, (const char *)from, (size_t)(to - from));
  luaL_addstring(s->b, array ? "\"]" : "\"");
  s->copied = to;
}

/* From just past an opening quote to just past the closing one (or the end).
 * The text is UTF-8 by now: no byte of a multi-byte character is a quote. */
static const unsigned char *skip_string(const unsigned char *p, const unsigned char *end) {
  const unsigned char *from = p, *quote;
  while ((quote = memchr(p, '"', (size_t)(end - p))) != NULL) {
    const unsigned char *slash = quote;
    while (slash > from && slash[-1] == '\\') slash--;
    if ((quote - slash) % 2 == 0) return quote + 1; /* not escaped */
    p = quote + 1;
  }
  return end;
}

/* The careful pass, for a text the byte pass flagged: rewrites each empty
 * array and long integer literal outside strings. */
static void scan(struct scan *s, const unsigned char *p, const unsigned char *end) {
  while (p < end) {
    if (*p == '"') {
      p = skip_string(p + 1, end);
    } else if (*p == '[') {
      const unsigned char *q = p + 1;
      while (q < end && is_space(*q)) q++;
      if (q < end && *q == ']') put_marker(s, p, ++q, '[');
      p = q;
    } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
      const unsigned char *digits = p + (*p == '-'), *q = digits;
      while (q < end && *q >= '0' && *q <= '9') q++;
      if (q - digits >= LONG_DIGITS && *digits != '0' && (q == end || !memchr(".eE", *q, 3))) {
        put_marker(s, p, q, '#');
      }
      while (q < end && memchr("0123456789.eE+-", *q, 15)) q++; /* a fraction, an exponent */
      p = q;
    } else {
      p++;
    }
  }
}

/* Whether every byte of a word is a digit: high nibbles all 3 (most words
 * fail here), low nibbles all 9 or less. */
static int all_digits(uint64_t v) {
  return (v & ONES * 0xF0) == ONES * 0x30 && (((v & ONES * 0x0F) + ONES * 6) & ONES * 0xF0) == 0;
}

/* Whether the ']' at p closes an empty array (there may be whitespace). */
static int closes_empty(const unsigned char *start, const unsigned char *p) {
  while (p > start && is_space(p[-1])) p--;
  return p > start && p[-1] == '[';
}

/* Just past the valid UTF-8 sequence at s (a non-ASCII lead byte), or NULL
 * when there is none: no overlongs, no surrogates, nothing above U+10FFFF. */
static const unsigned char *utf8_next(const unsigned char *s, const unsigned char *end) {
  unsigned c = *s, cp, min;
  size_t n;
  if (c >= 0xC2 && c <= 0xDF) n = 1, cp = c & 0x1F, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) n = 2, cp = c & 0x0F, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) n = 3, cp = c & 0x07, min = 0x10000;
  else return NULL;
  if ((size_t)(end - s) <= n) return NULL;
  for (size_t i = 1; i <= n; i++) {
    if ((s[i] & 0xC0) != 0x80) return NULL;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return NULL;
  return s + n + 1;
}

/* The byte pass, eight ASCII bytes at a time (sixteen with SSE2). A long
 * integer holds an all-digit word of the stepping (16 digits, 8-byte steps);
 * strings are not told apart here, so a digit run in a string costs a careful
 * pass, nothing more. */
int sk_json_prescan(const unsigned char *s, const unsigned char *end) {
  const unsigned char *start = s;
  int flags = 0;
#ifdef __SSE2__
  const __m128i close = _mm_set1_epi8(']'), high_nibble = _mm_set1_epi8((char)0xF0), three = _mm_set1_epi8(0x30);
#endif
  while (s < end) {
    uint64_t word;
    if (*s >= 0x80) {
      s = utf8_next(s, end);
      if (!s) return SK_TEXT_BAD;
      continue;
    }
#ifdef __SSE2__
    /* sixteen at a time where the CPU can: most blocks need three tests */
    while ((size_t)(end - s) >= 16) {
      __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
      int digitish;
      if (_mm_movemask_epi8(v) || _mm_movemask_epi8(_mm_cmpeq_epi8(v, close))) break;
      digitish = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(v, high_nibble), three));
      if ((digitish & 0xFF) == 0xFF || digitish >> 8 == 0xFF) break; /* the words below look closer */
      s += 16;
    }
    if (s == end || *s >= 0x80) continue;
#endif
    if ((size_t)(end - s) >= 8) {
      memcpy(&word, s, 8);
      if (!(word & HIGHS) && !bytes_equal(word, ']')) {
        if (all_digits(word)) flags |= SK_TEXT_SPECIAL;
        s += 8;
        continue;
      }
    }
    /* near a ']' or a non-ASCII byte, or at the end: one byte */
    if (*s == ']') flags |= SK_TEXT_ARRAYS | (closes_empty(start, s) ? SK_TEXT_SPECIAL : 0);
    s++;
  }
  return flags;
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
  return len > SK_MARK_LEN && s[SK_MARK_LEN] == kind && memcmp(s, sk_json_mark, SK_MARK_LEN) == 0;
}

/* The number a long-integer marker on top stands for replaces it; when that
 * number is not exact (Lua 5.1, or past 64 bits), its text is kept for the key
 * below it in table t (0 at the top level: no table to keep it for). */
static void number_back(struct settle *w, int t) {
  lua_State *L = w->L;
  const char *text = lua_tostring(L, -1) + SK_MARK_LEN + 1;
#if SK_HAS_INTEGERS
  lua_stringtonumber(L, text); /* an integer where it fits 64 bits, else a float */
#else
  lua_pushnumber(L, (lua_Number)strtod(text, NULL));
#endif
  if (t && !sk_isinteger(L, -1)) {
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

/* The value on top replaces the one read: stores it under the key below it in
 * table t (0 at the top level: nothing to store into). */
static void store_back(lua_State *L, int t) {
  if (!t) return;
  lua_pushvalue(L, -2);
  lua_pushvalue(L, -2);
  lua_rawset(L, t);
}

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
      if (n == floor(n) && fabs(n) < SK_2_53) { /* so the cast is exact */
        lua_pop(L, 1);
        lua_pushinteger(L, (lua_Integer)n);
        store_back(L, t);
      }
    }
    break;
#endif
  case LUA_TSTRING:
    if (w->marked && is_marker(L, -1, '#')) {
      number_back(w, t);
      store_back(L, t);
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
  const unsigned char *start = (const unsigned char *)text, *end = start + len;
  luaL_Buffer b;
  struct scan s = {L, &b, start, 0};
  int flags = sk_json_prescan(start, end), state;

  if (flags == SK_TEXT_BAD) {
    lua_pushliteral(L, "text is not valid UTF-8");
    return SK_JSON_NOT_UTF8;
  }
  sk_json_push_state(L);
  state = lua_gettop(L);
  lua_getfield(L, state, "array_mt");
  lua_getfield(L, state, "exact");
  lua_getfield(L, state, "decode");
  if (flags & SK_TEXT_SPECIAL) scan(&s, start, end);
  if (s.started) {
    luaL_addlstring(&b, (const char *)s.copied, (size_t)(end - s.copied));
    luaL_pushresult(&b);
  } else {
    lua_pushlstring(L, text, len);
  }
  if (lua_pcall(L, 1, 1, 0) != 0) {
    lua_replace(L, state);
    lua_settop(L, state);
    return SK_JSON_INVALID;
  }
  if (SK_HAS_INTEGERS || flags) {
    struct settle w = {L, state + 1, state + 2, s.started};
    settle_value(&w, 0);
  }
  lua_replace(L, state);
  lua_settop(L, state);
  return SK_JSON_OK;
}
