/*
 * sema.h - semantic checks of one parsed condition for one event source:
 * field resolution against the embedded catalogs, operator/type rules,
 * literal conversion, transformer typing, field-to-field rules, the
 * compile-time warnings, and event-type inference (rules-language.md 7.7-
 * 7.9, 8.2, 8.3, 8.7, 8.8, 11).
 *
 * The condition has already been macro-expanded (no VG_N_IDENT left, except
 * in vg_sema_evttypes, where unresolved identifiers are neutral).
 *
 * Thread-safety: a vg_sema_env is immutable after vg_sema_env_init and may
 * be shared; every call takes its own arena for results.
 */
#ifndef VG_SEMA_H
#define VG_SEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag_codes.h"
#include "front/ast.h"
#include "sema/catalog.h"
#include "vigil/status.h"

/* Which sources and plugins the engine has (cli.md --source, --plugin). */
typedef struct vg_sema_env vg_sema_env;

typedef struct vg_sema_plugin {
  const char *name;    /* "container", "k8saudit", "json", ... */
  const char *version; /* "0.7.1" */
} vg_sema_plugin;

/*
 * Builds an environment. sources == NULL (nsources 0) means syscall plus
 * every plugin source vigil has a catalog for whose plugin is loaded (so
 * with all plugins: every source); plugins == NULL with all_plugins true
 * means every plugin vigil embeds, at its catalog's version. Returns NULL
 * when out of memory. Free with vg_sema_env_free.
 */
vg_sema_env *vg_sema_env_new(const char *const *sources, size_t nsources,
                             const vg_sema_plugin *plugins, size_t nplugins,
                             bool all_plugins);
void vg_sema_env_free(vg_sema_env *env);

bool vg_sema_env_has_source(const vg_sema_env *env, const char *source);
/* The loaded plugin of that name, or NULL. */
const vg_sema_plugin *vg_sema_env_plugin(const vg_sema_env *env,
                                         const char *name);

/* The field classes conditions of source see in env (catalog.h); false
 * when vigil has no catalog for the source. */
bool vg_sema_env_fieldset(const vg_sema_env *env, const char *source,
                          vg_fieldset *fs);

/* A finding from a check: an error (is_error) or a warning. */
typedef struct vg_sema_diag {
  bool is_error;
  vg_err_code err;   /* when is_error */
  vg_warn_code warn; /* when !is_error */
  const char *msg;   /* arena string, Falco's exact text */
  vg_pos pos;        /* parser position of the node the finding is about */
  bool at_root;      /* Falco reports it at parser position (0,0,0) */
  const char *deprecated_field; /* deprecated-field warnings only */
} vg_sema_diag;

typedef void (*vg_sema_diag_fn)(void *ud, const vg_sema_diag *d);

/*
 * Warning pass of 12.2 step 7 (unsafe <NA>, deprecated fields in the
 * condition): reports warnings through fn, never fails except on NOMEM.
 */
vigil_status vg_sema_warn_pass(const vg_sema_env *env, const char *source,
                               vg_arena *a, const vg_node *root,
                               vg_sema_diag_fn fn, void *ud);

/*
 * Full compile check of 12.2 step 8: every field resolves for source, every
 * operator is allowed for its operand types, every literal converts, every
 * transformer types. Stops at the first error, which it reports through fn
 * (is_error) and returns VIGIL_E_COMPILE. On success reports the
 * LOAD_COMPILE_CONDITION warnings (8.8) through fn and returns VIGIL_OK.
 * Annotates nothing in the tree; later passes re-resolve through
 * vg_catalog (cheap) or the back end's own binding.
 */
vigil_status vg_sema_check(const vg_sema_env *env, const char *source,
                           vg_arena *a, const vg_node *root,
                           vg_sema_diag_fn fn, void *ud);

/*
 * Compiles one operand (a field reference or a transformer call, as parsed
 * by vg_parse_operand) for source, as Falco's output formatter does for a
 * %token (9.2): field resolution, argument rules and transformer typing.
 * for_output additionally rejects filter-only fields ("<f> is filter only
 * and cannot be used as a display field") and val(). On failure returns
 * VIGIL_E_COMPILE and sets *msg to Falco's text (arena string); NOMEM when
 * the arena cannot grow.
 */
vigil_status vg_sema_check_operand(const vg_sema_env *env, const char *source,
                                   vg_arena *a, const vg_node *operand,
                                   bool for_output, const char **msg);

/* A set of event-type codes (0 .. VG_EVT_MAX-1), one bit each. */
#define VG_EVT_MAX 1024
typedef struct vg_evtset {
  uint64_t bits[VG_EVT_MAX / 64];
} vg_evtset;

/*
 * Event-type inference of section 11 for a syscall-source condition.
 * Errors (type leaf with a field right-hand side, evt.type inside a
 * transformer) are reported through fn and return VIGIL_E_COMPILE.
 */
vigil_status vg_sema_evttypes(const vg_sema_env *env, const vg_node *root,
                              vg_evtset *out, vg_sema_diag_fn fn, void *ud);
size_t vg_evtset_count(const vg_evtset *s);

/*
 * Names of the event types in s as Falco lists them in rule descriptions
 * ("events": distinct names, sorted), appended to names[] (arena strings);
 * returns the count. names may be NULL to count only.
 */
size_t vg_evtset_names(const vg_evtset *s, vg_arena *a, const char ***names);

#endif
