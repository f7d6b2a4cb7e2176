/*
 * vm.h - per-thread evaluation context for a loaded vigil_program.
 *
 * A vigil_vm is created for one program (sized from the verifier's facts:
 * stack depth, field cache, predicate memo, pcre2 match data, transformer
 * scratch) and used by one thread at a time. vigil_vm_eval does no malloc,
 * locking or I/O. Its results stay valid until the next call on the same
 * vm (Falco's extraction contract).
 */
#ifndef VIGIL_VM_H
#define VIGIL_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/event.h"
#include "vigil/program.h"

typedef struct vigil_vm vigil_vm;

typedef struct vigil_vm_opts {
  size_t struct_size;   /* sizeof(vigil_vm_opts) */
  size_t scratch_bytes; /* transformer output space per event; 0 = 64 KiB */
  bool first_match;     /* stop at the first matching rule (Falco's
                           rule_matching: first) */
} vigil_vm_opts;

/* opts may be NULL (defaults). Returns NULL when out of memory. The program
 * must outlive the vm. */
VIGIL_API vigil_vm *vigil_vm_new(const vigil_program *p,
                                 const vigil_vm_opts *opts);
VIGIL_API void vigil_vm_free(vigil_vm *vm);

/*
 * Evaluates every enabled rule of the event's source whose event-type set
 * contains ev->evtype, in rule order. The indices of matching rules are
 * available through vigil_vm_matches until the next call. Returns VIGIL_OK,
 * or the first error met (an accessor error, VIGIL_E_LIMIT when transformer
 * scratch ran out); the rule that failed does not match, the others are
 * still evaluated.
 */
VIGIL_API vigil_status vigil_vm_eval(vigil_vm *vm, const vigil_event *ev);

/* Evaluates a single rule (by index) regardless of its enabled flag;
 * *matched is its result. The event's type should be in the rule's
 * event-type set: the compiler folds evt.type checks against that set. */
VIGIL_API vigil_status vigil_vm_eval_rule(vigil_vm *vm, const vigil_event *ev,
                                          size_t rule, bool *matched);

/* Matching rule indices of the last vigil_vm_eval, in rule order. */
VIGIL_API const uint32_t *vigil_vm_matches(const vigil_vm *vm, size_t *n);

#endif
