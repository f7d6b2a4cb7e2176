/*
 * catalog_glue.c - what the loader asks of the field catalogs: "did you
 * mean" help for unknown field names (the field of the rule's source with
 * the smallest edit distance; text output only), and the output fields
 * loaded plugins suggest appending to rule outputs (Falco's default
 * append_output: suggested_output, e.g. the container plugin's
 * container_id=%container.id ...).
 */
#include <string.h>

#include "load/loader.h"
#include "sema/catalog.h"
#include "util/buf.h"


const char *vg_load_suggest_field(const char *source, const char *name);
const char *vg_load_suggested_output(vigil_compiler *c, const char *source);

static size_t dist(const char *a, size_t la, const char *b, size_t lb) {
  if (la > 63 || lb > 63)
    return 99;
  size_t d[64][64];
  for (size_t i = 0; i <= la; i++)
    d[i][0] = i;
  for (size_t j = 0; j <= lb; j++)
    d[0][j] = j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      size_t x = d[i - 1][j] + 1, y = d[i][j - 1] + 1,
             z = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      d[i][j] = x < y ? (x < z ? x : z) : (y < z ? y : z);
      /* transposition */
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < d[i][j])
        d[i][j] = d[i - 2][j - 2] + 1;
    }
  return d[la][lb];
}

const char *vg_load_suggest_field(const char *source, const char *name) {
  vg_fieldset fs;
  if (!vg_fieldset_for_source(&fs, source, NULL, NULL))
    return NULL;
  size_t nl = strcspn(name, "[ ");
  const char *best = NULL;
  size_t bd = 99;
  for (size_t i = 0; i < fs.n; i++)
    for (size_t k = 0; k < fs.cls[i]->nfields; k++) {
      const vg_field_def *f = &fs.cls[i]->fields[k];
      if (f->flags & VG_FF_HIDDEN)
        continue;
      size_t d = dist(name, nl, f->name, strlen(f->name));
      if (d < bd) {
        bd = d;
        best = f->name;
      }
    }
  if (best && bd > 0 && bd <= (nl < 8 ? 2 : nl / 4 + 1))
    return best;
  return NULL;
}

static bool plugin_loaded(void *ud, const char *plugin) {
  const vigil_compiler *c = ud;
  return vg_sema_env_plugin(c->env, plugin) != NULL;
}

const char *vg_load_suggested_output(vigil_compiler *c, const char *source) {
  vg_fieldset fs;
  if (!vg_fieldset_for_source(&fs, source, plugin_loaded, c))
    return NULL;
  vg_buf b;
  vg_buf_init(&b);
  for (size_t i = 0; i < fs.n; i++) {
    if (!fs.cls[i]->plugin)
      continue;
    for (size_t k = 0; k < fs.cls[i]->nfields; k++) {
      const vg_field_def *f = &fs.cls[i]->fields[k];
      if (!(f->flags & VG_FF_SUGGESTED_OUTPUT))
        continue;
      if (b.len)
        vg_buf_putc(&b, ' ');
      for (const char *p = f->name; *p; p++)
        vg_buf_putc(&b, *p == '.' ? '_' : *p);
      vg_buf_printf(&b, "=%%%s", f->name);
    }
  }
  const char *r = b.len ? vg_fmt(c, "%s", vg_buf_str(&b)) : NULL;
  vg_buf_fini(&b);
  return r;
}

/* Falco knows a plugin's event source only while that plugin is loaded:
 * without --source, a source provided by a plugin is known when the plugin
 * is (--no-plugins makes aws_cloudtrail etc. unknown sources). */
bool vg_load_source_known(vigil_compiler *c, const char *source);
bool vg_load_source_known(vigil_compiler *c, const char *source) {
  if (!vg_sema_env_has_source(c->env, source))
    return false;
  if (c->opts.nsources || !strcmp(source, "syscall"))
    return true;
  const vg_plugin_def *p = vg_plugin_for_source(source);
  return !p || vg_sema_env_plugin(c->env, p->name) != NULL;
}

/* The plugin providing the field text f ("name" or "name[arg]") for a
 * rule of source, or NULL for libsinsp fields (describe "plugins"). */
const char *vg_load_field_plugin(vigil_compiler *c, const char *source,
                                 const char *f);
const char *vg_load_field_plugin(vigil_compiler *c, const char *source,
                                 const char *f) {
  vg_fieldset fs;
  if (!vg_fieldset_for_source(&fs, source, plugin_loaded, c))
    return NULL;
  const char *br = strchr(f, '[');
  size_t nl = br ? (size_t)(br - f) : strlen(f);
  const char *arg = br ? br + 1 : NULL;
  size_t al = 0;
  if (arg) {
    const char *e = strrchr(arg, ']');
    al = e && e > arg ? (size_t)(e - arg) : strlen(arg);
  }
  vg_field_ref ref;
  char msg[256];
  if (vg_field_resolve(&fs, f, nl, arg, al, arg != NULL, &ref, msg,
                       sizeof msg) != VIGIL_OK || !ref.cls)
    return NULL;
  return ref.cls->plugin;
}

/* Every system call name (describe "events" of an unrestricted
 * condition also lists them, as Falco's ppm_sc set does). */
size_t vg_load_syscall_names(const char *const **names);
size_t vg_load_syscall_names(const char *const **names) {
  *names = vg_syscall_names;
  return vg_nsyscalls;
}
