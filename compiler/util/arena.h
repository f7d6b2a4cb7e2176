/*
 * arena.h - bump allocator for everything that lives as long as one
 * compilation: AST nodes, interned strings, symbol tables. Nothing is freed
 * one by one; vg_arena_fini releases all blocks at once, so error paths
 * (bison recovery included) cannot leak.
 *
 * Allocation failure returns NULL; callers turn that into VIGIL_E_NOMEM.
 * Not thread-safe: one arena per compilation.
 */
#ifndef VG_ARENA_H
#define VG_ARENA_H

#include <stddef.h>

typedef struct vg_arena_block vg_arena_block;

typedef struct vg_arena {
  vg_arena_block *head; /* newest block first */
  size_t used;          /* bytes used in head */
  size_t total;         /* bytes allocated over all blocks (statistics) */
} vg_arena;

void vg_arena_init(vg_arena *a);
void vg_arena_fini(vg_arena *a);

/* n bytes aligned for any object, zero-filled; NULL when out of memory. */
void *vg_arena_alloc(vg_arena *a, size_t n);

/* Copy of s[0..n) with a NUL terminator; NULL when out of memory. */
char *vg_arena_strndup(vg_arena *a, const char *s, size_t n);
char *vg_arena_strdup(vg_arena *a, const char *s);

/* Copy of an array of n elements of size sz; NULL when out of memory. */
void *vg_arena_memdup(vg_arena *a, const void *p, size_t n);

#endif
