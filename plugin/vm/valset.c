/*
 * valset.c - hashed sets of converted constants for 'in', 'intersects',
 * '= anyof' and '!= allof' (cmp.h). Elements are keyed by their bytes in
 * the field type's width, the way libsinsp's filter_value_t sets compare
 * (memcmp of the parsed value); network types are a plain list matched by
 * CIDR membership, as libsinsp loops over them.
 *
 * Open addressing with linear probing, power-of-two capacity kept at most
 * half full; keys are copied into one growing byte block referenced by
 * offset (so growth never invalidates entries).
 */
#include <stdlib.h>
#include <string.h>

#include "vm/cmp_int.h"

typedef struct slot {
  uint64_t hash;
  size_t off; /* into bytes */
  size_t len;
  bool used;
} slot;

struct vg_valset {
  vg_ftype t;
  vg_tfam fam;
  size_t count;
  slot *slots;
  size_t cap; /* power of two */
  uint8_t *bytes;
  size_t nbytes, capbytes;
  vg_ipnet *nets; /* network types */
  size_t nnets, capnets;
};

static uint64_t hash_bytes(const uint8_t *p, size_t n) {
  /* FNV-1a, 64 bit, then a final mix. */
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 32;
  return h;
}

/* The key bytes of v for the set's type: points into v or into tmp. */
static bool key_of(const vg_valset *s, const vg_value *v, uint8_t tmp[17],
                   const uint8_t **kp, size_t *kn) {
  switch (s->fam) {
  case VG_TF_STRING:
    *kp = v->v.s.p;
    *kn = vg_cmp_strip_nul(v->v.s.p, v->v.s.n);
    return true;
  case VG_TF_BUFFER:
    *kp = v->v.s.p;
    *kn = v->v.s.n;
    return true;
  case VG_TF_SIGNED: {
    uint64_t u = (uint64_t)vg_cmp_narrow_s(s->t, v->v.i);
    memcpy(tmp, &u, 8);
    break;
  }
  case VG_TF_UNSIGNED: {
    uint64_t u = vg_cmp_narrow_u(s->t, v->v.u);
    memcpy(tmp, &u, 8);
    break;
  }
  case VG_TF_DOUBLE:
    memcpy(tmp, &v->v.d, 8);
    break;
  case VG_TF_BOOL:
    tmp[0] = v->v.b ? 1 : 0;
    *kp = tmp;
    *kn = 1;
    return true;
  case VG_TF_IPADDR:
    /* The length tells the family apart, as in libsinsp. */
    memcpy(tmp, v->v.ip.addr, 16);
    *kp = tmp;
    *kn = v->v.ip.v6 ? 16 : 4;
    return true;
  default:
    return false;
  }
  *kp = tmp;
  *kn = 8;
  return true;
}

vigil_status vg_valset_new(vg_ftype t, vg_valset **out) {
  vg_valset *s = calloc(1, sizeof *s);
  if (s == NULL)
    return VIGIL_E_NOMEM;
  s->t = t;
  s->fam = vg_cmp_family(t);
  if (s->fam == VG_TF_OTHER) {
    free(s);
    return VIGIL_E_INVAL;
  }
  *out = s;
  return VIGIL_OK;
}

void vg_valset_free(vg_valset *s) {
  if (s == NULL)
    return;
  free(s->slots);
  free(s->bytes);
  free(s->nets);
  free(s);
}

size_t vg_valset_count(const vg_valset *s) {
  return s ? s->count : 0;
}

static slot *find_slot(const vg_valset *s, uint64_t h, const uint8_t *k,
                       size_t n) {
  size_t mask = s->cap - 1;
  for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
    slot *e = &s->slots[i];
    if (!e->used)
      return e;
    if (e->hash == h && e->len == n &&
        (n == 0 || memcmp(s->bytes + e->off, k, n) == 0))
      return e;
  }
}

static vigil_status grow(vg_valset *s) {
  size_t ncap = s->cap ? s->cap * 2 : 16;
  slot *ns = calloc(ncap, sizeof *ns);
  if (ns == NULL)
    return VIGIL_E_NOMEM;
  slot *old = s->slots;
  size_t ocap = s->cap;
  s->slots = ns;
  s->cap = ncap;
  for (size_t i = 0; i < ocap; i++) {
    if (!old[i].used)
      continue;
    size_t mask = ncap - 1, j = (size_t)old[i].hash & mask;
    while (ns[j].used)
      j = (j + 1) & mask;
    ns[j] = old[i];
  }
  free(old);
  return VIGIL_OK;
}

vigil_status vg_valset_add(vg_valset *s, const vg_value *v) {
  if (s == NULL || v == NULL)
    return VIGIL_E_INVAL;
  if (s->fam == VG_TF_IPNET) {
    if (s->nnets == s->capnets) {
      size_t nc = s->capnets ? s->capnets * 2 : 8;
      vg_ipnet *nn = realloc(s->nets, nc * sizeof *nn);
      if (nn == NULL)
        return VIGIL_E_NOMEM;
      s->nets = nn;
      s->capnets = nc;
    }
    s->nets[s->nnets++] = v->v.ip;
    s->count++;
    return VIGIL_OK;
  }
  uint8_t tmp[17];
  const uint8_t *k;
  size_t n;
  if (!key_of(s, v, tmp, &k, &n))
    return VIGIL_E_INVAL;
  if ((s->count + 1) * 2 > s->cap) {
    vigil_status st = grow(s);
    if (st != VIGIL_OK)
      return st;
  }
  uint64_t h = hash_bytes(k, n);
  slot *e = find_slot(s, h, k, n);
  if (e->used)
    return VIGIL_OK; /* duplicate */
  if (s->nbytes + n > s->capbytes) {
    size_t nc = s->capbytes ? s->capbytes : 256;
    while (nc < s->nbytes + n)
      nc *= 2;
    uint8_t *nb = realloc(s->bytes, nc);
    if (nb == NULL)
      return VIGIL_E_NOMEM;
    s->bytes = nb;
    s->capbytes = nc;
  }
  if (n)
    memcpy(s->bytes + s->nbytes, k, n);
  e->used = true;
  e->hash = h;
  e->off = s->nbytes;
  e->len = n;
  s->nbytes += n;
  s->count++;
  return VIGIL_OK;
}

bool vg_valset_contains(const vg_valset *s, const vg_value *v) {
  if (s == NULL || v == NULL || s->count == 0)
    return false;
  if (s->fam == VG_TF_IPNET) {
    for (size_t i = 0; i < s->nnets; i++)
      if (s->nets[i].v6 == v->v.ip.v6 && vg_cmp_in_net(&v->v.ip, &s->nets[i]))
        return true;
    return false;
  }
  uint8_t tmp[17];
  const uint8_t *k;
  size_t n;
  if (!key_of(s, v, tmp, &k, &n))
    return false;
  return find_slot(s, hash_bytes(k, n), k, n)->used;
}
