/*
 * compiler.h - the rules compiler front door (owned by the loader work):
 * load rule files one after another with Falco's multi-file semantics
 * (rules-language.md 1), collect per-file load results, describe the
 * loaded rules as `falco -L` does.
 *
 * Usage:
 *   vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
 *   vigil_compiler *c;
 *   vigil_compiler_new(&o, &c);
 *   vigil_compiler_load_file(c, "a.yaml");   (VIGIL_E_COMPILE: see results)
 *   vigil_compiler_finish(c);                (plugin requirement check)
 *   ... vigil_compiler_result(c, i) ...
 *   vigil_compiler_free(c);
 *
 * A compiler is single-threaded. Every pointer it returns stays valid until
 * vigil_compiler_free() and belongs to the compiler. The library never
 * prints.
 */
#ifndef VIGIL_COMPILER_H
#define VIGIL_COMPILER_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/diag.h"
#include "vigil/vigil.h"

typedef struct vigil_compiler vigil_compiler;

typedef struct vigil_plugin_spec {
  const char *name;
  const char *version; /* NULL: the version of vigil's embedded catalog */
} vigil_plugin_spec;

/* One extra field of an append_output entry: added to the alert's
 * output_fields as name -> the rendered format (raw false), or as the
 * field name -> the field's own value (raw true; format is "%name"). */
typedef struct vigil_extra_field {
  const char *name;
  const char *format;
  bool raw;
} vigil_extra_field;

/* One entry of Falco's append_output configuration (falco.yaml). It
 * applies to a rule when each non-empty match key matches: source equal,
 * every tag listed carried by the rule, rule name equal. extra_output (may
 * be NULL or "") is appended to the output, then, with suggested_output,
 * the output fields the loaded plugins suggest (name_with_underscores=
 * %name), then the extra fields are added; entries apply in order. */
typedef struct vigil_append_output {
  const char *source; /* NULL or "": any */
  const char *const *tags;
  size_t ntags;
  const char *rule; /* NULL or "": any */
  const char *extra_output;
  bool suggested_output;
  const vigil_extra_field *fields;
  size_t nfields;
} vigil_append_output;

typedef struct vigil_compiler_options {
  size_t size; /* sizeof(vigil_compiler_options): lets the struct grow */
  /* Event sources the engine knows; NULL/0: every source vigil has a
   * catalog for. */
  const char *const *sources;
  size_t nsources;
  /* Loaded plugins (cli.md --plugin); with no_plugins false these are
   * added to vigil's embedded plugins, with no_plugins true they are the
   * only ones. */
  const vigil_plugin_spec *plugins;
  size_t nplugins;
  bool no_plugins;
  /* Continue past errors (reading and compiling) and report every
   * finding; false reproduces Falco: a file stops at its first error. */
  bool all_errors;
  /* With no_plugins false: instead of every embedded plugin, load what a
   * Falco host set up for these rules would: the container plugin (Falco's
   * default configuration loads it), the given plugins, and, as the rules
   * files' required_plugin_versions items are read, the first alternative
   * of each requirement that vigil embeds (at the embedded version). A
   * plugin source is known only when its plugin is loaded, as in Falco.
   * This is what the CLI uses unless --no-plugins is given. */
  bool auto_plugins;
  /* Falco's append_output list. With append_output_set false, Falco's
   * default configuration: one entry with suggested_output true. Borrowed:
   * must outlive the compiler. */
  bool append_output_set;
  const vigil_append_output *append_output;
  size_t nappend_output;
} vigil_compiler_options;

#define VIGIL_COMPILER_OPTIONS_INIT                                            \
  { sizeof(vigil_compiler_options), NULL, 0, NULL, 0, false, false, false, \
    false, NULL, 0 }

VIGIL_API vigil_status vigil_compiler_new(const vigil_compiler_options *o,
                                          vigil_compiler **out);
VIGIL_API void vigil_compiler_free(vigil_compiler *c);

/*
 * Loads one file on top of everything loaded before and recompiles the
 * whole collection (Falco's per-file semantics). Returns VIGIL_OK when the
 * file's result is successful, VIGIL_E_COMPILE when it has errors,
 * VIGIL_E_IO when the file cannot be read (a LOAD_ERR_FILE_READ result is
 * recorded), VIGIL_E_NOMEM. The name is used as given in results.
 */
VIGIL_API vigil_status vigil_compiler_load_file(vigil_compiler *c,
                                                const char *path);
/* Same with content in memory (copied). */
VIGIL_API vigil_status vigil_compiler_load_buffer(vigil_compiler *c,
                                                  const char *name,
                                                  const char *data, size_t len);
/*
 * After the last file: checks required_plugin_versions against the loaded
 * plugins, as Falco's host does; an unsatisfied requirement is recorded as
 * a LOAD_ERR_VALIDATE error on the last file's result (VIGIL_E_COMPILE).
 */
VIGIL_API vigil_status vigil_compiler_finish(vigil_compiler *c);

VIGIL_API size_t vigil_compiler_nresults(const vigil_compiler *c);
VIGIL_API const vigil_load_result *
vigil_compiler_result(const vigil_compiler *c, size_t i);

/* The full text of a loaded file (for rendering source lines), or NULL. */
VIGIL_API const char *vigil_compiler_file_text(const vigil_compiler *c,
                                               const char *name, size_t *len);

/*
 * Falco's validation JSON for all results so far:
 * {"falco_load_results":[...]} (keys sorted, compact). *out is malloc'd;
 * the caller frees it with free().
 */
VIGIL_API vigil_status vigil_results_json(const vigil_compiler *c, char **out);

/*
 * Falco's text form of result i (rules-language.md 13.7): verbose
 * (`falco -V` output: status line, schema block, errors and warnings with
 * their location chains and snippets) or summary (status line and one
 * line per non-empty list). No trailing newline. *out is malloc'd; free
 * with free(). VIGIL_E_NOMEM.
 */
VIGIL_API vigil_status vigil_result_falco_text(const vigil_compiler *c,
                                               size_t i, bool verbose,
                                               char **out);

/*
 * `falco -L` JSON description of the currently loaded (last successfully
 * compiled) rule set: required_engine_version, required_plugin_versions,
 * lists, macros, rules. *out is malloc'd; free with free().
 */
VIGIL_API vigil_status vigil_compiler_describe_json(const vigil_compiler *c,
                                                    char **out);

/*
 * Compiler-style text for one diagnostic:
 *   FILE:LINE:COL: error|warning: MESSAGE [CODE]
 *      LINE | source line
 *           |     ^~~~~
 *   note: ...
 * *out is malloc'd (free()).
 */
VIGIL_API vigil_status vigil_diag_render_text(const vigil_compiler *c,
                                              const vigil_diag *d, char **out);

#endif
