#ifndef SAKARI_SESSION_H
#define SAKARI_SESSION_H

#include "compat.h"

/* Registers the session type and puts core.session into the table on top. */
void sk_session_open(lua_State *L);

#endif
