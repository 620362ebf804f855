#ifndef SAKARI_TIMING_H
#define SAKARI_TIMING_H

#include "compat.h"

/* Puts now (monotonic seconds), sleep(seconds) and random() ([0, 1)) into the table on top. */
void sk_timing_open(lua_State *L);

#endif
