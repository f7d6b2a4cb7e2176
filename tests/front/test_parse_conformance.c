/*
 * test_parse_conformance.c - runs every stage=parse row of
 * conformance/conditions/parse.tsv (libsinsp's parser tests) and every row
 * of escaping.tsv against vigil's condition parser. Skips when the shared
 * conformance data is absent. Failing rows are listed on stderr and the
 * pass/fail counts printed.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "ast_util.h"
#include "tsv.h"

#define SHARED VIGIL_SHARED_DIR "/conformance/conditions/"

typedef struct row_ctx {
  char why[1024];
} row_ctx;

static vigil_status parse(vg_arena *a, const char *s, size_t n, vg_node **out,
                          vg_pos *end, vg_parse_error *err) {
  return vg_parse_condition_ex(a, s, n, VG_PARSE_MAX_DEPTH, out, end, err);
}

static char *print(const vg_node *n, vg_buf *b) {
  vg_buf_reset(b);
  vg_ast_print(b, n);
  return (char *)vg_buf_str(b);
}

/* Returns true when the row passes; *why explains a failure. */
static bool run_row(tsv_cell *c, row_ctx *rc) {
  const char *cond = c[0].ptr;
  size_t clen = c[0].len;
  bool want_ok = strcmp(c[1].ptr, "ok") == 0;
  const char *expected = c[2].ptr;
  const char *extra = c[4].ptr;
  bool pass = true;
  vg_arena a;
  vg_arena_init(&a);
  vg_buf b;
  vg_buf_init(&b);
  char *text = NULL;

  if (strncmp(extra, "repeat=", 7) == 0) {
    long n = strtol(extra + 7, NULL, 10);
    text = malloc(clen * (size_t)n + 1);
    for (long i = 0; i < n; i++)
      memcpy(text + clen * (size_t)i, cond, clen);
    clen *= (size_t)n;
    text[clen] = '\0';
    cond = text;
  }

  vg_node *root = NULL;
  vg_pos end;
  vg_parse_error err;
  vigil_status st = parse(&a, cond, clen, &root, &end, &err);
  if (want_ok != (st == VIGIL_OK)) {
    snprintf(rc->why, sizeof rc->why, "expected %s, got %s (%s at %u:%u)",
             c[1].ptr, st == VIGIL_OK ? "ok" : "error",
             st == VIGIL_OK ? "" : err.msg, (unsigned)err.pos.line,
             (unsigned)err.pos.col);
    pass = false;
    goto out;
  }
  if (!want_ok) {
    if (*expected && strcmp(expected, err.msg) != 0) {
      snprintf(rc->why, sizeof rc->why, "message '%s', expected '%s'", err.msg,
               expected);
      pass = false;
    }
    goto out;
  }
  if (strcmp(extra, "canonical") == 0 || strcmp(extra, "ast") == 0) {
    const char *got = print(root, &b);
    if (strcmp(got, expected) != 0) {
      snprintf(rc->why, sizeof rc->why, "printed '%s', expected '%s'", got,
               expected);
      pass = false;
    }
  } else if (strcmp(extra, "positions") == 0 ||
             strcmp(extra, "positions-contain") == 0) {
    vg_buf_reset(&b);
    tu_positions(&b, root);
    const char *got = vg_buf_str(&b);
    bool ok = extra[9] == '\0' ? strcmp(got, expected) == 0
                               : strstr(got, expected) != NULL;
    if (!ok) {
      snprintf(rc->why, sizeof rc->why, "positions '%s', expected '%s'", got,
               expected);
      pass = false;
    }
  } else if (strncmp(extra, "end=", 4) == 0) {
    char got[64];
    snprintf(got, sizeof got, "%u:%u:%u", (unsigned)end.idx, (unsigned)end.line,
             (unsigned)end.col);
    if (strcmp(got, extra + 4) != 0) {
      snprintf(rc->why, sizeof rc->why, "end %s, expected %s", got, extra + 4);
      pass = false;
    }
  } else if (strcmp(extra, "roundtrip") == 0) {
    char *p1 = strdup(print(root, &b));
    vg_node *again = NULL;
    st = parse(&a, p1, strlen(p1), &again, NULL, &err);
    if (st != VIGIL_OK || !tu_equal(root, again)) {
      snprintf(rc->why, sizeof rc->why, "roundtrip of '%s' failed (%s)", p1,
               st == VIGIL_OK ? "different AST" : err.msg);
      pass = false;
    }
    free(p1);
  } else if (strcmp(extra, "ws-variants") == 0) {
    size_t vn = clen + 2;
    char *v = malloc(vn + 1);
    v[0] = ' ';
    memcpy(v + 1, cond, clen);
    v[vn - 1] = ' ';
    v[vn] = '\0';
    for (int k = 0; k < 3 && pass; k++) {
      if (k == 1)
        for (size_t i = 0; i < vn; i++)
          if (v[i] == ' ')
            v[i] = '\n';
      if (k == 2)
        for (size_t i = 0; i < vn; i++)
          if (v[i] == '\n')
            v[i] = '\t';
      vg_node *r2 = NULL;
      if (parse(&a, v, vn, &r2, NULL, &err) != VIGIL_OK) {
        snprintf(rc->why, sizeof rc->why, "variant %d rejected: %s at %u:%u",
                 k + 1, err.msg, (unsigned)err.pos.line, (unsigned)err.pos.col);
        pass = false;
      }
    }
    free(v);
  }
out:
  free(text);
  vg_buf_fini(&b);
  vg_arena_fini(&a);
  return pass;
}

Test(parse_conformance, parse_tsv) {
  size_t len;
  char *buf = tsv_slurp(SHARED "parse.tsv", &len);
  if (!buf)
    cr_skip_test("no conformance data at %s", SHARED);
  tsv_cell c[TSV_MAX_CELLS];
  size_t pos = 0;
  int passed = 0, failed = 0;
  while (tsv_next(buf, len, &pos, c)) {
    if (strcmp(c[3].ptr, "parse") != 0)
      continue;
    row_ctx rc = {{0}};
    if (run_row(c, &rc)) {
      passed++;
    } else {
      failed++;
      fprintf(stderr, "FAIL [%s] %s: %s\n", c[4].ptr, c[0].ptr, rc.why);
    }
  }
  free(buf);
  fprintf(stderr, "parse.tsv stage=parse: %d passed, %d failed\n", passed,
          failed);
  cr_expect_eq(failed, 0, "%d parse.tsv rows failed", failed);
}

Test(parse_conformance, escaping_tsv) {
  size_t len;
  char *buf = tsv_slurp(SHARED "escaping.tsv", &len);
  if (!buf)
    cr_skip_test("no conformance data at %s", SHARED);
  tsv_cell c[TSV_MAX_CELLS];
  size_t pos = 0;
  int passed = 0, failed = 0;
  while (tsv_next(buf, len, &pos, c)) {
    vg_arena a;
    vg_arena_init(&a);
    vg_buf b;
    vg_buf_init(&b);
    char msg[256];
    vg_str in = {c[1].ptr, c[1].len}, out;
    bool ok = false;
    if (strcmp(c[0].ptr, "escape") == 0) {
      vg_ast_print_value(&b, in);
      ok = b.len == c[2].len && memcmp(b.ptr, c[2].ptr, b.len) == 0;
    } else if (strcmp(c[0].ptr, "unescape") == 0) {
      vigil_status st =
          vg_ast_unescape(&a, in.ptr, in.len, &out, msg, sizeof msg);
      if (strcmp(c[2].ptr, "error") == 0)
        ok = st == VIGIL_E_SYNTAX;
      else
        ok = st == VIGIL_OK && tu_str_eq(out, (vg_str){c[2].ptr, c[2].len});
    } else if (strcmp(c[0].ptr, "roundtrip") == 0) {
      vg_ast_print_value(&b, in);
      /* a bare printing is the value itself */
      if (b.len && b.ptr[0] == '"') {
        vigil_status st =
            vg_ast_unescape(&a, b.ptr, b.len, &out, msg, sizeof msg);
        ok = st == VIGIL_OK && tu_str_eq(out, (vg_str){c[2].ptr, c[2].len});
      } else {
        ok = tu_str_eq((vg_str){b.ptr, b.len}, (vg_str){c[2].ptr, c[2].len});
      }
    }
    if (ok) {
      passed++;
    } else {
      failed++;
      fprintf(stderr, "FAIL escaping %s '%s'\n", c[0].ptr, c[1].ptr);
    }
    vg_buf_fini(&b);
    vg_arena_fini(&a);
  }
  free(buf);
  fprintf(stderr, "escaping.tsv: %d passed, %d failed\n", passed, failed);
  cr_expect_eq(failed, 0, "%d escaping.tsv rows failed", failed);
}
