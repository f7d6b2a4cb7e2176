/*
 * itab.h - interning table for the back end: maps a byte string (a pack
 * record or a string's bytes) to a dense id in first-insertion order, which
 * is what makes packs deterministic. Keys are copied.
 */
#ifndef VG_BACK_ITAB_H
#define VG_BACK_ITAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

typedef struct vg_itab {
  uint32_t *slots; /* 0 empty, else id + 1 */
  uint32_t cap;    /* power of two */
  uint32_t n;      /* ids handed out */
  vg_buf keys;     /* all keys back to back */
  size_t *koff;    /* key i = keys[koff[i] .. koff[i+1]) */
  uint32_t kcap;
} vg_itab;

void vg_itab_init(vg_itab *t);
void vg_itab_fini(vg_itab *t);
/* Id of key (added if new; *added says which). UINT32_MAX when out of
 * memory. */
uint32_t vg_itab_intern(vg_itab *t, const void *key, size_t n, bool *added);
/* Key of id i. */
const uint8_t *vg_itab_key(const vg_itab *t, uint32_t i, size_t *n);

#endif
