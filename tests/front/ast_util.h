/*
 * ast_util.h - helpers shared by the front-end tests (header-only):
 * libsinsp's position dump (filter_parser.ut.cpp pos_visitor), structural
 * AST equality, and parse-and-print shorthands.
 */
#ifndef VG_TEST_AST_UTIL_H
#define VG_TEST_AST_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "front/ast.h"
#include "front/parser.h"

static inline void tu_add_pos(vg_buf *b, const char *kind, vg_pos p) {
  vg_buf_printf(b, "%s%u %u %u", kind, (unsigned)p.idx, (unsigned)p.line,
                (unsigned)p.col);
}

/* Pre-order "<kind><idx> <line> <col>" as libsinsp's test visitor: list
 * and transformer-list children are not visited. */
static void tu_positions(vg_buf *b, const vg_node *n) {
  static const char *const names[] = {[VG_N_AND] = "and",
                                      [VG_N_OR] = "or",
                                      [VG_N_NOT] = "not",
                                      [VG_N_IDENT] = "identifier",
                                      [VG_N_UNARY] = "unary",
                                      [VG_N_BINARY] = "binary",
                                      [VG_N_FIELD] = "field",
                                      [VG_N_TRANSFORMER] = "transformer",
                                      [VG_N_TLIST] = "transformer_list",
                                      [VG_N_VALUE] = "value",
                                      [VG_N_LIST] = "list"};
  tu_add_pos(b, names[n->kind], n->pos);
  if (n->kind == VG_N_LIST || n->kind == VG_N_TLIST)
    return;
  for (uint32_t i = 0; i < n->nkids; i++)
    tu_positions(b, n->kids[i]);
}

static bool tu_str_eq(vg_str a, vg_str b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* Structural equality ignoring positions ('=' and '==' differ, as the
 * operator text differs in libsinsp). */
static bool tu_equal(const vg_node *a, const vg_node *b) {
  if (a->kind != b->kind || a->op != b->op || a->mod != b->mod ||
      a->nkids != b->nkids || a->has_arg != b->has_arg)
    return false;
  if (a->kind == VG_N_TRANSFORMER && a->tr != b->tr)
    return false;
  if (!tu_str_eq(a->str, b->str) || (a->has_arg && !tu_str_eq(a->arg, b->arg)))
    return false;
  for (uint32_t i = 0; i < a->nkids; i++)
    if (!tu_equal(a->kids[i], b->kids[i]))
      return false;
  return true;
}

#endif
