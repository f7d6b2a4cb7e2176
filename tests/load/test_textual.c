/*
 * test_textual.c - the textual rewrites of the loader: list substitution
 * (rules-language.md 5.2, with its table of examples) and the condition
 * text generated for exceptions (6.3, the worked example).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "load/loader.h"

static const char *SHELLS[] = {"sh", "bash"};
static const char *DIRS[] = {"/etc", "/usr dir"};

static const char *subst(vg_arena *a, const char *in) {
  bool used = false;
  const char *s = vg_subst_list(a, in, NULL, "shell_binaries", SHELLS, 2,
                                &used, NULL);
  s = vg_subst_list(a, s, NULL, "dirs", DIRS, 2, &used, NULL);
  s = vg_subst_list(a, s, NULL, "empty", NULL, 0, &used, NULL);
  return s;
}

Test(textual, list_substitution_examples) {
  vg_arena a;
  vg_arena_init(&a);
  cr_assert_str_eq(subst(&a, "proc.name in (shell_binaries)"),
                   "proc.name in ( sh, bash )");
  cr_assert_str_eq(subst(&a, "proc.name in (shell_binaries, dirs, x)"),
                   "proc.name in ( sh, bash , /etc, \"/usr dir\" , x)");
  cr_assert_str_eq(subst(&a, "fd.directory pmatch (dirs)"),
                   "fd.directory pmatch ( /etc, \"/usr dir\" )");
  cr_assert_str_eq(subst(&a, "proc.name in (a, empty)"),
                   "proc.name in (a  )");
  cr_assert_str_eq(subst(&a, "proc.name in (empty, a)"),
                   "proc.name in (   a)");
  cr_assert_str_eq(subst(&a, "proc.name = shell_binaries"),
                   "proc.name = sh, bash ");
  /* words inside field names are not delimited */
  cr_assert_str_eq(subst(&a, "x.shell_binaries = 1"), "x.shell_binaries = 1");
  vg_arena_fini(&a);
}

Test(textual, substitution_origin_map) {
  vg_arena a;
  vg_arena_init(&a);
  const char *in = "a in (shell_binaries) and b";
  size_t n = strlen(in);
  int32_t *org = vg_arena_alloc(&a, (n + 1) * sizeof *org);
  for (size_t i = 0; i <= n; i++)
    org[i] = (int32_t)i;
  bool used = false;
  int32_t *no = NULL;
  const char *s = vg_subst_list(&a, in, org, "shell_binaries", SHELLS, 2,
                                &used, &no);
  cr_assert(used);
  const char *b = strrchr(s, 'b');
  cr_assert_eq(no[b - s], (int32_t)(strrchr(in, 'b') - in));
  /* inserted text maps to the list name */
  cr_assert_eq(no[strstr(s, "sh,") - s], (int32_t)(strstr(in, "shell") - in));
  vg_arena_fini(&a);
}

static vg_xentry scalar(const char *s) {
  vg_xentry e;
  memset(&e, 0, sizeof e);
  e.valid = true;
  e.item = s;
  return e;
}

static vg_xentry list(vg_arena *a, size_t n, const vg_xentry *items) {
  vg_xentry e;
  memset(&e, 0, sizeof e);
  e.valid = true;
  e.is_list = true;
  e.n = n;
  e.items = vg_arena_memdup(a, items, n * sizeof *items);
  return e;
}

Test(textual, exceptions_worked_example) {
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vigil_compiler *c;
  cr_assert_eq(vigil_compiler_new(&o, &c), VIGIL_OK);
  vg_arena *a = &c->a;
  vg_exception ex[5];
  memset(ex, 0, sizeof ex);
  /* by_name */
  ex[0].name = "by_name";
  ex[0].fields = scalar("proc.name");
  ex[0].comps = scalar("in");
  vg_xentry v0[] = {scalar("cat"), scalar("my app")};
  ex[0].values = vg_arena_memdup(a, v0, sizeof v0);
  ex[0].nvalues = 2;
  /* pairs */
  vg_xentry f1[] = {scalar("proc.name"), scalar("fd.name")};
  vg_xentry c1[] = {scalar("="), scalar("startswith")};
  ex[1].name = "pairs";
  ex[1].fields = list(a, 2, f1);
  ex[1].comps = list(a, 2, c1);
  vg_xentry t1[] = {scalar("nginx"), scalar("/var/log/")};
  vg_xentry t2[] = {scalar("apache"), scalar("/srv/www dir/")};
  vg_xentry vv1[] = {list(a, 2, t1), list(a, 2, t2)};
  ex[1].values = vg_arena_memdup(a, vv1, sizeof vv1);
  ex[1].nvalues = 2;
  /* dirs */
  vg_xentry f2[] = {scalar("proc.name"), scalar("fd.directory")};
  vg_xentry c2[] = {scalar("="), scalar("pmatch")};
  ex[2].name = "dirs";
  ex[2].fields = list(a, 2, f2);
  ex[2].comps = list(a, 2, c2);
  vg_xentry t3[] = {scalar("sshd"), scalar("my_dirs")};
  vg_xentry vv2[] = {list(a, 2, t3)};
  ex[2].values = vg_arena_memdup(a, vv2, sizeof vv2);
  ex[2].nvalues = 1;
  /* mods */
  vg_xentry f3[] = {scalar("proc.name")};
  vg_xentry c3[] = {scalar("startswith oneof")};
  ex[3].name = "mods";
  ex[3].fields = list(a, 1, f3);
  ex[3].comps = list(a, 1, c3);
  vg_xentry in3[] = {scalar("ba"), scalar("zs")};
  vg_xentry t4[] = {list(a, 2, in3)};
  vg_xentry vv3[] = {list(a, 1, t4)};
  ex[3].values = vg_arena_memdup(a, vv3, sizeof vv3);
  ex[3].nvalues = 1;
  /* placeholder */
  ex[4].name = "placeholder";
  ex[4].fields = scalar("proc.name");
  ex[4].comps = scalar("in");

  vg_rule_info r;
  memset(&r, 0, sizeof r);
  r.cond.text = "evt.type = open";
  r.exceptions = ex;
  r.nexceptions = 5;
  bool ok;
  const char *t = vg_exceptions_text(c, &r, &ok);
  cr_assert(ok);
  cr_assert_str_eq(
      t,
      "(evt.type = open) and not (proc.name in (cat, \"my app\")) and not "
      "(( proc.name = nginx and  fd.name startswith /var/log/) or ( "
      "proc.name = apache and  fd.name startswith \"/srv/www dir/\")) and "
      "not (( proc.name = sshd and  fd.directory pmatch (my_dirs))) and not "
      "(( proc.name startswith oneof (ba, zs)))");
  vigil_compiler_free(c);
}
