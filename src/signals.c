/*
 * Ctrl-C for long runs: while watched, SIGINT only raises a flag that the Lua
 * side polls between calls, so a bulk run can stop taking new work, let the
 * requests in flight finish and account for every row.
 */
#include <signal.h>

#include "request.h"

static volatile sig_atomic_t interrupted;
static struct sigaction previous;
static int watching;

static void on_sigint(int sig) {
  (void)sig;
  interrupted = 1;
}

/* core.watch_sigint(true|false): start or stop catching SIGINT; returns whether it was on. */
int sk_core_watch_sigint(lua_State *L) {
  int on = lua_toboolean(L, 1), was = watching;
  if (on && !watching) {
    struct sigaction sa = {.sa_handler = on_sigint};
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    if (sigaction(SIGINT, &sa, &previous) != 0) return luaL_error(L, "sakari: cannot catch SIGINT");
    watching = 1;
  } else if (!on && watching) {
    sigaction(SIGINT, &previous, NULL);
    watching = 0;
  }
  lua_pushboolean(L, was);
  return 1;
}

/* core.interrupted(): whether SIGINT arrived since watching began. */
int sk_core_interrupted(lua_State *L) {
  lua_pushboolean(L, interrupted != 0);
  return 1;
}
