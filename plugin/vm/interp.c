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
  uint32_t *memo_epoch;
  uint8_t *memo_val;
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
  bool scr_ok = vg_cmp_scratch_init(&vm->scr) == VIGIL_OK;
  if (vm->scratch)
    vg_trbuf_init(&vm->tb, vm->scratch, vm->scratch_cap);
  if (!vm->stack || !vm->fc || !vm->memo_epoch || !vm->memo_val ||
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
  free(vm->memo_epoch);
  free(vm->memo_val);
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

static bool is_str(vg_ftype t) {
  return t == VG_FT_CHARBUF || t == VG_FT_FSPATH || t == VG_FT_FSRELPATH ||
         t == VG_FT_BYTEBUF;
}
static bool is_ip(vg_ftype t) {
  return t == VG_FT_IPV4ADDR || t == VG_FT_IPV6ADDR || t == VG_FT_IPADDR ||
         t == VG_FT_IPV4NET || t == VG_FT_IPV6NET || t == VG_FT_IPNET;
}
static bool is_signed(vg_ftype t) {
  return t == VG_FT_INT8 || t == VG_FT_INT16 || t == VG_FT_INT32 ||
         t == VG_FT_INT64 || t == VG_FT_ERRNO || t == VG_FT_FD ||
         t == VG_FT_PID;
}

/* cmp.h reads the union member the type t names, so a value must be of
 * the same representation (string, address or number) as t before it is
 * compared: the pack is verified, but value types come from the host. */
static bool same_repr(vg_ftype a, vg_ftype t) {
  return is_str(a) == is_str(t) && is_ip(a) == is_ip(t);
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

/* l op k over the values of l: true when it holds for any value, except
 * '!=' on endpoint fields, where every value must differ (8.7). */
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
  bool all = op == VG_PC_NE && (l->fflags & VIGIL_FIELD_ENDPOINT);
  for (uint32_t i = 0; i < l->n; i++) {
    uint32_t cnt = 0;
    for (uint32_t j = 0; j < s->n; j++)
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

static bool check_f(vigil_vm *vm, const slot *l, const slot *r, vg_pcmp op) {
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
      const vg_pstr *src = &p->strs[p->pats[arg].src];
      vg_value pv = {.type = VG_FT_CHARBUF};
      pv.v.s.p = (const uint8_t *)src->p;
      pv.v.s.n = src->n;
      vg_pcmp op = VG_INS_OP(w) == VG_I_IGLOB_P ? VG_PC_IGLOB : VG_PC_GLOB;
      for (uint32_t i = 0; i < l->n && !m; i++)
        m = is_str(l->vals[i].type) && cmp_one(vm, op, &l->vals[i], &pv);
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
      const vg_pset *set = &p->sets[arg];
      bool m = false;
      for (uint32_t i = 0; i < l->n && !m; i++)
        m = is_str(l->vals[i].type) &&
            vg_pmatch_match(set->pm, l->vals[i].v.s.p, l->vals[i].v.s.n,
                            &vm->scr);
      note_scr(vm);
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
    case VG_I_B64:
    case VG_I_BASENAME:
    case VG_I_LEN: {
      static const vg_trkind kinds[] = {
          [VG_I_TOLOWER] = VG_TRK_TOLOWER, [VG_I_TOUPPER] = VG_TRK_TOUPPER,
          [VG_I_B64] = VG_TRK_B64,         [VG_I_BASENAME] = VG_TRK_BASENAME,
          [VG_I_LEN] = VG_TRK_LEN};
      if (!xf_one(vm, &sp[-1], kinds[VG_INS_OP(w)]))
        sp[-1].n = 0;
      break;
    }
    case VG_I_JOIN: {
      slot res = {0};
      bool ok = xf_join(vm, &sp[-2], &sp[-1], &res);
      sp--;
      sp[-1] = res;
      if (!ok)
        sp[-1].n = 0;
      break;
    }
    case VG_I_CONCAT:
    case VG_I_TLIST: {
      slot res = {0};
      bool ok = VG_INS_OP(w) == VG_I_CONCAT
                    ? xf_concat(vm, sp - arg, arg, &res)
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
      bool ok = xf_getopt(vm, &sp[-2], &sp[-1],
                          VG_INS_OP(w) == VG_I_GETOPT ? -1 : (int)arg, &res);
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
