/*
 * test_oom_torture.c - allocation-failure torture (curl/SQLite style) for the
 * compiler and the pack loader: run the whole operation once to count its
 * allocations, then again failing allocation N (and every later one) for
 * every N. Each run must either succeed with exactly the baseline result
 * or report out of memory (VIGIL_E_NOMEM, or an "out of memory"
 * diagnostic): never another error, a crash or a partial pack. Leaks on
 * the failure paths show up under the sanitizer build (LeakSanitizer) and
 * valgrind. Owned by harden.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "back/pack_rules.h"
#include "util/alloc.h"
#include "vigil/compiler.h"
#include "vigil/program.h"
#include "vigil/vm.h"
#include "vm/vmalloc.h"

/* Small but touching every stage: lists (nested), macros, exceptions,
 * regex/pmatch/glob/CIDR sets, transformers, several sources, overrides,
 * a warning, outputs with fields. */
static const char RULES[] =
    "- required_engine_version: 0.26.0\n"
    "- list: shells\n  items: [sh, bash, zsh, \"my shell\"]\n"
    "- list: more_shells\n  items: [shells, fish]\n"
    "- list: dirs\n  items: [/etc, /usr/bin]\n"
    "- macro: spawned\n  condition: evt.type = execve and evt.dir = <\n"
    "- macro: shell\n  condition: proc.name in (more_shells)\n"
    "- macro: unused\n  condition: proc.pid = 1\n"
    "- rule: shell spawned\n  desc: a shell\n"
    "  condition: spawned and shell and not proc.pname in (shells) and\n"
    "    (fd.name pmatch (dirs) or proc.cmdline regex '^-?ba(sh)+$' or\n"
    "     fd.net in (\"10.0.0.0/8\", \"fd00::/8\") or tolower(proc.exe) glob "
    "'*/SH')\n"
    "  output: shell %proc.name (user=%user.name parent=%proc.pname "
    "cmd=%proc.cmdline)\n"
    "  priority: WARNING\n  tags: [shell, mitre_execution]\n"
    "  exceptions:\n  - name: known\n    fields: [proc.name, proc.pname]\n"
    "    values: [[bash, sshd], [zsh, tmux]]\n"
    "- rule: shell spawned\n  condition: and user.uid != 0\n"
    "  override:\n    condition: append\n"
    "- rule: k8s exec\n  desc: exec into a pod\n"
    "  condition: ka.verb = create and ka.target.subresource in (exec, "
    "attach)\n"
    "  output: exec %ka.user.name %ka.target.name\n  priority: NOTICE\n"
    "  source: k8s_audit\n"
    "- rule: disabled\n  desc: d\n  condition: proc.name startswith x\n"
    "  output: o\n  priority: DEBUG\n  enabled: false\n";

typedef struct outcome {
  bool nomem;       /* out of memory was reported */
  size_t nerrors;   /* errors other than out of memory */
  size_t nwarnings;
  uint8_t *pack;    /* vg_malloc'd */
  size_t len;
  char first[200]; /* the first error that is not out of memory */
} outcome;

static bool is_oom_text(const char *m) {
  return m && strstr(m, "out of memory") != NULL;
}

static outcome compile_once(void) {
  outcome o;
  memset(&o, 0, sizeof o);
  vigil_compiler_options opts = VIGIL_COMPILER_OPTIONS_INIT;
  vigil_compiler *c = NULL;
  vigil_status st = vigil_compiler_new(&opts, &c);
  if (st != VIGIL_OK) {
    cr_assert_eq(st, VIGIL_E_NOMEM);
    o.nomem = true;
    return o;
  }
  st = vigil_compiler_load_buffer(c, "oom.yaml", RULES, sizeof RULES - 1);
  if (st == VIGIL_E_NOMEM)
    o.nomem = true;
  st = vigil_compiler_finish(c);
  if (st == VIGIL_E_NOMEM)
    o.nomem = true;
  for (size_t i = 0; i < vigil_compiler_nresults(c); i++) {
    const vigil_load_result *r = vigil_compiler_result(c, i);
    if (!r) { /* documented: NULL when out of memory */
      o.nomem = true;
      continue;
    }
    for (size_t k = 0; k < r->nerrors; k++) {
      if (is_oom_text(r->errors[k].message)) {
        o.nomem = true;
      } else {
        if (!o.nerrors)
          snprintf(o.first, sizeof o.first, "%s", r->errors[k].message);
        o.nerrors++;
      }
    }
    o.nwarnings += r->nwarnings;
  }
  if (!o.nomem && !o.nerrors) {
    size_t nrules;
    char err[512] = "";
    st = vg_pack_rules(c, true, &o.pack, &o.len, &nrules, err, sizeof err);
    if (st == VIGIL_E_NOMEM) {
      o.nomem = true;
      o.pack = NULL;
    } else {
      cr_assert_eq(st, VIGIL_OK, "pack: %s", err);
    }
  }
  vigil_compiler_free(c);
  return o;
}

Test(oom, compiler_every_allocation, .timeout = 600) {
  vg_alloc_fail_after(-1);
  long before = vg_alloc_count();
  outcome base = compile_once();
  long total = vg_alloc_count() - before;
  cr_assert(!base.nomem && base.nerrors == 0 && base.pack,
            "the baseline must compile (nomem %d, %zu errors)", base.nomem,
            base.nerrors);
  cr_log_info("compiler: %ld allocations", total);
  long failed = 0;
  for (long n = 0; n <= total; n++) {
    vg_alloc_fail_after(n);
    outcome o = compile_once();
    vg_alloc_fail_after(-1);
    if (o.nomem) {
      failed++;
      cr_expect(o.pack == NULL, "n=%ld: pack written despite OOM", n);
    } else {
      /* no OOM reported: the result must be the baseline, byte for byte */
      cr_expect_eq(o.nerrors, 0, "n=%ld: %zu errors that are not OOM: %s", n,
                   o.nerrors, o.first);
      cr_expect_eq(o.nwarnings, base.nwarnings, "n=%ld: warnings lost", n);
      cr_expect(o.pack && o.len == base.len &&
                    !memcmp(o.pack, base.pack, base.len),
                "n=%ld: pack differs from the baseline", n);
    }
    vg_free(o.pack);
  }
  /* the last run had every allocation available */
  cr_expect(failed >= total, "only %ld of %ld runs reported OOM", failed,
            total);
  vg_free(base.pack);
}

static uint8_t *good_pack(size_t *len) {
  vg_alloc_fail_after(-1);
  outcome o = compile_once();
  cr_assert(o.pack);
  *len = o.len;
  return o.pack;
}

Test(oom, pack_loader_every_allocation, .timeout = 600) {
  size_t len;
  uint8_t *bytes = good_pack(&len);
  vg_vm_alloc_fail_after(LONG_MAX);
  vigil_program *p = NULL;
  char err[256];
  cr_assert_eq(vigil_program_load(bytes, len, NULL, NULL, &p, err,
                                  sizeof err),
               VIGIL_OK, "%s", err);
  long total = vg_vm_alloc_count();
  vg_vm_alloc_fail_after(-1);
  vigil_program_free(p);
  cr_log_info("pack loader: %ld allocations", total);
  cr_assert_gt(total, 0);
  for (long n = 0; n <= total; n++) {
    p = NULL;
    err[0] = 0;
    vg_vm_alloc_fail_after(n);
    vigil_status st =
        vigil_program_load(bytes, len, NULL, NULL, &p, err, sizeof err);
    vg_vm_alloc_fail_after(-1);
    if (n < total) {
      cr_expect_eq(st, VIGIL_E_NOMEM, "n=%ld: status %d (%s)", n, st, err);
      cr_expect(p == NULL, "n=%ld: program returned", n);
    } else {
      cr_expect_eq(st, VIGIL_OK, "n=%ld: %s", n, err);
    }
    vigil_program_free(p);
  }
  vg_free(bytes);
}

Test(oom, vm_new_every_allocation, .timeout = 600) {
  size_t len;
  uint8_t *bytes = good_pack(&len);
  vigil_program *p = NULL;
  char err[256];
  cr_assert_eq(vigil_program_load(bytes, len, NULL, NULL, &p, err,
                                  sizeof err),
               VIGIL_OK, "%s", err);
  /* vigil_vm_new lives in interp.c, which has no hook: only check that a
   * VM can be made and freed after loads failed half-way above */
  vigil_vm *vm = vigil_vm_new(p, NULL);
  cr_expect(vm != NULL);
  vigil_vm_free(vm);
  vigil_program_free(p);
  vg_free(bytes);
}
