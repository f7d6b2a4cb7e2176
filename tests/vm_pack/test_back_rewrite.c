/*
 * test_back_rewrite.c - the back end's or-chain rewrites (back.c:
 * merge_or, factor_or, order_leaves): the code they produce (one ANYOF_S
 * or IN_S per merged group; `in` on a list field left alone) and its
 * results on events with and without values, against the plain reading of
 * the condition. tests/diff checks the same over generated events.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "back/back.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "vigil/vm.h"
#include "vm/pack.h"
#include "vmtest.h"

/* Compiles cond, returns its disassembly (caller frees with vg_buf_fini)
 * and the loaded program in *pp. */
static void compile(vg_node *cond, vigil_program **pp, vg_buf *dis) {
  uint8_t *bytes;
  size_t len;
  char err[256];
  cr_assert_eq(t_compile(cond, &bytes, &len, err, sizeof err), VIGIL_OK,
               "%s", err);
  cr_assert_eq(vigil_program_load(bytes, len, t_bind, NULL, pp, err,
                                  sizeof err),
               VIGIL_OK, "%s", err);
  vg_free(bytes);
  vg_buf_init(dis);
  vg_back_disasm(*pp, dis);
}

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
    n++;
  return n;
}

static bool eval(const vigil_program *p, t_event *e) {
  vigil_vm *vm = vigil_vm_new(p, NULL);
  cr_assert_not_null(vm);
  bool m = false;
  vigil_event ev = {0, 0, &t_ops, e};
  cr_assert_eq(vigil_vm_eval_rule(vm, &ev, 0, &m), VIGIL_OK);
  vigil_vm_free(vm);
  return m;
}

Test(back_rewrite, startswith_endswith_chains_merge) {
  /* fd.name startswith /etc or proc.name = x or fd.name startswith /usr
   * or fd.name endswith .so or fd.name endswith .conf */
  vg_node *c = BOOLN(
      VG_N_OR, 5, BIN(F("fd.name"), VG_OP_STARTSWITH, V("/etc")),
      BIN(F("proc.name"), VG_OP_EQ, V("x")),
      BIN(F("fd.name"), VG_OP_STARTSWITH, V("/usr")),
      BIN(F("fd.name"), VG_OP_ENDSWITH, V(".so")),
      BIN(F("fd.name"), VG_OP_ENDSWITH, V(".conf")));
  vigil_program *p;
  vg_buf d;
  compile(c, &p, &d);
  const char *s = vg_buf_str(&d);
  cr_assert_eq(count(s, "anyof_s"), 2, "%s", s);
  cr_assert_eq(count(s, "startswith_k"), 0, "%s", s);
  cr_assert_eq(count(s, "endswith_k"), 0, "%s", s);
  static const struct {
    const char *name, *proc;
    bool want;
  } cases[] = {
      {"/etc/passwd", "a", true}, {"/usr/lib/x", "a", true},
      {"/var/a.so", "a", true},   {"/var/a.conf", "a", true},
      {"/var/a.sox", "a", false}, {"/et", "a", false},
      {NULL, "a", false},         {NULL, "x", true},
      {"", "a", false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    t_event e;
    t_event_init(&e);
    if (cases[i].name)
      t_set_str(&e, "fd.name", cases[i].name);
    t_set_str(&e, "proc.name", cases[i].proc);
    cr_assert_eq(eval(p, &e), cases[i].want, "case %zu", i);
  }
  /* not (...) of a merged chain: true when the field has no value */
  vg_buf_fini(&d);
  vigil_program_free(p);
  c = NOT(BOOLN(VG_N_OR, 2, BIN(F("fd.name"), VG_OP_STARTSWITH, V("/a")),
                BIN(F("fd.name"), VG_OP_STARTSWITH, V("/b"))));
  compile(c, &p, &d);
  t_event e;
  t_event_init(&e);
  cr_assert(eval(p, &e));
  t_set_str(&e, "fd.name", "/b/c");
  cr_assert(!eval(p, &e));
  vg_buf_fini(&d);
  vigil_program_free(p);
}

Test(back_rewrite, in_sets_merge_only_on_single_valued_fields) {
  /* proc.name in (a, b) or proc.name in (c) or proc.args in (a) or
   * proc.args in (b): proc.args is a list (every value must be in the
   * set), so its two checks stay apart */
  vg_node *c = BOOLN(VG_N_OR, 4,
                     BIN(F("proc.name"), VG_OP_IN, LIST(2, "a", "b")),
                     BIN(F("proc.name"), VG_OP_IN, LIST(1, "c")),
                     BIN(F("proc.args"), VG_OP_IN, LIST(1, "a")),
                     BIN(F("proc.args"), VG_OP_IN, LIST(1, "b")));
  vigil_program *p;
  vg_buf d;
  compile(c, &p, &d);
  const char *s = vg_buf_str(&d);
  cr_assert_eq(count(s, "in_s"), 3, "%s", s);
  t_event e;
  t_event_init(&e);
  t_set_str(&e, "proc.name", "c");
  cr_assert(eval(p, &e));
  t_event_init(&e);
  t_set_str(&e, "proc.name", "z");
  t_set_str(&e, "proc.args", "a");
  t_set_str(&e, "proc.args", "b");
  cr_assert(!eval(p, &e)); /* not all in (a), not all in (b) */
  t_event_init(&e);
  t_set_str(&e, "proc.args", "b");
  t_set_str(&e, "proc.args", "b");
  cr_assert(eval(p, &e));
  vg_buf_fini(&d);
  vigil_program_free(p);
}

Test(back_rewrite, common_first_conjunct_factored) {
  /* (proc.pid = 1 and fd.num = 3) or (proc.pid = 1 and fd.num = 4) */
  vg_node *c = BOOLN(
      VG_N_OR, 2,
      BOOLN(VG_N_AND, 2, BIN(F("proc.pid"), VG_OP_EQ, V("1")),
            BIN(F("fd.num"), VG_OP_EQ, V("3"))),
      BOOLN(VG_N_AND, 2, BIN(F("proc.pid"), VG_OP_EQ, V("1")),
            BIN(F("fd.num"), VG_OP_EQ, V("4"))));
  vigil_program *p;
  vg_buf d;
  compile(c, &p, &d);
  const char *s = vg_buf_str(&d);
  cr_assert_eq(count(s, "proc.pid"), 2, "%s", s); /* FIELD table + once */
  static const struct {
    int pid, num;
    bool want;
  } cases[] = {{1, 3, true}, {1, 4, true}, {1, 5, false},
               {2, 3, false}, {-1, 3, false}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    t_event e;
    t_event_init(&e);
    if (cases[i].pid >= 0)
      t_set_int(&e, "proc.pid", cases[i].pid);
    t_set_int(&e, "fd.num", cases[i].num);
    cr_assert_eq(eval(p, &e), cases[i].want, "case %zu", i);
  }
  vg_buf_fini(&d);
  vigil_program_free(p);
}
