/*
 * pack_rules.h - the whole compile step for rule files: every rule the
 * loader compiled (vigil_compiler, compiler/load) lowered into one pack.
 * Used by `vigil compile`, and by anything that evaluates rule files
 * directly (`vigil run --rules`): compile to bytes, then
 * vigil_program_load them.
 */
#ifndef VG_PACK_RULES_H
#define VG_PACK_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/compiler.h"

/*
 * c must have loaded its files without errors (vigil_compiler_finish done,
 * no error in any result). Rules appear in load order, disabled ones
 * included with their enabled flag clear; syscall rules are dispatched on
 * their inferred event types. share: let rules share identical predicates
 * (MEMO slots). *out is malloc'd (free with vg_free); *nrules the number
 * of rules packed. Errors: VIGIL_E_INVAL (the rules have errors),
 * VIGIL_E_COMPILE (a rule cannot be lowered; message in err), VIGIL_E_NOMEM.
 */
vigil_status vg_pack_rules(const vigil_compiler *c, bool share, uint8_t **out,
                           size_t *len, size_t *nrules, char *err,
                           size_t errsz);

#endif
