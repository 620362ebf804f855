/*
 * The only file that knows which Lua it is compiled against. Every helper
 * carries the sk_ prefix: defining lua_* or luaL_* names here would clash
 * with LuaJIT and Lua 5.2+ headers that already provide some of them.
 */
#ifndef SAKARI_COMPAT_H
#define SAKARI_COMPAT_H

#include <lauxlib.h>
#include <lua.h>

/* sk_setfuncs registers l into the table on top (no upvalues needed). */
#if LUA_VERSION_NUM >= 502
#define sk_rawlen(L, i) lua_rawlen((L), (i))
#define sk_setfuncs(L, l) luaL_setfuncs((L), (l), 0)
#else
#define sk_rawlen(L, i) lua_objlen((L), (i))
#define sk_setfuncs(L, l) luaL_register((L), NULL, (l))
#endif

#if LUA_VERSION_NUM >= 503
#define SK_HAS_INTEGERS 1
#define sk_isinteger(L, i) lua_isinteger((L), (i))
#else
#define SK_HAS_INTEGERS 0
#define sk_isinteger(L, i) 0
#endif

/* Registers the metatable tname (reused when it exists: luaopen may run
 * twice) with methods as __index and f as __gc and, where the language has
 * to-be-closed variables (5.4), as __close too; f must be safe to run twice.
 * Then puts the constructor ctor into the table on top as name. */
static inline void sk_newtype(lua_State *L, const char *tname, const luaL_Reg *methods, lua_CFunction f,
                              const char *name, lua_CFunction ctor) {
  luaL_newmetatable(L, tname);
  lua_newtable(L);
  sk_setfuncs(L, methods);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, f);
  lua_setfield(L, -2, "__gc");
#if LUA_VERSION_NUM >= 504
  lua_pushcfunction(L, f);
  lua_setfield(L, -2, "__close");
#endif
  lua_pop(L, 1);
  lua_pushcfunction(L, ctor);
  lua_setfield(L, -2, name);
}

#endif
