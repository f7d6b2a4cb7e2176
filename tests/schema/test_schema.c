/*
 * test_schema.c - Falco's advisory schema check (compiler/load/schema.c).
 * The cases in schema/cases are rules files with, beside each, the status
 * vector Falco's validator (valijson 1.0.2 over yaml-cpp, weak typing)
 * produced for it: one entry per line, or "! MESSAGE" when the load fails
 * because a key cannot be read as a string. They were checked against
 * that validator when written; here vigil must reproduce them exactly.
 * The other tests pin the JSON, Falco text and lint renderings.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/compiler.h"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  size_t got = fread(s, 1, (size_t)n, f);
  fclose(f);
  s[got] = 0;
  if (len)
    *len = got;
  return s;
}

static vigil_compiler *load(const char *name, const char *text, size_t len) {
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vigil_compiler *c = NULL;
  cr_assert_eq(vigil_compiler_new(&o, &c), VIGIL_OK);
  vigil_compiler_load_buffer(c, name, text, len);
  return c;
}

static vigil_compiler *load_str(const char *text) {
  return load("r.yaml", text, strlen(text));
}

/* The status vector (or "! message") as the .expected files write it. */
static void put(char *s, size_t *k, const char *a) {
  size_t n = strlen(a);
  memcpy(s + *k, a, n);
  *k += n;
  s[*k] = 0;
}

static char *status_text(const vigil_load_result *r) {
  size_t cap = 64, k = 0;
  for (size_t i = 0; i < r->nschema_status; i++)
    cap += strlen(r->schema_status[i]) + 1;
  for (size_t i = 0; i < r->nerrors; i++)
    cap += strlen(r->errors[i].message) + 3;
  char *s = calloc(1, cap);
  for (size_t i = 0; i < r->nerrors; i++)
    if (!strcmp(r->errors[i].code_name, "LOAD_ERR_YAML_PARSE")) {
      put(s, &k, "! ");
      put(s, &k, r->errors[i].message);
      put(s, &k, "\n");
      return s;
    }
  for (size_t i = 0; i < r->nschema_status; i++) {
    put(s, &k, r->schema_status[i]);
    put(s, &k, "\n");
  }
  return s;
}

Test(schema, cases_match_falco) {
  DIR *d = opendir("schema/cases");
  cr_assert(d, "schema/cases not found");
  struct dirent *e;
  int n = 0, bad = 0;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 6 || strcmp(e->d_name + l - 5, ".yaml"))
      continue;
    char path[512], exp_path[512];
    snprintf(path, sizeof path, "schema/cases/%s", e->d_name);
    snprintf(exp_path, sizeof exp_path, "schema/cases/%.*s.expected",
             (int)(l - 5), e->d_name);
    size_t len = 0;
    char *text = slurp(path, &len);
    char *want = slurp(exp_path, NULL);
    cr_assert(text && want, "%s: missing input or expectation", path);
    vigil_compiler *c = load(e->d_name, text, len);
    const vigil_load_result *r = vigil_compiler_result(c, 0);
    char *got = status_text(r);
    if (strcmp(got, want)) {
      bad++;
      cr_log_error("%s:\n--- expected\n%s--- got\n%s", path, want, got);
    }
    /* never a reason for the load to fail by itself */
    if (want[0] != '!')
      for (size_t i = 0; i < r->nerrors; i++)
        cr_expect(!strstr(r->errors[i].message, "bad conversion"));
    n++;
    free(got);
    free(text);
    free(want);
    vigil_compiler_free(c);
  }
  closedir(d);
  cr_assert_gt(n, 50);
  cr_assert_eq(bad, 0, "%d of %d cases differ", bad, n);
}

static char *json_of(vigil_compiler *c) {
  char *s = NULL;
  cr_assert_eq(vigil_results_json(c, &s), VIGIL_OK);
  return s;
}

Test(schema, capture_wrong_type_json) {
  vigil_compiler *c = load_str("- rule: test_rule\n  desc: test rule\n"
                               "  condition: evt.type = close\n"
                               "  output: user=%user.name\n"
                               "  priority: INFO\n  capture: \"yes\"\n");
  char *s = json_of(c);
  cr_assert(
      strstr(s,
             "\"schema_valid\":false,\"schema_warnings\":[\"failed for "
             "<root>[0][capture]: Value type not permitted by 'type' "
             "constraint.\",\"failed for <root>[0]: Failed to validate against "
             "schema associated with property name 'capture'.\",\"failed for "
             "<root>: Failed to validate item #0 in array.\"],\"successful\":"
             "true"),
      "%s", s);
  free(s);
  vigil_compiler_free(c);
}

Test(schema, no_keys_when_the_check_did_not_run) {
  const char *texts[] = {"", "# nothing\n", "---\n", "- rule: [\n"};
  for (size_t i = 0; i < 4; i++) {
    vigil_compiler *c = load_str(texts[i]);
    char *s = json_of(c);
    cr_assert(!strstr(s, "schema_valid"), "%s", s);
    cr_assert(!strstr(s, "schema_warnings"), "%s", s);
    free(s);
    vigil_compiler_free(c);
  }
}

/* Falco looks at the first document's entry only */
Test(schema, first_document_decides) {
  vigil_compiler *c = load_str("- list: a\n  items: [x]\n---\n- list: [b]\n");
  const vigil_load_result *r = vigil_compiler_result(c, 0);
  cr_assert_eq(r->nschema_status, 4);
  cr_assert(r->schema_valid);
  char *s = json_of(c);
  cr_assert(strstr(s, "\"schema_valid\":true,\"schema_warnings\":[]"), "%s", s);
  free(s);
  vigil_compiler_free(c);

  c = load_str("- list: [b]\n---\n- list: a\n  items: [x]\n");
  r = vigil_compiler_result(c, 0);
  cr_assert(!r->schema_valid);
  cr_assert_str_eq(r->schema_status[r->nschema_status - 1], "ok");
  s = json_of(c);
  cr_assert(strstr(s, "\"ok\"]"), "%s", s);
  free(s);
  vigil_compiler_free(c);
}

Test(schema, loading_stops_at_a_null_document) {
  vigil_compiler *c =
      load_str("- list: a\n  items: [x]\n---\n~\n---\n- list: [b]\n");
  const vigil_load_result *r = vigil_compiler_result(c, 0);
  cr_assert_eq(r->nschema_status, 1);
  cr_assert_eq(r->nerrors, 0);
  vigil_compiler_free(c);
}

#define RULE_INFO                                                              \
  "- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n"

Test(schema, falco_verbose_and_summary_text) {
  vigil_compiler *c = load_str(RULE_INFO "  priority: Info\n");
  char *t = NULL;
  cr_assert_eq(vigil_result_falco_text(c, 0, true, &t), VIGIL_OK);
  cr_assert_str_eq(
      t, "r.yaml: Ok\n"
         "3 Schema warnings:\n"
         "------\n"
         "failed for <root>[0][priority]: Failed to match against any enum "
         "values.\n"
         "------\n"
         "failed for <root>[0]: Failed to validate against schema associated "
         "with property name 'priority'.\n"
         "------\n"
         "failed for <root>: Failed to validate item #0 in array.\n"
         "------\n");
  free(t);
  cr_assert_eq(vigil_result_falco_text(c, 0, false, &t), VIGIL_OK);
  cr_assert_str_eq(
      t, "r.yaml: Ok\n"
         " 3 schema warnings: [failed for <root>[0][priority]: Failed to "
         "match against any enum values. failed for <root>[0]: Failed to "
         "validate against schema associated with property name 'priority'. "
         "failed for <root>: Failed to validate item #0 in array.]");
  free(t);
  vigil_compiler_free(c);
}

Test(schema, falco_text_warnings_and_errors) {
  vigil_compiler *c = load_str("- list: l\n  items: [a]\n  priority: x\n");
  char *t = NULL;
  cr_assert_eq(vigil_result_falco_text(c, 0, false, &t), VIGIL_OK);
  cr_assert(!strncmp(t, "r.yaml: Ok, with warnings\n 3 schema warnings: [", 47),
            "%s", t);
  cr_assert(strstr(t, "item #0 in array.]\n 2 warnings: [LOAD_UNKNOWN_KEY "
                      "(Unknown key in item definition) LOAD_UNUSED_LIST "
                      "(Unused list)]"),
            "%s", t);
  free(t);
  cr_assert_eq(vigil_result_falco_text(c, 0, true, &t), VIGIL_OK);
  cr_assert(strstr(t, "------\n\n2 Warnings:\nIn rules content: "
                      "(r.yaml:0:0)\n    list 'l': (r.yaml:0:2)\n------\n- "
                      "list: l\n  ^\n------\nLOAD_UNKNOWN_KEY (Unknown key "
                      "in item definition): Unknown key 'priority'. The key "
                      "will be ignored.\n"),
            "%s", t);
  free(t);
  vigil_compiler_free(c);
  c = load_str(RULE_INFO "  priority: INFO\n  enabled: maybe\n");
  cr_assert_eq(vigil_result_falco_text(c, 0, false, &t), VIGIL_OK);
  cr_assert(strstr(t, "r.yaml: Invalid\n 3 schema warnings: ["), "%s", t);
  cr_assert(strstr(t, "]\n 1 errors: [LOAD_ERR_YAML_VALIDATE (Error "
                      "validating internal structure of YAML file)]"),
            "%s", t);
  free(t);
  vigil_compiler_free(c);
}

Test(schema, falco_text_valid_file_has_no_schema_block) {
  vigil_compiler *c = load_str(RULE_INFO "  priority: INFO\n");
  char *t = NULL;
  cr_assert_eq(vigil_result_falco_text(c, 0, true, &t), VIGIL_OK);
  cr_assert_str_eq(t, "r.yaml: Ok");
  free(t);
  vigil_compiler_free(c);
}

/* a key that is a sequence: yaml-cpp cannot read it, Falco's load fails */
Test(schema, complex_key_fails_the_load_as_in_falco) {
  vigil_compiler *c = load_str("- list: l\n  items: [a]\n  ? [k]\n  : v\n");
  const vigil_load_result *r = vigil_compiler_result(c, 0);
  cr_assert(!r->successful);
  cr_assert_eq(r->nerrors, 1);
  cr_assert_str_eq(r->errors[0].code_name, "LOAD_ERR_YAML_PARSE");
  cr_assert_str_eq(r->errors[0].message,
                   "yaml-cpp: error at line 3, column 5: bad conversion");
  cr_assert_eq(r->errors[0].nlocations, 1);
  cr_assert_eq(r->nschema_status, 0);
  vigil_compiler_free(c);
  /* inside a value the schema does not look into, it is fine */
  c = load_str("- rule: r\n  exceptions:\n    - name: x\n"
               "      values: {[k]: v}\n");
  r = vigil_compiler_result(c, 0);
  for (size_t i = 0; i < r->nerrors; i++)
    cr_assert(!strstr(r->errors[i].message, "bad conversion"));
  cr_assert_str_eq(r->schema_status[0], "ok");
  vigil_compiler_free(c);
}

/* Falco's validator aborts on these (an empty sequence asked for its
 * member count); vigil reads it as an empty object */
Test(schema, empty_sequence_as_object) {
  vigil_compiler *c = load_str("- rule: r\n  override: []\n"
                               "  exceptions: [[]]\n");
  const vigil_load_result *r = vigil_compiler_result(c, 0);
  const char *want[] = {
      "failed for <root>[0][exceptions][0]: Value type not permitted by "
      "'type' constraint.",
      "failed for <root>[0][exceptions][0]: Missing required property "
      "'name'.",
      "failed for <root>[0][exceptions]: Failed to validate item #0 in "
      "array.",
      "failed for <root>[0]: Failed to validate against schema associated "
      "with property name 'exceptions'.",
      "failed for <root>[0][override]: Value type not permitted by 'type' "
      "constraint.",
      "failed for <root>[0][override]: Object should have no fewer than 1 "
      "properties.",
      "failed for <root>[0]: Failed to validate against schema associated "
      "with property name 'override'.",
      "failed for <root>: Failed to validate item #0 in array."};
  cr_assert_eq(r->nschema_status, 8);
  for (size_t i = 0; i < 8; i++)
    cr_assert_str_eq(r->schema_status[i], want[i]);
  vigil_compiler_free(c);
}

Test(schema, lint_warnings_one_per_root_cause) {
  vigil_compiler *c = load_str("- macro: m\n  condition: evt.type = open\n"
                               "  append: yes\n"
                               "- rule: r\n  desc: d\n"
                               "  condition: evt.type = open\n  output: o\n"
                               "  priority: Info\n  enabled: yes\n"
                               "  exceptions:\n    - name: x\n"
                               "      fields: [proc.name]\n"
                               "      valuez: [[a]]\n");
  const vigil_load_result *r = vigil_compiler_result(c, 0);
  const char *want[][2] = {
      {"'append' should be true or false, not 'yes'", "3:11"},
      {"'enabled' should be true or false, not 'yes'", "9:12"},
      {"key 'valuez' is not allowed in an exception", "13:7"},
      {"'priority' should be one of EMERGENCY, ALERT, CRITICAL, ERROR, "
       "WARNING, NOTICE, INFO, INFORMATIONAL or DEBUG, not 'Info'",
       "8:13"}};
  cr_assert_eq(r->nschema_diags, 4);
  for (size_t i = 0; i < 4; i++) {
    const vigil_diag *d = &r->schema_diags[i];
    cr_assert_str_eq(d->code_name, "SCHEMA");
    cr_assert_eq(d->severity, VIGIL_SEV_WARNING);
    cr_assert_str_eq(d->message, want[i][0]);
    char *t = NULL;
    cr_assert_eq(vigil_diag_render_text(c, d, &t), VIGIL_OK);
    char head[64];
    snprintf(head, sizeof head, "r.yaml:%s: warning: ", want[i][1]);
    cr_assert(!strncmp(t, head, strlen(head)), "%s", t);
    free(t);
  }
  cr_assert_str_eq(r->schema_diags[3].notes[0], "did you mean 'INFO'?");
  vigil_compiler_free(c);
}

Test(schema, lint_messages_for_items_and_required) {
  vigil_compiler *c = load_str("- rule: r\n  exceptions:\n    - fields: [a]\n"
                               "- required_plugin_versions:\n"
                               "    - name: p\n      alternatives: [x]\n"
                               "- [a]\n- override: {}\n");
  const vigil_load_result *r = vigil_compiler_result(c, 0);
  const char *want[] = {
      "exception has no 'name'", "alternative should be a mapping, not 'x'",
      "required_plugin_versions entry has no 'version'",
      "rules item should be a mapping, not a sequence", "override has no keys"};
  cr_assert_eq(r->nschema_diags, 5);
  for (size_t i = 0; i < 5; i++)
    cr_assert_str_eq(r->schema_diags[i].message, want[i]);
  vigil_compiler_free(c);
}

/* where the loader already reports a problem, no second diagnostic */
Test(schema, no_double_report) {
  vigil_compiler *c = load_str("- rule: r\n  desc: d\n"
                               "  condition: evt.type = open\n  output: o\n"
                               "  priority: INFO\n  enabled: maybe\n");
  const vigil_load_result *r = vigil_compiler_result(c, 0);
  cr_assert_eq(r->nerrors, 1);
  cr_assert_eq(r->nschema_diags, 0);
  cr_assert(!r->schema_valid);
  vigil_compiler_free(c);
}

/* hostile input: entries and warnings are capped */
Test(schema, caps_on_entries_and_warnings) {
  size_t n = 6000, len = 0;
  char *s = malloc(32 + 4 * n);
  memcpy(s, "- list: l\n  items: [", 20);
  len = 20;
  for (size_t i = 0; i < n; i++) {
    memcpy(s + len, i ? ",[a]" : "[a]", i ? 4 : 3);
    len += i ? 4 : 3;
  }
  memcpy(s + len, "]\n", 2);
  len += 2;
  vigil_compiler *c = load("big.yaml", s, len);
  const vigil_load_result *r = vigil_compiler_result(c, 0);
  cr_assert_eq(r->nschema_status, 20001);
  cr_assert_str_eq(r->schema_status[20000],
                   "vigil: schema check stopped after 20000 entries");
  cr_assert_leq(r->nschema_diags, 500);
  cr_assert(!r->schema_valid);
  free(s);
  vigil_compiler_free(c);
}
