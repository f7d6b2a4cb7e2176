/*
 * reader.c - turns the YAML items of one rules file into collector
 * operations (define, append, selective replace, enable), with Falco's
 * validation order and messages (rules-language.md 2-4, 6.1-6.2), and the
 * collector itself (index/visibility of 1.1, engine and plugin version
 * requirements of 3.1/3.2).
 *
 * Errors are recorded on the current file's result through vg_add_error;
 * functions return false after recording one. Without --all-errors the
 * caller stops at the first one, like Falco; with it the failing item is
 * skipped and reading goes on.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "load/loader.h"
#include "load/schema.h"
#include "util/alloc.h"

#define YAMLV VG_LOAD_ERR_YAML_VALIDATE
#define VALID VG_LOAD_ERR_VALIDATE

#define WARNING_APPEND                                                         \
  "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: "       \
  "append') under 'override' instead."
#define WARNING_ENABLED                                                        \
  "The standalone 'enabled' key usage is deprecated. The correct approach "    \
  "requires also a 'replace' entry under the 'override' key (i.e. "            \
  "'enabled: replace')."
#define ERROR_OVERRIDE_APPEND                                                  \
  "Keys 'override' and 'append: true' cannot be used together. Add an "        \
  "'append' entry (e.g. 'condition: append') under 'override' instead."
#define ERROR_NO_PREVIOUS_MACRO                                                \
  "Macro uses 'append' or 'override.condition: append' but no macro by "       \
  "that name already exists"
#define ERROR_NO_PREVIOUS_LIST                                                 \
  "List uses 'append' or 'override.items: append' but no list by that name "   \
  "already exists"
#define ERROR_NO_PREVIOUS_RULE_APPEND                                          \
  "Rule uses 'append' or 'override.<key>: append' but no rule by that name "   \
  "already exists"
#define ERROR_NO_PREVIOUS_RULE_REPLACE                                         \
  "An 'override.<key>: replace' to a rule was requested but no rule by "       \
  "that name already exists"

/* ------------------------------------------------------------ helpers */

bool vg_ptrvec_push(vg_arena *a, vg_ptrvec *pv, void *p) {
  if (pv->n == pv->cap) {
    size_t nc = pv->cap ? pv->cap * 2 : 8;
    void **nv = vg_arena_alloc(a, nc * sizeof *nv);
    if (!nv)
      return false;
    if (pv->n)
      memcpy(nv, pv->v, pv->n * sizeof *nv);
    pv->v = nv;
    pv->cap = nc;
  }
  pv->v[pv->n++] = p;
  return true;
}

static bool fail(vigil_compiler *c, vg_err_code code, const char *msg,
                 const vg_ctx *ctx) {
  vg_add_error(c, code, msg, ctx);
  return false;
}

/* A required key is missing: is one of the item's keys a typo of it? */
static void note_misspelled_key(vigil_compiler *c, const vg_ynode *item,
                                const char *key) {
  if (!item || item->kind != VG_Y_MAP)
    return;
  for (size_t i = 0; i < item->n; i++) {
    const char *k = item->kids[2 * i]->str;
    if (k && strcmp(k, key) && vg_edit_distance(k, key) <= 2) {
      vg_add_note(c,
                  vg_fmt(c, "the item has '%s': did you mean '%s'?", k, key));
      return;
    }
  }
}

typedef enum { K_STR, K_BOOL, K_U32 } dkind;

typedef struct dval {
  bool present; /* key written with a decodable value */
  const char *s;
  bool b;
  uint32_t u;
  const vg_ynode *node;
} dval;

static bool decode(vigil_compiler *c, const vg_ynode *item, const char *key,
                   dkind k, bool optional, bool can_be_empty, const vg_ctx *ctx,
                   dval *out) {
  memset(out, 0, sizeof *out);
  out->s = "";
  const vg_ynode *val = vg_ymap_get(item, key);
  out->node = val;
  if (!val) {
    if (optional)
      return true;
    fail(c, YAMLV, vg_fmt(c, "Item has no mapping for key '%s'", key), ctx);
    note_misspelled_key(c, item, key);
    return false;
  }
  if (val->kind == VG_Y_NULL && can_be_empty)
    return true;
  if (val->kind == VG_Y_NULL)
    return fail(c, YAMLV, vg_fmt(c, "Mapping for key '%s' is empty", key), ctx);
  vg_ctx vctx;
  vg_ctx_child(&vctx, ctx, val, VG_IT_VALUE_FOR, key);
  if (val->kind != VG_Y_SCALAR)
    return fail(c, YAMLV, "Value is not a scalar value", &vctx);
  if (val->len == 0 && can_be_empty)
    return true;
  if (val->len == 0)
    return fail(c, YAMLV, "Value must be non-empty", &vctx);
  switch (k) {
  case K_STR:
    out->s = val->str;
    break;
  case K_BOOL:
    if (!vg_yaml_bool(val->str, &out->b))
      return fail(c, YAMLV, "Can't decode YAML scalar value", &vctx);
    break;
  case K_U32:
    if (!vg_yaml_u32(val->str, &out->u))
      return fail(c, YAMLV, "Can't decode YAML scalar value", &vctx);
    break;
  }
  out->present = true;
  return true;
}

/* Sequence of scalars (items, tags). */
static bool decode_seq(vigil_compiler *c, const vg_ynode *item, const char *key,
                       bool optional, const vg_ctx *ctx,
                       const vg_ynode **seq_out) {
  *seq_out = NULL;
  const vg_ynode *val = vg_ymap_get(item, key);
  if (!val) {
    if (optional)
      return true;
    return fail(c, YAMLV, vg_fmt(c, "Item has no mapping for key '%s'", key),
                ctx);
  }
  vg_ctx vctx;
  vg_ctx_child(&vctx, ctx, val, VG_IT_VALUE_FOR, key);
  if (val->kind != VG_Y_SEQ)
    return fail(c, YAMLV, "Value is not a sequence", &vctx);
  for (size_t i = 0; i < val->n; i++) {
    if (val->kids[i]->kind != VG_Y_SCALAR) {
      vg_ctx ictx;
      vg_ctx_child(&ictx, &vctx, val->kids[i], VG_IT_LIST_ITEM, "");
      return fail(c, YAMLV, "sequence value is not scalar", &ictx);
    }
  }
  *seq_out = val;
  return true;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted unique set of strings (std::set). */
static const char **set_of(vigil_compiler *c, const char **v, size_t n,
                           size_t *nout) {
  const char **s = vg_arena_alloc(&c->a, (n + 1) * sizeof *s);
  if (!s) {
    *nout = 0;
    return NULL;
  }
  if (n)
    memcpy(s, v, n * sizeof *s);
  qsort(s, n, sizeof *s, cmp_str);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (k == 0 || strcmp(s[k - 1], s[i]))
      s[k++] = s[i];
  *nout = k;
  return s;
}

static const char **seq_items(vigil_compiler *c, const vg_ynode *seq,
                              size_t *n) {
  *n = seq ? seq->n : 0;
  const char **v = vg_arena_alloc(&c->a, (*n + 1) * sizeof *v);
  for (size_t i = 0; v && i < *n; i++)
    v[i] = seq->kids[i]->str;
  return v;
}

/* Overridable key sets. */
static const char *const LIST_OVR[] = {"items", NULL};
static const char *const MACRO_OVR[] = {"condition", NULL};
static const char *const RULE_APPEND[] = {"condition", "output",     "desc",
                                          "tags",      "exceptions", NULL};
static const char *const RULE_REPLACE[] = {"condition",
                                           "output",
                                           "desc",
                                           "priority",
                                           "capture",
                                           "capture_duration",
                                           "tags",
                                           "exceptions",
                                           "enabled",
                                           "warn_evttypes",
                                           "skip-if-unknown-filter",
                                           NULL};

static bool in_set(const char *const *set, const char *k) {
  for (; *set; set++)
    if (!strcmp(*set, k))
      return true;
  return false;
}

typedef struct ovr {
  const char *app[16], *rep[16];
  size_t napp, nrep;
} ovr;

static bool ovr_has(const char *const *v, size_t n, const char *k) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(v[i], k))
      return true;
  return false;
}

static bool decode_overrides(vigil_compiler *c, const vg_ynode *item,
                             const char *const *can_app,
                             const char *const *can_rep, const vg_ctx *ctx,
                             ovr *o) {
  memset(o, 0, sizeof *o);
  const vg_ynode *val = vg_ymap_get(item, "override");
  if (!val || val->kind != VG_Y_MAP)
    return true;
  vg_ctx octx;
  vg_ctx_child(&octx, ctx, item, VG_IT_OVERRIDES, "");
  for (size_t i = 0; i < val->n; i++) {
    const vg_ynode *kn = val->kids[2 * i], *vn = val->kids[2 * i + 1];
    const char *key =
        kn->kind == VG_Y_SCALAR || kn->kind == VG_Y_NULL ? kn->str : "";
    const char *op = vn->kind == VG_Y_SCALAR ? vn->str : "";
    bool ia = in_set(can_app, key), ir = in_set(can_rep, key);
    if (!strcmp(op, "append")) {
      vg_ctx kctx;
      vg_ctx_child(&kctx, &octx, kn, VG_IT_OVERRIDES, key);
      if (!ia)
        return fail(c, YAMLV,
                    vg_fmt(c,
                           "Key '%s' cannot be appended to, use 'replace' "
                           "instead",
                           key),
                    &kctx);
      if (!ovr_has(o->app, o->napp, key) && o->napp < 16)
        o->app[o->napp++] = key;
    } else if (!strcmp(op, "replace")) {
      vg_ctx kctx;
      vg_ctx_child(&kctx, &octx, kn, VG_IT_OVERRIDES, key);
      if (!ir)
        return fail(c, YAMLV, vg_fmt(c, "Key '%s' cannot be replaced", key),
                    &kctx);
      if (!ovr_has(o->rep, o->nrep, key) && o->nrep < 16)
        o->rep[o->nrep++] = key;
    } else {
      vg_ctx vctx;
      vg_ctx_child(&vctx, &octx, vn, VG_IT_VALUE_FOR, key);
      return fail(c, YAMLV,
                  vg_fmt(c,
                         "Invalid override operation for key '%s': '%s'. "
                         "Allowed values are: %s%s",
                         key, op, ia ? "append " : "", ir ? "replace " : ""),
                  &vctx);
    }
  }
  return true;
}

static void warn_unknown_keys(vigil_compiler *c, const vg_ynode *item,
                              const char *const *keys, const vg_ctx *ctx) {
  if (!item || item->kind != VG_Y_MAP)
    return;
  for (size_t i = 0; i < item->n; i++) {
    const vg_ynode *kn = item->kids[2 * i];
    const char *k = kn->str ? kn->str : "";
    if (!in_set(keys, k)) {
      vg_add_warning(c, VG_LOAD_UNKNOWN_KEY,
                     vg_fmt(c, "Unknown key '%s'. The key will be ignored.", k),
                     ctx, NULL);
      /* vigil's own precise place: the key itself */
      vg_result *r = c->res;
      if (r && r->warns.n) {
        vigil_diag *d = r->warns.v[r->warns.n - 1];
        d->span.valid = true;
        d->span.file = c->cur->name;
        d->span.start = kn->mark.off;
        d->span.end = kn->mark.off + kn->len;
      }
      const char *best = NULL;
      size_t bd = 3;
      for (size_t j = 0; keys[j]; j++) {
        size_t dd = vg_edit_distance(k, keys[j]);
        if (dd < bd) {
          bd = dd;
          best = keys[j];
        }
      }
      if (best)
        vg_add_note(c, vg_fmt(c, "did you mean '%s'?", best));
    }
  }
}

/* ------------------------------------------------------------ versions */

bool vg_parse_version(const char *s, unsigned v[3]) {
  const char *p = s;
  for (int i = 0; i < 3; i++) {
    if (*p < '0' || *p > '9')
      return false;
    unsigned long x = 0;
    while (*p >= '0' && *p <= '9') {
      x = x * 10 + (unsigned long)(*p - '0');
      if (x > 0xffffffffUL)
        return false;
      p++;
    }
    v[i] = (unsigned)x;
    if (i < 2) {
      if (*p != '.')
        return false;
      p++;
    }
  }
  return true;
}

static bool version_ge(const unsigned a[3], const unsigned b[3]) {
  for (int i = 0; i < 3; i++)
    if (a[i] != b[i])
      return a[i] > b[i];
  return true;
}

/* ------------------------------------------------------------ exceptions */

static bool decode_xentry(vigil_compiler *c, const vg_ynode *val,
                          const char *key, vg_xentry *out, const vg_ctx *ctx) {
  memset(out, 0, sizeof *out);
  if (!val)
    return true;
  out->node = val;
  /* aliases can make a small file name an enormous value tree */
  if (++c->xbudget > 1000000)
    return fail(c, YAMLV, "Rule exception values are too large", ctx);
  vg_ctx vctx;
  vg_ctx_child(&vctx, ctx, val, VG_IT_VALUE_FOR, key ? key : "");
  if (val->kind == VG_Y_SCALAR) {
    if (val->len == 0)
      return fail(c, YAMLV, "Value must be non-empty", &vctx);
    out->valid = true;
    out->is_list = false;
    out->item = val->str;
  } else if (val->kind == VG_Y_SEQ) {
    /* Falco's entry::is_valid(): a non-empty list */
    out->valid = val->n > 0;
    out->is_list = true;
    out->items = vg_arena_alloc(&c->a, (val->n + 1) * sizeof *out->items);
    if (!out->items)
      return false;
    out->n = val->n;
    for (size_t i = 0; i < val->n; i++) {
      vg_ctx lctx;
      vg_ctx_child(&lctx, &vctx, val->kids[i], VG_IT_EXCEPTION, "");
      if (!decode_xentry(c, val->kids[i], NULL, &out->items[i], &lctx))
        return false;
    }
  }
  return true;
}

static bool read_exceptions(vigil_compiler *c, const vg_ynode *item,
                            const vg_ctx *parent, bool append,
                            vg_exception **out, size_t *nout, bool *present) {
  *out = NULL;
  *nout = 0;
  *present = false;
  const vg_ynode *exs = vg_ymap_get(item, "exceptions");
  if (!exs || exs->kind == VG_Y_NULL) {
    *present = exs != NULL;
    return true;
  }
  *present = true;
  vg_ctx exctx;
  vg_ctx_child(&exctx, parent, exs, VG_IT_EXCEPTIONS, "");
  if (exs->kind != VG_Y_SEQ)
    return fail(c, YAMLV, "Rule exceptions must be a sequence", &exctx);
  vg_exception *v = vg_arena_alloc(&c->a, (exs->n + 1) * sizeof *v);
  if (!v)
    return false;
  size_t n = 0;
  for (size_t i = 0; i < exs->n; i++) {
    const vg_ynode *ex = exs->kids[i];
    vg_ctx tmp;
    vg_ctx_child(&tmp, &exctx, ex, VG_IT_EXCEPTION, "");
    if (ex->kind != VG_Y_MAP)
      return fail(c, YAMLV, "Rule exception must be a mapping", &tmp);
    dval name;
    if (!decode(c, ex, "name", K_STR, false, false, &tmp, &name))
      return false;
    vg_exception *e = &v[n];
    memset(e, 0, sizeof *e);
    vg_ctx_child(&e->ctx, parent, ex, VG_IT_EXCEPTION, name.s);
    e->name = name.s;
    for (size_t j = 0; j < n; j++)
      if (!strcmp(v[j].name, e->name))
        vg_add_warning(c, VG_LOAD_EXCEPTION_NAME_NOT_UNIQUE,
                       vg_fmt(c,
                              "Multiple definitions of exception '%s' in "
                              "the same rule",
                              e->name),
                       &e->ctx, NULL);
    const vg_ynode *f = vg_ymap_get(ex, "fields");
    if (!f && !append)
      return fail(c, YAMLV, "Item has no mapping for key 'fields'", &e->ctx);
    if (!decode_xentry(c, f, "fields", &e->fields, &e->ctx))
      return false;
    if (!decode_xentry(c, vg_ymap_get(ex, "comps"), "comps", &e->comps,
                       &e->ctx))
      return false;
    const vg_ynode *vals = vg_ymap_get(ex, "values");
    if (vals) {
      vg_ctx vsctx;
      vg_ctx_child(&vsctx, &e->ctx, vals, VG_IT_EXCEPTION_VALUES, "");
      if (vals->kind != VG_Y_SEQ)
        return fail(c, YAMLV, "Rule exception values must be a sequence",
                    &vsctx);
      e->values = vg_arena_alloc(&c->a, (vals->n + 1) * sizeof *e->values);
      if (!e->values)
        return false;
      e->nvalues = vals->n;
      for (size_t j = 0; j < vals->n; j++) {
        vg_ctx vctx;
        vg_ctx_child(&vctx, &vsctx, vals->kids[j], VG_IT_EXCEPTION_VALUE, "");
        if (!decode_xentry(c, vals->kids[j], NULL, &e->values[j], &vctx))
          return false;
      }
    } else if (append) {
      vg_add_warning(c, VG_LOAD_APPEND_NO_VALUES,
                     "Overriding/appending exception with no values", &e->ctx,
                     NULL);
    }
    n++;
  }
  *out = v;
  *nout = n;
  return true;
}

bool vg_load_source_known(vigil_compiler *c, const char *source);

static const char *const OPERATORS[] = {
    "=",          "==",          "!=",         "<",         "<=",
    ">",          ">=",          "contains",   "icontains", "bcontains",
    "startswith", "bstartswith", "endswith",   "glob",      "iglob",
    "regex",      "in",          "intersects", "pmatch",    "exists",
    NULL};
static const char *const MOD_OPS[] = {
    "=",         "==",         "!=",          "contains", "icontains",
    "bcontains", "startswith", "bstartswith", "endswith", "glob",
    "iglob",     "regex",      NULL};

bool vg_is_str_op_with_modifier(const char *s);
bool vg_is_str_op_with_modifier(const char *s) {
  const char *sp = strchr(s, ' ');
  if (!sp)
    return false;
  char op[32];
  size_t ol = (size_t)(sp - s);
  if (ol == 0 || ol >= sizeof op)
    return false;
  memcpy(op, s, ol);
  op[ol] = 0;
  while (*sp == ' ')
    sp++;
  if (strcmp(sp, "oneof") && strcmp(sp, "anyof") && strcmp(sp, "allof"))
    return false;
  return in_set(MOD_OPS, op);
}

static char *trim_comp(vigil_compiler *c, const char *s) {
  const char *ws = " \t\r\n";
  size_t b = strspn(s, ws), e = strlen(s);
  while (e > b && strchr(ws, s[e - 1]))
    e--;
  return vg_arena_strndup(&c->a, s + b, e - b);
}

/* Falco locates exception errors at the exception; vigil's span points at
 * the offending entry when it is known. */
static bool fail_at(vigil_compiler *c, const char *msg, const vg_exception *ex,
                    const vg_xentry *e) {
  vg_ctx ctx = ex->ctx;
  if (e && e->node) {
    ctx.has_span = true;
    ctx.start = e->node->mark.off;
    ctx.end = e->node->end_off > ctx.start ? e->node->end_off : ctx.start;
  }
  return fail(c, VALID, msg, &ctx);
}

static bool validate_exception(vigil_compiler *c, const char *source,
                               vg_exception *ex) {
  if (ex->fields.is_list) {
    if (!ex->comps.valid) {
      ex->comps.valid = true;
      ex->comps.is_list = true;
      ex->comps.n = ex->fields.n;
      ex->comps.items =
          vg_arena_alloc(&c->a, (ex->fields.n + 1) * sizeof *ex->comps.items);
      for (size_t i = 0; ex->comps.items && i < ex->fields.n; i++) {
        ex->comps.items[i].valid = true;
        ex->comps.items[i].item = "=";
      }
    }
    if (ex->fields.n != ex->comps.n)
      return fail_at(c, "Fields and comps lists must have equal length", ex,
                     &ex->comps);
    for (size_t i = 0; i < ex->comps.n; i++) {
      vg_xentry *v = &ex->comps.items[i];
      v->item = trim_comp(c, v->item ? v->item : "");
      if (!in_set(OPERATORS, v->item) && !vg_is_str_op_with_modifier(v->item))
        return fail_at(
            c,
            vg_fmt(c, "'%s' is not a supported comparison operator", v->item),
            ex, v);
    }
    if (source)
      for (size_t i = 0; i < ex->fields.n; i++) {
        const char *f =
            ex->fields.items[i].item ? ex->fields.items[i].item : "";
        bool oom = false;
        if (!vg_valid_lhs_field_ex(c, source, f, &oom))
          return fail_at(c,
                         oom ? "out of memory"
                             : vg_fmt(c, "'%s' is not a supported filter "
                                         "field", f),
                         ex, &ex->fields.items[i]);
      }
  } else {
    if (!ex->comps.valid) {
      ex->comps.valid = true;
      ex->comps.is_list = false;
      ex->comps.item = "in";
    }
    if (ex->comps.is_list)
      return fail_at(c, "Fields and comps must both be strings", ex,
                     &ex->comps);
    ex->comps.item = trim_comp(c, ex->comps.item);
    const char *k = ex->comps.item;
    if (strcmp(k, "in") && strcmp(k, "pmatch") && strcmp(k, "intersects") &&
        !vg_is_str_op_with_modifier(k))
      return fail_at(c,
                     "When fields is a single value, comps must be one of "
                     "(in, pmatch, intersects) or a modifier operator (e.g. "
                     "startswith oneof)",
                     ex, &ex->comps);
    bool oom = false;
    if (source && !vg_valid_lhs_field_ex(c, source, ex->fields.item, &oom))
      return fail_at(
          c,
          oom ? "out of memory"
              : vg_fmt(c, "'%s' is not a supported filter field",
                       ex->fields.item),
          ex, &ex->fields);
  }
  return true;
}

/* ------------------------------------------------------------ collector */

static size_t hash_str(const char *s) {
  size_t h = 1469598103934665603ull & SIZE_MAX;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * (1099511628211ull & SIZE_MAX);
  return h;
}

static void *ht_find(const struct vg_htab *t, const char *name) {
  if (!t->n)
    return NULL;
  for (size_t i = hash_str(name) & (t->n - 1);; i = (i + 1) & (t->n - 1)) {
    void *e = t->slots[i];
    if (!e)
      return NULL;
    if (!strcmp(*(const char *const *)e, name))
      return e;
  }
}

/* Adds e (count entries already in the table). */
static bool ht_add(vigil_compiler *c, struct vg_htab *t, size_t count,
                   void *e) {
  if ((count + 1) * 2 > t->n) {
    size_t nn = t->n ? t->n * 2 : 64;
    while ((count + 1) * 2 > nn)
      nn *= 2;
    void **ns = vg_arena_alloc(&c->a, nn * sizeof *ns);
    if (!ns)
      return false;
    for (size_t i = 0; i < t->n; i++)
      if (t->slots[i]) {
        size_t j = hash_str(*(const char *const *)t->slots[i]) & (nn - 1);
        while (ns[j])
          j = (j + 1) & (nn - 1);
        ns[j] = t->slots[i];
      }
    t->slots = ns;
    t->n = nn;
  }
  size_t j = hash_str(*(const char *const *)e) & (t->n - 1);
  while (t->slots[j])
    j = (j + 1) & (t->n - 1);
  t->slots[j] = e;
  return true;
}

vg_list_info *vg_find_list(vigil_compiler *c, const char *name) {
  return ht_find(&c->hlists, name);
}

vg_macro_info *vg_find_macro(vigil_compiler *c, const char *name) {
  return ht_find(&c->hmacros, name);
}

vg_rule_info *vg_find_rule(vigil_compiler *c, const char *name) {
  return ht_find(&c->hrules, name);
}

static vg_ctext ctext_of(vigil_compiler *c, const vg_ynode *n) {
  vg_ctext t = {"", NULL, 0};
  if (!n)
    return t;
  t.text = n->str;
  t.segs = vg_arena_alloc(&c->a, sizeof *t.segs);
  if (t.segs) {
    t.segs[0].toff = 0;
    t.segs[0].len = n->len;
    t.segs[0].node = n;
    t.segs[0].file = c->cur->name;
    t.nsegs = 1;
  }
  return t;
}

/* old + " " + new, keeping the segments. */
static void ctext_append(vigil_compiler *c, vg_ctext *t, const vg_ctext *add) {
  size_t ol = strlen(t->text);
  const char *s = vg_fmt(c, "%s %s", t->text, add->text);
  vg_cseg *segs =
      vg_arena_alloc(&c->a, (t->nsegs + add->nsegs + 1) * sizeof *segs);
  if (!s || !segs)
    return;
  if (t->nsegs)
    memcpy(segs, t->segs, t->nsegs * sizeof *segs);
  for (size_t i = 0; i < add->nsegs; i++) {
    segs[t->nsegs + i] = add->segs[i];
    segs[t->nsegs + i].toff += ol + 1;
  }
  t->text = s;
  t->segs = segs;
  t->nsegs += add->nsegs;
}

static bool find_prev_rule(vigil_compiler *c, const char *name,
                           const char *source, const vg_ctx *ctx,
                           vg_rule_info **out) {
  vg_rule_info *r = vg_find_rule(c, name);
  *out = r;
  if (r && r->source[0] && source[0] && strcmp(r->source, source))
    return fail(c, VALID, "Rule has been re-defined with a different source",
                ctx);
  return true;
}

static bool add_entity(vigil_compiler *c, vg_ptrvec *tab, struct vg_htab *ht,
                       void *e, const char *name, size_t size, uint32_t *index,
                       uint32_t *vis) {
  void *prev = ht_find(ht, name);
  uint32_t id = c->counter++;
  if (prev) {
    uint32_t pidx = *(uint32_t *)((char *)prev + ((char *)index - (char *)e));
    *index = pidx;
    *vis = id;
    memcpy(prev, e, size);
    return true;
  }
  *index = id;
  *vis = id;
  void *copy = vg_arena_memdup(&c->a, e, size);
  return copy && ht_add(c, ht, tab->n, copy) &&
         vg_ptrvec_push(&c->a, tab, copy);
}

/* ------------------------------------------------------------ items */

static bool fail_prio(vigil_compiler *c, const vg_ctx *ctx) {
  fail(c, YAMLV, "Invalid priority", ctx);
  vg_add_note(c, "priorities are emergency, alert, critical, error, "
                 "warning, notice, informational (or info) and debug, in "
                 "any case");
  return false;
}

static int parse_priority(const char *s) {
  static const char *const names[] = {"emergency",     "alert",   "critical",
                                      "error",         "warning", "notice",
                                      "informational", "debug"};
  for (int i = 0; i < 8; i++)
    if (!strcasecmp(s, names[i]))
      return i;
  if (!strcasecmp(s, "info"))
    return 6;
  return -1;
}

static bool read_engine_version(vigil_compiler *c, const vg_ynode *item,
                                const vg_ctx *parent) {
  vg_ctx ctx;
  vg_ctx_child(&ctx, parent, item, VG_IT_REQUIRED_ENGINE_VERSION, "");
  unsigned v[3];
  const vg_ynode *val = vg_ymap_get(item, "required_engine_version");
  uint32_t u;
  if (val && val->kind == VG_Y_SCALAR && val->len &&
      vg_yaml_u32(val->str, &u)) {
    v[0] = VIGIL_ENGINE_VERSION_MAJOR;
    v[1] = u;
    v[2] = VIGIL_ENGINE_VERSION_PATCH;
  } else {
    dval d;
    if (!decode(c, item, "required_engine_version", K_STR, false, false, &ctx,
                &d))
      return false;
    if (!vg_parse_version(d.s, v))
      return fail(c, YAMLV,
                  vg_fmt(c,
                         "Unable to parse engine version '%s' as a semver "
                         "string. Expected \"x.y.z\" semver format.",
                         d.s),
                  &ctx);
  }
  unsigned eng[3] = {VIGIL_ENGINE_VERSION_MAJOR, VIGIL_ENGINE_VERSION_MINOR,
                     VIGIL_ENGINE_VERSION_PATCH};
  if (eng[0] != v[0] || !version_ge(eng, v))
    return fail(c, VALID,
                vg_fmt(c,
                       "Rules require engine version %u.%u.%u, but engine "
                       "version is %s",
                       v[0], v[1], v[2], VIGIL_ENGINE_VERSION_STRING),
                &ctx);
  unsigned cur[3] = {c->ev_major, c->ev_minor, c->ev_patch};
  if (!c->has_engine_version || !version_ge(cur, v) ||
      (cur[0] == v[0] && cur[1] == v[1] && cur[2] == v[2] && 0)) {
    if (!c->has_engine_version || !version_ge(cur, v)) {
      c->has_engine_version = true;
      c->ev_major = v[0];
      c->ev_minor = v[1];
      c->ev_patch = v[2];
    }
  }
  static const char *const keys[] = {"required_engine_version", NULL};
  warn_unknown_keys(c, item, keys, &ctx);
  return true;
}

/* The name of an item (key "list", "macro", "rule", "name"): *ctx becomes
 * the item's context, unnamed while the name is read (its errors point at
 * the item), then named after it. */
static bool read_item_name(vigil_compiler *c, const vg_ynode *item,
                           const vg_ctx *parent, vg_itype it, const char *key,
                           vg_ctx *ctx, dval *name) {
  vg_ctx_child(ctx, parent, item, it, "");
  if (!decode(c, item, key, K_STR, false, false, ctx, name))
    return false;
  vg_ctx_child(ctx, parent, item, it, name->s);
  return true;
}

/* The deprecated `append: true` (a warning) and the `override:` mapping of
 * a list, macro or rule item: both together are an error. *append tells
 * whether `append: true` was written. */
static bool read_append(vigil_compiler *c, const vg_ynode *item,
                        const char *const *can_app,
                        const char *const *can_rep, const vg_ctx *ctx,
                        bool *append, ovr *o) {
  dval app;
  if (!decode(c, item, "append", K_BOOL, true, false, ctx, &app))
    return false;
  if (app.b)
    vg_add_warning(c, VG_LOAD_DEPRECATED_ITEM, WARNING_APPEND, ctx, NULL);
  if (!decode_overrides(c, item, can_app, can_rep, ctx, o))
    return false;
  if (app.b && (o->napp || o->nrep))
    return fail(c, YAMLV, ERROR_OVERRIDE_APPEND, ctx);
  *append = app.b;
  return true;
}

/* One {name, version} mapping of required_plugin_versions: an entry or one
 * of its alternatives (it, and the error for a non-mapping, say which).
 * *ctx is the item's context, named after the plugin once its name is
 * read. */
static bool read_plugin_req(vigil_compiler *c, const vg_ynode *pl,
                            const vg_ctx *parent, vg_itype it,
                            const char *not_map, vg_ctx *ctx,
                            vg_plugin_req *out) {
  vg_ctx_child(ctx, parent, pl, it, "");
  if (pl->kind != VG_Y_MAP)
    return fail(c, YAMLV, not_map, ctx);
  dval name, ver;
  if (!read_item_name(c, pl, parent, it, "name", ctx, &name))
    return false;
  if (!decode(c, pl, "version", K_STR, false, false, ctx, &ver))
    return false;
  out->name = name.s;
  out->version = ver.s;
  return true;
}

static bool read_plugin_versions(vigil_compiler *c, const vg_ynode *item,
                                 const vg_ctx *parent) {
  const vg_ynode *rpv = vg_ymap_get(item, "required_plugin_versions");
  vg_ctx ctx;
  vg_ctx_child(&ctx, parent, rpv, VG_IT_REQUIRED_PLUGIN_VERSIONS, "");
  if (rpv->kind != VG_Y_SEQ)
    return fail(c, YAMLV,
                "Value of required_plugin_versions must be a sequence", &ctx);
  for (size_t i = 0; i < rpv->n; i++) {
    const vg_ynode *pl = rpv->kids[i];
    vg_ctx gctx;
    vg_plugin_req req;
    if (!read_plugin_req(c, pl, &ctx, VG_IT_REQUIRED_PLUGIN_VERSIONS_ENTRY,
                         "Plugin version must be a mapping", &gctx, &req))
      return false;
    vg_plugin_group *g = vg_arena_alloc(&c->a, sizeof *g);
    if (!g)
      return false;
    g->ctx = gctx;
    const vg_ynode *alts = vg_ymap_get(pl, "alternatives");
    size_t na = alts && alts->kind == VG_Y_SEQ ? alts->n : 0;
    g->alts = vg_arena_alloc(&c->a, (na + 1) * sizeof *g->alts);
    if (!g->alts)
      return false;
    g->alts[0] = req;
    g->n = 1;
    if (alts) {
      if (alts->kind != VG_Y_SEQ)
        return fail(c, YAMLV,
                    "Value of plugin version alternatives must be a sequence",
                    &g->ctx);
      for (size_t j = 0; j < alts->n; j++) {
        vg_ctx actx;
        if (!read_plugin_req(c, alts->kids[j], &g->ctx,
                             VG_IT_REQUIRED_PLUGIN_VERSIONS_ALTERNATIVE,
                             "Plugin version alternative must be a mapping",
                             &actx, &g->alts[g->n]))
          return false;
        g->n++;
      }
    }
    /* collector define */
    for (size_t j = 0; j < g->n; j++) {
      unsigned v[3];
      if (!vg_parse_version(g->alts[j].version, v))
        return fail(c, VALID,
                    vg_fmt(c, "Invalid required version '%s' for plugin '%s'",
                           g->alts[j].version, g->alts[j].name),
                    &g->ctx);
      for (size_t k = 0; k < j; k++)
        if (!strcmp(g->alts[k].name, g->alts[j].name))
          return fail(c, VALID,
                      vg_fmt(c,
                             "Defined multiple alternative version "
                             "requirements for plugin '%s'",
                             g->alts[j].name),
                      &g->ctx);
    }
    if (!vg_ptrvec_push(&c->a, &c->plugin_groups, g))
      return false;
    if (c->opts.auto_plugins && !c->opts.no_plugins) {
      /* The host loads what the rules require: unless an alternative is
       * loaded already, the first one vigil embeds. */
      bool have = false;
      for (size_t j = 0; j < g->n && !have; j++)
        have = vg_sema_env_plugin(c->env, g->alts[j].name) != NULL;
      for (size_t j = 0; j < g->n && !have; j++)
        if (vg_plugin_find(g->alts[j].name)) {
          if (!vg_sema_env_add_plugin(c->env, g->alts[j].name, NULL))
            return false;
          have = true;
        }
    }
  }
  static const char *const keys[] = {"required_plugin_versions", NULL};
  vg_ctx rctx;
  vg_ctx_child(&rctx, parent, item, VG_IT_REQUIRED_PLUGIN_VERSIONS, "");
  warn_unknown_keys(c, item, keys, &rctx);
  return true;
}

static bool read_list(vigil_compiler *c, const vg_ynode *item,
                      const vg_ctx *parent) {
  vg_ctx ctx;
  dval name;
  if (!read_item_name(c, item, parent, VG_IT_LIST, "list", &ctx, &name))
    return false;
  /* [^()"'[:space:]=,]+ */
  bool bad = name.s[0] == 0;
  for (const char *p = name.s; *p; p++)
    if (strchr("()\"'=, \t\n\r\v\f", *p))
      bad = true;
  if (bad)
    vg_add_warning(c, VG_LOAD_INVALID_LIST_NAME,
                   "List has an invalid name. List names should match a "
                   "regular expression: ([^()\"'[:space:]=,]+)",
                   &ctx, NULL);
  const vg_ynode *seq;
  if (!decode_seq(c, item, "items", false, &ctx, &seq))
    return false;
  bool append;
  ovr o;
  if (!read_append(c, item, LIST_OVR, LIST_OVR, &ctx, &append, &o))
    return false;
  append = append || ovr_has(o.app, o.napp, "items");
  vg_list_info v;
  memset(&v, 0, sizeof v);
  v.name = name.s;
  v.items = seq_items(c, seq, &v.nitems);
  v.ctx = ctx;
  if (append) {
    vg_list_info *prev = vg_find_list(c, v.name);
    if (!prev)
      return fail(c, VALID, ERROR_NO_PREVIOUS_LIST, &ctx);
    const char **ni =
        vg_arena_alloc(&c->a, (prev->nitems + v.nitems + 1) * sizeof *ni);
    if (!ni)
      return false;
    if (prev->nitems)
      memcpy(ni, prev->items, prev->nitems * sizeof *ni);
    if (v.nitems)
      memcpy(ni + prev->nitems, v.items, v.nitems * sizeof *ni);
    prev->items = ni;
    prev->nitems += v.nitems;
    prev->visibility = c->counter++;
  } else if (!add_entity(c, &c->lists, &c->hlists, &v, v.name, sizeof v,
                         &v.index, &v.visibility)) {
    return fail(c, VALID, "out of memory", &ctx);
  }
  static const char *const keys[] = {"list", "items", "append", "override",
                                     NULL};
  warn_unknown_keys(c, item, keys, &ctx);
  return true;
}

static bool read_macro(vigil_compiler *c, const vg_ynode *item,
                       const vg_ctx *parent) {
  vg_ctx ctx;
  dval name;
  if (!read_item_name(c, item, parent, VG_IT_MACRO, "macro", &ctx, &name))
    return false;
  /* [a-zA-Z]+[a-zA-Z0-9_]* */
  bool bad = !((name.s[0] >= 'a' && name.s[0] <= 'z') ||
               (name.s[0] >= 'A' && name.s[0] <= 'Z'));
  for (const char *p = name.s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9') || *p == '_'))
      bad = true;
  if (bad)
    vg_add_warning(c, VG_LOAD_INVALID_MACRO_NAME,
                   "Macro has an invalid name. Macro names should match a "
                   "regular expression: ([a-zA-Z]+[a-zA-Z0-9_]*)",
                   &ctx, NULL);
  vg_macro_info v;
  memset(&v, 0, sizeof v);
  v.name = name.s;
  dval cond;
  if (!decode(c, item, "condition", K_STR, false, false, &ctx, &cond))
    return false;
  v.cond = ctext_of(c, cond.node);
  v.ctx = ctx;
  vg_ctx_child(&v.cond_ctx, &ctx, cond.node, VG_IT_MACRO_CONDITION, "");
  bool append;
  ovr o;
  if (!read_append(c, item, MACRO_OVR, MACRO_OVR, &ctx, &append, &o))
    return false;
  append = append || ovr_has(o.app, o.napp, "condition");
  if (append) {
    vg_macro_info *prev = vg_find_macro(c, v.name);
    if (!prev)
      return fail(c, VALID, ERROR_NO_PREVIOUS_MACRO, &ctx);
    ctext_append(c, &prev->cond, &v.cond);
    prev->visibility = c->counter++;
  } else if (!add_entity(c, &c->macros, &c->hmacros, &v, v.name, sizeof v,
                         &v.index, &v.visibility)) {
    return fail(c, VALID, "out of memory", &ctx);
  }
  static const char *const keys[] = {"macro", "condition", "append", "override",
                                     NULL};
  warn_unknown_keys(c, item, keys, &ctx);
  return true;
}

/* The update part of a rule item (append or selective replace). */
typedef struct rupd {
  bool has_cond, has_output, has_desc, has_tags, has_exc, has_prio, has_capture,
      has_capdur, has_enabled, has_warn, has_skip;
  vg_ctext cond;
  const char *source, *output, *desc;
  const char **tags;
  size_t ntags;
  vg_exception *exc;
  size_t nexc;
  int prio;
  bool capture, enabled, warn, skip;
  uint32_t capdur;
} rupd;

static bool rupd_any(const rupd *u) {
  return u->has_cond || u->has_output || u->has_desc || u->has_tags ||
         u->has_exc || u->has_prio || u->has_capture || u->has_capdur ||
         u->has_enabled || u->has_warn || u->has_skip;
}

static bool rule_append(vigil_compiler *c, const char *name, rupd *u,
                        const vg_ctx *ctx) {
  vg_rule_info *prev;
  if (!find_prev_rule(c, name, u->source, ctx, &prev))
    return false;
  if (!prev)
    return fail(c, VALID, ERROR_NO_PREVIOUS_RULE_APPEND, ctx);
  if (!rupd_any(u))
    return fail(c, VALID,
                "Appended rule must have exceptions or condition property",
                ctx);
  const char *source = prev->unknown_source ? NULL : prev->source;
  if (u->has_cond && u->cond.text[0])
    ctext_append(c, &prev->cond, &u->cond);
  if (u->has_output && u->output[0])
    prev->output = vg_fmt(c, "%s %s", prev->output, u->output);
  /* (an appended output keeps its prefix: spans stay valid) */
  if (u->has_desc && u->desc[0])
    prev->desc = vg_fmt(c, "%s %s", prev->desc, u->desc);
  if (u->has_tags) {
    const char **all =
        vg_arena_alloc(&c->a, (prev->ntags + u->ntags + 1) * sizeof *all);
    if (!all)
      return false;
    if (prev->ntags)
      memcpy(all, prev->tags, prev->ntags * sizeof *all);
    if (u->ntags)
      memcpy(all + prev->ntags, u->tags, u->ntags * sizeof *all);
    prev->tags = set_of(c, all, prev->ntags + u->ntags, &prev->ntags);
  }
  if (u->has_exc) {
    for (size_t i = 0; i < u->nexc; i++) {
      vg_exception *ex = &u->exc[i];
      vg_exception *pe = NULL;
      for (size_t j = 0; j < prev->nexceptions; j++)
        if (!strcmp(prev->exceptions[j].name, ex->name)) {
          pe = &prev->exceptions[j];
          break;
        }
      if (!pe) {
        if (!ex->fields.valid)
          return fail(c, VALID,
                      "Rule exception must have fields property with a list "
                      "of fields",
                      &ex->ctx);
        if (ex->nvalues == 0)
          return fail(c, VALID,
                      "Rule exception must have values property with a list "
                      "of values",
                      &ex->ctx);
        if (!validate_exception(c, source, ex))
          return false;
        vg_exception *ne =
            vg_arena_alloc(&c->a, (prev->nexceptions + 1) * sizeof *ne);
        if (!ne)
          return false;
        if (prev->nexceptions)
          memcpy(ne, prev->exceptions, prev->nexceptions * sizeof *ne);
        ne[prev->nexceptions++] = *ex;
        prev->exceptions = ne;
      } else {
        if (ex->fields.valid)
          return fail(c, VALID,
                      "Can not append exception fields to existing "
                      "exception, only values",
                      &ex->ctx);
        if (ex->comps.valid)
          return fail(c, VALID,
                      "Can not append exception comps to existing "
                      "exception, only values",
                      &ex->ctx);
        vg_xentry *nv =
            vg_arena_alloc(&c->a, (pe->nvalues + ex->nvalues + 1) * sizeof *nv);
        if (!nv)
          return false;
        if (pe->nvalues)
          memcpy(nv, pe->values, pe->nvalues * sizeof *nv);
        if (ex->nvalues)
          memcpy(nv + pe->nvalues, ex->values, ex->nvalues * sizeof *nv);
        pe->values = nv;
        pe->nvalues += ex->nvalues;
      }
    }
  }
  prev->visibility = c->counter++;
  return true;
}

static bool rule_replace(vigil_compiler *c, const char *name, rupd *u,
                         const vg_ctx *ctx) {
  vg_rule_info *prev;
  if (!find_prev_rule(c, name, u->source, ctx, &prev))
    return false;
  if (!prev)
    return fail(c, VALID, ERROR_NO_PREVIOUS_RULE_REPLACE, ctx);
  if (!rupd_any(u))
    return fail(c, VALID,
                "The rule must have at least one field that can be replaced",
                ctx);
  const char *source = prev->unknown_source ? NULL : prev->source;
  if (u->has_cond)
    prev->cond = u->cond;
  if (u->has_output) {
    prev->output = u->output;
    prev->output_node = NULL;
  }
  if (u->has_desc)
    prev->desc = u->desc;
  if (u->has_tags) {
    prev->tags = u->tags;
    prev->ntags = u->ntags;
  }
  if (u->has_exc) {
    /* vigil validates replaced exceptions (the spec's MUST, 4.3) */
    for (size_t i = 0; i < u->nexc; i++)
      if (!validate_exception(c, source, &u->exc[i]))
        return false;
    prev->exceptions = u->exc;
    prev->nexceptions = u->nexc;
  }
  if (u->has_prio)
    prev->priority = u->prio;
  if (u->has_capture)
    prev->capture = u->capture;
  if (u->has_capdur)
    prev->capture_duration = u->capdur;
  if (u->has_enabled)
    prev->enabled = u->enabled;
  if (u->has_warn)
    prev->warn_evttypes = u->warn;
  if (u->has_skip)
    prev->skip_unknown = u->skip;
  prev->visibility = c->counter++;
  return true;
}

/* check_update_expected: the key is in the override set; it must be
 * written in the item. Removes it from the expected set. */
static bool upd_expected(vigil_compiler *c, const char **exp, size_t *nexp,
                         const char *const *ov, size_t nov, const char *op,
                         const char *key, const vg_ctx *ctx, bool *take) {
  *take = false;
  if (!ovr_has(ov, nov, key))
    return true;
  size_t i;
  for (i = 0; i < *nexp; i++)
    if (!strcmp(exp[i], key))
      break;
  if (i == *nexp)
    return fail(c, YAMLV,
                vg_fmt(c,
                       "An %s override for '%s' was specified but '%s' is "
                       "not defined",
                       op, key, key),
                ctx);
  exp[i] = exp[--*nexp];
  *take = true;
  return true;
}

static bool decode_tags(vigil_compiler *c, const vg_ynode *item,
                        const vg_ctx *ctx, const char ***tags, size_t *n) {
  const vg_ynode *seq;
  if (!decode_seq(c, item, "tags", true, ctx, &seq))
    return false;
  size_t k;
  const char **v = seq_items(c, seq, &k);
  *tags = set_of(c, v, k, n);
  return true;
}

static bool read_update(vigil_compiler *c, const vg_ynode *item,
                        const vg_ctx *ctx, const char *source, bool append,
                        const char *const *ov, size_t nov, const char **exp,
                        size_t *nexp, rupd *u) {
  const char *op = append ? "append" : "replace";
  bool t;
  dval d;
  memset(u, 0, sizeof *u);
  u->source = "";
  if (!upd_expected(c, exp, nexp, ov, nov, op, "condition", ctx, &t))
    return false;
  if (t) {
    u->source = source;
    if (!decode(c, item, "condition", K_STR, false, false, ctx, &d))
      return false;
    u->has_cond = true;
    u->cond = ctext_of(c, d.node);
  }
  if (!upd_expected(c, exp, nexp, ov, nov, op, "exceptions", ctx, &t))
    return false;
  if (t) {
    bool present;
    if (!read_exceptions(c, item, ctx, append, &u->exc, &u->nexc, &present))
      return false;
    u->has_exc = true;
  }
  if (!upd_expected(c, exp, nexp, ov, nov, op, "output", ctx, &t))
    return false;
  if (t) {
    if (!decode(c, item, "output", K_STR, false, false, ctx, &d))
      return false;
    u->has_output = true;
    u->output = d.s;
  }
  if (!upd_expected(c, exp, nexp, ov, nov, op, "desc", ctx, &t))
    return false;
  if (t) {
    if (!decode(c, item, "desc", K_STR, false, false, ctx, &d))
      return false;
    u->has_desc = true;
    u->desc = d.s;
  }
  if (!upd_expected(c, exp, nexp, ov, nov, op, "tags", ctx, &t))
    return false;
  if (t) {
    if (!decode_tags(c, item, ctx, &u->tags, &u->ntags))
      return false;
    u->has_tags = true;
  }
  if (append)
    return true;
  if (!upd_expected(c, exp, nexp, ov, nov, op, "priority", ctx, &t))
    return false;
  if (t) {
    if (!decode(c, item, "priority", K_STR, false, false, ctx, &d))
      return false;
    vg_ctx pctx;
    vg_ctx_child(&pctx, ctx, d.node, VG_IT_RULE_PRIORITY, "");
    u->prio = parse_priority(d.s);
    if (u->prio < 0)
      return fail_prio(c, &pctx);
    u->has_prio = true;
  }
  static const struct {
    const char *key;
    dkind k;
  } rest[] = {{"capture", K_BOOL},
              {"capture_duration", K_U32},
              {"enabled", K_BOOL},
              {"warn_evttypes", K_BOOL},
              {"skip-if-unknown-filter", K_BOOL}};
  for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++) {
    if (!upd_expected(c, exp, nexp, ov, nov, op, rest[i].key, ctx, &t))
      return false;
    if (!t)
      continue;
    if (!decode(c, item, rest[i].key, rest[i].k, false, false, ctx, &d))
      return false;
    switch (i) {
    case 0:
      u->has_capture = true;
      u->capture = d.b;
      break;
    case 1:
      u->has_capdur = true;
      u->capdur = d.u;
      break;
    case 2:
      u->has_enabled = true;
      u->enabled = d.b;
      break;
    case 3:
      u->has_warn = true;
      u->warn = d.b;
      break;
    default:
      u->has_skip = true;
      u->skip = d.b;
      break;
    }
  }
  return true;
}

static bool read_rule(vigil_compiler *c, const vg_ynode *item,
                      const vg_ctx *parent) {
  vg_ctx ctx;
  dval name;
  if (!read_item_name(c, item, parent, VG_IT_RULE, "rule", &ctx, &name))
    return false;
  dval src;
  if (!decode(c, item, "source", K_STR, true, true, &ctx, &src))
    return false;
  const char *source = src.s;
  bool app_b;
  ovr o;
  if (!read_append(c, item, RULE_APPEND, RULE_REPLACE, &ctx, &app_b, &o))
    return false;
  bool has_ovr = o.napp || o.nrep;

  if (has_ovr) {
    /* expected keys: (appendable U replaceable) written in the item, kept
     * sorted as Falco's std::set */
    const char *exp[32];
    size_t nexp = 0;
    static const char *const all[] = {
        "capture", "capture_duration", "condition",
        "desc",    "enabled",          "exceptions",
        "output",  "priority",         "skip-if-unknown-filter",
        "tags",    "warn_evttypes",    NULL};
    for (size_t i = 0; all[i]; i++)
      if (vg_ymap_get(item, all[i]))
        exp[nexp++] = all[i];
    rupd u;
    if (o.napp) {
      if (!read_update(c, item, &ctx, source, true, o.app, o.napp, exp, &nexp,
                       &u))
        return false;
      if (!rule_append(c, name.s, &u, &ctx))
        return false;
    }
    if (o.nrep) {
      if (!read_update(c, item, &ctx, source, false, o.rep, o.nrep, exp, &nexp,
                       &u))
        return false;
      if (!rule_replace(c, name.s, &u, &ctx))
        return false;
    }
    if (nexp) {
      /* the lexicographically first remaining key */
      size_t best = 0;
      for (size_t i = 1; i < nexp; i++)
        if (strcmp(exp[i], exp[best]) < 0)
          best = i;
      vg_ctx kctx;
      vg_ctx_child(&kctx, &ctx, vg_ymap_get(item, exp[best]), VG_IT_OVERRIDES,
                   exp[best]);
      return fail(c, YAMLV,
                  vg_fmt(c,
                         "Unexpected key '%s': no corresponding entry under "
                         "'override' is defined.",
                         exp[best]),
                  &kctx);
    }
  } else if (app_b) {
    rupd u;
    memset(&u, 0, sizeof u);
    u.source = source;
    dval d;
    if (vg_ymap_get(item, "condition")) {
      if (!decode(c, item, "condition", K_STR, false, false, &ctx, &d))
        return false;
      u.has_cond = true;
      u.cond = ctext_of(c, d.node);
    }
    if (vg_ymap_get(item, "exceptions")) {
      bool present;
      if (!read_exceptions(c, item, &ctx, true, &u.exc, &u.nexc, &present))
        return false;
      u.has_exc = true;
    }
    if (!rule_append(c, name.s, &u, &ctx))
      return false;
  } else if (!vg_ymap_get(item, "condition") && !vg_ymap_get(item, "output") &&
             !vg_ymap_get(item, "desc") && !vg_ymap_get(item, "priority")) {
    dval en;
    if (!decode(c, item, "enabled", K_BOOL, false, false, &ctx, &en))
      return false;
    vg_add_warning(c, VG_LOAD_DEPRECATED_ITEM, WARNING_ENABLED, &ctx, NULL);
    vg_rule_info *prev = vg_find_rule(c, name.s);
    if (!prev)
      return fail(c, VALID,
                  "Rule has 'enabled' key but no rule by that name already "
                  "exists",
                  &ctx);
    prev->enabled = en.b;
  } else {
    vg_rule_info v;
    memset(&v, 0, sizeof v);
    v.name = name.s;
    v.enabled = true;
    v.warn_evttypes = true;
    v.ctx = ctx;
    dval d;
    if (!decode(c, item, "condition", K_STR, false, false, &ctx, &d))
      return false;
    v.cond = ctext_of(c, d.node);
    vg_ctx_child(&v.cond_ctx, &ctx, d.node, VG_IT_RULE_CONDITION, "");
    if (!decode(c, item, "output", K_STR, false, false, &ctx, &d))
      return false;
    vg_ctx_child(&v.output_ctx, &ctx, d.node, VG_IT_RULE_OUTPUT, "");
    v.output_node = d.node;
    {
      const char *s = d.s;
      size_t b = strspn(s, " \t\n\r\f\v"), e = strlen(s);
      while (e > b && strchr(" \t\n\r\f\v", s[e - 1]))
        e--;
      v.output = vg_arena_strndup(&c->a, s + b, e - b);
    }
    if (!decode(c, item, "desc", K_STR, false, false, &ctx, &d))
      return false;
    v.desc = d.s;
    if (!decode(c, item, "priority", K_STR, false, false, &ctx, &d))
      return false;
    vg_ctx pctx;
    vg_ctx_child(&pctx, &ctx, d.node, VG_IT_RULE_PRIORITY, "");
    v.priority = parse_priority(d.s);
    if (v.priority < 0)
      return fail_prio(c, &pctx);
    v.source = "syscall";
    if (!decode(c, item, "source", K_STR, true, false, &ctx, &d))
      return false;
    if (d.present) {
      v.source = d.s;
      v.has_source = true;
    }
    if (!decode(c, item, "enabled", K_BOOL, true, false, &ctx, &d))
      return false;
    if (d.present)
      v.enabled = d.b;
    if (!decode(c, item, "capture", K_BOOL, true, false, &ctx, &d))
      return false;
    if (d.present)
      v.capture = d.b;
    if (!decode(c, item, "capture_duration", K_U32, true, false, &ctx, &d))
      return false;
    if (d.present)
      v.capture_duration = d.u;
    if (!decode(c, item, "warn_evttypes", K_BOOL, true, false, &ctx, &d))
      return false;
    if (d.present)
      v.warn_evttypes = d.b;
    if (!decode(c, item, "skip-if-unknown-filter", K_BOOL, true, false, &ctx,
                &d))
      return false;
    if (d.present)
      v.skip_unknown = d.b;
    if (!decode_tags(c, item, &ctx, &v.tags, &v.ntags))
      return false;
    bool present;
    if (!read_exceptions(c, item, &ctx, false, &v.exceptions, &v.nexceptions,
                         &present))
      return false;
    /* collector define */
    vg_rule_info *prev;
    if (!find_prev_rule(c, v.name, v.source, &ctx, &prev))
      return false;
    bool known = vg_load_source_known(c, v.source);
    if (!known) {
      v.unknown_source = true;
      vg_add_warning(c, VG_LOAD_UNKNOWN_SOURCE,
                     vg_fmt(c, "Unknown source %s, skipping", v.source), &ctx,
                     NULL);
    }
    for (size_t i = 0; i < v.nexceptions; i++) {
      vg_exception *ex = &v.exceptions[i];
      if (!ex->fields.valid)
        return fail(c, VALID,
                    "Rule exception item must have fields property with a "
                    "list of fields",
                    &ex->ctx);
      if (!validate_exception(c, known ? v.source : NULL, ex))
        return false;
    }
    if (!add_entity(c, &c->rules, &c->hrules, &v, v.name, sizeof v, &v.index,
                    &v.visibility))
      return fail(c, VALID, "out of memory", &ctx);
  }
  static const char *const keys[] = {"rule",
                                     "condition",
                                     "output",
                                     "desc",
                                     "priority",
                                     "source",
                                     "enabled",
                                     "capture",
                                     "capture_duration",
                                     "warn_evttypes",
                                     "skip-if-unknown-filter",
                                     "tags",
                                     "exceptions",
                                     "override",
                                     "append",
                                     NULL};
  warn_unknown_keys(c, item, keys, &ctx);
  return true;
}

static bool read_item(vigil_compiler *c, const vg_ynode *item,
                      const vg_ctx *parent) {
  if (item->kind != VG_Y_MAP) {
    vg_ctx tmp;
    vg_ctx_child(&tmp, parent, item, VG_IT_RULES_CONTENT_ITEM, "");
    return fail(c, YAMLV,
                "Unexpected element type. Each element should be a yaml "
                "associative array.",
                &tmp);
  }
  if (vg_ymap_get(item, "required_engine_version"))
    return read_engine_version(c, item, parent);
  if (vg_ymap_get(item, "required_plugin_versions"))
    return read_plugin_versions(c, item, parent);
  if (vg_ymap_get(item, "list"))
    return read_list(c, item, parent);
  if (vg_ymap_get(item, "macro"))
    return read_macro(c, item, parent);
  if (vg_ymap_get(item, "rule"))
    return read_rule(c, item, parent);
  vg_ctx ctx;
  vg_ctx_child(&ctx, parent, item, VG_IT_RULES_CONTENT_ITEM, "");
  vg_add_warning(c, VG_LOAD_UNKNOWN_ITEM, "Unknown top level item", &ctx, NULL);
  return true;
}

void vg_read_file(vigil_compiler *c, const vg_file *f) {
  vg_ctx root;
  vg_ctx_root(c, &root, f->name);
  vg_ydocs docs;
  vg_yerror yerr;
  if (f->len > VG_MAX_RULES_FILE) {
    vg_add_error(c, VG_LOAD_ERR_FILE_READ,
                 vg_fmt(c, "file too large: more than %u bytes (rules file "
                           "size limit)", VG_MAX_RULES_FILE),
                 &root);
    return;
  }
  vigil_status st = vg_yaml_load(&c->a, f->text, f->len, &docs, &yerr);
  if (st != VIGIL_OK) {
    if (st == VIGIL_E_NOMEM) {
      vg_add_error(c, VALID, "out of memory", &root);
      return;
    }
    vg_ctx ictx = root;
    vigil_location *l = &ictx.locs[ictx.n++];
    l->item_type = vg_itype_name(VG_IT_VALUE_FOR);
    l->item_name = "";
    l->name = f->name;
    l->line = yerr.mark.line;
    l->column = yerr.mark.col;
    l->offset = yerr.mark.off;
    ictx.has_span = true;
    ictx.start = ictx.end = yerr.mark.off;
    vg_add_error(c, VG_LOAD_ERR_YAML_PARSE, vg_fmt(c, "%s", yerr.msg), &ictx);
    return;
  }
  const vg_ynode *bad_key = NULL;
  if (!vg_schema_check(c, f, &docs, c->res, &bad_key)) {
    /* Falco's schema check reads every key as a string; yaml-cpp cannot
     * convert a sequence or mapping key and the load fails */
    vg_ctx bctx = root;
    bctx.has_span = true;
    bctx.start = bad_key->mark.off;
    bctx.end = bad_key->end_off > bctx.start ? bad_key->end_off : bctx.start;
    vg_add_error(c, VG_LOAD_ERR_YAML_PARSE,
                 vg_fmt(c, "yaml-cpp: error at line %u, column %u: bad "
                           "conversion",
                        (unsigned)bad_key->mark.line + 1,
                        (unsigned)bad_key->mark.col + 1),
                 &bctx);
    return;
  }
  for (size_t d = 0; d < docs.n && !c->stop; d++) {
    const vg_ynode *doc = docs.docs[d];
    if (!doc || doc->kind == VG_Y_NULL)
      continue;
    if (doc->kind == VG_Y_SCALAR) {
      vg_add_error(c, YAMLV, "Rules content is not yaml", &root);
      break;
    }
    if (doc->kind != VG_Y_SEQ) {
      vg_add_error(c, YAMLV, "Rules content is not yaml array of objects",
                   &root);
      break;
    }
    for (size_t i = 0; i < doc->n && !c->stop; i++) {
      const vg_ynode *it = doc->kids[i];
      if (it->kind == VG_Y_NULL)
        continue;
      read_item(c, it, &root);
    }
  }
}
