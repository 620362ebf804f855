/* The parts core.c assembles: each sk_*_open puts its functions (and
 * registers its types) into the module table on top of the stack. */
#ifndef SAKARI_CORE_H
#define SAKARI_CORE_H

#include "compat.h"

void sk_session_open(lua_State *L); /* session.c: core.session, a blocking session */
void sk_multi_open(lua_State *L);   /* multi.c: core.multi, many requests in flight */
void sk_crypto_open(lua_State *L);  /* crypto.c: hmac_sha1, hmac_sha256, base64, unbase64 */
void sk_timing_open(lua_State *L);  /* timing.c: now (monotonic seconds), sleep(seconds), random() in [0, 1) */
void sk_signals_open(lua_State *L); /* signals.c: watch_sigint, interrupted */

#endif
