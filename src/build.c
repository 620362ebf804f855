/* A Lua request table -> the checked fields of an sk_transfer. Nothing here
 * sets a curl option, so a bad request raises with nothing sent. */
#include <strings.h>

#include "request.h"
#include "timing.h"

static int has_bad_byte(const char *s, size_t len) {
  return memchr(s, '\r', len) || memchr(s, '\n', len) || memchr(s, '\0', len);
}

const char *sk_string_field(lua_State *L, int t, const char *name, const char *where, int required, int no_breaks,
                            size_t *len) {
  const char *s;
  lua_getfield(L, t, name);
  if (lua_isnil(L, -1) && !required) {
    lua_pop(L, 1);
    return NULL;
  }
  if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "sakari: %s'%s' must be a string", where, name);
  s = lua_tolstring(L, -1, len);
  if (no_breaks && has_bad_byte(s, *len)) luaL_error(L, "sakari: %s'%s' contains CR, LF or NUL", where, name);
  lua_pop(L, 1); /* still referenced by t */
  return s;
}

/* A required number of seconds, as milliseconds: the Lua layer owns the defaults. */
static long required_millis(lua_State *L, int req, const char *name) {
  lua_Number n;
  lua_getfield(L, req, name);
  if (lua_type(L, -1) != LUA_TNUMBER) {
    luaL_error(L, "sakari: request %s must be a number of seconds (got %s)", name, luaL_typename(L, -1));
  }
  n = lua_tonumber(L, -1);
  lua_pop(L, 1);
  if (!(n > 0 && n <= SK_MAX_SECONDS)) {
    luaL_error(L, "sakari: request %s must be between 0 and %d seconds", name, SK_MAX_SECONDS);
  }
  return n * 1000 < 1 ? 1 : (long)(n * 1000);
}

static const struct sk_method *check_method(lua_State *L, int req) {
  static const struct sk_method known[] = {{"GET", 0, 0, 0},    {"POST", 1, 0, 0},  {"PUT", 1, 1, 0},
                                           {"DELETE", 0, 1, 0}, {"PATCH", 1, 1, 0}, {"HEAD", 0, 0, 1}};
  const char *m;
  lua_getfield(L, req, "method");
  m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL; /* a number would convert to a string popped here */
  lua_pop(L, 1);
  for (size_t i = 0; m && i < sizeof known / sizeof *known; i++) {
    if (strcmp(m, known[i].name) == 0) return &known[i];
  }
  return luaL_error(L, "sakari: request method must be one of GET, POST, PUT, DELETE, PATCH, HEAD"), NULL;
}

static void build_url(lua_State *L, struct sk_transfer *t, int req) {
  size_t len;
  const char *url = sk_string_field(L, req, "url", "request ", 1, 0, &len);
  if (!(len > 7 && strncmp(url, "http://", 7) == 0) && !(len > 8 && strncmp(url, "https://", 8) == 0)) {
    luaL_error(L, "sakari: request url must start with http:// or https://");
  }
  for (size_t i = 0; i < len; i++) {
    if ((unsigned char)url[i] <= ' ' || url[i] == 0x7f || url[i] == '#') {
      luaL_error(L, "sakari: request url contains a space, control character or '#'; escape path segments");
    }
  }
  t->url.len = 0;
  if (!sk_buf_add(&t->url, url, len)) luaL_error(L, "sakari: out of memory");
  lua_getfield(L, req, "query");
  if (lua_type(L, -1) == LUA_TTABLE) {
    sk_url_add_query(L, &t->url, lua_gettop(L));
  } else if (!lua_isnil(L, -1)) {
    luaL_error(L, "sakari: request query must be a table");
  }
  lua_pop(L, 1);
}

static void append_header(lua_State *L, struct sk_transfer *t, const char *line) {
  struct curl_slist *next = curl_slist_append(t->headers, line);
  if (!next) luaL_error(L, "sakari: out of memory");
  t->headers = next;
}

/* t's header list: the caller's headers, then Accept, Content-Type and Expect
 * where the caller gave none. */
static void build_headers(lua_State *L, struct sk_transfer *t, int req, const char *content_type) {
  static const char token[] = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  int has_accept = 0, has_type = 0;
  curl_slist_free_all(t->headers);
  t->headers = NULL;
  lua_getfield(L, req, "headers");
  if (lua_istable(L, -1)) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      size_t nlen, vlen;
      const char *name, *value;
      if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING) {
        luaL_error(L, "sakari: request headers must map strings to strings");
      }
      name = lua_tolstring(L, -2, &nlen);
      value = lua_tolstring(L, -1, &vlen);
      if (strspn(name, token) != nlen) luaL_error(L, "sakari: header name is not a valid HTTP token");
      if (nlen == 0) luaL_error(L, "sakari: header name is empty");
      /* The value is never echoed: it may be a bearer token. */
      if (has_bad_byte(value, vlen)) luaL_error(L, "sakari: value of header '%s' contains CR, LF or NUL", name);
      if (strcasecmp(name, "accept") == 0) has_accept = 1;
      if (strcasecmp(name, "content-type") == 0) has_type = 1;
      lua_pushfstring(L, "%s: %s", name, value);
      append_header(L, t, lua_tostring(L, -1));
      lua_pop(L, 2);
    }
  } else if (!lua_isnil(L, -1)) {
    luaL_error(L, "sakari: request headers must be a table");
  }
  lua_pop(L, 1);
  if (!has_accept) append_header(L, t, "Accept: application/json");
  if (content_type && !has_type) {
    lua_pushfstring(L, "Content-Type: %s", content_type);
    append_header(L, t, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  append_header(L, t, "Expect:"); /* no 100-continue round trip before a large body */
  if (!t->has_body && !t->multipart && !has_type) {
    /* libcurl would label an empty POST/PUT body as a form: an empty value drops the header */
    append_header(L, t, "Content-Type:");
  }
}

/* Fills t->payload from raw_body (bytes, sent as they are); returns its content type or NULL. */
static const char *read_payload(lua_State *L, struct sk_transfer *t, int req) {
  const char *s, *type;
  size_t len;
  t->payload.len = 0;
  lua_getfield(L, req, "body");
  if (!lua_isnil(L, -1)) luaL_error(L, "sakari: request body is not taken; pass JSON text as raw_body");
  lua_pop(L, 1);
  s = sk_string_field(L, req, "raw_body", "request ", 0, 0, &len);
  t->has_body = s != NULL;
  if (!s) return NULL;
  if (!sk_buf_add(&t->payload, s, len)) luaL_error(L, "sakari: out of memory");
  lua_getfield(L, req, "content_type");
  /* only a string: lua_tostring would convert a number into a new string that popping it could free */
  if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "sakari: raw_body needs a content_type string");
  type = lua_tolstring(L, -1, &len); /* kept alive by the request table */
  lua_pop(L, 1);
  if (has_bad_byte(type, len)) luaL_error(L, "sakari: content_type contains CR or LF");
  return type;
}

/* Checks req.multipart, a list of {name, data, filename?, content_type?}, and
 * when t has a handle adds each part to a new t->mime. Returns whether there is one. */
static int read_multipart(lua_State *L, struct sk_transfer *t, int req) {
  int n;
  lua_getfield(L, req, "multipart");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  if (!lua_istable(L, -1) || sk_rawlen(L, -1) == 0) luaL_error(L, "sakari: multipart must be a non-empty list of parts");
  n = (int)sk_rawlen(L, -1);
  if (t->easy) t->mime = curl_mime_init(t->easy);
  if (t->easy && !t->mime) luaL_error(L, "sakari: out of memory building a multipart body");
  for (int i = 1; i <= n; i++) {
    const char *where, *name, *data, *filename, *type;
    size_t len, data_len;
    int tbl;
    lua_rawgeti(L, -1, i);
    if (!lua_istable(L, -1)) luaL_error(L, "sakari: multipart part %d must be a table", i);
    tbl = lua_gettop(L);
    where = lua_pushfstring(L, "multipart part %d: ", i);
    name = sk_string_field(L, tbl, "name", where, 1, 1, &len);
    data = sk_string_field(L, tbl, "data", where, 1, 0, &data_len);
    filename = sk_string_field(L, tbl, "filename", where, 0, 1, &len);
    type = sk_string_field(L, tbl, "content_type", where, 0, 1, &len);
    if (t->mime) {
      curl_mimepart *part = curl_mime_addpart(t->mime);
      if (!part || curl_mime_name(part, name) != CURLE_OK || curl_mime_data(part, data, data_len) != CURLE_OK ||
          (filename && curl_mime_filename(part, filename) != CURLE_OK) ||
          (type && curl_mime_type(part, type) != CURLE_OK)) {
        luaL_error(L, "sakari: out of memory building a multipart body");
      }
    }
    lua_pop(L, 2); /* where, the part */
  }
  lua_pop(L, 1);
  return 1;
}

void sk_transfer_build(lua_State *L, struct sk_transfer *t, int req) {
  const char *content_type;
  luaL_checktype(L, req, LUA_TTABLE);
  t->method = check_method(L, req);
  lua_getfield(L, req, "raw_response");
  t->raw_response = lua_toboolean(L, -1);
  lua_getfield(L, req, "want_headers");
  t->want_headers = t->raw_response || lua_toboolean(L, -1);
  lua_getfield(L, req, "fresh_connect");
  t->fresh_connect = lua_toboolean(L, -1);
  lua_pop(L, 3);
  build_url(L, t, req);
  content_type = read_payload(L, t, req);
  t->multipart = read_multipart(L, t, req);
  if (t->multipart && t->has_body) luaL_error(L, "sakari: a request has either raw_body or multipart");
  t->timeout_ms = required_millis(L, req, "timeout");
  t->connect_timeout_ms = required_millis(L, req, "connect_timeout");
  build_headers(L, t, req, content_type);
}
