/*
 * JSON for the core: lua-cjson does the text work, this layer makes it exact
 * on both lua-cjson flavours (Debian's 2.1.0 and OpenResty's fork).
 *
 * The round trip rule: what core.decode reads, core.encode writes back the
 * same. A decoded array, even empty, carries the sakari.array metatable and
 * goes back as [] even once emptied; a decoded object goes back as {}. An
 * integer literal decodes as a Lua integer on 5.3+ (-2^63 to 2^63-1); past
 * that, or past 2^53 on 5.1/LuaJIT, as the nearest float, and the literal's
 * text is kept in a weak side table keyed by the table holding it: encoding
 * that table writes the kept text while the field still holds that float, so
 * a get -> update sends back the server's digits. A changed value or a number
 * at the top level has no kept text; a copy has it only when made with
 * core.keep_digits (as contacts.patch copies what it read).
 */
#ifndef SAKARI_JSON_H
#define SAKARI_JSON_H

#include <stddef.h>

#include "compat.h"

/* Deepest nesting accepted in either direction (lua-cjson's own default). */
#define SK_JSON_MAX_DEPTH 1000

/* Loads a private lua-cjson instance into the registry; raises, naming the
 * package to install, if cjson is missing. */
void sk_json_open(lua_State *L);

/* Pushes the JSON text for the value at idx (an absolute index); raises a Lua
 * error naming the offending place (root is what the caller calls the value,
 * e.g. "body"). */
void sk_json_encode(lua_State *L, int idx, const char *root);

/* What sk_json_decode found. */
enum sk_decoded { SK_JSON_OK, SK_JSON_INVALID, SK_JSON_NOT_UTF8 };

/* Pushes the decoded value (SK_JSON_OK), or a message saying why not. */
enum sk_decoded sk_json_decode(lua_State *L, const char *text, size_t len);

/* Pushes the per-state table (encode, decode, null, array_mt, exact), or one
 * of its fields: "array_mt", the metatable that marks a table as a JSON array,
 * "null", lua-cjson's cjson.null, or "exact", the weak side table of kept
 * number texts. */
#define SK_JSON_STATE "sakari.core.json"
#define sk_json_push_state(L) lua_getfield((L), LUA_REGISTRYINDEX, SK_JSON_STATE)
#define sk_json_push_field(L, name) (sk_json_push_state(L), lua_getfield((L), -1, (name)), lua_remove((L), -2))

/* Shared by json.c, json_encode.c and json_decode.c. */

/* Significant digits cjson writes a number with. */
#define SK_JSON_PRECISION 14

/* Every marker string starts with "sk" and a per-process random nonce (the
 * SK_MARK_LEN bytes here), then one byte saying what it stands for: server
 * data cannot know the nonce, so it cannot forge a marker. */
#define SK_MARK_LEN 18
extern char sk_json_mark[SK_MARK_LEN + 1];

/* 2^53: every integer up to it is exact as a double. */
#define SK_2_53 9007199254740992.0

/* The pass over every text decoded and every string encoded: SK_TEXT_BAD when
 * it is not UTF-8 (overlongs, surrogates and anything past U+10FFFF count as
 * not), else flags saying what the decoder's careful pass must look for. */
#define SK_TEXT_BAD (-1)
#define SK_TEXT_ARRAYS 1  /* maybe an array */
#define SK_TEXT_SPECIAL 2 /* maybe an empty array or a long integer literal */
int sk_json_prescan(const unsigned char *s, const unsigned char *end);

#endif
