#ifndef SAKARI_TIMING_H
#define SAKARI_TIMING_H

#include <stddef.h>

/* The longest wait or timeout, in seconds, the core takes (a day). */
#define SK_MAX_SECONDS 86400

/* Seconds on the monotonic clock. */
double sk_now(void);

/* Fills out with bytes from /dev/urandom, or (without it) from the clock. */
void sk_random_bytes(void *out, size_t n);

#endif
