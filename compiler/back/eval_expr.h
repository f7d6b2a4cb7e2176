/*
 * eval_expr.h - evaluation of one condition against field values given as
 * JSON, through the real pipeline (lowering, pack, loader, verifier, VM):
 * the engine behind `vigil expr --fields JSON` (cli.md).
 */
#ifndef VG_EVAL_EXPR_H
#define VG_EVAL_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "back/back.h"

/*
 * cond: the parsed (and checked) condition; source: its event source
 * ("syscall"); fields_json: a JSON object whose keys are field references
 * as written in conditions ("proc.name", "proc.aname[2]", "evt.arg.fd")
 * and whose values are strings, numbers or booleans (arrays of them for
 * list-valued fields), each converted to the field's type with the rules
 * of a right-hand literal. Fields absent from the object have no value.
 * resolve: field types (NULL: the default resolver of back.h).
 * On success *result is the condition's value. Errors: VIGIL_E_SYNTAX (bad
 * JSON or a value that does not convert, message in err), VIGIL_E_COMPILE,
 * VIGIL_E_NOMEM, ...
 */
vigil_status vg_eval_expr(const vg_node *cond, const char *source,
                          const char *fields_json, vg_back_resolve_fn resolve,
                          void *resolve_ud, bool *result, char *err,
                          size_t errsz);

#endif
