/*
 * condition.y - LALR(1) grammar of Falco's condition language
 * (rules-language.md 7.3/7.4). The lexer (condition.re) picks token classes
 * by context and reports every libsinsp error itself (by returning
 * VG_YYerror, which makes bison fail without a message of its own); the
 * actions here only build AST nodes in the parse arena. GRAMMAR.md has the
 * EBNF and the places where Falco's behaviour lives in the lexer.
 */
%define api.pure full
%define api.prefix {vg_yy}
%define api.token.prefix {VG_TOK_}
%define api.location.type {vg_loc}
%define parse.error custom
%define parse.lac full
%locations
%param {vg_cond_parser *p}
%expect 0

%code requires {
#include "condition.h"
}

%union {
  vg_str s;
  vg_tr tr;
  vg_op op;
  vg_mod mod;
  vg_node *n;
  unsigned count;
  vg_opt_str fa;
}

%code provides {
int vg_yylex(VG_YYSTYPE *lval, VG_YYLTYPE *lloc, vg_cond_parser *p);
void vg_yyerror(const VG_YYLTYPE *lloc, vg_cond_parser *p, const char *msg);
}

%code {
#define YYLLOC_DEFAULT(cur, rhs, n)                                          \
  do {                                                                       \
    if (n) {                                                                 \
      (cur).pos = YYRHSLOC(rhs, 1).pos;                                      \
      (cur).end = YYRHSLOC(rhs, n).end;                                      \
    } else {                                                                 \
      (cur).pos = YYRHSLOC(rhs, 0).pos;                                      \
      (cur).end = YYRHSLOC(rhs, 0).end;                                      \
    }                                                                        \
  } while (0)

/* Every builder returns NULL only when the arena is exhausted. */
#define B(x)                                                                 \
  do {                                                                       \
    if (!(x))                                                                \
      YYNOMEM;                                                               \
  } while (0)

#define YYINITDEPTH 256
/* stack growth goes through vigil's allocator (OOM torture tests) */
#define YYMALLOC vg_malloc
#define YYFREE vg_free
#include "util/alloc.h"
}

%token START_CONDITION "start of condition"
%token START_OPERAND "start of operand"
%token NOT "not"
%token NOTLP "not("
%token AND "and"
%token ANDLP "and("
%token OR "or"
%token ORLP "or("
%token LP "("
%token RP ")"
%token COMMA ","
%token LB "["
%token RB "]"
%token VALLP "val("
%token <s> FIELD "field name"
%token <s> IDENT "identifier"
%token <s> STRING "string"
%token <s> NUMBER "number"
%token <s> ARG "field argument"
%token <tr> TRF "transformer"
%token <op> EXISTS "exists"
%token <op> NUMOP "numeric operator"
%token <op> STROP "string operator"
%token <op> LISTOP "list operator"
%token <mod> MOD "modifier"

%type <n> or_expr or_chain group and_expr and_chain not_expr
%type <n> primary check lhs field transformer tr_head targ tlist
%type <n> tl_head titem num_rhs str_rhs mod_rhs list_rhs rhs_field
%type <n> list l_head
%type <count> nots
%type <fa> farg_opt

%%

start:
  START_CONDITION and_expr YYEOF  { B(vg_pb_root(p, $2, false)); }
| START_CONDITION or_chain YYEOF  { B(vg_pb_root(p, $2, true)); }
| START_OPERAND lhs YYEOF         { B(vg_pb_root(p, $2, false)); }
;

or_expr:
  and_expr
| or_chain
;

/* n-ary: one node for a whole chain; a parenthesised chain stays a child */
or_chain:
  and_expr OR and_expr      { B($$ = vg_pb_chain(p, VG_N_OR, $1, $3, @$)); }
| and_expr ORLP group       { B($$ = vg_pb_chain(p, VG_N_OR, $1, $3, @$)); }
| or_chain OR and_expr      { B($$ = vg_pb_append(p, $1, $3)); }
| or_chain ORLP group       { B($$ = vg_pb_append(p, $1, $3)); }
;

group:
  or_expr RP                { $$ = $1; }
;

and_expr:
  not_expr
| and_chain
;

and_chain:
  not_expr AND not_expr     { B($$ = vg_pb_chain(p, VG_N_AND, $1, $3, @$)); }
| not_expr ANDLP group      { B($$ = vg_pb_chain(p, VG_N_AND, $1, $3, @$)); }
| and_chain AND not_expr    { B($$ = vg_pb_append(p, $1, $3)); }
| and_chain ANDLP group     { B($$ = vg_pb_append(p, $1, $3)); }
;

/* each "not" toggles: an even count leaves no node */
not_expr:
  primary
| nots primary              { B($$ = vg_pb_not(p, $1, $2, @$)); }
| nots NOTLP group          { B($$ = vg_pb_not(p, $1 + 1, $3, @$)); }
| NOTLP group               { B($$ = vg_pb_not(p, 1, $2, @$)); }
;

nots:
  NOT                       { $$ = 1; }
| nots NOT                  { $$ = $1 + 1; }
;

primary:
  LP group                  { $$ = $2; }
| check
| IDENT                     { B($$ = vg_pb_ident(p, $1, @$)); }
;

check:
  lhs EXISTS                { B($$ = vg_pb_unary(p, $1, $2, @$)); }
| lhs NUMOP num_rhs
    { B($$ = vg_pb_binary(p, $1, $2, VG_MOD_NONE, $3, @$)); }
| lhs STROP str_rhs
    { B($$ = vg_pb_binary(p, $1, $2, VG_MOD_NONE, $3, @$)); }
| lhs STROP MOD mod_rhs
    { B($$ = vg_pb_binary(p, $1, $2, $3, $4, @$)); }
| lhs LISTOP list_rhs
    { B($$ = vg_pb_binary(p, $1, $2, VG_MOD_NONE, $3, @$)); }
;

lhs:
  field
| transformer
;

field:
  FIELD farg_opt            { B($$ = vg_pb_field(p, $1, $2, @$)); }
;

farg_opt:
  %empty                    { $$.has = false; $$.s.ptr = ""; $$.s.len = 0; }
| LB ARG RB                 { $$.has = true; $$.s = $2; }
;

transformer:
  tr_head RP farg_opt       { B($$ = vg_pb_set_arg(p, $1, $3)); }
;

tr_head:
  TRF targ                  { B($$ = vg_pb_transformer(p, $1, @$));
                              B(vg_pb_add(p, $$, $2)); }
| tr_head COMMA targ        { B($$ = vg_pb_add(p, $1, $3)); }
;

targ:
  NUMBER                    { B($$ = vg_pb_value(p, $1, @$)); }
| STRING                    { B($$ = vg_pb_value(p, $1, @$)); }
| tlist
| transformer
| field
;

tlist:
  LP RP                     { B($$ = vg_pb_list(p, VG_N_TLIST, @$)); }
| tl_head RP                { $$ = $1; }
;

tl_head:
  LP titem                  { B($$ = vg_pb_list(p, VG_N_TLIST, @$));
                              B(vg_pb_add(p, $$, $2)); }
| tl_head COMMA titem       { B($$ = vg_pb_add(p, $1, $3)); }
;

titem:
  field
| transformer
| STRING                    { B($$ = vg_pb_value(p, $1, @$)); }
| NUMBER                    { B($$ = vg_pb_value(p, $1, @$)); }
;

num_rhs:
  NUMBER                    { B($$ = vg_pb_value(p, $1, @$)); }
| rhs_field
;

str_rhs:
  STRING                    { B($$ = vg_pb_value(p, $1, @$)); }
| rhs_field
;

mod_rhs:
  list
| STRING                    { B($$ = vg_pb_value(p, $1, @$)); }
;

list_rhs:
  list
| rhs_field
| STRING                    { B($$ = vg_pb_value(p, $1, @$)); }
;

rhs_field:
  transformer
| VALLP field RP farg_opt   { B($$ = vg_pb_transformer(p, VG_TR_VAL, @$));
                              B(vg_pb_add(p, $$, $2));
                              B(vg_pb_set_arg(p, $$, $4)); }
;

list:
  LP RP                     { B($$ = vg_pb_list(p, VG_N_LIST, @$)); }
| l_head RP                 { $$ = $1; }
;

l_head:
  LP STRING                 { B($$ = vg_pb_list(p, VG_N_LIST, @1));
                              B(vg_pb_add(p, $$, vg_pb_value(p, $2, @2))); }
| l_head COMMA STRING
    { B($$ = vg_pb_add(p, $1, vg_pb_value(p, $3, @3))); }
;

%%

/* The lexer reports every error libsinsp can raise; a token the grammar
 * rejects would be a disagreement between lexer and grammar (a bug), which
 * still fails cleanly with a generic message at the token. */
static int yyreport_syntax_error(const yypcontext_t *ctx, vg_cond_parser *p) {
  if (!p->lx.failed) {
    const VG_YYLTYPE *loc = yypcontext_location(ctx);
    vg_cond_lex_fail(&p->lx, VIGIL_E_INTERNAL, loc->pos.idx,
                     "internal error: unexpected token");
  }
  return 0;
}

void vg_yyerror(const VG_YYLTYPE *lloc, vg_cond_parser *p, const char *msg) {
  (void)lloc;
  (void)msg;
  /* only "memory exhausted" reaches here */
  p->nomem = true;
}
