/*
 * json_extract.h - shared machinery of the JSON-source extractors (internal
 * to plugin/json): the extraction context, value emitters writing into the
 * caller's vg_json_out, and fastjson-style lookups. Owner: jsonsrc.
 */
#ifndef VG_JSON_EXTRACT_H
#define VG_JSON_EXTRACT_H

#include <string.h>

#include "json/json_fields.h"
/* after json_fields.h, which defines the types the table uses */
#include "json_fields_gen.h"

typedef struct vg_jx {
  const vg_json_event *ev;
  const vg_json_field_info *info;
  const vg_json_arg *arg; /* never NULL */
  vg_json_out *out;
  vg_jbuf sb; /* the scratch buffer, len = bytes used so far */
} vg_jx;

/* A value pointing at s[0..n), which must live as long as the event. */
void vg_jx_emit(vg_jx *x, const char *s, size_t n);
static inline void vg_jx_emit_cstr(vg_jx *x, const char *s) {
  vg_jx_emit(x, s, strlen(s));
}
/* A JSON string's text (no copy). */
void vg_jx_emit_jstr(vg_jx *x, const json_t *s);
void vg_jx_emit_u64(vg_jx *x, uint64_t u);
/* Building a string in scratch: start, append through x->sb, end. */
static inline size_t vg_jx_begin(vg_jx *x) {
  return x->sb.len;
}
void vg_jx_end(vg_jx *x, size_t start);
/* The text of scratch[start..) built so far, or NULL when it did not fit. */
const char *vg_jx_text(vg_jx *x, size_t start, size_t *n);
/* k8saudit's jsonValueAsString: a string's text, anything else as compact
 * JSON (v non-NULL). */
void vg_jx_emit_as_string(vg_jx *x, const json_t *v);
/* Text of v as jsonValueAsString gives it, without emitting: a pointer into
 * the tree for strings, else rendered into scratch (*n set; NULL if scratch
 * is full). */
const char *vg_jx_as_string(vg_jx *x, const json_t *v, size_t *n);
/* Drops every value emitted so far (an upstream extraction error). */
void vg_jx_reset(vg_jx *x);

/* fastjson Value.Get(key): member of an object, element (strconv.Atoi of
 * key) of an array, NULL otherwise or when v is NULL. */
const json_t *vg_jx_get(const json_t *v, const char *key);
/* Get(k1, k2, ..., NULL). */
const json_t *vg_jx_path(const json_t *v, ...);
/* fastjson GetStringBytes(keys...): the string's text or NULL. */
const char *vg_jx_str(const json_t *v, size_t *n, ...);

vigil_status vg_jx_k8s(vg_jx *x, int id);
vigil_status vg_jx_cloudtrail(vg_jx *x, int id);
vigil_status vg_jx_okta(vg_jx *x, int id);
vigil_status vg_jx_github(vg_jx *x, int id);
vigil_status vg_jx_gcp(vg_jx *x, int id);
vigil_status vg_jx_json(vg_jx *x, int id);

/* okta.org value (json_fields.c). */
const char *vg_jx_okta_org(void);

#endif
