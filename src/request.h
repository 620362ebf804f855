/*
 * The core's internal interface. One HTTP exchange on one libcurl easy handle
 * goes in three steps, shared by the blocking session and the multi handle:
 *   build.c   a Lua request table -> checked fields of sk_transfer (no curl)
 *   apply.c   those fields -> curl options on the handle
 *   answer.c  the finished transfer -> one Lua table of named fields
 */
#ifndef SAKARI_REQUEST_H
#define SAKARI_REQUEST_H

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

/* A growable byte buffer owned by C, so a Lua error mid-request leaks nothing. */
struct sk_buf {
  char *data;
  size_t len, cap;
};

/* Returns 0 when memory ran out; the buffer is left as it was. */
static inline int sk_buf_add(struct sk_buf *b, const char *s, size_t n) {
  size_t need = b->len + n + 1; /* and a NUL */
  if (need > b->cap) {
    char *grown;
    need = need < 128 ? 256 : need * 2; /* one allocation for a short text, then doubling */
    grown = realloc(b->data, need);
    if (!grown) return 0;
    b->data = grown;
    b->cap = need;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0'; /* curl and strtod want C strings */
  return 1;
}

/* A method a request may use, and how libcurl is told to send it. */
struct sk_method {
  const char *name;
  int body;   /* sends a body, an empty one when it has none: POST, PUT, PATCH */
  int custom; /* no libcurl option of its own: sent as CURLOPT_CUSTOMREQUEST */
  int head;   /* HEAD: the answer has no body */
};

struct sk_transfer {
  CURL *easy; /* NULL once freed */
  struct curl_slist *headers;
  struct sk_buf url, payload, body, head;
  curl_mime *mime; /* a multipart body, rebuilt per request */
  const struct sk_method *method;
  int has_body, multipart, raw_response, want_headers, fresh_connect;
  long timeout_ms, connect_timeout_ms;
  char errbuf[CURL_ERROR_SIZE];
};

/* url.c: percent-encoding (RFC 3986). Appends s keeping only unreserved
 * characters; a segment that is all dots ("." or "..") is encoded too, so no
 * server or proxy can read it as a step up the path. 0 when memory ran out. */
int sk_url_escape(struct sk_buf *out, const char *s, size_t len);

/* url.c: appends "?k=v&..." for the query table at idx (keys sorted, arrays
 * repeat the key); raises a Lua error naming a bad key or value. */
void sk_url_add_query(lua_State *L, struct sk_buf *out, int idx);

/* build.c: t[name] as a string, or NULL when it is nil and optional; with
 * no_breaks, a CR, LF or NUL in it raises too. Errors read "sakari: <where>'<name>' ...". */
const char *sk_string_field(lua_State *L, int t, const char *name, const char *where, int required, int no_breaks,
                            size_t *len);

/* build.c: reads the request table at idx into t's URL, payload, header list, timeouts
 * and, when t has a handle, multipart body, without setting any option. Raises when
 * the table is malformed or lacks method, url, timeout or connect_timeout. */
void sk_transfer_build(lua_State *L, struct sk_transfer *t, int req);

/* apply.c: checks the options table at idx (ca_file, proxy, user_agent,
 * insecure; none or nil for none), then creates t's easy handle with them and
 * the other options that never change per request. */
void sk_transfer_init(lua_State *L, struct sk_transfer *t, int options);

/* apply.c: sk_transfer_build, then every per-request option on t's handle.
 * Raises, with nothing sent, when the table is malformed. */
void sk_transfer_prepare(lua_State *L, struct sk_transfer *t, int req);

void sk_transfer_free(struct sk_transfer *t);

/* answer.c: pushes the result of a finished transfer, one table:
 *   status       the HTTP status; nil when no answer arrived
 *   headers      lower-cased names; nil for a 2xx unless the request had
 *                want_headers or raw_response
 *   body         the decoded JSON; the bytes when the request had raw_response
 *   kind         only on failure: "timeout", "connect", "dns", "tls", "transport"
 *                (no answer) or "decode" (an answer whose body is not JSON)
 *   reason       what libcurl or the JSON parser said
 *   curl_code    libcurl's code, for a failure without an answer
 *   truncated    true when the connection dropped in the middle of the body
 *   excerpt      for "decode": the body's first bytes, safe to print
 *   bad_utf8     for "decode": true when the body is not even UTF-8 */
void sk_transfer_push_result(lua_State *L, struct sk_transfer *t, CURLcode rc);

/* answer.c: core.answer(status, headers, bytes [, raw]): the same table for an
 * answer a transport of another host received. */
int sk_core_answer(lua_State *L);

/* What core.c puts into the module table. sk_session_open and sk_multi_open
 * register their types and put core.session and core.multi into the table on top. */
void sk_session_open(lua_State *L); /* session.c: one reused handle, blocking */
void sk_multi_open(lua_State *L);   /* multi.c: many requests in flight */
int sk_core_prepare(lua_State *L); /* session.c */
int sk_core_hmac_sha1(lua_State *L); /* crypto.c, for webhook signatures and JWTs */
int sk_core_hmac_sha256(lua_State *L);
int sk_core_base64(lua_State *L);
int sk_core_unbase64(lua_State *L);
int sk_core_now(lua_State *L); /* timing.c: monotonic seconds, sleep, jitter in [0, 1) */
int sk_core_sleep(lua_State *L);
int sk_core_random(lua_State *L);
int sk_core_watch_sigint(lua_State *L); /* signals.c: Ctrl-C as a flag Lua polls */
int sk_core_interrupted(lua_State *L);

#endif
