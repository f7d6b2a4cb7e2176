/*
 * diag.h - diagnostics of rule loading (owned by the loader work).
 *
 * Each diagnostic carries two views of the same finding:
 *  - Falco's load-result model (rules-language.md 13): code, codedesc,
 *    message, the chain of locations from the file down to the node, the
 *    snippet, and deprecated_field; rendered as Falco's JSON by
 *    vigil_results_json();
 *  - vigil's precise source span (file name, byte offsets into the file as
 *    loaded) plus notes, for compiler-style text (vigil_diag_render_text()).
 *
 * All strings and arrays belong to the vigil_compiler that produced them
 * and stay valid until vigil_compiler_free(). Nothing here prints.
 */
#ifndef VIGIL_DIAG_H
#define VIGIL_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/vigil.h"

typedef enum vigil_severity {
  VIGIL_SEV_ERROR = 0,
  VIGIL_SEV_WARNING = 1
} vigil_severity;

/* One Falco location: 0-based YAML marks, or for "condition expression"
 * locations the quirky sums of rules-language.md 13.3. */
typedef struct vigil_location {
  const char *item_type; /* "rules content", "rule", "value for", ... */
  const char *item_name; /* "" when none */
  const char *name;      /* file name, or the quoted condition prefix */
  long line, column, offset;
} vigil_location;

/* A byte range of a loaded file; valid is false when the finding has no
 * precise place (then vigil falls back to the innermost YAML location). */
typedef struct vigil_span {
  bool valid;
  const char *file;  /* the file name as given */
  size_t start, end; /* byte offsets, end exclusive (end >= start) */
} vigil_span;

typedef struct vigil_diag {
  vigil_severity severity;
  int code;              /* Falco's enumeration value (12.1) */
  const char *code_name; /* "LOAD_ERR_COMPILE_CONDITION", ... */
  const char *codedesc;  /* as Falco reports it (13.5) */
  const char *message;
  const vigil_location *locations;
  size_t nlocations;
  const char *snippet;          /* Falco's snippet text (13.4) */
  const char *deprecated_field; /* NULL unless a deprecated-field warning */
  vigil_span span;              /* vigil's precise place */
  const char *const *notes;     /* extra context lines ("did you mean ...") */
  size_t nnotes;
} vigil_diag;

/* The result of loading one file (Falco's per-file load result). */
typedef struct vigil_load_result {
  const char *name; /* the file name as given */
  bool successful;
  const vigil_diag *errors;
  size_t nerrors;
  const vigil_diag *warnings;
  size_t nwarnings;
  /* Falco's advisory schema check (rules-language.md 2.4, 13): one entry
   * per YAML document, "ok" or, per problem, "failed for CONTEXT:
   * DESCRIPTION". nschema_status is 0 when the check did not run (empty
   * file, YAML error): Falco then reports no schema keys at all.
   * schema_valid is Falco's flag: the first entry is "ok". */
  const char *const *schema_status;
  size_t nschema_status;
  bool schema_valid;
  /* The same problems as vigil warnings, one per root cause, located at
   * the offending node (code_name "SCHEMA", code -1), except where an
   * error or warning of the loader already points. Not part of Falco's
   * warnings: they never make a load fail. */
  const vigil_diag *schema_diags;
  size_t nschema_diags;
} vigil_load_result;

#endif
