/*
 * test_eval_expr.c - conditions parsed by the real front end, evaluated
 * through vg_eval_expr (the engine of `vigil expr --fields`) on JSON field
 * values: a jq-style table of condition, event, expected result. Also the
 * compile/disasm/info commands end to end.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "back/eval_expr.h"
#include "front/parser.h"

typedef struct ecase {
  const char *cond, *json;
  int want; /* 1 true, 0 false, -1 error */
} ecase;

static const ecase cases[] = {
    {"proc.name = bash", "{\"proc.name\":\"bash\"}", 1},
    {"proc.name = bash", "{}", 0},
    {"proc.name != bash", "{}", 0},
    {"not proc.name = bash", "{}", 1},
    {"proc.name exists", "{}", 0},
    {"proc.name in (sh, bash, zsh)", "{\"proc.name\":\"zsh\"}", 1},
    {"proc.name startswith ba and fd.num >= 3",
     "{\"proc.name\":\"bash\",\"fd.num\":3}", 1},
    {"fd.num = -1", "{\"fd.num\":-1}", 1},
    {"fd.num < 0", "{\"fd.num\":\"5\"}", 0},
    {"evt.type in (open, openat) or proc.name = x",
     "{\"evt.type\":\"openat\"}", 1},
    {"fd.name pmatch (/etc, /usr/lib)", "{\"fd.name\":\"/usr/lib/x.so\"}", 1},
    {"fd.name glob '/etc/*'", "{\"fd.name\":\"/etc/passwd\"}", 1},
    {"proc.cmdline regex '.*-c .*'", "{\"proc.cmdline\":\"bash -c ls\"}", 1},
    {"proc.name icontains BA", "{\"proc.name\":\"bash\"}", 1},
    {"evt.failed = true", "{\"evt.failed\":true}", 1},
    {"evt.failed = true", "{\"evt.failed\":false}", 0},
    {"fd.sip = 10.0.0.1", "{\"fd.sip\":\"10.0.0.1\"}", 1},
    {"fd.snet = 10.0.0.0/8", "{\"fd.snet\":\"10.1.2.3\"}", 1},
    {"proc.name = oneof (bash, bash)", "{\"proc.name\":\"bash\"}", 0},
    {"proc.name startswith anyof (zs, ba)", "{\"proc.name\":\"bash\"}", 1},
    {"toupper(proc.name) = BASH", "{\"proc.name\":\"bash\"}", 1},
    {"proc.name = val(proc.pname)",
     "{\"proc.name\":\"bash\",\"proc.pname\":\"bash\"}", 1},
    {"proc.name = val(proc.pname)", "{\"proc.name\":\"bash\"}", 0},
    {"len(proc.name) = 4", "{\"proc.name\":\"bash\"}", 1},
    {"fd.num = 3", "{\"fd.num\":\"three\"}", -1},
    {"proc.name = bash", "[1]", -1},
};

Test(eval_expr, table) {
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const ecase *c = &cases[i];
    vg_arena a;
    vg_arena_init(&a);
    vg_node *root;
    vg_parse_error perr;
    cr_assert_eq(vg_parse_condition(&a, c->cond, strlen(c->cond), &root,
                                    &perr),
                 VIGIL_OK, "%s: %s", c->cond, perr.msg);
    bool res = false;
    char err[256];
    vigil_status st = vg_eval_expr(root, "syscall", c->json, NULL, NULL,
                                   &res, err, sizeof err);
    if (c->want < 0)
      cr_expect_neq(st, VIGIL_OK, "%s on %s: expected an error", c->cond,
                    c->json);
    else
      cr_expect(st == VIGIL_OK && res == (c->want == 1),
                "%s on %s: got %d (%s)", c->cond, c->json, (int)res, err);
    vg_arena_fini(&a);
  }
}

static int run(const char *cmd, char *out, size_t cap) {
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  size_t n = fread(out, 1, cap - 1, p);
  out[n] = 0;
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(eval_expr, cli_compile_disasm_info) {
  char cmd[1024], out[16384];
  const char *pack = "/tmp/vigil_test_vm_cli.vpk";
  snprintf(cmd, sizeof cmd,
           "%s compile -o %s --condition 'evt.type = execve and proc.name "
           "in (bash, sh)' 2>&1",
           VIGIL_BINARY, pack);
  cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
  snprintf(cmd, sizeof cmd, "%s disasm %s", VIGIL_BINARY, pack);
  cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
  cr_expect(strstr(out, "in_s") != NULL, "%s", out);
  /* the evt.type check is folded into the dispatch set */
  cr_expect(strstr(out, "evt.type") == NULL, "%s", out);
  snprintf(cmd, sizeof cmd, "%s info %s", VIGIL_BINARY, pack);
  cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
  cr_expect(strstr(out, "crc32:") != NULL, "%s", out);
  /* a damaged pack is reported, not crashed on */
  snprintf(cmd, sizeof cmd,
           "printf 'X' | dd of=%s bs=1 seek=40 conv=notrunc 2>/dev/null; "
           "%s info %s",
           pack, VIGIL_BINARY, pack);
  cr_expect_eq(run(cmd, out, sizeof out), 1, "%s", out);
  cr_expect(strstr(out, "checksum") != NULL, "%s", out);
  remove(pack);
}

Test(eval_expr, cli_compile_rules_deterministic) {
  char cmd[2048], out[4096];
  snprintf(cmd, sizeof cmd,
           "%s compile -o /tmp/vigil_test_vm_a.vpk %s/rules && "
           "%s compile -o /tmp/vigil_test_vm_b.vpk %s/rules && "
           "cmp /tmp/vigil_test_vm_a.vpk /tmp/vigil_test_vm_b.vpk 2>&1",
           VIGIL_BINARY, VIGIL_SOURCE_DIR, VIGIL_BINARY, VIGIL_SOURCE_DIR);
  int rc = run(cmd, out, sizeof out);
  cr_expect_eq(rc, 0, "%s", out);
  remove("/tmp/vigil_test_vm_a.vpk");
  remove("/tmp/vigil_test_vm_b.vpk");
}
