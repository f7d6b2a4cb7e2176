/*
 * test_vm_ops_eval.c - conformance/conditions/ops.tsv through the
 * evaluator, driven as the scoreboard drives `vigil expr --fields`: the
 * first field reference of the 'field' column gets the 'left_value' text
 * as its JSON value; the condition is parsed, checked by sema and
 * evaluated with vg_eval_expr. Skips when the corpus is absent. Prints the
 * failing rows and fails if any row regresses below the recorded floor.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "back/eval_expr.h"
#include "front/parser.h"
#include "sema/sema.h"

/* Rows passing when this test was written; raise it as semantics improve. */
#define OPS_FLOOR 145

typedef struct sink {
  bool err;
  char msg[512];
} sink;

static void on_diag(void *ud, const vg_sema_diag *d) {
  sink *s = ud;
  if (d->is_error && !s->err) {
    s->err = true;
    snprintf(s->msg, sizeof s->msg, "%s", d->msg);
  }
}

Test(vm_ops_eval, table) {
  char path[512];
  snprintf(path, sizeof path, "%s/conformance/conditions/ops.tsv",
           VIGIL_SHARED_DIR);
  FILE *f = fopen(path, "r");
  if (!f)
    cr_skip_test("no %s", path);
  regex_t fre;
  cr_assert_eq(regcomp(&fre, "[a-z][a-z0-9_]*\\.[a-z0-9_.]+(\\[[^]]*\\])?",
                       REG_EXTENDED),
               0);
  vg_sema_env *env = vg_sema_env_new(NULL, 0, NULL, 0, true);
  char line[8192];
  int pass = 0, fail = 0, skip = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#' || line[0] == '\n')
      continue;
    line[strcspn(line, "\n")] = 0;
    char *col[8] = {0};
    int nc = 0;
    for (char *p = line; nc < 8;) {
      col[nc++] = p;
      char *t = strchr(p, '\t');
      if (!t)
        break;
      *t = 0;
      p = t + 1;
    }
    const char *field = col[1] ? col[1] : "", *left = col[2] ? col[2] : "";
    const char *expected = col[5] ? col[5] : "", *cond = col[6] ? col[6] : "";
    char lbuf[1024];
    if (!strncmp(left, "open flags ", 11) && strstr(left, " as rendered")) {
      size_t n = (size_t)(strstr(left, " as rendered") - (left + 11));
      snprintf(lbuf, sizeof lbuf, "%.*s", (int)n, left + 11);
      left = lbuf;
    }
    regmatch_t m[1];
    if (regexec(&fre, field, 1, m, 0) ||
        (strcmp(expected, "true") && strcmp(expected, "false")) || !*cond ||
        strchr(left, ' ')) {
      skip++;
      continue;
    }
    char key[512];
    snprintf(key, sizeof key, "%.*s", (int)(m[0].rm_eo - m[0].rm_so),
             field + m[0].rm_so);
    json_t *o = json_object();
    json_object_set_new(o, key, json_string(left));
    char *js = json_dumps(o, 0);
    json_decref(o);
    vg_arena a;
    vg_arena_init(&a);
    vg_node *root = NULL;
    vg_parse_error perr;
    memset(&perr, 0, sizeof perr);
    bool ok = false, res = false;
    char err[1100] = "";
    sink s = {0};
    if (vg_parse_condition(&a, cond, strlen(cond), &root, &perr) != VIGIL_OK)
      snprintf(err, sizeof err, "parse: %s", perr.msg);
    else if (vg_sema_check(env, "syscall", &a, root, on_diag, &s) !=
             VIGIL_OK)
      snprintf(err, sizeof err, "sema: %s", s.msg);
    else if (vg_eval_expr(root, "syscall", js, NULL, NULL, &res, err,
                          sizeof err) == VIGIL_OK)
      ok = res == !strcmp(expected, "true");
    if (ok) {
      pass++;
    } else {
      fail++;
      cr_log_warn("ops: %s with %s expected %s: %s %s", cond, js, expected,
                  err[0] ? "error" : res ? "true" : "false", err);
    }
    free(js);
    vg_arena_fini(&a);
  }
  fclose(f);
  regfree(&fre);
  vg_sema_env_free(env);
  cr_log_warn("ops.tsv: %d/%d rows pass (%d skipped)", pass, pass + fail,
              skip);
  cr_expect_geq(pass, OPS_FLOOR, "%d rows pass, floor %d", pass, OPS_FLOOR);
}
