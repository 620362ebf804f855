#ifndef SAKARI_SIGNALS_H
#define SAKARI_SIGNALS_H

#include "compat.h"

/* Puts watch_sigint and interrupted into the table on top. */
void sk_signals_open(lua_State *L);

#endif
