/*
 * test_parse_corpus.c - parses every macro and rule condition of the
 * corpus packs (falco_rules, incubating, sandbox and the plugin packs) as
 * written, i.e. before list substitution and macro expansion: all must
 * parse, and the whole set must take a few milliseconds (the time per
 * pass is printed; the bound asserted is loose enough for sanitizer and
 * debug builds). Skips when the shared corpus is absent.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "front/parser.h"

#define CORPUS VIGIL_SHARED_DIR "/corpus/rules/"

typedef struct conds {
  char **v;
  size_t n, cap;
} conds;

static void add(conds *c, const char *s, size_t n) {
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 256;
    c->v = realloc(c->v, c->cap * sizeof *c->v);
  }
  c->v[c->n] = malloc(n + 1);
  memcpy(c->v[c->n], s, n);
  c->v[c->n][n] = '\0';
  c->n++;
}

/* Collects the scalar values of "condition" keys; false if unreadable. */
static bool collect(const char *path, conds *c) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return false;
  yaml_parser_t p;
  yaml_parser_initialize(&p);
  yaml_parser_set_input_file(&p, f);
  bool want = false, done = false;
  int depth = 0; /* mapping depth */
  bool key = true;
  while (!done) {
    yaml_event_t e;
    if (!yaml_parser_parse(&p, &e))
      break;
    switch (e.type) {
    case YAML_MAPPING_START_EVENT:
      depth++;
      key = true;
      want = false;
      break;
    case YAML_MAPPING_END_EVENT:
      depth--;
      break;
    case YAML_SCALAR_EVENT:
      if (depth == 1 && key) {
        want = strcmp((char *)e.data.scalar.value, "condition") == 0;
        key = false;
      } else if (depth == 1) {
        if (want)
          add(c, (char *)e.data.scalar.value, e.data.scalar.length);
        want = false;
        key = true;
      }
      break;
    case YAML_SEQUENCE_START_EVENT:
      if (depth == 1)
        key = false;
      break;
    case YAML_SEQUENCE_END_EVENT:
      if (depth == 1)
        key = true;
      break;
    case YAML_STREAM_END_EVENT:
      done = true;
      break;
    default:
      break;
    }
    yaml_event_delete(&e);
  }
  yaml_parser_delete(&p);
  fclose(f);
  return true;
}

Test(parse_corpus, all_packs) {
  static const char *const files[] = {"falco/falco_rules.yaml",
                                      "falco/falco-incubating_rules.yaml",
                                      "falco/falco-sandbox_rules.yaml",
                                      "plugins/k8s_audit_rules.yaml",
                                      "plugins/aws_cloudtrail_rules.yaml",
                                      "plugins/okta_rules.yaml"};
  conds c = {0};
  size_t bytes = 0;
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s%s", CORPUS, files[i]);
    if (!collect(path, &c))
      cr_skip_test("no corpus at %s", path);
  }
  cr_assert_gt(c.n, 100);
  for (size_t i = 0; i < c.n; i++)
    bytes += strlen(c.v[i]);

  enum { PASSES = 20 };
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int pass = 0; pass < PASSES; pass++) {
    vg_arena a;
    vg_arena_init(&a);
    for (size_t i = 0; i < c.n; i++) {
      vg_node *root;
      vg_parse_error err;
      vigil_status st =
          vg_parse_condition(&a, c.v[i], strlen(c.v[i]), &root, &err);
      if (pass == 0)
        cr_expect_eq(st, VIGIL_OK, "%s: %s", c.v[i], err.msg);
    }
    vg_arena_fini(&a);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = ((double)(t1.tv_sec - t0.tv_sec) * 1e3 +
               (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) /
              PASSES;
  fprintf(stderr, "corpus: %zu conditions, %zu bytes, %.2f ms per pass\n", c.n,
          bytes, ms);
  cr_expect_lt(ms, 500.0, "parsing the corpus took %.1f ms", ms);
  for (size_t i = 0; i < c.n; i++)
    free(c.v[i]);
  free(c.v);
}
