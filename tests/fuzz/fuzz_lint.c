/*
 * fuzz_lint.c - libFuzzer target for the rule loader (owned by the loader
 * work): arbitrary bytes as a rules file, loaded in Falco's mode and with
 * --all-errors, then every result rendered as JSON and as text and the
 * rule set described. It must never crash, hang, leak or print.
 * tests/fuzz/replay_main.c replays seeds/lint/ with it under gcc.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "vigil/compiler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(const uint8_t *data, size_t size, bool all_errors) {
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  o.all_errors = all_errors;
  vigil_compiler *c = NULL;
  if (vigil_compiler_new(&o, &c) != VIGIL_OK)
    return;
  vigil_compiler_load_buffer(c, "fuzz.yaml", (const char *)data, size);
  /* a second file on top of the first, as multi-file loads do */
  vigil_compiler_load_buffer(c, "again.yaml", (const char *)data, size);
  vigil_compiler_finish(c);
  char *s = NULL;
  if (vigil_results_json(c, &s) == VIGIL_OK)
    free(s);
  for (size_t i = 0; i < vigil_compiler_nresults(c); i++) {
    const vigil_load_result *r = vigil_compiler_result(c, i);
    for (size_t k = 0; r && k < r->nerrors + r->nwarnings; k++) {
      const vigil_diag *d =
          k < r->nerrors ? &r->errors[k] : &r->warnings[k - r->nerrors];
      char *t = NULL;
      if (vigil_diag_render_text(c, d, &t) == VIGIL_OK)
        free(t);
    }
  }
  s = NULL;
  if (vigil_compiler_describe_json(c, &s) == VIGIL_OK)
    free(s);
  vigil_compiler_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  run(data, size, false);
  run(data, size, true);
  return 0;
}
