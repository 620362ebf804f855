/* Percent-encoding of path segments and query strings (RFC 3986). */
#ifndef SAKARI_URL_H
#define SAKARI_URL_H

#include "buf.h"
#include "compat.h"

/* Appends s percent-encoded, keeping only unreserved characters. A segment
 * that is all dots ("." or "..") is encoded too, so no server or proxy can
 * read it as a step up the path. Returns 0 when memory ran out. */
int sk_url_escape(struct sk_buf *out, const char *s, size_t len);

/* Appends "?k=v&..." for the query table at idx (keys sorted, arrays repeat
 * the key); raises a Lua error naming a bad key or value. */
void sk_url_add_query(lua_State *L, struct sk_buf *out, int idx);

#endif
