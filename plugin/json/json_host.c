/*
 * json_host.c - bound fields and per-event value storage for evaluators
 * reading JSON events (see json_host.h). Values of one event live in a
 * chain of blocks; a block is never moved, so earlier values stay valid
 * while later ones are extracted.
 */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "json/json_host.h"

enum { BLOCK_MIN = 64 * 1024, TMP_VALS = 64 };

typedef struct blk {
  struct blk *next;
  size_t cap, used;
  alignas(max_align_t) uint8_t data[];
} blk;

typedef struct bound {
  int id;
  vg_json_arg arg;
  char *ref; /* owns the text arg.key points into */
} bound;

struct vg_json_host {
  bound *b;
  size_t nb, capb;
  const vg_json_event *ev;
  blk *cur;  /* block being filled */
  blk *full; /* blocks filled for the current event */
  vg_value *tmp;
  size_t tmpcap;
};

vg_json_host *vg_json_host_new(void) {
  vg_json_host *h = calloc(1, sizeof *h);
  if (!h)
    return NULL;
  h->tmpcap = TMP_VALS;
  h->tmp = malloc(h->tmpcap * sizeof *h->tmp);
  if (!h->tmp) {
    free(h);
    return NULL;
  }
  return h;
}

static void free_chain(blk *b) {
  while (b) {
    blk *n = b->next;
    free(b);
    b = n;
  }
}

void vg_json_host_free(vg_json_host *h) {
  if (!h)
    return;
  for (size_t i = 0; i < h->nb; i++)
    free(h->b[i].ref);
  free(h->b);
  free_chain(h->cur);
  free_chain(h->full);
  free(h->tmp);
  free(h);
}

vigil_status vg_json_host_bind(vg_json_host *h, const char *ref,
                               uint32_t *bind_id, char *err, size_t errsz) {
  if (!h || !ref || !bind_id)
    return VIGIL_E_INVAL;
  if (h->nb == h->capb) {
    size_t nc = h->capb ? h->capb * 2 : 16;
    bound *nb = realloc(h->b, nc * sizeof *nb);
    if (!nb)
      return VIGIL_E_NOMEM;
    h->b = nb;
    h->capb = nc;
  }
  bound *b = &h->b[h->nb];
  b->ref = strdup(ref);
  if (!b->ref)
    return VIGIL_E_NOMEM;
  vigil_status st = vg_json_field_parse(b->ref, &b->id, &b->arg, err, errsz);
  if (st != VIGIL_OK) {
    free(b->ref);
    return st;
  }
  *bind_id = (uint32_t)h->nb++;
  return VIGIL_OK;
}

void vg_json_host_set_event(vg_json_host *h, const vg_json_event *ev) {
  h->ev = ev;
  /* keep the biggest block for reuse, free the others */
  blk *keep = h->cur;
  for (blk *b = h->full; b; b = b->next)
    if (!keep || b->cap > keep->cap)
      keep = b;
  for (blk *b = h->full, *n; b; b = n) {
    n = b->next;
    if (b != keep)
      free(b);
  }
  if (h->cur && h->cur != keep)
    free(h->cur);
  h->full = NULL;
  h->cur = keep;
  if (keep) {
    keep->next = NULL;
    keep->used = 0;
  }
}

static vigil_status new_block(vg_json_host *h, size_t need) {
  size_t cap = need < BLOCK_MIN ? BLOCK_MIN : need;
  blk *b = malloc(sizeof *b + cap);
  if (!b)
    return VIGIL_E_NOMEM;
  b->cap = cap;
  b->used = 0;
  b->next = NULL;
  if (h->cur) {
    h->cur->next = h->full;
    h->full = h->cur;
  }
  h->cur = b;
  return VIGIL_OK;
}

static size_t align_up(size_t n) {
  size_t a = alignof(vg_value);
  return (n + a - 1) / a * a;
}

vigil_status vg_json_host_extract(void *ctx, uint32_t bind_id,
                                  const vg_value **vals, size_t *n) {
  vg_json_host *h = ctx;
  if (!h || bind_id >= h->nb || !h->ev || !vals || !n)
    return VIGIL_E_INVAL;
  const bound *b = &h->b[bind_id];
  if (!h->cur && new_block(h, BLOCK_MIN) != VIGIL_OK)
    return VIGIL_E_NOMEM;
  for (;;) {
    blk *c = h->cur;
    vg_json_out o = {h->tmp,           h->tmpcap, 0, c->data + c->used,
                     c->cap - c->used, 0};
    vigil_status st = vg_json_extract(h->ev, b->id, &b->arg, &o);
    if (st == VIGIL_OK) {
      size_t off = align_up(c->used + o.used);
      size_t vbytes = o.n * sizeof(vg_value);
      if (off + vbytes <= c->cap) {
        vg_value *dst = (vg_value *)(void *)(c->data + off);
        if (o.n)
          memcpy(dst, h->tmp, vbytes);
        c->used = off + vbytes;
        *vals = dst;
        *n = o.n;
        return VIGIL_OK;
      }
      /* strings fit but the values do not: redo in a bigger block */
      st = VIGIL_E_LIMIT;
      o.used += vbytes + alignof(vg_value);
    }
    if (st != VIGIL_E_LIMIT)
      return st;
    if (o.n > h->tmpcap) {
      vg_value *nt = realloc(h->tmp, o.n * sizeof *nt);
      if (!nt)
        return VIGIL_E_NOMEM;
      h->tmp = nt;
      h->tmpcap = o.n;
    }
    size_t need = o.used + (o.n + 1) * sizeof(vg_value) + alignof(vg_value);
    if (c->cap - c->used < need && new_block(h, need) != VIGIL_OK)
      return VIGIL_E_NOMEM;
  }
}
