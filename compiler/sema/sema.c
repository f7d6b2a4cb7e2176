/*
 * sema.c - semantic checks of one parsed condition for one event source
 * (rules-language.md 7.7-7.9, 8.2, 8.3, 8.7, 8.8): the environment of
 * loaded sources and plugins, the warning pass of Falco's rule loader, and
 * the compile check that mirrors libsinsp's filter compiler step by step so
 * the first error and its text are the ones Falco reports.
 */
#include "sema/sema.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sema/regex_check.h"
#include "util/alloc.h"
#include "vm/value.h"

/* ------------------------------------------------------------ environment */

struct vg_sema_env {
  char **sources; /* NULL: every source with a catalog */
  size_t nsources;
  vg_sema_plugin *plugins;
  size_t nplugins;
};

vg_sema_env *vg_sema_env_new(const char *const *sources, size_t nsources,
                             const vg_sema_plugin *plugins, size_t nplugins,
                             bool all_plugins) {
  vg_sema_env *env = vg_calloc(1, sizeof *env);
  if (!env)
    return NULL;
  if (sources && nsources > 0) {
    env->sources = vg_calloc(nsources, sizeof *env->sources);
    if (!env->sources)
      goto oom;
    for (size_t i = 0; i < nsources; i++) {
      env->sources[i] = vg_strdup(sources[i]);
      if (!env->sources[i])
        goto oom;
      env->nsources = i + 1;
    }
  }
  size_t n = (plugins == NULL && all_plugins) ? vg_nplugins : nplugins;
  if (n > 0) {
    env->plugins = vg_calloc(n, sizeof *env->plugins);
    if (!env->plugins)
      goto oom;
    for (size_t i = 0; i < n; i++) {
      const char *name = plugins ? plugins[i].name : vg_plugins[i].name;
      const char *ver = plugins ? plugins[i].version : vg_plugins[i].version;
      char *nm = vg_strdup(name ? name : "");
      char *vr = vg_strdup(ver ? ver : "");
      env->plugins[i].name = nm;
      env->plugins[i].version = vr;
      env->nplugins = i + 1;
      if (!nm || !vr)
        goto oom;
    }
  }
  return env;
oom:
  vg_sema_env_free(env);
  return NULL;
}

void vg_sema_env_free(vg_sema_env *env) {
  if (!env)
    return;
  for (size_t i = 0; i < env->nsources; i++)
    vg_free(env->sources[i]);
  vg_free(env->sources);
  for (size_t i = 0; i < env->nplugins; i++) {
    vg_free((char *)env->plugins[i].name);
    vg_free((char *)env->plugins[i].version);
  }
  vg_free(env->plugins);
  vg_free(env);
}

bool vg_sema_env_has_source(const vg_sema_env *env, const char *source) {
  if (!env->sources) {
    if (!strcmp(source, "syscall"))
      return true;
    const vg_plugin_def *p = vg_plugin_for_source(source);
    return p && vg_catalog_get(source) && vg_sema_env_plugin(env, p->name);
  }
  for (size_t i = 0; i < env->nsources; i++)
    if (!strcmp(env->sources[i], source))
      return true;
  return false;
}

const vg_sema_plugin *vg_sema_env_plugin(const vg_sema_env *env,
                                         const char *name) {
  for (size_t i = 0; i < env->nplugins; i++)
    if (!strcmp(env->plugins[i].name, name))
      return &env->plugins[i];
  return NULL;
}

static bool env_loaded(void *ud, const char *plugin) {
  return vg_sema_env_plugin(ud, plugin) != NULL;
}

bool vg_sema_env_fieldset(const vg_sema_env *env, const char *source,
                          vg_fieldset *fs) {
  return vg_fieldset_for_source(fs, source, env_loaded, (void *)env);
}

/* ----------------------------------------------------------- diagnostics */

static const char *arena_printf(vg_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *arena_printf(vg_arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return NULL;
  char *s = vg_arena_alloc(a, (size_t)n + 1);
  if (!s)
    return NULL;
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

/* ----------------------------------------------------------- warning pass */

static const char *const deprecated_fields[] = {
    "evt.dir",        "evt.latency",       "evt.latency.s",
    "evt.latency.ns", "evt.latency.human", "evt.wait_latency"};
#define NDEPRECATED (sizeof deprecated_fields / sizeof deprecated_fields[0])

static const char *deprecated_desc(size_t i) {
  if (i == 0)
    return "due to the drop of enter events, 'evt.dir = <' always evaluates "
           "to true, and 'evt.dir = >' always evaluates to false. The rule "
           "expression can be simplified by removing the condition on "
           "'evt.dir'";
  return "field is not available due to the drop of enter events.";
}

typedef struct warn_state {
  bool eq_check;
  bool last_unsafe;
  bool unsafe_na;
  bool deprecated[NDEPRECATED];
} warn_state;

static bool str_is(vg_str s, const char *lit) {
  return s.len == strlen(lit) && !memcmp(s.ptr, lit, s.len);
}

static bool is_equality_op(vg_op op) {
  return op == VG_OP_EQ || op == VG_OP_EQEQ || op == VG_OP_NE ||
         op == VG_OP_IN || op == VG_OP_INTERSECTS || op == VG_OP_PMATCH;
}

static void warn_visit(warn_state *w, const vg_node *n) {
  if (!n)
    return;
  switch (n->kind) {
  case VG_N_BINARY:
    w->last_unsafe = false;
    warn_visit(w, n->kids[0]);
    /* the modifier is part of Falco's operator text ("== oneof"), so a
     * modified check is not an equality check there */
    if (w->last_unsafe && n->mod == VG_MOD_NONE && is_equality_op(n->op)) {
      w->eq_check = true;
      warn_visit(w, n->kids[1]);
      w->eq_check = false;
    }
    return;
  case VG_N_FIELD:
    w->last_unsafe = (n->str.len >= 3 && !memcmp(n->str.ptr, "ka.", 3)) ||
                     (n->str.len >= 5 && !memcmp(n->str.ptr, "jevt.", 5));
    for (size_t i = 0; i < NDEPRECATED; i++)
      if (str_is(n->str, deprecated_fields[i]))
        w->deprecated[i] = true;
    return;
  case VG_N_VALUE:
    if (w->eq_check && str_is(n->str, "<NA>"))
      w->unsafe_na = true;
    return;
  case VG_N_LIST:
    if (w->eq_check)
      for (uint32_t i = 0; i < n->nkids; i++)
        if (n->kids[i] && str_is(n->kids[i]->str, "<NA>"))
          w->unsafe_na = true;
    return;
  default:
    for (uint32_t i = 0; i < n->nkids; i++)
      warn_visit(w, n->kids[i]);
    return;
  }
}

vigil_status vg_sema_warn_pass(const vg_sema_env *env, const char *source,
                               vg_arena *a, const vg_node *root,
                               vg_sema_diag_fn fn, void *ud) {
  (void)env;
  (void)source;
  (void)a;
  warn_state w;
  memset(&w, 0, sizeof w);
  warn_visit(&w, root);
  vg_sema_diag d;
  memset(&d, 0, sizeof d);
  d.at_root = true;
  if (w.unsafe_na) {
    d.warn = VG_LOAD_UNSAFE_NA_CHECK;
    d.msg = "";
    fn(ud, &d);
  }
  for (size_t i = 0; i < NDEPRECATED; i++) {
    if (!w.deprecated[i])
      continue;
    d.warn = VG_LOAD_DEPRECATED_ITEM;
    d.msg = deprecated_desc(i);
    d.deprecated_field = deprecated_fields[i];
    fn(ud, &d);
  }
  return VIGIL_OK;
}

/* ---------------------------------------------------------- compile check */

/* What libsinsp knows about one compiled operand: the check's own field
 * info (f*) and the info after transformers (t*). */
typedef struct opinfo {
  vg_ftype ftype;
  bool flist;
  const char *fname;
  uint32_t fflags;
  vg_ftype type;
  bool list;
  const char *name;
  uint32_t flags;
  bool evt_type;   /* the check is libsinsp's evt.type field */
  bool evt_around; /* the check is evt.around */
} opinfo;

typedef struct pending_warn {
  const char *msg;
  vg_pos pos;
} pending_warn;

typedef struct check_ctx {
  const vg_sema_env *env;
  vg_fieldset fs;
  vg_arena *a;
  vg_sema_diag_fn fn;
  void *ud;
  vg_pos pos; /* the check node being compiled (Falco's m_pos) */
  const char *err;
  bool nomem;
  pending_warn *warns;
  size_t nwarns, capwarns;
} check_ctx;

static vigil_status cfail(check_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static vigil_status cfail(check_ctx *c, const char *fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  c->err = vg_arena_strdup(c->a, buf);
  if (!c->err) {
    c->nomem = true;
    return VIGIL_E_NOMEM;
  }
  return VIGIL_E_COMPILE;
}

static void add_warn(check_ctx *c, const char *msg, vg_pos pos) {
  if (!msg) {
    c->nomem = true;
    return;
  }
  if (c->nwarns == c->capwarns) {
    size_t cap = c->capwarns ? c->capwarns * 2 : 8;
    pending_warn *nw = vg_arena_alloc(c->a, cap * sizeof *nw);
    if (!nw) {
      c->nomem = true;
      return;
    }
    if (c->nwarns)
      memcpy(nw, c->warns, c->nwarns * sizeof *nw);
    c->warns = nw;
    c->capwarns = cap;
  }
  c->warns[c->nwarns].msg = msg;
  c->warns[c->nwarns].pos = pos;
  c->nwarns++;
}

static const char *tr_name(vg_tr t) {
  static const char *const names[] = {"tolower", "toupper", "b64",
                                      "basename", "len",    "join",
                                      "concat",  "getopt",  "val"};
  return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

/* cmpop_to_str: '==' prints as '=' */
static const char *op_text(vg_op op) {
  switch (op) {
  case VG_OP_EXISTS: return "exists";
  case VG_OP_EQ:
  case VG_OP_EQEQ: return "=";
  case VG_OP_NE: return "!=";
  case VG_OP_LT: return "<";
  case VG_OP_LE: return "<=";
  case VG_OP_GT: return ">";
  case VG_OP_GE: return ">=";
  case VG_OP_CONTAINS: return "contains";
  case VG_OP_ICONTAINS: return "icontains";
  case VG_OP_BCONTAINS: return "bcontains";
  case VG_OP_STARTSWITH: return "startswith";
  case VG_OP_BSTARTSWITH: return "bstartswith";
  case VG_OP_ENDSWITH: return "endswith";
  case VG_OP_GLOB: return "glob";
  case VG_OP_IGLOB: return "iglob";
  case VG_OP_REGEX: return "regex";
  case VG_OP_IN: return "in";
  case VG_OP_INTERSECTS: return "intersects";
  case VG_OP_PMATCH: return "pmatch";
  default: return "unknown";
  }
}

/* std::to_string(cmpop) */
static const char *op_enum_text(vg_op op) {
  switch (op) {
  case VG_OP_PMATCH: return "PMATCH";
  case VG_OP_REGEX: return "REGEX";
  default: return "NONE";
  }
}

static bool type_is_numeric(vg_ftype t) {
  switch (t) {
  case VG_FT_INT8: case VG_FT_INT16: case VG_FT_INT32: case VG_FT_INT64:
  case VG_FT_UINT8: case VG_FT_UINT16: case VG_FT_UINT32: case VG_FT_UINT64:
  case VG_FT_ERRNO: case VG_FT_FD: case VG_FT_PID: case VG_FT_SYSCALLID:
  case VG_FT_SIGTYPE: case VG_FT_RELTIME: case VG_FT_ABSTIME: case VG_FT_PORT:
  case VG_FT_FLAGS8: case VG_FT_FLAGS16: case VG_FT_FLAGS32:
  case VG_FT_DOUBLE: case VG_FT_MODE: case VG_FT_ENUMFLAGS8:
  case VG_FT_ENUMFLAGS16: case VG_FT_ENUMFLAGS32:
    return true;
  default:
    return false;
  }
}

/* flt_is_comparable: "" when comparable, else the reason */
static vigil_status check_comparable(check_ctx *c, vg_op op, vg_mod mod,
                                     vg_ftype t, bool is_list) {
  const char *o = op_text(op);
  if (op == VG_OP_EXISTS)
    return VIGIL_OK;
  if (is_list) {
    switch (t) {
    case VG_FT_CHARBUF: case VG_FT_UINT64: case VG_FT_RELTIME:
    case VG_FT_ABSTIME: case VG_FT_BOOL: case VG_FT_IPADDR: case VG_FT_IPNET:
      if (op == VG_OP_IN || op == VG_OP_INTERSECTS)
        return VIGIL_OK;
      return cfail(c, "filter error: '%s' operator not supported list "
                      "filters", o);
    default:
      return cfail(c, "filter error: list filters are not supported for "
                      "type '%s'", vg_ftype_name(t));
    }
  }
  bool ok;
  const char *family;
  if (type_is_numeric(t)) {
    family = "numeric";
    ok = op == VG_OP_EQ || op == VG_OP_EQEQ || op == VG_OP_NE ||
         op == VG_OP_LT || op == VG_OP_LE || op == VG_OP_GT ||
         op == VG_OP_GE || op == VG_OP_IN || op == VG_OP_INTERSECTS;
  } else if (t == VG_FT_BOOL) {
    family = "numeric";
    ok = op == VG_OP_EQ || op == VG_OP_EQEQ || op == VG_OP_NE ||
         op == VG_OP_IN || op == VG_OP_INTERSECTS;
  } else if (t == VG_FT_IPV4ADDR || t == VG_FT_IPV4NET ||
             t == VG_FT_IPV6ADDR || t == VG_FT_IPV6NET ||
             t == VG_FT_IPADDR || t == VG_FT_IPNET) {
    ok = op == VG_OP_EQ || op == VG_OP_EQEQ || op == VG_OP_NE ||
         op == VG_OP_IN || op == VG_OP_INTERSECTS;
    if (!ok && mod != VG_MOD_NONE)
      return cfail(c, "filter error: '%s' with modifier not supported for "
                      "ip address and network filters", o);
    family = "ip address and network";
  } else if (t == VG_FT_CHARBUF || t == VG_FT_FSPATH ||
             t == VG_FT_FSRELPATH) {
    family = "string";
    ok = op != VG_OP_BCONTAINS && op != VG_OP_BSTARTSWITH;
  } else if (t == VG_FT_BYTEBUF) {
    family = "buffer";
    ok = op == VG_OP_EQ || op == VG_OP_EQEQ || op == VG_OP_NE ||
         op == VG_OP_CONTAINS || op == VG_OP_IN || op == VG_OP_STARTSWITH ||
         op == VG_OP_ENDSWITH || op == VG_OP_INTERSECTS ||
         op == VG_OP_BCONTAINS || op == VG_OP_BSTARTSWITH;
  } else {
    return cfail(c, "filter error: '%s' operator not supported for type "
                    "'%s'", o, vg_ftype_name(t));
  }
  if (ok)
    return VIGIL_OK;
  return cfail(c, "filter error: '%s' operator not supported for %s filters",
               o, family);
}

static void const_info(opinfo *o, bool is_list) {
  memset(o, 0, sizeof *o);
  o->ftype = o->type = VG_FT_CHARBUF;
  o->flist = o->list = is_list;
  o->fname = o->name = "NA";
}

static vigil_status compile_operand(check_ctx *c, const vg_node *n,
                                    opinfo *out);

/* A transformer argument: a field, a transformer, a constant or a list. */
static vigil_status compile_targ(check_ctx *c, const vg_node *n,
                                 opinfo *out) {
  if (n->kind == VG_N_VALUE) {
    const_info(out, false);
    return VIGIL_OK;
  }
  if (n->kind == VG_N_LIST) {
    if (n->nkids == 0)
      return cfail(c, "filter error: unexpected empty transformer list "
                      "element");
    const_info(out, n->nkids != 1);
    return VIGIL_OK;
  }
  if (n->kind == VG_N_TLIST) {
    for (uint32_t i = 0; i < n->nkids; i++) {
      opinfo e;
      vigil_status st = compile_targ(c, n->kids[i], &e);
      if (st != VIGIL_OK)
        return st;
    }
    const_info(out, true);
    return VIGIL_OK;
  }
  return compile_operand(c, n, out);
}

/* sinsp_filter_check::add_transformer for one-argument transformers */
static vigil_status add_transformer(check_ctx *c, opinfo *o, vg_tr tr) {
  if (tr == VG_TR_JOIN || tr == VG_TR_CONCAT || tr == VG_TR_GETOPT)
    return cfail(c, "unknown field transfomer '%s'", tr_name(tr));
  if (o->fflags & VG_FF_NO_TRANSFORMER)
    return cfail(c, "field '%s' does not support transformers", o->fname);
  bool ok = false;
  vg_ftype t = o->type;
  switch (tr) {
  case VG_TR_TOLOWER:
  case VG_TR_TOUPPER:
  case VG_TR_BASENAME:
    ok = t == VG_FT_CHARBUF || t == VG_FT_FSPATH || t == VG_FT_FSRELPATH;
    break;
  case VG_TR_B64:
    ok = t == VG_FT_CHARBUF || t == VG_FT_BYTEBUF;
    break;
  case VG_TR_LEN:
    if (o->list) {
      ok = true;
    } else {
      ok = t == VG_FT_CHARBUF || t == VG_FT_BYTEBUF || t == VG_FT_FSPATH ||
           t == VG_FT_FSRELPATH;
    }
    if (ok) {
      o->type = VG_FT_UINT64;
      o->list = false;
      o->flags &= ~(uint32_t)VG_FF_LIST;
    }
    break;
  default:
    break;
  }
  if (!ok)
    return cfail(c, "can't add field transformer: type '%s' is not supported "
                    "by '%s' transformer applied on %sfield '%s'",
                 vg_ftype_name(t), tr_name(tr), o->list ? "list " : "",
                 o->fname);
  return VIGIL_OK;
}

static vigil_status compile_transformer(check_ctx *c, const vg_node *n,
                                        opinfo *out) {
  uint32_t nargs = n->nkids;
  if (nargs == 0)
    return cfail(c, "filter error: found null child node on '%s' "
                    "transformer", tr_name(n->tr));
  /* in the arena: transformers nest deeply and this recurses */
  opinfo *args = vg_arena_alloc(c->a, nargs * sizeof *args);
  if (!args) {
    c->nomem = true;
    return VIGIL_E_NOMEM;
  }
  for (uint32_t i = 0; i < nargs; i++) {
    vigil_status st = compile_targ(c, n->kids[i], &args[i]);
    if (st != VIGIL_OK)
      return st;
  }
  if (n->tr == VG_TR_VAL) {
    if (n->has_arg)
      return cfail(c, "filter error: transformer 'val' does not support "
                      "field arguments");
    *out = args[0];
    return VIGIL_OK;
  }
  if (nargs == 1) {
    if (n->has_arg)
      return cfail(c, "filter error: transformer '%s' does not support field "
                      "arguments", tr_name(n->tr));
    *out = args[0];
    return add_transformer(c, out, n->tr);
  }
  /* multi-value transformers type their arguments by the arguments' own
   * field info, before any transformer applied to them */
  bool result_list = false;
  switch (n->tr) {
  case VG_TR_JOIN:
    if (nargs != 2)
      return cfail(c, "join() requires exactly 2 arguments: separator and "
                      "list");
    if (args[0].flist)
      return cfail(c, "join() first argument (separator) must be a single "
                      "value, not a list");
    if (!args[1].flist)
      return cfail(c, "join() second argument must be a list");
    if (n->has_arg)
      return cfail(c, "transformer 'join' does not support field arguments");
    break;
  case VG_TR_CONCAT:
    for (uint32_t i = 0; i < nargs; i++)
      if (args[i].ftype != VG_FT_CHARBUF || args[i].flist)
        return cfail(c, "concat() arguments must be strings");
    if (n->has_arg)
      return cfail(c, "transformer 'concat' does not support field "
                      "arguments");
    break;
  case VG_TR_GETOPT:
    if (nargs != 2)
      return cfail(c, "getopt() requires exactly 2 arguments: args list and "
                      "optstring");
    if (!args[0].flist)
      return cfail(c, "getopt() first argument must be a list");
    if (args[1].flist)
      return cfail(c, "getopt() second argument (optstring) must be a single "
                      "value");
    if (args[0].ftype != VG_FT_CHARBUF || args[1].ftype != VG_FT_CHARBUF)
      return cfail(c, "getopt() arguments must be strings");
    if (n->has_arg && n->arg.len != 1)
      return cfail(c, "getopt() field argument must be a single option "
                      "character");
    result_list = !n->has_arg;
    break;
  default:
    /* Falco throws a non-sinsp exception here; vigil reports it as a
     * condition compile error (7.8) */
    return cfail(c, "unknown multivalue transformer");
  }
  memset(out, 0, sizeof *out);
  out->ftype = VG_FT_CHARBUF;
  out->fname = "NA";
  out->type = VG_FT_CHARBUF;
  out->list = result_list;
  out->name = result_list ? "INTERNAL" : "NA";
  out->flags = result_list ? VG_FF_LIST : 0;
  return VIGIL_OK;
}

static vigil_status compile_operand(check_ctx *c, const vg_node *n,
                                    opinfo *out) {
  if (n->kind == VG_N_TRANSFORMER)
    return compile_transformer(c, n, out);
  if (n->kind != VG_N_FIELD)
    return cfail(c, "filter error: missing field in left-hand of binary "
                    "check");
  char msg[1024];
  vg_field_ref ref;
  vigil_status st =
      vg_field_resolve(&c->fs, n->str.ptr, n->str.len, n->arg.ptr,
                       n->arg.len, n->has_arg, &ref, msg, sizeof msg);
  if (st != VIGIL_OK)
    return cfail(c, "%s", msg);
  memset(out, 0, sizeof *out);
  out->ftype = out->type = ref.type;
  out->flist = out->list = ref.is_list;
  out->fname = out->name = ref.def->name;
  out->fflags = out->flags = ref.def->flags;
  bool evt_class = !ref.cls->plugin && !strcmp(ref.cls->name, "evt");
  out->evt_type = evt_class && !strcmp(ref.def->name, "evt.type");
  out->evt_around = evt_class && !strcmp(ref.def->name, "evt.around");
  return VIGIL_OK;
}

/* ------------------------------------------------------ value warnings */

static void regex_warning(check_ctx *c, vg_str v, vg_pos pos) {
  static const char special[] = ".+*?^$()[]{}|\\";
  size_t len = v.len;
  for (size_t i = 0; i < len; i++) {
    char ch = v.ptr[i];
    if ((i == 0 && ch == '^') || (i == len - 1 && ch == '$'))
      continue;
    if (((i == 0 && len > 1) || (i + 2 == len)) && ch == '.' &&
        i + 1 < len && strchr("+*?", v.ptr[i + 1]) && v.ptr[i + 1]) {
      i++;
      continue;
    }
    if (ch && strchr(special, ch))
      return;
  }
  add_warn(c,
           arena_printf(c->a,
                        "regex check with '%.*s' may be optimized with "
                        "simpler operators such as '=', 'contains', "
                        "'startswith', 'endswith'",
                        (int)v.len, v.ptr),
           pos);
}

static void value_warnings(check_ctx *c, vg_op op, vg_str v, vg_pos pos) {
  char nosp[512];
  size_t k = 0;
  bool too_long = false;
  for (size_t i = 0; i < v.len; i++) {
    if (isspace((unsigned char)v.ptr[i]))
      continue;
    if (k + 1 >= sizeof nosp) {
      too_long = true;
      break;
    }
    nosp[k++] = v.ptr[i];
  }
  nosp[k] = '\0';
  if (op == VG_OP_REGEX)
    regex_warning(c, v, pos);
  if (!too_long && k > 0 && vg_field_exists(&c->fs, nosp, k))
    add_warn(c,
             arena_printf(c->a,
                          "'%.*s' may be a valid field misused as a const "
                          "string value",
                          (int)v.len, v.ptr),
             pos);
  if (!too_long) {
    for (int t = 0; t < VG_TR__COUNT; t++) {
      const char *tn = tr_name((vg_tr)t);
      size_t tl = strlen(tn);
      if (k >= tl + 2 && !memcmp(nosp, tn, tl) && nosp[tl] == '(' &&
          nosp[k - 1] == ')')
        add_warn(c,
                 arena_printf(c->a,
                              "'%.*s' may be a valid field transformer "
                              "misused as a const string value",
                              (int)v.len, v.ptr),
                 pos);
    }
  }
}

/* An asynchronous event name declared by a loaded plugin (8.7). */
static bool async_event_known(check_ctx *c, const char *name, size_t len) {
  for (size_t i = 0; i < vg_nplugins; i++) {
    const vg_plugin_def *p = &vg_plugins[i];
    if (!p->async_events || !vg_sema_env_plugin(c->env, p->name))
      continue;
    for (const char *const *a = p->async_events; *a; a++)
      if (strlen(*a) == len && !memcmp(*a, name, len))
        return true;
  }
  return false;
}

/* One constant of the right-hand side: add_filtercheck_value */
static vigil_status add_value(check_ctx *c, const opinfo *l, vg_op op,
                              vg_str v, vg_pos rpos) {
  value_warnings(c, op, v, rpos);
  bool bytes_op = op == VG_OP_BCONTAINS || op == VG_OP_BSTARTSWITH;
  uint8_t scratch[1024];
  uint8_t *sp = scratch;
  if (bytes_op && v.len / 2 > sizeof scratch) {
    sp = vg_arena_alloc(c->a, v.len / 2 + 1);
    if (!sp) {
      c->nomem = true;
      return VIGIL_E_NOMEM;
    }
  }
  vg_value val;
  char err[1024];
  vigil_status st =
      vg_value_parse(l->type, v.ptr, v.len, bytes_op, sp, &val, err,
                     sizeof err);
  if (st != VIGIL_OK)
    return cfail(c, "%s", err);
  if (l->evt_type) {
    /* validate_filter_value: the text as converted */
    size_t n = strnlen(v.ptr, v.len);
    if (!vg_event_name_known(v.ptr, n) && !async_event_known(c, v.ptr, n))
      return cfail(c, "unknown event type %.*s", (int)n, v.ptr);
  } else if (l->evt_around) {
    if (op != VG_OP_EQ && op != VG_OP_EQEQ)
      return cfail(c, "evt.around supports only '=' comparison operator");
  }
  if (op == VG_OP_REGEX) {
    const uint8_t *p = val.v.s.p;
    size_t n = val.v.s.n;
    if (val.type != VG_FT_CHARBUF && val.type != VG_FT_FSPATH &&
        val.type != VG_FT_FSRELPATH && val.type != VG_FT_BYTEBUF) {
      p = (const uint8_t *)v.ptr;
      n = v.len;
    }
    char why[256];
    if (!vg_regex_check_re2_posix((const char *)p, n, why, sizeof why))
      return cfail(c, "invalid regex pattern: %s", why);
  }
  return VIGIL_OK;
}

static vigil_status check_binary(check_ctx *c, const vg_node *n) {
  opinfo l;
  vigil_status st = compile_operand(c, n->kids[0], &l);
  if (st != VIGIL_OK)
    return st;
  st = check_comparable(c, n->op, n->mod, l.type, l.list);
  if (st != VIGIL_OK)
    return st;
  const vg_node *r = n->kids[1];
  if (r->kind == VG_N_TRANSFORMER || r->kind == VG_N_FIELD) {
    opinfo rr;
    st = compile_operand(c, r, &rr);
    if (st != VIGIL_OK)
      return st;
    if (n->op == VG_OP_PMATCH || n->op == VG_OP_REGEX)
      return cfail(c, "operator '%s' doesn't support right-hand side fields",
                   op_enum_text(n->op));
    if (l.type == VG_FT_IPNET || l.type == VG_FT_IPV4NET ||
        l.type == VG_FT_IPV6NET)
      return cfail(c, "field type 'IPNET' doesn't support right-hand side "
                      "fields");
    if (l.flags & VG_FF_NO_RHS)
      return cfail(c, "field '%s' doesn't support right-hand side fields",
                   l.name);
    if (rr.flags & VG_FF_NO_RHS)
      return cfail(c, "field '%s' can't be used as a right-hand side field",
                   rr.name);
    if (l.type != rr.type || l.list != rr.list)
      return cfail(c, "field '%s' has type '%s%s' while the right-hand side "
                      "field '%s' has incompatible type '%s%s'",
                   l.name, vg_ftype_name(l.type), l.list ? " (list)" : "",
                   rr.name, vg_ftype_name(rr.type),
                   rr.list ? " (list)" : "");
    return VIGIL_OK;
  }
  if (r->kind == VG_N_VALUE || r->kind == VG_N_IDENT)
    return add_value(c, &l, n->op, r->str, r->pos);
  if (r->kind == VG_N_LIST) {
    for (uint32_t i = 0; i < r->nkids; i++) {
      st = add_value(c, &l, n->op, r->kids[i]->str, r->pos);
      if (st != VIGIL_OK)
        return st;
    }
    return VIGIL_OK;
  }
  return cfail(c, "filter error: unexpected right-hand side");
}

static vigil_status check_node(check_ctx *c, const vg_node *n) {
  vigil_status st;
  switch (n->kind) {
  case VG_N_AND:
  case VG_N_OR:
    for (uint32_t i = 0; i < n->nkids; i++) {
      c->pos = n->pos;
      st = check_node(c, n->kids[i]);
      if (st != VIGIL_OK)
        return st;
    }
    return VIGIL_OK;
  case VG_N_NOT:
    c->pos = n->pos;
    return check_node(c, n->kids[0]);
  case VG_N_IDENT:
    c->pos = n->pos;
    return cfail(c, "filter error: unexpected identifier '%.*s'",
                 (int)n->str.len, n->str.ptr);
  case VG_N_UNARY: {
    c->pos = n->pos;
    opinfo l;
    st = compile_operand(c, n->kids[0], &l);
    if (st != VIGIL_OK)
      return st;
    return check_comparable(c, n->op, n->mod, l.type, l.list);
  }
  case VG_N_BINARY:
    c->pos = n->pos;
    return check_binary(c, n);
  default:
    c->pos = n->pos;
    return cfail(c, "sinsp_filter_compiler: unexpected standalone value "
                    "expression in filter AST; value expressions should "
                    "only appear as children of check expressions");
  }
}

vigil_status vg_sema_check(const vg_sema_env *env, const char *source,
                           vg_arena *a, const vg_node *root,
                           vg_sema_diag_fn fn, void *ud) {
  check_ctx c;
  memset(&c, 0, sizeof c);
  c.env = env;
  c.a = a;
  c.fn = fn;
  c.ud = ud;
  if (!vg_sema_env_fieldset(env, source, &c.fs))
    c.fs.n = 0; /* unknown source: every field is unknown */
  vigil_status st = check_node(&c, root);
  if (c.nomem)
    return VIGIL_E_NOMEM;
  vg_sema_diag d;
  memset(&d, 0, sizeof d);
  if (st != VIGIL_OK) {
    d.is_error = true;
    d.err = VG_LOAD_ERR_COMPILE_CONDITION;
    d.msg = c.err ? c.err : "filter error";
    d.pos = c.pos;
    if (fn)
      fn(ud, &d);
    return VIGIL_E_COMPILE;
  }
  for (size_t i = 0; i < c.nwarns; i++) {
    d.warn = VG_LOAD_COMPILE_CONDITION;
    d.msg = c.warns[i].msg;
    d.pos = c.warns[i].pos;
    if (fn)
      fn(ud, &d);
  }
  return VIGIL_OK;
}

static bool has_filter_only(const vg_fieldset *fs, const vg_node *n,
                            const char **name) {
  if (n->kind == VG_N_FIELD) {
    vg_field_ref ref;
    char msg[8];
    if (vg_field_resolve(fs, n->str.ptr, n->str.len, n->arg.ptr, n->arg.len,
                         n->has_arg, &ref, msg, sizeof msg) == VIGIL_OK &&
        (ref.def->flags & VG_FF_FILTER_ONLY)) {
      *name = ref.def->name;
      return true;
    }
    return false;
  }
  for (uint32_t i = 0; i < n->nkids; i++)
    if (n->kids[i] && has_filter_only(fs, n->kids[i], name))
      return true;
  return false;
}

static bool has_val(const vg_node *n) {
  if (n->kind == VG_N_TRANSFORMER && n->tr == VG_TR_VAL)
    return true;
  for (uint32_t i = 0; i < n->nkids; i++)
    if (n->kids[i] && has_val(n->kids[i]))
      return true;
  return false;
}

vigil_status vg_sema_check_operand(const vg_sema_env *env, const char *source,
                                   vg_arena *a, const vg_node *operand,
                                   bool for_output, const char **msg) {
  check_ctx c;
  memset(&c, 0, sizeof c);
  c.env = env;
  c.a = a;
  if (!vg_sema_env_fieldset(env, source, &c.fs))
    c.fs.n = 0;
  *msg = NULL;
  if (for_output && has_val(operand)) {
    *msg = "filter error: transformer 'val' is not supported in outputs";
    return VIGIL_E_COMPILE;
  }
  opinfo o;
  vigil_status st = compile_operand(&c, operand, &o);
  if (c.nomem)
    return VIGIL_E_NOMEM;
  if (st != VIGIL_OK) {
    *msg = c.err;
    return VIGIL_E_COMPILE;
  }
  const char *fname;
  if (for_output && has_filter_only(&c.fs, operand, &fname)) {
    *msg = arena_printf(a, "%s is filter only and cannot be used as a "
                           "display field", fname);
    return *msg ? VIGIL_E_COMPILE : VIGIL_E_NOMEM;
  }
  return VIGIL_OK;
}
