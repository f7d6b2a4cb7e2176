/*
 * test_upstream_parser.c - libsinsp parser assertions the command line
 * cannot show (node positions, the parser's end position, the bare
 * parser's depth cap), from tests/upstream/positions.tsv: each row is
 * parsed with vg_parse_condition_ex and libsinsp's default cap of 100
 * (filter_parser.ut.cpp builds its parsers with that default; Falco's rule
 * loader raises it to 1000). Columns as conditions/parse.tsv.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "front/ast_util.h"
#include "front/tsv.h"

#define ROWS VIGIL_SOURCE_DIR "/tests/upstream/positions.tsv"
#define LIBSINSP_DEFAULT_DEPTH 100

static bool run_row(tsv_cell *c, char *why, size_t whysz) {
  const char *cond = c[0].ptr, *expected = c[2].ptr, *extra = c[4].ptr;
  size_t clen = c[0].len;
  bool want_ok = strcmp(c[1].ptr, "ok") == 0, pass = true;
  char *text = NULL;
  if (strncmp(extra, "repeat=", 7) == 0) {
    size_t n = (size_t)strtoul(extra + 7, NULL, 10);
    text = malloc(clen * n + 1);
    cr_assert_not_null(text);
    for (size_t i = 0; i < n; i++)
      memcpy(text + clen * i, cond, clen);
    clen *= n;
    text[clen] = '\0';
    cond = text;
  }
  vg_arena a;
  vg_arena_init(&a);
  vg_buf b;
  vg_buf_init(&b);
  vg_node *root = NULL;
  vg_pos end = {0};
  vg_parse_error err;
  vigil_status st = vg_parse_condition_ex(&a, cond, clen,
                                          LIBSINSP_DEFAULT_DEPTH, &root,
                                          &end, &err);
  if (want_ok != (st == VIGIL_OK)) {
    snprintf(why, whysz, "expected %s, got %s", c[1].ptr,
             st == VIGIL_OK ? "ok" : err.msg);
    pass = false;
  } else if (!want_ok) {
    if (*expected && strcmp(expected, err.msg) != 0) {
      snprintf(why, whysz, "message '%s', expected '%s'", err.msg, expected);
      pass = false;
    }
  } else if (strncmp(extra, "positions", 9) == 0) {
    tu_positions(&b, root);
    const char *got = vg_buf_str(&b);
    bool ok = extra[9] == '\0' ? strcmp(got, expected) == 0
                               : strstr(got, expected) != NULL;
    if (!ok) {
      snprintf(why, whysz, "positions '%s', expected '%s'", got, expected);
      pass = false;
    }
  } else if (strncmp(extra, "end=", 4) == 0) {
    char got[64];
    snprintf(got, sizeof got, "%u:%u:%u", (unsigned)end.idx,
             (unsigned)end.line, (unsigned)end.col);
    if (strcmp(got, extra + 4) != 0) {
      snprintf(why, whysz, "end %s, expected %s", got, extra + 4);
      pass = false;
    }
  }
  vg_buf_fini(&b);
  vg_arena_fini(&a);
  free(text);
  return pass;
}

Test(upstream_parser, positions_tsv) {
  size_t len;
  char *buf = tsv_slurp(ROWS, &len);
  cr_assert_not_null(buf, "cannot read %s", ROWS);
  tsv_cell c[TSV_MAX_CELLS];
  size_t pos = 0;
  int passed = 0, failed = 0;
  while (tsv_next(buf, len, &pos, c)) {
    char why[1024] = "";
    if (run_row(c, why, sizeof why)) {
      passed++;
    } else {
      failed++;
      fprintf(stderr, "FAIL [%s] %.80s: %s\n", c[4].ptr, c[0].ptr, why);
    }
  }
  free(buf);
  fprintf(stderr, "positions.tsv: %d passed, %d failed\n", passed, failed);
  cr_expect_gt(passed, 0);
  cr_expect_eq(failed, 0, "%d positions.tsv rows failed", failed);
}
