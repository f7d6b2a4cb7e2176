/*
 * result.c - load results: location contexts (rules-language.md 13.3),
 * recording errors and warnings with Falco's snippets (13.4), Falco's JSON
 * rendering (13.2, via jansson: keys sorted, compact) and vigil's
 * compiler-style text rendering with source line and caret.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/loader.h"
#include "util/alloc.h"

static const char *const itype_names[] = {
    "value for",
    "exceptions",
    "exception",
    "exception values",
    "exception value",
    "rules content",
    "rules content item",
    "required_engine_version",
    "required plugin versions",
    "required plugin versions entry",
    "required plugin versions alternative",
    "list",
    "list item",
    "macro",
    "macro condition",
    "rule",
    "rule condition",
    "condition expression",
    "rule output",
    "rule output expression",
    "rule priority",
    "overrides",
    "extension item"};

const char *vg_itype_name(vg_itype t) {
  return itype_names[t];
}

char *vg_fmt(vigil_compiler *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char tmp[256];
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0)
    return (char *)"";
  char *s = vg_arena_alloc(&c->a, (size_t)n + 1);
  if (!s)
    return (char *)"";
  if ((size_t)n < sizeof tmp) {
    memcpy(s, tmp, (size_t)n + 1);
  } else {
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  return s;
}

void vg_ctx_root(vigil_compiler *c, vg_ctx *ctx, const char *file) {
  (void)c;
  memset(ctx, 0, sizeof *ctx);
  ctx->n = 1;
  ctx->locs[0].item_type = itype_names[VG_IT_RULES_CONTENT];
  ctx->locs[0].item_name = "";
  ctx->locs[0].name = file;
  ctx->file = file;
}

void vg_ctx_child(vg_ctx *out, const vg_ctx *parent, const vg_ynode *n,
                  vg_itype t, const char *name) {
  if (out != parent)
    *out = *parent;
  out->alt = NULL;
  out->note = NULL;
  if (out->n >= VG_CTX_MAX)
    out->n = VG_CTX_MAX - 1;
  vigil_location *l = &out->locs[out->n++];
  l->item_type = itype_names[t];
  l->item_name = name ? name : "";
  l->name = parent->locs[0].name;
  if (n) {
    l->line = n->mark.line;
    l->column = n->mark.col;
    l->offset = n->mark.off;
    out->has_span = true;
    out->start = n->mark.off;
    out->end = n->end_off > n->mark.off ? n->end_off : n->mark.off;
    if (t == VG_IT_RULE || t == VG_IT_MACRO || t == VG_IT_LIST ||
        t == VG_IT_RULES_CONTENT_ITEM || t == VG_IT_EXCEPTION ||
        t == VG_IT_REQUIRED_ENGINE_VERSION ||
        t == VG_IT_REQUIRED_PLUGIN_VERSIONS_ENTRY) {
      /* an item: point at its first key, not the whole mapping */
      out->end = out->start;
      if (n->kind == VG_Y_MAP && n->n)
        out->end = out->start + n->kids[0]->len;
    }
  } else {
    l->line = l->column = l->offset = -1;
  }
}

void vg_ctx_cond(vigil_compiler *c, vg_ctx *out, const vg_ctx *parent,
                 vg_pos pos, const char *cond) {
  if (out != parent)
    *out = *parent;
  size_t cl = strlen(cond);
  char *name;
  if (cl > 20)
    name = vg_fmt(c, "\"%.17s...\"", cond);
  else
    name = vg_fmt(c, "\"%s\"", cond);
  for (char *p = name; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  const vigil_location *last = &parent->locs[parent->n - 1];
  if (out->n >= VG_CTX_MAX)
    out->n = VG_CTX_MAX - 1;
  vigil_location *l = &out->locs[out->n++];
  l->item_type = itype_names[VG_IT_CONDITION_EXPRESSION];
  l->item_name = "";
  l->name = name;
  l->offset = (long)pos.idx + last->offset;
  l->line = (long)pos.line + last->line;
  l->column = (long)pos.col + last->column;
  out->alt = cond;
}

static const vg_file *find_file(const vigil_compiler *c, const char *name) {
  for (size_t i = c->files.n; i-- > 0;) {
    const vg_file *f = c->files.v[i];
    if (!strcmp(f->name, name))
      return f;
  }
  return NULL;
}

/* Falco's snippet (13.4), width 160 (80 each side). */
static char *snippet(vigil_compiler *c, const vg_ctx *ctx) {
  const vigil_location *loc = &ctx->locs[ctx->n - 1];
  const char *s;
  size_t n;
  if (ctx->alt && ctx->alt[0]) {
    s = ctx->alt;
    n = strlen(s);
  } else {
    const vg_file *f = find_file(c, loc->name);
    if (!f)
      return vg_fmt(c, "<No context for file + %s>\n", loc->name);
    s = f->text;
    n = f->len;
  }
  if (n == 0)
    return (char *)"<No context available>\n";
  const size_t half = 80;
  size_t pos = loc->offset < 0 ? (size_t)-1 : (size_t)loc->offset;
  /* Falco reads offset -1 as a huge size_t too */
  for (; pos > 0 && (pos >= n || s[pos] == '\n'); pos--)
    ;
  size_t from = pos;
  for (; from > 0 && s[from] != '\n' && (pos - from) < half; from--)
    ;
  size_t to = pos;
  for (; to < n - 1 && s[to] != '\n' && (to - pos) < half; to++)
    ;
  if (from < n && s[from] == '\n')
    from++;
  if (to < n && s[to] == '\n')
    to--;
  if (to + 1 < from || to + 1 - from == 0)
    return (char *)"<No context available>\n";
  size_t rl = to - from + 1;
  vg_buf b;
  vg_buf_init(&b);
  vg_buf_append(&b, s + from, rl);
  if (pos - from >= half && b.len >= 3)
    memcpy(b.ptr, "...", 3);
  if (to - pos >= half && b.len >= 3)
    memcpy(b.ptr + b.len - 3, "...", 3);
  vg_buf_putc(&b, '\n');
  if (pos - from <= b.len - 1) {
    for (size_t i = 0; i < pos - from; i++)
      vg_buf_putc(&b, ' ');
    vg_buf_puts(&b, "^\n");
  }
  char *r = vg_arena_strndup(&c->a, vg_buf_str(&b), b.len);
  vg_buf_fini(&b);
  return r ? r : (char *)"";
}

vigil_diag *vg_new_diag(vigil_compiler *c, const char *msg, const vg_ctx *ctx) {
  vigil_diag *d = vg_arena_alloc(&c->a, sizeof *d);
  if (!d)
    return NULL;
  d->message = msg ? msg : "";
  d->locations = vg_arena_memdup(&c->a, ctx->locs,
                                 (size_t)ctx->n * sizeof(vigil_location));
  d->nlocations = (size_t)ctx->n;
  d->snippet = snippet(c, ctx);
  if (ctx->note) {
    const char **nn = vg_arena_alloc(&c->a, sizeof *nn);
    if (nn) {
      nn[0] = ctx->note;
      d->notes = nn;
      d->nnotes = 1;
    }
  }
  d->span.file = ctx->file;
  if (ctx->has_span) {
    d->span.valid = true;
    d->span.start = ctx->start;
    d->span.end = ctx->end;
  } else {
    /* innermost YAML location of the file */
    for (int i = ctx->n; i-- > 0;) {
      const vigil_location *l = &ctx->locs[i];
      if (l->offset >= 0 && ctx->file && !strcmp(l->name, ctx->file)) {
        d->span.valid = true;
        d->span.start = d->span.end = (size_t)l->offset;
        break;
      }
    }
  }
  return d;
}

void vg_add_error(vigil_compiler *c, vg_err_code code, const char *msg,
                  const vg_ctx *ctx) {
  vg_result *r = c->res;
  if (!r)
    return;
  vigil_diag *d = vg_new_diag(c, msg, ctx);
  if (!d)
    return;
  d->severity = VIGIL_SEV_ERROR;
  d->code = (int)code;
  d->code_name = vg_err_code_name(code);
  d->codedesc = vg_err_code_short(code);
  vg_ptrvec_push(&c->a, &r->errs, d);
  r->pub.successful = false;
  if (!c->opts.all_errors)
    c->stop = true;
}

void vg_add_warning(vigil_compiler *c, vg_warn_code code, const char *msg,
                    const vg_ctx *ctx, const char *deprecated_field) {
  vg_result *r = c->res;
  if (!r)
    return;
  vigil_diag *d = vg_new_diag(c, msg, ctx);
  if (!d)
    return;
  d->severity = VIGIL_SEV_WARNING;
  d->code = (int)code;
  d->code_name = vg_warn_code_name(code);
  d->codedesc = vg_warn_code_desc(code);
  d->deprecated_field = deprecated_field;
  vg_ptrvec_push(&c->a, &r->warns, d);
}

void vg_add_note(vigil_compiler *c, const char *note) {
  vg_result *r = c->res;
  if (!r)
    return;
  vigil_diag *d = NULL;
  /* the most recent diagnostic of either list */
  vigil_diag *e = r->errs.n ? r->errs.v[r->errs.n - 1] : NULL;
  vigil_diag *w = r->warns.n ? r->warns.v[r->warns.n - 1] : NULL;
  d = e && w ? (e > w ? e : w) : (e ? e : w);
  if (!d)
    return;
  const char **nn = vg_arena_alloc(&c->a, (d->nnotes + 1) * sizeof *nn);
  if (!nn)
    return;
  if (d->nnotes)
    memcpy(nn, d->notes, d->nnotes * sizeof *nn);
  nn[d->nnotes++] = vg_arena_strdup(&c->a, note);
  d->notes = nn;
}

/* ------------------------------------------------------------ JSON */

/* A copy with invalid UTF-8 replaced by U+FFFD (jansson requires UTF-8). */
static char *utf8_clean(const char *s) {
  size_t n = strlen(s);
  char *o = vg_malloc(n * 3 + 1);
  if (!o)
    return NULL;
  size_t k = 0;
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    unsigned char ch = p[i];
    size_t len = 0;
    uint32_t cp = 0;
    if (ch < 0x80) {
      o[k++] = (char)ch;
      i++;
      continue;
    } else if ((ch & 0xe0) == 0xc0) {
      len = 2;
      cp = ch & 0x1f;
    } else if ((ch & 0xf0) == 0xe0) {
      len = 3;
      cp = ch & 0x0f;
    } else if ((ch & 0xf8) == 0xf0) {
      len = 4;
      cp = ch & 0x07;
    }
    bool ok = len > 0 && i + len <= n;
    for (size_t j = 1; ok && j < len; j++) {
      if ((p[i + j] & 0xc0) != 0x80)
        ok = false;
      else
        cp = (cp << 6) | (p[i + j] & 0x3f);
    }
    if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
               (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
               (cp >= 0xd800 && cp <= 0xdfff)))
      ok = false;
    if (ok) {
      memcpy(o + k, p + i, len);
      k += len;
      i += len;
    } else {
      memcpy(o + k, "\xef\xbf\xbd", 3);
      k += 3;
      i++;
    }
  }
  o[k] = 0;
  return o;
}

json_t *vg_json_str(const char *s);
json_t *vg_json_str(const char *s) {
  char *cl = utf8_clean(s ? s : "");
  json_t *j = cl ? json_string(cl) : NULL;
  vg_free(cl);
  return j ? j : json_string("");
}

static json_t *diag_json(const vigil_diag *d) {
  json_t *o = json_object();
  json_object_set_new(o, "code", vg_json_str(d->code_name));
  json_object_set_new(o, "codedesc", vg_json_str(d->codedesc));
  json_object_set_new(o, "message", vg_json_str(d->message));
  if (d->deprecated_field)
    json_object_set_new(o, "deprecated_field",
                        vg_json_str(d->deprecated_field));
  json_t *ctx = json_object();
  json_t *locs = json_array();
  for (size_t i = 0; i < d->nlocations; i++) {
    const vigil_location *l = &d->locations[i];
    json_t *jl = json_object();
    json_object_set_new(jl, "item_type", vg_json_str(l->item_type));
    json_object_set_new(jl, "item_name", vg_json_str(l->item_name));
    json_t *jp = json_object();
    json_object_set_new(jp, "name", vg_json_str(l->name));
    json_object_set_new(jp, "line", json_integer(l->line));
    json_object_set_new(jp, "column", json_integer(l->column));
    json_object_set_new(jp, "offset", json_integer(l->offset));
    json_object_set_new(jl, "position", jp);
    json_array_append_new(locs, jl);
  }
  json_object_set_new(ctx, "locations", locs);
  json_object_set_new(ctx, "snippet", vg_json_str(d->snippet));
  json_object_set_new(o, "context", ctx);
  return o;
}

vigil_status vigil_results_json(const vigil_compiler *c, char **out) {
  json_t *root = json_object();
  json_t *arr = json_array();
  for (size_t i = 0; i < vigil_compiler_nresults(c); i++) {
    const vigil_load_result *r = vigil_compiler_result(c, i);
    if (!r) {
      json_decref(root);
      json_decref(arr);
      return VIGIL_E_NOMEM;
    }
    json_t *o = json_object();
    json_t *errs = json_array(), *warns = json_array();
    for (size_t j = 0; j < r->nerrors; j++)
      json_array_append_new(errs, diag_json(&r->errors[j]));
    for (size_t j = 0; j < r->nwarnings; j++)
      json_array_append_new(warns, diag_json(&r->warnings[j]));
    json_object_set_new(o, "errors", errs);
    json_object_set_new(o, "warnings", warns);
    json_object_set_new(o, "name", vg_json_str(r->name));
    json_object_set_new(o, "successful", json_boolean(r->successful));
    /* only when the check ran; the entries only when the first is not
     * "ok" (Falco's quirk: later documents never show) */
    if (r->nschema_status) {
      json_object_set_new(o, "schema_valid", json_boolean(r->schema_valid));
      json_t *sw = json_array();
      for (size_t j = 0; !r->schema_valid && j < r->nschema_status; j++)
        json_array_append_new(sw, vg_json_str(r->schema_status[j]));
      json_object_set_new(o, "schema_warnings", sw);
    }
    json_array_append_new(arr, o);
  }
  json_object_set_new(root, "falco_load_results", arr);
  char *s = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT);
  json_decref(root);
  if (!s)
    return VIGIL_E_NOMEM;
  *out = s;
  return VIGIL_OK;
}

/* ------------------------------------------------------------ text */

vigil_status vigil_diag_render_text(const vigil_compiler *c,
                                    const vigil_diag *d, char **out) {
  vg_buf b;
  vg_buf_init(&b);
  const char *sev = d->severity == VIGIL_SEV_ERROR ? "error" : "warning";
  const vg_file *f =
      d->span.valid && d->span.file ? find_file(c, d->span.file) : NULL;
  if (f) {
    size_t pos = d->span.start > f->len ? f->len : d->span.start;
    size_t line = 1, ls = 0;
    for (size_t i = 0; i < pos; i++)
      if (f->text[i] == '\n') {
        line++;
        ls = i + 1;
      }
    size_t le = ls;
    while (le < f->len && f->text[le] != '\n' && f->text[le] != '\r')
      le++;
    /* the position is in the line anyway: drop yaml-cpp's own prefix */
    const char *msg = d->message;
    if (!strncmp(msg, "yaml-cpp: error at line ", 24)) {
      const char *p = strstr(msg, ": ");
      if (p)
        p = strstr(p + 2, ": ");
      if (p)
        msg = p + 2;
    }
    vg_buf_printf(&b, "%s:%zu:%zu: %s: %s [%s]\n", f->name, line, pos - ls + 1,
                  sev, msg, d->code_name);
    char lno[32];
    int w = snprintf(lno, sizeof lno, "%zu", line);
    if (w < 4)
      w = 4;
    /* very long lines: a window around the place, cut ends shown as ... */
    size_t from = ls, to = le;
    const size_t half = 80;
    if (pos > from + half)
      from = pos - half;
    if (to > pos + half)
      to = pos + half;
    vg_buf_printf(&b, " %*zu | %s", w, line, from > ls ? "..." : "");
    vg_buf_append(&b, f->text + from, to - from);
    vg_buf_printf(&b, "%s\n %*s | %s", to < le ? "..." : "", w, "",
                  from > ls ? "   " : "");
    for (size_t i = from; i < pos && i < le; i++)
      vg_buf_putc(&b, f->text[i] == '\t' ? '\t' : ' ');
    vg_buf_putc(&b, '^');
    size_t end = d->span.end;
    if (end > to)
      end = to;
    for (size_t i = pos + 1; i < end; i++)
      vg_buf_putc(&b, '~');
    vg_buf_putc(&b, '\n');
  } else {
    const char *name = d->nlocations ? d->locations[0].name : "";
    vg_buf_printf(&b, "%s: %s: %s [%s]\n", name, sev, d->message, d->code_name);
  }
  for (size_t i = 0; i < d->nnotes; i++)
    vg_buf_printf(&b, "note: %s\n", d->notes[i]);
  if (vg_buf_failed(&b)) {
    vg_buf_fini(&b);
    return VIGIL_E_NOMEM;
  }
  size_t len;
  char *s = vg_buf_take(&b, &len);
  /* hand back malloc'd memory the caller can free() */
  char *r = malloc(len + 1);
  if (r) {
    memcpy(r, s ? s : "", len);
    r[len] = 0;
  }
  vg_free(s);
  if (!r)
    return VIGIL_E_NOMEM;
  *out = r;
  return VIGIL_OK;
}

/* ------------------------------------------------------------ Falco text */

static void falco_entry(vg_buf *b, const vigil_diag *d) {
  for (size_t i = 0; i < d->nlocations; i++) {
    const vigil_location *l = &d->locations[i];
    vg_buf_puts(b, i ? "    " : "In ");
    vg_buf_puts(b, l->item_type);
    if (l->item_name && l->item_name[0])
      vg_buf_printf(b, " '%s'", l->item_name);
    vg_buf_printf(b, ": (%s:%ld:%ld)\n", l->name, l->line, l->column);
  }
  vg_buf_puts(b, "------\n");
  vg_buf_puts(b, d->snippet ? d->snippet : "");
  vg_buf_puts(b, "------\n");
}

/* Falco's short text of a diagnostic: for errors it is what codedesc holds
 * (13.5 quirk), for warnings the short text of the code. */
static void falco_short(vg_buf *b, const vigil_diag *d) {
  if (d->severity == VIGIL_SEV_ERROR) {
    vg_buf_puts(b, d->codedesc);
    return;
  }
  vg_buf_puts(b, vg_warn_code_short((vg_warn_code)d->code));
  if (d->deprecated_field)
    vg_buf_printf(b, ": field '%s'", d->deprecated_field);
}

vigil_status vigil_result_falco_text(const vigil_compiler *c, size_t i,
                                     bool verbose, char **out) {
  const vigil_load_result *r = vigil_compiler_result(c, i);
  if (!r)
    return VIGIL_E_NOMEM;
  vg_buf b;
  vg_buf_init(&b);
  if (r->name[0])
    vg_buf_printf(&b, "%s: ", r->name);
  vg_buf_puts(&b, !r->successful ? "Invalid"
                  : r->nwarnings ? "Ok, with warnings"
                                 : "Ok");
  /* the schema block only when the check ran and its first entry failed */
  if (r->nschema_status && !r->schema_valid) {
    if (verbose) {
      vg_buf_printf(&b, "\n%zu Schema warnings:\n", r->nschema_status);
      for (size_t k = 0; k < r->nschema_status; k++)
        vg_buf_printf(&b, "------\n%s\n", r->schema_status[k]);
      vg_buf_puts(&b, "------\n");
    } else {
      vg_buf_printf(&b, "\n %zu schema warnings: [", r->nschema_status);
      for (size_t k = 0; k < r->nschema_status; k++)
        vg_buf_printf(&b, "%s%s", k ? " " : "", r->schema_status[k]);
      vg_buf_puts(&b, "]");
    }
  }
  for (int pass = 0; pass < 2; pass++) {
    const vigil_diag *ds = pass ? r->warnings : r->errors;
    size_t n = pass ? r->nwarnings : r->nerrors;
    if (!n)
      continue;
    if (verbose)
      vg_buf_printf(&b, "\n%zu %s:\n", n, pass ? "Warnings" : "Errors");
    else
      vg_buf_printf(&b, "\n %zu %s: [", n, pass ? "warnings" : "errors");
    for (size_t k = 0; k < n; k++) {
      const vigil_diag *d = &ds[k];
      if (verbose)
        falco_entry(&b, d);
      else if (k)
        vg_buf_putc(&b, ' ');
      vg_buf_printf(&b, "%s (", d->code_name);
      falco_short(&b, d);
      vg_buf_putc(&b, ')');
      if (verbose)
        vg_buf_printf(&b, ": %s\n", d->message);
    }
    if (!verbose)
      vg_buf_putc(&b, ']');
  }
  if (vg_buf_failed(&b)) {
    vg_buf_fini(&b);
    return VIGIL_E_NOMEM;
  }
  size_t len;
  char *s = vg_buf_take(&b, &len);
  char *res = malloc(len + 1);
  if (res) {
    memcpy(res, s ? s : "", len);
    res[len] = 0;
  }
  vg_free(s);
  if (!res)
    return VIGIL_E_NOMEM;
  *out = res;
  return VIGIL_OK;
}
