#ifndef SAKARI_CRYPTO_H
#define SAKARI_CRYPTO_H

#include "compat.h"

/* Puts hmac_sha1, hmac_sha256, base64 and unbase64 into the table on top. */
void sk_crypto_open(lua_State *L);

#endif
