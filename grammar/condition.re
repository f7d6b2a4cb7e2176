/*
 * condition.re - the condition lexer (re2c 3.0, start conditions).
 *
 * Falco's parser (libsinsp filter/parser.cpp) is a backtracking recursive-
 * descent parser whose "lexer" is a set of regexes tried in an order that
 * depends on where the parser is. This lexer reproduces that: a state
 * (VG_ST_*) says what libsinsp would try next, a stack of frames records
 * what each open '(' belongs to, and each state scans with one re2c start
 * condition. It also mirrors libsinsp's recursion-depth counter (the
 * "each parenthesis level costs five levels" rule) and reports libsinsp's
 * exact messages at libsinsp's exact cursor positions. Node positions are
 * attached to tokens (vg_loc.pos) by the same rules libsinsp uses, so the
 * grammar actions never compute positions. See GRAMMAR.md.
 *
 * All state is in vg_cond_lexer; no globals.
 */
#include <stdio.h>
#include <string.h>

#include "condition.h"
#include "condition.tab.h"

enum {
  VG_FR_GROUP, /* (...) around an expression */
  VG_FR_TRF,   /* transformer call: args up to ')' */
  VG_FR_TLIST, /* transformer list argument (a, b) */
  VG_FR_LIST   /* value list of in/intersects/pmatch or a modifier */
};

enum {
  VG_ST_INIT_CONDITION,
  VG_ST_INIT_OPERAND,
  VG_ST_OPERAND_BEGIN, /* operand mode, after START_OPERAND */
  VG_ST_NOTS,      /* parse_not: "not " / "not(" then a check */
  VG_ST_FOPT,      /* optional [arg] right after a field or ')' */
  VG_ST_FARG,      /* after '[' */
  VG_ST_FARGEND,   /* before ']' */
  VG_ST_OPENTRY,   /* parse_condition entry */
  VG_ST_OPER,      /* comparison operator */
  VG_ST_STRAFTER,  /* after a string operator: modifier or value */
  VG_ST_NUMVAL,
  VG_ST_STRVAL,
  VG_ST_LISTVAL,
  VG_ST_MODLIST,
  VG_ST_LFIRST,    /* first element of a value list */
  VG_ST_LNEXT,
  VG_ST_LITEM,
  VG_ST_TARG,      /* transformer argument */
  VG_ST_TNEXT,
  VG_ST_TLFIRST,   /* first element of a transformer list */
  VG_ST_TLITEM,
  VG_ST_TLNEXT,
  VG_ST_VALARG,
  VG_ST_VALCLOSE,
  VG_ST_AFTER,     /* after a check: and / or / ')' / end */
  VG_ST_ODONE,     /* operand mode: done */
  VG_ST_END
};

/* raw match kinds returned by scan() */
enum {
  R_NONE,
  R_EOF,
  R_NOT,
  R_NOTLP,
  R_LP,
  R_FIELD,
  R_IDENT,
  R_TRF,
  R_VALLP,
  R_NUM,
  R_QUOTE,
  R_BARE,
  R_EXISTS,
  R_NUMOP,
  R_STROP,
  R_WORDOP,
  R_LISTOP
};

#define TRANSFORMERS                                                         \
  "'val', 'tolower', 'toupper', 'b64', 'basename', 'len', 'join', "          \
  "'concat', 'getopt'"
#define MSG_OPERAND "expected a '(' token, a field check, or an identifier"
#define MSG_OPERATOR                                                         \
  "expected a valid check operator: one of 'exists', '<=', '<', '>=', "      \
  "'>', '==', '=', '!=', 'glob', 'iglob', 'contains', 'icontains', "         \
  "'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex', "          \
  "'intersects', 'in', 'pmatch'"
#define MSG_NUMVAL                                                           \
  "expected a number value or a field with a valid transformer: " TRANSFORMERS
#define MSG_STRVAL                                                           \
  "expected a string value or a field with a valid transformer: " TRANSFORMERS
#define MSG_LISTVAL                                                          \
  "expected a list, an identifier, or a field with a valid transformer: "    \
  TRANSFORMERS
#define MSG_FARG                                                             \
  "expected a valid field argument: a quoted string or a bare string"
#define MSG_TARG                                                             \
  "expected field transformer argument: field, transformer, quoted "         \
  "string, number, or transformer list"
#define MSG_TLARG                                                            \
  "expected transformer list argument: field, transformer, quoted string, "  \
  "or number"
#define MSG_TCLOSE "expected a ')' token closing the transformer"

/*!conditions:re2c*/

/* Scans one token of the class set selected by condition c at lx->cur.
 * On R_NONE/R_EOF the cursor is left at the token start. */
static int scan(vg_cond_lexer *lx, int c) {
  lx->tok = lx->cur;
  /*!re2c
    re2c:api:style = free-form;
    re2c:define:YYCTYPE = "unsigned char";
    re2c:define:YYCURSOR = "lx->cur";
    re2c:define:YYMARKER = "lx->mar";
    re2c:define:YYLIMIT = "lx->lim";
    re2c:define:YYGETCONDITION = "c";
    re2c:define:YYSETCONDITION = "c = @@;";
    re2c:define:YYPEEK = "*(const unsigned char *)lx->cur";
    re2c:define:YYSKIP = "++lx->cur;";
    re2c:define:YYBACKUP = "lx->mar = lx->cur;";
    re2c:define:YYRESTORE = "lx->cur = lx->mar;";
    re2c:define:YYLESSTHAN = "lx->cur < lx->lim";
    re2c:yyfill:enable = 0;
    re2c:eof = 0;
    re2c:indent:string = "  ";

    blank  = [ \t\b\r\n];
    pspace = [ \t\n\v\f\r];
    ident  = [a-zA-Z][a-zA-Z0-9_]*;
    field  = ident ("." ident)+;
    hexnum = "0" [xX] [0-9a-fA-F]+;
    number = [+-]? [0-9]+ "."? [0-9]* ([eE] [+-] [0-9]+)?;
    bare   = [^()"'\t\n\v\f\r ,=]+;
    fbare  = [^\x5b\x5d"'\t\n\v\f\r ]+;

    <*> $ { lx->cur = lx->tok; return R_EOF; }
    <*> * { lx->cur = lx->tok; return R_NONE; }

    <NOTS> "not" pspace+ { return R_NOT; }
    <NOTS> "not("        { return R_NOTLP; }

    <CHECK> "("   { return R_LP; }
    <CHECK> field { return R_FIELD; }
    <CHECK> ident { return R_IDENT; }

    <CHECK, NUMVAL, STRVAL, LISTVAL, TARG, TLITEM> "tolower("
      { lx->tr = VG_TR_TOLOWER; return R_TRF; }
    <CHECK, NUMVAL, STRVAL, LISTVAL, TARG, TLITEM> "toupper("
      { lx->tr = VG_TR_TOUPPER; return R_TRF; }
    <CHECK, NUMVAL, STRVAL, LISTVAL, TARG, TLITEM> "b64("
      { lx->tr = VG_TR_B64; return R_TRF; }
    <CHECK, NUMVAL, STRVAL, LISTVAL, TARG, TLITEM> "basename("
      { lx->tr = VG_TR_BASENAME; return R_TRF; }
    <CHECK, NUMVAL, STRVAL, LISTVAL, TARG, TLITEM> "len("
      { lx->tr = VG_TR_LEN; return R_TRF; }
    <CHECK, NUMVAL, STRVAL, LISTVAL, TARG, TLITEM> "join("
      { lx->tr = VG_TR_JOIN; return R_TRF; }
    <CHECK, NUMVAL, STRVAL, LISTVAL, TARG, TLITEM> "concat("
      { lx->tr = VG_TR_CONCAT; return R_TRF; }
    <CHECK, NUMVAL, STRVAL, LISTVAL, TARG, TLITEM> "getopt("
      { lx->tr = VG_TR_GETOPT; return R_TRF; }
    <NUMVAL, STRVAL, LISTVAL> "val(" { return R_VALLP; }

    <NUMVAL, TARG, TLITEM> hexnum | number { return R_NUM; }
    <STRVAL, LITEM, TARG, TLITEM, FARG> ["'] { return R_QUOTE; }
    <STRVAL, LITEM> bare { return R_BARE; }
    <FARG> fbare { return R_BARE; }
    <LISTVAL, MODLIST> ident { return R_IDENT; }
    <TARG> "(" { return R_LP; }
    <TARG, TLITEM, VALARG> field { return R_FIELD; }

    <OPER> "exists" { lx->op = VG_OP_EXISTS; return R_EXISTS; }
    <OPER> "<="  { lx->op = VG_OP_LE; return R_NUMOP; }
    <OPER> "<"   { lx->op = VG_OP_LT; return R_NUMOP; }
    <OPER> ">="  { lx->op = VG_OP_GE; return R_NUMOP; }
    <OPER> ">"   { lx->op = VG_OP_GT; return R_NUMOP; }
    <OPER> "=="  { lx->op = VG_OP_EQEQ; return R_STROP; }
    <OPER> "="   { lx->op = VG_OP_EQ; return R_STROP; }
    <OPER> "!="  { lx->op = VG_OP_NE; return R_STROP; }
    <OPER> "glob" blank        { lx->op = VG_OP_GLOB; return R_WORDOP; }
    <OPER> "iglob" blank       { lx->op = VG_OP_IGLOB; return R_WORDOP; }
    <OPER> "contains" blank    { lx->op = VG_OP_CONTAINS; return R_WORDOP; }
    <OPER> "icontains" blank   { lx->op = VG_OP_ICONTAINS; return R_WORDOP; }
    <OPER> "bcontains" blank   { lx->op = VG_OP_BCONTAINS; return R_WORDOP; }
    <OPER> "startswith" blank  { lx->op = VG_OP_STARTSWITH; return R_WORDOP; }
    <OPER> "bstartswith" blank { lx->op = VG_OP_BSTARTSWITH; return R_WORDOP; }
    <OPER> "endswith" blank    { lx->op = VG_OP_ENDSWITH; return R_WORDOP; }
    <OPER> "regex" blank       { lx->op = VG_OP_REGEX; return R_WORDOP; }
    <OPER> "intersects" { lx->op = VG_OP_INTERSECTS; return R_LISTOP; }
    <OPER> "in"         { lx->op = VG_OP_IN; return R_LISTOP; }
    <OPER> "pmatch"     { lx->op = VG_OP_PMATCH; return R_LISTOP; }
  */
}

/* ---- positions ---------------------------------------------------------- */

vg_pos vg_cond_lex_pos(vg_cond_lexer *lx, uint32_t idx) {
  if (idx > lx->len)
    idx = lx->len;
  if (idx < lx->lc_idx) {
    lx->lc_idx = 0;
    lx->lc_line = 1;
    lx->lc_col = 1;
  }
  const char *s = lx->buf;
  uint32_t i = lx->lc_idx, line = lx->lc_line, col = lx->lc_col;
  for (; i < idx; i++) {
    col++;
    if (s[i] == '\r' || s[i] == '\n') {
      col = 1;
      line++;
    }
  }
  lx->lc_idx = idx;
  lx->lc_line = line;
  lx->lc_col = col;
  vg_pos p = {idx, line, col};
  return p;
}

static uint32_t off(const vg_cond_lexer *lx, const char *p) {
  return (uint32_t)(p - lx->buf);
}

/* ---- errors ------------------------------------------------------------- */

void vg_cond_lex_fail(vg_cond_lexer *lx, vigil_status st, uint32_t idx,
                      const char *msg) {
  if (lx->failed)
    return;
  lx->failed = true;
  lx->status = st;
  if (lx->err) {
    snprintf(lx->err->msg, sizeof lx->err->msg, "%s", msg);
    lx->err->pos = vg_cond_lex_pos(lx, idx);
  }
}

static int fail_at(vg_cond_lexer *lx, const char *at, const char *msg) {
  vg_cond_lex_fail(lx, VIGIL_E_SYNTAX, off(lx, at), msg);
  return VG_TOK_VG_YYerror;
}

static int fail(vg_cond_lexer *lx, const char *msg) {
  return fail_at(lx, lx->cur, msg);
}

/* "unexpected token after '<last token>', expecting 'or', 'and'" (the
 * operand parser's variant lacks the closing quote and the tail). Falco's
 * message is a C++ string read back through what(), so a NUL byte in the
 * last token (a "\x00" escape) ends the message there. */
static int fail_unexpected(vg_cond_lexer *lx, bool full) {
  char msg[sizeof lx->err->msg];
  size_t n = strnlen(lx->last, lx->last_len);
  if (n > 400)
    n = 400;
  bool cut = n < lx->last_len && n < 400;
  snprintf(msg, sizeof msg, "unexpected token after '%.*s%s", (int)n,
           lx->last, full && !cut ? "', expecting 'or', 'and'" : "");
  return fail(lx, msg);
}

/* libsinsp's depth_guard: entering a parse function at depth d fails when
 * d reaches the cap, at the cursor position of the entry. */
static bool enter(vg_cond_lexer *lx, uint32_t d) {
  if (d < lx->max_depth)
    return true;
  char msg[64];
  snprintf(msg, sizeof msg, "exceeded max depth limit of %u",
           (unsigned)lx->max_depth);
  vg_cond_lex_fail(lx, VIGIL_E_LIMIT, off(lx, lx->cur), msg);
  return false;
}

/* ---- small helpers ------------------------------------------------------ */

static bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n';
}

static bool skip_blanks(vg_cond_lexer *lx) {
  const char *p = lx->cur;
  while (p < lx->lim && is_blank(*p))
    p++;
  bool found = p != lx->cur;
  lx->cur = p;
  return found;
}

static bool at(const vg_cond_lexer *lx, char c) {
  return lx->cur < lx->lim && *lx->cur == c;
}

static bool starts(const vg_cond_lexer *lx, const char *p, const char *w) {
  size_t n = strlen(w);
  return (size_t)(lx->lim - p) >= n && memcmp(p, w, n) == 0;
}

static bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c) {
  return is_alpha(c) || (c >= '0' && c <= '9');
}

static void set_last(vg_cond_lexer *lx, const char *p, size_t n) {
  lx->last = p;
  lx->last_len = n;
}

static bool push(vg_cond_lexer *lx, int kind, int ret, uint32_t depth,
                 vg_pos pos) {
  if (lx->nstack == lx->capstack) {
    uint32_t ncap = lx->capstack ? lx->capstack * 2 : 32;
    vg_lex_frame *ns = vg_arena_alloc(lx->arena, ncap * sizeof *ns);
    if (!ns) {
      vg_cond_lex_fail(lx, VIGIL_E_NOMEM, off(lx, lx->cur), "out of memory");
      return false;
    }
    if (lx->nstack)
      memcpy(ns, lx->stack, lx->nstack * sizeof *ns);
    lx->stack = ns;
    lx->capstack = ncap;
  }
  vg_lex_frame *f = &lx->stack[lx->nstack++];
  f->kind = (uint8_t)kind;
  f->ret = (uint8_t)ret;
  f->or_only = 0;
  f->depth = depth;
  f->pos = pos;
  return true;
}

static vg_lex_frame *top(vg_cond_lexer *lx) {
  return lx->nstack ? &lx->stack[lx->nstack - 1] : NULL;
}

/* Opens a parenthesised group. outer is the or-depth of the enclosing
 * expression, cost the depth of parse_embedded_remainder relative to it
 * (check '(': 4, "not(": 3, "and(": 2, "or(": 1); libsinsp then enters
 * parse_or, parse_and and parse_not. The cursor is just past '('. */
static void open_group(vg_cond_lexer *lx, uint32_t cost, bool or_only) {
  uint32_t outer = lx->o;
  if (!enter(lx, outer + cost))
    return;
  skip_blanks(lx);
  vg_pos none = {0, 0, 0};
  if (!push(lx, VG_FR_GROUP, VG_ST_AFTER, outer, none))
    return;
  lx->stack[lx->nstack - 1].or_only = or_only;
  lx->o = outer + cost + 1;
  if (!enter(lx, lx->o) || !enter(lx, lx->o + 1) || !enter(lx, lx->o + 2))
    return;
  lx->st = VG_ST_NOTS;
}

/* Falco's lex_quoted_str: the string ends at the next quote of the same
 * kind not preceded by a backslash (a NUL byte ends the scan). Returns 1
 * with the unescaped text, 0 when unterminated (cursor unchanged), -1 on an
 * escape error (reported at the position after the closing quote). */
static int scan_quoted(vg_cond_lexer *lx, vg_str *out) {
  const char *s = lx->cur;
  char delim = *s, prev = '\\';
  for (const char *p = s; p < lx->lim && *p != '\0'; p++) {
    if (*p == delim && prev != '\\') {
      char msg[256];
      lx->cur = p + 1;
      vigil_status st = vg_ast_unescape(lx->arena, s, (size_t)(p + 1 - s),
                                        out, msg, sizeof msg);
      if (st == VIGIL_OK)
        return 1;
      if (st == VIGIL_E_NOMEM)
        vg_cond_lex_fail(lx, VIGIL_E_NOMEM, off(lx, lx->cur), "out of memory");
      else
        vg_cond_lex_fail(lx, VIGIL_E_SYNTAX, off(lx, lx->cur), msg);
      return -1;
    }
    prev = *p;
  }
  return 0;
}

/* ---- token emission ----------------------------------------------------- */

static int emit(vg_cond_lexer *lx, VG_YYLTYPE *lloc, int tok, uint32_t pos) {
  lloc->pos = vg_cond_lex_pos(lx, pos);
  lloc->end = off(lx, lx->cur);
  return tok;
}

static int emit_at(vg_cond_lexer *lx, VG_YYLTYPE *lloc, int tok, vg_pos pos) {
  lloc->pos = pos;
  lloc->end = off(lx, lx->cur);
  return tok;
}

static vg_str text(const vg_cond_lexer *lx) {
  vg_str s = {lx->tok, (size_t)(lx->cur - lx->tok)};
  return s;
}

/* A value/ARG token holding an arena copy (so it is NUL-terminated). */
static bool copy_text(vg_cond_lexer *lx, vg_str *out) {
  size_t n = (size_t)(lx->cur - lx->tok);
  char *c = vg_arena_strndup(lx->arena, lx->tok, n);
  if (!c) {
    vg_cond_lex_fail(lx, VIGIL_E_NOMEM, off(lx, lx->cur), "out of memory");
    return false;
  }
  out->ptr = c;
  out->len = n;
  return true;
}

/* Starts a transformer call whose "name(" was just scanned: libsinsp skips
 * blanks (skip_first) and enters parse_field_or_transformer_remainder at
 * depth rdepth; its arguments are parsed at rdepth + 1. */
static void open_transformer(vg_cond_lexer *lx, bool skip_first,
                             uint32_t rdepth, int ret) {
  if (skip_first)
    skip_blanks(lx);
  if (!enter(lx, rdepth))
    return;
  vg_pos none = {0, 0, 0};
  if (!push(lx, VG_FR_TRF, ret, rdepth + 1, none))
    return;
  skip_blanks(lx);
  lx->after_comma = false;
  lx->st = VG_ST_TARG;
}

/* Emits the transformer / val( alternatives shared by the right-hand side
 * states; returns 0 when neither matched. */
static int rhs_field(vg_cond_lexer *lx, int r, VG_YYSTYPE *lval,
                     VG_YYLTYPE *lloc) {
  uint32_t t = lx->o + 6; /* try_parse_transformer_or_val */
  if (r == R_VALLP) {
    int tok = emit(lx, lloc, VG_TOK_VALLP, off(lx, lx->tok));
    set_last(lx, "val", 3);
    skip_blanks(lx);
    lx->st = VG_ST_VALARG;
    (void)t;
    return tok;
  }
  if (r == R_TRF) {
    lval->tr = lx->tr;
    int tok = emit(lx, lloc, VG_TOK_TRF, off(lx, lx->tok));
    set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok - 1));
    open_transformer(lx, true, t + 1, VG_ST_AFTER);
    return tok;
  }
  return 0;
}

static const char *op_text(vg_op op) { return vg_op_name(op); }

/* Modifier after a string operator (rules-language.md 7.3 note 4): the
 * word, at least one blank, then '(' or an identifier that is not a whole
 * and/or/not. Returns the position after the blanks, or NULL. */
static const char *modifier_follows(vg_cond_lexer *lx, vg_mod *mod) {
  static const struct {
    const char *w;
    vg_mod m;
  } mods[] = {{"oneof", VG_MOD_ONEOF},
              {"anyof", VG_MOD_ANYOF},
              {"allof", VG_MOD_ALLOF}};
  for (size_t i = 0; i < 3; i++) {
    if (!starts(lx, lx->cur, mods[i].w))
      continue;
    const char *p = lx->cur + 5;
    const char *q = p;
    while (q < lx->lim && is_blank(*q))
      q++;
    if (q == p)
      continue;
    if (q >= lx->lim || (*q != '(' && !is_alpha(*q)))
      return NULL;
    static const char *const kws[] = {"and", "or", "not"};
    for (size_t k = 0; k < 3; k++) {
      size_t n = strlen(kws[k]);
      if (starts(lx, q, kws[k]) &&
          (q + n == lx->lim || !is_alnum(q[n])))
        return NULL;
    }
    *mod = mods[i].m;
    return q;
  }
  return NULL;
}

/* ---- the token loop ----------------------------------------------------- */

int vg_yylex(VG_YYSTYPE *lval, VG_YYLTYPE *lloc, vg_cond_parser *p) {
  vg_cond_lexer *lx = &p->lx;
  int r, tok;
  vg_str s;

  for (;;) {
    if (lx->failed) {
      lloc->pos = vg_cond_lex_pos(lx, off(lx, lx->cur));
      lloc->end = off(lx, lx->cur);
      return VG_TOK_VG_YYerror;
    }
    switch (lx->st) {
    case VG_ST_INIT_CONDITION:
      if (lx->len == 0) {
        vg_cond_lex_fail(lx, VIGIL_E_SYNTAX, 0,
                         "filter input string is empty");
        continue;
      }
      tok = emit(lx, lloc, VG_TOK_START_CONDITION, 0);
      lx->o = 1;
      if (enter(lx, 1)) {
        skip_blanks(lx);
        if (enter(lx, 2) && enter(lx, 3))
          lx->st = VG_ST_NOTS;
      }
      return tok;

    case VG_ST_INIT_OPERAND:
      tok = emit(lx, lloc, VG_TOK_START_OPERAND, 0);
      if (enter(lx, 1))
        lx->st = VG_ST_OPERAND_BEGIN;
      return tok;

    case VG_ST_OPERAND_BEGIN:
      r = scan(lx, yycCHECK);
      if (r == R_FIELD) {
        lval->s = text(lx);
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        tok = emit(lx, lloc, VG_TOK_FIELD, off(lx, lx->tok));
        if (enter(lx, 2)) {
          lx->fopt_ret = VG_ST_ODONE;
          lx->st = VG_ST_FOPT;
        }
        return tok;
      }
      if (r == R_TRF) {
        lval->tr = lx->tr;
        tok = emit(lx, lloc, VG_TOK_TRF, off(lx, lx->tok));
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok - 1));
        open_transformer(lx, true, 2, VG_ST_ODONE);
        return tok;
      }
      lx->cur = lx->tok;
      return fail_unexpected(lx, false);

    case VG_ST_ODONE:
      lx->st = VG_ST_END;
      return emit(lx, lloc, VG_TOK_YYEOF, off(lx, lx->cur));

    case VG_ST_NOTS: {
      r = scan(lx, yycNOTS);
      if (r == R_NOT) {
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        return emit(lx, lloc, VG_TOK_NOT, off(lx, lx->tok));
      }
      if (r == R_NOTLP) {
        set_last(lx, "not(", 4);
        tok = emit(lx, lloc, VG_TOK_NOTLP, off(lx, lx->tok));
        open_group(lx, 3, false);
        return tok;
      }
      /* parse_check: its position is the cursor before its own blanks */
      uint32_t checkpos = off(lx, lx->cur);
      if (!enter(lx, lx->o + 3))
        continue;
      skip_blanks(lx);
      r = scan(lx, yycCHECK);
      switch (r) {
      case R_LP:
        set_last(lx, "(", 1);
        tok = emit(lx, lloc, VG_TOK_LP, checkpos);
        open_group(lx, 4, false);
        return tok;
      case R_FIELD:
        lval->s = text(lx);
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        tok = emit(lx, lloc, VG_TOK_FIELD, checkpos);
        if (enter(lx, lx->o + 4)) {
          lx->fopt_ret = VG_ST_OPENTRY;
          lx->st = VG_ST_FOPT;
        }
        return tok;
      case R_TRF:
        lval->tr = lx->tr;
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok - 1));
        tok = emit(lx, lloc, VG_TOK_TRF, checkpos);
        open_transformer(lx, true, lx->o + 4, VG_ST_OPENTRY);
        return tok;
      case R_IDENT:
        lval->s = text(lx);
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        tok = emit(lx, lloc, VG_TOK_IDENT, checkpos);
        lx->or_only = false;
        lx->st = VG_ST_AFTER;
        return tok;
      default:
        return fail(lx, MSG_OPERAND);
      }
    }

    case VG_ST_FOPT:
      if (at(lx, '[')) {
        lx->tok = lx->cur++;
        set_last(lx, "[", 1);
        lx->st = VG_ST_FARG;
        return emit(lx, lloc, VG_TOK_LB, off(lx, lx->tok));
      }
      lx->st = lx->fopt_ret;
      continue;

    case VG_ST_FARG:
      r = scan(lx, yycFARG);
      if (r == R_QUOTE) {
        lx->cur = lx->tok;
        int q = scan_quoted(lx, &s);
        if (q < 0)
          continue;
        if (q == 0)
          return fail(lx, MSG_FARG);
        lval->s = s;
        set_last(lx, s.ptr, s.len);
      } else if (r == R_BARE) {
        if (!copy_text(lx, &lval->s))
          continue;
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
      } else {
        return fail(lx, MSG_FARG);
      }
      lx->st = VG_ST_FARGEND;
      return emit(lx, lloc, VG_TOK_ARG, off(lx, lx->tok));

    case VG_ST_FARGEND:
      if (!at(lx, ']'))
        return fail(lx, "expected a ']' token");
      lx->tok = lx->cur++;
      set_last(lx, "]", 1);
      lx->st = lx->fopt_ret;
      return emit(lx, lloc, VG_TOK_RB, off(lx, lx->tok));

    case VG_ST_OPENTRY:
      if (!enter(lx, lx->o + 4))
        continue;
      skip_blanks(lx);
      lx->st = VG_ST_OPER;
      continue;

    case VG_ST_OPER:
      r = scan(lx, yycOPER);
      switch (r) {
      case R_EXISTS:
        lval->op = lx->op;
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        lx->or_only = false;
        lx->st = VG_ST_AFTER;
        return emit(lx, lloc, VG_TOK_EXISTS, off(lx, lx->tok));
      case R_NUMOP:
        lval->op = lx->op;
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        tok = emit(lx, lloc, VG_TOK_NUMOP, off(lx, lx->tok));
        if (enter(lx, lx->o + 5)) {
          skip_blanks(lx);
          if (enter(lx, lx->o + 6))
            lx->st = VG_ST_NUMVAL;
        }
        return tok;
      case R_STROP:
      case R_WORDOP: {
        lval->op = lx->op;
        const char *name = op_text(lx->op);
        set_last(lx, name, strlen(name));
        lloc->pos = vg_cond_lex_pos(lx, off(lx, lx->tok));
        lloc->end = off(lx, lx->tok) + (uint32_t)strlen(name);
        /* word operators include their mandatory blank */
        bool had_blank = skip_blanks(lx) || r == R_WORDOP;
        lx->or_only = had_blank; /* reused as a flag for STRAFTER */
        lx->st = VG_ST_STRAFTER;
        return VG_TOK_STROP;
      }
      case R_LISTOP:
        lval->op = lx->op;
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        tok = emit(lx, lloc, VG_TOK_LISTOP, off(lx, lx->tok));
        if (enter(lx, lx->o + 5)) {
          skip_blanks(lx);
          lx->st = VG_ST_LISTVAL;
        }
        return tok;
      default:
        return fail(lx, MSG_OPERATOR);
      }

    case VG_ST_STRAFTER: {
      vg_mod mod = VG_MOD_NONE;
      const char *q = lx->or_only ? modifier_follows(lx, &mod) : NULL;
      lx->or_only = false;
      if (q) {
        lx->tok = lx->cur;
        lx->cur = q;
        lval->mod = mod;
        set_last(lx, lx->tok, 5);
        lloc->pos = vg_cond_lex_pos(lx, off(lx, lx->tok));
        lloc->end = off(lx, lx->tok) + 5;
        if (enter(lx, lx->o + 5))
          lx->st = VG_ST_MODLIST;
        return VG_TOK_MOD;
      }
      if (!enter(lx, lx->o + 5))
        continue;
      skip_blanks(lx);
      if (!enter(lx, lx->o + 6))
        continue;
      lx->st = VG_ST_STRVAL;
      continue;
    }

    case VG_ST_NUMVAL:
      r = scan(lx, yycNUMVAL);
      if ((tok = rhs_field(lx, r, lval, lloc)) != 0)
        return tok;
      if (r == R_NUM) {
        lval->s = text(lx);
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        lx->or_only = false;
        lx->st = VG_ST_AFTER;
        return emit(lx, lloc, VG_TOK_NUMBER, off(lx, lx->tok));
      }
      return fail(lx, MSG_NUMVAL);

    case VG_ST_STRVAL:
      r = scan(lx, yycSTRVAL);
      if ((tok = rhs_field(lx, r, lval, lloc)) != 0)
        return tok;
      if (r == R_QUOTE) {
        lx->cur = lx->tok;
        int q = scan_quoted(lx, &s);
        if (q < 0)
          continue;
        if (q == 0)
          return fail(lx, MSG_STRVAL);
        lval->s = s;
        set_last(lx, s.ptr, s.len);
      } else if (r == R_BARE) {
        if (!copy_text(lx, &lval->s))
          continue;
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
      } else {
        return fail(lx, MSG_STRVAL);
      }
      lx->or_only = false;
      lx->st = VG_ST_AFTER;
      return emit(lx, lloc, VG_TOK_STRING, off(lx, lx->tok));

    case VG_ST_LISTVAL:
    case VG_ST_MODLIST:
      if (at(lx, '(')) {
        lx->tok = lx->cur++;
        set_last(lx, "(", 1);
        tok = emit(lx, lloc, VG_TOK_LP, off(lx, lx->tok));
        vg_pos none = {0, 0, 0};
        if (push(lx, VG_FR_LIST, VG_ST_AFTER, lx->o + 6, none)) {
          skip_blanks(lx);
          lx->st = VG_ST_LFIRST;
        }
        return tok;
      }
      if (lx->st == VG_ST_LISTVAL) {
        if (!enter(lx, lx->o + 6))
          continue;
        r = scan(lx, yycLISTVAL);
        if ((tok = rhs_field(lx, r, lval, lloc)) != 0)
          return tok;
      } else {
        /* parse_list_value tries no transformer: "tolower(" is an
         * identifier followed by junk */
        r = scan(lx, yycMODLIST);
        if (r != R_IDENT)
          return fail(lx, "expected a list or an identifier");
      }
      if (r == R_IDENT) {
        if (!copy_text(lx, &lval->s))
          continue;
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        lx->or_only = false;
        lx->st = VG_ST_AFTER;
        return emit(lx, lloc, VG_TOK_STRING, off(lx, lx->tok));
      }
      return fail(lx, MSG_LISTVAL);

    case VG_ST_LFIRST:
    case VG_ST_LITEM: {
      /* libsinsp swallows any error raised by the first element (the list
       * is then empty if ')' follows); later elements report theirs. */
      bool first = lx->st == VG_ST_LFIRST;
      vg_lex_frame *f = top(lx);
      bool ok = true;
      if (first) {
        ok = f->depth < lx->max_depth;
      }
      if (ok) {
        r = scan(lx, yycLITEM);
        if (r == R_QUOTE) {
          lx->cur = lx->tok;
          int q = scan_quoted(lx, &s);
          if (q < 0) {
            if (!first || lx->status == VIGIL_E_NOMEM)
              continue;
            lx->failed = false; /* swallowed */
            ok = false;
          } else if (q == 0) {
            ok = false;
          } else {
            lval->s = s;
            set_last(lx, s.ptr, s.len);
          }
        } else if (r == R_BARE) {
          if (!copy_text(lx, &lval->s))
            continue;
          set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        } else {
          ok = false;
        }
      }
      if (ok) {
        lx->st = VG_ST_LNEXT;
        return emit(lx, lloc, VG_TOK_STRING, off(lx, lx->tok));
      }
      if (!first)
        return fail(lx, "expected a string value");
      if (!at(lx, ')'))
        return fail(lx, "expected a ')' token");
      lx->tok = lx->cur++;
      set_last(lx, ")", 1);
      lx->nstack--;
      lx->or_only = false;
      lx->st = VG_ST_AFTER;
      return emit(lx, lloc, VG_TOK_RP, off(lx, lx->tok));
    }

    case VG_ST_LNEXT:
      skip_blanks(lx);
      if (at(lx, ',')) {
        lx->tok = lx->cur++;
        set_last(lx, ",", 1);
        tok = emit(lx, lloc, VG_TOK_COMMA, off(lx, lx->tok));
        if (enter(lx, top(lx)->depth)) {
          skip_blanks(lx);
          lx->st = VG_ST_LITEM;
        }
        return tok;
      }
      if (!at(lx, ')'))
        return fail(lx, "expected a ')' token");
      lx->tok = lx->cur++;
      set_last(lx, ")", 1);
      lx->nstack--;
      lx->or_only = false;
      lx->st = VG_ST_AFTER;
      return emit(lx, lloc, VG_TOK_RP, off(lx, lx->tok));

    case VG_ST_TARG: {
      vg_lex_frame *f = top(lx);
      uint32_t a = f->depth;
      /* parse_field_transformer_arg gets the cursor position at its call:
       * after the blanks for the first argument, right after ',' later */
      vg_pos argpos = vg_cond_lex_pos(lx, off(lx, lx->cur));
      if (!enter(lx, a))
        continue;
      skip_blanks(lx);
      r = scan(lx, yycTARG);
      switch (r) {
      case R_NUM:
        lval->s = text(lx);
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        lx->st = VG_ST_TNEXT;
        return emit_at(lx, lloc, VG_TOK_NUMBER, argpos);
      case R_QUOTE: {
        lx->cur = lx->tok;
        int q = scan_quoted(lx, &s);
        if (q < 0)
          continue;
        if (q == 0)
          return fail(lx, MSG_TARG);
        lval->s = s;
        set_last(lx, s.ptr, s.len);
        lx->st = VG_ST_TNEXT;
        return emit_at(lx, lloc, VG_TOK_STRING, argpos);
      }
      case R_LP:
        set_last(lx, "(", 1);
        tok = emit_at(lx, lloc, VG_TOK_LP, argpos);
        if (push(lx, VG_FR_TLIST, VG_ST_TNEXT, a, argpos)) {
          skip_blanks(lx);
          lx->st = VG_ST_TLFIRST;
        }
        return tok;
      case R_TRF:
        lval->tr = lx->tr;
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok - 1));
        tok = emit_at(lx, lloc, VG_TOK_TRF, argpos);
        open_transformer(lx, false, a + 1, VG_ST_TNEXT);
        return tok;
      case R_FIELD:
        lval->s = text(lx);
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        tok = emit_at(lx, lloc, VG_TOK_FIELD, argpos);
        if (enter(lx, a + 1)) {
          lx->fopt_ret = VG_ST_TNEXT;
          lx->st = VG_ST_FOPT;
        }
        return tok;
      default:
        return fail(lx, MSG_TARG);
      }
    }

    case VG_ST_TNEXT:
      skip_blanks(lx);
      if (at(lx, ',')) {
        lx->tok = lx->cur++;
        set_last(lx, ",", 1);
        lx->after_comma = true;
        lx->st = VG_ST_TARG;
        return emit(lx, lloc, VG_TOK_COMMA, off(lx, lx->tok));
      }
      if (!at(lx, ')'))
        return fail(lx, MSG_TCLOSE);
      lx->tok = lx->cur++;
      set_last(lx, ")", 1);
      lx->fopt_ret = top(lx)->ret;
      lx->nstack--;
      lx->st = VG_ST_FOPT;
      if (lx->fopt_ret == VG_ST_AFTER)
        lx->or_only = false;
      return emit(lx, lloc, VG_TOK_RP, off(lx, lx->tok));

    case VG_ST_TLFIRST:
      if (at(lx, ')')) {
        lx->tok = lx->cur++;
        set_last(lx, ")", 1);
        lx->nstack--;
        lx->st = VG_ST_TNEXT;
        return emit(lx, lloc, VG_TOK_RP, off(lx, lx->tok));
      }
      lx->st = VG_ST_TLITEM;
      continue;

    case VG_ST_TLITEM: {
      vg_lex_frame *f = top(lx);
      vg_pos ipos = f->pos; /* libsinsp gives every item the list's pos */
      uint32_t a = f->depth;
      r = scan(lx, yycTLITEM);
      switch (r) {
      case R_FIELD:
        lval->s = text(lx);
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        tok = emit_at(lx, lloc, VG_TOK_FIELD, ipos);
        if (enter(lx, a + 1)) {
          lx->fopt_ret = VG_ST_TLNEXT;
          lx->st = VG_ST_FOPT;
        }
        return tok;
      case R_TRF:
        lval->tr = lx->tr;
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok - 1));
        tok = emit_at(lx, lloc, VG_TOK_TRF, ipos);
        open_transformer(lx, true, a + 1, VG_ST_TLNEXT);
        return tok;
      case R_QUOTE: {
        lx->cur = lx->tok;
        int q = scan_quoted(lx, &s);
        if (q < 0)
          continue;
        if (q == 0)
          return fail(lx, MSG_TLARG);
        lval->s = s;
        set_last(lx, s.ptr, s.len);
        lx->st = VG_ST_TLNEXT;
        return emit_at(lx, lloc, VG_TOK_STRING, ipos);
      }
      case R_NUM:
        lval->s = text(lx);
        set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
        lx->st = VG_ST_TLNEXT;
        return emit_at(lx, lloc, VG_TOK_NUMBER, ipos);
      default:
        return fail(lx, MSG_TLARG);
      }
    }

    case VG_ST_TLNEXT:
      skip_blanks(lx);
      if (at(lx, ',')) {
        lx->tok = lx->cur++;
        set_last(lx, ",", 1);
        tok = emit(lx, lloc, VG_TOK_COMMA, off(lx, lx->tok));
        skip_blanks(lx);
        lx->st = VG_ST_TLITEM;
        return tok;
      }
      if (!at(lx, ')'))
        return fail(lx, "expected ')'");
      lx->tok = lx->cur++;
      set_last(lx, ")", 1);
      lx->nstack--;
      lx->st = VG_ST_TNEXT;
      return emit(lx, lloc, VG_TOK_RP, off(lx, lx->tok));

    case VG_ST_VALARG:
      r = scan(lx, yycVALARG);
      if (r != R_FIELD)
        return fail(lx, "expected a field within 'val' transformer");
      lval->s = text(lx);
      set_last(lx, lx->tok, (size_t)(lx->cur - lx->tok));
      tok = emit(lx, lloc, VG_TOK_FIELD, off(lx, lx->tok));
      if (enter(lx, lx->o + 7)) {
        lx->fopt_ret = VG_ST_VALCLOSE;
        lx->st = VG_ST_FOPT;
      }
      return tok;

    case VG_ST_VALCLOSE:
      skip_blanks(lx);
      if (!at(lx, ')'))
        return fail(lx, MSG_TCLOSE);
      lx->tok = lx->cur++;
      set_last(lx, ")", 1);
      lx->fopt_ret = VG_ST_AFTER;
      lx->or_only = false;
      lx->st = VG_ST_FOPT;
      return emit(lx, lloc, VG_TOK_RP, off(lx, lx->tok));

    case VG_ST_AFTER: {
      skip_blanks(lx);
      const char *kw = lx->cur;
      if (!lx->or_only && starts(lx, kw, "and")) {
        lx->cur += 3;
        set_last(lx, "and", 3);
        if (skip_blanks(lx)) {
          tok = emit(lx, lloc, VG_TOK_AND, off(lx, kw));
          lloc->end = off(lx, kw) + 3;
          if (enter(lx, lx->o + 2))
            lx->st = VG_ST_NOTS;
          return tok;
        }
        if (at(lx, '(')) {
          lx->cur++;
          tok = emit(lx, lloc, VG_TOK_ANDLP, off(lx, kw));
          open_group(lx, 2, false);
          return tok;
        }
        return fail(lx, "expected blank or '(' after 'and'");
      }
      if (starts(lx, kw, "or")) {
        lx->cur += 2;
        set_last(lx, "or", 2);
        lx->or_only = false;
        if (skip_blanks(lx)) {
          tok = emit(lx, lloc, VG_TOK_OR, off(lx, kw));
          lloc->end = off(lx, kw) + 2;
          if (enter(lx, lx->o + 1) && enter(lx, lx->o + 2))
            lx->st = VG_ST_NOTS;
          return tok;
        }
        if (at(lx, '(')) {
          lx->cur++;
          tok = emit(lx, lloc, VG_TOK_ORLP, off(lx, kw));
          open_group(lx, 1, true);
          return tok;
        }
        return fail(lx, "expected blank or '(' after 'or'");
      }
      vg_lex_frame *f = top(lx);
      if (f) {
        /* parse_embedded_remainder: the group must close here */
        if (!at(lx, ')'))
          return fail(lx, "expected a ')' token");
        lx->tok = lx->cur++;
        set_last(lx, ")", 1);
        lx->o = f->depth;
        lx->or_only = f->or_only;
        lx->nstack--;
        return emit(lx, lloc, VG_TOK_RP, off(lx, lx->tok));
      }
      if (lx->cur != lx->lim)
        return fail_unexpected(lx, true);
      lx->st = VG_ST_END;
      return emit(lx, lloc, VG_TOK_YYEOF, off(lx, lx->cur));
    }

    case VG_ST_END:
    default:
      return emit(lx, lloc, VG_TOK_YYEOF, off(lx, lx->cur));
    }
  }
}

bool vg_cond_lex_init(vg_cond_lexer *lx, vg_arena *a, const char *buf,
                      uint32_t len, int mode, uint32_t max_depth,
                      vg_parse_error *err) {
  memset(lx, 0, sizeof *lx);
  lx->buf = buf;
  lx->cur = buf;
  lx->lim = buf + len;
  lx->mar = buf;
  lx->tok = buf;
  lx->len = len;
  lx->lc_idx = 0;
  lx->lc_line = 1;
  lx->lc_col = 1;
  lx->st = mode == VG_LEX_OPERAND ? VG_ST_INIT_OPERAND : VG_ST_INIT_CONDITION;
  lx->max_depth = max_depth;
  lx->arena = a;
  lx->err = err;
  lx->status = VIGIL_OK;
  lx->last = "";
  lx->last_len = 0;
  return true;
}
