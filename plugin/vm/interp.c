/*
 * interp.c - the evaluator: per-thread vigil_vm contexts and the dispatch
 * loop over verified code (see opcodes.def for each opcode's meaning).
 *
 * Field values come from the host's accessor (event.h) and are memoised per
 * event; predicate results shared between rules are memoised per event in
 * MEMO slots. Nothing here allocates, locks or does I/O once the vm exists:
 * transformer results go to a fixed scratch area (VIGIL_E_LIMIT when it
 * runs out), regex matching uses the vg_cmp_scratch made at vigil_vm_new
 * (cmp.h may grow its copy buffer on a cold path for very long values).
 *
 * Comparison and transformer semantics (rules-language.md 8.4-8.6, 7.8)
 * are vmops' cmp.h and transform.h; this file adds the multi-value rules
 * (lists, ancestors, endpoints) and the stack discipline.
 */
#include <stdlib.h>
#include <string.h>

#include "vigil/vm.h"
#include "vm/cmp.h"
#include "vm/pack.h"
#include "vm/transform.h"

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
  /* per MEMO slot: 2 * epoch + value when computed for this event */
  uint32_t *memo;
  uint32_t *matches;
  size_t nmatches;
  uint8_t *scratch;
  size_t scratch_cap, scratch_used;
  vg_value *vscratch;
  size_t vscratch_cap, vscratch_used;
  vg_cmp_scratch scr;
  vg_trbuf tb; /* over scratch; its 'used' mirrors scratch_used */
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
  vm->memo = calloc(p->nmemo + 1, sizeof *vm->memo);
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
  bool scr_ok = vg_cmp_scratch_init(&vm->scr) == VIGIL_OK;
  if (vm->scratch)
    vg_trbuf_init(&vm->tb, vm->scratch, vm->scratch_cap);
  if (!vm->stack || !vm->fc || !vm->memo ||
      !vm->matches || !vm->scratch || !vm->vscratch || !scr_ok) {
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
  free(vm->memo);
  free(vm->matches);
  free(vm->scratch);
  free(vm->vscratch);
  vg_cmp_scratch_fini(&vm->scr);
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

/* ---- semantics ------------------------------------------------------- */

/* FIELD's fused checks rely on EQ_K .. ENDSWITH_K following the order of
 * VG_PC_EQ .. VG_PC_ENDSWITH. */
_Static_assert(VG_I_NE_K - VG_I_EQ_K == VG_PC_NE &&
                   VG_I_GE_K - VG_I_EQ_K == VG_PC_GE &&
                   VG_I_CONTAINS_K - VG_I_EQ_K == VG_PC_CONTAINS &&
                   VG_I_BCONTAINS_K - VG_I_EQ_K == VG_PC_BCONTAINS &&
                   VG_I_STARTSWITH_K - VG_I_EQ_K == VG_PC_STARTSWITH &&
                   VG_I_ENDSWITH_K - VG_I_EQ_K == VG_PC_ENDSWITH &&
                   VG_PC_EQ == 0,
               "CMPK opcodes and vg_pcmp must line up");

/* Pack operator numbers (pack.h) to cmp.h's. */
static const vg_cmpop cmp_of[VG_PC__COUNT] = {
    [VG_PC_EQ] = VG_CMP_EQ,
    [VG_PC_NE] = VG_CMP_NE,
    [VG_PC_LT] = VG_CMP_LT,
    [VG_PC_LE] = VG_CMP_LE,
    [VG_PC_GT] = VG_CMP_GT,
    [VG_PC_GE] = VG_CMP_GE,
    [VG_PC_CONTAINS] = VG_CMP_CONTAINS,
    [VG_PC_ICONTAINS] = VG_CMP_ICONTAINS,
    [VG_PC_BCONTAINS] = VG_CMP_BCONTAINS,
    [VG_PC_STARTSWITH] = VG_CMP_STARTSWITH,
    [VG_PC_BSTARTSWITH] = VG_CMP_BSTARTSWITH,
    [VG_PC_ENDSWITH] = VG_CMP_ENDSWITH,
    [VG_PC_GLOB] = VG_CMP_GLOB,
    [VG_PC_IGLOB] = VG_CMP_IGLOB,
    [VG_PC_REGEX] = VG_CMP_REGEX,
    [VG_PC_IN] = VG_CMP_IN,
    [VG_PC_INTERSECTS] = VG_CMP_INTERSECTS,
    [VG_PC_PMATCH] = VG_CMP_PMATCH,
};

/* Representation of a type: 1 string or buffer, 2 address, 0 number. */
static const uint8_t repr_of[VG_FT__MAX] = {
    [VG_FT_CHARBUF] = 1,  [VG_FT_FSPATH] = 1,   [VG_FT_FSRELPATH] = 1,
    [VG_FT_BYTEBUF] = 1,  [VG_FT_IPV4ADDR] = 2, [VG_FT_IPV6ADDR] = 2,
    [VG_FT_IPADDR] = 2,   [VG_FT_IPV4NET] = 2,  [VG_FT_IPV6NET] = 2,
    [VG_FT_IPNET] = 2};

/* Host-supplied types are not trusted to be in range. */
static inline unsigned repr(vg_ftype t) {
  return (unsigned)t < VG_FT__MAX ? repr_of[t] : 0;
}
static inline bool is_str(vg_ftype t) { return repr(t) == 1; }
static inline bool is_ip(vg_ftype t) { return repr(t) == 2; }
static bool is_signed(vg_ftype t) {
  return t == VG_FT_INT8 || t == VG_FT_INT16 || t == VG_FT_INT32 ||
         t == VG_FT_INT64 || t == VG_FT_ERRNO || t == VG_FT_FD ||
         t == VG_FT_PID;
}

/* cmp.h reads the union member the type t names, so a value must be of
 * the same representation (string, address or number) as t before it is
 * compared: the pack is verified, but value types come from the host. */
static inline bool same_repr(vg_ftype a, vg_ftype t) {
  return repr(a) == repr(t);
}

/* Bytes before the first NUL (C-string view). */
static size_t slen(const vg_value *v) {
  if (v->type == VG_FT_BYTEBUF)
    return v->v.s.n;
  const void *z = v->v.s.n ? memchr(v->v.s.p, 0, v->v.s.n) : NULL;
  return z ? (size_t)((const uint8_t *)z - v->v.s.p) : v->v.s.n;
}

static void note_scr(vigil_vm *vm) {
  if (vm->scr.err != VIGIL_OK) {
    if (vm->err == VIGIL_OK)
      vm->err = vm->scr.err;
    vm->scr.err = VIGIL_OK;
  }
}

static bool cmp_one(vigil_vm *vm, vg_pcmp op, const vg_value *l,
                    const vg_value *r) {
  if (!same_repr(l->type, r->type))
    return op == VG_PC_NE && is_ip(l->type) && is_ip(r->type);
  bool m = vg_cmp_values(cmp_of[op], r->type, l, r, &vm->scr);
  note_scr(vm);
  return m;
}

static bool regex_one(vigil_vm *vm, const vg_ppat *pt, const vg_value *l) {
  if (!is_str(l->type) || !pt->re)
    return false;
  bool m = vg_regex_match(pt->re, l->v.s.p, l->v.s.n, &vm->scr);
  note_scr(vm);
  return m;
}

static bool set_has(vigil_vm *vm, const vg_pset *s, const vg_value *v) {
  if (!same_repr(v->type, s->type))
    return false;
  if (s->has_bloom) {
    size_t n = v->v.s.n;
    while (n > 0 && v->v.s.p[n - 1] == 0)
      n--;
    if (!((s->lenmask >> (n < 63 ? n : 63)) & 1))
      return false; /* no element has that length */
    unsigned bit = vg_pack_bloom(v->v.s.p, n);
    if (!((s->bloom[bit / 64] >> (bit % 64)) & 1))
      return false; /* certainly not an element */
  }
  return vg_valset_contains(s->vs, v);
}

/* Copies an entry's values to scratch so a transformer can rewrite them. */
static vg_value *own_vals(vigil_vm *vm, slot *s) {
  vg_value *out = scratch_vals(vm, s->n ? s->n : 1);
  if (out && s->n)
    memcpy(out, s->vals, s->n * sizeof *out);
  return out;
}

/* One-argument transformers. Returns false for "no value". */
static bool xf_one(vigil_vm *vm, slot *s, vg_trkind k) {
  if (s->n == 0 && k != VG_TRK_LEN)
    return false;
  if (k == VG_TRK_LEN && s->n == 0) {
    if (!(s->fflags & VIGIL_FIELD_LIST))
      return false;
    /* len() of an empty list is 0 */
    vg_value *o = scratch_vals(vm, 1);
    if (!o)
      return false;
    o->type = VG_FT_UINT64;
    o->v.u = 0;
    s->vals = o;
    s->n = 1;
    s->fflags = 0;
    return true;
  }
  vg_value *vals = own_vals(vm, s);
  if (!vals)
    return false;
  /* A list is transformed as one; the several values of an ancestor or
   * endpoint field each on their own. */
  bool list = (s->fflags & VIGIL_FIELD_LIST) != 0;
  size_t groups = list ? 1 : s->n, out = 0;
  for (size_t g = 0; g < groups; g++) {
    vg_value *v = list ? vals : &vals[g];
    size_t n = list ? s->n : 1;
    bool present = false;
    vm->tb.used = vm->scratch_used;
    vigil_status st = vg_tr_apply(k, v[0].type, list, v, &n, &vm->tb,
                                  &present);
    vm->scratch_used = vm->tb.used;
    if (st == VIGIL_E_LIMIT && vm->err == VIGIL_OK)
      vm->err = VIGIL_E_LIMIT;
    if (st != VIGIL_OK)
      return false;
    if (!present)
      continue; /* e.g. b64 of one invalid value: that value drops out */
    if (list) {
      out = n;
    } else {
      vals[out++] = v[0];
    }
  }
  if (out == 0)
    return false;
  s->vals = vals;
  s->n = (uint32_t)out;
  if (k == VG_TRK_LEN)
    s->fflags = list ? 0 : s->fflags;
  return true;
}

/* Text of one value for TLIST (numbers in decimal). */
static bool as_text(vigil_vm *vm, const vg_value *v, const uint8_t **p,
                    size_t *n) {
  if (is_str(v->type)) {
    *p = v->v.s.p;
    *n = slen(v);
    return true;
  }
  if (is_ip(v->type))
    return false;
  uint8_t *b = scratch_bytes(vm, 24);
  if (!b)
    return false;
  char tmp[24];
  size_t k = 0;
  uint64_t u = v->type == VG_FT_BOOL ? (uint64_t)v->v.b : v->v.u;
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

static bool all_str(const slot *s) {
  for (uint32_t i = 0; i < s->n; i++)
    if (!is_str(s->vals[i].type))
      return false;
  return true;
}

static bool xf_join(vigil_vm *vm, slot *sep, slot *list, slot *res) {
  if (sep->n != 1 || !all_str(sep) || !all_str(list))
    return false;
  vg_value *out = scratch_vals(vm, 1);
  if (!out)
    return false;
  vm->tb.used = vm->scratch_used;
  vigil_status st = vg_tr_join(&sep->vals[0], list->vals, list->n, &vm->tb,
                               out);
  vm->scratch_used = vm->tb.used;
  if (st != VIGIL_OK) {
    if (st == VIGIL_E_LIMIT && vm->err == VIGIL_OK)
      vm->err = st;
    return false;
  }
  res->vals = out;
  res->n = 1;
  res->fflags = 0;
  return true;
}

static bool xf_concat(vigil_vm *vm, slot *args, uint32_t n, slot *res) {
  vg_value *in = scratch_vals(vm, n), *out = scratch_vals(vm, 1);
  if (!in || !out)
    return false;
  for (uint32_t i = 0; i < n; i++) {
    if (args[i].n != 1 || !is_str(args[i].vals[0].type))
      return false;
    in[i] = args[i].vals[0];
  }
  vm->tb.used = vm->scratch_used;
  vigil_status st = vg_tr_concat(in, n, &vm->tb, out);
  vm->scratch_used = vm->tb.used;
  if (st != VIGIL_OK) {
    if (st == VIGIL_E_LIMIT && vm->err == VIGIL_OK)
      vm->err = st;
    return false;
  }
  res->vals = out;
  res->n = 1;
  res->fflags = 0;
  return true;
}

static bool xf_getopt(vigil_vm *vm, slot *argv, slot *opt, int sel,
                      slot *res) {
  if (argv->n == 0 || opt->n != 1 || !all_str(argv) || !all_str(opt))
    return false;
  size_t cap = vg_tr_getopt_max_out(argv->vals, argv->n);
  vg_value *out = scratch_vals(vm, cap ? cap : 1);
  if (!out)
    return false;
  size_t n = 0;
  bool present = false;
  vigil_status st = vg_tr_getopt(argv->vals, argv->n, &opt->vals[0], sel, out,
                                 cap, &n, &present);
  if (st != VIGIL_OK || (sel >= 0 && !present))
    return false;
  res->vals = out;
  res->n = (uint32_t)n;
  res->fflags = sel >= 0 ? 0 : VIGIL_FIELD_LIST;
  return n > 0;
}

/* ---- checks over value entries ---------------------------------------- */

/* Equal bytes; short runs (most constants) without a libc call: two
 * overlapping word loads cover 4..16 bytes. */
static inline uint64_t ld64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}
static inline uint32_t ld32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}
static inline bool bytes_eq(const uint8_t *a, const uint8_t *b, size_t n) {
  if (n >= 8) {
    if (n > 16)
      return memcmp(a, b, n) == 0;
    return ld64(a) == ld64(b) && ld64(a + n - 8) == ld64(b + n - 8);
  }
  if (n >= 4)
    return ld32(a) == ld32(b) && ld32(a + n - 4) == ld32(b + n - 4);
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i])
      return false;
  return true;
}

/*
 * Fast paths for a text value a against a NUL-free text constant k (the
 * usual case), with cmp.h's C-string semantics: a counts up to its first
 * NUL. Since k has no NUL, a match of k's bytes at the start of a cannot
 * straddle a NUL, so only the byte after it needs a look (for '=').
 * Returns false in *handled for the operators it does not cover.
 */
static bool fast_str(vg_pcmp op, const vg_value *a, const vg_value *k,
                     bool *handled) {
  const uint8_t *ap = a->v.s.p, *kp = k->v.s.p;
  size_t an = a->v.s.n, kn = k->v.s.n;
  *handled = true;
  switch (op) {
  case VG_PC_EQ:
  case VG_PC_NE: {
    bool eq = an >= kn && bytes_eq(ap, kp, kn) && (an == kn || ap[kn] == 0);
    return op == VG_PC_EQ ? eq : !eq;
  }
  case VG_PC_STARTSWITH:
    return an >= kn && bytes_eq(ap, kp, kn);
  case VG_PC_ENDSWITH: {
    const void *z = an ? memchr(ap, 0, an) : NULL;
    if (z)
      an = (size_t)((const uint8_t *)z - ap);
    return an >= kn && bytes_eq(ap + an - kn, kp, kn);
  }
  case VG_PC_CONTAINS: {
    if (kn == 0)
      return true;
    if (an < kn)
      return false;
    /* first occurrence (memchr for its first byte: cheaper than memmem's
     * set-up on short values); it counts only if no NUL comes before it */
    const uint8_t *m = NULL, *q = ap, *last = ap + (an - kn);
    while (q <= last) {
      q = memchr(q, kp[0], (size_t)(last - q) + 1);
      if (!q)
        break;
      if (bytes_eq(q + 1, kp + 1, kn - 1)) {
        m = q;
        break;
      }
      q++;
    }
    return m && (m == ap || !memchr(ap, 0, (size_t)(m - ap)));
  }
  default:
    *handled = false;
    return false;
  }
}

/* l op k over the values of l: true when it holds for any value, except
 * '!=' on endpoint fields, where every value must differ (8.7). kidx is
 * k's CONST index (fast paths), or UINT32_MAX. */
static inline __attribute__((always_inline)) bool
check_k(vigil_vm *vm, const slot *l, vg_pcmp op,
                    const vg_value *k, uint32_t kidx) {
  if (l->n == 0)
    return false;
  if (l->n == 1 && kidx != UINT32_MAX && vm->p->kclean[kidx] &&
      is_str(l->vals[0].type)) {
    const vg_value *a = &l->vals[0];
    size_t an = a->v.s.n, kn = k->v.s.n;
    /* '=', '!=' and startswith inline, the rest in fast_str */
    if (op == VG_PC_EQ || op == VG_PC_NE) {
      bool eq = an >= kn && bytes_eq(a->v.s.p, k->v.s.p, kn) &&
                (an == kn || a->v.s.p[kn] == 0);
      return op == VG_PC_EQ ? eq : !eq;
    }
    if (op == VG_PC_STARTSWITH)
      return an >= kn && bytes_eq(a->v.s.p, k->v.s.p, kn);
    bool handled, m = fast_str(op, a, k, &handled);
    if (handled)
      return m;
  }
  if (l->n == 1 && l->vals[0].type == k->type && op <= VG_PC_GE) {
    /* same-typed booleans and 64-bit numbers need no narrowing */
    const vg_value *a = &l->vals[0];
    int c = 2;
    switch (k->type) {
    case VG_FT_BOOL:
      if (op == VG_PC_EQ || op == VG_PC_NE)
        c = a->v.b != k->v.b;
      break;
    case VG_FT_INT64:
      c = (a->v.i > k->v.i) - (a->v.i < k->v.i);
      break;
    case VG_FT_UINT64:
    case VG_FT_RELTIME:
    case VG_FT_ABSTIME:
      c = (a->v.u > k->v.u) - (a->v.u < k->v.u);
      break;
    default:
      break;
    }
    switch (c == 2 ? VG_PC__COUNT : op) {
    case VG_PC_EQ: return c == 0;
    case VG_PC_NE: return c != 0;
    case VG_PC_LT: return c < 0;
    case VG_PC_LE: return c <= 0;
    case VG_PC_GT: return c > 0;
    case VG_PC_GE: return c >= 0;
    default: break;
    }
  }
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
  bool all = op == VG_PC_NE && (l->fflags & VIGIL_FIELD_ENDPOINT);
  /* '= anyof' is 'in' and '!= allof' is 'not in': set lookups, with their
   * string semantics (trailing NULs stripped, cmp.h), not per-element '=' */
  bool in_like = s->kind == VG_SET_CONST && s->vs &&
                 ((mod == VG_I_ANYOF_S && op == VG_PC_EQ) ||
                  (mod == VG_I_ALLOF_S && op == VG_PC_NE));
  for (uint32_t i = 0; i < l->n; i++) {
    if (in_like) {
      bool r = set_has(vm, s, &l->vals[i]) == (op == VG_PC_EQ);
      if (r && !all)
        return true;
      if (!r && all)
        return false;
      continue;
    }
    uint32_t cnt = 0;
    for (uint32_t j = 0; j < s->n && !(mod == VG_I_ANYOF_S && cnt); j++)
      cnt += s->kind == VG_SET_PATTERN
                 ? regex_one(vm, &p->pats[s->ids[j]], &l->vals[i])
                 : cmp_one(vm, op, &l->vals[i], &p->consts[s->ids[j]]);
    bool r = mod == VG_I_ANYOF_S   ? cnt > 0
             : mod == VG_I_ALLOF_S ? cnt == s->n
                                   : cnt == 1;
    if (r && !all)
      return true;
    if (!r && all)
      return false;
  }
  return all;
}

/* Element equality of 'in'/'intersects' against another field's values:
 * a set lookup, so strings compare without trailing NULs (cmp.h). */
static bool set_eq(vigil_vm *vm, const vg_value *a, const vg_value *b) {
  if (is_str(a->type) && is_str(b->type) && a->type != VG_FT_BYTEBUF &&
      b->type != VG_FT_BYTEBUF) {
    size_t an = a->v.s.n, bn = b->v.s.n;
    while (an > 0 && a->v.s.p[an - 1] == 0)
      an--;
    while (bn > 0 && b->v.s.p[bn - 1] == 0)
      bn--;
    return an == bn && (an == 0 || memcmp(a->v.s.p, b->v.s.p, an) == 0);
  }
  return cmp_one(vm, VG_PC_EQ, a, b);
}

static bool check_f(vigil_vm *vm, const slot *l, const slot *r, vg_pcmp op) {
  if (l->n == 0 || r->n == 0)
    return false;
  if (op == VG_PC_IN || op == VG_PC_INTERSECTS) {
    bool every = op == VG_PC_IN && (l->fflags & VIGIL_FIELD_LIST);
    for (uint32_t i = 0; i < l->n; i++) {
      bool m = false;
      for (uint32_t j = 0; j < r->n && !m; j++)
        m = set_eq(vm, &l->vals[i], &r->vals[j]);
      if (m && !every)
        return true;
      if (!m && every)
        return false;
    }
    return every;
  }
  return check_k(vm, l, op, &r->vals[0], UINT32_MAX);
}

/* ---- the loop ----------------------------------------------------------- */

/* The host's values of field f for this event, into its cache entry. */
static __attribute__((noinline)) void field_fetch(vigil_vm *vm, uint32_t f,
                                                  fcache *c) {
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

static inline void field_values(vigil_vm *vm, uint32_t f, slot *s) {
  fcache *c = &vm->fc[f];
  if (c->epoch != vm->epoch)
    field_fetch(vm, f, c);
  s->vals = c->vals;
  s->n = (uint32_t)c->n;
  s->fflags = vm->p->fields[f].flags;
}

/*
 * Dispatch: with GCC or clang, each handler jumps straight to the next one
 * through a label table ("threaded code"; bench/bench_vm.c measured about
 * a fifth less time per event than the switch, whose single indirect jump
 * the branch predictor cannot follow). Otherwise a plain switch. The table
 * is generated from opcodes.def like everything else, and the verifier
 * has rejected unknown opcodes, so every index is in range.
 */
#if defined(__GNUC__) && !defined(VG_NO_THREADED)
#define VG_THREADED 1
#define CASE(name) L_##name: case VG_I_##name:
#define CASEX(name) L_##name: case name:
#define NEXT                                                                   \
  do {                                                                         \
    w = code[pc++];                                                            \
    arg = VG_INS_ARG(w);                                                       \
    goto *disp[VG_INS_OP(w)];                                                  \
  } while (0)
/* Label addresses and computed goto are GNU C. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#else
#define CASE(name) case VG_I_##name:
#define CASEX(name) case name:
#define NEXT break
#endif
/* A boolean result is nearly always followed by an optional MEMO_PUT and
 * a JF_KEEP/JT_KEEP (and/or): handlers that produce one do those
 * themselves, sparing dispatches. Verified code never ends a rule on a
 * B-producing instruction (RET comes last), so code[pc] is in the rule. */
#define FUSE_JUMP()                                                            \
  do {                                                                         \
    uint32_t nw_ = code[pc], nop_ = VG_INS_OP(nw_);                            \
    if (nop_ == VG_I_MEMO_PUT) {                                               \
      uint32_t sl_ = VG_INS_ARG(nw_) & (VG_MEMO_MAX_SLOTS - 1);                \
      vm->memo[sl_] = 2 * vm->epoch + sp[-1].b;                                \
      nw_ = code[++pc];                                                        \
      nop_ = VG_INS_OP(nw_);                                                   \
    }                                                                          \
    if (nop_ == VG_I_JF_KEEP) {                                                \
      pc++;                                                                    \
      if (!sp[-1].b)                                                           \
        pc += VG_INS_ARG(nw_);                                                 \
      else                                                                     \
        sp--;                                                                  \
    } else if (nop_ == VG_I_JT_KEEP) {                                         \
      pc++;                                                                    \
      if (sp[-1].b)                                                            \
        pc += VG_INS_ARG(nw_);                                                 \
      else                                                                     \
        sp--;                                                                  \
    }                                                                          \
  } while (0)

static bool run(vigil_vm *vm, uint32_t pc) {
  const vigil_program *p = vm->p;
  const uint32_t *code = p->xcode;
  slot *sp = vm->stack; /* next free entry */
  vm->scratch_used = 0;
  vm->vscratch_used = 0;
  uint32_t w, arg;
#ifdef VG_THREADED
  static const void *const disp[VG_X__END] = {
#define VG_OP(name, a, pop, push) &&L_##name,
#include "vm/opcodes.def"
#undef VG_OP
      &&L_VG_X_FIELD_EQ,  &&L_VG_X_FIELD_NE,  &&L_VG_X_FIELD_SW,
      &&L_VG_X_FIELD_K,   &&L_VG_X_FIELD_IN,  &&L_VG_X_FIELD_SEQ,
      &&L_VG_X_FIELD_SNE, &&L_VG_X_FIELD_SSW, &&L_VG_X_FIELD_BEQ,
      &&L_VG_X_FIELD_ANYSW, &&L_VG_X_FIELD_ANYEW,
  };
  NEXT;
#endif
  for (;;) {
    w = code[pc++];
    arg = VG_INS_ARG(w);
    switch (VG_INS_OP(w)) {
    CASE(NOP)
      NEXT;
    CASE(RET)
      return sp[-1].b;
    CASE(TRUE)
      (sp++)->b = true;
      NEXT;
    CASE(FALSE)
      (sp++)->b = false;
      NEXT;
    CASE(NOT)
      sp[-1].b = !sp[-1].b;
      NEXT;
    CASE(JF_KEEP)
      if (!sp[-1].b)
        pc += arg;
      else
        sp--;
      NEXT;
    CASE(JT_KEEP)
      if (sp[-1].b)
        pc += arg;
      else
        sp--;
      NEXT;
    CASE(FIELD) {
      field_values(vm, arg, sp++);
      /* A field is nearly always checked right away: do the usual checks
       * here (EQ_K .. ENDSWITH_K are VG_PC_EQ .. VG_PC_ENDSWITH in order). */
      uint32_t nw = code[pc], nop = VG_INS_OP(nw), na = VG_INS_ARG(nw);
      if (nop >= VG_I_EQ_K && nop <= VG_I_ENDSWITH_K) {
        pc++;
        sp[-1].b = check_k(vm, &sp[-1], (vg_pcmp)(nop - VG_I_EQ_K),
                           &p->consts[na], na);
        FUSE_JUMP();
      } else if (nop == VG_I_IN_S) {
        pc++;
        sp[-1].b = check_in(vm, &sp[-1], &p->sets[na],
                            (sp[-1].fflags & VIGIL_FIELD_LIST) != 0);
        FUSE_JUMP();
      }
      NEXT;
    }
    CASE(KVAL)
      sp->vals = &p->consts[arg];
      sp->n = 1;
      sp->fflags = 0;
      sp++;
      NEXT;
    CASE(EXISTS)
      sp[-1].b = sp[-1].n > 0;
      FUSE_JUMP();
      NEXT;
#define CMPK(OP, C)                                                          \
  CASE(OP)                                                                   \
    sp[-1].b = check_k(vm, &sp[-1], C, &p->consts[arg], arg);                \
    FUSE_JUMP();                                                               \
    NEXT;
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
    CASE(GLOB_P)
    CASE(IGLOB_P) {
      const slot *l = &sp[-1];
      bool m = false;
      const vg_pstr *src = &p->strs[p->pats[arg].src];
      vg_value pv = {.type = VG_FT_CHARBUF};
      pv.v.s.p = (const uint8_t *)src->p;
      pv.v.s.n = src->n;
      vg_pcmp op = VG_INS_OP(w) == VG_I_IGLOB_P ? VG_PC_IGLOB : VG_PC_GLOB;
      uint32_t lit = op == VG_PC_GLOB ? p->pats[arg].lit : 0;
      for (uint32_t i = 0; i < l->n && !m; i++) {
        const vg_value *v = &l->vals[i];
        /* a match starts with the pattern's literal prefix (loader.c) */
        m = is_str(v->type) &&
            (lit == 0 ||
             (v->v.s.n >= lit && bytes_eq(v->v.s.p, pv.v.s.p, lit))) &&
            cmp_one(vm, op, v, &pv);
      }
      sp[-1].b = m;
      NEXT;
    }
    CASE(REGEX_P) {
      const slot *l = &sp[-1];
      bool m = false;
      for (uint32_t i = 0; i < l->n && !m; i++)
        m = regex_one(vm, &p->pats[arg], &l->vals[i]);
      sp[-1].b = m;
      NEXT;
    }
    CASE(IN_S)
      sp[-1].b = check_in(vm, &sp[-1], &p->sets[arg],
                          (sp[-1].fflags & VIGIL_FIELD_LIST) != 0);
      FUSE_JUMP();
      NEXT;
    CASE(INTERSECTS_S)
      sp[-1].b = check_in(vm, &sp[-1], &p->sets[arg], false);
      NEXT;
    CASE(PMATCH_S) {
      const slot *l = &sp[-1];
      const vg_pset *set = &p->sets[arg];
      bool m = false;
      for (uint32_t i = 0; i < l->n && !m; i++)
        m = is_str(l->vals[i].type) &&
            vg_pmatch_match(set->pm, l->vals[i].v.s.p, l->vals[i].v.s.n,
                            &vm->scr);
      note_scr(vm);
      sp[-1].b = m;
      NEXT;
    }
    CASE(ANYOF_S)
    CASE(ALLOF_S)
    CASE(ONEOF_S)
      sp[-1].b = check_mod(vm, &sp[-1], (vg_opcode)VG_INS_OP(w), arg);
      NEXT;
    CASE(CMP_F)
      sp--;
      sp[-1].b = check_f(vm, &sp[-1], &sp[0], (vg_pcmp)arg);
      NEXT;
    CASE(TOLOWER)
    CASE(TOUPPER)
    CASE(B64)
    CASE(BASENAME)
    CASE(LEN) {
      static const vg_trkind kinds[] = {
          [VG_I_TOLOWER] = VG_TRK_TOLOWER, [VG_I_TOUPPER] = VG_TRK_TOUPPER,
          [VG_I_B64] = VG_TRK_B64,         [VG_I_BASENAME] = VG_TRK_BASENAME,
          [VG_I_LEN] = VG_TRK_LEN};
      if (!xf_one(vm, &sp[-1], kinds[VG_INS_OP(w)]))
        sp[-1].n = 0;
      NEXT;
    }
    CASE(JOIN) {
      slot res = {0};
      bool ok = xf_join(vm, &sp[-2], &sp[-1], &res);
      sp--;
      sp[-1] = res;
      if (!ok)
        sp[-1].n = 0;
      NEXT;
    }
    CASE(CONCAT)
    CASE(TLIST) {
      slot res = {0};
      bool ok = VG_INS_OP(w) == VG_I_CONCAT
                    ? xf_concat(vm, sp - arg, arg, &res)
                    : xf_tlist(vm, sp - arg, arg, &res);
      sp -= arg;
      *sp = res;
      if (!ok)
        sp->n = 0;
      sp++;
      NEXT;
    }
    CASE(GETOPT)
    CASE(GETOPT_SEL) {
      slot res = {0};
      bool ok = xf_getopt(vm, &sp[-2], &sp[-1],
                          VG_INS_OP(w) == VG_I_GETOPT ? -1 : (int)arg, &res);
      sp--;
      sp[-1] = res;
      if (!ok)
        sp[-1].n = 0;
      NEXT;
    }
    CASE(MEMO_GET) {
      uint32_t slotn = arg & (VG_MEMO_MAX_SLOTS - 1);
      if ((vm->memo[slotn] >> 1) == vm->epoch) {
        (sp++)->b = vm->memo[slotn] & 1;
        pc += arg >> VG_MEMO_SLOT_BITS;
        FUSE_JUMP();
      }
      NEXT;
    }
    CASE(MEMO_PUT) {
      uint32_t slotn = arg & (VG_MEMO_MAX_SLOTS - 1);
      vm->memo[slotn] = 2 * vm->epoch + sp[-1].b;
      FUSE_JUMP(); /* (a second MEMO_PUT: nested compounds) */
      NEXT;
    }
    /* FIELD and the check after it, fused at load (pack.h) */
#define FIELDK(X, C)                                                           \
  CASEX(X) {                                                                   \
    field_values(vm, arg, sp++);                                               \
    uint32_t na = VG_INS_ARG(code[pc]);                                        \
    pc++;                                                                      \
    sp[-1].b = check_k(vm, &sp[-1], C, &p->consts[na], na);                    \
    FUSE_JUMP();                                                               \
    NEXT;                                                                      \
  }
    FIELDK(VG_X_FIELD_EQ, VG_PC_EQ)
    FIELDK(VG_X_FIELD_NE, VG_PC_NE)
    FIELDK(VG_X_FIELD_SW, VG_PC_STARTSWITH)
    FIELDK(VG_X_FIELD_K, (vg_pcmp)(VG_INS_OP(code[pc - 1]) - VG_I_EQ_K))
#undef FIELDK
    /* the same with constants known at load to be NUL-free text (so
     * check_k's fast path applies to one text value) or a boolean */
#define FIELDS(X, C, TEST)                                                     \
  CASEX(X) {                                                                   \
    field_values(vm, arg, sp++);                                               \
    uint32_t na = VG_INS_ARG(code[pc]);                                        \
    pc++;                                                                      \
    const vg_value *k = &p->consts[na], *a = sp[-1].vals;                      \
    if (sp[-1].n == 1 && is_str(a->type)) {                                    \
      const uint8_t *ap = a->v.s.p, *kp = k->v.s.p;                            \
      size_t an = a->v.s.n, kn = k->v.s.n;                                     \
      sp[-1].b = TEST;                                                         \
    } else {                                                                   \
      sp[-1].b = check_k(vm, &sp[-1], C, k, na);                               \
    }                                                                          \
    FUSE_JUMP();                                                               \
    NEXT;                                                                      \
  }
    FIELDS(VG_X_FIELD_SEQ, VG_PC_EQ,
           an >= kn && bytes_eq(ap, kp, kn) && (an == kn || ap[kn] == 0))
    FIELDS(VG_X_FIELD_SNE, VG_PC_NE,
           !(an >= kn && bytes_eq(ap, kp, kn) && (an == kn || ap[kn] == 0)))
    FIELDS(VG_X_FIELD_SSW, VG_PC_STARTSWITH,
           an >= kn && bytes_eq(ap, kp, kn))
#undef FIELDS
    CASEX(VG_X_FIELD_BEQ) {
      field_values(vm, arg, sp++);
      uint32_t na = VG_INS_ARG(code[pc]);
      pc++;
      const vg_value *k = &p->consts[na], *a = sp[-1].vals;
      if (sp[-1].n == 1 && a->type == VG_FT_BOOL)
        sp[-1].b = a->v.b == k->v.b;
      else
        sp[-1].b = check_k(vm, &sp[-1], VG_PC_EQ, k, na);
      FUSE_JUMP();
      NEXT;
    }
    CASEX(VG_X_FIELD_IN) {
      field_values(vm, arg, sp++);
      uint32_t na = VG_INS_ARG(code[pc]);
      pc++;
      sp[-1].b = check_in(vm, &sp[-1], &p->sets[na],
                          (sp[-1].fflags & VIGIL_FIELD_LIST) != 0);
      FUSE_JUMP();
      NEXT;
    }
    /* FIELD; ANYOF_S startswith/endswith over NUL-free text constants:
     * one text value is tested inline against each, as in check_k */
    CASEX(VG_X_FIELD_ANYSW)
    CASEX(VG_X_FIELD_ANYEW) {
      bool ew = VG_INS_OP(w) == VG_X_FIELD_ANYEW;
      field_values(vm, arg, sp++);
      uint32_t na = VG_INS_ARG(code[pc]);
      pc++;
      const vg_pset *s = &p->sets[na >> 5];
      const vg_value *a = sp[-1].vals;
      if (sp[-1].n == 1 && is_str(a->type)) {
        const uint8_t *ap = a->v.s.p;
        size_t an = a->v.s.n;
        if (ew) {
          const void *z = an ? memchr(ap, 0, an) : NULL;
          if (z)
            an = (size_t)((const uint8_t *)z - ap);
        }
        bool m = false;
        for (uint32_t j = 0; j < s->n && !m; j++) {
          const vg_value *k = &p->consts[s->ids[j]];
          size_t kn = k->v.s.n;
          m = an >= kn && bytes_eq(ew ? ap + an - kn : ap, k->v.s.p, kn);
        }
        sp[-1].b = m;
      } else {
        sp[-1].b = check_mod(vm, &sp[-1], VG_I_ANYOF_S, na);
      }
      FUSE_JUMP();
      NEXT;
    }
    default:
      return false; /* unreachable: the verifier rejects unknown opcodes */
    }
  }
}

#ifdef VG_THREADED
#pragma GCC diagnostic pop
#endif
#undef CASE
#undef CASEX
#undef NEXT
#undef FUSE_JUMP

static void next_epoch(vigil_vm *vm, const vigil_event *ev) {
  vm->ev = ev;
  vm->err = VIGIL_OK;
  if (++vm->epoch >= 0x7fffffffu) {
    /* about to wrap (MEMO entries hold 2 * epoch + value): forget
     * everything so stale entries cannot match */
    memset(vm->fc, 0, (vm->p->nfields + 1) * sizeof *vm->fc);
    memset(vm->memo, 0, (vm->p->nmemo + 1) * sizeof *vm->memo);
    vm->epoch = 1;
  }
}

/* Where rule ru's evaluation starts, from its guards (pack.h): ENTRY_FALSE
 * when one is known false for this event, ENTRY_TRUE when all are known
 * true and the last is the rule's last conjunct, else the pc after the
 * leading guards already known true. */
#define ENTRY_FALSE UINT32_MAX
#define ENTRY_TRUE (UINT32_MAX - 1)
static inline uint32_t rule_entry(const vg_prule *ru, const uint32_t *memo,
                                  uint32_t efalse) {
  uint32_t pc = ru->start;
  bool lead = true; /* guards 0..g-1 all known true */
  for (unsigned g = 0; g < ru->nguards; g++) {
    uint32_t v = memo[ru->guards[g]];
    if (v == efalse)
      return ENTRY_FALSE;
    lead = lead && v == efalse + 1;
    if (lead)
      pc = ru->gafter[g];
  }
  if (lead && ru->nguards && pc == ru->start + ru->len - 1)
    return ENTRY_TRUE; /* (only a last-conjunct guard leads to the RET) */
  return pc;
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
  const uint32_t *memo = vm->memo, efalse = 2 * vm->epoch;
  for (size_t i = 0; i < n; i++) {
    uint32_t pc = rule_entry(&p->rules[list[i]], memo, efalse);
    if (pc == ENTRY_FALSE)
      continue; /* a leading conjunct is already known false */
    vm->err = VIGIL_OK;
    bool m = pc == ENTRY_TRUE || run(vm, pc);
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

vigil_status vigil_vm_eval_rules(vigil_vm *vm, const vigil_event *ev,
                                 const uint32_t *rules, size_t n,
                                 bool first_match) {
  vm->nmatches = 0;
  if (!ev || !ev->ops || !ev->ops->extract)
    return VIGIL_E_INVAL;
  next_epoch(vm, ev);
  vigil_status first = VIGIL_OK;
  for (size_t i = 0; i < n; i++) {
    if (rules[i] >= vm->p->nrules) {
      if (first == VIGIL_OK)
        first = VIGIL_E_INVAL;
      continue;
    }
    uint32_t pc = rule_entry(&vm->p->rules[rules[i]], vm->memo,
                             2 * vm->epoch);
    if (pc == ENTRY_FALSE)
      continue; /* a leading conjunct is already known false */
    vm->err = VIGIL_OK;
    bool m = pc == ENTRY_TRUE || run(vm, pc);
    if (vm->err != VIGIL_OK) {
      if (first == VIGIL_OK)
        first = vm->err;
      continue;
    }
    if (m && vm->nmatches < vm->p->nrules) {
      vm->matches[vm->nmatches++] = rules[i];
      if (first_match)
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
  bool m = run(vm, vm->p->rules[rule].start);
  *matched = vm->err == VIGIL_OK && m;
  return vm->err;
}
