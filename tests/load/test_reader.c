/*
 * test_reader.c - the rules-file YAML reader: marks, null rules, yaml-cpp
 * booleans and integers, multi-document streams, offset maps of folded and
 * literal scalars, yaml-cpp error wording.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "load/yaml.h"
#include "util/buf.h"

static vg_ydocs load(vg_arena *a, const char *s) {
  vg_ydocs d;
  vg_yerror e;
  cr_assert_eq(vg_yaml_load(a, s, strlen(s), &d, &e), VIGIL_OK, "%s", e.msg);
  return d;
}

Test(reader, marks_are_zero_based) {
  vg_arena a;
  vg_arena_init(&a);
  vg_ydocs d = load(&a, "- rule: r1\n  desc: d\n");
  cr_assert_eq(d.n, 1);
  vg_ynode *seq = d.docs[0];
  cr_assert_eq(seq->kind, VG_Y_SEQ);
  vg_ynode *item = seq->kids[0];
  cr_assert_eq(item->kind, VG_Y_MAP);
  cr_assert_eq(item->mark.line, 0);
  cr_assert_eq(item->mark.col, 2);
  cr_assert_eq(item->mark.off, 2);
  vg_ynode *desc = vg_ymap_get(item, "desc");
  cr_assert_str_eq(desc->str, "d");
  cr_assert_eq(desc->mark.line, 1);
  cr_assert_eq(desc->mark.col, 8);
  vg_arena_fini(&a);
}

Test(reader, nulls_follow_yaml_cpp) {
  vg_arena a;
  vg_arena_init(&a);
  vg_ydocs d = load(&a, "- a:\n  b: ~\n  c: null\n  d: \"\"\n  e: 'null'\n-\n");
  vg_ynode *m = d.docs[0]->kids[0];
  cr_assert_eq(vg_ymap_get(m, "a")->kind, VG_Y_NULL);
  cr_assert_eq(vg_ymap_get(m, "b")->kind, VG_Y_NULL);
  cr_assert_eq(vg_ymap_get(m, "c")->kind, VG_Y_NULL);
  cr_assert_eq(vg_ymap_get(m, "d")->kind, VG_Y_SCALAR);
  cr_assert_eq(vg_ymap_get(m, "e")->kind, VG_Y_SCALAR);
  cr_assert_eq(d.docs[0]->kids[1]->kind, VG_Y_NULL);
  vg_arena_fini(&a);
}

Test(reader, multi_document_and_empty_documents) {
  vg_arena a;
  vg_arena_init(&a);
  /* like yaml-cpp's LoadAll, loading stops at the first null document */
  vg_ydocs d = load(&a, "---\n- list: a\n  items: []\n---\n---\n- macro: m\n");
  cr_assert_eq(d.n, 2);
  cr_assert_eq(d.docs[1]->kind, VG_Y_NULL);
  d = load(&a, "- list: a\n---\n- macro: m\n--- ~\n- [\n");
  cr_assert_eq(d.n, 3);
  cr_assert_eq(d.docs[1]->kind, VG_Y_SEQ);
  /* a "..." before any document is yaml-cpp's empty first document */
  d = load(&a, "# c\n...\n---\n- list: a\n- [\n");
  cr_assert_eq(d.n, 0);
  vg_arena_fini(&a);
}

Test(reader, bare_equals_list_item) {
  vg_arena a;
  vg_arena_init(&a);
  vg_ydocs d = load(&a, "- comps: [=, in]\n");
  vg_ynode *c = vg_ymap_get(d.docs[0]->kids[0], "comps");
  cr_assert_eq(c->n, 2);
  cr_assert_str_eq(c->kids[0]->str, "=");
  vg_arena_fini(&a);
}

Test(reader, booleans_and_integers) {
  bool b;
  cr_assert(vg_yaml_bool("yes", &b) && b);
  cr_assert(vg_yaml_bool("True", &b) && b);
  cr_assert(vg_yaml_bool("OFF", &b) && !b);
  cr_assert(!vg_yaml_bool("tRUE", &b));
  cr_assert(!vg_yaml_bool("1", &b));
  uint32_t u;
  cr_assert(vg_yaml_u32("63", &u) && u == 63);
  cr_assert(!vg_yaml_u32("-1", &u));
  cr_assert(!vg_yaml_u32("0.63.0", &u));
  cr_assert(!vg_yaml_u32("4294967296", &u));
}

Test(reader, folded_scalar_offset_map) {
  vg_arena a;
  vg_arena_init(&a);
  const char *src = "- c: >\n    evt.type = close and\n    proc.nme = x\n";
  vg_ydocs d = load(&a, src);
  vg_ynode *c = vg_ymap_get(d.docs[0]->kids[0], "c");
  cr_assert_str_eq(c->str, "evt.type = close and proc.nme = x\n");
  cr_assert_not_null(c->omap);
  const char *p = strstr(c->str, "proc.nme");
  size_t off = c->omap[p - c->str];
  cr_assert_eq(strncmp(src + off, "proc.nme", 8), 0);
  vg_arena_fini(&a);
}

Test(reader, literal_scalar_offset_map) {
  vg_arena a;
  vg_arena_init(&a);
  const char *src = "- c: |\n    a = 1\n      and b\n";
  vg_ydocs d = load(&a, src);
  vg_ynode *c = vg_ymap_get(d.docs[0]->kids[0], "c");
  cr_assert_str_eq(c->str, "a = 1\n  and b\n");
  const char *p = strstr(c->str, "b");
  cr_assert_eq(src[c->omap[p - c->str]], 'b');
  cr_assert_eq(c->omap[p - c->str], (uint32_t)(strrchr(src, 'b') - src));
  vg_arena_fini(&a);
}

Test(reader, double_quoted_escapes_have_no_map) {
  vg_arena a;
  vg_arena_init(&a);
  vg_ydocs d = load(&a, "- c: \"a\\tb\"\n");
  vg_ynode *c = vg_ymap_get(d.docs[0]->kids[0], "c");
  cr_assert_null(c->omap);
  vg_arena_fini(&a);
}

Test(reader, yaml_cpp_error_text) {
  vg_arena a;
  vg_arena_init(&a);
  const char *s = "this : is : not : yaml";
  vg_ydocs d;
  vg_yerror e;
  cr_assert_eq(vg_yaml_load(&a, s, strlen(s), &d, &e), VIGIL_E_SYNTAX);
  cr_assert_str_eq(e.msg,
                   "yaml-cpp: error at line 1, column 11: illegal map value");
  vg_arena_fini(&a);
}

Test(reader, limits) {
  vg_arena a;
  vg_arena_init(&a);
  vg_ydocs d;
  vg_yerror e;
  /* flow nesting past the depth limit is refused before parsing */
  size_t n = 3 * VG_YAML_MAX_DEPTH;
  char *deep = malloc(2 * n + 1);
  memset(deep, '[', n);
  memset(deep + n, ']', n);
  deep[2 * n] = 0;
  cr_assert_eq(vg_yaml_load(&a, deep, 2 * n, &d, &e), VIGIL_E_SYNTAX);
  cr_assert(strstr(e.msg, "YAML depth limit"));
  free(deep);
  /* brackets inside quotes and comments do not count */
  const char *ok = "- a: '[[[[[[[[[['\n# [[[[[[[[[[\n";
  cr_assert_eq(vg_yaml_load(&a, ok, strlen(ok), &d, &e), VIGIL_OK);
  /* aliases are shared, not copied: a "billion laughs" loads at once */
  vg_buf b;
  vg_buf_init(&b);
  vg_buf_puts(&b, "a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
  for (int i = 1; i < 12; i++) {
    vg_buf_printf(&b, "a%d: &a%d [", i, i);
    for (int k = 0; k < 10; k++)
      vg_buf_printf(&b, "%s*a%d", k ? "," : "", i - 1);
    vg_buf_puts(&b, "]\n");
  }
  cr_assert_eq(vg_yaml_load(&a, b.ptr, b.len, &d, &e), VIGIL_OK);
  vg_buf_fini(&b);
  const char *cyc = "- &a [*a]\n";
  cr_assert_eq(vg_yaml_load(&a, cyc, strlen(cyc), &d, &e), VIGIL_E_SYNTAX);
  vg_arena_fini(&a);
}
