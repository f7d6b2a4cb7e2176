/*
 * zz_stubs_tmp.c - TEMPORARY weak stand-ins for the parser and sema
 * interfaces until their owners' code lands on main; deleted then.
 */
#include <stdlib.h>
#include <string.h>

#include "front/parser.h"
#include "sema/sema.h"
#include "util/alloc.h"

#define WEAK

/* Each group is compiled only while its real implementation is absent
 * from the tree, so merging the real code never links a stub. */
#if !__has_include("front/parser.c")

WEAK vg_node *vg_ast_new(vg_arena *a, vg_node_kind kind, vg_pos pos) {
  vg_node *n = vg_arena_alloc(a, sizeof *n);
  if (n) {
    n->kind = kind;
    n->pos = pos;
  }
  return n;
}
WEAK bool vg_ast_add_kid(vg_arena *a, vg_node *p, vg_node *k) {
  vg_node **nk = vg_arena_alloc(a, (p->nkids + 1) * sizeof *nk);
  if (!nk)
    return false;
  if (p->nkids)
    memcpy(nk, p->kids, p->nkids * sizeof *nk);
  nk[p->nkids++] = k;
  p->kids = nk;
  return true;
}
WEAK vg_node *vg_ast_clone(vg_arena *a, const vg_node *n) {
  (void)a;
  return (vg_node *)n;
}
WEAK void vg_ast_print(vg_buf *b, const vg_node *n) {
  (void)n;
  vg_buf_puts(b, "");
}
WEAK const char *vg_op_name(vg_op op) {
  (void)op;
  return "=";
}
WEAK const char *vg_mod_name(vg_mod m) {
  (void)m;
  return "";
}
WEAK vigil_status vg_parse_condition(vg_arena *a, const char *text,
                                     size_t len, vg_node **out,
                                     vg_parse_error *err) {
  (void)err;
  vg_pos p = {0, 1, 1};
  vg_node *n = vg_ast_new(a, VG_N_VALUE, p);
  if (!n)
    return VIGIL_E_NOMEM;
  n->str.ptr = vg_arena_strndup(a, text, len);
  n->str.len = len;
  *out = n;
  return VIGIL_OK;
}
WEAK vigil_status vg_parse_operand(vg_arena *a, const char *text, size_t len,
                                   vg_node **out, size_t *consumed,
                                   vg_parse_error *err) {
  (void)err;
  size_t i = 0;
  while (i < len && text[i] != ' ')
    i++;
  vg_pos p = {0, 1, 1};
  *out = vg_ast_new(a, VG_N_FIELD, p);
  *consumed = i;
  return i ? VIGIL_OK : VIGIL_E_SYNTAX;
}

#endif

#if !__has_include("sema/sema.c")
struct vg_sema_env {
  char **sources;
  size_t n;
  vg_sema_plugin *pl;
  size_t npl;
  bool all;
};

static const char *const ALL[] = {"syscall", "k8s_audit", "aws_cloudtrail",
                                  "okta", "github", "gcp_auditlog", NULL};

WEAK vg_sema_env *vg_sema_env_new(const char *const *sources, size_t ns,
                                  const vg_sema_plugin *pl, size_t npl,
                                  bool all) {
  vg_sema_env *e = vg_calloc(1, sizeof *e);
  if (!e)
    return NULL;
  e->sources = vg_calloc(ns + 1, sizeof(char *));
  for (size_t i = 0; i < ns; i++)
    e->sources[i] = vg_strdup(sources[i]);
  e->n = ns;
  e->pl = vg_calloc(npl + 1, sizeof *e->pl);
  for (size_t i = 0; i < npl; i++) {
    e->pl[i].name = vg_strdup(pl[i].name);
    e->pl[i].version = pl[i].version ? vg_strdup(pl[i].version) : NULL;
  }
  e->npl = npl;
  e->all = all;
  return e;
}
WEAK void vg_sema_env_free(vg_sema_env *e) {
  if (!e)
    return;
  for (size_t i = 0; i < e->n; i++)
    vg_free(e->sources[i]);
  vg_free(e->sources);
  for (size_t i = 0; i < e->npl; i++) {
    vg_free((char *)e->pl[i].name);
    vg_free((char *)e->pl[i].version);
  }
  vg_free(e->pl);
  vg_free(e);
}
WEAK bool vg_sema_env_has_source(const vg_sema_env *e, const char *s) {
  if (e->n) {
    for (size_t i = 0; i < e->n; i++)
      if (!strcmp(e->sources[i], s))
        return true;
    return false;
  }
  for (size_t i = 0; ALL[i]; i++)
    if (!strcmp(ALL[i], s))
      return true;
  return false;
}
WEAK const vg_sema_plugin *vg_sema_env_plugin(const vg_sema_env *e,
                                              const char *name) {
  for (size_t i = 0; i < e->npl; i++)
    if (!strcmp(e->pl[i].name, name))
      return &e->pl[i];
  if (e->all) {
    static vg_sema_plugin any;
    any.name = name;
    any.version = NULL;
    return &any;
  }
  return NULL;
}
WEAK vigil_status vg_sema_warn_pass(const vg_sema_env *env,
                                    const char *source, vg_arena *a,
                                    const vg_node *root, vg_sema_diag_fn fn,
                                    void *ud) {
  return VIGIL_OK;
}
WEAK vigil_status vg_sema_check(const vg_sema_env *env, const char *source,
                                vg_arena *a, const vg_node *root,
                                vg_sema_diag_fn fn, void *ud) {
  return VIGIL_OK;
}
WEAK vigil_status vg_sema_evttypes(const vg_sema_env *env,
                                   const vg_node *root, vg_evtset *out,
                                   vg_sema_diag_fn fn, void *ud) {
  memset(out, 0, sizeof *out);
  return VIGIL_OK;
}
WEAK size_t vg_evtset_count(const vg_evtset *s) {
  (void)s;
  return 0;
}
WEAK size_t vg_evtset_names(const vg_evtset *s, vg_arena *a,
                            const char ***names) {
  (void)s;
  (void)a;
  *names = NULL;
  return 0;
}
WEAK const char *vg_load_suggest_field(const char *source, const char *name) {
  (void)source;
  (void)name;
  return NULL;
}
struct vigil_compiler;
const char *vg_load_suggested_output(struct vigil_compiler *c,
                                     const char *source);
WEAK const char *vg_load_suggested_output(struct vigil_compiler *c,
                                          const char *source) {
  (void)c;
  (void)source;
  return NULL;
}
bool vg_load_source_known(struct vigil_compiler *c, const char *source);
WEAK bool vg_load_source_known(struct vigil_compiler *c, const char *source) {
  (void)c;
  (void)source;
  return true;
}

#endif
