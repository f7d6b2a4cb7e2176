/*
 * vmalloc.c - the failure-injection hook behind vmalloc.h. This file does
 * not include vmalloc.h's macros: it calls libc itself.
 */
#include <stddef.h>
#include <stdlib.h>

void *vg_vm_malloc(size_t n);
void *vg_vm_calloc(size_t n, size_t sz);
void *vg_vm_realloc(void *p, size_t n);
void vg_vm_alloc_fail_after(long n);
long vg_vm_alloc_count(void);

static long fail_after = -1;
static long calls;

static int should_fail(void) {
  if (fail_after < 0)
    return 0;
  calls++;
  if (fail_after == 0)
    return 1;
  fail_after--;
  return 0;
}

void vg_vm_alloc_fail_after(long n) {
  fail_after = n;
  calls = 0;
}

long vg_vm_alloc_count(void) { return calls; }

void *vg_vm_malloc(size_t n) { return should_fail() ? NULL : malloc(n); }

void *vg_vm_calloc(size_t n, size_t sz) {
  return should_fail() ? NULL : calloc(n, sz);
}

void *vg_vm_realloc(void *p, size_t n) {
  return should_fail() ? NULL : realloc(p, n);
}
