/*
 * arena.c - bump allocator backing each compilation (see arena.h). Blocks
 * grow geometrically up to 1 MiB; an oversized request gets a block of its
 * own so big allocations do not waste the tail of the current block.
 */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

struct vg_arena_block {
  vg_arena_block *next;
  size_t size;
  alignas(max_align_t) unsigned char data[];
};

#define ALIGN (alignof(max_align_t))

void vg_arena_init(vg_arena *a) {
  a->head = NULL;
  a->used = 0;
  a->total = 0;
}

void vg_arena_fini(vg_arena *a) {
  vg_arena_block *b = a->head;
  while (b) {
    vg_arena_block *n = b->next;
    vg_free(b);
    b = n;
  }
  vg_arena_init(a);
}

void *vg_arena_alloc(vg_arena *a, size_t n) {
  if (n == 0)
    n = 1;
  if (n > SIZE_MAX / 2)
    return NULL;
  n = (n + ALIGN - 1) & ~(ALIGN - 1);
  if (!a->head || a->head->size - a->used < n) {
    size_t sz = a->head ? a->head->size * 2 : 4096;
    if (sz > (1u << 20))
      sz = 1u << 20;
    if (sz < n)
      sz = n;
    vg_arena_block *b = vg_malloc(sizeof *b + sz);
    if (!b)
      return NULL;
    b->size = sz;
    if (a->head && sz == n && a->head->size - a->used > 256) {
      /* A dedicated block: keep filling the current one afterwards. */
      b->next = a->head->next;
      a->head->next = b;
      a->total += sz;
      memset(b->data, 0, n);
      return b->data;
    }
    b->next = a->head;
    a->head = b;
    a->used = 0;
    a->total += sz;
  }
  void *p = a->head->data + a->used;
  a->used += n;
  memset(p, 0, n);
  return p;
}

char *vg_arena_strndup(vg_arena *a, const char *s, size_t n) {
  char *p = vg_arena_alloc(a, n + 1);
  if (!p)
    return NULL;
  if (n)
    memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *vg_arena_strdup(vg_arena *a, const char *s) {
  return vg_arena_strndup(a, s, strlen(s));
}

void *vg_arena_memdup(vg_arena *a, const void *p, size_t n) {
  void *q = vg_arena_alloc(a, n);
  if (q && n)
    memcpy(q, p, n);
  return q;
}
