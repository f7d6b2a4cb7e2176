/*
 * json_fields.h - field extraction for the JSON event sources: every field
 * of the k8s_audit, aws_cloudtrail, okta, github, gcp_auditlog and json
 * catalogs (plugin/fields/data, one .fields file per source), rendered as the
 * upstream Go plugins render them (the plugins' source is the reference; see
 * /work/shared/spec/fields/README.md for the notable quirks).
 *
 * Fields are numbered 0..vg_json_field_count()-1 in catalog order (k8s_audit,
 * aws_cloudtrail, okta, github, gcp_auditlog, json); the numbering is fixed
 * for a build, not across builds: bind by name.
 *
 * Extraction never allocates: values are vg_value (plugin/vm/value.h) that
 * point into the event's jansson tree or into the caller's scratch buffer.
 * Memoisation (each field extracted at most once per event) is the
 * caller's job. Thread-safe as long as each thread uses its own output
 * storage. Owner: jsonsrc.
 */
#ifndef VG_JSON_FIELDS_H
#define VG_JSON_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vigil/fieldtypes.h"
#include "vigil/status.h"
#include "vm/value.h"
#include "json/json_source.h"

typedef enum vg_json_arg_kind {
  VG_JARG_NONE = 0,  /* no argument accepted */
  VG_JARG_OPT_INDEX, /* optional [N] */
  VG_JARG_REQ_INDEX, /* required [N] */
  VG_JARG_REQ_KEY,   /* required [KEY] */
  VG_JARG_OPT_KEY    /* optional [KEY] */
} vg_json_arg_kind;

typedef struct vg_json_field_info {
  const char *name;     /* "ka.user.name" */
  vg_json_src src;      /* the catalog; VG_JSRC_JSON applies to every source */
  vg_ftype type;        /* VG_FT_CHARBUF or VG_FT_UINT64 */
  bool is_list;         /* may yield several values */
  vg_json_arg_kind arg; /* accepted argument */
} vg_json_field_info;

/* Number of fields; a field's description (static), NULL out of range. */
size_t vg_json_field_count(void);
const vg_json_field_info *vg_json_field_info_get(int id);
/* The id of the field named name[0..len), or -1. */
int vg_json_field_find(const char *name, size_t len);

/* A field argument as written between brackets. For an index argument,
 * index holds its value; for a key argument, index is UINT64_MAX (what
 * libsinsp hands a plugin; ka.req.volume.hostpath reads it as "no index").
 * key always points at the text (not NUL-terminated). */
typedef struct vg_json_arg {
  bool present;
  uint64_t index;
  const char *key;
  size_t key_len;
} vg_json_arg;

/*
 * Parses a field reference "name" or "name[arg]" (as in conditions) into an
 * id and argument; arg->key points into ref. Checks the argument against the
 * field (required, index must be decimal). On failure returns VIGIL_E_SYNTAX
 * or VIGIL_E_NOTFOUND with a message in err.
 */
vigil_status vg_json_field_parse(const char *ref, int *id, vg_json_arg *arg,
                                 char *err, size_t errsz);

/* Whether field id applies to events of source src (json.* / jevt.* apply
 * to all; others only to their catalog's source). */
bool vg_json_field_applies(int id, vg_json_src src);

/* Output storage for one extraction, provided by the caller. */
typedef struct vg_json_out {
  vg_value *vals; /* values, cap entries */
  size_t cap;
  size_t n;     /* out: number of values (needed count on VIGIL_E_LIMIT) */
  uint8_t *buf; /* scratch for rendered strings, bufcap bytes */
  size_t bufcap;
  size_t used; /* out: scratch bytes used (needed on VIGIL_E_LIMIT) */
} vg_json_out;

/*
 * Extracts field id from ev with argument arg (NULL = none). On VIGIL_OK,
 * out->vals[0..n) hold the values: n == 0 means "not available" (Falco's
 * <NA>; also what an upstream extraction error becomes). String values
 * point into ev->root or out->buf and stay valid while both do. Returns
 * VIGIL_E_LIMIT when out->cap or out->bufcap is too small (n and used then
 * give the sizes needed: grow and retry), VIGIL_E_INVAL for a bad id.
 * Scratch starts at out->buf (used is reset to 0 first).
 */
vigil_status vg_json_extract(const vg_json_event *ev, int id,
                             const vg_json_arg *arg, vg_json_out *out);

/*
 * The source plugin's String() rendering of ev, which libsinsp shows as
 * evt.plugininfo (cloudtrail: "REGION USER SRC NAME INFO"; github:
 * "github TYPE user:... repo:... action:..."; k8saudit, okta, gcpaudit: the
 * payload as JSON text). Written to b (bounded: check vg_jbuf_ok). Returns
 * false when the plugin would fail (a CloudTrail record without
 * eventSource, awsRegion or eventName) or for generic JSON events.
 */
bool vg_json_plugininfo(const vg_json_event *ev, vg_jbuf *b);

/* Okta's okta.org comes from plugin configuration ("organization"); set it
 * here (copied; default ""). Not thread-safe against extraction. */
void vg_json_set_okta_org(const char *org);

/*
 * Debug helper: reads the events of the file at path (source forced when
 * source is non-NULL and non-empty) and prints, per event, one line:
 * "#NUM SOURCE" then " FIELD=VALUE" for each field reference in fields
 * (values of list fields as (a,b), a missing value as <NA>). Reader errors
 * go to out as "error: ..." lines. Returns 0 on success, 1 if the input
 * had errors, 2 for a bad field reference or unreadable file.
 */
int vg_json_dump_fields(FILE *out, const char *path, const char *source,
                        const char *const *fields, size_t n);

#endif
