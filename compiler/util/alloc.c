/*
 * alloc.c - allocation wrappers with failure injection (see alloc.h).
 */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static long fail_after = -1;
static long calls;

static int should_fail(void) {
  calls++;
  if (fail_after < 0)
    return 0;
  if (fail_after == 0)
    return 1;
  fail_after--;
  return 0;
}

void vg_alloc_fail_after(long n) { fail_after = n; }
long vg_alloc_count(void) { return calls; }

void *vg_malloc(size_t n) { return should_fail() ? NULL : malloc(n ? n : 1); }

void *vg_calloc(size_t n, size_t sz) {
  return should_fail() ? NULL : calloc(n ? n : 1, sz ? sz : 1);
}

void *vg_realloc(void *p, size_t n) {
  return should_fail() ? NULL : realloc(p, n ? n : 1);
}

void vg_free(void *p) { free(p); }

char *vg_strndup(const char *s, size_t n) {
  char *p = vg_malloc(n + 1);
  if (!p)
    return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *vg_strdup(const char *s) { return vg_strndup(s, strlen(s)); }
