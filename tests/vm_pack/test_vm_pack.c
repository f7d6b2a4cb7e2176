/*
 * test_vm_pack.c - the bytecode pack and VM: evaluation semantics through
 * compile + load + eval, determinism, verifier rejections (hand-made
 * hostile packs, every truncation, every byte flipped with and without a
 * fixed-up checksum), opcode numbering and disassembly goldens.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <zlib.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "vm/pack.h"
#include "vmtest.h"

static void setup(void) { vg_arena_init(&T_arena); }
static void teardown(void) { vg_arena_fini(&T_arena); }

TestSuite(vm_pack, .init = setup, .fini = teardown);

static bool eval(vg_node *cond, t_event *ev) {
  uint8_t *bytes;
  size_t len;
  char err[256];
  vigil_status st = t_compile(cond, &bytes, &len, err, sizeof err);
  cr_assert_eq(st, VIGIL_OK, "compile: %s", err);
  vigil_program *p;
  st = vigil_program_load(bytes, len, t_bind, NULL, &p, err, sizeof err);
  cr_assert_eq(st, VIGIL_OK, "load: %s", err);
  vigil_vm *vm = vigil_vm_new(p, NULL);
  cr_assert_not_null(vm);
  vigil_event e = {0, 0, &t_ops, ev};
  bool m = false;
  st = vigil_vm_eval_rule(vm, &e, 0, &m);
  cr_assert_eq(st, VIGIL_OK);
  /* the dispatching entry point agrees (rule has all event types) */
  st = vigil_vm_eval(vm, &e);
  cr_assert_eq(st, VIGIL_OK);
  size_t nm;
  vigil_vm_matches(vm, &nm);
  cr_assert_eq(nm, m ? 1u : 0u);
  vigil_vm_free(vm);
  vigil_program_free(p);
  vg_free(bytes);
  return m;
}

#define EXPECT(cond, ev, want)                                               \
  cr_expect_eq(eval((cond), (ev)), (want), "line %d", __LINE__)

Test(vm_pack, string_ops) {
  t_event e;
  t_event_init(&e);
  t_set_str(&e, "proc.name", "bash");
  t_set_str(&e, "fd.name", "/etc/shadow");
  EXPECT(BIN(F("proc.name"), VG_OP_EQ, V("bash")), &e, true);
  EXPECT(BIN(F("proc.name"), VG_OP_EQ, V("sh")), &e, false);
  EXPECT(BIN(F("proc.name"), VG_OP_NE, V("sh")), &e, true);
  EXPECT(BIN(F("fd.name"), VG_OP_STARTSWITH, V("/etc/")), &e, true);
  EXPECT(BIN(F("fd.name"), VG_OP_ENDSWITH, V("shadow")), &e, true);
  EXPECT(BIN(F("fd.name"), VG_OP_CONTAINS, V("sha")), &e, true);
  EXPECT(BIN(F("fd.name"), VG_OP_ICONTAINS, V("SHA")), &e, true);
  EXPECT(BIN(F("fd.name"), VG_OP_CONTAINS, V("")), &e, true);
  EXPECT(BIN(F("fd.name"), VG_OP_GLOB, V("/etc/*")), &e, true);
  EXPECT(BIN(F("fd.name"), VG_OP_GLOB, V("/ETC/*")), &e, false);
  EXPECT(BIN(F("fd.name"), VG_OP_IGLOB, V("/ETC/*")), &e, true);
  EXPECT(BIN(F("fd.name"), VG_OP_REGEX, V("/etc/[a-z]+")), &e, true);
  EXPECT(BIN(F("fd.name"), VG_OP_REGEX, V("/etc")), &e, false);
  EXPECT(BIN(F("proc.name"), VG_OP_LT, V("bz")), &e, true);
  EXPECT(BIN(F("proc.name"), VG_OP_GT, V("bz")), &e, false);
}

Test(vm_pack, missing_values_false_for_every_operator) {
  t_event e;
  t_event_init(&e);
  EXPECT(BIN(F("proc.name"), VG_OP_NE, V("x")), &e, false);
  EXPECT(EXISTS(F("proc.name")), &e, false);
  EXPECT(BIN(F("proc.name"), VG_OP_IN, LIST(1, "x")), &e, false);
  EXPECT(NOT(BIN(F("proc.name"), VG_OP_EQ, V("x"))), &e, true);
  EXPECT(MOD(F("proc.name"), VG_OP_NE, VG_MOD_ALLOF, LIST(1, "x")), &e,
         false);
  t_set_str(&e, "proc.name", "x");
  EXPECT(EXISTS(F("proc.name")), &e, true);
}

Test(vm_pack, numbers) {
  t_event e;
  t_event_init(&e);
  t_set_int(&e, "fd.num", -1);
  EXPECT(BIN(F("fd.num"), VG_OP_EQ, V("-1")), &e, true);
  EXPECT(BIN(F("fd.num"), VG_OP_LT, V("0")), &e, true);
  EXPECT(BIN(F("fd.num"), VG_OP_GE, V("0")), &e, false);
  EXPECT(BIN(F("fd.num"), VG_OP_IN, LIST(3, "1", "2", "-1")), &e, true);
  EXPECT(BIN(F("fd.num"), VG_OP_IN, LIST(5, "1", "2", "3", "4", "5")), &e,
         false);
  EXPECT(BIN(F("fd.num"), VG_OP_IN, LIST(5, "1", "2", "3", "4", "-1")), &e,
         true);
}

Test(vm_pack, sets_and_modifiers) {
  t_event e;
  t_event_init(&e);
  t_set_str(&e, "proc.name", "bash");
  EXPECT(BIN(F("proc.name"), VG_OP_IN, LIST(2, "sh", "bash")), &e, true);
  EXPECT(BIN(F("proc.name"), VG_OP_IN,
             LIST(6, "a", "b", "c", "d", "e", "bash")),
         &e, true);
  EXPECT(BIN(F("proc.name"), VG_OP_IN, LIST(0)), &e, false);
  EXPECT(MOD(F("proc.name"), VG_OP_STARTSWITH, VG_MOD_ANYOF,
             LIST(2, "zs", "ba")),
         &e, true);
  EXPECT(MOD(F("proc.name"), VG_OP_EQ, VG_MOD_ONEOF, LIST(2, "bash", "bash")),
         &e, false);
  EXPECT(MOD(F("proc.name"), VG_OP_EQ, VG_MOD_ONEOF, LIST(2, "bash", "sh")),
         &e, true);
  EXPECT(MOD(F("proc.name"), VG_OP_CONTAINS, VG_MOD_ALLOF,
             LIST(2, "ba", "sh")),
         &e, true);
  EXPECT(MOD(F("proc.name"), VG_OP_NE, VG_MOD_ANYOF, LIST(2, "bash", "bash")),
         &e, false);
  EXPECT(MOD(F("proc.name"), VG_OP_REGEX, VG_MOD_ANYOF, LIST(2, "x+", "b.*")),
         &e, true);
  EXPECT(MOD(F("proc.name"), VG_OP_EQ, VG_MOD_ANYOF, LIST(0)), &e, false);
}

Test(vm_pack, list_fields) {
  t_event e;
  t_event_init(&e);
  t_set_str(&e, "fd.types", "ipv4");
  t_set_str(&e, "fd.types", "file");
  EXPECT(BIN(F("fd.types"), VG_OP_IN, LIST(2, "ipv4", "file")), &e, true);
  EXPECT(BIN(F("fd.types"), VG_OP_IN, LIST(1, "ipv4")), &e, false);
  EXPECT(BIN(F("fd.types"), VG_OP_INTERSECTS, LIST(1, "ipv4")), &e, true);
  EXPECT(BIN(TR(VG_TR_LEN, 1, F("fd.types")), VG_OP_EQ, V("2")), &e, true);
}

Test(vm_pack, pmatch) {
  t_event e;
  t_event_init(&e);
  t_set_str(&e, "fd.name", "/opt/dir/subdir/file.txt");
  EXPECT(BIN(F("fd.name"), VG_OP_PMATCH, LIST(2, "/x", "/opt/dir")), &e,
         true);
  EXPECT(BIN(F("fd.name"), VG_OP_PMATCH, LIST(1, "/opt/di")), &e, false);
  EXPECT(BIN(F("fd.name"), VG_OP_PMATCH, LIST(1, "/opt/*/subdir")), &e,
         true);
  EXPECT(BIN(F("fd.name"), VG_OP_PMATCH, LIST(1, "/opt/*/*/subsubdir")), &e,
         false);
  EXPECT(BIN(F("fd.name"), VG_OP_PMATCH, LIST(1, "/")), &e, true);
}

Test(vm_pack, boolean_structure_and_folding) {
  t_event e;
  t_event_init(&e);
  t_set_str(&e, "proc.name", "bash");
  t_set_str(&e, "evt.type", "execve");
  vg_node *a = BIN(F("proc.name"), VG_OP_EQ, V("bash"));
  vg_node *b = BIN(F("evt.type"), VG_OP_EQ, V("open"));
  EXPECT(AND(2, a, b), &e, false);
  EXPECT(OR(2, b, a), &e, true);
  EXPECT(AND(2, a, NOT(b)), &e, true);
  EXPECT(NOT(NOT(a)), &e, true);
  /* `x in ()` folds to false, and the dead branch disappears */
  EXPECT(OR(2, BIN(F("proc.name"), VG_OP_IN, LIST(0)), a), &e, true);
  EXPECT(AND(3, a, NOT(BIN(F("proc.name"), VG_OP_IN, LIST(0))), a), &e,
         true);
}

Test(vm_pack, field_memoisation) {
  t_event e;
  t_event_init(&e);
  t_set_str(&e, "proc.name", "bash");
  vg_node *c = OR(3, BIN(F("proc.name"), VG_OP_EQ, V("a")),
                  BIN(F("proc.name"), VG_OP_EQ, V("b")),
                  BIN(F("proc.name"), VG_OP_EQ, V("bash")));
  uint8_t *bytes;
  size_t len;
  char err[256];
  cr_assert_eq(t_compile(c, &bytes, &len, err, sizeof err), VIGIL_OK);
  vigil_program *p;
  cr_assert_eq(vigil_program_load(bytes, len, t_bind, NULL, &p, err,
                                  sizeof err),
               VIGIL_OK, "%s", err);
  vigil_vm *vm = vigil_vm_new(p, NULL);
  vigil_event ev = {0, 0, &t_ops, &e};
  cr_assert_eq(vigil_vm_eval(vm, &ev), VIGIL_OK);
  cr_assert_eq(e.calls[t_field_index("proc.name")], 1);
  cr_assert_eq(vigil_vm_eval(vm, &ev), VIGIL_OK);
  cr_assert_eq(e.calls[t_field_index("proc.name")], 2);
  vigil_vm_free(vm);
  vigil_program_free(p);
  vg_free(bytes);
}

Test(vm_pack, transformers_and_field_compare) {
  t_event e;
  t_event_init(&e);
  t_set_str(&e, "proc.name", "BaSh");
  t_set_str(&e, "proc.pname", "bash");
  t_set_str(&e, "fd.name", "/usr/bin/bash");
  EXPECT(BIN(TR(VG_TR_TOLOWER, 1, F("proc.name")), VG_OP_EQ, V("bash")), &e,
         true);
  EXPECT(BIN(TR(VG_TR_TOUPPER, 1, F("proc.name")), VG_OP_EQ, V("BASH")), &e,
         true);
  EXPECT(BIN(TR(VG_TR_BASENAME, 1, F("fd.name")), VG_OP_EQ, V("bash")), &e,
         true);
  EXPECT(BIN(TR(VG_TR_TOLOWER, 1, F("proc.name")), VG_OP_EQ,
             TR(VG_TR_VAL, 1, F("proc.pname"))),
         &e, true);
  EXPECT(BIN(F("proc.name"), VG_OP_EQ, TR(VG_TR_VAL, 1, F("proc.pname"))),
         &e, false);
  EXPECT(BIN(TR(VG_TR_CONCAT, 2, F("proc.pname"), V("-x")), VG_OP_EQ,
             V("bash-x")),
         &e, true);
  EXPECT(BIN(F("proc.pname"), VG_OP_EQ, TR(VG_TR_VAL, 1, F("evt.type"))), &e,
         false);
}

Test(vm_pack, shared_predicates_between_rules) {
  vg_back_opts o = {.resolve = t_resolve};
  vg_back *b = vg_back_new(&o);
  char err[256];
  vg_back_rule r1 = {.name = "r1", .source = "syscall", .enabled = true};
  vg_back_rule r2 = {.name = "r2", .source = "syscall", .enabled = true};
  vg_node *shared = BIN(F("proc.name"), VG_OP_IN, LIST(2, "a", "bash"));
  cr_assert_eq(vg_back_add_rule(b, &r1, AND(2, shared,
                                            EXISTS(F("fd.name"))),
                                err, sizeof err),
               VIGIL_OK);
  cr_assert_eq(vg_back_add_rule(b, &r2, AND(2, shared,
                                            NOT(EXISTS(F("fd.name")))),
                                err, sizeof err),
               VIGIL_OK);
  uint8_t *bytes;
  size_t len;
  cr_assert_eq(vg_back_finish(b, &bytes, &len), VIGIL_OK);
  vg_back_free(b);
  vigil_program *p;
  cr_assert_eq(vigil_program_load(bytes, len, t_bind, NULL, &p, err,
                                  sizeof err),
               VIGIL_OK, "%s", err);
  cr_assert_eq(p->nmemo, 2u); /* the in-check and the exists-check */
  t_event e;
  t_event_init(&e);
  t_set_str(&e, "proc.name", "bash");
  vigil_vm *vm = vigil_vm_new(p, NULL);
  vigil_event ev = {0, 0, &t_ops, &e};
  cr_assert_eq(vigil_vm_eval(vm, &ev), VIGIL_OK);
  size_t nm;
  const uint32_t *m = vigil_vm_matches(vm, &nm);
  cr_assert_eq(nm, 1u);
  cr_assert_eq(m[0], 1u);
  vigil_vm_free(vm);
  vigil_program_free(p);
  vg_free(bytes);
}

Test(vm_pack, dispatch_by_event_type) {
  vg_back_opts o = {.resolve = t_resolve};
  vg_back *b = vg_back_new(&o);
  char err[256];
  vg_evtset s1 = {{0}}, s2 = {{0}};
  s1.bits[0] = 1u << 3;
  s2.bits[0] = 1u << 5;
  vg_back_rule r1 = {.name = "open", .source = "syscall", .enabled = true,
                     .evts = &s1};
  vg_back_rule r2 = {.name = "close", .source = "syscall", .enabled = true,
                     .evts = &s2};
  vg_back_rule r3 = {.name = "k8s", .source = "k8s_audit", .enabled = true};
  vg_back_rule r4 = {.name = "off", .source = "syscall", .enabled = false};
  vg_node *t = EXISTS(F("proc.name"));
  cr_assert_eq(vg_back_add_rule(b, &r1, t, err, sizeof err), VIGIL_OK);
  cr_assert_eq(vg_back_add_rule(b, &r2, t, err, sizeof err), VIGIL_OK);
  cr_assert_eq(vg_back_add_rule(b, &r3, t, err, sizeof err), VIGIL_OK);
  cr_assert_eq(vg_back_add_rule(b, &r4, t, err, sizeof err), VIGIL_OK);
  uint8_t *bytes;
  size_t len;
  cr_assert_eq(vg_back_finish(b, &bytes, &len), VIGIL_OK);
  vg_back_free(b);
  vigil_program *p;
  cr_assert_eq(vigil_program_load(bytes, len, t_bind, NULL, &p, err,
                                  sizeof err),
               VIGIL_OK, "%s", err);
  cr_assert_eq(vigil_program_nsources(p), 2u);
  int sys = vigil_program_source_index(p, "syscall");
  int k8s = vigil_program_source_index(p, "k8s_audit");
  t_event e;
  t_event_init(&e);
  t_set_str(&e, "proc.name", "x");
  vigil_vm *vm = vigil_vm_new(p, NULL);
  size_t nm;
  const uint32_t *m;
  vigil_event ev = {(uint32_t)sys, 3, &t_ops, &e};
  vigil_vm_eval(vm, &ev);
  m = vigil_vm_matches(vm, &nm);
  cr_assert(nm == 1 && m[0] == 0);
  ev.evtype = 5;
  vigil_vm_eval(vm, &ev);
  m = vigil_vm_matches(vm, &nm);
  cr_assert(nm == 1 && m[0] == 1);
  ev.evtype = 7;
  vigil_vm_eval(vm, &ev);
  vigil_vm_matches(vm, &nm);
  cr_assert_eq(nm, 0u);
  ev.source = (uint32_t)k8s;
  ev.evtype = 0;
  vigil_vm_eval(vm, &ev);
  m = vigil_vm_matches(vm, &nm);
  cr_assert(nm == 1 && m[0] == 2);
  vigil_vm_free(vm);
  vigil_program_free(p);
  vg_free(bytes);
}

/* ---- determinism and goldens -------------------------------------------- */

static vg_node *sample_condition(void) {
  return AND(3, BIN(F("evt.type"), VG_OP_IN, LIST(2, "open", "openat")),
             OR(2, BIN(F("fd.name"), VG_OP_STARTSWITH, V("/etc/")),
                BIN(F("fd.name"), VG_OP_PMATCH, LIST(2, "/usr", "/bin"))),
             NOT(MOD(F("proc.name"), VG_OP_EQ, VG_MOD_ANYOF,
                     LIST(2, "cat", "my app"))));
}

/* Fuzz seeds: packs the compiler makes (regenerated with the goldens). */
static void write_seed(const char *name, const uint8_t *b, size_t n) {
  if (!getenv("VIGIL_UPDATE_GOLDEN"))
    return;
  char path[512];
  snprintf(path, sizeof path, "%s/tests/fuzz/seeds/load/%s", VIGIL_SOURCE_DIR,
           name);
  FILE *f = fopen(path, "wb");
  cr_assert_not_null(f, "%s", path);
  fwrite(b, 1, n, f);
  fclose(f);
}

Test(vm_pack, seeds) {
  uint8_t *a;
  size_t na;
  char err[256];
  cr_assert_eq(t_compile(sample_condition(), &a, &na, err, sizeof err),
               VIGIL_OK);
  write_seed("sample.vpk", a, na);
  vg_free(a);
  vg_node *c = OR(4, BIN(TR(VG_TR_TOLOWER, 1, F("proc.name")), VG_OP_EQ,
                         TR(VG_TR_VAL, 1, F("proc.pname"))),
                  MOD(F("proc.name"), VG_OP_REGEX, VG_MOD_ONEOF,
                      LIST(2, "b.*", "x")),
                  BIN(F("fd.num"), VG_OP_IN, LIST(5, "1", "2", "3", "4", "5")),
                  BIN(F("fd.net"), VG_OP_EQ, V("10.0.0.0/8")));
  cr_assert_eq(t_compile(c, &a, &na, err, sizeof err), VIGIL_OK, "%s", err);
  write_seed("mixed.vpk", a, na);
  vg_free(a);
}

Test(vm_pack, deterministic) {
  uint8_t *a, *b;
  size_t na, nb;
  char err[256];
  cr_assert_eq(t_compile(sample_condition(), &a, &na, err, sizeof err),
               VIGIL_OK);
  cr_assert_eq(t_compile(sample_condition(), &b, &nb, err, sizeof err),
               VIGIL_OK);
  cr_assert_eq(na, nb);
  cr_assert_eq(memcmp(a, b, na), 0);
  /* the checksum is zlib's CRC-32 */
  cr_assert_eq(vg_rd_u32le(a + 20), (uint32_t)crc32(0, a + 24, na - 24));
  vg_free(a);
  vg_free(b);
}

static void golden(const char *name, const char *got) {
  char path[512];
  snprintf(path, sizeof path, "%s/tests/vm_pack/%s", VIGIL_SOURCE_DIR, name);
  if (getenv("VIGIL_UPDATE_GOLDEN")) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(got, f);
    fclose(f);
    return;
  }
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "missing golden %s (VIGIL_UPDATE_GOLDEN=1)", path);
  static char want[65536];
  size_t n = fread(want, 1, sizeof want - 1, f);
  want[n] = 0;
  fclose(f);
  cr_assert_str_eq(got, want, "golden %s differs", name);
}

Test(vm_pack, golden_disassembly) {
  uint8_t *bytes;
  size_t len;
  char err[256];
  cr_assert_eq(t_compile(sample_condition(), &bytes, &len, err, sizeof err),
               VIGIL_OK);
  vigil_program *p;
  cr_assert_eq(vigil_program_load(bytes, len, NULL, NULL, &p, err,
                                  sizeof err),
               VIGIL_OK, "%s", err);
  vg_buf o;
  vg_buf_init(&o);
  vg_back_disasm(p, &o);
  golden("sample.disasm", vg_buf_str(&o));
  vg_buf_fini(&o);
  vigil_program_free(p);
  vg_free(bytes);
}

Test(vm_pack, opcode_numbering) {
  vg_buf o;
  vg_buf_init(&o);
  for (int i = 0; i < VG_I__COUNT; i++)
    vg_buf_printf(&o, "%s=%d\n", vg_opcode_names[i], i);
  for (int i = 0; i < VG_PC__COUNT; i++)
    vg_buf_printf(&o, "cmp %s=%d\n", vg_pcmp_names[i], i);
  golden("opcodes.expected", vg_buf_str(&o));
  vg_buf_fini(&o);
}

/* ---- hostile packs -------------------------------------------------------- */

static void fix_crc(uint8_t *b, size_t len) {
  uint32_t c = vigil_crc32(0, b + 24, len - 24);
  b[20] = (uint8_t)c;
  b[21] = (uint8_t)(c >> 8);
  b[22] = (uint8_t)(c >> 16);
  b[23] = (uint8_t)(c >> 24);
}

static void try_pack(const uint8_t *b, size_t len) {
  vigil_program *p = NULL;
  char err[256];
  vigil_status st = vigil_program_load(b, len, NULL, NULL, &p, err,
                                       sizeof err);
  if (st != VIGIL_OK) {
    cr_assert(err[0], "error without message");
    return;
  }
  /* It verified: evaluating it must be safe too. */
  t_event e;
  t_event_init(&e);
  t_set_str(&e, "proc.name", "bash");
  t_set_str(&e, "fd.name", "/etc/x");
  t_set_str(&e, "evt.type", "open");
  vigil_vm *vm = vigil_vm_new(p, NULL);
  for (uint32_t s = 0; s < vigil_program_nsources(p); s++) {
    vigil_event ev = {s, 2, &t_ops, &e};
    vigil_vm_eval(vm, &ev);
  }
  for (size_t r = 0; r < vigil_program_nrules(p); r++) {
    vigil_event ev = {0, 0, &t_ops, &e};
    bool m;
    vigil_vm_eval_rule(vm, &ev, r, &m);
  }
  vigil_vm_free(vm);
  vigil_program_free(p);
}

Test(vm_pack, truncation_and_bit_flips) {
  uint8_t *bytes;
  size_t len;
  char err[256];
  cr_assert_eq(t_compile(sample_condition(), &bytes, &len, err, sizeof err),
               VIGIL_OK);
  for (size_t n = 0; n < len; n++) {
    uint8_t *c = malloc(n ? n : 1);
    memcpy(c, bytes, n);
    try_pack(c, n);
    free(c);
  }
  uint8_t *c = malloc(len);
  for (size_t i = 0; i < len; i++) {
    for (int k = 0; k < 3; k++) {
      static const uint8_t flips[3] = {0x01, 0x80, 0xff};
      memcpy(c, bytes, len);
      c[i] ^= flips[k];
      vigil_program *p;
      /* without CRC fix-up the checksum (or header) catches it; the minor
       * version (bytes 10-11) is free to change */
      if (i < 10 || i > 11)
        cr_assert_neq(vigil_program_load(c, len, NULL, NULL, &p, err,
                                       sizeof err),
                    VIGIL_OK, "flip at %zu loaded", i);
      if (i >= 24)
        fix_crc(c, len);
      try_pack(c, len);
    }
  }
  free(c);
  vg_free(bytes);
}

/* Builds a one-rule pack around raw code words. */
static uint8_t *raw_pack(const uint32_t *code, uint32_t n, size_t *len) {
  vg_back_opts o = {.resolve = t_resolve, .no_debug = true};
  vg_back *b = vg_back_new(&o);
  char err[256];
  vg_back_rule r = {.name = "r", .source = "syscall", .enabled = true};
  /* a rule reading one field and one constant, so tables are non-empty */
  vg_back_add_rule(b, &r, BIN(F("proc.name"), VG_OP_EQ, V("bash")), err,
                   sizeof err);
  uint8_t *bytes;
  vg_back_finish(b, &bytes, len);
  vg_back_free(b);
  /* CODE is the 7th section; RULE the 6th: rewrite code and rule range */
  uint32_t code_off = vg_rd_u32le(bytes + 28 + 6 * 16 + 8);
  uint32_t code_size = vg_rd_u32le(bytes + 28 + 6 * 16 + 12);
  uint32_t rule_off = vg_rd_u32le(bytes + 28 + 5 * 16 + 8);
  cr_assert_eq(code_off + code_size, *len, "CODE is last without DEBUG");
  size_t nlen = code_off + 4 + 4 * (size_t)n;
  uint8_t *nb = calloc(1, nlen);
  memcpy(nb, bytes, code_off);
  vg_free(bytes);
  uint8_t *w = nb + code_off;
  w[0] = (uint8_t)n;
  for (uint32_t i = 0; i < n; i++)
    for (int k = 0; k < 4; k++)
      w[4 + 4 * i + k] = (uint8_t)(code[i] >> (8 * k));
  uint32_t sz = 4 + 4 * n;
  for (int k = 0; k < 4; k++) {
    nb[28 + 6 * 16 + 12 + k] = (uint8_t)(sz >> (8 * k));
    nb[rule_off + 4 + 24 + k] = (uint8_t)(n >> (8 * k)); /* code length */
    nb[rule_off + 4 + 20 + k] = 0;                        /* code start */
    nb[16 + k] = (uint8_t)(nlen >> (8 * k));
  }
  fix_crc(nb, nlen);
  *len = nlen;
  return nb;
}

static void expect_reject(const uint32_t *code, uint32_t n,
                          const char *what) {
  size_t len;
  uint8_t *b = raw_pack(code, n, &len);
  vigil_program *p = NULL;
  char err[256] = "";
  vigil_status st = vigil_program_load(b, len, NULL, NULL, &p, err,
                                       sizeof err);
  cr_expect_eq(st, VIGIL_E_FORMAT, "%s: loaded (%s)", what, err);
  cr_expect(strstr(err, what) != NULL, "want '%s', got '%s'", what, err);
  cr_expect(strstr(err, "at PC") != NULL, "no PC in '%s'", err);
  if (p)
    vigil_program_free(p);
  free(b);
}

Test(vm_pack, verifier_rejections) {
  /* sanity: the raw-pack builder itself yields a valid pack */
  uint32_t ok[] = {VG_INS(VG_I_FIELD, 0), VG_INS(VG_I_EQ_K, 0),
                   VG_INS(VG_I_RET, 0)};
  size_t len;
  uint8_t *b = raw_pack(ok, 3, &len);
  vigil_program *p;
  char err[256];
  cr_assert_eq(vigil_program_load(b, len, NULL, NULL, &p, err, sizeof err),
               VIGIL_OK, "%s", err);
  vigil_program_free(p);
  free(b);

  uint32_t unknown[] = {VG_INS(250, 0), VG_INS(VG_I_TRUE, 0),
                        VG_INS(VG_I_RET, 0)};
  expect_reject(unknown, 3, "unknown opcode");
  uint32_t noret[] = {VG_INS(VG_I_TRUE, 0), VG_INS(VG_I_NOT, 0)};
  expect_reject(noret, 2, "does not end in RET");
  uint32_t under[] = {VG_INS(VG_I_NOT, 0), VG_INS(VG_I_RET, 0)};
  expect_reject(under, 2, "stack underflow");
  uint32_t type[] = {VG_INS(VG_I_TRUE, 0), VG_INS(VG_I_EQ_K, 0),
                     VG_INS(VG_I_RET, 0)};
  expect_reject(type, 3, "operand type mismatch");
  uint32_t far[] = {VG_INS(VG_I_TRUE, 0), VG_INS(VG_I_JF_KEEP, 5),
                    VG_INS(VG_I_RET, 0)};
  expect_reject(far, 3, "jump out of range");
  uint32_t fld[] = {VG_INS(VG_I_FIELD, 7), VG_INS(VG_I_EXISTS, 0),
                    VG_INS(VG_I_RET, 0)};
  expect_reject(fld, 3, "field index 7 out of range");
  uint32_t extra[] = {VG_INS(VG_I_TRUE, 0), VG_INS(VG_I_TRUE, 0),
                      VG_INS(VG_I_RET, 0)};
  expect_reject(extra, 3, "extra stack entries");
  /* paths that disagree: jump keeps a bool, fallthrough pushes a V */
  uint32_t mism[] = {VG_INS(VG_I_TRUE, 0), VG_INS(VG_I_JT_KEEP, 1),
                     VG_INS(VG_I_FIELD, 0), VG_INS(VG_I_EXISTS, 0),
                     VG_INS(VG_I_RET, 0)};
  expect_reject(mism, 5, "stack mismatch");
  uint32_t mret[] = {VG_INS(VG_I_FIELD, 0), VG_INS(VG_I_RET, 0)};
  expect_reject(mret, 2, "operand type mismatch");
}

Test(vm_pack, header_errors) {
  uint8_t *bytes;
  size_t len;
  char err[256];
  cr_assert_eq(t_compile(sample_condition(), &bytes, &len, err, sizeof err),
               VIGIL_OK);
  vigil_program *p;
  bytes[8] = 2; /* major 2 */
  cr_assert_eq(vigil_program_load(bytes, len, NULL, NULL, &p, err,
                                  sizeof err),
               VIGIL_E_VERSION);
  bytes[8] = 1;
  bytes[len - 1] ^= 1;
  cr_assert_eq(vigil_program_load(bytes, len, NULL, NULL, &p, err,
                                  sizeof err),
               VIGIL_E_CORRUPT);
  bytes[len - 1] ^= 1;
  bytes[0] = 'V';
  cr_assert_eq(vigil_program_load(bytes, len, NULL, NULL, &p, err,
                                  sizeof err),
               VIGIL_E_FORMAT);
  bytes[0] = 0x89;
  /* the binder can refuse a field */
  cr_assert_eq(vigil_program_load(bytes, len, NULL, NULL, &p, err,
                                  sizeof err),
               VIGIL_OK);
  vigil_program_free(p);
  vg_free(bytes);
}

/* OOM torture: fail each allocation of the back end in turn. */
Test(vm_pack, back_end_out_of_memory) {
  vg_node *c = sample_condition();
  bool done = false;
  for (long n = 0; n < 10000 && !done; n++) {
    uint8_t *bytes = NULL;
    size_t len = 0;
    char err[256];
    vg_alloc_fail_after(n);
    vigil_status st = t_compile(c, &bytes, &len, err, sizeof err);
    vg_alloc_fail_after(-1);
    cr_assert(st == VIGIL_OK || st == VIGIL_E_NOMEM,
              "allocation %ld: status %d (%s)", n, (int)st, err);
    if (st == VIGIL_OK) {
      done = true;
      vigil_program *p;
      cr_assert_eq(vigil_program_load(bytes, len, NULL, NULL, &p, err,
                                      sizeof err),
                   VIGIL_OK, "%s", err);
      vigil_program_free(p);
    }
    vg_free(bytes);
  }
  cr_assert(done);
}

static void set_ip4(t_event *e, const char *field, uint8_t a, uint8_t b,
                    uint8_t c, uint8_t d) {
  int i = t_field_index(field);
  if (e->n[i] < 0)
    e->n[i] = 0;
  vg_value *v = &e->vals[i][e->n[i]++];
  memset(v, 0, sizeof *v);
  v->type = T_fields[i].type;
  v->v.ip.addr[0] = a;
  v->v.ip.addr[1] = b;
  v->v.ip.addr[2] = c;
  v->v.ip.addr[3] = d;
  v->v.ip.prefix = 32;
}

/* Ancestor fields hold for any ancestor; endpoint fields: '=' for either
 * endpoint, '!=' only when both differ (rules-language.md 8.7). */
Test(vm_pack, ancestors_and_endpoints) {
  t_event e;
  t_event_init(&e);
  t_set_str(&e, "proc.aname", "sshd");
  t_set_str(&e, "proc.aname", "BASH");
  EXPECT(BIN(F("proc.aname"), VG_OP_EQ, V("BASH")), &e, true);
  EXPECT(BIN(F("proc.aname"), VG_OP_NE, V("sshd")), &e, true);
  EXPECT(BIN(F("proc.aname"), VG_OP_IN, LIST(2, "x", "sshd")), &e, true);
  EXPECT(BIN(TR(VG_TR_TOLOWER, 1, F("proc.aname")), VG_OP_EQ, V("bash")), &e,
         true);
  EXPECT(BIN(TR(VG_TR_LEN, 1, F("proc.aname")), VG_OP_EQ, V("4")), &e, true);
  set_ip4(&e, "fd.ip", 10, 0, 0, 1);
  set_ip4(&e, "fd.ip", 10, 0, 0, 2);
  EXPECT(BIN(F("fd.ip"), VG_OP_EQ, V("10.0.0.2")), &e, true);
  EXPECT(BIN(F("fd.ip"), VG_OP_NE, V("10.0.0.2")), &e, false);
  EXPECT(BIN(F("fd.ip"), VG_OP_NE, V("10.0.0.3")), &e, true);
  EXPECT(BIN(F("fd.ip"), VG_OP_IN, LIST(1, "10.0.0.1")), &e, true);
  set_ip4(&e, "fd.net", 192, 168, 1, 7);
  EXPECT(BIN(F("fd.net"), VG_OP_EQ, V("192.168.0.0/16")), &e, true);
  EXPECT(BIN(F("fd.net"), VG_OP_EQ, V("10.0.0.0/8")), &e, false);
}
