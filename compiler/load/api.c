/*
 * api.c - the public compiler object of compiler.h: options, the engine
 * environment (sources and plugins), loading files one after another with
 * Falco's per-file read-then-compile-everything model, the host-side plugin
 * requirement check, and access to the per-file results.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/loader.h"
#include "util/alloc.h"

vigil_status vigil_compiler_new(const vigil_compiler_options *o,
                                vigil_compiler **out) {
  if (!o || !out || o->size < sizeof(size_t))
    return VIGIL_E_INVAL;
  vigil_compiler *c = vg_calloc(1, sizeof *c);
  if (!c)
    return VIGIL_E_NOMEM;
  vg_arena_init(&c->a);
  size_t n = o->size < sizeof c->opts ? o->size : sizeof c->opts;
  memcpy(&c->opts, o, n);
  c->opts.size = sizeof c->opts;
  bool autopl = c->opts.auto_plugins && !o->no_plugins;
  size_t npl = o->nplugins + (autopl ? 1 : 0);
  vg_sema_plugin *pl = NULL;
  if (npl) {
    pl = vg_arena_alloc(&c->a, npl * sizeof *pl);
    if (!pl) {
      vigil_compiler_free(c);
      return VIGIL_E_NOMEM;
    }
    for (size_t i = 0; i < o->nplugins; i++) {
      pl[i].name = o->plugins[i].name;
      pl[i].version = o->plugins[i].version;
    }
    if (autopl) {
      /* Falco's default configuration loads the container plugin. */
      const vg_plugin_def *d = vg_plugin_find("container");
      pl[o->nplugins].name = "container";
      pl[o->nplugins].version = d ? d->version : NULL;
      for (size_t i = 0; i < o->nplugins; i++)
        if (!strcmp(o->plugins[i].name, "container"))
          npl--; /* given explicitly, with its own version */
    }
  }
  c->env = vg_sema_env_new(o->sources, o->nsources, pl, npl,
                           !o->no_plugins && !autopl);
  if (!c->env) {
    vigil_compiler_free(c);
    return VIGIL_E_NOMEM;
  }
  *out = c;
  return VIGIL_OK;
}

void vigil_compiler_free(vigil_compiler *c) {
  if (!c)
    return;
  if (c->env)
    vg_sema_env_free(c->env);
  vg_free(c->pubres);
  vg_arena_fini(&c->a);
  vg_free(c);
}

vigil_status vigil_compiler_load_buffer(vigil_compiler *c, const char *name,
                                        const char *data, size_t len) {
  vg_file *f = vg_arena_alloc(&c->a, sizeof *f);
  vg_result *r = vg_arena_alloc(&c->a, sizeof *r);
  if (!f || !r)
    return VIGIL_E_NOMEM;
  f->name = vg_arena_strdup(&c->a, name);
  f->text = vg_arena_strndup(&c->a, data, len);
  f->len = len;
  if (!f->name || !f->text || !vg_ptrvec_push(&c->a, &c->files, f))
    return VIGIL_E_NOMEM;
  r->pub.name = f->name;
  r->pub.successful = true;
  if (!vg_ptrvec_push(&c->a, &c->results, r))
    return VIGIL_E_NOMEM;
  c->res = r;
  c->cur = f;
  c->stop = false;
  c->xbudget = 0;
  vg_read_file(c, f);
  if (!r->errs.n || c->opts.all_errors) {
    c->stop = false;
    vg_compile_all(c);
  }
  return r->errs.n ? VIGIL_E_COMPILE : VIGIL_OK;
}

vigil_status vigil_compiler_load_file(vigil_compiler *c, const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return VIGIL_E_IO;
  vg_buf b;
  vg_buf_init(&b);
  char tmp[65536];
  size_t n;
  /* stop one chunk past the limit: the reader reports the size, and an
   * endless file (/dev/zero) cannot exhaust memory */
  while (b.len <= VG_MAX_RULES_FILE &&
         (n = fread(tmp, 1, sizeof tmp, fp)) > 0)
    vg_buf_append(&b, tmp, n);
  bool err = ferror(fp);
  fclose(fp);
  if (err) {
    vg_buf_fini(&b);
    return VIGIL_E_IO;
  }
  if (vg_buf_failed(&b)) {
    vg_buf_fini(&b);
    return VIGIL_E_NOMEM;
  }
  vigil_status st =
      vigil_compiler_load_buffer(c, path, b.ptr ? b.ptr : "", b.len);
  vg_buf_fini(&b);
  return st;
}

vigil_status vigil_compiler_finish(vigil_compiler *c) {
  if (!c->results.n)
    return VIGIL_OK;
  vg_result *last = c->results.v[c->results.n - 1];
  c->res = last;
  vg_ctx root;
  vg_ctx_root(c, &root, last->pub.name);
  for (size_t i = 0; i < c->plugin_groups.n; i++) {
    const vg_plugin_group *g = c->plugin_groups.v[i];
    bool decided = false;
    for (size_t j = 0; j < g->n && !decided; j++) {
      const vg_sema_plugin *p = vg_sema_env_plugin(c->env, g->alts[j].name);
      if (!p)
        continue;
      decided = true;
      if (!p->version)
        break; /* embedded catalog: satisfies what it was built for */
      unsigned pv[3], rv[3];
      if (!vg_parse_version(p->version, pv)) {
        vg_add_error(c, VG_LOAD_ERR_VALIDATE,
                     vg_fmt(c, "Plugin '%s' has invalid version string '%s'",
                            p->name, p->version),
                     &root);
        return VIGIL_E_COMPILE;
      }
      vg_parse_version(g->alts[j].version, rv);
      bool ok = pv[0] == rv[0] &&
                (pv[1] > rv[1] || (pv[1] == rv[1] && pv[2] >= rv[2]));
      if (!ok) {
        vg_add_error(c, VG_LOAD_ERR_VALIDATE,
                     vg_fmt(c,
                            "Plugin '%s' version '%s' is not compatible with "
                            "required plugin version '%s'",
                            p->name, p->version, g->alts[j].version),
                     &root);
        return VIGIL_E_COMPILE;
      }
    }
    if (!decided) {
      vg_buf b;
      vg_buf_init(&b);
      vg_buf_puts(&b, "Plugin requirement not satisfied, must load one of: ");
      for (size_t j = 0; j < g->n; j++)
        vg_buf_printf(&b, "%s%s (>= %s)", j ? ", " : "", g->alts[j].name,
                      g->alts[j].version);
      vg_add_error(c, VG_LOAD_ERR_VALIDATE, vg_fmt(c, "%s", vg_buf_str(&b)),
                   &root);
      vg_buf_fini(&b);
      return VIGIL_E_COMPILE;
    }
  }
  return VIGIL_OK;
}

size_t vigil_compiler_nresults(const vigil_compiler *c) {
  return c->results.n;
}

/* A schema problem at the very place of a loader finding is the same
 * root cause: the loader's diagnostic is kept alone. */
static bool same_place(const vg_result *r, const vigil_diag *s) {
  const vg_ptrvec *lists[2] = {&r->errs, &r->warns};
  for (int l = 0; l < 2; l++)
    for (size_t k = 0; k < lists[l]->n; k++) {
      const vigil_diag *d = lists[l]->v[k];
      if (d->span.valid && s->span.valid && d->span.file && s->span.file &&
          d->span.start == s->span.start &&
          !strcmp(d->span.file, s->span.file))
        return true;
    }
  return false;
}

const vigil_load_result *vigil_compiler_result(const vigil_compiler *c,
                                               size_t i) {
  if (i >= c->results.n)
    return NULL;
  vg_result *r = c->results.v[i];
  /* flatten the pointer vectors into arrays (rebuilt on each call: results
   * may have grown since) */
  vigil_compiler *mc = (vigil_compiler *)c;
  vigil_diag *e = vg_arena_alloc(&mc->a, (r->errs.n + 1) * sizeof *e);
  vigil_diag *w = vg_arena_alloc(&mc->a, (r->warns.n + 1) * sizeof *w);
  vigil_diag *sd =
      vg_arena_alloc(&mc->a, (r->schema_diags.n + 1) * sizeof *sd);
  if (!e || !w || !sd)
    return NULL;
  size_t nsd = 0;
  for (size_t k = 0; k < r->schema_diags.n; k++) {
    const vigil_diag *d = r->schema_diags.v[k];
    if (!same_place(r, d))
      sd[nsd++] = *d;
  }
  r->pub.schema_diags = sd;
  r->pub.nschema_diags = nsd;
  r->pub.schema_status = (const char *const *)r->schema_status.v;
  r->pub.nschema_status = r->schema_status.n;
  r->pub.schema_valid = r->schema_status.n &&
                        !strcmp((const char *)r->schema_status.v[0], "ok");
  for (size_t k = 0; k < r->errs.n; k++)
    e[k] = *(vigil_diag *)r->errs.v[k];
  for (size_t k = 0; k < r->warns.n; k++)
    w[k] = *(vigil_diag *)r->warns.v[k];
  r->pub.errors = e;
  r->pub.nerrors = r->errs.n;
  r->pub.warnings = w;
  r->pub.nwarnings = r->warns.n;
  r->pub.successful = r->errs.n == 0;
  return &r->pub;
}

const char *vigil_compiler_file_text(const vigil_compiler *c, const char *name,
                                     size_t *len) {
  for (size_t i = c->files.n; i-- > 0;) {
    const vg_file *f = c->files.v[i];
    if (!strcmp(f->name, name)) {
      if (len)
        *len = f->len;
      return f->text;
    }
  }
  return NULL;
}

vigil_status vigil_compiler_describe_json(const vigil_compiler *c, char **out) {
  return vg_describe(c, out);
}
