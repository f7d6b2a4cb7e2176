/*
 * vmtest.h - helpers for the pack/VM tests: hand-built condition ASTs (so
 * the tests do not depend on the parser), a field resolver with a few
 * typed fields, and an event made of a static field table.
 */
#ifndef VG_VMTEST_H
#define VG_VMTEST_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "back/back.h"
#include "vigil/vm.h"

static vg_arena T_arena;

static inline vg_node *t_node(vg_node_kind k) {
  vg_node *n = vg_arena_alloc(&T_arena, sizeof *n);
  n->kind = k;
  n->end = 1;
  return n;
}
static inline void t_kid(vg_node *p, vg_node *k) {
  vg_node **nk = vg_arena_alloc(&T_arena, (p->nkids + 1) * sizeof *nk);
  if (p->nkids)
    memcpy(nk, p->kids, p->nkids * sizeof *nk);
  nk[p->nkids++] = k;
  p->kids = nk;
}
static inline vg_str t_str(const char *s) {
  vg_str r = {s, strlen(s)};
  return r;
}
static inline vg_node *F(const char *name) {
  vg_node *n = t_node(VG_N_FIELD);
  n->str = t_str(name);
  return n;
}
static inline vg_node *FA(const char *name, const char *arg) {
  vg_node *n = F(name);
  n->has_arg = true;
  n->arg = t_str(arg);
  return n;
}
static inline vg_node *V(const char *text) {
  vg_node *n = t_node(VG_N_VALUE);
  n->str = t_str(text);
  return n;
}
static inline vg_node *LIST(int n, ...) {
  vg_node *l = t_node(VG_N_LIST);
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++)
    t_kid(l, V(va_arg(ap, const char *)));
  va_end(ap);
  return l;
}
static inline vg_node *BIN(vg_node *l, vg_op op, vg_node *r) {
  vg_node *n = t_node(VG_N_BINARY);
  n->op = op;
  t_kid(n, l);
  t_kid(n, r);
  return n;
}
static inline vg_node *MOD(vg_node *l, vg_op op, vg_mod m, vg_node *r) {
  vg_node *n = BIN(l, op, r);
  n->mod = m;
  return n;
}
static inline vg_node *EXISTS(vg_node *l) {
  vg_node *n = t_node(VG_N_UNARY);
  n->op = VG_OP_EXISTS;
  t_kid(n, l);
  return n;
}
static inline vg_node *TR(vg_tr tr, int n, ...) {
  vg_node *t = t_node(VG_N_TRANSFORMER);
  t->tr = tr;
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++)
    t_kid(t, va_arg(ap, vg_node *));
  va_end(ap);
  return t;
}
static inline vg_node *BOOLN(vg_node_kind k, int n, ...) {
  vg_node *b = t_node(k);
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++)
    t_kid(b, va_arg(ap, vg_node *));
  va_end(ap);
  return b;
}
#define AND(...) BOOLN(VG_N_AND, __VA_ARGS__)
#define OR(...) BOOLN(VG_N_OR, __VA_ARGS__)
static inline vg_node *NOT(vg_node *k) { return BOOLN(VG_N_NOT, 1, k); }

/* Field types the tests know. */
static const struct {
  const char *name;
  vg_ftype type;
  bool list;
} T_fields[] = {
    {"proc.name", VG_FT_CHARBUF, false}, {"proc.pname", VG_FT_CHARBUF, false},
    {"evt.type", VG_FT_CHARBUF, false},  {"fd.name", VG_FT_FSPATH, false},
    {"fd.num", VG_FT_INT64, false},      {"proc.pid", VG_FT_INT64, false},
    {"evt.count", VG_FT_UINT64, false},  {"fd.types", VG_FT_CHARBUF, true},
    {"proc.aname", VG_FT_CHARBUF, false}, {"fd.ip", VG_FT_IPADDR, false},
    {"fd.net", VG_FT_IPNET, false},      {"evt.failed", VG_FT_BOOL, false},
    {"proc.args", VG_FT_CHARBUF, true},  {"evt.buffer", VG_FT_BYTEBUF, false},
};
#define T_NFIELDS (sizeof T_fields / sizeof T_fields[0])

static inline int t_field_index(const char *name) {
  for (size_t i = 0; i < T_NFIELDS; i++)
    if (!strcmp(T_fields[i].name, name))
      return (int)i;
  return -1;
}

static inline vigil_status t_resolve(void *ud, const char *source, const vg_node *f,
                              vg_back_field *out, char *err, size_t errsz) {
  (void)ud;
  (void)source;
  int i = t_field_index(f->str.ptr);
  if (i < 0) {
    snprintf(err, errsz, "unknown field %s", f->str.ptr);
    return VIGIL_E_NOTFOUND;
  }
  out->type = T_fields[i].type;
  out->is_list = T_fields[i].list;
  out->flags = 0;
  return VIGIL_OK;
}

static inline vigil_status t_bind(void *ud, const char *source, const char *name,
                           const char *arg, uint32_t type, uint32_t flags,
                           uint32_t *id, char *err, size_t errsz) {
  (void)ud;
  (void)source;
  (void)arg;
  (void)type;
  (void)flags;
  int i = t_field_index(name);
  if (i < 0) {
    snprintf(err, errsz, "no extractor");
    return VIGIL_E_NOTFOUND;
  }
  *id = (uint32_t)i;
  return VIGIL_OK;
}

/* An event: up to 8 values per known field; n < 0 = no value. */
typedef struct t_event {
  vg_value vals[T_NFIELDS][8];
  int n[T_NFIELDS];
  int calls[T_NFIELDS];
} t_event;

static inline void t_event_init(t_event *e) {
  memset(e, 0, sizeof *e);
  for (size_t i = 0; i < T_NFIELDS; i++)
    e->n[i] = -1;
}
static inline void t_set_str(t_event *e, const char *field, const char *s) {
  int i = t_field_index(field);
  if (e->n[i] < 0)
    e->n[i] = 0;
  vg_value *v = &e->vals[i][e->n[i]++];
  v->type = T_fields[i].type;
  v->v.s.p = (const uint8_t *)s;
  v->v.s.n = strlen(s);
}
static inline void t_set_int(t_event *e, const char *field, int64_t x) {
  int i = t_field_index(field);
  if (e->n[i] < 0)
    e->n[i] = 0;
  vg_value *v = &e->vals[i][e->n[i]++];
  v->type = T_fields[i].type;
  v->v.i = x;
}

static inline vigil_status t_extract(void *ctx, uint32_t id, const vg_value **vals,
                              size_t *n) {
  t_event *e = ctx;
  e->calls[id]++;
  if (e->n[id] < 0) {
    *n = 0;
    return VIGIL_OK;
  }
  *vals = e->vals[id];
  *n = (size_t)e->n[id];
  return VIGIL_OK;
}

static const vigil_event_ops t_ops = {sizeof(vigil_event_ops), t_extract};

/* Compiles one condition as rule "r" of source syscall; returns bytes. */
static inline vigil_status t_compile(vg_node *cond, uint8_t **out, size_t *len,
                              char *err, size_t errsz) {
  vg_back_opts o = {.resolve = t_resolve};
  vg_back *b = vg_back_new(&o);
  if (!b) {
    snprintf(err, errsz, "out of memory");
    return VIGIL_E_NOMEM;
  }
  vg_back_rule r = {.name = "r", .source = "syscall", .enabled = true,
                    .output = "out %proc.name"};
  vigil_status st = vg_back_add_rule(b, &r, cond, err, errsz);
  if (st == VIGIL_OK)
    st = vg_back_finish(b, out, len);
  vg_back_free(b);
  return st;
}

#endif
