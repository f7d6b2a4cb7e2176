/*
 * sema_test_util.h - test-local AST builders for the sema tests, so the
 * passes can be tested on hand-made trees independently of the parser.
 * Nodes come from one static arena per test process (tests are short).
 */
#ifndef VG_SEMA_TEST_UTIL_H
#define VG_SEMA_TEST_UTIL_H

#include <stdarg.h>
#include <string.h>

#include "front/ast.h"
#include "util/arena.h"

static vg_arena t_arena __attribute__((unused));
static int t_arena_ready __attribute__((unused));

static inline vg_arena *ta(void) {
  if (!t_arena_ready) {
    vg_arena_init(&t_arena);
    t_arena_ready = 1;
  }
  return &t_arena;
}

static inline vg_node *t_node(vg_node_kind k) {
  vg_node *n = vg_arena_alloc(ta(), sizeof *n);
  n->kind = k;
  n->pos.line = 1;
  n->pos.col = 1;
  return n;
}

static inline vg_str t_str(const char *s) {
  vg_str r = {vg_arena_strdup(ta(), s), strlen(s)};
  return r;
}

static inline void t_kids(vg_node *n, int nk, va_list ap) {
  n->kids = vg_arena_alloc(ta(), (size_t)(nk ? nk : 1) * sizeof(vg_node *));
  for (int i = 0; i < nk; i++)
    n->kids[i] = va_arg(ap, vg_node *);
  n->nkids = (uint32_t)nk;
}

static inline vg_node *FLD(const char *name) {
  vg_node *n = t_node(VG_N_FIELD);
  n->str = t_str(name);
  return n;
}

static inline vg_node *FLDA(const char *name, const char *arg) {
  vg_node *n = FLD(name);
  n->has_arg = true;
  n->arg = t_str(arg);
  return n;
}

static inline vg_node *VAL(const char *v) {
  vg_node *n = t_node(VG_N_VALUE);
  n->str = t_str(v);
  return n;
}

static inline vg_node *VALN(const char *v, size_t len) {
  vg_node *n = t_node(VG_N_VALUE);
  char *p = vg_arena_alloc(ta(), len + 1);
  memcpy(p, v, len);
  n->str.ptr = p;
  n->str.len = len;
  return n;
}

static inline vg_node *IDENT(const char *v) {
  vg_node *n = t_node(VG_N_IDENT);
  n->str = t_str(v);
  return n;
}

/* LIST(n, "a", "b", ...) */
static inline vg_node *LIST(int nk, ...) {
  vg_node *n = t_node(VG_N_LIST);
  n->kids = vg_arena_alloc(ta(), (size_t)(nk ? nk : 1) * sizeof(vg_node *));
  va_list ap;
  va_start(ap, nk);
  for (int i = 0; i < nk; i++)
    n->kids[i] = VAL(va_arg(ap, const char *));
  va_end(ap);
  n->nkids = (uint32_t)nk;
  return n;
}

static inline vg_node *NODES(vg_node_kind k, int nk, ...) {
  vg_node *n = t_node(k);
  va_list ap;
  va_start(ap, nk);
  t_kids(n, nk, ap);
  va_end(ap);
  return n;
}

#define AND(...) NODES(VG_N_AND, __VA_ARGS__)
#define OR(...) NODES(VG_N_OR, __VA_ARGS__)
#define TLIST(...) NODES(VG_N_TLIST, __VA_ARGS__)

static inline vg_node *NOT(vg_node *k) { return NODES(VG_N_NOT, 1, k); }

static inline vg_node *BIN(vg_node *l, vg_op op, vg_node *r) {
  vg_node *n = NODES(VG_N_BINARY, 2, l, r);
  n->op = op;
  return n;
}

static inline vg_node *BINM(vg_node *l, vg_op op, vg_mod m, vg_node *r) {
  vg_node *n = BIN(l, op, r);
  n->mod = m;
  return n;
}

static inline vg_node *EXISTS(vg_node *l) {
  vg_node *n = NODES(VG_N_UNARY, 1, l);
  n->op = VG_OP_EXISTS;
  return n;
}

/* TR(VG_TR_TOUPPER, 1, arg) */
static inline vg_node *TR(vg_tr t, int nk, ...) {
  vg_node *n = t_node(VG_N_TRANSFORMER);
  n->tr = t;
  va_list ap;
  va_start(ap, nk);
  t_kids(n, nk, ap);
  va_end(ap);
  return n;
}

static inline vg_node *TRA(vg_node *tr, const char *arg) {
  tr->has_arg = true;
  tr->arg = t_str(arg);
  return tr;
}

#endif
