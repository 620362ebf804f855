#include "request.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "url.h"

#define SNIPPET_MAX 200

static size_t on_body(char *data, size_t size, size_t n, void *ud) {
  struct sk_transfer *t = ud;
  return sk_buf_add(&t->body, data, size * n) ? size * n : 0;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud) {
  struct sk_transfer *t = ud;
  /* A new status line starts a new response (a 100 Continue, say): keep the last one only. */
  if (size * n >= 5 && memcmp(data, "HTTP/", 5) == 0) t->head.len = 0;
  return sk_buf_add(&t->head, data, size * n) ? size * n : 0;
}

static int has_bad_byte(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0') return 1;
  }
  return 0;
}

static const char *opt_string(lua_State *L, int idx, const char *name) {
  const char *s;
  size_t len;
  if (idx == 0) return NULL;
  lua_getfield(L, idx, name);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return NULL;
  }
  if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "sakari: option '%s' must be a string", name);
  s = lua_tolstring(L, -1, &len);
  if (has_bad_byte(s, len)) luaL_error(L, "sakari: option '%s' contains CR, LF or NUL", name);
  lua_pop(L, 1); /* still referenced by the options table */
  return s;
}

long sk_opt_millis(lua_State *L, int idx, const char *name, long fallback) {
  lua_Number n;
  if (idx == 0) return fallback;
  lua_getfield(L, idx, name);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return fallback;
  }
  if (lua_type(L, -1) != LUA_TNUMBER) luaL_error(L, "sakari: option '%s' must be a number of seconds", name);
  n = lua_tonumber(L, -1);
  lua_pop(L, 1);
  if (!(n > 0 && n <= 86400)) luaL_error(L, "sakari: option '%s' must be between 0 and 86400 seconds", name);
  return n * 1000 < 1 ? 1 : (long)(n * 1000);
}

void sk_curl_ready(lua_State *L) {
  /* Once per process, however many Lua states load us, and only when the first
   * handle is made: it initialises OpenSSL, a third of what loading would cost. */
  static int ready = 0;
  if (ready) return;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) luaL_error(L, "sakari: curl_global_init failed");
  ready = 1;
}

void sk_transfer_init(lua_State *L, struct sk_transfer *t, int opts) {
  const char *ca_file = opt_string(L, opts, "ca_file");
  const char *proxy = opt_string(L, opts, "proxy");
  const char *agent = opt_string(L, opts, "user_agent");
  int insecure = 0;

  if (opts != 0) {
    lua_getfield(L, opts, "insecure");
    if (!lua_isnil(L, -1) && !lua_isboolean(L, -1)) luaL_error(L, "sakari: option 'insecure' must be a boolean");
    insecure = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  sk_curl_ready(L);
  t->easy = curl_easy_init();
  if (!t->easy) luaL_error(L, "sakari: libcurl could not create a handle");
  curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L); /* no SIGALRM for DNS timeouts: threads and nginx */
  curl_easy_setopt(t->easy, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect must never carry the token */
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(t->easy, CURLOPT_PATH_AS_IS, 1L); /* send the escaped path exactly as built */
  curl_easy_setopt(t->easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt(t->easy, CURLOPT_SSL_VERIFYPEER, insecure ? 0L : 1L);
  curl_easy_setopt(t->easy, CURLOPT_SSL_VERIFYHOST, insecure ? 0L : 2L);
  if (ca_file) curl_easy_setopt(t->easy, CURLOPT_CAINFO, ca_file);
  if (proxy) curl_easy_setopt(t->easy, CURLOPT_PROXY, proxy);
  if (agent) curl_easy_setopt(t->easy, CURLOPT_USERAGENT, agent);
}

static const char *check_method(lua_State *L, int req) {
  static const char *const known[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", NULL};
  const char *m;
  lua_getfield(L, req, "method");
  m = lua_tostring(L, -1);
  lua_pop(L, 1);
  for (int i = 0; m && known[i]; i++) {
    if (strcmp(m, known[i]) == 0) return known[i];
  }
  return luaL_error(L, "sakari: request method must be one of GET, POST, PUT, DELETE, PATCH, HEAD"), NULL;
}

static void build_url(lua_State *L, struct sk_transfer *t, int req) {
  size_t len;
  const char *url;
  lua_getfield(L, req, "url");
  if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "sakari: request url must be a string");
  url = lua_tolstring(L, -1, &len);
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
  lua_pop(L, 1);
  lua_getfield(L, req, "query");
  if (lua_type(L, -1) == LUA_TTABLE) {
    sk_url_add_query(L, &t->url, lua_gettop(L));
  } else if (!lua_isnil(L, -1)) {
    luaL_error(L, "sakari: request query must be a table");
  }
  lua_pop(L, 1);
}

static int is_token_char(unsigned char c) {
  return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static void append_header(lua_State *L, struct sk_transfer *t, const char *line) {
  struct curl_slist *next = curl_slist_append(t->headers, line);
  if (!next) luaL_error(L, "sakari: out of memory");
  t->headers = next;
}

/* Adds the caller's headers; returns which of Accept/Content-Type were given. */
static int add_headers(lua_State *L, struct sk_transfer *t, int req, int *has_type) {
  int has_accept = 0;
  *has_type = 0;
  lua_getfield(L, req, "headers");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  if (!lua_istable(L, -1)) luaL_error(L, "sakari: request headers must be a table");
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    size_t nlen, vlen;
    const char *name, *value;
    if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING) {
      luaL_error(L, "sakari: request headers must map strings to strings");
    }
    name = lua_tolstring(L, -2, &nlen);
    value = lua_tolstring(L, -1, &vlen);
    for (size_t i = 0; i < nlen; i++) {
      if (!is_token_char((unsigned char)name[i])) luaL_error(L, "sakari: header name is not a valid HTTP token");
    }
    if (nlen == 0) luaL_error(L, "sakari: header name is empty");
    /* The value is never echoed: it may be a bearer token. */
    if (has_bad_byte(value, vlen)) luaL_error(L, "sakari: value of header '%s' contains CR, LF or NUL", name);
    if (strcasecmp(name, "accept") == 0) has_accept = 1;
    if (strcasecmp(name, "content-type") == 0) *has_type = 1;
    lua_pushfstring(L, "%s: %s", name, value);
    append_header(L, t, lua_tostring(L, -1));
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  return has_accept;
}

/* Fills t->payload from body (a table to encode) or raw_body (bytes as is). */
static int read_payload(lua_State *L, struct sk_transfer *t, int req) {
  const char *s;
  size_t len;
  int has = 1;
  t->payload.len = 0;
  lua_getfield(L, req, "raw_body");
  if (!lua_isnil(L, -1)) {
    lua_getfield(L, req, "body");
    if (!lua_isnil(L, -1)) luaL_error(L, "sakari: a request has either body, raw_body or multipart");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_getfield(L, req, "body");
  if (lua_istable(L, -1)) {
    sk_json_encode(L, lua_gettop(L), "body");
    lua_remove(L, -2);
  } else if (!lua_isnil(L, -1)) {
    luaL_error(L, "sakari: request body must be a table (use raw_body for bytes)");
  } else {
    lua_pop(L, 1);
    lua_getfield(L, req, "raw_body");
    if (lua_isnil(L, -1)) has = 0;
    else if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "sakari: request raw_body must be a string");
  }
  if (has) {
    s = lua_tolstring(L, -1, &len);
    if (!sk_buf_add(&t->payload, s, len)) luaL_error(L, "sakari: out of memory");
  }
  lua_pop(L, 1);
  return has;
}

static const char *part_string(lua_State *L, int part, int i, const char *name, int required) {
  const char *v;
  size_t len;
  lua_getfield(L, part, name);
  if (lua_isnil(L, -1) && !required) {
    lua_pop(L, 1);
    return NULL;
  }
  if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "sakari: multipart part %d: '%s' must be a string", i, name);
  v = lua_tolstring(L, -1, &len);
  if (strcmp(name, "data") != 0 && has_bad_byte(v, len)) {
    luaL_error(L, "sakari: multipart part %d: '%s' contains CR, LF or NUL", i, name);
  }
  lua_pop(L, 1); /* kept alive by the part table */
  return v;
}

/* Checks req.multipart, a list of {name, data, filename?, content_type?};
 * with add set, adds each part to t->mime. Returns whether there is one. */
static int read_multipart(lua_State *L, struct sk_transfer *t, int req, int add) {
  int n;
  lua_getfield(L, req, "multipart");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  if (!lua_istable(L, -1) || sk_rawlen(L, -1) == 0) luaL_error(L, "sakari: multipart must be a non-empty list of parts");
  n = (int)sk_rawlen(L, -1);
  for (int i = 1; i <= n; i++) {
    const char *name, *data, *filename, *type;
    size_t len;
    lua_rawgeti(L, -1, i);
    if (!lua_istable(L, -1)) luaL_error(L, "sakari: multipart part %d must be a table", i);
    name = part_string(L, lua_gettop(L), i, "name", 1);
    data = part_string(L, lua_gettop(L), i, "data", 1);
    filename = part_string(L, lua_gettop(L), i, "filename", 0);
    type = part_string(L, lua_gettop(L), i, "content_type", 0);
    if (add) {
      curl_mimepart *part = curl_mime_addpart(t->mime);
      lua_getfield(L, -1, "data");
      lua_tolstring(L, -1, &len);
      lua_pop(L, 1);
      if (!part || curl_mime_name(part, name) != CURLE_OK || curl_mime_data(part, data, len) != CURLE_OK ||
          (filename && curl_mime_filename(part, filename) != CURLE_OK) ||
          (type && curl_mime_type(part, type) != CURLE_OK)) {
        luaL_error(L, "sakari: out of memory building a multipart body");
      }
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return 1;
}

void sk_transfer_build(lua_State *L, struct sk_transfer *t, int req, const struct sk_defaults *d) {
  const char *content_type = NULL;
  int has_accept, has_type;

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
  t->has_body = read_payload(L, t, req);
  t->multipart = read_multipart(L, t, req, 0);
  if (t->multipart && t->has_body) luaL_error(L, "sakari: a request has either body, raw_body or multipart");
  if (t->has_body) {
    lua_getfield(L, req, "body");
    content_type = lua_isnil(L, -1) ? NULL : "application/json";
    lua_pop(L, 1);
    if (!content_type) {
      lua_getfield(L, req, "content_type");
      /* only a string: lua_tostring would convert a number into a new string
       * that popping it could free */
      if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "sakari: raw_body needs a content_type string");
      content_type = lua_tostring(L, -1); /* kept alive by the request table */
      lua_pop(L, 1);
      if (has_bad_byte(content_type, strlen(content_type))) luaL_error(L, "sakari: content_type contains CR or LF");
    }
  }
  t->timeout_ms = sk_opt_millis(L, req, "timeout", d->timeout_ms);
  t->connect_timeout_ms = sk_opt_millis(L, req, "connect_timeout", d->connect_timeout_ms);

  curl_slist_free_all(t->headers);
  t->headers = NULL;
  has_accept = add_headers(L, t, req, &has_type);
  if (!has_accept) append_header(L, t, "Accept: application/json");
  if (content_type && !has_type) {
    lua_pushfstring(L, "Content-Type: %s", content_type);
    append_header(L, t, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  t->caller_content_type = has_type;
}

void sk_transfer_prepare(lua_State *L, struct sk_transfer *t, int req, const struct sk_defaults *d) {
  const char *method;
  sk_transfer_build(L, t, req, d);
  append_header(L, t, "Expect:"); /* no 100-continue round trip before a large body */
  if (!t->has_body && !t->multipart && !t->caller_content_type) {
    /* libcurl would label an empty POST/PUT body as a form: an empty value drops the header */
    append_header(L, t, "Content-Type:");
  }
  method = t->method;
  curl_easy_setopt(t->easy, CURLOPT_MIMEPOST, NULL);
  curl_mime_free(t->mime);
  t->mime = NULL;
  if (t->multipart) {
    t->mime = curl_mime_init(t->easy);
    if (!t->mime) luaL_error(L, "sakari: out of memory building a multipart body");
    read_multipart(L, t, req, 1);
  }

  /* Nothing below raises: the handle is only touched once the request is valid. */
  curl_easy_setopt(t->easy, CURLOPT_URL, t->url.data);
  curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, t->timeout_ms);
  curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS, t->connect_timeout_ms);
  curl_easy_setopt(t->easy, CURLOPT_NOBODY, 0L);
  /* libcurl silently resends a request whose reused connection died before
   * any answer; a request that must never be repeated gets a new connection,
   * which libcurl never resends on */
  curl_easy_setopt(t->easy, CURLOPT_FRESH_CONNECT, t->fresh_connect ? 1L : 0L);
  if (t->multipart) {
    curl_easy_setopt(t->easy, CURLOPT_MIMEPOST, t->mime);
  } else if (t->has_body || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
             strcmp(method, "PATCH") == 0) {
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)t->payload.len);
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->payload.data ? t->payload.data : "");
  } else {
    curl_easy_setopt(t->easy, CURLOPT_HTTPGET, 1L);
  }
  if (strcmp(method, "HEAD") == 0) curl_easy_setopt(t->easy, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(t->easy, CURLOPT_CUSTOMREQUEST,
                   strcmp(method, "GET") == 0 || strcmp(method, "POST") == 0 || strcmp(method, "HEAD") == 0
                       ? NULL
                       : method);
  t->body.len = 0;
  t->head.len = 0;
  t->errbuf[0] = '\0';
}

void sk_transfer_push_prepared(lua_State *L, const struct sk_transfer *t) {
  lua_createtable(L, 0, 4);
  lua_pushstring(L, t->method);
  lua_setfield(L, -2, "method");
  lua_pushlstring(L, t->url.data, t->url.len);
  lua_setfield(L, -2, "url");
  lua_newtable(L);
  for (const struct curl_slist *h = t->headers; h; h = h->next) {
    const char *colon = strchr(h->data, ':');
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
}

static const char *transport_code(CURLcode rc) {
  switch (rc) {
  case CURLE_OPERATION_TIMEDOUT:
    return "timeout";
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
    return "dns";
  case CURLE_COULDNT_CONNECT:
    return "connect";
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_ENGINE_NOTFOUND:
  case CURLE_SSL_ENGINE_SETFAILED:
  case CURLE_SSL_ENGINE_INITFAILED:
  case CURLE_USE_SSL_FAILED:
    return "tls";
  default:
    return "transport";
  }
}

static void push_headers(lua_State *L, const struct sk_buf *head) {
  const char *p = head->data, *end = head->data + head->len;
  lua_newtable(L);
  while (p && p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p)), *colon, *v, *vend;
    if (!eol) eol = end;
    colon = memchr(p, ':', (size_t)(eol - p));
    if (colon && colon > p) {
      luaL_Buffer name;
      luaL_buffinit(L, &name);
      for (const char *c = p; c < colon; c++) luaL_addchar(&name, (char)tolower((unsigned char)*c));
      luaL_pushresult(&name);
      v = colon + 1;
      vend = eol;
      while (v < vend && (*v == ' ' || *v == '\t')) v++;
      while (vend > v && (vend[-1] == '\r' || vend[-1] == ' ' || vend[-1] == '\t')) vend--;
      lua_pushvalue(L, -1);
      lua_rawget(L, -3);
      if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushlstring(L, v, (size_t)(vend - v));
      } else { /* a repeated header: one value, comma-joined as RFC 9110 allows */
        lua_pushliteral(L, ", ");
        lua_pushlstring(L, v, (size_t)(vend - v));
        lua_concat(L, 3);
      }
      lua_rawset(L, -3);
    }
    p = eol + 1;
  }
}

/* The first bytes of a body that did not decode, safe to print. */
static void push_snippet(lua_State *L, const struct sk_buf *body) {
  luaL_Buffer b;
  size_t n = body->len < SNIPPET_MAX ? body->len : SNIPPET_MAX;
  luaL_buffinit(L, &b);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)body->data[i];
    luaL_addchar(&b, (c < 0x20 || c == 0x7f) ? ' ' : (char)c);
  }
  if (body->len > n) luaL_addstring(&b, "...");
  luaL_pushresult(&b);
}

int sk_transfer_push_result(lua_State *L, struct sk_transfer *t, CURLcode rc) {
  long status = 0;
  if (rc != CURLE_OK) {
    lua_pushnil(L);
    lua_createtable(L, 0, 3);
    lua_pushstring(L, transport_code(rc));
    lua_setfield(L, -2, "code");
    lua_pushstring(L, t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
    lua_setfield(L, -2, "message");
    lua_pushinteger(L, (lua_Integer)rc);
    lua_setfield(L, -2, "curl_code");
    return 2;
  }
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  lua_pushinteger(L, (lua_Integer)status);
  /* A success is read from its body alone; building the header table for
   * every answer would cost as much as a third of decoding it. */
  if (t->want_headers || status < 200 || status >= 300) {
    push_headers(L, &t->head);
  } else {
    lua_pushnil(L);
  }
  if (t->raw_response) { /* the caller reads the bytes itself (CSV reports, say) */
    lua_pushlstring(L, t->body.data ? t->body.data : "", t->body.len);
    lua_pushnil(L);
  } else if (t->body.len == 0) {
    lua_pushnil(L);
    lua_pushnil(L);
  } else if (sk_json_decode(L, t->body.data, t->body.len)) {
    lua_pushnil(L);
  } else {
    const char *why = lua_tostring(L, -1);
    lua_pushnil(L);
    lua_pushfstring(L, "invalid JSON (%s): ", why ? why : "?");
    push_snippet(L, &t->body);
    lua_concat(L, 2);
    lua_remove(L, -3); /* cjson's message */
  }
  return 4;
}

void sk_transfer_free(struct sk_transfer *t) {
  if (t->easy) curl_easy_cleanup(t->easy);
  curl_mime_free(t->mime);
  t->mime = NULL;
  t->easy = NULL;
  curl_slist_free_all(t->headers);
  t->headers = NULL;
  sk_buf_free(&t->url);
  sk_buf_free(&t->payload);
  sk_buf_free(&t->body);
  sk_buf_free(&t->head);
}
