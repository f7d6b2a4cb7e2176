/*
 * itab.c - interning table (see itab.h): open addressing over FNV-1a.
 */
#include <string.h>

#include "back/itab.h"
#include "util/alloc.h"

void vg_itab_init(vg_itab *t) {
  memset(t, 0, sizeof *t);
  vg_buf_init(&t->keys);
}

void vg_itab_fini(vg_itab *t) {
  vg_free(t->slots);
  vg_free(t->koff);
  vg_buf_fini(&t->keys);
  memset(t, 0, sizeof *t);
}

static uint32_t fnv(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

const uint8_t *vg_itab_key(const vg_itab *t, uint32_t i, size_t *n) {
  *n = t->koff[i + 1] - t->koff[i];
  return (const uint8_t *)t->keys.ptr + t->koff[i];
}

static bool grow(vg_itab *t) {
  uint32_t ncap = t->cap ? t->cap * 2 : 64;
  uint32_t *ns = vg_calloc(ncap, sizeof *ns);
  if (!ns)
    return false;
  for (uint32_t i = 0; i < t->n; i++) {
    size_t n;
    const uint8_t *k = vg_itab_key(t, i, &n);
    uint32_t h = fnv(k, n) & (ncap - 1);
    while (ns[h])
      h = (h + 1) & (ncap - 1);
    ns[h] = i + 1;
  }
  vg_free(t->slots);
  t->slots = ns;
  t->cap = ncap;
  return true;
}

uint32_t vg_itab_intern(vg_itab *t, const void *key, size_t n, bool *added) {
  if (added)
    *added = false;
  if ((t->n + 1) * 2 > t->cap && !grow(t))
    return UINT32_MAX;
  uint32_t h = fnv(key, n) & (t->cap - 1);
  while (t->slots[h]) {
    size_t kn;
    const uint8_t *k = vg_itab_key(t, t->slots[h] - 1, &kn);
    if (kn == n && (n == 0 || !memcmp(k, key, n)))
      return t->slots[h] - 1;
    h = (h + 1) & (t->cap - 1);
  }
  if (t->n + 2 > t->kcap) {
    uint32_t nk = t->kcap ? t->kcap * 2 : 64;
    size_t *no = vg_realloc(t->koff, nk * sizeof *no);
    if (!no)
      return UINT32_MAX;
    t->koff = no;
    t->kcap = nk;
  }
  if (t->n == 0)
    t->koff[0] = 0;
  if (n && !vg_buf_append(&t->keys, key, n))
    return UINT32_MAX;
  t->koff[t->n + 1] = t->keys.len;
  t->slots[h] = ++t->n;
  if (added)
    *added = true;
  return t->n - 1;
}
