/*
 * json_fields.c - the JSON-source field table (generated from the catalogs
 * at build time), name lookup, argument parsing, dispatch to the per-source
 * extractors, and the value emitters they share (json_extract.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define VG_JF_WANT_TABLE
#include "json/json_extract.h"

size_t vg_json_field_count(void) {
  return VG_JF__COUNT;
}

const vg_json_field_info *vg_json_field_info_get(int id) {
  return id >= 0 && id < VG_JF__COUNT ? &vg_jf_table[id] : NULL;
}

int vg_json_field_find(const char *name, size_t len) {
  if (!name)
    return -1;
  for (int i = 0; i < VG_JF__COUNT; i++)
    if (strlen(vg_jf_table[i].name) == len &&
        memcmp(vg_jf_table[i].name, name, len) == 0)
      return i;
  return -1;
}

bool vg_json_field_applies(int id, vg_json_src src) {
  const vg_json_field_info *f = vg_json_field_info_get(id);
  if (!f)
    return false;
  return f->src == VG_JSRC_JSON || f->src == src;
}

vigil_status vg_json_field_parse(const char *ref, int *id, vg_json_arg *arg,
                                 char *err, size_t errsz) {
  const char *br = strchr(ref, '[');
  size_t nlen = br ? (size_t)(br - ref) : strlen(ref);
  int fid = vg_json_field_find(ref, nlen);
  vg_json_arg a = {false, 0, NULL, 0};
  if (fid < 0) {
    if (errsz)
      snprintf(err, errsz, "unknown field '%.*s'", (int)nlen, ref);
    return VIGIL_E_NOTFOUND;
  }
  const vg_json_field_info *f = &vg_jf_table[fid];
  if (br) {
    /* as libsinsp: the argument runs to the first ']', which must end the
     * reference */
    const char *close = strchr(br + 1, ']');
    if (!close || close[1] != '\0') {
      if (errsz)
        snprintf(err, errsz, "'%s': unbalanced argument brackets", ref);
      return VIGIL_E_SYNTAX;
    }
    a.present = true;
    a.key = br + 1;
    a.key_len = (size_t)(close - (br + 1));
    /* libsinsp leaves the index at (uint64_t)-1 for key arguments */
    a.index = UINT64_MAX;
    if (f->arg == VG_JARG_NONE) {
      if (errsz)
        snprintf(err, errsz, "'%s': field '%s' takes no argument", ref,
                 f->name);
      return VIGIL_E_SYNTAX;
    }
    if (f->arg == VG_JARG_OPT_INDEX || f->arg == VG_JARG_REQ_INDEX) {
      /* digits only, no leading zero, representable on 64 bits */
      uint64_t v = 0;
      if (a.key_len == 0 || (a.key[0] == '0' && a.key_len > 1))
        goto bad_index;
      for (size_t i = 0; i < a.key_len; i++) {
        unsigned d = (unsigned)(a.key[i] - '0');
        if (d > 9 || v > (UINT64_MAX - d) / 10)
          goto bad_index;
        v = v * 10 + d;
      }
      a.index = v;
    }
  } else if (f->arg == VG_JARG_REQ_INDEX || f->arg == VG_JARG_REQ_KEY) {
    if (errsz)
      snprintf(err, errsz, "field '%s' requires an argument", f->name);
    return VIGIL_E_SYNTAX;
  }
  *id = fid;
  *arg = a;
  return VIGIL_OK;
bad_index:
  if (errsz)
    snprintf(err, errsz, "'%s': argument of '%s' must be a number", ref,
             f->name);
  return VIGIL_E_SYNTAX;
}

static char okta_org[256];

void vg_json_set_okta_org(const char *org) {
  snprintf(okta_org, sizeof okta_org, "%s", org ? org : "");
}

const char *vg_jx_okta_org(void) {
  return okta_org;
}

/* ---- emitters -------------------------------------------------------------
 */

static vg_value *slot(vg_jx *x) {
  vg_json_out *o = x->out;
  vg_value *v = o->n < o->cap ? &o->vals[o->n] : NULL;
  o->n++;
  return v;
}

void vg_jx_emit(vg_jx *x, const char *s, size_t n) {
  /* libsinsp takes plugin strings as C strings: an embedded NUL ends it */
  const char *nul = n ? memchr(s, '\0', n) : NULL;
  if (nul)
    n = (size_t)(nul - s);
  vg_value *v = slot(x);
  if (v) {
    v->type = VG_FT_CHARBUF;
    v->v.s.p = (const uint8_t *)s;
    v->v.s.n = n;
  }
}

void vg_jx_emit_jstr(vg_jx *x, const json_t *s) {
  vg_jx_emit(x, json_string_value(s), json_string_length(s));
}

void vg_jx_emit_u64(vg_jx *x, uint64_t u) {
  vg_value *v = slot(x);
  if (v) {
    v->type = VG_FT_UINT64;
    v->v.u = u;
  }
}

const char *vg_jx_text(vg_jx *x, size_t start, size_t *n) {
  *n = x->sb.len - start;
  if (!vg_jbuf_ok(&x->sb)) {
    *n = 0; /* callers fall back to "": never pair it with a length */
    return NULL;
  }
  return x->sb.p ? (const char *)x->sb.p + start : "";
}

void vg_jx_end(vg_jx *x, size_t start) {
  size_t n;
  const char *t = vg_jx_text(x, start, &n);
  /* a NUL after each built string helps debuggers and printf users */
  vg_jbuf_putc(&x->sb, '\0');
  vg_jx_emit(x, t ? t : "", n);
}

const char *vg_jx_as_string(vg_jx *x, const json_t *v, size_t *n) {
  if (json_is_string(v)) {
    *n = json_string_length(v);
    return json_string_value(v);
  }
  size_t start = vg_jx_begin(x);
  vg_json_render_compact(&x->sb, v);
  const char *t = vg_jx_text(x, start, n);
  vg_jbuf_putc(&x->sb, '\0');
  return t;
}

void vg_jx_emit_as_string(vg_jx *x, const json_t *v) {
  size_t n;
  const char *s = vg_jx_as_string(x, v, &n);
  vg_jx_emit(x, s ? s : "", n);
}

void vg_jx_reset(vg_jx *x) {
  x->out->n = 0;
  x->sb.len = 0;
}

/* ---- lookups --------------------------------------------------------------
 */

/* Go's strconv.Atoi for array indexes: optional sign, decimal digits, no
 * overflow; negative results never match an element. */
static bool go_atoi_index(const char *s, size_t *out) {
  const char *p = s;
  bool neg = false;
  if (*p == '+' || *p == '-')
    neg = *p++ == '-';
  if (!*p)
    return false;
  uint64_t v = 0;
  for (; *p; p++) {
    if (*p < '0' || *p > '9')
      return false;
    if (v > (UINT64_C(1) << 62))
      return false; /* out of int range: Atoi fails */
    v = v * 10 + (uint64_t)(*p - '0');
  }
  if (neg && v != 0)
    return false;
  *out = (size_t)v;
  return true;
}

const json_t *vg_jx_get(const json_t *v, const char *key) {
  if (json_is_object(v))
    return json_object_get(v, key);
  if (json_is_array(v)) {
    size_t i;
    if (!go_atoi_index(key, &i) || i >= json_array_size(v))
      return NULL;
    return json_array_get(v, i);
  }
  return NULL;
}

const json_t *vg_jx_path(const json_t *v, ...) {
  va_list ap;
  const char *k;
  va_start(ap, v);
  while (v && (k = va_arg(ap, const char *)) != NULL)
    v = vg_jx_get(v, k);
  va_end(ap);
  return v;
}

const char *vg_jx_str(const json_t *v, size_t *n, ...) {
  va_list ap;
  const char *k;
  va_start(ap, n);
  while (v && (k = va_arg(ap, const char *)) != NULL)
    v = vg_jx_get(v, k);
  va_end(ap);
  if (!json_is_string(v))
    return NULL;
  *n = json_string_length(v);
  return json_string_value(v);
}

/* ---- dispatch -------------------------------------------------------------
 */

vigil_status vg_json_extract(const vg_json_event *ev, int id,
                             const vg_json_arg *arg, vg_json_out *out) {
  static const vg_json_arg none = {false, 0, NULL, 0};
  const vg_json_field_info *f = vg_json_field_info_get(id);
  if (!f || !out || !ev || (out->cap && !out->vals))
    return VIGIL_E_INVAL;
  out->n = 0;
  out->used = 0;
  if (!ev->root || !vg_json_field_applies(id, ev->src))
    return VIGIL_OK;
  vg_jx x = {ev, f, arg ? arg : &none, out, {out->buf, out->bufcap, 0}};
  vigil_status st;
  switch (f->src) {
  case VG_JSRC_K8S_AUDIT:
    st = vg_jx_k8s(&x, id);
    break;
  case VG_JSRC_CLOUDTRAIL:
    st = vg_jx_cloudtrail(&x, id);
    break;
  case VG_JSRC_OKTA:
    st = vg_jx_okta(&x, id);
    break;
  case VG_JSRC_GITHUB:
    st = vg_jx_github(&x, id);
    break;
  case VG_JSRC_GCP:
    st = vg_jx_gcp(&x, id);
    break;
  case VG_JSRC_JSON:
    st = vg_jx_json(&x, id);
    break;
  default:
    st = VIGIL_E_INTERNAL;
    break;
  }
  out->used = x.sb.len;
  if (st != VIGIL_OK) {
    out->n = 0;
    return st;
  }
  if (out->n > out->cap || !vg_jbuf_ok(&x.sb))
    return VIGIL_E_LIMIT;
  return VIGIL_OK;
}
