/*
 * loader.h - internals of the rule loader (owned by the loader work): the
 * location contexts of Falco's load results, the collector's tables of
 * lists, macros and rules, and the compiler object behind compiler.h.
 *
 * Everything is allocated in the compiler's arena (c->a) and lives until
 * vigil_compiler_free. Files: yaml.c (libyaml reader), reader.c (YAML
 * items -> collector operations, sections 2-4, 6.1-6.2), compile.c
 * (sections 5, 6.3, 9.2, 12.2), result.c (diagnostics, snippets, JSON,
 * text), describe.c (falco -L), catalog_glue.c (what the loader asks of
 * the field catalogs), api.c (compiler.h).
 */
#ifndef VG_LOAD_LOADER_H
#define VG_LOAD_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag_codes.h"
#include "front/ast.h"
#include "load/yaml.h"
#include "sema/sema.h"
#include "util/arena.h"
#include "util/buf.h"
#include "vigil/compiler.h"

/* Falco's item types, in its enumeration order (13.2). */
typedef enum vg_itype {
  VG_IT_VALUE_FOR,
  VG_IT_EXCEPTIONS,
  VG_IT_EXCEPTION,
  VG_IT_EXCEPTION_VALUES,
  VG_IT_EXCEPTION_VALUE,
  VG_IT_RULES_CONTENT,
  VG_IT_RULES_CONTENT_ITEM,
  VG_IT_REQUIRED_ENGINE_VERSION,
  VG_IT_REQUIRED_PLUGIN_VERSIONS,
  VG_IT_REQUIRED_PLUGIN_VERSIONS_ENTRY,
  VG_IT_REQUIRED_PLUGIN_VERSIONS_ALTERNATIVE,
  VG_IT_LIST,
  VG_IT_LIST_ITEM,
  VG_IT_MACRO,
  VG_IT_MACRO_CONDITION,
  VG_IT_RULE,
  VG_IT_RULE_CONDITION,
  VG_IT_CONDITION_EXPRESSION,
  VG_IT_RULE_OUTPUT,
  VG_IT_RULE_OUTPUT_EXPRESSION,
  VG_IT_RULE_PRIORITY,
  VG_IT_OVERRIDES,
  VG_IT_EXTENSION_ITEM
} vg_itype;

const char *vg_itype_name(vg_itype t);

#define VG_CTX_MAX 12

/* Largest rules file read (bytes): bigger ones get one error naming the
 * limit instead of being parsed (Falco's own rules are ~100 KB). */
#define VG_MAX_RULES_FILE (16u << 20)

/* A context: Falco's chain of locations plus vigil's precise span. */
typedef struct vg_ctx {
  vigil_location locs[VG_CTX_MAX];
  int n;
  const char *alt; /* condition text the snippet is taken from, or NULL */
  const char *file;
  bool has_span;
  size_t start, end; /* span in the file */
  const char *note;  /* vigil's own note for text output, or NULL */
} vg_ctx;

/* One value of an exception's fields/comps/values (Falco's entry). */
typedef struct vg_xentry {
  bool valid; /* written at all */
  bool is_list;
  const char *item;
  struct vg_xentry *items;
  size_t n;
  const vg_ynode *node; /* where it was written (spans) */
} vg_xentry;

typedef struct vg_exception {
  const char *name;
  vg_xentry fields, comps;
  vg_xentry *values;
  size_t nvalues;
  vg_ctx ctx;
} vg_exception;

/* A piece of a condition text that came from one YAML scalar; used to map
 * condition offsets back to file offsets. */
typedef struct vg_cseg {
  size_t toff; /* offset in the condition text */
  size_t len;
  const vg_ynode *node; /* the scalar (its omap) */
  const char *file;
} vg_cseg;

typedef struct vg_ctext {
  const char *text;
  vg_cseg *segs;
  size_t nsegs;
} vg_ctext;

typedef struct vg_ptrvec {
  void **v;
  size_t n, cap;
} vg_ptrvec;
bool vg_ptrvec_push(vg_arena *a, vg_ptrvec *pv, void *p);

typedef struct vg_list_info {
  const char *name;
  const char **items;
  size_t nitems;
  uint32_t index, visibility;
  vg_ctx ctx;
  /* compiled */
  const char **citems;
  size_t nc;
  bool used;
} vg_list_info;

typedef struct vg_macro_info {
  const char *name;
  vg_ctext cond;
  vg_ctx ctx, cond_ctx;
  uint32_t index, visibility;
  /* compiled */
  vg_node *ast;
  const char *subst; /* condition after list substitution */
  int32_t *origin;   /* subst offset -> cond offset (-1 inserted) */
  bool used;
  bool compiled;
  bool failed; /* reported an error this compile (no cascades) */
  size_t nodes; /* size of ast (0: not counted yet) */
} vg_macro_info;

typedef struct vg_rule_info {
  const char *name;
  vg_ctext cond;
  const char *output;
  const vg_ynode *output_node; /* scalar of the defining output (spans) */
  const char *desc;
  const char *source;
  bool has_source;   /* source written explicitly ("" counts as absent) */
  const char **tags; /* sorted, unique */
  size_t ntags;
  vg_exception *exceptions;
  size_t nexceptions;
  int priority;
  bool enabled, capture, warn_evttypes, skip_unknown;
  uint32_t capture_duration;
  bool unknown_source;
  vg_ctx ctx, cond_ctx, output_ctx;
  uint32_t index, visibility;
  /* compiled (describe) */
  bool compiled_ok;
  vg_node *ast;
  const char *cond_final;   /* after exceptions */
  const char *output_final; /* after %container.info removal */
  /* append_output extra fields matching the rule (last one per name) */
  vigil_extra_field *xfields;
  size_t nxfields;
  const char **exc_fields;
  size_t nexc_fields;
  vg_ptrvec xspans; /* origins of the generated exception text */
  vg_evtset evts;
  const char **macros_used;
  size_t nmacros_used;
  const char **lists_used;
  size_t nlists_used;
} vg_rule_info;

typedef struct vg_plugin_req {
  const char *name, *version;
} vg_plugin_req;

typedef struct vg_plugin_group {
  vg_plugin_req *alts;
  size_t n;
  vg_ctx ctx;
} vg_plugin_group;

/* A growable array of pointers in the arena. */

typedef struct vg_file {
  const char *name;
  const char *text;
  size_t len;
} vg_file;

typedef struct vg_result {
  vigil_load_result pub;
  vg_ptrvec errs, warns; /* vigil_diag* */
  vg_ptrvec schema_status; /* char*: Falco's schema check (schema.h) */
  vg_ptrvec schema_diags;  /* vigil_diag*, code name "SCHEMA" */
} vg_result;

struct vigil_compiler {
  vg_arena a;
  vigil_compiler_options opts;
  vg_sema_env *env;
  vg_ptrvec files;           /* vg_file* */
  vg_ptrvec results;         /* vg_result* */
  vigil_load_result *pubres; /* flattened views, rebuilt on demand */
  vg_result *res;            /* result of the file being loaded */
  const vg_file *cur;
  bool stop; /* an error was recorded and !all_errors */
  uint32_t counter;
  /* collector */
  vg_ptrvec lists, macros, rules; /* vg_*_info*, index order */
  struct vg_htab {
    void **slots; /* entities by name (their first member) */
    size_t n;
  } hlists, hmacros, hrules;
  vg_ptrvec plugin_groups; /* vg_plugin_group* */
  bool has_engine_version;
  unsigned ev_major, ev_minor, ev_patch;
  bool compiled_ok; /* last compile of the collection succeeded */
  size_t xbudget;   /* exception entries decoded in this file */
  size_t cloned;    /* macro nodes cloned by the current compile */
};

/* contexts */
void vg_ctx_root(vigil_compiler *c, vg_ctx *ctx, const char *file);
void vg_ctx_child(vg_ctx *out, const vg_ctx *parent, const vg_ynode *n,
                  vg_itype t, const char *name);
void vg_ctx_cond(vigil_compiler *c, vg_ctx *out, const vg_ctx *parent,
                 vg_pos pos, const char *cond);

/* results */
void vg_add_error(vigil_compiler *c, vg_err_code code, const char *msg,
                  const vg_ctx *ctx);
void vg_add_warning(vigil_compiler *c, vg_warn_code code, const char *msg,
                    const vg_ctx *ctx, const char *deprecated_field);
/* A diagnostic for ctx (locations, snippet, span), not yet recorded. */
vigil_diag *vg_new_diag(vigil_compiler *c, const char *msg, const vg_ctx *ctx);
/* Adds a note to the most recent diagnostic. */
void vg_add_note(vigil_compiler *c, const char *note);
char *vg_fmt(vigil_compiler *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* reader / collector */
void vg_read_file(vigil_compiler *c, const vg_file *f);
vg_list_info *vg_find_list(vigil_compiler *c, const char *name);
vg_macro_info *vg_find_macro(vigil_compiler *c, const char *name);
vg_rule_info *vg_find_rule(vigil_compiler *c, const char *name);

/* Levenshtein distance (99 for very long texts), for "did you mean". */
size_t vg_edit_distance(const char *a, const char *b);

/* version strings "x.y.z..." */
bool vg_parse_version(const char *s, unsigned v[3]);

/* compile */
void vg_compile_all(vigil_compiler *c);
bool vg_valid_lhs_field(vigil_compiler *c, const char *source,
                        const char *field);
/* Same; *oom tells whether the answer is false for lack of memory. */
bool vg_valid_lhs_field_ex(vigil_compiler *c, const char *source,
                           const char *field, bool *oom);
/* 5.2 on text with origin tracking; origin may be NULL. Returns the new
 * text; *origin_out (if non-NULL) receives the new origin map. */
const char *vg_subst_list(vg_arena *a, const char *cnd, int32_t *origin,
                          const char *name, const char *const *items,
                          size_t nitems, bool *used, int32_t **origin_out);
/* Same, NULL with *st VIGIL_E_LIMIT when the text would grow past
 * VG_MAX_SUBST_TEXT bytes, or VIGIL_E_NOMEM (vg_subst_list then returns
 * cnd unchanged). */
#define VG_MAX_SUBST_TEXT (4u << 20)
const char *vg_subst_list_ex(vg_arena *a, const char *cnd, int32_t *origin,
                             const char *name, const char *const *items,
                             size_t nitems, bool *used, int32_t **origin_out,
                             vigil_status *st);
/* 6.3: the rule condition with its exceptions, NULL + error on failure. */
const char *vg_exceptions_text(vigil_compiler *c, const vg_rule_info *r,
                               bool *ok);
/* Same, recording in xm (vg_xspan*, see compile.c) where field and value
 * texts of the generated part came from. */
const char *vg_exceptions_text_map(vigil_compiler *c, const vg_rule_info *r,
                                   bool *ok, vg_ptrvec *xm);

/* describe */
vigil_status vg_describe(const vigil_compiler *c, char **out);

#endif
