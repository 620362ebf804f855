/*
 * Clock, sleep and randomness for the retry policy: Lua 5.1 has none of a
 * monotonic clock, a sleep or a seeded random source that is not the caller's.
 */
#include "timing.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "request.h"

double sk_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sk_random_bytes(void *out, size_t n) {
  FILE *f = fopen("/dev/urandom", "rb");
  size_t got = f ? fread(out, 1, n, f) : 0;
  if (f) fclose(f);
  if (got != n) { /* no /dev/urandom (a chroot, say): the clock is all there is */
    struct timespec ts;
    uint64_t seed;
    clock_gettime(CLOCK_REALTIME, &ts);
    seed = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^ (uint64_t)(size_t)out;
    for (size_t i = 0; i < n; i++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      ((unsigned char *)out)[i] = (unsigned char)(seed >> 56);
    }
  }
}

int sk_core_now(lua_State *L) {
  lua_pushnumber(L, (lua_Number)sk_now());
  return 1;
}

int sk_core_sleep(lua_State *L) {
  lua_Number s = luaL_checknumber(L, 1);
  struct timespec ts;
  if (!(s > 0)) return 0;
  if (s > SK_MAX_SECONDS) s = SK_MAX_SECONDS;
  ts.tv_sec = (time_t)s;
  ts.tv_nsec = (long)((s - (lua_Number)ts.tv_sec) * 1e9);
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
  return 0;
}

/* xorshift64*, seeded once from /dev/urandom: jitter that differs between
 * processes, without reseeding the caller's math.random. */
static uint64_t state;

int sk_core_random(lua_State *L) {
  while (state == 0) sk_random_bytes(&state, sizeof state);
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  lua_pushnumber(L, (lua_Number)((state * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0);
  return 1;
}
