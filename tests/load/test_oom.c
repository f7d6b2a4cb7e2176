/*
 * test_oom.c - allocation-failure torture for the loader: fail the Nth
 * allocation for every N while loading, compiling, rendering and describing
 * a small rule set; every run must end without a crash (and, under the
 * sanitizers, without a leak). Errors may be reported oddly then; what
 * matters is that nothing breaks.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "vigil/compiler.h"

static const char *RULES =
    "- required_engine_version: 0.50.0\n"
    "- list: shells\n  items: [sh, bash]\n"
    "- macro: spawned\n  condition: evt.type in (execve, execveat)\n"
    "- rule: r\n  desc: d\n  condition: spawned and proc.name in (shells)\n"
    "  output: shell %proc.name (%fd.nmae)\n  priority: INFO\n"
    "  exceptions:\n    - name: e\n      fields: [proc.pname]\n"
    "      values: [[x]]\n"
    "- rule: r2\n  desc: d\n  condition: evt.type = open and proc.nme = a\n"
    "  output: o\n  priority: INFO\n";

static void run_once(void) {
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  o.all_errors = true;
  vigil_compiler *c = NULL;
  if (vigil_compiler_new(&o, &c) != VIGIL_OK)
    return;
  vigil_compiler_load_buffer(c, "a.yaml", RULES, strlen(RULES));
  vigil_compiler_finish(c);
  char *s = NULL;
  if (vigil_results_json(c, &s) == VIGIL_OK)
    free(s);
  for (size_t i = 0; i < vigil_compiler_nresults(c); i++) {
    const vigil_load_result *r = vigil_compiler_result(c, i);
    for (size_t k = 0; r && k < r->nerrors; k++) {
      char *t = NULL;
      if (vigil_diag_render_text(c, &r->errors[k], &t) == VIGIL_OK)
        free(t);
    }
  }
  s = NULL;
  if (vigil_compiler_describe_json(c, &s) == VIGIL_OK)
    free(s);
  vigil_compiler_free(c);
}

Test(oom, every_allocation_fails_once) {
  vg_alloc_fail_after(-1);
  long before = vg_alloc_count();
  run_once();
  long total = vg_alloc_count() - before;
  cr_assert_gt(total, 10);
  const char *st = getenv("VIGIL_OOM_START"); /* debugging aid */
  for (long n = st ? strtol(st, NULL, 10) : 0; n < total; n++) {
    if (getenv("VIGIL_OOM_TRACE"))
      fprintf(stderr, "oom n=%ld\n", n);
    vg_alloc_fail_after(n);
    run_once();
  }
  vg_alloc_fail_after(-1);
}
