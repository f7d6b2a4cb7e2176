/*
 * interp.c - the evaluator: per-thread vigil_vm contexts and the dispatch
 * loop over verified code (see opcodes.def for each opcode's meaning).
 *
 * Field values come from the host's accessor (event.h) and are memoised per
 * event; predicate results shared between rules are memoised per event in
 * MEMO slots. Nothing here allocates, locks or does I/O once the vm exists:
 * transformer results go to a fixed scratch area (VIGIL_E_LIMIT when it
 * runs out), regex matching uses match data sized at vigil_vm_new.
 *
 * Comparison and transformer semantics (rules-language.md 8.4-8.6, 7.8)
 * live in the small "semantics" section below, written against a minimal
 * internal interface until plugin/vm/cmp.h and transform.h are available.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vm.h"
#include "vm/pack.h"

typedef struct slot {
  const vg_value *vals; /* V entries */
  uint32_t n;
  uint8_t fflags; /* VIGIL_FIELD_* of the originating field */
  bool b;         /* B entries */
} slot;

typedef struct fcache {
  uint32_t epoch;
  vigil_status st;
  const vg_value *vals;
  size_t n;
} fcache;

struct vigil_vm {
  const vigil_program *p;
  uint32_t epoch;
  slot *stack;
  size_t stack_cap;
  fcache *fc;
  uint32_t *memo_epoch;
  uint8_t *memo_val;
  uint32_t *matches;
  size_t nmatches;
  uint8_t *scratch;
  size_t scratch_cap, scratch_used;
  vg_value *vscratch;
  size_t vscratch_cap, vscratch_used;
  pcre2_match_data *md;
  bool first_match;
  vigil_status err; /* first error met in the current evaluation */
  const vigil_event *ev;
};

vigil_vm *vigil_vm_new(const vigil_program *p, const vigil_vm_opts *opts) {
  vigil_vm *vm = calloc(1, sizeof *vm);
  if (!vm)
    return NULL;
  vm->p = p;
  vm->epoch = 1;
  vm->stack_cap = p->max_stack + 1;
  vm->stack = calloc(vm->stack_cap, sizeof *vm->stack);
  vm->fc = calloc(p->nfields + 1, sizeof *vm->fc);
  vm->memo_epoch = calloc(p->nmemo + 1, sizeof *vm->memo_epoch);
  vm->memo_val = calloc(p->nmemo + 1, 1);
  vm->matches = calloc(p->nrules + 1, sizeof *vm->matches);
  vm->scratch_cap = 64 * 1024;
  if (opts && opts->struct_size >= sizeof *opts) {
    if (opts->scratch_bytes)
      vm->scratch_cap = opts->scratch_bytes;
    vm->first_match = opts->first_match;
  }
  vm->scratch = malloc(vm->scratch_cap);
  vm->vscratch_cap = 1024;
  vm->vscratch = calloc(vm->vscratch_cap, sizeof *vm->vscratch);
  vm->md = pcre2_match_data_create(4, NULL);
  if (!vm->stack || !vm->fc || !vm->memo_epoch || !vm->memo_val ||
      !vm->matches || !vm->scratch || !vm->vscratch || !vm->md) {
    vigil_vm_free(vm);
    return NULL;
  }
  return vm;
}

void vigil_vm_free(vigil_vm *vm) {
  if (!vm)
    return;
  free(vm->stack);
  free(vm->fc);
  free(vm->memo_epoch);
  free(vm->memo_val);
  free(vm->matches);
  free(vm->scratch);
  free(vm->vscratch);
  pcre2_match_data_free(vm->md);
  free(vm);
}

const uint32_t *vigil_vm_matches(const vigil_vm *vm, size_t *n) {
  *n = vm->nmatches;
  return vm->matches;
}

/* ---- scratch ---------------------------------------------------------- */

static uint8_t *scratch_bytes(vigil_vm *vm, size_t n) {
  if (vm->scratch_cap - vm->scratch_used < n) {
    if (vm->err == VIGIL_OK)
      vm->err = VIGIL_E_LIMIT;
    return NULL;
  }
  uint8_t *r = vm->scratch + vm->scratch_used;
  vm->scratch_used += n;
  return r;
}

static vg_value *scratch_vals(vigil_vm *vm, size_t n) {
  if (vm->vscratch_cap - vm->vscratch_used < n) {
    if (vm->err == VIGIL_OK)
      vm->err = VIGIL_E_LIMIT;
    return NULL;
  }
  vg_value *r = vm->vscratch + vm->vscratch_used;
  vm->vscratch_used += n;
  return r;
}

/* ---- semantics (to be replaced by cmp.h / transform.h) ---------------- */

static bool is_str(vg_ftype t) {
  return t == VG_FT_CHARBUF || t == VG_FT_FSPATH || t == VG_FT_FSRELPATH ||
         t == VG_FT_BYTEBUF;
}
static bool is_ip(vg_ftype t) {
  return t == VG_FT_IPV4ADDR || t == VG_FT_IPV6ADDR || t == VG_FT_IPADDR ||
         t == VG_FT_IPV4NET || t == VG_FT_IPV6NET || t == VG_FT_IPNET;
}
static bool is_net(vg_ftype t) {
  return t == VG_FT_IPV4NET || t == VG_FT_IPV6NET || t == VG_FT_IPNET;
}
static bool is_signed(vg_ftype t) {
  return t == VG_FT_INT8 || t == VG_FT_INT16 || t == VG_FT_INT32 ||
         t == VG_FT_INT64 || t == VG_FT_ERRNO || t == VG_FT_FD ||
         t == VG_FT_PID;
}

/* Comparable bytes: strings stop at the first NUL, buffers do not. */
static size_t slen(const vg_value *v) {
  if (v->type == VG_FT_BYTEBUF)
    return v->v.s.n;
  const void *z = v->v.s.n ? memchr(v->v.s.p, 0, v->v.s.n) : NULL;
  return z ? (size_t)((const uint8_t *)z - v->v.s.p) : v->v.s.n;
}

static bool mem_find(const uint8_t *h, size_t hn, const uint8_t *nd,
                     size_t nn, bool icase) {
  if (nn == 0)
    return true;
  for (size_t i = 0; i + nn <= hn; i++) {
    size_t j = 0;
    if (icase) {
      while (j < nn && (h[i + j] | (h[i + j] >= 'A' && h[i + j] <= 'Z'
                                       ? 0x20 : 0)) ==
                           (nd[j] | (nd[j] >= 'A' && nd[j] <= 'Z' ? 0x20 : 0)))
        j++;
    } else {
      while (j < nn && h[i + j] == nd[j])
        j++;
    }
    if (j == nn)
      return true;
  }
  return false;
}

static bool ip_eq(const vg_value *l, const vg_value *r) {
  if (l->v.ip.v6 != r->v.ip.v6)
    return false;
  unsigned bits = is_net(r->type) ? r->v.ip.prefix : (l->v.ip.v6 ? 128 : 32);
  if (is_net(l->type) && !is_net(r->type))
    bits = l->v.ip.prefix;
  unsigned full = bits / 8, rest = bits % 8;
  if (memcmp(l->v.ip.addr, r->v.ip.addr, full))
    return false;
  if (rest) {
    uint8_t m = (uint8_t)(0xff << (8 - rest));
    if ((l->v.ip.addr[full] & m) != (r->v.ip.addr[full] & m))
      return false;
  }
  return true;
}

/* l op r for two single values; false when types cannot be compared. */
static int order(const vg_value *l, const vg_value *r, bool *ok) {
  *ok = true;
  if (is_str(l->type) && is_str(r->type)) {
    size_t a = slen(l), b = slen(r), m = a < b ? a : b;
    int c = m ? memcmp(l->v.s.p, r->v.s.p, m) : 0;
    return c ? c : (a > b) - (a < b);
  }
  if (is_str(l->type) || is_str(r->type) || is_ip(l->type) ||
      is_ip(r->type)) {
    *ok = false;
    return 0;
  }
  if (l->type == VG_FT_DOUBLE || r->type == VG_FT_DOUBLE) {
    double a = l->type == VG_FT_DOUBLE ? l->v.d : (double)l->v.i;
    double b = r->type == VG_FT_DOUBLE ? r->v.d : (double)r->v.i;
    return (a > b) - (a < b);
  }
  if (l->type == VG_FT_BOOL || r->type == VG_FT_BOOL)
    return (l->v.b != r->v.b) ? 1 : 0;
  if (is_signed(l->type))
    return (l->v.i > r->v.i) - (l->v.i < r->v.i);
  return (l->v.u > r->v.u) - (l->v.u < r->v.u);
}

static bool glob_one(vigil_vm *vm, const vg_value *l, const char *pat,
                     bool icase) {
  if (!is_str(l->type))
    return false;
  size_t n = slen(l), mark = vm->scratch_used;
  uint8_t *z = scratch_bytes(vm, n + 1);
  if (!z)
    return false;
  memcpy(z, l->v.s.p, n);
  z[n] = 0;
  bool m = fnmatch(pat, (const char *)z, icase ? FNM_CASEFOLD : 0) == 0;
  vm->scratch_used = mark;
  return m;
}

static bool regex_one(vigil_vm *vm, const vg_ppat *pt, const vg_value *l) {
  if (!is_str(l->type) || !pt->re)
    return false;
  int rc = pcre2_match(pt->re, l->v.s.p, slen(l), 0, 0, vm->md, NULL);
  return rc >= 0;
}

static bool cmp_one(vigil_vm *vm, vg_pcmp op, const vg_value *l,
                    const vg_value *r) {
  bool ok;
  int c;
  switch (op) {
  case VG_PC_EQ:
  case VG_PC_NE: {
    bool eq;
    if (is_ip(l->type) || is_ip(r->type))
      eq = is_ip(l->type) && is_ip(r->type) && ip_eq(l, r);
    else if (is_str(l->type) || is_str(r->type))
      eq = is_str(l->type) && is_str(r->type) &&
           (l->type == VG_FT_BYTEBUF
                ? l->v.s.n == r->v.s.n &&
                      (!l->v.s.n || !memcmp(l->v.s.p, r->v.s.p, l->v.s.n))
                : (order(l, r, &ok) == 0));
    else
      eq = order(l, r, &ok) == 0 && ok;
    return op == VG_PC_EQ ? eq : !eq;
  }
  case VG_PC_LT:
    c = order(l, r, &ok);
    return ok && c < 0;
  case VG_PC_LE:
    c = order(l, r, &ok);
    return ok && c <= 0;
  case VG_PC_GT:
    c = order(l, r, &ok);
    return ok && c > 0;
  case VG_PC_GE:
    c = order(l, r, &ok);
    return ok && c >= 0;
  case VG_PC_CONTAINS:
  case VG_PC_ICONTAINS:
  case VG_PC_BCONTAINS:
    if (!is_str(l->type) || !is_str(r->type))
      return false;
    return mem_find(l->v.s.p, slen(l), r->v.s.p, slen(r),
                    op == VG_PC_ICONTAINS);
  case VG_PC_STARTSWITH:
  case VG_PC_BSTARTSWITH: {
    if (!is_str(l->type) || !is_str(r->type))
      return false;
    size_t a = slen(l), b = slen(r);
    return b <= a && (!b || !memcmp(l->v.s.p, r->v.s.p, b));
  }
  case VG_PC_ENDSWITH: {
    if (!is_str(l->type) || !is_str(r->type))
      return false;
    size_t a = slen(l), b = slen(r);
    return b <= a && (!b || !memcmp(l->v.s.p + a - b, r->v.s.p, b));
  }
  case VG_PC_GLOB:
  case VG_PC_IGLOB: {
    if (!is_str(r->type))
      return false;
    /* r comes from the pack (NUL-terminated) or a field: copy to be safe */
    size_t n = slen(r), mark = vm->scratch_used;
    uint8_t *z = scratch_bytes(vm, n + 1);
    if (!z)
      return false;
    memcpy(z, r->v.s.p, n);
    z[n] = 0;
    bool m = glob_one(vm, l, (const char *)z, op == VG_PC_IGLOB);
    vm->scratch_used = mark;
    return m;
  }
  default:
    return false;
  }
}

static bool set_has(vigil_vm *vm, const vg_pset *s, const vg_value *v) {
  const vigil_program *p = vm->p;
  if (s->hash && vg_pack_hashable(v->type) &&
      is_str(v->type) == is_str(s->type)) {
    uint32_t h = (uint32_t)vg_pack_hash(v) & s->hmask;
    while (s->hash[h]) {
      if (vg_pack_same(&p->consts[s->ids[s->hash[h] - 1]], v))
        return true;
      h = (h + 1) & s->hmask;
    }
    return false;
  }
  for (uint32_t i = 0; i < s->n; i++)
    if (cmp_one(vm, VG_PC_EQ, v, &p->consts[s->ids[i]]))
      return true;
  return false;
}

/* Path components: next non-empty component at or after *i. */
static bool next_comp(const uint8_t *s, size_t n, size_t *i, size_t *b,
                      size_t *e) {
  while (*i < n && s[*i] == '/')
    (*i)++;
  if (*i >= n)
    return false;
  *b = *i;
  while (*i < n && s[*i] != '/')
    (*i)++;
  *e = *i;
  return true;
}

static bool pmatch_one(vigil_vm *vm, const vg_value *pathv,
                       const vg_value *v) {
  const uint8_t *ps = pathv->v.s.p, *vs = v->v.s.p;
  size_t pn = slen(pathv), vn = slen(v), pi = 0, vi = 0;
  size_t pb, pe, vb, ve;
  while (next_comp(ps, pn, &pi, &pb, &pe)) {
    if (!next_comp(vs, vn, &vi, &vb, &ve))
      return false;
    size_t pl = pe - pb, vl = ve - vb;
    bool wild = memchr(ps + pb, '*', pl) || memchr(ps + pb, '?', pl) ||
                memchr(ps + pb, '[', pl);
    if (wild) {
      size_t mark = vm->scratch_used;
      uint8_t *a = scratch_bytes(vm, pl + 1), *b = scratch_bytes(vm, vl + 1);
      if (!a || !b) {
        vm->scratch_used = mark;
        return false;
      }
      memcpy(a, ps + pb, pl);
      a[pl] = 0;
      memcpy(b, vs + vb, vl);
      b[vl] = 0;
      bool m = fnmatch((const char *)a, (const char *)b, 0) == 0;
      vm->scratch_used = mark;
      if (!m)
        return false;
    } else if (pl != vl || memcmp(ps + pb, vs + vb, pl)) {
      return false;
    }
  }
  return true;
}

/* Transformers on one entry. Return false for "no value". */
static bool xf_case(vigil_vm *vm, slot *s, bool upper) {
  vg_value *out = scratch_vals(vm, s->n);
  if (!out)
    return false;
  for (uint32_t i = 0; i < s->n; i++) {
    const vg_value *v = &s->vals[i];
    out[i] = *v;
    if (!is_str(v->type))
      continue;
    uint8_t *b = scratch_bytes(vm, v->v.s.n + 1);
    if (!b)
      return false;
    for (size_t k = 0; k < v->v.s.n; k++) {
      uint8_t c = v->v.s.p[k];
      if (upper && c >= 'a' && c <= 'z')
        c -= 32;
      else if (!upper && c >= 'A' && c <= 'Z')
        c += 32;
      b[k] = c;
    }
    b[v->v.s.n] = 0;
    out[i].v.s.p = b;
  }
  s->vals = out;
  return true;
}

static bool xf_basename(vigil_vm *vm, slot *s) {
  vg_value *out = scratch_vals(vm, s->n);
  if (!out)
    return false;
  for (uint32_t i = 0; i < s->n; i++) {
    out[i] = s->vals[i];
    if (!is_str(out[i].type))
      continue;
    size_t n = slen(&out[i]);
    const uint8_t *p = out[i].v.s.p;
    size_t k = n;
    while (k > 0 && p[k - 1] != '/')
      k--;
    out[i].v.s.p = p + k;
    out[i].v.s.n = n - k;
  }
  s->vals = out;
  return true;
}

static bool xf_len(vigil_vm *vm, slot *s) {
  vg_value *out = scratch_vals(vm, 1);
  if (!out)
    return false;
  out->type = VG_FT_UINT64;
  if (s->fflags & VIGIL_FIELD_LIST)
    out->v.u = s->n;
  else
    out->v.u = is_str(s->vals[0].type) ? slen(&s->vals[0]) : 0;
  s->vals = out;
  s->n = 1;
  s->fflags = 0;
  return true;
}

static int b64val(uint8_t c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

static bool xf_b64(vigil_vm *vm, slot *s) {
  vg_value *out = scratch_vals(vm, s->n);
  if (!out)
    return false;
  for (uint32_t i = 0; i < s->n; i++) {
    const vg_value *v = &s->vals[i];
    out[i] = *v;
    if (!is_str(v->type))
      return false;
    size_t n = v->type == VG_FT_BYTEBUF ? v->v.s.n : slen(v);
    while (n > 0 && v->v.s.p[n - 1] == '=')
      n--;
    if (n % 4 == 1)
      return false;
    uint8_t *b = scratch_bytes(vm, n * 3 / 4 + 1);
    if (!b)
      return false;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t k = 0; k < n; k++) {
      int d = b64val(v->v.s.p[k]);
      if (d < 0)
        return false;
      acc = (acc << 6) | (uint32_t)d;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        b[o++] = (uint8_t)(acc >> bits);
      }
    }
    b[o] = 0;
    out[i].v.s.p = b;
    out[i].v.s.n = o;
  }
  s->vals = out;
  return true;
}

/* Text of one value for TLIST/JOIN/CONCAT (numbers in decimal). */
static bool as_text(vigil_vm *vm, const vg_value *v, const uint8_t **p,
                    size_t *n) {
  if (is_str(v->type)) {
    *p = v->v.s.p;
    *n = slen(v);
    return true;
  }
  uint8_t *b = scratch_bytes(vm, 24);
  if (!b)
    return false;
  char tmp[24];
  size_t k = 0;
  uint64_t u = v->v.u;
  bool neg = false;
  if (is_signed(v->type) && v->v.i < 0) {
    neg = true;
    u = (uint64_t)0 - u;
  }
  do {
    tmp[k++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  size_t o = 0;
  if (neg)
    b[o++] = '-';
  while (k)
    b[o++] = (uint8_t)tmp[--k];
  *p = b;
  *n = o;
  return true;
}

static bool xf_concat(vigil_vm *vm, slot *args, uint32_t n, slot *res,
                      const uint8_t *sep, size_t sepn) {
  size_t total = 0;
  const uint8_t *parts[64];
  size_t lens[64];
  uint32_t np = 0;
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < args[i].n; j++) {
      if (np == 64 || !as_text(vm, &args[i].vals[j], &parts[np], &lens[np]))
        return false;
      total += lens[np] + (np > 0 ? sepn : 0);
      np++;
    }
  uint8_t *b = scratch_bytes(vm, total + 1);
  vg_value *out = scratch_vals(vm, 1);
  if (!b || !out)
    return false;
  size_t o = 0;
  for (uint32_t i = 0; i < np; i++) {
    if (i && sepn) {
      memcpy(b + o, sep, sepn);
      o += sepn;
    }
    if (lens[i])
      memcpy(b + o, parts[i], lens[i]);
    o += lens[i];
  }
  b[o] = 0;
  out->type = VG_FT_CHARBUF;
  out->v.s.p = b;
  out->v.s.n = o;
  res->vals = out;
  res->n = 1;
  res->fflags = 0;
  return true;
}

static bool xf_tlist(vigil_vm *vm, slot *args, uint32_t n, slot *res) {
  size_t total = 0;
  for (uint32_t i = 0; i < n; i++)
    total += args[i].n;
  vg_value *out = scratch_vals(vm, total ? total : 1);
  if (!out)
    return false;
  size_t o = 0;
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < args[i].n; j++, o++) {
      out[o].type = VG_FT_CHARBUF;
      if (!as_text(vm, &args[i].vals[j], &out[o].v.s.p, &out[o].v.s.n))
        return false;
    }
  res->vals = out;
  res->n = (uint32_t)total;
  res->fflags = VIGIL_FIELD_LIST;
  return true;
}

/* getopt scan (rules-language.md 7.8). sel < 0: list mode. */
static bool xf_getopt(vigil_vm *vm, slot *argv, slot *opt, int sel,
                      slot *res) {
  if (opt->n != 1 || !is_str(opt->vals[0].type))
    return false;
  const uint8_t *os = opt->vals[0].v.s.p;
  size_t on = slen(&opt->vals[0]);
  size_t cap = 1;
  for (uint32_t t = 0; t < argv->n; t++)
    cap += is_str(argv->vals[t].type) ? 2 * slen(&argv->vals[t]) : 0;
  vg_value *out = scratch_vals(vm, cap);
  if (!out)
    return false;
  size_t no = 0;
  bool found = false;
  vg_value selv = {0};
  for (uint32_t t = 0; t < argv->n; t++) {
    const vg_value *a = &argv->vals[t];
    if (!is_str(a->type))
      break;
    const uint8_t *s = a->v.s.p;
    size_t n = slen(a);
    if (n == 2 && s[0] == '-' && s[1] == '-')
      break;
    if (n >= 2 && s[0] == '-' && s[1] == '-')
      continue;
    if (n < 2 || s[0] != '-')
      break;
    for (size_t k = 1; k < n; k++) {
      uint8_t c = s[k];
      const uint8_t *d = c != ':' ? memchr(os, c, on) : NULL;
      bool takes = d && (size_t)(d - os) + 1 < on && d[1] == ':';
      vg_value val = {.type = VG_FT_CHARBUF};
      bool hasval = false;
      if (d && takes) {
        hasval = true;
        if (k + 1 < n) {
          val.v.s.p = s + k + 1;
          val.v.s.n = n - k - 1;
        } else if (t + 1 < argv->n && is_str(argv->vals[t + 1].type)) {
          t++;
          val.v.s.p = argv->vals[t].v.s.p;
          val.v.s.n = slen(&argv->vals[t]);
        } else {
          val.v.s.p = (const uint8_t *)"";
          val.v.s.n = 0;
        }
        k = n;
      }
      if (sel >= 0) {
        if (c == (uint8_t)sel && d) {
          found = true;
          if (hasval) {
            selv = val;
          } else {
            uint8_t *b = scratch_bytes(vm, 2);
            if (!b)
              return false;
            b[0] = c;
            b[1] = 0;
            selv.type = VG_FT_CHARBUF;
            selv.v.s.p = b;
            selv.v.s.n = 1;
          }
        }
        continue;
      }
      uint8_t *b = scratch_bytes(vm, 2);
      if (!b || no + 2 > cap)
        return false;
      b[0] = d ? c : '?';
      b[1] = 0;
      out[no].type = VG_FT_CHARBUF;
      out[no].v.s.p = b;
      out[no++].v.s.n = 1;
      if (hasval)
        out[no++] = val;
    }
  }
  if (sel >= 0) {
    if (!found)
      return false;
    out[0] = selv;
    res->vals = out;
    res->n = 1;
    res->fflags = 0;
    return true;
  }
  res->vals = out;
  res->n = (uint32_t)no;
  res->fflags = VIGIL_FIELD_LIST;
  return no > 0;
}

/* ---- checks over value entries ---------------------------------------- */

/* l op k for every value of l: true when it holds for any value, except
 * '!=' on endpoint fields, where every value must differ. */
static bool check_k(vigil_vm *vm, const slot *l, vg_pcmp op,
                    const vg_value *k) {
  if (l->n == 0)
    return false;
  bool all = op == VG_PC_NE && (l->fflags & VIGIL_FIELD_ENDPOINT);
  for (uint32_t i = 0; i < l->n; i++) {
    bool m = cmp_one(vm, op, &l->vals[i], k);
    if (m && !all)
      return true;
    if (!m && all)
      return false;
  }
  return all;
}

static bool check_in(vigil_vm *vm, const slot *l, const vg_pset *s,
                     bool every) {
  if (l->n == 0)
    return false;
  for (uint32_t i = 0; i < l->n; i++) {
    bool m = set_has(vm, s, &l->vals[i]);
    if (m && !every)
      return true;
    if (!m && every)
      return false;
  }
  return every;
}

static bool check_mod(vigil_vm *vm, const slot *l, vg_opcode mod,
                      uint32_t arg) {
  const vigil_program *p = vm->p;
  vg_pcmp op = (vg_pcmp)(arg & 31);
  const vg_pset *s = &p->sets[arg >> 5];
  if (l->n == 0 || s->n == 0)
    return false;
  for (uint32_t i = 0; i < l->n; i++) {
    uint32_t cnt = 0;
    for (uint32_t j = 0; j < s->n; j++) {
      bool m = s->kind ? regex_one(vm, &p->pats[s->ids[j]], &l->vals[i])
                       : cmp_one(vm, op, &l->vals[i], &p->consts[s->ids[j]]);
      cnt += m;
    }
    bool r = mod == VG_I_ANYOF_S   ? cnt > 0
             : mod == VG_I_ALLOF_S ? cnt == s->n
                                   : cnt == 1;
    if (r)
      return true;
  }
  return false;
}

static bool check_f(vigil_vm *vm, const slot *l, const slot *r,
                    vg_pcmp op) {
  if (l->n == 0 || r->n == 0)
    return false;
  if (op == VG_PC_IN || op == VG_PC_INTERSECTS) {
    bool every = op == VG_PC_IN && (l->fflags & VIGIL_FIELD_LIST);
    for (uint32_t i = 0; i < l->n; i++) {
      bool m = false;
      for (uint32_t j = 0; j < r->n && !m; j++)
        m = cmp_one(vm, VG_PC_EQ, &l->vals[i], &r->vals[j]);
      if (m && !every)
        return true;
      if (!m && every)
        return false;
    }
    return every;
  }
  return check_k(vm, l, op, &r->vals[0]);
}

/* ---- the loop ----------------------------------------------------------- */

static void field_values(vigil_vm *vm, uint32_t f, slot *s) {
  fcache *c = &vm->fc[f];
  if (c->epoch != vm->epoch) {
    c->epoch = vm->epoch;
    c->vals = NULL;
    c->n = 0;
    c->st = vm->ev->ops->extract(vm->ev->ctx, vm->p->fields[f].id, &c->vals,
                                 &c->n);
    if (c->st != VIGIL_OK || !c->vals) {
      if (c->st != VIGIL_OK && vm->err == VIGIL_OK)
        vm->err = c->st;
      c->n = 0;
    }
    if (c->n > 0xffffffffu)
      c->n = 0xffffffffu;
  }
  s->vals = c->vals;
  s->n = (uint32_t)c->n;
  s->fflags = vm->p->fields[f].flags;
}

static bool run(vigil_vm *vm, const vg_prule *ru) {
  const vigil_program *p = vm->p;
  const uint32_t *code = p->code;
  slot *sp = vm->stack; /* next free entry */
  uint32_t pc = ru->start;
  vm->scratch_used = 0;
  vm->vscratch_used = 0;
  for (;;) {
    uint32_t w = code[pc++], arg = VG_INS_ARG(w);
    switch ((vg_opcode)VG_INS_OP(w)) {
    case VG_I_NOP:
      break;
    case VG_I_RET:
      return sp[-1].b;
    case VG_I_TRUE:
      (sp++)->b = true;
      break;
    case VG_I_FALSE:
      (sp++)->b = false;
      break;
    case VG_I_NOT:
      sp[-1].b = !sp[-1].b;
      break;
    case VG_I_JF_KEEP:
      if (!sp[-1].b)
        pc += arg;
      else
        sp--;
      break;
    case VG_I_JT_KEEP:
      if (sp[-1].b)
        pc += arg;
      else
        sp--;
      break;
    case VG_I_FIELD:
      field_values(vm, arg, sp++);
      break;
    case VG_I_KVAL:
      sp->vals = &p->consts[arg];
      sp->n = 1;
      sp->fflags = 0;
      sp++;
      break;
    case VG_I_EXISTS:
      sp[-1].b = sp[-1].n > 0;
      break;
#define CMPK(OP, C)                                                          \
  case VG_I_##OP:                                                            \
    sp[-1].b = check_k(vm, &sp[-1], C, &p->consts[arg]);                     \
    break;
      CMPK(EQ_K, VG_PC_EQ)
      CMPK(NE_K, VG_PC_NE)
      CMPK(LT_K, VG_PC_LT)
      CMPK(LE_K, VG_PC_LE)
      CMPK(GT_K, VG_PC_GT)
      CMPK(GE_K, VG_PC_GE)
      CMPK(CONTAINS_K, VG_PC_CONTAINS)
      CMPK(ICONTAINS_K, VG_PC_ICONTAINS)
      CMPK(BCONTAINS_K, VG_PC_BCONTAINS)
      CMPK(STARTSWITH_K, VG_PC_STARTSWITH)
      CMPK(BSTARTSWITH_K, VG_PC_BSTARTSWITH)
      CMPK(ENDSWITH_K, VG_PC_ENDSWITH)
#undef CMPK
    case VG_I_GLOB_P:
    case VG_I_IGLOB_P: {
      const slot *l = &sp[-1];
      bool m = false;
      const char *pat = vg_pack_str(p, p->pats[arg].src);
      for (uint32_t i = 0; i < l->n && !m; i++)
        m = glob_one(vm, &l->vals[i], pat,
                     VG_INS_OP(w) == VG_I_IGLOB_P);
      sp[-1].b = m;
      break;
    }
    case VG_I_REGEX_P: {
      const slot *l = &sp[-1];
      bool m = false;
      for (uint32_t i = 0; i < l->n && !m; i++)
        m = regex_one(vm, &p->pats[arg], &l->vals[i]);
      sp[-1].b = m;
      break;
    }
    case VG_I_IN_S:
      sp[-1].b = check_in(vm, &sp[-1], &p->sets[arg],
                          (sp[-1].fflags & VIGIL_FIELD_LIST) != 0);
      break;
    case VG_I_INTERSECTS_S:
      sp[-1].b = check_in(vm, &sp[-1], &p->sets[arg], false);
      break;
    case VG_I_PMATCH_S: {
      const slot *l = &sp[-1];
      const vg_pset *s = &p->sets[arg];
      bool m = false;
      for (uint32_t i = 0; i < l->n && !m; i++)
        for (uint32_t j = 0; j < s->n && !m; j++)
          m = is_str(l->vals[i].type) &&
              pmatch_one(vm, &p->consts[s->ids[j]], &l->vals[i]);
      sp[-1].b = m;
      break;
    }
    case VG_I_ANYOF_S:
    case VG_I_ALLOF_S:
    case VG_I_ONEOF_S:
      sp[-1].b = check_mod(vm, &sp[-1], (vg_opcode)VG_INS_OP(w), arg);
      break;
    case VG_I_CMP_F:
      sp--;
      sp[-1].b = check_f(vm, &sp[-1], &sp[0], (vg_pcmp)arg);
      break;
    case VG_I_TOLOWER:
    case VG_I_TOUPPER:
      if (sp[-1].n &&
          !xf_case(vm, &sp[-1], VG_INS_OP(w) == VG_I_TOUPPER))
        sp[-1].n = 0;
      break;
    case VG_I_B64:
      if (sp[-1].n && !xf_b64(vm, &sp[-1]))
        sp[-1].n = 0;
      break;
    case VG_I_BASENAME:
      if (sp[-1].n && !xf_basename(vm, &sp[-1]))
        sp[-1].n = 0;
      break;
    case VG_I_LEN:
      if (!(sp[-1].fflags & VIGIL_FIELD_LIST) && sp[-1].n == 0)
        break;
      if (!xf_len(vm, &sp[-1]))
        sp[-1].n = 0;
      break;
    case VG_I_JOIN: {
      slot *sep = &sp[-2], *list = &sp[-1];
      slot res = {0};
      const uint8_t *sp8 = NULL;
      size_t sn = 0;
      bool ok = sep->n == 1 && as_text(vm, &sep->vals[0], &sp8, &sn) &&
                xf_concat(vm, list, 1, &res, sp8, sn);
      sp--;
      sp[-1] = res;
      if (!ok)
        sp[-1].n = 0;
      break;
    }
    case VG_I_CONCAT:
    case VG_I_TLIST: {
      slot res = {0};
      bool ok = true;
      for (uint32_t i = 0; i < arg; i++)
        if (sp[-1 - (int)i].n == 0 && VG_INS_OP(w) == VG_I_CONCAT)
          ok = false;
      if (ok)
        ok = VG_INS_OP(w) == VG_I_CONCAT
                 ? xf_concat(vm, sp - arg, arg, &res, NULL, 0)
                 : xf_tlist(vm, sp - arg, arg, &res);
      sp -= arg;
      *sp = res;
      if (!ok)
        sp->n = 0;
      sp++;
      break;
    }
    case VG_I_GETOPT:
    case VG_I_GETOPT_SEL: {
      slot res = {0};
      bool ok = sp[-2].n && xf_getopt(vm, &sp[-2], &sp[-1],
                                      VG_INS_OP(w) == VG_I_GETOPT ? -1
                                                                  : (int)arg,
                                      &res);
      sp--;
      sp[-1] = res;
      if (!ok)
        sp[-1].n = 0;
      break;
    }
    case VG_I_MEMO_GET: {
      uint32_t slotn = arg & (VG_MEMO_MAX_SLOTS - 1);
      if (vm->memo_epoch[slotn] == vm->epoch) {
        (sp++)->b = vm->memo_val[slotn];
        pc += arg >> VG_MEMO_SLOT_BITS;
      }
      break;
    }
    case VG_I_MEMO_PUT: {
      uint32_t slotn = arg & (VG_MEMO_MAX_SLOTS - 1);
      vm->memo_epoch[slotn] = vm->epoch;
      vm->memo_val[slotn] = sp[-1].b;
      break;
    }
    case VG_I__COUNT:
      return false; /* unreachable: the verifier rejects unknown opcodes */
    }
  }
}

static void next_epoch(vigil_vm *vm, const vigil_event *ev) {
  vm->ev = ev;
  vm->err = VIGIL_OK;
  if (++vm->epoch == 0) {
    /* wrapped: forget everything so stale entries cannot match */
    memset(vm->fc, 0, (vm->p->nfields + 1) * sizeof *vm->fc);
    memset(vm->memo_epoch, 0, (vm->p->nmemo + 1) * sizeof *vm->memo_epoch);
    vm->epoch = 1;
  }
}

vigil_status vigil_vm_eval(vigil_vm *vm, const vigil_event *ev) {
  vm->nmatches = 0;
  if (!ev || !ev->ops || !ev->ops->extract)
    return VIGIL_E_INVAL;
  const vigil_program *p = vm->p;
  if (ev->source >= p->nsources)
    return VIGIL_OK; /* no rules for that source */
  next_epoch(vm, ev);
  const vg_psource *s = &p->sources[ev->source];
  const uint32_t *list;
  size_t n;
  if (ev->evtype < VG_DISPATCH_EVT) {
    list = s->list + s->off[ev->evtype];
    n = s->off[ev->evtype + 1] - s->off[ev->evtype];
  } else {
    list = s->all;
    n = s->nall;
  }
  vigil_status first = VIGIL_OK;
  for (size_t i = 0; i < n; i++) {
    vm->err = VIGIL_OK;
    bool m = run(vm, &p->rules[list[i]]);
    if (vm->err != VIGIL_OK) {
      if (first == VIGIL_OK)
        first = vm->err;
      continue;
    }
    if (m) {
      vm->matches[vm->nmatches++] = list[i];
      if (vm->first_match)
        break;
    }
  }
  return first;
}

vigil_status vigil_vm_eval_rule(vigil_vm *vm, const vigil_event *ev,
                                size_t rule, bool *matched) {
  vm->nmatches = 0;
  if (!ev || !ev->ops || !ev->ops->extract || rule >= vm->p->nrules)
    return VIGIL_E_INVAL;
  next_epoch(vm, ev);
  bool m = run(vm, &vm->p->rules[rule]);
  *matched = vm->err == VIGIL_OK && m;
  return vm->err;
}
