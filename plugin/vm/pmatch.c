/*
 * pmatch.c - path-prefix sets for the 'pmatch' operator (rules-language.md
 * 8.4), with libsinsp's observable behaviour (path_prefix_map): paths are
 * split on '/' with empty components dropped, a listed path matches every
 * value whose components it prefixes, and a listed component containing
 * '*', '?' or '[' matches one value component by fnmatch(3) without flags.
 *
 * Structure: a trie. Node 0 is the root (libsinsp's dummy "root"
 * component), so "/" (no components) makes the root a leaf that matches
 * everything. A leaf ends a listed path and has no subtree (adding /usr
 * drops /usr/lib's subtree; adding /usr/lib under a leaf /usr is a no-op).
 * Plain components are found through one hash table keyed by (parent,
 * component); glob components hang off their parent in a list and are
 * tried after the plain child, like libsinsp's m_dirs then m_glob_dirs.
 * Matching walks the value in place: no allocation except the scratch
 * copy of a component for fnmatch.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "vm/cmp_int.h"

typedef struct pm_node {
  bool leaf;
  size_t first_glob; /* node index of the first glob child, 0 = none */
  size_t next_glob;  /* next glob sibling, 0 = none */
  size_t pat;        /* glob nodes: offset of the NUL-terminated pattern */
  size_t patn;
} pm_node;

typedef struct pm_slot {
  uint64_t hash;
  size_t parent;
  size_t child; /* 0 = empty slot (node 0 is never a child) */
  size_t off, len;
} pm_slot;

struct vg_pmatch {
  pm_node *nodes;
  size_t nnodes, capnodes;
  pm_slot *slots;
  size_t nslots, capslots; /* capslots: power of two */
  uint8_t *bytes;
  size_t nbytes, capbytes;
  bool any; /* at least one path added */
};

static uint64_t hash_comp(size_t parent, const uint8_t *p, size_t n) {
  uint64_t h =
      1469598103934665603ull ^ (uint64_t)parent * 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  h ^= h >> 31;
  return h;
}

vigil_status vg_pmatch_new(vg_pmatch **out) {
  vg_pmatch *pm = calloc(1, sizeof *pm);
  if (pm == NULL)
    return VIGIL_E_NOMEM;
  pm->nodes = calloc(16, sizeof *pm->nodes);
  if (pm->nodes == NULL) {
    free(pm);
    return VIGIL_E_NOMEM;
  }
  pm->capnodes = 16;
  pm->nnodes = 1; /* the root */
  *out = pm;
  return VIGIL_OK;
}

void vg_pmatch_free(vg_pmatch *pm) {
  if (pm == NULL)
    return;
  free(pm->nodes);
  free(pm->slots);
  free(pm->bytes);
  free(pm);
}

/* Next component of s[0..n) starting at *pos; false when none is left. */
static bool next_comp(const uint8_t *s, size_t n, size_t *pos,
                      const uint8_t **cp, size_t *cn) {
  size_t i = *pos;
  while (i < n && s[i] == '/')
    i++;
  if (i >= n) {
    *pos = n;
    return false;
  }
  size_t j = i;
  while (j < n && s[j] != '/')
    j++;
  *cp = s + i;
  *cn = j - i;
  *pos = j;
  return true;
}

static bool is_glob(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] == '*' || p[i] == '?' || p[i] == '[')
      return true;
  return false;
}

static vigil_status put_bytes(vg_pmatch *pm, const uint8_t *p, size_t n,
                              size_t *off) {
  if (pm->nbytes + n + 1 > pm->capbytes) {
    size_t nc = pm->capbytes ? pm->capbytes : 256;
    while (nc < pm->nbytes + n + 1)
      nc *= 2;
    uint8_t *nb = realloc(pm->bytes, nc);
    if (nb == NULL)
      return VIGIL_E_NOMEM;
    pm->bytes = nb;
    pm->capbytes = nc;
  }
  if (n)
    memcpy(pm->bytes + pm->nbytes, p, n);
  pm->bytes[pm->nbytes + n] = 0;
  *off = pm->nbytes;
  pm->nbytes += n + 1;
  return VIGIL_OK;
}

static vigil_status new_node(vg_pmatch *pm, size_t *idx) {
  if (pm->nnodes == pm->capnodes) {
    size_t nc = pm->capnodes * 2;
    pm_node *nn = realloc(pm->nodes, nc * sizeof *nn);
    if (nn == NULL)
      return VIGIL_E_NOMEM;
    pm->nodes = nn;
    pm->capnodes = nc;
  }
  memset(&pm->nodes[pm->nnodes], 0, sizeof pm->nodes[0]);
  *idx = pm->nnodes++;
  return VIGIL_OK;
}

static pm_slot *lookup(const vg_pmatch *pm, size_t parent, const uint8_t *p,
                       size_t n, uint64_t h) {
  size_t mask = pm->capslots - 1;
  for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
    pm_slot *e = &pm->slots[i];
    if (e->child == 0)
      return e;
    if (e->hash == h && e->parent == parent && e->len == n &&
        (n == 0 || memcmp(pm->bytes + e->off, p, n) == 0))
      return e;
  }
}

static vigil_status grow_slots(vg_pmatch *pm) {
  size_t nc = pm->capslots ? pm->capslots * 2 : 32;
  pm_slot *ns = calloc(nc, sizeof *ns);
  if (ns == NULL)
    return VIGIL_E_NOMEM;
  for (size_t i = 0; i < pm->capslots; i++) {
    pm_slot *e = &pm->slots[i];
    if (e->child == 0)
      continue;
    size_t j = (size_t)e->hash & (nc - 1);
    while (ns[j].child != 0)
      j = (j + 1) & (nc - 1);
    ns[j] = *e;
  }
  free(pm->slots);
  pm->slots = ns;
  pm->capslots = nc;
  return VIGIL_OK;
}

/* The child of node for component p[0..n), created if absent. */
static vigil_status child_of(vg_pmatch *pm, size_t node, const uint8_t *p,
                             size_t n, size_t *out) {
  vigil_status st;
  if (is_glob(p, n)) {
    for (size_t g = pm->nodes[node].first_glob; g; g = pm->nodes[g].next_glob) {
      if (pm->nodes[g].patn == n &&
          memcmp(pm->bytes + pm->nodes[g].pat, p, n) == 0) {
        *out = g;
        return VIGIL_OK;
      }
    }
    size_t off, idx;
    if ((st = put_bytes(pm, p, n, &off)) != VIGIL_OK ||
        (st = new_node(pm, &idx)) != VIGIL_OK)
      return st;
    pm->nodes[idx].pat = off;
    pm->nodes[idx].patn = n;
    /* Append, keeping the order of first appearance. */
    size_t *link = &pm->nodes[node].first_glob;
    while (*link)
      link = &pm->nodes[*link].next_glob;
    *link = idx;
    *out = idx;
    return VIGIL_OK;
  }
  if ((pm->nslots + 1) * 2 > pm->capslots && (st = grow_slots(pm)) != VIGIL_OK)
    return st;
  uint64_t h = hash_comp(node, p, n);
  pm_slot *e = lookup(pm, node, p, n, h);
  if (e->child != 0) {
    *out = e->child;
    return VIGIL_OK;
  }
  size_t off, idx;
  if ((st = put_bytes(pm, p, n, &off)) != VIGIL_OK ||
      (st = new_node(pm, &idx)) != VIGIL_OK)
    return st;
  e = lookup(pm, node, p, n, h); /* slots did not move, but be plain */
  e->hash = h;
  e->parent = node;
  e->child = idx;
  e->off = off;
  e->len = n;
  pm->nslots++;
  *out = idx;
  return VIGIL_OK;
}

vigil_status vg_pmatch_add(vg_pmatch *pm, const uint8_t *path, size_t n) {
  if (pm == NULL || (n > 0 && path == NULL))
    return VIGIL_E_INVAL;
  size_t node = 0, pos = 0;
  const uint8_t *cp;
  size_t cn;
  pm->any = true;
  while (next_comp(path, n, &pos, &cp, &cn)) {
    if (pm->nodes[node].leaf)
      return VIGIL_OK; /* a shorter listed path already covers it */
    vigil_status st = child_of(pm, node, cp, cn, &node);
    if (st != VIGIL_OK)
      return st;
  }
  /* This path ends here: the node becomes a leaf, its subtree (if any) is
   * unreachable from now on. */
  pm->nodes[node].leaf = true;
  return VIGIL_OK;
}

static bool match_from(const vg_pmatch *pm, size_t node, const uint8_t *s,
                       size_t n, size_t pos, vg_cmp_scratch *scr) {
  const uint8_t *cp;
  size_t cn;
  const pm_node *nd = &pm->nodes[node];
  if (!next_comp(s, n, &pos, &cp, &cn))
    return nd->leaf; /* /var matches /var, not /var/lib */
  if (nd->leaf)
    return true;
  if (pm->capslots) {
    const pm_slot *e = lookup(pm, node, cp, cn, hash_comp(node, cp, cn));
    if (e->child != 0 && match_from(pm, e->child, s, n, pos, scr))
      return true;
  }
  if (nd->first_glob == 0)
    return false;
  for (size_t g = nd->first_glob; g; g = pm->nodes[g].next_glob) {
    const char *c = vg_cmp_cstr(scr, cp, cn);
    if (c == NULL)
      return false;
    if (fnmatch((const char *)pm->bytes + pm->nodes[g].pat, c, 0) == 0 &&
        match_from(pm, g, s, n, pos, scr))
      return true;
  }
  return false;
}

bool vg_pmatch_match(const vg_pmatch *pm, const uint8_t *path, size_t n,
                     vg_cmp_scratch *scr) {
  if (pm == NULL || !pm->any || (n > 0 && path == NULL))
    return false;
  return match_from(pm, 0, path, n, 0, scr);
}
