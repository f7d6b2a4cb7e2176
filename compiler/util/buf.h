/*
 * buf.h - growable byte buffer for building text (condition rewriting,
 * canonical printing, diagnostics). Always NUL-terminated after a
 * successful append; may hold embedded NULs (use len).
 *
 * Errors are sticky: after an allocation failure every further append is a
 * no-op and vg_buf_failed() returns true, so builders can append freely and
 * check once at the end.
 */
#ifndef VG_BUF_H
#define VG_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct vg_buf {
  char *ptr;
  size_t len;
  size_t cap;
  bool failed;
} vg_buf;

void vg_buf_init(vg_buf *b);
void vg_buf_fini(vg_buf *b);
void vg_buf_reset(vg_buf *b); /* len = 0, keeps memory, clears failure */

bool vg_buf_append(vg_buf *b, const void *p, size_t n);
bool vg_buf_puts(vg_buf *b, const char *s);
bool vg_buf_putc(vg_buf *b, char c);
bool vg_buf_printf(vg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool vg_buf_vprintf(vg_buf *b, const char *fmt, va_list ap);
static inline bool vg_buf_failed(const vg_buf *b) { return b->failed; }

/* The contents, "" when empty; valid until the next append or fini. */
const char *vg_buf_str(const vg_buf *b);

/* Transfers ownership of the malloc'd contents to the caller (free with
 * vg_free) and leaves b empty; NULL on earlier failure. */
char *vg_buf_take(vg_buf *b, size_t *len);

#endif
