/*
 * buf.c - growable byte buffer (see buf.h).
 */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

void vg_buf_init(vg_buf *b) {
  b->ptr = NULL;
  b->len = b->cap = 0;
  b->failed = false;
}

void vg_buf_fini(vg_buf *b) {
  vg_free(b->ptr);
  vg_buf_init(b);
}

void vg_buf_reset(vg_buf *b) {
  b->len = 0;
  b->failed = false;
  if (b->ptr)
    b->ptr[0] = '\0';
}

static bool grow(vg_buf *b, size_t extra) {
  if (b->failed)
    return false;
  if (extra > SIZE_MAX - b->len - 1) {
    b->failed = true;
    return false;
  }
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return true;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *p = vg_realloc(b->ptr, cap);
  if (!p) {
    b->failed = true;
    return false;
  }
  b->ptr = p;
  b->cap = cap;
  return true;
}

bool vg_buf_append(vg_buf *b, const void *p, size_t n) {
  if (!grow(b, n))
    return false;
  if (n)
    memcpy(b->ptr + b->len, p, n);
  b->len += n;
  b->ptr[b->len] = '\0';
  return true;
}

bool vg_buf_puts(vg_buf *b, const char *s) {
  return vg_buf_append(b, s, strlen(s));
}

bool vg_buf_putc(vg_buf *b, char c) { return vg_buf_append(b, &c, 1); }

bool vg_buf_vprintf(vg_buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) {
    b->failed = true;
    return false;
  }
  if (!grow(b, (size_t)n))
    return false;
  vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return true;
}

bool vg_buf_printf(vg_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  bool ok = vg_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return ok;
}

const char *vg_buf_str(const vg_buf *b) { return b->ptr ? b->ptr : ""; }

char *vg_buf_take(vg_buf *b, size_t *len) {
  if (b->failed) {
    vg_buf_fini(b);
    return NULL;
  }
  if (!b->ptr && !grow(b, 0))
    return NULL;
  if (b->len == 0)
    b->ptr[0] = '\0';
  char *p = b->ptr;
  if (len)
    *len = b->len;
  vg_buf_init(b);
  return p;
}
