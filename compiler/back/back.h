/*
 * back.h - the back end: lowers macro-expanded, checked condition ASTs
 * (front/ast.h) of rules to VM code and serializes the result as a pack
 * (include/vigil/program.h). Also the disassembler and the one-condition
 * evaluator behind `vigil expr --fields`.
 *
 * Lowering: constant folding and dead-branch removal (empty lists, `not
 * not`, and/or with constant children); in an `or`, startswith/endswith
 * checks on one operand merged into one `anyof` check, `in`/`intersects`
 * sets on one operand united (`in` only on single-valued fields), common
 * first conjuncts factored out (`(A and B) or (A and C)` -> `A and (B or
 * C)`); within runs of leaf checks of an and/or, cheaper checks first
 * (all of these keep every result: and/or have no side effects);
 * short-circuit and/or through
 * forward JF_KEEP/JT_KEEP jumps, in/intersects/modifier lists as hashed
 * sets, pmatch lists as sorted path tables, identical predicates shared
 * between rules through per-event MEMO slots (slots used once are removed
 * again by vg_back_finish), rule dispatch by event-type set.
 *
 * Output is deterministic: the same rules in the same order give the same
 * bytes. Not thread-safe: one vg_back per compilation.
 */
#ifndef VG_BACK_H
#define VG_BACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "front/ast.h"
#include "sema/sema.h"
#include "vigil/fieldtypes.h"
#include "vigil/compiler.h"
#include "vigil/program.h"
#include "vigil/status.h"

/* What the back end needs to know about a field reference. */
typedef struct vg_back_field {
  vg_ftype type;  /* the raw field's type */
  bool is_list;   /* list-valued field */
  uint8_t flags;  /* VIGIL_FIELD_* (the back end adds LIST itself) */
} vg_back_field;

/*
 * Resolves a VG_N_FIELD node for an event source. Return VIGIL_OK or an
 * error with a message in err. The default resolver (NULL) uses the
 * embedded catalogs (sema/catalog.h) with every embedded plugin loaded.
 */
typedef vigil_status (*vg_back_resolve_fn)(void *ud, const char *source,
                                           const vg_node *field,
                                           vg_back_field *out, char *err,
                                           size_t errsz);

typedef struct vg_back_opts {
  vg_back_resolve_fn resolve;
  void *resolve_ud;
  bool no_memo;  /* do not share predicates between rules */
  bool no_debug; /* omit the DEBUG section */
  bool deflate;  /* store the body compressed (VIGIL_PACK_F_DEFLATE) */
} vg_back_opts;

typedef struct vg_back vg_back;

/* opts may be NULL. Returns NULL when out of memory. */
vg_back *vg_back_new(const vg_back_opts *opts);
void vg_back_free(vg_back *b);

typedef struct vg_back_rule {
  const char *name;   /* required */
  const char *source; /* required: "syscall", "k8s_audit", ... */
  const char *output; /* NULL: none */
  const char *desc;   /* NULL: none */
  unsigned priority;  /* 0 emergency .. 7 debug */
  const char *const *tags;
  size_t ntags;
  bool enabled;
  const vg_evtset *evts; /* event types to dispatch on; NULL = all */
  /* append_output extra fields (XFIELD section); NULL/0: none */
  const vigil_extra_field *xfields;
  size_t nxfields;
} vg_back_rule;

/*
 * Lowers one rule. cond is the final (macro-expanded) condition; it is only
 * read during the call. On failure returns VIGIL_E_COMPILE (message in err,
 * e.g. a literal that does not convert), VIGIL_E_LIMIT or VIGIL_E_NOMEM and
 * the builder stays usable (the rule is not added).
 */
vigil_status vg_back_add_rule(vg_back *b, const vg_back_rule *r,
                              const vg_node *cond, char *err, size_t errsz);

/* Serializes everything added so far. *out is malloc'd (free with
 * vg_free); the builder may not be used afterwards except to free it. */
vigil_status vg_back_finish(vg_back *b, uint8_t **out, size_t *len);

/* Readable listing of a loaded program (vigil disasm): sections, tables,
 * then each rule's code with operands resolved. Appends to out. */
struct vg_buf;
void vg_back_disasm(const vigil_program *p, struct vg_buf *out);
/* Summary (vigil info): header, sections with sizes, rules. */
void vg_back_info(const vigil_program *p, const uint8_t *bytes, size_t len,
                  struct vg_buf *out);

#endif
