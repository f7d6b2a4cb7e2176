/*
 * appendout.h - Falco's append_output configuration given with -o (cli.md
 * "-o append_output"): Falco's -o key syntax (append_output[]=,
 * append_output[N].sub.key=, values in braces parsed as YAML flow maps)
 * turned into the compiler's vigil_append_output list. Owned by the cli
 * helper (appendout slice).
 */
#ifndef VG_CLI_APPENDOUT_H
#define VG_CLI_APPENDOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "vigil/compiler.h"

typedef struct vg_aout {
  vg_arena a;
  bool set; /* some -o append_output... was given */
  vigil_append_output *v; /* arena; grows by copying */
  size_t n, cap;
} vg_aout;

void vg_aout_init(vg_aout *ao);
void vg_aout_fini(vg_aout *ao);
/* Whether KEY=... (kv) names the append_output list or part of it. */
bool vg_aout_is_key(const char *kv);
/* Applies one -o KEY=VALUE whose key vg_aout_is_key accepts. 0, or -1 with
 * a message in err. The first one starts from Falco's default list (one
 * entry with suggested_output true). */
int vg_aout_option(vg_aout *ao, const char *kv, char *err, size_t errsz);
/* Entry e's tags as Falco lists them in its warning on entries with both
 * a rule and tags: sorted, unique, each followed by ", " with the last
 * space dropped ("a, b,"). Truncated to the buffer. */
void vg_aout_tag_list(const vigil_append_output *e, char *out, size_t sz);
/* Points the compiler options at the list (borrowed: keep ao alive). */
void vg_aout_fill(const vg_aout *ao, vigil_compiler_options *o);

#endif
