/*
 * test_collector.c - collector semantics across items and files: index and
 * visibility, redefinition, append/override/replace, enable-only items,
 * the "no previous" errors, version requirements; and the load results:
 * location chains, positions, snippets and the JSON shape.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/loader.h"

static vigil_compiler *new_c(void) {
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vigil_compiler *c;
  cr_assert_eq(vigil_compiler_new(&o, &c), VIGIL_OK);
  return c;
}

static vigil_status load(vigil_compiler *c, const char *name, const char *s) {
  return vigil_compiler_load_buffer(c, name, s, strlen(s));
}

static const vigil_diag *first_error(vigil_compiler *c, size_t file) {
  const vigil_load_result *r = vigil_compiler_result(c, file);
  cr_assert_not_null(r);
  cr_assert_geq(r->nerrors, 1);
  return &r->errors[0];
}

Test(collector, index_and_visibility) {
  vigil_compiler *c = new_c();
  load(c, "a.yaml",
       "- list: l1\n  items: [a]\n- list: l2\n  items: [b]\n"
       "- list: l1\n  items: [c]\n  override:\n    items: append\n");
  vg_list_info *l1 = vg_find_list(c, "l1"), *l2 = vg_find_list(c, "l2");
  cr_assert_eq(l1->index, 0);
  cr_assert_eq(l2->index, 1);
  cr_assert_eq(l1->visibility, 2);
  cr_assert_eq(l1->nitems, 2);
  /* the counter runs across files */
  load(c, "b.yaml", "- list: l2\n  items: [x]\n");
  cr_assert_eq(l2->index, 1);
  cr_assert_eq(l2->visibility, 3);
  cr_assert_eq(l2->nitems, 1);
  vigil_compiler_free(c);
}

Test(collector, one_level_list_inclusion) {
  vigil_compiler *c = new_c();
  load(c, "a.yaml",
       "- list: a\n  items: [x, y]\n- list: b\n  items: [a, z]\n"
       "- list: c\n  items: [b, d]\n");
  vg_list_info *b = vg_find_list(c, "b"), *l = vg_find_list(c, "c");
  cr_assert_eq(b->nc, 3);
  cr_assert_str_eq(b->citems[0], "x");
  /* raw items of b are inserted: 'a' stays a word */
  cr_assert_eq(l->nc, 3);
  cr_assert_str_eq(l->citems[0], "a");
  vigil_compiler_free(c);
}

Test(collector, append_without_previous) {
  vigil_compiler *c = new_c();
  cr_assert_eq(
      load(c, "a.yaml", "- macro: m\n  condition: and x\n  append: true\n"),
      VIGIL_E_COMPILE);
  const vigil_diag *d = first_error(c, 0);
  cr_assert_str_eq(d->code_name, "LOAD_ERR_VALIDATE");
  cr_assert_str_eq(d->message,
                   "Macro uses 'append' or 'override.condition: append' but "
                   "no macro by that name already exists");
  cr_assert_eq(d->nlocations, 2);
  cr_assert_str_eq(d->locations[1].item_type, "macro");
  cr_assert_str_eq(d->locations[1].item_name, "m");
  cr_assert_eq(d->locations[1].column, 2);
  cr_assert_str_eq(d->snippet, "- macro: m\n  ^\n");
  vigil_compiler_free(c);
}

Test(collector, macro_append_concatenates) {
  vigil_compiler *c = new_c();
  load(c, "a.yaml",
       "- macro: m\n  condition: a\n- macro: m\n  condition: or b\n"
       "  override:\n    condition: append\n");
  cr_assert_str_eq(vg_find_macro(c, "m")->cond.text, "a or b");
  vigil_compiler_free(c);
}

Test(collector, rule_override_and_enable) {
  vigil_compiler *c = new_c();
  load(c, "a.yaml",
       "- rule: r\n  desc: d\n  condition: evt.type=open\n  output: o\n"
       "  priority: INFO\n  tags: [b, a]\n"
       "- rule: r\n  desc: more\n  priority: ERROR\n  tags: [c, a]\n"
       "  override:\n    desc: append\n    priority: replace\n"
       "    tags: append\n"
       "- rule: r\n  enabled: false\n");
  vg_rule_info *r = vg_find_rule(c, "r");
  cr_assert_str_eq(r->desc, "d more");
  cr_assert_eq(r->priority, 3);
  cr_assert_eq(r->ntags, 3);
  cr_assert_str_eq(r->tags[0], "a");
  cr_assert_str_eq(r->tags[2], "c");
  cr_assert(!r->enabled);
  vigil_compiler_free(c);
}

Test(collector, override_validation_messages) {
  vigil_compiler *c = new_c();
  load(c, "a.yaml",
       "- rule: r\n  desc: d\n  condition: evt.type=open\n  output: o\n"
       "  priority: INFO\n"
       "- rule: r\n  priority: ERROR\n  override:\n    priority: append\n");
  const vigil_diag *d = first_error(c, 0);
  cr_assert_str_eq(d->message,
                   "Key 'priority' cannot be appended to, use 'replace' "
                   "instead");
  cr_assert_str_eq(d->code_name, "LOAD_ERR_YAML_VALIDATE");
  cr_assert_str_eq(d->locations[d->nlocations - 1].item_type, "overrides");
  cr_assert_str_eq(d->locations[d->nlocations - 1].item_name, "priority");
  vigil_compiler_free(c);
}

Test(collector, unexpected_key_without_override_entry) {
  vigil_compiler *c = new_c();
  load(c, "a.yaml",
       "- rule: r\n  desc: d\n  condition: evt.type=open\n  output: o\n"
       "  priority: INFO\n"
       "- rule: r\n  desc: x\n  priority: ERROR\n  override:\n"
       "    desc: replace\n");
  const vigil_diag *d = first_error(c, 0);
  cr_assert_str_eq(d->message, "Unexpected key 'priority': no corresponding "
                               "entry under 'override' is defined.");
  vigil_compiler_free(c);
}

Test(collector, engine_versions) {
  vigil_compiler *c = new_c();
  cr_assert_eq(load(c, "a.yaml", "- required_engine_version: 63\n"), VIGIL_OK);
  cr_assert_eq(load(c, "b.yaml", "- required_engine_version: 0.26.0-rc1\n"),
               VIGIL_OK);
  cr_assert_eq(load(c, "c.yaml", "- required_engine_version: 64\n"),
               VIGIL_E_COMPILE);
  cr_assert_str_eq(first_error(c, 2)->message,
                   "Rules require engine version 0.64.0, but engine version "
                   "is 0.63.0");
  cr_assert_eq(load(c, "d.yaml", "- required_engine_version: seven\n"),
               VIGIL_E_COMPILE);
  cr_assert_str_eq(first_error(c, 3)->code_name, "LOAD_ERR_YAML_VALIDATE");
  cr_assert_eq(c->ev_minor, 63);
  vigil_compiler_free(c);
}

Test(collector, decode_errors_and_locations) {
  vigil_compiler *c = new_c();
  load(c, "a.yaml", "- list: l\n  items: x\n");
  const vigil_diag *d = first_error(c, 0);
  cr_assert_str_eq(d->message, "Value is not a sequence");
  cr_assert_eq(d->nlocations, 3);
  cr_assert_str_eq(d->locations[2].item_type, "value for");
  cr_assert_str_eq(d->locations[2].item_name, "items");
  cr_assert_eq(d->locations[2].line, 1);
  cr_assert_eq(d->locations[2].column, 9);
  cr_assert_eq(d->locations[2].offset, 19);
  cr_assert_str_eq(d->snippet, "  items: x\n         ^\n");
  cr_assert(d->span.valid);
  cr_assert_eq(d->span.start, 19);
  vigil_compiler_free(c);
}

Test(collector, json_shape) {
  vigil_compiler *c = new_c();
  load(c, "a.yaml", "foo: bar\n");
  char *s = NULL;
  cr_assert_eq(vigil_results_json(c, &s), VIGIL_OK);
  cr_assert_str_eq(
      s,
      "{\"falco_load_results\":[{\"errors\":[{\"code\":\"LOAD_ERR_YAML_"
      "VALIDATE\",\"codedesc\":\"Error validating internal structure of YAML "
      "file\",\"context\":{\"locations\":[{\"item_name\":\"\",\"item_type\":"
      "\"rules content\",\"position\":{\"column\":0,\"line\":0,\"name\":"
      "\"a.yaml\",\"offset\":0}}],\"snippet\":\"foo: bar\\n^\\n\"},"
      "\"message\":\"Rules content is not yaml array of objects\"}],\"name\":"
      "\"a.yaml\",\"schema_valid\":false,\"schema_warnings\":[\"failed "
      "for <root>: Value type not permitted by 'type' constraint.\"],"
      "\"successful\":false,\"warnings\":[]}]}");
  free(s);
  vigil_compiler_free(c);
}

Test(collector, snippet_cuts_long_lines) {
  vigil_compiler *c = new_c();
  char buf[400];
  memset(buf, 0, sizeof buf);
  snprintf(buf, sizeof buf, "- rule: r\n  desc: ");
  size_t n = strlen(buf);
  memset(buf + n, 'x', 200);
  snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
           "\n  condition: \"\"\n");
  load(c, "a.yaml", buf);
  const vigil_diag *d = first_error(c, 0);
  cr_assert_str_eq(d->message, "Value must be non-empty");
  vigil_compiler_free(c);
}

Test(collector, condition_expression_position_quirk) {
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  const char *src[] = {"syscall"};
  o.sources = src;
  o.nsources = 1;
  vigil_compiler *c;
  cr_assert_eq(vigil_compiler_new(&o, &c), VIGIL_OK);
  load(c, "ex1.yaml",
       "- rule: r1\n  desc: d\n  condition: evt.type = open and proc.nme = "
       "cat\n  output: o\n  priority: INFO\n");
  const vigil_diag *d = first_error(c, 0);
  cr_assert_str_eq(d->code_name, "LOAD_ERR_COMPILE_CONDITION");
  cr_assert_str_eq(d->message,
                   "filter_check called with nonexistent field proc.nme");
  cr_assert_eq(d->nlocations, 4);
  const vigil_location *l = &d->locations[3];
  cr_assert_str_eq(l->item_type, "condition expression");
  cr_assert_str_eq(l->name, "\"evt.type = open a...\"");
  cr_assert_eq(l->offset, 54);
  cr_assert_eq(l->line, 3);
  cr_assert_eq(l->column, 34);
  cr_assert_str_eq(d->snippet, "evt.type = open and proc.nme = cat\n"
                               "                                 ^\n");
  /* vigil's own span: the field token in the file */
  cr_assert(d->span.valid);
  cr_assert_eq(d->span.start, 54);
  cr_assert_eq(d->span.end, 62);
  vigil_compiler_free(c);
}

Test(collector, all_errors_continues) {
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  o.all_errors = true;
  vigil_compiler *c;
  cr_assert_eq(vigil_compiler_new(&o, &c), VIGIL_OK);
  load(c, "a.yaml",
       "- list: l\n  items: x\n- macro: m\n  condition: a\n  append: true\n"
       "- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n"
       "  priority: LOUD\n");
  const vigil_load_result *r = vigil_compiler_result(c, 0);
  cr_assert_eq(r->nerrors, 3);
  cr_assert_str_eq(r->errors[2].message, "Invalid priority");
  vigil_compiler_free(c);
  /* Falco's mode stops at the first */
  c = new_c();
  load(c, "a.yaml",
       "- list: l\n  items: x\n- macro: m\n  condition: a\n  append: true\n");
  cr_assert_eq(vigil_compiler_result(c, 0)->nerrors, 1);
  vigil_compiler_free(c);
}

Test(collector, plugin_requirements) {
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vigil_plugin_spec pl[] = {{"k8saudit", "0.5.0"}};
  o.plugins = pl;
  o.nplugins = 1;
  o.no_plugins = true;
  vigil_compiler *c;
  cr_assert_eq(vigil_compiler_new(&o, &c), VIGIL_OK);
  cr_assert_eq(load(c, "a.yaml",
                    "- required_plugin_versions:\n  - name: k8saudit\n"
                    "    version: 0.6.0\n"),
               VIGIL_OK);
  cr_assert_eq(vigil_compiler_finish(c), VIGIL_E_COMPILE);
  cr_assert_str_eq(first_error(c, 0)->message,
                   "Plugin 'k8saudit' version '0.5.0' is not compatible with "
                   "required plugin version '0.6.0'");
  vigil_compiler_free(c);
}
