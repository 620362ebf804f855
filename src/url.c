/* Percent-encoding of path segments and query strings (RFC 3986). */
#include <math.h>
#include <stdio.h>

#include "request.h"

static int is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int sk_url_escape(struct sk_buf *out, const char *s, size_t len) {
  static const char hex[] = "0123456789ABCDEF";
  size_t dots = 0;
  while (dots < len && s[dots] == '.') dots++;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
    int keep = is_unreserved(c) && !(c == '.' && dots == len);
    if (!sk_buf_add(out, keep ? s + i : esc, keep ? 1 : 3)) return 0;
  }
  return 1;
}

struct qkey {
  const char *s;
  size_t len;
};

static int compare_keys(const void *a, const void *b) {
  const struct qkey *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->s, y->s, n);
  return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Appends sep, the key, "=" and the scalar at idx as query text; raises when it is no scalar. */
static void add_pair(lua_State *L, struct sk_buf *out, const struct qkey *k, int idx, char *sep) {
  char num[64];
  const char *s = NULL;
  size_t len = 0;
  switch (lua_type(L, idx)) {
  case LUA_TBOOLEAN:
    s = lua_toboolean(L, idx) ? "true" : "false";
    len = strlen(s);
    break;
  case LUA_TNUMBER:
    if (sk_isinteger(L, idx)) {
      s = num;
      len = (size_t)snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, idx));
    } else if (isfinite(lua_tonumber(L, idx))) { /* %g writes 10, not 10.0: a limit must read as an integer */
      s = num;
      len = (size_t)snprintf(num, sizeof num, "%.17g", lua_tonumber(L, idx));
    }
    break;
  case LUA_TSTRING:
    s = lua_tolstring(L, idx, &len);
    break;
  }
  if (!s) {
    luaL_error(L, "sakari: query parameter '%s' has a value of type %s (expected string, number, "
                  "boolean or an array of them)",
               k->s, luaL_typename(L, idx));
  }
  if (!sk_buf_add(out, sep, 1) || !sk_url_escape(out, k->s, k->len) || !sk_buf_add(out, "=", 1) ||
      !sk_url_escape(out, s, len)) {
    luaL_error(L, "sakari: out of memory building a URL");
  }
  *sep = '&';
}

void sk_url_add_query(lua_State *L, struct sk_buf *out, int idx) {
  size_t count = 0, i;
  struct qkey *keys;
  char sep = (out->len && memchr(out->data, '?', out->len)) ? '&' : '?';

  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -2) != LUA_TSTRING) {
      luaL_error(L, "sakari: query keys must be strings, got a %s", luaL_typename(L, -2));
    }
    count++;
    lua_pop(L, 1);
  }
  if (count == 0) return;
  keys = lua_newuserdata(L, count * sizeof *keys); /* freed by the GC even if we raise */
  i = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    keys[i].s = lua_tolstring(L, -2, &keys[i].len); /* kept alive by the query table */
    i++;
    lua_pop(L, 1);
  }
  qsort(keys, count, sizeof *keys, compare_keys);

  for (i = 0; i < count; i++) {
    lua_pushlstring(L, keys[i].s, keys[i].len);
    lua_rawget(L, idx);
    if (lua_type(L, -1) == LUA_TTABLE) {
      int n = (int)sk_rawlen(L, -1);
      for (int j = 1; j <= n; j++) {
        lua_rawgeti(L, -1, j);
        add_pair(L, out, &keys[i], lua_gettop(L), &sep);
        lua_pop(L, 1);
      }
    } else {
      add_pair(L, out, &keys[i], lua_gettop(L), &sep);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1); /* keys */
}
