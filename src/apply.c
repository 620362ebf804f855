/* The checked fields of an sk_transfer -> options on its libcurl easy handle. */
#include "request.h"

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

/* The options of core.session and core.multi that libcurl takes as strings (and copies). */
static const struct {
  const char *name;
  CURLoption option;
} string_options[] = {{"ca_file", CURLOPT_CAINFO}, {"proxy", CURLOPT_PROXY}, {"user_agent", CURLOPT_USERAGENT}};
#define N_STRING_OPTIONS (sizeof string_options / sizeof string_options[0])

void sk_transfer_init(lua_State *L, struct sk_transfer *t, int options) {
  /* curl_global_init once per process, however many Lua states load us, and only when the
   * first handle is made: it initialises OpenSSL, a third of what loading would cost */
  static int curl_ready = 0;
  const char *given[N_STRING_OPTIONS] = {NULL};
  size_t len;
  int insecure = 0;
  if (!lua_isnoneornil(L, options)) { /* all checked before the handle is made */
    luaL_checktype(L, options, LUA_TTABLE);
    for (size_t i = 0; i < N_STRING_OPTIONS; i++)
      given[i] = sk_string_field(L, options, string_options[i].name, "option ", 0, 1, &len);
    lua_getfield(L, options, "insecure");
    if (!lua_isnil(L, -1) && !lua_isboolean(L, -1)) luaL_error(L, "sakari: option 'insecure' must be a boolean");
    insecure = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  if (!curl_ready && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) luaL_error(L, "sakari: curl_global_init failed");
  curl_ready = 1;
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
  for (size_t i = 0; i < N_STRING_OPTIONS; i++) {
    if (given[i]) curl_easy_setopt(t->easy, string_options[i].option, given[i]);
  }
}

void sk_transfer_prepare(lua_State *L, struct sk_transfer *t, int req) {
  curl_easy_setopt(t->easy, CURLOPT_MIMEPOST, NULL); /* the last request's body, freed now */
  curl_mime_free(t->mime);
  t->mime = NULL;
  sk_transfer_build(L, t, req);

  /* Nothing below raises: the handle is only touched once the request is valid. */
  curl_easy_setopt(t->easy, CURLOPT_URL, t->url.data);
  curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, t->timeout_ms);
  curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS, t->connect_timeout_ms);
  /* libcurl silently resends a request whose reused connection died before
   * any answer; a request that must never be repeated gets a new connection,
   * which libcurl never resends on */
  curl_easy_setopt(t->easy, CURLOPT_FRESH_CONNECT, t->fresh_connect ? 1L : 0L);
  if (t->multipart) {
    curl_easy_setopt(t->easy, CURLOPT_MIMEPOST, t->mime);
  } else if (t->has_body || t->method->body) {
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)t->payload.len);
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->payload.data ? t->payload.data : "");
  } else {
    curl_easy_setopt(t->easy, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(t->easy, CURLOPT_NOBODY, (long)t->method->head); /* after HTTPGET, which resets it */
  curl_easy_setopt(t->easy, CURLOPT_CUSTOMREQUEST, t->method->custom ? t->method->name : NULL);
  t->body.len = 0;
  t->head.len = 0;
  t->errbuf[0] = '\0';
}

void sk_transfer_free(struct sk_transfer *t) {
  curl_easy_cleanup(t->easy); /* NULL is fine, as for every free below */
  curl_mime_free(t->mime);
  curl_slist_free_all(t->headers);
  free(t->url.data);
  free(t->payload.data);
  free(t->body.data);
  free(t->head.data);
  memset(t, 0, sizeof *t); /* so freeing twice (close, then __gc) frees nothing twice */
}
