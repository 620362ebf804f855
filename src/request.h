/*
 * One HTTP exchange on one libcurl easy handle, in three steps:
 *   build.c   a Lua request table -> checked fields of sk_transfer (no curl)
 *   apply.c   those fields -> curl options on the handle
 *   answer.c  the finished transfer -> one Lua table of named fields
 * Shared by the blocking session and the multi handle.
 */
#ifndef SAKARI_REQUEST_H
#define SAKARI_REQUEST_H

#include <curl/curl.h>

#include "buf.h"
#include "compat.h"

/* What never changes per request: read from the options of core.session/core.multi. */
struct sk_options {
  const char *ca_file, *proxy, *user_agent; /* NULL when not given; owned by the options table */
  int insecure;
};

/* A method a request may use, and how libcurl is told to send it. */
struct sk_method {
  const char *name;
  int body;   /* sends a body, an empty one when it has none: POST, PUT, PATCH */
  int custom; /* no libcurl option of its own: sent as CURLOPT_CUSTOMREQUEST */
  int head;   /* HEAD: the answer has no body */
};

struct sk_transfer {
  CURL *easy;
  struct curl_slist *headers;
  struct sk_buf url, payload, body, head;
  curl_mime *mime;    /* a multipart body, rebuilt per request */
  const struct sk_method *method;
  int has_body, multipart, raw_response, want_headers, fresh_connect;
  long timeout_ms, connect_timeout_ms;
  char errbuf[CURL_ERROR_SIZE];
};

/* build.c */

/* Reads and checks the options table at idx (none or nil for none). Raises on bad options. */
void sk_options_read(lua_State *L, int idx, struct sk_options *o);

/* Reads the request table at idx into t's URL, payload, header list and
 * timeouts, without touching a handle. Raises when the table is malformed or
 * lacks a required field (method, url, timeout, connect_timeout). */
void sk_transfer_build(lua_State *L, struct sk_transfer *t, int req);

/* Checks req.multipart, a list of {name, data, filename?, content_type?};
 * with add set, adds each part to t->mime. Returns whether there is one. */
int sk_multipart_read(lua_State *L, struct sk_transfer *t, int req, int add);

/* Pushes what sk_transfer_build made: {method, url, headers = {name = value},
 * body = bytes or nil, timeout, connect_timeout} for transports of other hosts. */
void sk_transfer_push_prepared(lua_State *L, const struct sk_transfer *t);

/* apply.c */

/* curl_global_init, the first time any handle is about to be made. */
void sk_curl_ready(lua_State *L);

/* Creates t's easy handle with the options that never change per request. */
void sk_transfer_init(lua_State *L, struct sk_transfer *t, const struct sk_options *o);

/* sk_transfer_build, then every per-request option on t's handle. Raises,
 * with nothing sent and the handle untouched, when the table is malformed. */
void sk_transfer_prepare(lua_State *L, struct sk_transfer *t, int req);

void sk_transfer_free(struct sk_transfer *t);

/* answer.c */

/* libcurl's write and header callbacks; userdata is the sk_transfer. */
size_t sk_on_body(char *data, size_t size, size_t n, void *ud);
size_t sk_on_header(char *data, size_t size, size_t n, void *ud);

/* Pushes the result of a finished transfer, one table:
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

/* core.answer(status, headers, bytes [, raw]): the same table for an answer a
 * transport of another host received. */
int sk_core_answer(lua_State *L);

#endif
