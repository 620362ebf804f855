/* JSON for the core: lua-cjson does the text work, this layer makes it exact. */
#ifndef SAKARI_JSON_H
#define SAKARI_JSON_H

#include <stddef.h>

#include "compat.h"

/* Deepest nesting accepted in either direction (lua-cjson's own default). */
#define SK_JSON_MAX_DEPTH 1000

/* Loads a private lua-cjson instance into the registry; raises if cjson is missing. */
void sk_json_open(lua_State *L);

/* Pushes the JSON text for the value at idx; raises a Lua error naming the
 * offending place (root is what the caller calls the value, e.g. "body"). */
void sk_json_encode(lua_State *L, int idx, const char *root);

/* Pushes the decoded value and returns 1, or pushes a message and returns 0. */
int sk_json_decode(lua_State *L, const char *text, size_t len);

/* Pushes the metatable that marks a table as a JSON array. */
void sk_json_push_array_mt(lua_State *L);

/* Pushes the value that stands for JSON null (lua-cjson's cjson.null). */
void sk_json_push_null(lua_State *L);

/* Validates UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
int sk_utf8_valid(const char *s, size_t len);

#endif
