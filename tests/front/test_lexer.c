/*
 * test_lexer.c - the condition lexer's token stream: start conditions
 * chosen from the previous token (bare strings after operators, lists,
 * field arguments), keyword prefix quirks, modifier lookahead, numbers,
 * quoted strings, and token positions.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "condition.h"
#include "condition.tab.h"

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

TestSuite(lexer, .init = setup, .fini = teardown);

static const char *tok_name(int t) {
  switch (t) {
  case VG_TOK_START_CONDITION:
    return "START";
  case VG_TOK_START_OPERAND:
    return "OSTART";
  case VG_TOK_NOT:
    return "NOT";
  case VG_TOK_NOTLP:
    return "NOTLP";
  case VG_TOK_AND:
    return "AND";
  case VG_TOK_ANDLP:
    return "ANDLP";
  case VG_TOK_OR:
    return "OR";
  case VG_TOK_ORLP:
    return "ORLP";
  case VG_TOK_LP:
    return "LP";
  case VG_TOK_RP:
    return "RP";
  case VG_TOK_COMMA:
    return "COMMA";
  case VG_TOK_LB:
    return "LB";
  case VG_TOK_RB:
    return "RB";
  case VG_TOK_VALLP:
    return "VALLP";
  case VG_TOK_FIELD:
    return "FIELD";
  case VG_TOK_IDENT:
    return "IDENT";
  case VG_TOK_STRING:
    return "STRING";
  case VG_TOK_NUMBER:
    return "NUMBER";
  case VG_TOK_ARG:
    return "ARG";
  case VG_TOK_TRF:
    return "TRF";
  case VG_TOK_EXISTS:
    return "EXISTS";
  case VG_TOK_NUMOP:
    return "NUMOP";
  case VG_TOK_STROP:
    return "STROP";
  case VG_TOK_LISTOP:
    return "LISTOP";
  case VG_TOK_MOD:
    return "MOD";
  case VG_TOK_YYEOF:
    return "EOF";
  default:
    return "ERROR";
  }
}

/* The token stream of s (without the start token), e.g.
 * "FIELD(a.b) STROP(=) STRING(x) EOF"; an error ends it with
 * "ERROR(<msg>@<idx>)". With with_pos each token gets "@idx". */
static const char *lex(const char *s, int mode, bool with_pos) {
  static vg_parse_error err;
  vg_cond_parser p;
  memset(&p, 0, sizeof p);
  p.arena = &arena;
  char *buf = vg_arena_strdup(&arena, s);
  vg_cond_lex_init(&p.lx, &arena, buf, (uint32_t)strlen(s), mode, 1000, &err);
  vg_buf_reset(&out);
  VG_YYSTYPE v;
  VG_YYLTYPE l;
  vg_cond_parser *pp = &p;
  int t = vg_yylex(&v, &l, pp); /* start token */
  for (int n = 0; n < 200; n++) {
    t = vg_yylex(&v, &l, pp);
    if (out.len)
      vg_buf_putc(&out, ' ');
    if (t == VG_TOK_VG_YYerror) {
      vg_buf_printf(&out, "ERROR(%s@%u)", err.msg, (unsigned)err.pos.idx);
      break;
    }
    vg_buf_puts(&out, tok_name(t));
    switch (t) {
    case VG_TOK_FIELD:
    case VG_TOK_IDENT:
    case VG_TOK_STRING:
    case VG_TOK_NUMBER:
    case VG_TOK_ARG:
      vg_buf_printf(&out, "(%.*s)", (int)v.s.len, v.s.ptr);
      break;
    case VG_TOK_TRF:
      vg_buf_printf(&out, "(%s)", vg_tr_name(v.tr));
      break;
    case VG_TOK_EXISTS:
    case VG_TOK_NUMOP:
    case VG_TOK_STROP:
    case VG_TOK_LISTOP:
      vg_buf_printf(&out, "(%s)", vg_op_name(v.op));
      break;
    case VG_TOK_MOD:
      vg_buf_printf(&out, "(%s)", vg_mod_name(v.mod));
      break;
    default:
      break;
    }
    if (with_pos)
      vg_buf_printf(&out, "@%u", (unsigned)l.pos.idx);
    if (t == VG_TOK_YYEOF)
      break;
  }
  return vg_buf_str(&out);
}

static const char *L(const char *s) {
  return lex(s, VG_LEX_CONDITION, false);
}

Test(lexer, bare_path_after_in) {
  cr_expect_str_eq(L("fd.name in (/etc/passwd, /bin/*sh)"),
                   "FIELD(fd.name) LISTOP(in) LP STRING(/etc/passwd) COMMA "
                   "STRING(/bin/*sh) RP EOF");
}

Test(lexer, bare_string_after_operators) {
  cr_expect_str_eq(L("fd.name=/var/log/*.log"),
                   "FIELD(fd.name) STROP(=) STRING(/var/log/*.log) EOF");
  cr_expect_str_eq(L("a.b contains x[1]{2}<>!"),
                   "FIELD(a.b) STROP(contains) STRING(x[1]{2}<>!) EOF");
  /* a field-looking bare string is just text */
  cr_expect_str_eq(L("a.b = proc.pname"),
                   "FIELD(a.b) STROP(=) STRING(proc.pname) EOF");
  /* the bare string stops at '=' */
  cr_expect_str_eq(L("a.b = x=y"),
                   "FIELD(a.b) STROP(=) STRING(x) ERROR(unexpected token "
                   "after 'x', expecting 'or', 'and'@7)");
}

Test(lexer, word_operator_needs_blank) {
  cr_expect_str_eq(L("a.b contains\tx"),
                   "FIELD(a.b) STROP(contains) STRING(x) EOF");
  cr_expect_str_eq(L("a.b containsx"),
                   "FIELD(a.b) ERROR(expected a valid check operator: one of "
                   "'exists', '<=', '<', '>=', '>', '==', '=', '!=', 'glob', "
                   "'iglob', 'contains', 'icontains', 'bcontains', "
                   "'startswith', 'bstartswith', 'endswith', 'regex', "
                   "'intersects', 'in', 'pmatch'@4)");
}

Test(lexer, prefix_keywords) {
  cr_expect_str_eq(L("a.b inx"), "FIELD(a.b) LISTOP(in) STRING(x) EOF");
  cr_expect_str_eq(L("a.b intersects(x)"),
                   "FIELD(a.b) LISTOP(intersects) LP STRING(x) RP EOF");
  cr_expect_str_eq(L("a.b existsand m"),
                   "FIELD(a.b) EXISTS(exists) AND IDENT(m) EOF");
  cr_expect_str_eq(L("a and(b)or(c)"),
                   "IDENT(a) ANDLP IDENT(b) RP ORLP IDENT(c) RP EOF");
  cr_expect_str_eq(L("a or_x"),
                   "IDENT(a) ERROR(expected blank or '(' after 'or'@4)");
  cr_expect_str_eq(L("not(a) and not b and nota"),
                   "NOTLP IDENT(a) RP AND NOT IDENT(b) AND IDENT(nota) EOF");
  cr_expect_str_eq(L("a and not"), "IDENT(a) AND IDENT(not) EOF");
}

Test(lexer, transformer_calls_win_over_bare_strings) {
  cr_expect_str_eq(L("a.b = len(abc)"),
                   "FIELD(a.b) STROP(=) TRF(len) ERROR(expected field "
                   "transformer argument: field, transformer, quoted string, "
                   "number, or transformer list@10)");
  cr_expect_str_eq(L("a.b = 'len(abc)'"),
                   "FIELD(a.b) STROP(=) STRING(len(abc)) EOF");
  cr_expect_str_eq(L("a.b = b64and(x)"),
                   "FIELD(a.b) STROP(=) STRING(b64and) ERROR(unexpected token "
                   "after 'b64and', expecting 'or', 'and'@12)");
  cr_expect_str_eq(L("a.b > val(c.d[x])"),
                   "FIELD(a.b) NUMOP(>) VALLP FIELD(c.d) LB ARG(x) RB RP EOF");
  cr_expect_str_eq(L("val(a.b) exists"),
                   "IDENT(val) ERROR(unexpected token after 'val', expecting "
                   "'or', 'and'@3)");
}

Test(lexer, modifiers) {
  cr_expect_str_eq(L("a.b == oneof (x)"),
                   "FIELD(a.b) STROP(==) MOD(oneof) LP STRING(x) RP EOF");
  cr_expect_str_eq(L("a.b startswith anyof lst"),
                   "FIELD(a.b) STROP(startswith) MOD(anyof) STRING(lst) EOF");
  cr_expect_str_eq(L("a.b == oneof"), "FIELD(a.b) STROP(==) STRING(oneof) EOF");
  cr_expect_str_eq(L("a.b == oneof or c"),
                   "FIELD(a.b) STROP(==) STRING(oneof) OR IDENT(c) EOF");
  cr_expect_str_eq(L("a.b ==oneof (x)"),
                   "FIELD(a.b) STROP(==) STRING(oneof) ERROR(unexpected token "
                   "after 'oneof', expecting 'or', 'and'@12)");
  cr_expect_str_eq(L("a.b == ONEOF (x)"),
                   "FIELD(a.b) STROP(==) STRING(ONEOF) ERROR(unexpected token "
                   "after 'ONEOF', expecting 'or', 'and'@13)");
}

Test(lexer, numbers) {
  cr_expect_str_eq(L("a.b > 0x1fA"), "FIELD(a.b) NUMOP(>) NUMBER(0x1fA) EOF");
  cr_expect_str_eq(L("a.b <= -1.5e+3"),
                   "FIELD(a.b) NUMOP(<=) NUMBER(-1.5e+3) EOF");
  cr_expect_str_eq(L("a.b >= +2."), "FIELD(a.b) NUMOP(>=) NUMBER(+2.) EOF");
  cr_expect_str_eq(L("a.b < 1e5"),
                   "FIELD(a.b) NUMOP(<) NUMBER(1) ERROR(unexpected token after "
                   "'1', expecting 'or', 'and'@7)");
  cr_expect_str_eq(L("a.b > x"),
                   "FIELD(a.b) NUMOP(>) ERROR(expected a number value or a "
                   "field with a valid transformer: 'val', 'tolower', "
                   "'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
                   "'getopt'@6)");
}

Test(lexer, field_arguments) {
  cr_expect_str_eq(L("proc.aname[2] = x"),
                   "FIELD(proc.aname) LB ARG(2) RB STROP(=) STRING(x) EOF");
  cr_expect_str_eq(L("evt.arg[\"x y\"] exists"),
                   "FIELD(evt.arg) LB ARG(x y) RB EXISTS(exists) EOF");
  cr_expect_str_eq(L("jevt.value[/a/b(c),=] exists"),
                   "FIELD(jevt.value) LB ARG(/a/b(c),=) RB EXISTS(exists) EOF");
  cr_expect_str_eq(L("evt.arg.fd > 3"),
                   "FIELD(evt.arg.fd) NUMOP(>) NUMBER(3) EOF");
  cr_expect_str_eq(L("a.b[] = x"),
                   "FIELD(a.b) LB ERROR(expected a valid field argument: a "
                   "quoted string or a bare string@4)");
  cr_expect_str_eq(L("a.b[x = y"),
                   "FIELD(a.b) LB ARG(x) ERROR(expected a ']' token@5)");
}

Test(lexer, quoted_strings) {
  cr_expect_str_eq(L("a.b = \"x\\x41\""), "FIELD(a.b) STROP(=) STRING(xA) EOF");
  cr_expect_str_eq(L("a.b = 'it\\'s'"), "FIELD(a.b) STROP(=) STRING(it's) EOF");
  cr_expect_str_eq(L("a.b = \"a\\ b\""),
                   "FIELD(a.b) STROP(=) STRING(a\\b) EOF");
  cr_expect_str_eq(L("a.b = 'x\\\"'"),
                   "FIELD(a.b) STROP(=) ERROR(invalid \\\" escape in "
                   "'-quoted string@11)");
  cr_expect_str_eq(L("a.b = \"\\d\""),
                   "FIELD(a.b) STROP(=) ERROR(unsupported string escape "
                   "sequence: \\d@10)");
  cr_expect_str_eq(L("a.b = \"\\x4\""),
                   "FIELD(a.b) STROP(=) ERROR(truncated hex char escape "
                   "sequence@11)");
  cr_expect_str_eq(L("a.b = \"\\xg1\""),
                   "FIELD(a.b) STROP(=) ERROR(invalid hex char escape "
                   "sequence: g1@12)");
  /* a backslash before the closing quote never ends the string */
  cr_expect_str_eq(L("a.b = \"a\\\\\""),
                   "FIELD(a.b) STROP(=) ERROR(expected a string value or a "
                   "field with a valid transformer: 'val', 'tolower', "
                   "'toupper', 'b64', 'basename', 'len', 'join', 'concat', "
                   "'getopt'@6)");
}

Test(lexer, blanks) {
  cr_expect_str_eq(L(" \t\b\r\na\b\band\nb "), "IDENT(a) AND IDENT(b) EOF");
  cr_expect_str_eq(L("a\fand b"),
                   "IDENT(a) ERROR(unexpected token after 'a', expecting "
                   "'or', 'and'@1)");
}

Test(lexer, transformer_lists) {
  cr_expect_str_eq(L("join(\"-\", (a.b, 'x', 1, len(c.d))) exists"),
                   "TRF(join) STRING(-) COMMA LP FIELD(a.b) COMMA STRING(x) "
                   "COMMA NUMBER(1) COMMA TRF(len) FIELD(c.d) RP RP RP "
                   "EXISTS(exists) EOF");
  cr_expect_str_eq(L("join(\"-\", (word)) exists"),
                   "TRF(join) STRING(-) COMMA LP ERROR(expected transformer "
                   "list argument: field, transformer, quoted string, or "
                   "number@11)");
}

Test(lexer, positions) {
  cr_expect_str_eq(
      lex("  a.b = x or\n(c)", VG_LEX_CONDITION, true),
      "FIELD(a.b)@2 STROP(=)@6 STRING(x)@8 OR@10 LP@13 IDENT(c)@14 "
      "RP@15 EOF@16");
  /* after a comma, an argument's position is right after the comma */
  cr_expect_str_eq(lex("concat(a.b,  c.d) exists", VG_LEX_CONDITION, true),
                   "TRF(concat)@0 FIELD(a.b)@7 COMMA@10 FIELD(c.d)@11 RP@16 "
                   "EXISTS(exists)@18 EOF@24");
}

Test(lexer, operand_mode) {
  cr_expect_str_eq(lex("proc.name rest", VG_LEX_OPERAND, false),
                   "FIELD(proc.name) EOF");
  cr_expect_str_eq(lex("x", VG_LEX_OPERAND, false),
                   "ERROR(unexpected token after '@0)");
}
