/*
 * schema.h - Falco's advisory JSON-schema check of rules files
 * (rules-language.md 2.4), owned by the schema work. Falco validates every
 * YAML document against its rules schema with valijson in weak-typing
 * mode over yaml-cpp nodes; the outcome never changes whether a file
 * loads, it only shows as `schema_valid` / `schema_warnings` in the
 * validation result (section 13). This is a validator for that one schema
 * walking our YAML tree, not a general JSON-schema engine: it reproduces
 * the observable behaviour (which values pass, the order and texts of the
 * error entries and their contexts), and adds one compiler-style warning
 * per root cause for `vigil lint`.
 */
#ifndef VG_LOAD_SCHEMA_H
#define VG_LOAD_SCHEMA_H

#include <stdbool.h>

#include "load/loader.h"

/*
 * Checks the documents of file f, as Falco does while loading it: one
 * status entry per document up to the first null document (yaml-cpp stops
 * loading there), "ok" or one "failed for CONTEXT: DESCRIPTION" entry per
 * valijson error. Entries (char *) go to r->schema_status, diagnostics
 * (vigil_diag *, code name "SCHEMA", severity warning) to r->schema_diags;
 * everything lives in c's arena.
 *
 * Returns false when a mapping key the check must read is itself a
 * sequence or mapping: yaml-cpp cannot convert it to a string and Falco's
 * load fails with LOAD_ERR_YAML_PARSE; *bad_key is then that key node and
 * nothing is recorded. Out of memory leaves partial results (never a
 * crash).
 */
bool vg_schema_check(vigil_compiler *c, const vg_file *f, const vg_ydocs *docs,
                     vg_result *r, const vg_ynode **bad_key);

#endif
