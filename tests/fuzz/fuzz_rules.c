/*
 * fuzz_rules.c - fuzz entry for the whole compile pipeline: the input is a
 * rules file (YAML) loaded by the compiler (YAML reader, collector, macro
 * and list expansion, checks); its findings are rendered as text and JSON;
 * when it has no error it is lowered to a pack, which must then load and
 * verify (anything the compiler writes must verify) and is evaluated once
 * per source against an event with a value for every field. Nothing may
 * crash, hang, leak or print. replay_main.c replays seeds/rules/ under gcc.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "back/pack_rules.h"
#include "util/alloc.h"
#include "vigil/compiler.h"
#include "vigil/program.h"
#include "vigil/vm.h"

#include "fz_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_pack(const uint8_t *bytes, size_t len) {
  vigil_program *p = NULL;
  char err[256];
  if (vigil_program_load(bytes, len, NULL, NULL, &p, err, sizeof err) !=
      VIGIL_OK)
    abort(); /* the compiler wrote a pack its own loader rejects: a bug */
  vigil_vm *vm = vigil_vm_new(p, NULL);
  if (vm) {
    fz_event e = {
        .p = p, .str = "/bin/sh -c id", .ip0 = 10, .num = 2, .miss = 4};
    for (size_t s = 0; s < vigil_program_nsources(p); s++) {
      for (uint16_t t = 0; t < 4; t++) {
        vigil_event ev = {(uint32_t)s, (uint16_t)(t * 3 + 1), &fz_ops, &e};
        vigil_vm_eval(vm, &ev);
      }
    }
    vigil_vm_free(vm);
  }
  vigil_program_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1u << 18))
    return 0;
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  o.all_errors = size % 2 == 1;
  vigil_compiler *c = NULL;
  if (vigil_compiler_new(&o, &c) != VIGIL_OK)
    return 0;
  if (vigil_compiler_load_buffer(c, "fuzz.yaml", (const char *)data, size) !=
      VIGIL_OK) {
    vigil_compiler_free(c);
    return 0;
  }
  vigil_compiler_finish(c);
  size_t nerr = 0;
  for (size_t i = 0; i < vigil_compiler_nresults(c); i++) {
    const vigil_load_result *r = vigil_compiler_result(c, i);
    nerr += r->nerrors;
    for (size_t k = 0; k < r->nerrors + r->nwarnings; k++) {
      const vigil_diag *d =
          k < r->nerrors ? &r->errors[k] : &r->warnings[k - r->nerrors];
      char *txt = NULL;
      if (vigil_diag_render_text(c, d, &txt) == VIGIL_OK)
        free(txt);
    }
  }
  char *js = NULL;
  if (vigil_results_json(c, &js) == VIGIL_OK)
    free(js);
  if (nerr == 0) {
    uint8_t *bytes = NULL;
    size_t len = 0, nrules = 0;
    char err[512];
    if (vg_pack_rules(c, size % 3 != 0, &bytes, &len, &nrules, err,
                      sizeof err) == VIGIL_OK)
      run_pack(bytes, len);
    vg_free(bytes);
  }
  vigil_compiler_free(c);
  return 0;
}
