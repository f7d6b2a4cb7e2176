/*
 * ast.h - the condition AST that the parser (grammar/) builds and every
 * later pass (macro resolution, type checks, event-type inference, lowering)
 * reads. Node kinds follow libsinsp's filter AST (rules-language.md 7.4) so
 * canonical printing and node positions match Falco byte for byte.
 *
 * All nodes and strings live in the vg_arena passed to the parser; nothing
 * is freed one by one. Strings are (ptr, len) pairs and may contain NUL
 * bytes (a "\x00" escape); ptr is also NUL-terminated for convenience.
 *
 * Positions: every node carries the parser position of its first byte
 * (pos.idx 0-based byte offset into the condition text, pos.line and
 * pos.col 1-based, where every CR and every LF starts a new line, as in
 * libsinsp) and the byte offset just past its last byte (end).
 */
#ifndef VG_AST_H
#define VG_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "vigil/status.h"

typedef struct vg_str {
  const char *ptr; /* NUL-terminated, but may contain NUL bytes */
  size_t len;
} vg_str;

typedef struct vg_pos {
  uint32_t idx;  /* 0-based byte offset */
  uint32_t line; /* 1-based */
  uint32_t col;  /* 1-based */
} vg_pos;

typedef enum vg_node_kind {
  VG_N_AND,        /* kids[0..nkids) */
  VG_N_OR,         /* kids[0..nkids) */
  VG_N_NOT,        /* kids[0] */
  VG_N_IDENT,      /* str = macro name */
  VG_N_UNARY,      /* kids[0] = lhs operand; op = VG_OP_EXISTS */
  VG_N_BINARY,     /* kids[0] = lhs operand, kids[1] = rhs; op, mod */
  VG_N_FIELD,      /* str = field name token, arg/has_arg = bracket argument */
  VG_N_TRANSFORMER, /* tr = which, kids = arguments, arg/has_arg = [c] */
  VG_N_TLIST,      /* transformer list argument: kids[0..nkids) */
  VG_N_VALUE,      /* str = unescaped constant text */
  VG_N_LIST        /* kids[0..nkids) are VG_N_VALUE */
} vg_node_kind;

/* Comparison operators. EQ is '=', EQEQ is '==' (same meaning, printed as
 * written). */
typedef enum vg_op {
  VG_OP_NONE = 0,
  VG_OP_EXISTS,
  VG_OP_EQ,
  VG_OP_EQEQ,
  VG_OP_NE,
  VG_OP_LT,
  VG_OP_LE,
  VG_OP_GT,
  VG_OP_GE,
  VG_OP_CONTAINS,
  VG_OP_ICONTAINS,
  VG_OP_BCONTAINS,
  VG_OP_STARTSWITH,
  VG_OP_BSTARTSWITH,
  VG_OP_ENDSWITH,
  VG_OP_GLOB,
  VG_OP_IGLOB,
  VG_OP_REGEX,
  VG_OP_IN,
  VG_OP_INTERSECTS,
  VG_OP_PMATCH,
  VG_OP__COUNT
} vg_op;

typedef enum vg_mod {
  VG_MOD_NONE = 0,
  VG_MOD_ONEOF,
  VG_MOD_ANYOF,
  VG_MOD_ALLOF
} vg_mod;

typedef enum vg_tr {
  VG_TR_TOLOWER,
  VG_TR_TOUPPER,
  VG_TR_B64,
  VG_TR_BASENAME,
  VG_TR_LEN,
  VG_TR_JOIN,
  VG_TR_CONCAT,
  VG_TR_GETOPT,
  VG_TR_VAL, /* val(field): right-hand side only */
  VG_TR__COUNT
} vg_tr;

typedef struct vg_node vg_node;
struct vg_node {
  vg_node_kind kind;
  vg_op op;   /* UNARY, BINARY */
  vg_mod mod; /* BINARY */
  vg_tr tr;   /* TRANSFORMER */
  bool has_arg; /* FIELD, TRANSFORMER: a [..] argument was written */
  vg_str str;   /* IDENT, FIELD, VALUE */
  vg_str arg;   /* FIELD, TRANSFORMER: the argument text (unescaped) */
  vg_node **kids;
  uint32_t nkids;
  uint32_t kcap; /* allocated slots in kids (vg_ast_add_kid) */
  vg_pos pos;   /* start of the node */
  uint32_t end; /* byte offset past the node's last byte */
};

/* Operator text as written in conditions ("=", "==", "startswith", ...). */
const char *vg_op_name(vg_op op);
/* Modifier word ("oneof", ...), "" for VG_MOD_NONE. */
const char *vg_mod_name(vg_mod m);
/* Transformer name ("tolower", ..., "val"). */
const char *vg_tr_name(vg_tr t);

/* Node constructors: allocate in the arena; NULL when out of memory. */
vg_node *vg_ast_new(vg_arena *a, vg_node_kind kind, vg_pos pos);
/* Appends a child (kids grow in the arena); false when out of memory. */
bool vg_ast_add_kid(vg_arena *a, vg_node *parent, vg_node *kid);
/* Deep copy into arena a (used by macro expansion). */
vg_node *vg_ast_clone(vg_arena *a, const vg_node *n);

/* Falco's canonical printing (rules-language.md 7.11) appended to b. */
void vg_ast_print(vg_buf *b, const vg_node *n);

/* Falco's value quoting for printing (escaping.tsv 'escape'): appends s
 * bare or double-quoted with escapes, as libsinsp prints values. */
void vg_ast_print_value(vg_buf *b, vg_str s);

/* Falco's unescape_str: raw is a whole quoted string including both
 * quotes ('"a\\x41"'); on success *out is the unescaped content (arena
 * copy, NUL-terminated, may contain NULs). On a bad escape returns
 * VIGIL_E_SYNTAX with Falco's message in msg ("truncated hex char escape
 * sequence", ...); VIGIL_E_NOMEM when the arena cannot grow. */
vigil_status vg_ast_unescape(vg_arena *a, const char *raw, size_t len,
                             vg_str *out, char *msg, size_t msgsize);

#endif
