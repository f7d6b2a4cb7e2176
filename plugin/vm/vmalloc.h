/*
 * vmalloc.h - allocation failure injection for the evaluation-time code
 * that loads packs (sections, value sets, path tables, regex wrappers):
 * the plugin-side twin of compiler/util/alloc.h, which plugin/ may not
 * include. A vm source includes this header after <stdlib.h>; its malloc,
 * calloc and realloc calls then go through the hook, and free stays libc's
 * (the memory is libc's). Candidly a hack: macros over the libc names keep
 * the change to one line per file. Owned by harden.
 *
 * vg_vm_alloc_fail_after(n): the allocation after n more succeed fails,
 * and every later one too; a negative n (the default) disables injection
 * and counting, so production paths only read one static. Not
 * thread-safe: for single-threaded tests only.
 */
#ifndef VG_VM_VMALLOC_H
#define VG_VM_VMALLOC_H

#include <stddef.h>
#include <stdlib.h>

void *vg_vm_malloc(size_t n);
void *vg_vm_calloc(size_t n, size_t sz);
void *vg_vm_realloc(void *p, size_t n);
void vg_vm_alloc_fail_after(long n);
/* Allocations made while injection was enabled (for torture loops). */
long vg_vm_alloc_count(void);

#define malloc(n) vg_vm_malloc(n)
#define calloc(n, sz) vg_vm_calloc(n, sz)
#define realloc(p, n) vg_vm_realloc(p, n)

#endif
