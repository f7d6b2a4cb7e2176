/*
 * evttypes.c - event-type inference for syscall-source conditions
 * (rules-language.md 11): the set of event codes for which a condition can
 * be true. It follows libsinsp's event-code search state for state, quirks
 * included (negation pushed to the leaves, neutral checks never
 * complemented, evt.num invariants), and its two errors.
 */
#include <stdlib.h>
#include <string.h>

#include "sema/sema.h"
#include "vm/value.h"

static void set_all(vg_evtset *s) {
  size_t n = vg_nevents < VG_EVT_MAX ? vg_nevents : VG_EVT_MAX;
  memset(s, 0, sizeof *s);
  /* whole words, then the last partial one (startup cost) */
  for (size_t w = 0; w < n / 64; w++)
    s->bits[w] = ~(uint64_t)0;
  if (n % 64)
    s->bits[n / 64] = ((uint64_t)1 << (n % 64)) - 1;
}

/* Whether the event name nm is exactly v. */
static bool name_is(const char *nm, vg_str v) {
  size_t k = 0;
  while (k < v.len && nm[k] && nm[k] == v.ptr[k])
    k++;
  return k == v.len && nm[k] == 0;
}

static void set_add(vg_evtset *s, size_t code) {
  if (code < VG_EVT_MAX)
    s->bits[code / 64] |= (uint64_t)1 << (code % 64);
}

size_t vg_evtset_count(const vg_evtset *s) {
  size_t n = 0;
  for (size_t i = 0; i < VG_EVT_MAX / 64; i++)
    n += (size_t)__builtin_popcountll(s->bits[i]);
  return n;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t vg_evtset_names(const vg_evtset *s, vg_arena *a, const char ***names) {
  const char *tmp[VG_EVT_MAX];
  size_t n = 0;
  for (size_t i = 0; i < vg_nevents && i < VG_EVT_MAX; i++) {
    if (!(s->bits[i / 64] >> (i % 64) & 1))
      continue;
    bool dup = false;
    for (size_t j = 0; j < n; j++)
      if (!strcmp(tmp[j], vg_events[i].name))
        dup = true;
    if (!dup)
      tmp[n++] = vg_events[i].name;
  }
  qsort(tmp, n, sizeof tmp[0], cmp_str);
  if (names) {
    const char **out = vg_arena_alloc(a, (n ? n : 1) * sizeof *out);
    if (!out) {
      *names = NULL;
      return 0;
    }
    memcpy(out, tmp, n * sizeof *out);
    *names = out;
  }
  return n;
}

/* libsinsp::events::names_to_event_set */
static void names_to_codes(const vg_str *vals, size_t nvals, vg_evtset *out) {
  memset(out, 0, sizeof *out);
  bool remaining = false;
  for (size_t k = 0; k < nvals; k++) {
    bool found = false;
    for (size_t i = 2; i < vg_nevents; i++) {
      const char *nm = vg_events[i].name;
      if (name_is(nm, vals[k])) {
        set_add(out, i);
        found = true;
      }
    }
    if (!found)
      remaining = true;
  }
  if (!remaining)
    return;
  /* a system call without a dedicated event: the generic events */
  for (size_t k = 0; k < nvals; k++) {
    bool found = false;
    for (size_t i = 2; i < vg_nevents; i++) {
      const char *nm = vg_events[i].name;
      if (name_is(nm, vals[k]))
        found = true;
    }
    if (found)
      continue;
    for (size_t j = 0; j < vg_nsyscalls; j++) {
      const char *nm = vg_syscall_names[j];
      if (strlen(nm) == vals[k].len && !memcmp(nm, vals[k].ptr, vals[k].len)) {
        int ge = vg_event_code("PPME_GENERIC_E");
        int gx = vg_event_code("PPME_GENERIC_X");
        set_add(out, ge >= 0 ? (size_t)ge : 0);
        set_add(out, gx >= 0 ? (size_t)gx : 1);
        return;
      }
    }
  }
}

typedef struct ev_state {
  bool last_is_evttype_field;
  bool last_is_field_or_transformer;
  bool inside_negation;
  bool last_has_codes;
  vg_evtset codes;
  const char *err;
} ev_state;

static void inversion(ev_state *v, vg_evtset *s) {
  if (!v->last_has_codes)
    return;
  vg_evtset all;
  set_all(&all);
  for (size_t i = 0; i < VG_EVT_MAX / 64; i++)
    s->bits[i] = all.bits[i] & ~s->bits[i];
}

static void try_inversion(ev_state *v, vg_evtset *s) {
  if (v->inside_negation)
    inversion(v, s);
}

typedef enum { INV_EMPTY, INV_ALL, INV_NONE } invariant;

static bool scan_u64(vg_str s, uint64_t *out) {
  return vg_value_scan_num(s.ptr, s.len, false, 64, out);
}

static invariant field_invariant(const vg_node *e) {
  const vg_node *f = e->kids[0];
  if (f->kind != VG_N_FIELD || f->has_arg || f->str.len != 7 ||
      memcmp(f->str.ptr, "evt.num", 7))
    return INV_NONE;
  const vg_node *r = e->kids[1];
  if (e->mod != VG_MOD_NONE)
    return INV_NONE;
  uint64_t n;
  if (e->op == VG_OP_IN) {
    if (r->kind != VG_N_LIST)
      return INV_NONE;
    for (uint32_t i = 0; i < r->nkids; i++)
      if (!scan_u64(r->kids[i]->str, &n) || n != 0)
        return INV_NONE;
    return INV_EMPTY;
  }
  if (r->kind != VG_N_VALUE || !scan_u64(r->str, &n))
    return INV_NONE;
  switch (e->op) {
  case VG_OP_EQ:
  case VG_OP_EQEQ:
    return n == 0 ? INV_EMPTY : INV_NONE;
  case VG_OP_NE:
    return n == 0 ? INV_ALL : INV_NONE;
  case VG_OP_LT:
    return n <= 1 ? INV_EMPTY : INV_NONE;
  case VG_OP_LE:
    return n == 0 ? INV_EMPTY : INV_NONE;
  case VG_OP_GT:
    return n == 0 ? INV_ALL : INV_NONE;
  case VG_OP_GE:
    return n <= 1 ? INV_ALL : INV_NONE;
  default:
    return INV_NONE;
  }
}

static bool is_evttype_op(const vg_node *e) {
  /* Falco compares the operator text, modifiers included */
  return e->mod == VG_MOD_NONE &&
         (e->op == VG_OP_EQ || e->op == VG_OP_EQEQ || e->op == VG_OP_NE ||
          e->op == VG_OP_IN);
}

static void visit(ev_state *v, const vg_node *n);

static void visit_children_set(ev_state *v, const vg_node *n, bool conj) {
  vg_evtset acc;
  if (conj)
    set_all(&acc);
  else
    memset(&acc, 0, sizeof acc);
  for (uint32_t i = 0; i < n->nkids && !v->err; i++) {
    visit(v, n->kids[i]);
    for (size_t k = 0; k < VG_EVT_MAX / 64; k++)
      acc.bits[k] = conj ? acc.bits[k] & v->codes.bits[k]
                         : acc.bits[k] | v->codes.bits[k];
  }
  v->codes = acc;
  v->last_is_evttype_field = false;
}

static void visit(ev_state *v, const vg_node *n) {
  if (v->err || !n)
    return;
  switch (n->kind) {
  case VG_N_AND:
    visit_children_set(v, n, !v->inside_negation);
    return;
  case VG_N_OR:
    visit_children_set(v, n, v->inside_negation);
    return;
  case VG_N_NOT: {
    memset(&v->codes, 0, sizeof v->codes);
    bool saved = v->inside_negation;
    v->inside_negation = !saved;
    visit(v, n->kids[0]);
    v->inside_negation = saved;
    v->last_is_evttype_field = false;
    return;
  }
  case VG_N_BINARY: {
    v->last_has_codes = false;
    switch (field_invariant(n)) {
    case INV_EMPTY:
      memset(&v->codes, 0, sizeof v->codes);
      v->last_has_codes = true;
      v->last_is_evttype_field = false;
      try_inversion(v, &v->codes);
      return;
    case INV_ALL:
      set_all(&v->codes);
      v->last_has_codes = true;
      v->last_is_evttype_field = false;
      try_inversion(v, &v->codes);
      return;
    case INV_NONE:
      break;
    }
    if (is_evttype_op(n)) {
      visit(v, n->kids[0]);
      if (v->err)
        return;
      if (v->last_is_evttype_field) {
        v->last_is_field_or_transformer = false;
        visit(v, n->kids[1]);
        if (v->err)
          return;
        if (v->last_is_field_or_transformer) {
          v->err = "right-hand field comparisons on `evt.type`/"
                   "`syscall.type` checks are not supported by event code "
                   "search";
          return;
        }
        if (n->op == VG_OP_NE)
          inversion(v, &v->codes);
        v->last_is_evttype_field = false;
        return;
      }
    }
    set_all(&v->codes);
    v->last_is_evttype_field = false;
    try_inversion(v, &v->codes);
    return;
  }
  case VG_N_UNARY:
    visit(v, n->kids[0]);
    if (v->err)
      return;
    v->last_has_codes = v->last_is_evttype_field && n->op == VG_OP_EXISTS;
    set_all(&v->codes);
    v->last_is_evttype_field = false;
    try_inversion(v, &v->codes);
    return;
  case VG_N_IDENT:
    /* an identifier on the right of 'in' is a value to libsinsp */
    v->last_has_codes = false;
    set_all(&v->codes);
    v->last_is_evttype_field = false;
    try_inversion(v, &v->codes);
    return;
  case VG_N_VALUE:
    v->last_has_codes = true;
    names_to_codes(&n->str, 1, &v->codes);
    v->last_is_evttype_field = false;
    try_inversion(v, &v->codes);
    return;
  case VG_N_LIST: {
    vg_str vals[256];
    size_t nv = 0;
    v->last_has_codes = true;
    /* names_to_codes takes a set; process in chunks when large */
    vg_evtset acc;
    memset(&acc, 0, sizeof acc);
    bool any_remaining_generic = false;
    (void)any_remaining_generic;
    if (n->nkids <= 256) {
      for (uint32_t i = 0; i < n->nkids; i++)
        vals[nv++] = n->kids[i]->str;
      names_to_codes(vals, nv, &acc);
    } else {
      for (uint32_t i = 0; i < n->nkids; i++) {
        vg_evtset one;
        names_to_codes(&n->kids[i]->str, 1, &one);
        for (size_t k = 0; k < VG_EVT_MAX / 64; k++)
          acc.bits[k] |= one.bits[k];
      }
    }
    v->codes = acc;
    v->last_is_evttype_field = false;
    try_inversion(v, &v->codes);
    return;
  }
  case VG_N_TLIST:
    for (uint32_t i = 0; i < n->nkids && !v->err; i++)
      visit(v, n->kids[i]);
    return;
  case VG_N_FIELD:
    v->last_has_codes = false;
    v->last_is_field_or_transformer = true;
    v->last_is_evttype_field =
        !n->has_arg && ((n->str.len == 8 && !memcmp(n->str.ptr, "evt.type", 8))
                        || (n->str.len == 12 &&
                            !memcmp(n->str.ptr, "syscall.type", 12)));
    set_all(&v->codes);
    try_inversion(v, &v->codes);
    return;
  case VG_N_TRANSFORMER:
    for (uint32_t i = 0; i < n->nkids && !v->err; i++) {
      visit(v, n->kids[i]);
      if (v->last_is_evttype_field) {
        v->err = "event code search does not support `evt.type` checks "
                 "with transformers";
        return;
      }
    }
    v->last_is_field_or_transformer = true;
    return;
  }
}

vigil_status vg_sema_evttypes(const vg_sema_env *env, const vg_node *root,
                              vg_evtset *out, vg_sema_diag_fn fn, void *ud) {
  (void)env;
  ev_state v;
  memset(&v, 0, sizeof v);
  v.last_is_field_or_transformer = true;
  visit(&v, root);
  if (v.err) {
    vg_sema_diag d;
    memset(&d, 0, sizeof d);
    d.is_error = true;
    d.err = VG_LOAD_ERR_COMPILE_CONDITION;
    d.msg = v.err;
    d.at_root = true;
    if (fn)
      fn(ud, &d);
    return VIGIL_E_COMPILE;
  }
  *out = v.codes;
  return VIGIL_OK;
}
