/*
 * alloc.h - the allocation functions all compiler code goes through, so
 * tests can fail the Nth allocation (OOM torture) without touching libc.
 * vg_alloc_fail_after(n): the allocation after n more succeed fails, and
 * every later one too; a negative n disables injection. Not thread-safe:
 * the hook is for single-threaded tests only.
 */
#ifndef VG_ALLOC_H
#define VG_ALLOC_H

#include <stddef.h>

void *vg_malloc(size_t n);
void *vg_calloc(size_t n, size_t sz);
void *vg_realloc(void *p, size_t n);
void vg_free(void *p);
char *vg_strndup(const char *s, size_t n);
char *vg_strdup(const char *s);

void vg_alloc_fail_after(long n);
/* Number of allocation calls made so far (for torture loops). */
long vg_alloc_count(void);

#endif
