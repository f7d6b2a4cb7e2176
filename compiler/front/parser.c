/*
 * parser.c - glue between the parse API (parser.h) and the generated
 * lexer/parser in grammar/: copies the text with a NUL sentinel into the
 * arena, runs bison, and maps failures to vigil_status. Also the node
 * builders the grammar actions call (condition.h); they only allocate and
 * link nodes.
 */
#include "front/parser.h"

#include <stdio.h>
#include <string.h>

#include "condition.h"

/* ---- node builders ------------------------------------------------------ */

static vg_node *node(vg_cond_parser *p, vg_node_kind kind, vg_loc at) {
  vg_node *n = vg_ast_new(p->arena, kind, at.pos);
  if (n)
    n->end = at.end;
  return n;
}

static bool dup_str(vg_cond_parser *p, vg_str *dst, vg_str src) {
  char *c = vg_arena_strndup(p->arena, src.ptr, src.len);
  if (!c)
    return false;
  dst->ptr = c;
  dst->len = src.len;
  return true;
}

vg_node *vg_pb_add(vg_cond_parser *p, vg_node *parent, vg_node *kid) {
  if (!parent || !kid || !vg_ast_add_kid(p->arena, parent, kid))
    return NULL;
  if (kid->end > parent->end)
    parent->end = kid->end;
  return parent;
}

vg_node *vg_pb_chain(vg_cond_parser *p, vg_node_kind kind, vg_node *first,
                     vg_node *second, vg_loc at) {
  vg_node *n = node(p, kind, at);
  if (!n || !vg_pb_add(p, n, first) || !vg_pb_add(p, n, second))
    return NULL;
  return n;
}

vg_node *vg_pb_append(vg_cond_parser *p, vg_node *chain, vg_node *kid) {
  return vg_pb_add(p, chain, kid);
}

vg_node *vg_pb_not(vg_cond_parser *p, unsigned count, vg_node *kid, vg_loc at) {
  if (count % 2 == 0)
    return kid;
  vg_node *n = node(p, VG_N_NOT, at);
  return n ? vg_pb_add(p, n, kid) : NULL;
}

vg_node *vg_pb_ident(vg_cond_parser *p, vg_str name, vg_loc at) {
  vg_node *n = node(p, VG_N_IDENT, at);
  if (!n || !dup_str(p, &n->str, name))
    return NULL;
  return n;
}

vg_node *vg_pb_value(vg_cond_parser *p, vg_str text, vg_loc at) {
  vg_node *n = node(p, VG_N_VALUE, at);
  if (!n)
    return NULL;
  /* STRING tokens are already arena copies; NUMBER tokens are slices */
  if (text.ptr[text.len] != '\0') {
    if (!dup_str(p, &n->str, text))
      return NULL;
  } else {
    n->str = text;
  }
  return n;
}

vg_node *vg_pb_field(vg_cond_parser *p, vg_str name, vg_opt_str arg,
                     vg_loc at) {
  vg_node *n = node(p, VG_N_FIELD, at);
  if (!n || !dup_str(p, &n->str, name))
    return NULL;
  return vg_pb_set_arg(p, n, arg);
}

vg_node *vg_pb_transformer(vg_cond_parser *p, vg_tr tr, vg_loc at) {
  vg_node *n = node(p, VG_N_TRANSFORMER, at);
  if (n)
    n->tr = tr;
  return n;
}

vg_node *vg_pb_set_arg(vg_cond_parser *p, vg_node *n, vg_opt_str arg) {
  (void)p;
  if (!n)
    return NULL;
  n->has_arg = arg.has;
  if (arg.has)
    n->arg = arg.s;
  return n;
}

vg_node *vg_pb_list(vg_cond_parser *p, vg_node_kind kind, vg_loc at) {
  return node(p, kind, at);
}

vg_node *vg_pb_unary(vg_cond_parser *p, vg_node *lhs, vg_op op, vg_loc at) {
  vg_node *n = node(p, VG_N_UNARY, at);
  if (!n)
    return NULL;
  n->op = op;
  return vg_pb_add(p, n, lhs);
}

vg_node *vg_pb_binary(vg_cond_parser *p, vg_node *lhs, vg_op op, vg_mod mod,
                      vg_node *rhs, vg_loc at) {
  vg_node *n = node(p, VG_N_BINARY, at);
  if (!n)
    return NULL;
  n->op = op;
  n->mod = mod;
  if (!vg_pb_add(p, n, lhs) || !vg_pb_add(p, n, rhs))
    return NULL;
  return n;
}

vg_node *vg_pb_root(vg_cond_parser *p, vg_node *n, bool top) {
  if (!n)
    return NULL;
  if (top) {
    /* libsinsp's top-level parse_or records its position before skipping
     * the leading blanks: the start of the text */
    vg_pos start = {0, 1, 1};
    n->pos = start;
  }
  p->root = n;
  return n;
}

/* ---- entry points ------------------------------------------------------- */

static vigil_status run(vg_arena *a, const char *text, size_t len, int mode,
                        uint32_t max_depth, vg_node **out, vg_pos *end,
                        size_t *consumed, vg_parse_error *err) {
  vg_parse_error scratch;
  if (!err)
    err = &scratch;
  err->msg[0] = '\0';
  err->pos.idx = 0;
  err->pos.line = 1;
  err->pos.col = 1;
  if (!a || (!text && len) || !out)
    return VIGIL_E_INVAL;
  if (len > UINT32_MAX - 1) {
    snprintf(err->msg, sizeof err->msg, "condition too long");
    return VIGIL_E_LIMIT;
  }
  char *buf = vg_arena_strndup(a, text ? text : "", len);
  if (!buf)
    return VIGIL_E_NOMEM;

  vg_cond_parser p;
  memset(&p, 0, sizeof p);
  p.arena = a;
  vg_cond_lex_init(&p.lx, a, buf, (uint32_t)len, mode, max_depth, err);
  int rc = vg_yyparse(&p);
  if (rc != 0 || !p.root) {
    if (p.lx.failed)
      return p.lx.status;
    if (p.nomem || rc == 2)
      return VIGIL_E_NOMEM;
    snprintf(err->msg, sizeof err->msg, "internal parser error");
    return VIGIL_E_INTERNAL;
  }
  if (end)
    *end = vg_cond_lex_pos(&p.lx, (uint32_t)(p.lx.cur - buf));
  if (consumed)
    *consumed = (size_t)(p.lx.cur - buf);
  *out = p.root;
  return VIGIL_OK;
}

vigil_status vg_parse_condition_ex(vg_arena *a, const char *text, size_t len,
                                   uint32_t max_depth, vg_node **out,
                                   vg_pos *end, vg_parse_error *err) {
  return run(a, text, len, VG_LEX_CONDITION, max_depth, out, end, NULL, err);
}

vigil_status vg_parse_condition(vg_arena *a, const char *text, size_t len,
                                vg_node **out, vg_parse_error *err) {
  return run(a, text, len, VG_LEX_CONDITION, VG_PARSE_MAX_DEPTH, out, NULL,
             NULL, err);
}

vigil_status vg_parse_operand(vg_arena *a, const char *text, size_t len,
                              vg_node **out, size_t *consumed,
                              vg_parse_error *err) {
  return run(a, text, len, VG_LEX_OPERAND, 100, out, NULL, consumed, err);
}
