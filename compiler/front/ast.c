/*
 * ast.c - condition AST: constructors, deep copy, operator/transformer
 * names, Falco's string escaping in both directions, and the canonical
 * printing libsinsp uses (rules-language.md 7.11, escaping.tsv).
 *
 * Recursion in clone and print follows the tree's nesting, which the parser
 * caps (1000 libsinsp levels); and/or chains are flat n-ary nodes, so even
 * 100000-term chains recurse only one level.
 */
#include "front/ast.h"

#include <stdio.h>
#include <string.h>

static const char *const op_names[VG_OP__COUNT] = {
    [VG_OP_NONE] = "",
    [VG_OP_EXISTS] = "exists",
    [VG_OP_EQ] = "=",
    [VG_OP_EQEQ] = "==",
    [VG_OP_NE] = "!=",
    [VG_OP_LT] = "<",
    [VG_OP_LE] = "<=",
    [VG_OP_GT] = ">",
    [VG_OP_GE] = ">=",
    [VG_OP_CONTAINS] = "contains",
    [VG_OP_ICONTAINS] = "icontains",
    [VG_OP_BCONTAINS] = "bcontains",
    [VG_OP_STARTSWITH] = "startswith",
    [VG_OP_BSTARTSWITH] = "bstartswith",
    [VG_OP_ENDSWITH] = "endswith",
    [VG_OP_GLOB] = "glob",
    [VG_OP_IGLOB] = "iglob",
    [VG_OP_REGEX] = "regex",
    [VG_OP_IN] = "in",
    [VG_OP_INTERSECTS] = "intersects",
    [VG_OP_PMATCH] = "pmatch",
};

static const char *const tr_names[VG_TR__COUNT] = {
    [VG_TR_TOLOWER] = "tolower", [VG_TR_TOUPPER] = "toupper",
    [VG_TR_B64] = "b64",         [VG_TR_BASENAME] = "basename",
    [VG_TR_LEN] = "len",         [VG_TR_JOIN] = "join",
    [VG_TR_CONCAT] = "concat",   [VG_TR_GETOPT] = "getopt",
    [VG_TR_VAL] = "val",
};

const char *vg_op_name(vg_op op) {
  if ((unsigned)op >= VG_OP__COUNT)
    return "";
  return op_names[op];
}

const char *vg_mod_name(vg_mod m) {
  switch (m) {
  case VG_MOD_ONEOF:
    return "oneof";
  case VG_MOD_ANYOF:
    return "anyof";
  case VG_MOD_ALLOF:
    return "allof";
  default:
    return "";
  }
}

const char *vg_tr_name(vg_tr t) {
  if ((unsigned)t >= VG_TR__COUNT)
    return "";
  return tr_names[t];
}

vg_node *vg_ast_new(vg_arena *a, vg_node_kind kind, vg_pos pos) {
  vg_node *n = vg_arena_alloc(a, sizeof *n);
  if (!n)
    return NULL;
  n->kind = kind;
  n->pos = pos;
  n->end = pos.idx;
  n->str.ptr = "";
  n->arg.ptr = "";
  return n;
}

bool vg_ast_add_kid(vg_arena *a, vg_node *parent, vg_node *kid) {
  if (!parent || !kid)
    return false;
  /* >=: a node whose kids were set by hand has kcap 0 */
  if (parent->nkids >= parent->kcap) {
    uint32_t ncap = parent->nkids ? parent->nkids * 2 : 2;
    if (ncap <= parent->nkids)
      return false;
    vg_node **nk = vg_arena_alloc(a, (size_t)ncap * sizeof *nk);
    if (!nk)
      return false;
    if (parent->nkids)
      memcpy(nk, parent->kids, parent->nkids * sizeof *nk);
    parent->kids = nk;
    parent->kcap = ncap;
  }
  parent->kids[parent->nkids++] = kid;
  return true;
}

static bool clone_str(vg_arena *a, vg_str *dst, vg_str src) {
  char *p = vg_arena_alloc(a, src.len + 1);
  if (!p)
    return false;
  if (src.len)
    memcpy(p, src.ptr, src.len);
  dst->ptr = p;
  dst->len = src.len;
  return true;
}

vg_node *vg_ast_clone(vg_arena *a, const vg_node *n) {
  if (!n)
    return NULL;
  vg_node *c = vg_arena_alloc(a, sizeof *c);
  if (!c)
    return NULL;
  *c = *n;
  c->kids = NULL;
  c->nkids = 0;
  c->kcap = 0;
  if (!clone_str(a, &c->str, n->str) || !clone_str(a, &c->arg, n->arg))
    return NULL;
  if (n->nkids) {
    c->kids = vg_arena_alloc(a, (size_t)n->nkids * sizeof *c->kids);
    if (!c->kids)
      return NULL;
    c->kcap = n->nkids;
    for (uint32_t i = 0; i < n->nkids; i++) {
      vg_node *k = vg_ast_clone(a, n->kids[i]);
      if (!k)
        return NULL;
      c->kids[i] = k;
    }
    c->nkids = n->nkids;
  }
  return c;
}

/* ---- escaping ----------------------------------------------------------- */

void vg_ast_print_value(vg_buf *b, vg_str s) {
  bool quote = false;
  for (size_t i = 0; i < s.len && !quote; i++) {
    switch (s.ptr[i]) {
    case '\b':
    case '\f':
    case '\n':
    case '\r':
    case '\t':
    case ' ':
    case '=':
    case '\\':
    case '"':
    case '\'':
    case '\0':
      quote = true;
      break;
    default:
      break;
    }
  }
  if (!quote) {
    vg_buf_append(b, s.ptr, s.len);
    return;
  }
  vg_buf_putc(b, '"');
  size_t run = 0; /* start of the pending run of verbatim bytes */
  for (size_t i = 0; i < s.len; i++) {
    const char *esc = NULL;
    switch (s.ptr[i]) {
    case '\b':
      esc = "\\b";
      break;
    case '\f':
      esc = "\\f";
      break;
    case '\n':
      esc = "\\n";
      break;
    case '\r':
      esc = "\\r";
      break;
    case '\t':
      esc = "\\t";
      break;
    case '\\':
      esc = "\\\\";
      break;
    case '"':
      esc = "\\\"";
      break;
    default:
      break;
    }
    if (esc) {
      vg_buf_append(b, s.ptr + run, i - run);
      vg_buf_puts(b, esc);
      run = i + 1;
    }
  }
  vg_buf_append(b, s.ptr + run, s.len - run);
  vg_buf_putc(b, '"');
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

vigil_status vg_ast_unescape(vg_arena *a, const char *raw, size_t len,
                             vg_str *out, char *msg, size_t msgsize) {
  if (msgsize)
    msg[0] = '\0';
  if (len < 2) {
    snprintf(msg, msgsize, "invalid quoted string");
    return VIGIL_E_SYNTAX;
  }
  char *res = vg_arena_alloc(a, len);
  if (!res)
    return VIGIL_E_NOMEM;
  size_t n = 0, end = len - 1;
  bool escaped = false;
  for (size_t i = 1; i < end; i++) {
    char c = raw[i];
    if (!escaped) {
      if (c == '\\')
        escaped = true;
      else
        res[n++] = c;
      continue;
    }
    escaped = false;
    switch (c) {
    case 'b':
      res[n++] = '\b';
      break;
    case 'f':
      res[n++] = '\f';
      break;
    case 'n':
      res[n++] = '\n';
      break;
    case 'r':
      res[n++] = '\r';
      break;
    case 't':
      res[n++] = '\t';
      break;
    case ' ': /* kept for old rule files: "\ " is a backslash */
    case '\\':
      res[n++] = '\\';
      break;
    case '/':
      res[n++] = '/';
      break;
    case '"':
      if (raw[0] != c) {
        snprintf(msg, msgsize, "invalid \\\" escape in '-quoted string");
        return VIGIL_E_SYNTAX;
      }
      res[n++] = '"';
      break;
    case '\'':
      if (raw[0] != c) {
        snprintf(msg, msgsize, "invalid \\' escape in \"-quoted string");
        return VIGIL_E_SYNTAX;
      }
      res[n++] = '\'';
      break;
    case 'x': {
      if (i + 2 >= end) {
        snprintf(msg, msgsize, "truncated hex char escape sequence");
        return VIGIL_E_SYNTAX;
      }
      int h = hexval(raw[i + 1]), l = hexval(raw[i + 2]);
      if (h < 0 || l < 0) {
        snprintf(msg, msgsize, "invalid hex char escape sequence: %.2s",
                 raw + i + 1);
        return VIGIL_E_SYNTAX;
      }
      res[n++] = (char)(h * 16 + l);
      i += 2;
      break;
    }
    default:
      snprintf(msg, msgsize, "unsupported string escape sequence: \\%c", c);
      return VIGIL_E_SYNTAX;
    }
  }
  res[n] = '\0';
  out->ptr = res;
  out->len = n;
  return VIGIL_OK;
}

/* ---- canonical printing ------------------------------------------------- */

static void print_arg(vg_buf *b, const vg_node *n) {
  if (!n->has_arg)
    return;
  if (n->arg.len == 0) {
    vg_buf_puts(b, "[\"\"]");
    return;
  }
  vg_buf_putc(b, '[');
  vg_ast_print_value(b, n->arg);
  vg_buf_putc(b, ']');
}

void vg_ast_print(vg_buf *b, const vg_node *n) {
  if (!n)
    return;
  switch (n->kind) {
  case VG_N_AND:
  case VG_N_OR: {
    const char *sep = n->kind == VG_N_AND ? " and " : " or ";
    vg_buf_putc(b, '(');
    for (uint32_t i = 0; i < n->nkids; i++) {
      if (i)
        vg_buf_puts(b, sep);
      vg_ast_print(b, n->kids[i]);
    }
    vg_buf_putc(b, ')');
    break;
  }
  case VG_N_NOT:
    vg_buf_puts(b, "not ");
    if (n->nkids)
      vg_ast_print(b, n->kids[0]);
    break;
  case VG_N_IDENT:
    vg_buf_append(b, n->str.ptr, n->str.len);
    break;
  case VG_N_UNARY:
    if (n->nkids)
      vg_ast_print(b, n->kids[0]);
    vg_buf_putc(b, ' ');
    vg_buf_puts(b, vg_op_name(n->op));
    break;
  case VG_N_BINARY:
    if (n->nkids)
      vg_ast_print(b, n->kids[0]);
    vg_buf_putc(b, ' ');
    vg_buf_puts(b, vg_op_name(n->op));
    if (n->mod != VG_MOD_NONE) {
      vg_buf_putc(b, ' ');
      vg_buf_puts(b, vg_mod_name(n->mod));
    }
    vg_buf_putc(b, ' ');
    if (n->nkids > 1)
      vg_ast_print(b, n->kids[1]);
    break;
  case VG_N_FIELD:
    vg_buf_append(b, n->str.ptr, n->str.len);
    print_arg(b, n);
    break;
  case VG_N_TRANSFORMER:
  case VG_N_TLIST:
    if (n->kind == VG_N_TRANSFORMER)
      vg_buf_puts(b, vg_tr_name(n->tr));
    vg_buf_putc(b, '(');
    for (uint32_t i = 0; i < n->nkids; i++) {
      if (i)
        vg_buf_putc(b, ',');
      vg_ast_print(b, n->kids[i]);
    }
    vg_buf_putc(b, ')');
    if (n->kind == VG_N_TRANSFORMER)
      print_arg(b, n);
    break;
  case VG_N_VALUE:
    vg_ast_print_value(b, n->str);
    break;
  case VG_N_LIST:
    vg_buf_putc(b, '(');
    for (uint32_t i = 0; i < n->nkids; i++) {
      if (i)
        vg_buf_puts(b, ", ");
      vg_ast_print_value(b, n->kids[i]->str);
    }
    vg_buf_putc(b, ')');
    break;
  }
}
