/*
 * test_evttypes.c - event-type inference (rules-language.md 11) on
 * hand-built trees: sets, negation, neutral checks, evt.num invariants,
 * generic events for system calls, and the two errors.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "sema/sema.h"
#include "sema_test_util.h"

static vg_sema_env *env;
static void setup(void) { env = vg_sema_env_new(NULL, 0, NULL, 0, true); }
static void teardown(void) { vg_sema_env_free(env); }
TestSuite(evttypes, .init = setup, .fini = teardown);

static int nerr;
static void on_diag(void *ud, const vg_sema_diag *d) {
  (void)ud;
  if (d->is_error)
    nerr++;
}

static vigil_status types(vg_node *n, vg_evtset *s) {
  nerr = 0;
  return vg_sema_evttypes(env, n, s, on_diag, NULL);
}

/* distinct names of s, comma-joined */
static const char *names(vg_node *n) {
  static char buf[8192];
  vg_evtset s;
  cr_assert_eq(types(n, &s), VIGIL_OK);
  if (vg_evtset_count(&s) == vg_nevents)
    return "all";
  const char **nm = NULL;
  size_t k = vg_evtset_names(&s, ta(), &nm);
  size_t off = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < k && off < sizeof buf; i++)
    off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s", i ? "," : "",
                            nm[i]);
  return k ? buf : "none";
}

static vg_node *ET(vg_op op, const char *v) {
  return BIN(FLD("evt.type"), op, VAL(v));
}

Test(evttypes, basic_sets) {
  cr_assert_str_eq(names(ET(VG_OP_EQ, "openat")), "openat");
  cr_assert_str_eq(names(NOT(NOT(ET(VG_OP_EQ, "openat")))), "openat");
  cr_assert_str_eq(names(BIN(FLD("evt.type"), VG_OP_IN,
                             LIST(2, "openat", "close"))),
                   "close,openat");
  cr_assert_str_eq(names(BIN(FLD("proc.name"), VG_OP_EQ, VAL("nginx"))),
                   "all");
  cr_assert_str_eq(names(AND(2, ET(VG_OP_EQ, "close"),
                             ET(VG_OP_EQ, "openat"))),
                   "none");
  cr_assert_str_eq(names(OR(2, ET(VG_OP_NE, "openat"),
                            ET(VG_OP_NE, "close"))),
                   "all");
  cr_assert_str_eq(names(NOT(EXISTS(FLD("evt.type")))), "none");
  cr_assert_str_eq(names(EXISTS(FLD("evt.type"))), "all");
}

Test(evttypes, negation_and_complement) {
  vg_evtset s;
  cr_assert_eq(types(NOT(ET(VG_OP_EQ, "openat")), &s), VIGIL_OK);
  vg_evtset o;
  cr_assert_eq(types(ET(VG_OP_EQ, "openat"), &o), VIGIL_OK);
  cr_assert_eq(vg_evtset_count(&s) + vg_evtset_count(&o), vg_nevents);
  /* neutral checks are never complemented */
  cr_assert_str_eq(names(NOT(BIN(FLD("proc.name"), VG_OP_EQ, VAL("cat")))),
                   "all");
}

Test(evttypes, evt_num_invariants) {
  cr_assert_str_eq(names(BIN(FLD("evt.num"), VG_OP_EQ, VAL("0"))), "none");
  cr_assert_str_eq(names(BIN(FLD("evt.num"), VG_OP_LT, VAL("1"))), "none");
  cr_assert_str_eq(names(BIN(FLD("evt.num"), VG_OP_IN, LIST(0))), "none");
  cr_assert_str_eq(names(BIN(FLD("evt.num"), VG_OP_IN, LIST(2, "0", "0"))),
                   "none");
  cr_assert_str_eq(names(BIN(FLD("evt.num"), VG_OP_NE, VAL("0"))), "all");
  cr_assert_str_eq(names(NOT(BIN(FLD("evt.num"), VG_OP_NE, VAL("0")))),
                   "none");
  cr_assert_str_eq(names(BIN(FLD("evt.num"), VG_OP_EQ, VAL("0x0"))), "all");
  cr_assert_str_eq(names(OR(2, ET(VG_OP_EQ, "openat"),
                            BIN(FLD("evt.num"), VG_OP_EQ, VAL("0")))),
                   "openat");
}

Test(evttypes, syscall_without_event_maps_to_generic) {
  cr_assert_str_eq(names(ET(VG_OP_EQ, "getpid")), "syscall");
}

Test(evttypes, errors) {
  vg_evtset s;
  cr_assert_eq(types(BIN(TR(VG_TR_B64, 1, FLD("evt.type")), VG_OP_EQ,
                         VAL("close")),
                     &s),
               VIGIL_E_COMPILE);
  cr_assert_eq(nerr, 1);
  cr_assert_eq(types(BIN(FLD("evt.type"), VG_OP_EQ,
                         TR(VG_TR_VAL, 1, FLD("proc.name"))),
                     &s),
               VIGIL_E_COMPILE);
  cr_assert_eq(types(BIN(TR(VG_TR_B64, 1, FLD("proc.name")), VG_OP_EQ,
                         TR(VG_TR_B64, 1, FLD("fd.name"))),
                     &s),
               VIGIL_OK);
}
