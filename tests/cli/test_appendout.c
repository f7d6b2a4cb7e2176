/*
 * test_appendout.c - Falco's append_output: the -o syntax
 * (cli/appendout.c), the loader's matching and output building
 * (load/compile.c), the describe details, and the pack's XFIELD section.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "back/pack_rules.h"
/* the CLI's sources live in the executable only: built in here */
#include "cli/appendout.c"
#include "load/loader.h"
#include "util/alloc.h"
#include "vigil/program.h"

static const char RULES[] =
    "- rule: legit_rule\n"
    "  desc: d\n"
    "  condition: evt.type=open\n"
    "  output: out 1\n"
    "  priority: INFO\n"
    "  tags: [tag1]\n"
    "- rule: another_rule\n"
    "  desc: d\n"
    "  condition: evt.type=open\n"
    "  output: out 2\n"
    "  priority: INFO\n"
    "  tags: [tag1]\n"
    "- rule: a_third_rule\n"
    "  desc: d\n"
    "  condition: evt.type=open\n"
    "  output: out 3\n"
    "  priority: INFO\n"
    "  tags: [tag1, tag2]\n";

static int opt(vg_aout *ao, const char *kv) {
  char err[256];
  return vg_aout_option(ao, kv, err, sizeof err);
}

/* Compiles RULES (syscall only, no plugins) with the list in ao. */
static vigil_compiler *compile(const vg_aout *ao) {
  static const char *const src[] = {"syscall"};
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  o.sources = src;
  o.nsources = 1;
  o.no_plugins = true;
  vg_aout_fill(ao, &o);
  vigil_compiler *c;
  cr_assert_eq(vigil_compiler_new(&o, &c), VIGIL_OK);
  vigil_compiler_load_buffer(c, "r.yaml", RULES, strlen(RULES));
  return c;
}

static json_t *rule_details(vigil_compiler *c, const char *name) {
  char *s = NULL;
  cr_assert_eq(vigil_compiler_describe_json(c, &s), VIGIL_OK);
  json_t *d = json_loads(s, 0, NULL);
  free(s);
  cr_assert_not_null(d);
  json_t *rules = json_object_get(d, "rules"), *r;
  size_t i;
  json_array_foreach(rules, i, r) {
    json_t *info = json_object_get(r, "info");
    if (!strcmp(json_string_value(json_object_get(info, "name")), name)) {
      json_t *det = json_incref(json_object_get(r, "details"));
      json_decref(d);
      return det;
    }
  }
  cr_assert_fail("no rule %s", name);
  return NULL;
}

static void expect_output(vigil_compiler *c, const char *rule,
                          const char *want) {
  json_t *det = rule_details(c, rule);
  cr_assert_str_eq(
      json_string_value(json_object_get(det, "output_compiled")), want);
  json_decref(det);
}

Test(appendout, key_recognition) {
  cr_assert(vg_aout_is_key("append_output=x"));
  cr_assert(vg_aout_is_key("append_output[]={}"));
  cr_assert(vg_aout_is_key("append_output[0].extra_output=x"));
  cr_assert_not(vg_aout_is_key("append_outputs=x"));
  cr_assert_not(vg_aout_is_key("priority=x"));
}

Test(appendout, falco_syntax_builds_entries) {
  vg_aout ao;
  vg_aout_init(&ao);
  /* the default entry, then three appended ones */
  cr_assert_eq(opt(&ao, "append_output[]={match: {tags: [tag1]}, "
                        "extra_output: \"extra 1\"}"),
               0);
  cr_assert_eq(opt(&ao, "append_output[].match.rule=another_rule"), 0);
  cr_assert_eq(opt(&ao, "append_output[2].extra_output=extra 2"), 0);
  cr_assert_eq(opt(&ao, "append_output[].match.tags[]=tag1"), 0);
  cr_assert_eq(opt(&ao, "append_output[3].match.tags[]=tag2"), 0);
  cr_assert_eq(opt(&ao, "append_output[3].extra_output=extra 3"), 0);
  cr_assert_eq(ao.n, 4);
  cr_assert(ao.v[0].suggested_output);
  cr_assert_eq(ao.v[3].ntags, 2);
  /* replacing the default entry: the engine test's exact list */
  cr_assert_eq(opt(&ao, "append_output[0]={extra_output: \"\"}"), 0);
  cr_assert_not(ao.v[0].suggested_output);
  vigil_compiler *c = compile(&ao);
  expect_output(c, "legit_rule", "out 1 extra 1");
  expect_output(c, "another_rule", "out 2 extra 1 extra 2");
  expect_output(c, "a_third_rule", "out 3 extra 1 extra 3");
  vigil_compiler_free(c);
  vg_aout_fini(&ao);
}

Test(appendout, tag_list_as_falco_warns) {
  vg_aout ao;
  vg_aout_init(&ao);
  cr_assert_eq(opt(&ao, "append_output[]={match: {rule: r, tags: [b, a, b]}}"),
               0);
  char t[64];
  vg_aout_tag_list(&ao.v[1], t, sizeof t);
  cr_assert_str_eq(t, "a, b,");
  vg_aout_tag_list(&ao.v[0], t, sizeof t);
  cr_assert_str_eq(t, "");
  vg_aout_fini(&ao);
}

Test(appendout, bad_forms_are_errors) {
  vg_aout ao;
  vg_aout_init(&ao);
  cr_assert_lt(opt(&ao, "append_output[5].extra_output=x"), 0);
  cr_assert_lt(opt(&ao, "append_output[]=just text"), 0);
  cr_assert_lt(opt(&ao, "append_output[].nope=1"), 0);
  cr_assert_lt(opt(&ao, "append_output[].suggested_output=maybe"), 0);
  cr_assert_lt(opt(&ao, "append_output[]={extra_fields: x}"), 0);
  cr_assert_lt(opt(&ao, "append_output[]={extra_fields: [a, {a: b}]}"), 0);
  cr_assert_lt(opt(&ao, "append_output[]={extra_output: [1]}"), 0);
  cr_assert_lt(opt(&ao, "append_output[x]=1"), 0);
  cr_assert_lt(opt(&ao, "append_output.x=1"), 0);
  vg_aout_fini(&ao);
}

Test(appendout, plain_text_form_matches_every_rule) {
  vg_aout ao;
  vg_aout_init(&ao);
  cr_assert_eq(opt(&ao, "append_output=evt.type=%evt.type"), 0);
  cr_assert_eq(ao.n, 2); /* the default entry stays */
  vigil_compiler *c = compile(&ao);
  expect_output(c, "another_rule", "out 2 evt.type=%evt.type");
  vigil_compiler_free(c);
  vg_aout_fini(&ao);
}

Test(appendout, extra_fields_in_describe_and_pack) {
  vg_aout ao;
  vg_aout_init(&ao);
  cr_assert_eq(opt(&ao, "append_output[0]={match: {rule: a_third_rule}, "
                        "extra_fields: [{my_field: \"hello %evt.num\"}, "
                        "proc.name]}"),
               0);
  vigil_compiler *c = compile(&ao);
  json_t *det = rule_details(c, "a_third_rule");
  json_t *xff = json_object_get(det, "extra_output_formatted_fields");
  cr_assert_eq(json_object_size(xff), 1);
  cr_assert_str_eq(json_string_value(json_object_get(xff, "my_field")),
                   "hello %evt.num");
  json_t *of = json_object_get(det, "output_fields");
  cr_assert_str_eq(json_string_value(json_array_get(of, 0)),
                   "hello %evt.num");
  cr_assert_str_eq(json_string_value(json_array_get(of, 1)), "%proc.name");
  json_decref(det);
  det = rule_details(c, "legit_rule");
  cr_assert_null(json_object_get(det, "extra_output_formatted_fields"));
  json_decref(det);

  uint8_t *b = NULL;
  size_t n = 0, nr = 0;
  char err[256];
  cr_assert_eq(vg_pack_rules(c, false, &b, &n, &nr, err, sizeof err),
               VIGIL_OK, "%s", err);
  vigil_program *p = NULL;
  cr_assert_eq(vigil_program_load(b, n, NULL, NULL, &p, err, sizeof err),
               VIGIL_OK, "%s", err);
  size_t found = 0;
  for (size_t i = 0; i < vigil_program_nrules(p); i++) {
    vigil_rule_info ri;
    vigil_program_rule(p, i, &ri);
    size_t k = vigil_program_rule_nxfields(p, i);
    if (strcmp(ri.name, "a_third_rule")) {
      cr_assert_eq(k, 0);
      continue;
    }
    cr_assert_eq(k, 2);
    const char *fmt;
    bool raw;
    cr_assert_str_eq(vigil_program_rule_xfield(p, i, 0, &fmt, &raw),
                     "my_field");
    cr_assert_str_eq(fmt, "hello %evt.num");
    cr_assert_not(raw);
    cr_assert_str_eq(vigil_program_rule_xfield(p, i, 1, &fmt, &raw),
                     "proc.name");
    cr_assert_str_eq(fmt, "%proc.name");
    cr_assert(raw);
    cr_assert_null(vigil_program_rule_xfield(p, i, 2, &fmt, &raw));
    found++;
  }
  cr_assert_eq(found, 1);
  vigil_program_free(p);
  vg_free(b);
  vigil_compiler_free(c);
  vg_aout_fini(&ao);
}

Test(appendout, bad_extra_field_format_fails_the_rule) {
  vg_aout ao;
  vg_aout_init(&ao);
  cr_assert_eq(opt(&ao, "append_output[]={match: {rule: legit_rule}, "
                        "extra_fields: [{f: \"%nope.nope\"}]}"),
               0);
  vigil_compiler *c = compile(&ao);
  const vigil_load_result *r = vigil_compiler_result(c, 0);
  cr_assert_not_null(r);
  cr_assert_eq(r->nerrors, 1);
  cr_assert_str_eq(r->errors[0].code_name, "LOAD_ERR_COMPILE_OUTPUT");
  vigil_compiler_free(c);
  vg_aout_fini(&ao);
}

/* vigil run: the text output gets extra_output, the JSON output_fields
 * the extra fields, sorted with the others; a compiled pack carries them. */
static char *run_cmd(const char *cmd) {
  FILE *f = popen(cmd, "r");
  cr_assert_not_null(f);
  static char out[1 << 16];
  size_t n = fread(out, 1, sizeof out - 1, f);
  out[n] = 0;
  pclose(f);
  return out;
}

Test(appendout, run_json_output_fields) {
  char cap[512], cmd[2048];
  snprintf(cap, sizeof cap, "%s/conformance/captures/cat_write.scap",
           VIGIL_SHARED_DIR);
  FILE *t = fopen(cap, "rb");
  if (!t)
    cr_skip_test("no conformance captures");
  fclose(t);
  char rules[] = "/tmp/vigil-aout-XXXXXX.yaml";
  int fd = mkstemps(rules, 5);
  cr_assert_geq(fd, 0);
  const char *r = "- rule: open_it\n  desc: d\n"
                  "  condition: evt.type in (open, openat, openat2)\n"
                  "  output: opened %fd.name\n  priority: INFO\n"
                  "  tags: [t1]\n";
  cr_assert_eq(write(fd, r, strlen(r)), (ssize_t)strlen(r));
  close(fd);
  const char *ao = "-o 'append_output[0]={match: {tags: [t1]}, "
                   "extra_output: \"pid=%proc.pid\", extra_fields: "
                   "[{my_f: \"hello %proc.name\"}, proc.pid]}'";
  snprintf(cmd, sizeof cmd,
           "%s run -o json_output=true %s --rules %s -- %s 2>/dev/null",
           VIGIL_BINARY, ao, rules, cap);
  char *out = run_cmd(cmd);
  char *nl = strchr(out, '\n');
  cr_assert_not_null(nl, "no alert: %s", out);
  *nl = 0;
  json_t *j = json_loads(out, 0, NULL);
  cr_assert_not_null(j, "%s", out);
  const char *o = json_string_value(json_object_get(j, "output"));
  cr_assert_not_null(strstr(o, "opened /etc/ld.so.cache pid=20072"), "%s", o);
  json_t *of = json_object_get(j, "output_fields");
  cr_assert_str_eq(json_string_value(json_object_get(of, "my_f")),
                   "hello cat");
  cr_assert_eq(json_integer_value(json_object_get(of, "proc.pid")), 20072);
  /* keys in byte order, as Falco's ordered map prints them */
  cr_assert_lt(strstr(out, "\"fd.name\""), strstr(out, "\"my_f\""));
  cr_assert_lt(strstr(out, "\"my_f\""), strstr(out, "\"proc.pid\""));
  json_decref(j);
  /* the same through a pack */
  char pack[] = "/tmp/vigil-aout-XXXXXX.vpk";
  fd = mkstemps(pack, 4);
  cr_assert_geq(fd, 0);
  close(fd);
  snprintf(cmd, sizeof cmd, "%s compile %s -o %s %s 2>/dev/null && "
           "%s run -o json_output=true --pack %s -- %s 2>/dev/null",
           VIGIL_BINARY, ao, pack, rules, VIGIL_BINARY, pack, cap);
  char *out2 = run_cmd(cmd);
  cr_assert_not_null(strstr(out2, "\"my_f\":\"hello cat\""), "%s", out2);
  cr_assert_not_null(strstr(out2, "pid=20072"), "%s", out2);
  unlink(pack);
  unlink(rules);
}
