/* A growable byte buffer owned by C, so a Lua error mid-request leaks nothing. */
#ifndef SAKARI_BUF_H
#define SAKARI_BUF_H

#include <stdlib.h>
#include <string.h>

struct sk_buf {
  char *data;
  size_t len, cap;
};

/* Returns 0 when memory ran out; the buffer is left as it was. */
static inline int sk_buf_add(struct sk_buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    char *p;
    while (cap < b->len + n + 1) cap *= 2;
    p = realloc(b->data, cap);
    if (!p) return 0;
    b->data = p;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0'; /* curl and strtod want C strings */
  return 1;
}

static inline int sk_buf_addstr(struct sk_buf *b, const char *s) { return sk_buf_add(b, s, strlen(s)); }

static inline void sk_buf_free(struct sk_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

#endif
