/*
 * test_parser.c - unit tests of the condition parser (vg_parse_condition,
 * vg_parse_operand): tree shape, Falco quirks, escapes, exact error
 * messages at libsinsp's positions (the table was produced by running
 * libsinsp's parser on the same inputs), the depth cap, and long flat
 * chains.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "ast_util.h"
#include "util/alloc.h"

static vg_arena arena;
static vg_buf out;

static void setup(void) {
  vg_arena_init(&arena);
  vg_buf_init(&out);
}

static void teardown(void) {
  vg_buf_fini(&out);
  vg_arena_fini(&arena);
}

TestSuite(parser, .init = setup, .fini = teardown);

/* Parses s (length n) and returns the canonical printing, or "ERR <msg>
 * @idx:line:col". */
static const char *pn(const char *s, size_t n) {
  vg_node *root = NULL;
  vg_parse_error err;
  vg_buf_reset(&out);
  vigil_status st = vg_parse_condition(&arena, s, n, &root, &err);
  if (st != VIGIL_OK)
    vg_buf_printf(&out, "ERR %s @%u:%u:%u", err.msg, (unsigned)err.pos.idx,
                  (unsigned)err.pos.line, (unsigned)err.pos.col);
  else
    vg_ast_print(&out, root);
  return vg_buf_str(&out);
}

static const char *p(const char *s) {
  return pn(s, strlen(s));
}

static vg_node *tree(const char *s) {
  vg_node *root = NULL;
  vg_parse_error err;
  vigil_status st = vg_parse_condition(&arena, s, strlen(s), &root, &err);
  cr_assert_eq(st, VIGIL_OK, "%s: %s", s, err.msg);
  return root;
}

static const char *positions(const char *s) {
  vg_node *root = tree(s);
  vg_buf_reset(&out);
  tu_positions(&out, root);
  return vg_buf_str(&out);
}

Test(parser, precedence_and_shape) {
  cr_expect_str_eq(p("not a and b or c"), "((not a and b) or c)");
  cr_expect_str_eq(p("a or b and c"), "(a or (b and c))");
  cr_expect_str_eq(p("a and b and c"), "(a and b and c)");
  cr_expect_str_eq(p("(a and b) and c"), "((a and b) and c)");
  cr_expect_str_eq(p("((a))"), "a");
  cr_expect_str_eq(p("a and(b)"), "(a and b)");
  cr_expect_str_eq(p("(a)or(b)or(c)"), "(a or b or c)");
  vg_node *n = tree("a and b and c or d");
  cr_expect_eq(n->kind, VG_N_OR);
  cr_expect_eq(n->nkids, 2);
  cr_expect_eq(n->kids[0]->kind, VG_N_AND);
  cr_expect_eq(n->kids[0]->nkids, 3);
}

Test(parser, not_parity) {
  cr_expect_str_eq(p("not not a"), "a");
  cr_expect_str_eq(p("not not not a"), "not a");
  cr_expect_str_eq(p("not not not not not(not not(not not_macro))"),
                   "not not not_macro");
  cr_expect_str_eq(p("a and not"), "(a and not)"); /* macro named not */
  cr_expect_str_eq(p("notb"), "notb");
  cr_expect_str_eq(p("not\x0b(a)"), "not a"); /* VT counts after not */
}

Test(parser, keyword_prefix_quirks) {
  cr_expect_str_eq(p("proc.name inx"), "proc.name in x");
  cr_expect_str_eq(p("proc.name existsand m"), "(proc.name exists and m)");
  cr_expect_str_eq(p("macro and and_macro"), "(macro and and_macro)");
  cr_expect_str_eq(p("a or(b) or c"), "(a or b or c)");
  /* after "or(...)" only "or" may follow */
  cr_expect_str_eq(p("a or(b) and c"),
                   "ERR unexpected token after ')', expecting 'or', 'and' "
                   "@8:1:9");
  cr_expect_str_eq(p("a or (b) and c"), "(a or (b and c))");
}

Test(parser, values_and_operators) {
  cr_expect_str_eq(p("fd.name=*.log"), "fd.name = *.log");
  cr_expect_str_eq(p("a.b == x"), "a.b == x");
  cr_expect_str_eq(p("fd.num>=0"), "fd.num >= 0");
  cr_expect_str_eq(p("a.b > 0XaB"), "a.b > 0XaB");
  cr_expect_str_eq(p("a.b < -1.5e+3"), "a.b < -1.5e+3");
  cr_expect_str_eq(p("a.b > 1e5"),
                   "ERR unexpected token after '1', expecting 'or', 'and' "
                   "@7:1:8");
  cr_expect_str_eq(p("a.b = proc.pname"), "a.b = proc.pname");
  cr_expect_str_eq(p("a.b in(x,y)"), "a.b in (x, y)");
  cr_expect_str_eq(p("a.b in ()"), "a.b in ()");
  cr_expect_str_eq(p("a.b pmatch my_list"), "a.b pmatch my_list");
  cr_expect_str_eq(p("a.b regex a\\.b[0-9]*"), "a.b regex \"a\\\\.b[0-9]*\"");
  cr_expect_str_eq(p("a.b = \"\""), "a.b = ");
}

Test(parser, modifiers_backtrack) {
  cr_expect_str_eq(p("a.b == oneof (x, y)"), "a.b == oneof (x, y)");
  cr_expect_str_eq(p("a.b startswith anyof (x)"), "a.b startswith anyof (x)");
  cr_expect_str_eq(p("a.b != allof lst"), "a.b != allof lst");
  cr_expect_str_eq(p("a.b == oneof"), "a.b == oneof");
  cr_expect_str_eq(p("a.b == oneof and c"), "(a.b == oneof and c)");
  cr_expect_str_eq(p("a.b == oneof oneof"), "a.b == oneof oneof");
  cr_expect_str_eq(p("a.b == oneof_x"), "a.b == oneof_x");
  vg_node *n = tree("a.b contains oneof (x)");
  cr_expect_eq(n->kind, VG_N_BINARY);
  cr_expect_eq(n->op, VG_OP_CONTAINS);
  cr_expect_eq(n->mod, VG_MOD_ONEOF);
  cr_expect_eq(n->kids[1]->kind, VG_N_LIST);
}

Test(parser, transformers) {
  cr_expect_str_eq(p("toupper(b64(x.y)) = a"), "toupper(b64(x.y)) = a");
  cr_expect_str_eq(p("len(join(\"-\", (fd.name, fd.directory))) > 5"),
                   "len(join(-,(fd.name,fd.directory))) > 5");
  cr_expect_str_eq(p("getopt(proc.args, \"nt:\")[t] = v"),
                   "getopt(proc.args,nt:)[t] = v");
  cr_expect_str_eq(p("a.b = val(c.d)"), "a.b = val(c.d)");
  cr_expect_str_eq(p("a.b in tolower(c.d)"), "a.b in tolower(c.d)");
  cr_expect_str_eq(p("concat( a.b , 'x' , 12 ) = y"), "concat(a.b,x,12) = y");
  vg_node *n = tree("join(\",\", (a.b, 1)) exists");
  vg_node *t = n->kids[0];
  cr_expect_eq(t->kind, VG_N_TRANSFORMER);
  cr_expect_eq(t->tr, VG_TR_JOIN);
  cr_expect_eq(t->nkids, 2);
  cr_expect_eq(t->kids[1]->kind, VG_N_TLIST);
  cr_expect_eq(t->kids[1]->nkids, 2);
}

Test(parser, field_arguments) {
  vg_node *n = tree("evt.arg[\"x y\"] = 1");
  vg_node *f = n->kids[0];
  cr_expect(f->has_arg);
  cr_expect_str_eq(f->arg.ptr, "x y");
  cr_expect_str_eq(p("evt.arg[\"x y\"] = 1"), "evt.arg[\"x y\"] = 1");
  cr_expect_str_eq(p("jevt.value[/a/b] = 1"), "jevt.value[/a/b] = 1");
  cr_expect_str_eq(p("k8s.pod.label[app] = x"), "k8s.pod.label[app] = x");
  cr_expect_str_eq(p("a.b[\"\"] = x"), "a.b[\"\"] = x");
  n = tree("evt.arg.fd = 3");
  cr_expect_str_eq(n->kids[0]->str.ptr, "evt.arg.fd");
  cr_expect_not(n->kids[0]->has_arg);
}

Test(parser, quoted_strings_and_escapes) {
  vg_node *n = tree("a.b = \"x\\x41\\ty\\ \\/\"");
  cr_expect_eq(n->kids[1]->str.len, 6);
  cr_expect_eq(memcmp(n->kids[1]->str.ptr, "xA\ty\\/", 6), 0);
  cr_expect_str_eq(p("a.b = 'say \"hi\"'"), "a.b = \"say \\\"hi\\\"\"");
  cr_expect_str_eq(p("a.b = \"it's\""), "a.b = \"it's\"");
  /* NUL from \x00 is kept in the value */
  n = tree("a.b = \"a\\x00b\"");
  cr_expect_eq(n->kids[1]->str.len, 3);
  /* a string spans lines */
  cr_expect_str_eq(p("a.b = 'x\ny'"), "a.b = \"x\\ny\"");
}

Test(parser, blanks) {
  cr_expect_str_eq(pn("a\band b", 7), "(a and b)");
  cr_expect_str_eq(p(" \t\r\n a \r\n"), "a");
  cr_expect_str_eq(p("a\vand b"),
                   "ERR unexpected token after 'a', expecting 'or', 'and' "
                   "@1:1:2");
}

Test(parser, crlf_positions) {
  vg_pos end;
  vg_node *root;
  vg_parse_error err;
  const char *s = "a \r\n and \n  b";
  cr_assert_eq(
      vg_parse_condition_ex(&arena, s, strlen(s), 1000, &root, &end, &err),
      VIGIL_OK);
  cr_expect_eq(end.idx, 13);
  cr_expect_eq(end.line, 4);
  cr_expect_eq(end.col, 4);
  cr_expect_str_eq(positions(s), "and0 1 1identifier0 1 1identifier12 4 3");
}

Test(parser, node_positions) {
  cr_expect_str_eq(positions("  a or b"),
                   "or0 1 1identifier2 1 3identifier7 1 8");
  cr_expect_str_eq(positions("(  a or b)"),
                   "or3 1 4identifier3 1 4identifier8 1 9");
  cr_expect_str_eq(positions("not \b a.b exists"),
                   "not0 1 1unary4 1 5field4 1 5");
  cr_expect_str_eq(positions("concat(a.b,  c.d, (e.f, 'x')) exists"),
                   "unary0 1 1transformer0 1 1field7 1 8field11 1 12"
                   "transformer_list17 1 18");
  cr_expect_str_eq(positions("x.y = val( a.b )"),
                   "binary0 1 1field0 1 1transformer6 1 7field11 1 12");
}

static const struct {
  const char *in;
  const char *msg;
  unsigned idx, line, col;
} errors[] = {
    {"a andb", "expected blank or '(' after 'and'", 5, 1, 6},
    {"aand b", "unexpected token after 'aand', expecting 'or', 'and'", 5, 1, 6},
    {"a and b and", "expected blank or '(' after 'and'", 11, 1, 12},
    {"and a", "unexpected token after 'and', expecting 'or', 'and'", 4, 1, 5},
    {"a or b not", "unexpected token after 'b', expecting 'or', 'and'", 7, 1,
     8},
    {"a not b", "unexpected token after 'a', expecting 'or', 'and'", 2, 1, 3},
    {"(a)andnot(b)", "expected blank or '(' after 'and'", 6, 1, 7},
    {"a ornot b", "expected blank or '(' after 'or'", 4, 1, 5},
    {"evt.arg[] contains /bin",
     "expected a valid field argument: a quoted string or a bare string", 8, 1,
     9},
    {"a.b = b = 1", "unexpected token after 'b', expecting 'or', 'and'", 8, 1,
     9},
    {"(a.b = 1", "expected a ')' token", 8, 1, 9},
    {"a.a invalidoperator xxx",
     "unexpected token after 'validoperator', expecting 'or', 'and'", 20, 1,
     21},
    {"a.g in ( 1 ,, , b)", "expected a string value", 12, 1, 13},
    {"fd.name=/var/lo);g/httpd.log",
     "unexpected token after '/var/lo', expecting 'or', 'and'", 15, 1, 16},
    {"test.str = a('\")", "unexpected token after 'a', expecting 'or', 'and'",
     12, 1, 13},
    {"test.str = \"",
     "expected a string value or a field with a valid transformer: 'val', "
     "'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
     "'getopt'",
     11, 1, 12},
    {"test.str = 'missing end quote",
     "expected a string value or a field with a valid transformer: 'val', "
     "'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
     "'getopt'",
     11, 1, 12},
    {"test.str = \"mixed \\'\"", "invalid \\' escape in \"-quoted string", 21,
     1, 22},
    {"test.str = 'mixed \\\"'", "invalid \\\" escape in '-quoted string", 21, 1,
     22},
    {"test.str[0a!@#456:/\\\\.;!$%^&*[]{}] = testval", "expected a ']' token",
     29, 1, 30},
    {"test.str[ = testval",
     "expected a valid field argument: a quoted string or a bare string", 9, 1,
     10},
    {"test.str] = testval",
     "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', "
     "'==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', "
     "'startswith', 'bstartswith', 'endswith', 'regex', 'intersects', 'in', "
     "'pmatch'",
     8, 1, 9},
    {"test.num > !0.1222e+10",
     "expected a number value or a field with a valid transformer: 'val', "
     "'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
     "'getopt'",
     11, 1, 12},
    {"test.num < 0xAAA.1",
     "unexpected token after '0xAAA', expecting 'or', 'and'", 16, 1, 17},
    {"test.num <= a",
     "expected a number value or a field with a valid transformer: 'val', "
     "'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
     "'getopt'",
     12, 1, 13},
    {"test.list in (", "expected a ')' token", 14, 1, 15},
    {"test.list in )",
     "expected a list, an identifier, or a field with a valid transformer: "
     "'val', 'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
     "'getopt'",
     13, 1, 14},
    {"test.list in (value,)", "expected a string value", 20, 1, 21},
    {"test.list in (,)", "expected a ')' token", 14, 1, 15},
    {"test.list > (value)",
     "expected a number value or a field with a valid transformer: 'val', "
     "'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
     "'getopt'",
     12, 1, 13},
    {"test.op ExIsTs",
     "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', "
     "'==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', "
     "'startswith', 'bstartswith', 'endswith', 'regex', 'intersects', 'in', "
     "'pmatch'",
     8, 1, 9},
    {"test.op exists something",
     "unexpected token after 'exists', expecting 'or', 'and'", 15, 1, 16},
    {"test.op ===",
     "expected a string value or a field with a valid transformer: 'val', "
     "'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
     "'getopt'",
     10, 1, 11},
    {"test.op startswithvalue",
     "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', "
     "'==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', "
     "'startswith', 'bstartswith', 'endswith', 'regex', 'intersects', 'in', "
     "'pmatch'",
     8, 1, 9},
    {"test.op >",
     "expected a number value or a field with a valid transformer: 'val', "
     "'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
     "'getopt'",
     9, 1, 10},
    {"test.op in",
     "expected a list, an identifier, or a field with a valid transformer: "
     "'val', 'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
     "'getopt'",
     10, 1, 11},
    {"val(test.field) exists",
     "unexpected token after 'val', expecting 'or', 'and'", 3, 1, 4},
    {"b64 (test.field) exists",
     "unexpected token after 'b64', expecting 'or', 'and'", 4, 1, 5},
    {"b64(test.field exists", "expected a ')' token closing the transformer",
     15, 1, 16},
    {"some.field = b64(val(test.field))",
     "expected field transformer argument: field, transformer, quoted string, "
     "number, or transformer list",
     17, 1, 18},
    {"some.field = val(toupper(test.field))",
     "expected a field within 'val' transformer", 17, 1, 18},
    {"some.field in (a, b64(test.field))", "expected a ')' token", 21, 1, 22},
    {"join(\"-\", (fd.name, fd.directory) = /tmp",
     "expected a ')' token closing the transformer", 34, 1, 35},
    {"join(\"-\", (,)) = /tmp",
     "expected transformer list argument: field, transformer, quoted string, "
     "or number",
     11, 1, 12},
    {"join(\"-\", ((fd.name))) = /tmp",
     "expected transformer list argument: field, transformer, quoted string, "
     "or number",
     11, 1, 12},
    {"join(\"-\", (barestring)) = /tmp",
     "expected transformer list argument: field, transformer, quoted string, "
     "or number",
     11, 1, 12},
    {"proc.name == oneof (cat,)", "expected a string value", 24, 1, 25},
    {"proc.name == oneof(cat, nginx)",
     "unexpected token after 'oneof', expecting 'or', 'and'", 18, 1, 19},
    {"proc.name in oneof (cat)",
     "unexpected token after 'oneof', expecting 'or', 'and'", 19, 1, 20},
    {"proc.num > oneof (1, 2)",
     "expected a number value or a field with a valid transformer: 'val', "
     "'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
     "'getopt'",
     11, 1, 12},
    {"a.b = \"\\q\"", "unsupported string escape sequence: \\q", 10, 1, 11},
    {"a.b = \"\\x4\"", "truncated hex char escape sequence", 11, 1, 12},
    {"a.b = \"\\xzz\"", "invalid hex char escape sequence: zz", 12, 1, 13},
    {"a.b = \"x\" y", "unexpected token after 'x', expecting 'or', 'and'", 10,
     1, 11},
    {"a or(b) and c", "unexpected token after ')', expecting 'or', 'and'", 8, 1,
     9},
    {"a.b = oneof and_x", "expected blank or '(' after 'and'", 15, 1, 16},
    {"a.b in (\"\\q\"", "expected a ')' token", 12, 1, 13},
    {"x.y = len(abc)",
     "expected field transformer argument: field, transformer, quoted string, "
     "number, or transformer list",
     10, 1, 11},
    {"x.y exists and", "expected blank or '(' after 'and'", 14, 1, 15},
    {"x.y exists or", "expected blank or '(' after 'or'", 13, 1, 14},
    {"a.b =",
     "expected a string value or a field with a valid transformer: 'val', "
     "'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
     "'getopt'",
     5, 1, 6},
    {"a.b = val(", "expected a field within 'val' transformer", 10, 1, 11},
    {"a.b = val(a.b", "expected a ')' token closing the transformer", 13, 1,
     14},
    {"a.b = val(a.b)[",
     "expected a valid field argument: a quoted string or a bare string", 15, 1,
     16},
    {"a.b = val(a.b)[x", "expected a ']' token", 16, 1, 17},
    {"getopt(a.b, \"x\")[",
     "expected a valid field argument: a quoted string or a bare string", 17, 1,
     18},
    {"  a.b   exists   junk",
     "unexpected token after 'exists', expecting 'or', 'and'", 17, 1, 18},
    {"a\tand\tb junk", "unexpected token after 'b', expecting 'or', 'and'", 8,
     1, 9},
    {"b junk", "unexpected token after 'b', expecting 'or', 'and'", 2, 1, 3},
    {"a\x0b"
     "and b",
     "unexpected token after 'a', expecting 'or', 'and'", 1, 1, 2},
    {"a\x0c"
     "and b",
     "unexpected token after 'a', expecting 'or', 'and'", 1, 1, 2},
    {"(a)\r\n or x y", "unexpected token after 'x', expecting 'or', 'and'", 11,
     3, 7},
    {"a.b = \"a\\\\\"",
     "expected a string value or a field with a valid transformer: 'val', "
     "'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
     "'getopt'",
     6, 1, 7},
    {"a.b = x\r\ny", "unexpected token after 'x', expecting 'or', 'and'", 9, 3,
     1},
    {"((((a)", "expected a ')' token", 6, 1, 7},
    {"a.b[x] = y junk", "unexpected token after 'y', expecting 'or', 'and'", 11,
     1, 12},
    {"evt.arg [0] = x",
     "expected a valid check operator: one of 'exists', '<=', '<', '>=', '>', "
     "'==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', 'bcontains', "
     "'startswith', 'bstartswith', 'endswith', 'regex', 'intersects', 'in', "
     "'pmatch'",
     8, 1, 9},
};

Test(parser, falco_errors_and_positions) {
  for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
    vg_node *root = NULL;
    vg_parse_error err;
    vigil_status st = vg_parse_condition(&arena, errors[i].in,
                                         strlen(errors[i].in), &root, &err);
    cr_expect_neq(st, VIGIL_OK, "accepted: %s", errors[i].in);
    if (st == VIGIL_OK)
      continue;
    cr_expect_str_eq(err.msg, errors[i].msg, "input: %s", errors[i].in);
    cr_expect(err.pos.idx == errors[i].idx && err.pos.line == errors[i].line &&
                  err.pos.col == errors[i].col,
              "%s: at %u:%u:%u, expected %u:%u:%u", errors[i].in,
              (unsigned)err.pos.idx, (unsigned)err.pos.line,
              (unsigned)err.pos.col, errors[i].idx, errors[i].line,
              errors[i].col);
  }
}

Test(parser, empty_and_blank) {
  cr_expect_str_eq(pn("", 0), "ERR filter input string is empty @0:1:1");
  cr_expect_str_eq(p("   "),
                   "ERR expected a '(' token, a field check, or an identifier "
                   "@3:1:4");
}

static char *repeat(const char *s, size_t n, const char *tail) {
  size_t l = strlen(s), t = strlen(tail);
  char *b = malloc(l * n + t + 1);
  for (size_t i = 0; i < n; i++)
    memcpy(b + i * l, s, l);
  memcpy(b + l * n, tail, t + 1);
  return b;
}

Test(parser, depth_limit) {
  char *s = repeat("(", 100000, "");
  cr_expect_str_eq(p(s), "ERR exceeded max depth limit of 1000 @200:1:201");
  free(s);
  s = repeat("(", 199, "a");
  char *t = malloc(strlen(s) + 200);
  strcpy(t, s);
  for (int i = 0; i < 199; i++)
    strcat(t, ")");
  cr_expect_str_eq(p(t), "a");
  free(s);
  free(t);
  s = repeat("b64(", 1000, "a.b");
  cr_expect_str_eq(p(s), "ERR exceeded max depth limit of 1000 @1992:1:1993");
  free(s);
  vg_node *root;
  vg_parse_error err;
  cr_expect_eq(
      vg_parse_condition(&arena, "((((((((((a))))))))))", 21, &root, &err),
      VIGIL_OK);
  s = repeat("(", 100000, "");
  cr_expect_eq(
      vg_parse_condition_ex(&arena, s, strlen(s), 100, &root, NULL, &err),
      VIGIL_E_LIMIT);
  cr_expect_str_eq(err.msg, "exceeded max depth limit of 100");
  free(s);
}

Test(parser, long_flat_chains) {
  static const char *const units[] = {"a and ", "a or ", "not ", "a.b = x and ",
                                      "a.b exists or "};
  for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
    char *s = repeat(units[u], 100000, "z");
    vg_node *root;
    vg_parse_error err;
    cr_assert_eq(vg_parse_condition(&arena, s, strlen(s), &root, &err),
                 VIGIL_OK, "%s: %s", units[u], err.msg);
    vg_buf_reset(&out);
    vg_ast_print(&out, root);
    vg_node *c = vg_ast_clone(&arena, root);
    cr_expect(tu_equal(root, c));
    if (u != 2)
      cr_expect_eq(root->nkids, 100001);
    free(s);
  }
  char *s = repeat("x,", 100000, "x)");
  char *t = malloc(strlen(s) + 16);
  strcpy(t, "a.b in (");
  strcat(t, s);
  vg_node *root;
  vg_parse_error err;
  cr_expect_eq(vg_parse_condition(&arena, t, strlen(t), &root, &err), VIGIL_OK);
  cr_expect_eq(root->kids[1]->nkids, 100001);
  free(s);
  free(t);
}

Test(parser, operand_prefix) {
  static const struct {
    const char *in;
    size_t consumed;
    const char *print;
  } ok[] = {
      {"proc.name", 9, "proc.name"},
      {"proc.name rest", 9, "proc.name"},
      {"proc.aname[2]:x", 13, "proc.aname[2]"},
      {"tolower( proc.name )[x] y", 23, "tolower(proc.name)[x]"},
      {"evt.arg.fd)", 10, "evt.arg.fd"},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    vg_node *root;
    vg_parse_error err;
    size_t used = 0;
    cr_assert_eq(vg_parse_operand(&arena, ok[i].in, strlen(ok[i].in), &root,
                                  &used, &err),
                 VIGIL_OK, "%s: %s", ok[i].in, err.msg);
    cr_expect_eq(used, ok[i].consumed, "%s", ok[i].in);
    vg_buf_reset(&out);
    vg_ast_print(&out, root);
    cr_expect_str_eq(vg_buf_str(&out), ok[i].print);
  }
  vg_node *root;
  vg_parse_error err;
  size_t used;
  cr_expect_eq(vg_parse_operand(&arena, " proc.name", 10, &root, &used, &err),
               VIGIL_E_SYNTAX);
  cr_expect_str_eq(err.msg, "unexpected token after '");
  cr_expect_eq(vg_parse_operand(&arena, "val(a.b)", 8, &root, &used, &err),
               VIGIL_E_SYNTAX);
  cr_expect_eq(vg_parse_operand(&arena, "proc.name[", 10, &root, &used, &err),
               VIGIL_E_SYNTAX);
  cr_expect_str_eq(err.msg,
                   "expected a valid field argument: a quoted string or a "
                   "bare string");
}

Test(parser, not_nul_terminated_input) {
  char buf[8] = {'a', '.', 'b', ' ', 'e', 'x', 'i', 's'};
  vg_node *root;
  vg_parse_error err;
  /* "a.b exi" followed by garbage that must not be read */
  cr_expect_eq(vg_parse_condition(&arena, buf, 7, &root, &err), VIGIL_E_SYNTAX);
  cr_expect_eq(vg_parse_condition(&arena, "a.b exists", 10, &root, &err),
               VIGIL_OK);
}

Test(parser, clone_is_deep) {
  vg_node *n =
      tree("(a.b in (x, \"y z\") and not c) or getopt(p.a, \"x:\")[x] = 1");
  vg_arena other;
  vg_arena_init(&other);
  vg_node *c = vg_ast_clone(&other, n);
  vg_buf b;
  vg_buf_init(&b);
  vg_ast_print(&b, c);
  vg_buf_reset(&out);
  vg_ast_print(&out, n);
  cr_expect_str_eq(vg_buf_str(&b), vg_buf_str(&out));
  cr_expect(tu_equal(n, c));
  cr_expect_eq(c->pos.idx, n->pos.idx);
  vg_buf_fini(&b);
  vg_arena_fini(&other);
}

Test(parser, names) {
  cr_expect_str_eq(vg_op_name(VG_OP_BSTARTSWITH), "bstartswith");
  cr_expect_str_eq(vg_op_name(VG_OP_EQEQ), "==");
  cr_expect_str_eq(vg_mod_name(VG_MOD_ALLOF), "allof");
  cr_expect_str_eq(vg_mod_name(VG_MOD_NONE), "");
  cr_expect_str_eq(vg_tr_name(VG_TR_VAL), "val");
  cr_expect_str_eq(vg_tr_name(VG_TR_GETOPT), "getopt");
}

Test(parser, oom_torture) {
  const char *s = "(a.b in (x, y) and not c.d = val(e.f)) or "
                  "join(\"-\", (g.h, tolower(i.j)))[k] exists";
  for (long n = 0; n < 400; n++) {
    vg_arena a;
    vg_arena_init(&a);
    vg_node *root = NULL;
    vg_parse_error err;
    vg_alloc_fail_after(n);
    vigil_status st = vg_parse_condition(&a, s, strlen(s), &root, &err);
    vg_alloc_fail_after(-1);
    cr_expect(st == VIGIL_OK || st == VIGIL_E_NOMEM, "n=%ld st=%d", n, (int)st);
    vg_arena_fini(&a);
    if (st == VIGIL_OK)
      break;
  }
}

Test(parser, add_kid_to_hand_built_node) {
  vg_pos p0 = {0, 1, 1};
  vg_node *a = vg_ast_new(&arena, VG_N_AND, p0);
  vg_node *k[3];
  for (int i = 0; i < 3; i++)
    k[i] = vg_ast_new(&arena, VG_N_IDENT, p0);
  vg_node **arr = vg_arena_alloc(&arena, 2 * sizeof *arr);
  arr[0] = k[0];
  arr[1] = k[1];
  a->kids = arr; /* as a pass might do: kcap stays 0 */
  a->nkids = 2;
  cr_assert(vg_ast_add_kid(&arena, a, k[2]));
  cr_expect_eq(a->nkids, 3);
  cr_expect_eq(a->kids[0], k[0]);
  cr_expect_eq(a->kids[2], k[2]);
}
