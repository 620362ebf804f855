/*
 * HMAC and base64 for webhook signatures and JWTs. HMAC comes from OpenSSL's
 * libcrypto, which libcurl already loads; base64 is small enough to own.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "request.h"

static int hmac(lua_State *L, const EVP_MD *md) {
  size_t klen, dlen;
  const char *key = luaL_checklstring(L, 1, &klen);
  const char *data = luaL_checklstring(L, 2, &dlen);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int olen = 0;
  if (!HMAC(md, key, (int)klen, (const unsigned char *)data, dlen, out, &olen)) {
    return luaL_error(L, "sakari: HMAC failed");
  }
  lua_pushlstring(L, (const char *)out, olen);
  return 1;
}

int sk_core_hmac_sha1(lua_State *L) { return hmac(L, EVP_sha1()); }
int sk_core_hmac_sha256(lua_State *L) { return hmac(L, EVP_sha256()); }

static const char STD[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* core.base64(bytes [, "url"]): standard alphabet with padding, or the URL alphabet without. */
int sk_core_base64(lua_State *L) {
  size_t len;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  int url = lua_isstring(L, 2) && strcmp(lua_tostring(L, 2), "url") == 0;
  const char *abc = url ? URL : STD;
  unsigned acc = 0;
  int bits = 0;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (size_t i = 0; i < len; i++) {
    acc = (acc << 8) | s[i];
    for (bits += 8; bits >= 6; bits -= 6) luaL_addchar(&b, abc[(acc >> (bits - 6)) & 63]);
  }
  if (bits > 0) luaL_addchar(&b, abc[(acc << (6 - bits)) & 63]); /* the last byte's low bits, zero-filled */
  if (!url && len % 3) luaL_addstring(&b, len % 3 == 1 ? "==" : "=");
  luaL_pushresult(&b);
  return 1;
}

/* c's value in either alphabet, or -1. */
static int sextet(unsigned char c) {
  const char *p = c ? strchr(STD, c) : NULL;
  if (p) return (int)(p - STD);
  return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* core.unbase64(text): either alphabet, padding optional; nil on a bad character. */
int sk_core_unbase64(lua_State *L) {
  size_t len;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  unsigned acc = 0;
  int bits = 0, bad;
  luaL_Buffer b;
  while (len > 0 && s[len - 1] == '=') len--;
  bad = len % 4 == 1; /* six bits cannot end a byte: not base64 */
  luaL_buffinit(L, &b);
  for (size_t i = 0; i < len && !bad; i++) {
    int v = sextet(s[i]);
    if (v < 0) {
      bad = 1;
      break;
    }
    acc = (acc << 6) | (unsigned)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      luaL_addchar(&b, (char)((acc >> bits) & 0xFF));
    }
  }
  luaL_pushresult(&b);
  if (bad) lua_pushnil(L);
  return 1;
}
