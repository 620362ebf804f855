#ifndef SAKARI_MULTI_H
#define SAKARI_MULTI_H

#include "compat.h"

/* Registers the multi type and puts core.multi into the table on top. */
void sk_multi_open(lua_State *L);

#endif
