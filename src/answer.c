/* A finished transfer -> one Lua table of named fields (see request.h). Every
 * libcurl code is mapped to a kind here and nowhere else. */
#include <ctype.h>

#include "json.h"
#include "request.h"

#define EXCERPT_MAX 200

static const char *failure_kind(CURLcode rc) {
  static const CURLcode tls[] = {
      CURLE_SSL_CONNECT_ERROR,        CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
      CURLE_SSL_CIPHER,               CURLE_SSL_CACERT_BADFILE,       CURLE_SSL_ISSUER_ERROR,
      CURLE_SSL_CRL_BADFILE,          CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
      CURLE_SSL_ENGINE_NOTFOUND,      CURLE_SSL_ENGINE_SETFAILED,     CURLE_SSL_ENGINE_INITFAILED,
      CURLE_USE_SSL_FAILED};
  if (rc == CURLE_OPERATION_TIMEDOUT) return "timeout";
  if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY) return "dns";
  if (rc == CURLE_COULDNT_CONNECT) return "connect";
  for (size_t i = 0; i < sizeof tls / sizeof *tls; i++) {
    if (tls[i] == rc) return "tls";
  }
  return "transport"; /* CURLE_PARTIAL_FILE too: the answer was cut short, see "truncated" */
}

static void set_true(lua_State *L, const char *name) {
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, name);
}

/* Headers as { lower-cased name = value } into the table on top. */
static void set_headers(lua_State *L, const struct sk_buf *head) {
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
  lua_setfield(L, -2, "headers");
}

/* status and body into the result table on top. */
static void set_answer(lua_State *L, long status, int raw_response, const char *body, size_t len) {
  enum sk_decoded decoded;
  luaL_Buffer excerpt;
  lua_pushinteger(L, (lua_Integer)status);
  lua_setfield(L, -2, "status");
  if (raw_response) { /* the caller reads the bytes itself (CSV reports, say) */
    lua_pushlstring(L, body ? body : "", len);
    lua_setfield(L, -2, "body");
    return;
  }
  if (len == 0) return;
  decoded = sk_json_decode(L, body, len);
  if (decoded == SK_JSON_OK) {
    lua_setfield(L, -2, "body");
    return;
  }
  lua_setfield(L, -2, "reason");
  if (decoded == SK_JSON_NOT_UTF8) set_true(L, "bad_utf8");
  lua_pushliteral(L, "decode");
  lua_setfield(L, -2, "kind");
  luaL_buffinit(L, &excerpt); /* the body's first bytes, safe to print */
  for (size_t i = 0; i < len && i < EXCERPT_MAX; i++) {
    unsigned char c = (unsigned char)body[i];
    luaL_addchar(&excerpt, (c < 0x20 || c == 0x7f) ? ' ' : (char)c);
  }
  if (len > EXCERPT_MAX) luaL_addstring(&excerpt, "...");
  luaL_pushresult(&excerpt);
  lua_setfield(L, -2, "excerpt");
}

void sk_transfer_push_result(lua_State *L, struct sk_transfer *t, CURLcode rc) {
  long status = 0;
  lua_createtable(L, 0, 4);
  if (rc != CURLE_OK) {
    lua_pushstring(L, failure_kind(rc));
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
    lua_setfield(L, -2, "reason");
    lua_pushinteger(L, (lua_Integer)rc);
    lua_setfield(L, -2, "curl_code");
    if (rc == CURLE_PARTIAL_FILE) set_true(L, "truncated");
    return;
  }
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  /* A success is read from its body alone; building the header table for
   * every answer would cost as much as a third of decoding it. */
  if (t->want_headers || status < 200 || status >= 300) set_headers(L, &t->head);
  set_answer(L, status, t->raw_response, t->body.data, t->body.len);
}

int sk_core_answer(lua_State *L) {
  lua_Integer status = luaL_checkinteger(L, 1);
  size_t len;
  const char *body = luaL_optlstring(L, 3, "", &len);
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 4);
  lua_createtable(L, 0, 4);
  lua_pushvalue(L, 2);
  lua_setfield(L, -2, "headers");
  set_answer(L, (long)status, lua_toboolean(L, 4), body, len);
  return 1;
}
