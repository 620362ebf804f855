/*
 * One HTTP exchange on one libcurl easy handle: turn a Lua request table into
 * handle options, and the finished transfer back into Lua values. Shared by
 * the blocking session and anything that drives easy handles another way.
 */
#ifndef SAKARI_REQUEST_H
#define SAKARI_REQUEST_H

#include <curl/curl.h>

#include "buf.h"
#include "compat.h"

struct sk_defaults {
  long timeout_ms;
  long connect_timeout_ms;
};

struct sk_transfer {
  CURL *easy;
  struct curl_slist *headers;
  struct sk_buf url, payload, body, head;
  curl_mime *mime;    /* a multipart body, rebuilt per request */
  const char *method; /* one of the static method names */
  int has_body, multipart, raw_response, want_headers, fresh_connect, caller_content_type;
  long timeout_ms, connect_timeout_ms;
  char errbuf[CURL_ERROR_SIZE];
};

/* curl_global_init, the first time any handle is about to be made. */
void sk_curl_ready(lua_State *L);

/* Creates the easy handle with the options that never change per request;
 * the options table at idx (may be 0 for none) gives ca_file, proxy,
 * insecure and user_agent. Raises on bad options. */
void sk_transfer_init(lua_State *L, struct sk_transfer *t, int opts);

/* Reads the request table at idx into t's URL, payload and header list,
 * without touching a handle. Raises a Lua error when the table is malformed. */
void sk_transfer_build(lua_State *L, struct sk_transfer *t, int req, const struct sk_defaults *d);

/* sk_transfer_build, then sets every per-request option on t's handle.
 * Raises, with nothing sent, when the table is malformed. */
void sk_transfer_prepare(lua_State *L, struct sk_transfer *t, int req, const struct sk_defaults *d);

/* Pushes what sk_transfer_build made: {method, url, headers = {name = value},
 * body = bytes or nil, timeout, connect_timeout} for transports of other hosts. */
void sk_transfer_push_prepared(lua_State *L, const struct sk_transfer *t);

/* Pushes status, headers, decoded body (the raw bytes when the request had
 * raw_response = true), decode error (4 values) or nil and a transport error
 * table (2 values); returns how many were pushed. headers (lower-cased names)
 * is nil for a 2xx unless the request had want_headers or raw_response. */
int sk_transfer_push_result(lua_State *L, struct sk_transfer *t, CURLcode rc);

void sk_transfer_free(struct sk_transfer *t);

/* Reads a positive number of seconds from field name of the table at idx, as
 * milliseconds; returns fallback when the field is nil. */
long sk_opt_millis(lua_State *L, int idx, const char *name, long fallback);

#endif
