/*
 * condition.h - internal interface between the condition lexer
 * (condition.re), the bison parser (condition.y) and the parse glue in
 * compiler/front/parser.c. Nothing here is public; parser.h is the API.
 *
 * The lexer mirrors libsinsp's recursive-descent parser: it keeps a small
 * stack of open parentheses (what each one opened and what follows its
 * closing), picks the token classes to try from that context and from the
 * previous token (start conditions), tracks libsinsp's recursion-depth
 * counter, and reports libsinsp's exact error message at libsinsp's exact
 * cursor position by returning a VG_TOK_ERROR token (see GRAMMAR.md). The
 * bison grammar then only assembles the AST. Everything is reentrant: all
 * state lives in vg_cond_lexer / vg_cond_parser.
 */
#ifndef VG_CONDITION_H
#define VG_CONDITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "front/ast.h"
#include "front/parser.h"
#include "util/arena.h"
#include "vigil/status.h"

/* Bison location: the libsinsp node position a node starting at this token
 * would get (usually the token's first byte, see GRAMMAR.md for the
 * exceptions) and the byte offset just past the token. */
typedef struct vg_loc {
  vg_pos pos;
  uint32_t end;
} vg_loc;

/* An optional bracket argument ([..] after a field or transformer). */
typedef struct vg_opt_str {
  bool has;
  vg_str s;
} vg_opt_str;

/* One open parenthesis (or transformer call) the lexer is inside. */
typedef struct vg_lex_frame {
  uint8_t kind;    /* VG_FR_* (condition.re) */
  uint8_t ret;     /* lexer state after the closing token */
  uint8_t or_only; /* GROUP opened by "or(": only "or" may follow it */
  uint32_t depth;  /* GROUP: enclosing or-depth; TRF/TLIST/LIST: arg depth */
  vg_pos pos;      /* TLIST: position given to its items */
} vg_lex_frame;

typedef struct vg_cond_lexer {
  const char *buf; /* the text, NUL-terminated copy */
  const char *cur; /* re2c cursor */
  const char *lim; /* buf + len (the sentinel) */
  const char *mar; /* re2c backtracking marker */
  const char *tok; /* start of the current match */
  uint32_t len;

  /* incremental line/column tracking for forward position queries */
  uint32_t lc_idx, lc_line, lc_col;

  int st;       /* what to scan next (VG_ST_*) */
  int fopt_ret; /* state after an optional [arg] */
  uint32_t o;   /* libsinsp depth of the innermost parse_or */
  uint32_t max_depth;
  bool after_comma; /* next transformer argument follows a ',' */
  bool or_only;     /* AFTER state right after an "or(" group */

  vg_lex_frame *stack;
  uint32_t nstack, capstack;

  /* libsinsp's m_last_token, for "unexpected token after '...'" */
  const char *last;
  size_t last_len;

  /* scratch set by the scanner for the current match */
  vg_op op;
  vg_tr tr;

  vg_arena *arena;
  vigil_status status; /* VIGIL_E_SYNTAX / _LIMIT / _NOMEM once failed */
  vg_parse_error *err;
  bool failed;
} vg_cond_lexer;

typedef struct vg_cond_parser {
  vg_cond_lexer lx;
  vg_arena *arena;
  vg_node *root;
  bool nomem;
} vg_cond_parser;

/* Start modes for vg_cond_lex_init. */
enum { VG_LEX_CONDITION = 0, VG_LEX_OPERAND = 1 };

/* Prepares lx over buf[0..len) (buf[len] must be NUL). err receives the
 * first error. False when out of memory. */
bool vg_cond_lex_init(vg_cond_lexer *lx, vg_arena *a, const char *buf,
                      uint32_t len, int mode, uint32_t max_depth,
                      vg_parse_error *err);

/* libsinsp position (idx, line, col) of byte offset idx. */
vg_pos vg_cond_lex_pos(vg_cond_lexer *lx, uint32_t idx);

/* Records a syntax error with message msg at byte offset idx unless one is
 * already recorded. */
void vg_cond_lex_fail(vg_cond_lexer *lx, vigil_status st, uint32_t idx,
                      const char *msg);

/* The bison entry point (condition.y). */
int vg_yyparse(vg_cond_parser *p);

/* Node builders used by the grammar actions (compiler/front/parser.c).
 * All return NULL when the arena is exhausted. */
vg_node *vg_pb_chain(vg_cond_parser *p, vg_node_kind kind, vg_node *first,
                     vg_node *second, vg_loc at);
vg_node *vg_pb_append(vg_cond_parser *p, vg_node *chain, vg_node *kid);
vg_node *vg_pb_not(vg_cond_parser *p, unsigned count, vg_node *kid, vg_loc at);
vg_node *vg_pb_ident(vg_cond_parser *p, vg_str name, vg_loc at);
vg_node *vg_pb_value(vg_cond_parser *p, vg_str text, vg_loc at);
vg_node *vg_pb_field(vg_cond_parser *p, vg_str name, vg_opt_str arg, vg_loc at);
vg_node *vg_pb_transformer(vg_cond_parser *p, vg_tr tr, vg_loc at);
vg_node *vg_pb_set_arg(vg_cond_parser *p, vg_node *n, vg_opt_str arg);
vg_node *vg_pb_list(vg_cond_parser *p, vg_node_kind kind, vg_loc at);
vg_node *vg_pb_add(vg_cond_parser *p, vg_node *parent, vg_node *kid);
vg_node *vg_pb_unary(vg_cond_parser *p, vg_node *lhs, vg_op op, vg_loc at);
vg_node *vg_pb_binary(vg_cond_parser *p, vg_node *lhs, vg_op op, vg_mod mod,
                      vg_node *rhs, vg_loc at);
/* Sets the root; top=true for an or-chain of the whole condition, which
 * libsinsp places at the start of the text. */
vg_node *vg_pb_root(vg_cond_parser *p, vg_node *n, bool top);

#endif
