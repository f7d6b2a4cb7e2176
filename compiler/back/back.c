/*
 * back.c - lowering of condition ASTs to VM code and pack serialization
 * (see back.h for the optimisations and guarantees).
 *
 * Per rule: the AST is first folded into a small boolean IR (and/or/not
 * over leaf checks and constants), then emitted. Leaves are single checks;
 * each distinct leaf (by source and structure) owns a MEMO slot. At finish,
 * slots used by a single leaf occurrence are dropped and the code is
 * compacted with jump relocation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "back/back.h"
#include "back/itab.h"
#include "sema/catalog.h"
#include "vm/value.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "vm/pack.h"

typedef struct brule {
  uint32_t name, source, output, desc;
  uint8_t priority, flags;
  uint32_t start, len;
  uint32_t *tags;
  uint32_t ntags;
  uint16_t *evt;
  uint32_t nevt;
  uint32_t *xf; /* append_output extra fields: name, format, raw */
  uint32_t nxf;
} brule;

typedef struct bdebug {
  uint32_t pc, start, end;
} bdebug;

struct vg_back {
  vg_back_opts o;
  vg_itab strs, consts, pats, fields, sets, leaves;
  brule *rules;
  uint32_t nrules, caprules;
  uint32_t *code;
  uint32_t ncode, capcode;
  bdebug *dbg;
  uint32_t ndbg, capdbg;
  uint32_t *leaf_uses; /* per leaf id (memo slot) */
  uint32_t capuses;
  vg_sema_env *env; /* for event-type folding, created on first use */
  /* current rule */
  const char *source;
  const vg_evtset *evts; /* the rule's dispatch set, NULL = all */
  vg_arena *arena;
  char *err;
  size_t errsz;
  vigil_status st;
};

static void set_err(vg_back *b, vigil_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(vg_back *b, vigil_status st, const char *fmt, ...) {
  if (b->st != VIGIL_OK)
    return;
  b->st = st;
  if (b->err && b->errsz) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->err, b->errsz, fmt, ap);
    va_end(ap);
  }
}

static void nomem(vg_back *b) { set_err(b, VIGIL_E_NOMEM, "out of memory"); }

vg_back *vg_back_new(const vg_back_opts *opts) {
  vg_back *b = vg_calloc(1, sizeof *b);
  if (!b)
    return NULL;
  if (opts)
    b->o = *opts;
  vg_itab_init(&b->strs);
  vg_itab_init(&b->consts);
  vg_itab_init(&b->pats);
  vg_itab_init(&b->fields);
  vg_itab_init(&b->sets);
  vg_itab_init(&b->leaves);
  return b;
}

void vg_back_free(vg_back *b) {
  if (!b)
    return;
  vg_itab_fini(&b->strs);
  vg_itab_fini(&b->consts);
  vg_itab_fini(&b->pats);
  vg_itab_fini(&b->fields);
  vg_itab_fini(&b->sets);
  vg_itab_fini(&b->leaves);
  for (uint32_t i = 0; i < b->nrules; i++) {
    vg_free(b->rules[i].tags);
    vg_free(b->rules[i].evt);
    vg_free(b->rules[i].xf);
  }
  vg_free(b->rules);
  vg_free(b->code);
  vg_free(b->dbg);
  vg_free(b->leaf_uses);
  vg_sema_env_free(b->env);
  vg_free(b);
}

/* ---- little-endian writers ---------------------------------------------- */

static void put_u8(uint8_t *p, uint8_t v) { p[0] = v; }
static void put_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void put_u32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static void put_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static bool buf_u32(vg_buf *b, uint32_t v) {
  uint8_t t[4];
  put_u32(t, v);
  return vg_buf_append(b, t, 4);
}

/* ---- tables --------------------------------------------------------------- */

static uint32_t intern_str(vg_back *b, const char *s, size_t n) {
  uint32_t id = vg_itab_intern(&b->strs, s, n, NULL);
  if (id == UINT32_MAX)
    nomem(b);
  return id;
}

static uint32_t intern_cstr(vg_back *b, const char *s) {
  return s ? intern_str(b, s, strlen(s)) : VIGIL_PACK_NONE;
}

static bool is_strtype(vg_ftype t) {
  return t == VG_FT_CHARBUF || t == VG_FT_FSPATH || t == VG_FT_FSRELPATH ||
         t == VG_FT_BYTEBUF;
}
static bool is_iptype(vg_ftype t) {
  return t == VG_FT_IPV4ADDR || (t >= VG_FT_IPV4NET && t <= VG_FT_IPNET);
}

static uint32_t intern_const(vg_back *b, const vg_value *v) {
  uint8_t rec[20] = {0};
  put_u8(rec, (uint8_t)v->type);
  if (is_strtype(v->type)) {
    uint32_t s = intern_str(b, (const char *)v->v.s.p, v->v.s.n);
    if (s == UINT32_MAX)
      return UINT32_MAX;
    put_u32(rec + 4, s);
  } else if (is_iptype(v->type)) {
    rec[1] = v->v.ip.v6;
    rec[2] = v->v.ip.prefix;
    memcpy(rec + 4, v->v.ip.addr, 16);
  } else if (v->type == VG_FT_DOUBLE) {
    uint64_t bits;
    memcpy(&bits, &v->v.d, sizeof bits);
    put_u64(rec + 4, bits);
  } else if (v->type == VG_FT_BOOL) {
    put_u64(rec + 4, v->v.b ? 1 : 0);
  } else {
    put_u64(rec + 4, v->v.u);
  }
  uint32_t id = vg_itab_intern(&b->consts, rec, sizeof rec, NULL);
  if (id == UINT32_MAX)
    nomem(b);
  return id;
}

static uint32_t intern_pat(vg_back *b, uint8_t kind, const char *s,
                           size_t n) {
  /* Regex syntax was checked by sema (RE2 rules); the loader compiles
   * patterns again and rejects a pack with an invalid one. */
  if (memchr(s, 0, n)) {
    set_err(b, VIGIL_E_COMPILE, "pattern contains a NUL byte");
    return UINT32_MAX;
  }
  uint32_t sid = intern_str(b, s, n);
  if (sid == UINT32_MAX)
    return UINT32_MAX;
  uint8_t rec[8] = {0};
  rec[0] = kind;
  put_u32(rec + 4, sid);
  uint32_t id = vg_itab_intern(&b->pats, rec, sizeof rec, NULL);
  if (id == UINT32_MAX)
    nomem(b);
  return id;
}

static uint32_t intern_set(vg_back *b, uint8_t kind, vg_ftype t,
                           const uint32_t *ids, uint32_t n) {
  vg_buf k;
  vg_buf_init(&k);
  uint8_t h[8] = {0};
  h[0] = kind;
  h[1] = (uint8_t)t;
  put_u32(h + 4, n);
  vg_buf_append(&k, h, 8);
  for (uint32_t i = 0; i < n; i++)
    buf_u32(&k, ids[i]);
  uint32_t id = vg_buf_failed(&k)
                    ? UINT32_MAX
                    : vg_itab_intern(&b->sets, k.ptr, k.len, NULL);
  vg_buf_fini(&k);
  if (id == UINT32_MAX)
    nomem(b);
  return id;
}

/* ---- code ------------------------------------------------------------------- */

static uint32_t emit(vg_back *b, vg_opcode op, uint32_t arg) {
  if (b->st != VIGIL_OK)
    return 0;
  if (arg > VG_ARG_MAX) {
    set_err(b, VIGIL_E_LIMIT, "operand too large (more than %u entries)",
            (unsigned)VG_ARG_MAX);
    return 0;
  }
  if (b->ncode == b->capcode) {
    uint32_t nc = b->capcode ? b->capcode * 2 : 256;
    uint32_t *c = vg_realloc(b->code, nc * sizeof *c);
    if (!c) {
      nomem(b);
      return 0;
    }
    b->code = c;
    b->capcode = nc;
  }
  b->code[b->ncode] = VG_INS(op, arg);
  return b->ncode++;
}

static void patch_jump(vg_back *b, uint32_t at, uint32_t target) {
  if (b->st != VIGIL_OK)
    return;
  uint32_t op = VG_INS_OP(b->code[at]);
  b->code[at] = VG_INS(op, target - at - 1);
}

static void add_debug(vg_back *b, uint32_t pc, const vg_node *n) {
  if (b->o.no_debug || b->st != VIGIL_OK)
    return;
  if (b->ndbg == b->capdbg) {
    uint32_t nc = b->capdbg ? b->capdbg * 2 : 64;
    bdebug *d = vg_realloc(b->dbg, nc * sizeof *d);
    if (!d) {
      nomem(b);
      return;
    }
    b->dbg = d;
    b->capdbg = nc;
  }
  b->dbg[b->ndbg++] = (bdebug){pc, n->pos.idx, n->end};
}

/* ---- operands ------------------------------------------------------------- */

typedef struct opnd {
  vg_ftype type;
  bool list;
  uint8_t flags;
} opnd;

static bool name_is(const vg_node *n, const char *s) {
  return n->str.len == strlen(s) && !memcmp(n->str.ptr, s, n->str.len);
}

/* Fields with libsinsp's bespoke multi-value comparison (8.7). */
static uint8_t special_flags(const vg_node *f) {
  static const char *const endpoint[] = {"fd.ip", "fd.net", "fd.port",
                                         "fd.proto"};
  static const char *const ancestors[] = {"proc.aname", "proc.apid",
                                          "proc.aexe", "proc.aexepath",
                                          "proc.acmdline", "proc.aenv"};
  for (size_t i = 0; i < sizeof endpoint / sizeof *endpoint; i++)
    if (name_is(f, endpoint[i]))
      return VIGIL_FIELD_ENDPOINT;
  if (!f->has_arg)
    for (size_t i = 0; i < sizeof ancestors / sizeof *ancestors; i++)
      if (name_is(f, ancestors[i]))
        return VIGIL_FIELD_ANY;
  return 0;
}

/* Fields of the embedded catalogs, every embedded plugin counted as
 * loaded (the loader has already checked availability). */
static vigil_status default_resolve(void *ud, const char *source,
                                    const vg_node *f, vg_back_field *out,
                                    char *err, size_t errsz) {
  (void)ud;
  vg_fieldset fs;
  if (!vg_fieldset_for_source(&fs, source, NULL, NULL)) {
    snprintf(err, errsz, "unknown event source '%s'", source);
    return VIGIL_E_NOTFOUND;
  }
  vg_field_ref ref;
  vigil_status st = vg_field_resolve(&fs, f->str.ptr, f->str.len, f->arg.ptr,
                                     f->arg.len, f->has_arg, &ref, err,
                                     errsz);
  if (st != VIGIL_OK)
    return st;
  out->type = ref.type;
  out->is_list = ref.is_list;
  out->flags = 0;
  return VIGIL_OK;
}

static void emit_operand(vg_back *b, const vg_node *n, opnd *o);

static void emit_field(vg_back *b, const vg_node *n, opnd *o) {
  vg_back_field bf = {VG_FT_CHARBUF, false, 0};
  char why[256] = "";
  vg_back_resolve_fn fn = b->o.resolve ? b->o.resolve : default_resolve;
  vigil_status st = fn(b->o.resolve_ud, b->source, n, &bf, why, sizeof why);
  if (st != VIGIL_OK) {
    set_err(b, st == VIGIL_E_NOMEM ? st : VIGIL_E_COMPILE, "%s",
            why[0] ? why : "unknown field");
    return;
  }
  uint8_t flags = (uint8_t)((bf.flags | special_flags(n) |
                             (bf.is_list ? VIGIL_FIELD_LIST : 0)) &
                            7u);
  uint8_t rec[16] = {0};
  uint32_t name = intern_str(b, n->str.ptr, n->str.len);
  uint32_t arg = n->has_arg ? intern_str(b, n->arg.ptr, n->arg.len)
                            : VIGIL_PACK_NONE;
  uint32_t src = intern_cstr(b, b->source);
  if (b->st != VIGIL_OK)
    return;
  put_u32(rec, name);
  put_u32(rec + 4, arg);
  rec[8] = (uint8_t)bf.type;
  rec[9] = flags;
  put_u32(rec + 12, src);
  uint32_t id = vg_itab_intern(&b->fields, rec, sizeof rec, NULL);
  if (id == UINT32_MAX) {
    nomem(b);
    return;
  }
  emit(b, VG_I_FIELD, id);
  o->type = bf.type;
  o->list = bf.is_list;
  o->flags = flags;
}

static void emit_kval(vg_back *b, const vg_node *n, opnd *o) {
  vg_value v = {.type = VG_FT_CHARBUF};
  v.v.s.p = (const uint8_t *)n->str.ptr;
  v.v.s.n = n->str.len;
  uint32_t k = intern_const(b, &v);
  emit(b, VG_I_KVAL, k);
  o->type = VG_FT_CHARBUF;
  o->list = false;
  o->flags = 0;
}

static void emit_transformer(vg_back *b, const vg_node *n, opnd *o) {
  opnd a = {0};
  switch (n->tr) {
  case VG_TR_TOLOWER:
  case VG_TR_TOUPPER:
  case VG_TR_B64:
  case VG_TR_BASENAME:
  case VG_TR_LEN:
    if (n->nkids != 1) {
      set_err(b, VIGIL_E_COMPILE, "unknown multivalue transformer");
      return;
    }
    emit_operand(b, n->kids[0], &a);
    *o = a;
    if (n->tr == VG_TR_LEN) {
      emit(b, VG_I_LEN, 0);
      o->type = VG_FT_UINT64;
      o->list = false;
      o->flags = 0;
    } else {
      emit(b, n->tr == VG_TR_TOLOWER   ? VG_I_TOLOWER
              : n->tr == VG_TR_TOUPPER ? VG_I_TOUPPER
              : n->tr == VG_TR_B64     ? VG_I_B64
                                       : VG_I_BASENAME,
           0);
    }
    return;
  case VG_TR_VAL:
    if (n->nkids != 1) {
      set_err(b, VIGIL_E_COMPILE, "val() takes one field");
      return;
    }
    emit_operand(b, n->kids[0], o);
    return;
  case VG_TR_JOIN:
    if (n->nkids != 2) {
      set_err(b, VIGIL_E_COMPILE,
              "join() requires exactly 2 arguments: separator and list");
      return;
    }
    emit_operand(b, n->kids[0], &a);
    emit_operand(b, n->kids[1], &a);
    emit(b, VG_I_JOIN, 0);
    break;
  case VG_TR_CONCAT:
    if (n->nkids < 2 || n->nkids > 64) {
      set_err(b, VIGIL_E_COMPILE, "concat() requires at least 2 arguments");
      return;
    }
    for (uint32_t i = 0; i < n->nkids; i++)
      emit_operand(b, n->kids[i], &a);
    emit(b, VG_I_CONCAT, n->nkids);
    break;
  case VG_TR_GETOPT:
    if (n->nkids != 2) {
      set_err(b, VIGIL_E_COMPILE, "getopt() requires exactly 2 arguments: "
                                  "args list and optstring");
      return;
    }
    emit_operand(b, n->kids[0], &a);
    emit_operand(b, n->kids[1], &a);
    if (n->has_arg) {
      if (n->arg.len != 1) {
        set_err(b, VIGIL_E_COMPILE, "getopt selector must be one character");
        return;
      }
      emit(b, VG_I_GETOPT_SEL, (uint8_t)n->arg.ptr[0]);
      o->type = VG_FT_CHARBUF;
      o->list = false;
      o->flags = 0;
      return;
    }
    emit(b, VG_I_GETOPT, 0);
    o->type = VG_FT_CHARBUF;
    o->list = true;
    o->flags = VIGIL_FIELD_LIST;
    return;
  default:
    set_err(b, VIGIL_E_COMPILE, "unknown transformer");
    return;
  }
  o->type = VG_FT_CHARBUF;
  o->list = false;
  o->flags = 0;
}

static void emit_operand(vg_back *b, const vg_node *n, opnd *o) {
  if (b->st != VIGIL_OK)
    return;
  switch (n->kind) {
  case VG_N_FIELD:
    emit_field(b, n, o);
    return;
  case VG_N_TRANSFORMER:
    emit_transformer(b, n, o);
    return;
  case VG_N_VALUE:
    emit_kval(b, n, o);
    return;
  case VG_N_TLIST: {
    if (n->nkids < 1 || n->nkids > 64) {
      set_err(b, VIGIL_E_COMPILE, "transformer list too long");
      return;
    }
    opnd a;
    for (uint32_t i = 0; i < n->nkids; i++)
      emit_operand(b, n->kids[i], &a);
    emit(b, VG_I_TLIST, n->nkids);
    o->type = VG_FT_CHARBUF;
    o->list = true;
    o->flags = VIGIL_FIELD_LIST;
    return;
  }
  default:
    set_err(b, VIGIL_E_COMPILE, "unexpected operand");
    return;
  }
}

/* ---- checks --------------------------------------------------------------- */

static vg_pcmp cmpop_of(vg_op op) {
  switch (op) {
  case VG_OP_EQ:
  case VG_OP_EQEQ: return VG_PC_EQ;
  case VG_OP_NE: return VG_PC_NE;
  case VG_OP_LT: return VG_PC_LT;
  case VG_OP_LE: return VG_PC_LE;
  case VG_OP_GT: return VG_PC_GT;
  case VG_OP_GE: return VG_PC_GE;
  case VG_OP_CONTAINS: return VG_PC_CONTAINS;
  case VG_OP_ICONTAINS: return VG_PC_ICONTAINS;
  case VG_OP_BCONTAINS: return VG_PC_BCONTAINS;
  case VG_OP_STARTSWITH: return VG_PC_STARTSWITH;
  case VG_OP_BSTARTSWITH: return VG_PC_BSTARTSWITH;
  case VG_OP_ENDSWITH: return VG_PC_ENDSWITH;
  case VG_OP_GLOB: return VG_PC_GLOB;
  case VG_OP_IGLOB: return VG_PC_IGLOB;
  case VG_OP_REGEX: return VG_PC_REGEX;
  case VG_OP_IN: return VG_PC_IN;
  case VG_OP_INTERSECTS: return VG_PC_INTERSECTS;
  case VG_OP_PMATCH: return VG_PC_PMATCH;
  default: return VG_PC__COUNT;
  }
}

/* Converts one literal for a left operand of type t; returns a const id. */
static uint32_t literal(vg_back *b, vg_ftype t, vg_op op, const vg_str *s) {
  if (b->st != VIGIL_OK)
    return UINT32_MAX;
  bool bytes_op = op == VG_OP_BCONTAINS || op == VG_OP_BSTARTSWITH;
  uint8_t *scratch = vg_arena_alloc(b->arena, s->len / 2 + 1);
  if (!scratch) {
    nomem(b);
    return UINT32_MAX;
  }
  /* string-class operators on strings keep the text; numbers convert */
  vg_value v;
  char why[256] = "";
  vigil_status st =
      vg_value_parse(t, s->ptr, s->len, bytes_op, scratch, &v, why,
                        sizeof why);
  if (st != VIGIL_OK) {
    set_err(b, VIGIL_E_COMPILE, "%s", why);
    return UINT32_MAX;
  }
  /* IPADDR/IPNET literals come back typed by family; constants carry the
   * field's type (the family is in v6) */
  v.type = t;
  return intern_const(b, &v);
}

/* The literal elements on the right of in/intersects/pmatch/modifiers:
 * a list node, a bare identifier (an undefined list name, which Falco takes
 * as one element) or a single value. */
static uint32_t rhs_elems(const vg_node *r, const vg_str **out,
                          vg_arena *a) {
  if (r->kind == VG_N_LIST) {
    const vg_str **v = vg_arena_alloc(a, (r->nkids + 1) * sizeof *v);
    if (!v)
      return UINT32_MAX;
    for (uint32_t i = 0; i < r->nkids; i++)
      v[i] = &r->kids[i]->str;
    *out = (const vg_str *)v;
    return r->nkids;
  }
  const vg_str **v = vg_arena_alloc(a, sizeof *v);
  if (!v)
    return UINT32_MAX;
  v[0] = &r->str;
  *out = (const vg_str *)v;
  return 1;
}

static int cmp_vstr(const void *a, const void *b) {
  const vg_str *x = *(const vg_str *const *)a, *y = *(const vg_str *const *)b;
  size_t m = x->len < y->len ? x->len : y->len;
  int c = m ? memcmp(x->ptr, y->ptr, m) : 0;
  return c ? c : (x->len > y->len) - (x->len < y->len);
}

static void emit_set_check(vg_back *b, const vg_node *n, const opnd *l) {
  const vg_node *r = n->kids[1];
  const vg_str *es_raw;
  uint32_t ne = rhs_elems(r, &es_raw, b->arena);
  if (ne == UINT32_MAX) {
    nomem(b);
    return;
  }
  const vg_str **es = (const vg_str **)es_raw;
  uint32_t *ids = vg_arena_alloc(b->arena, (ne + 1) * sizeof *ids);
  if (!ids) {
    nomem(b);
    return;
  }
  vg_pcmp op = cmpop_of(n->op);
  if (n->mod != VG_MOD_NONE) {
    bool regex = op == VG_PC_REGEX;
    for (uint32_t i = 0; i < ne && b->st == VIGIL_OK; i++)
      ids[i] = regex ? intern_pat(b, VIGIL_PAT_REGEX, es[i]->ptr, es[i]->len)
                     : literal(b, l->type, n->op, es[i]);
    uint32_t set = intern_set(b, regex ? VG_SET_PATTERN : VG_SET_CONST,
                              regex ? VG_FT_CHARBUF : l->type, ids, ne);
    if (b->st != VIGIL_OK)
      return;
    if (set > VG_OPSET_MAX_SET) {
      set_err(b, VIGIL_E_LIMIT, "too many sets");
      return;
    }
    emit(b, n->mod == VG_MOD_ANYOF   ? VG_I_ANYOF_S
            : n->mod == VG_MOD_ALLOF ? VG_I_ALLOF_S
                                     : VG_I_ONEOF_S,
         (uint32_t)op | (set << 5));
    return;
  }
  vg_ftype et = l->type;
  if (op == VG_PC_PMATCH) {
    /* sorted, duplicate-free path table */
    qsort(es, ne, sizeof *es, cmp_vstr);
    uint32_t k = 0;
    for (uint32_t i = 0; i < ne; i++)
      if (!k || cmp_vstr(&es[k - 1], &es[i]))
        es[k++] = es[i];
    ne = k;
    et = VG_FT_CHARBUF;
  }
  for (uint32_t i = 0; i < ne && b->st == VIGIL_OK; i++)
    ids[i] = literal(b, et, n->op, es[i]);
  uint32_t set = intern_set(b, op == VG_PC_PMATCH ? VG_SET_PATHS
                                                 : VG_SET_CONST,
                            et, ids, ne);
  emit(b, op == VG_PC_IN           ? VG_I_IN_S
          : op == VG_PC_INTERSECTS ? VG_I_INTERSECTS_S
                                    : VG_I_PMATCH_S,
       set);
}

static void emit_leaf_code(vg_back *b, const vg_node *n) {
  opnd l = {0};
  if (n->kind == VG_N_UNARY) {
    emit_operand(b, n->kids[0], &l);
    emit(b, VG_I_EXISTS, 0);
    return;
  }
  if (n->kind != VG_N_BINARY || n->nkids != 2) {
    set_err(b, VIGIL_E_COMPILE, "unexpected node in condition");
    return;
  }
  emit_operand(b, n->kids[0], &l);
  const vg_node *r = n->kids[1];
  vg_pcmp op = cmpop_of(n->op);
  if (op == VG_PC__COUNT) {
    set_err(b, VIGIL_E_COMPILE, "unknown operator");
    return;
  }
  if (r->kind == VG_N_FIELD || r->kind == VG_N_TRANSFORMER) {
    if (op == VG_PC_REGEX || op == VG_PC_PMATCH || n->mod != VG_MOD_NONE) {
      set_err(b, VIGIL_E_COMPILE,
              "operator '%s' doesn't support right-hand side fields",
              vg_pcmp_names[op]);
      return;
    }
    opnd ro;
    emit_operand(b, r, &ro);
    emit(b, VG_I_CMP_F, op);
    return;
  }
  if (n->mod != VG_MOD_NONE || op == VG_PC_IN ||
      op == VG_PC_INTERSECTS || op == VG_PC_PMATCH) {
    emit_set_check(b, n, &l);
    return;
  }
  if (r->kind != VG_N_VALUE) {
    set_err(b, VIGIL_E_COMPILE, "expected a value on the right of '%s'",
            vg_pcmp_names[op]);
    return;
  }
  if (op == VG_PC_GLOB || op == VG_PC_IGLOB || op == VG_PC_REGEX) {
    uint8_t kind = op == VG_PC_GLOB    ? VIGIL_PAT_GLOB
                   : op == VG_PC_IGLOB ? VIGIL_PAT_IGLOB
                                        : VIGIL_PAT_REGEX;
    uint32_t pt = intern_pat(b, kind, r->str.ptr, r->str.len);
    emit(b, op == VG_PC_GLOB    ? VG_I_GLOB_P
            : op == VG_PC_IGLOB ? VG_I_IGLOB_P
                                 : VG_I_REGEX_P,
         pt);
    return;
  }
  uint32_t k = literal(b, l.type, n->op, &r->str);
  static const vg_opcode kops[] = {
      [VG_PC_EQ] = VG_I_EQ_K,
      [VG_PC_NE] = VG_I_NE_K,
      [VG_PC_LT] = VG_I_LT_K,
      [VG_PC_LE] = VG_I_LE_K,
      [VG_PC_GT] = VG_I_GT_K,
      [VG_PC_GE] = VG_I_GE_K,
      [VG_PC_CONTAINS] = VG_I_CONTAINS_K,
      [VG_PC_ICONTAINS] = VG_I_ICONTAINS_K,
      [VG_PC_BCONTAINS] = VG_I_BCONTAINS_K,
      [VG_PC_STARTSWITH] = VG_I_STARTSWITH_K,
      [VG_PC_BSTARTSWITH] = VG_I_BSTARTSWITH_K,
      [VG_PC_ENDSWITH] = VG_I_ENDSWITH_K,
  };
  emit(b, kops[op], k);
}

/* Structural key of a leaf, for sharing identical predicates. */
static void leaf_key(vg_buf *k, const vg_node *n) {
  uint8_t h[8] = {(uint8_t)n->kind, (uint8_t)n->op, (uint8_t)n->mod,
                  (uint8_t)n->tr, (uint8_t)n->has_arg, 0, 0, 0};
  vg_buf_append(k, h, sizeof h);
  buf_u32(k, (uint32_t)n->str.len);
  vg_buf_append(k, n->str.ptr, n->str.len);
  buf_u32(k, (uint32_t)n->arg.len);
  vg_buf_append(k, n->arg.ptr, n->arg.len);
  buf_u32(k, n->nkids);
  for (uint32_t i = 0; i < n->nkids; i++)
    leaf_key(k, n->kids[i]);
}

/* Starts a memo key in k: the source, a NUL, then (tag >= 0) a byte no
 * leaf key starts with, telling compound (0xff) and anyof (0xfe) keys
 * apart. The key's body follows; memo_open frees it. */
static void memo_key(vg_back *b, vg_buf *k, int tag) {
  vg_buf_init(k);
  vg_buf_puts(k, b->source);
  vg_buf_putc(k, 0);
  if (tag >= 0)
    vg_buf_putc(k, (char)tag);
}

/* Interns a memo key (from memo_key; freed here) and opens a MEMO_GET
 * block. Returns the slot (UINT32_MAX: no memo) and the MEMO_GET's pc in
 * *get. */
static uint32_t memo_open(vg_back *b, vg_buf *k, uint32_t *get) {
  *get = 0;
  uint32_t slot = vg_buf_failed(k)
                      ? UINT32_MAX
                      : vg_itab_intern(&b->leaves, k->ptr, k->len, NULL);
  vg_buf_fini(k);
  if (slot == UINT32_MAX) {
    nomem(b);
    return UINT32_MAX;
  }
  if (slot >= b->capuses) {
    uint32_t nc = b->capuses ? b->capuses * 2 : 256;
    while (nc <= slot)
      nc *= 2;
    uint32_t *u = vg_realloc(b->leaf_uses, nc * sizeof *u);
    if (!u) {
      nomem(b);
      return UINT32_MAX;
    }
    memset(u + b->capuses, 0, (nc - b->capuses) * sizeof *u);
    b->leaf_uses = u;
    b->capuses = nc;
  }
  if (slot >= VG_MEMO_MAX_SLOTS)
    return UINT32_MAX;
  *get = emit(b, VG_I_MEMO_GET, slot);
  return slot;
}

/* Closes a block opened by memo_open: MEMO_PUT, and the MEMO_GET's skip
 * (both become NOPs when the block is too long to skip). */
static void memo_close(vg_back *b, uint32_t slot, uint32_t get) {
  if (slot == UINT32_MAX || b->st != VIGIL_OK)
    return;
  uint32_t put = emit(b, VG_I_MEMO_PUT, slot);
  uint32_t skip = put - get;
  if (skip > VG_MEMO_MAX_SKIP) {
    b->code[get] = VG_INS(VG_I_NOP, 0);
    b->code[put] = VG_INS(VG_I_NOP, 0);
    return;
  }
  b->code[get] = VG_INS(VG_I_MEMO_GET, slot | (skip << VG_MEMO_SLOT_BITS));
  b->leaf_uses[slot]++;
}

static void emit_leaf(vg_back *b, const vg_node *n) {
  uint32_t slot = UINT32_MAX, get = 0;
  if (!b->o.no_memo) {
    vg_buf k;
    memo_key(b, &k, -1);
    leaf_key(&k, n);
    slot = memo_open(b, &k, &get);
    if (b->st != VIGIL_OK)
      return;
  }
  uint32_t first = b->ncode;
  emit_leaf_code(b, n);
  add_debug(b, first, n);
  memo_close(b, slot, get);
}

/* ---- boolean IR with folding ---------------------------------------------- */

typedef enum irk {
  IR_TRUE,
  IR_FALSE,
  IR_AND,
  IR_OR,
  IR_NOT,
  IR_LEAF,
  IR_ANYOF /* or of startswith/endswith on one operand (merge_or) */
} irk;
typedef struct ir {
  irk k;
  uint32_t n;
  struct ir **kids;
  const vg_node *leaf;  /* IR_LEAF; IR_ANYOF: the first merged check */
  const vg_str **lits;  /* IR_ANYOF: n sorted, distinct literals */
} ir;

static ir *mk(vg_back *b, irk k) {
  ir *r = vg_arena_alloc(b->arena, sizeof *r);
  if (!r)
    nomem(b);
  else
    r->k = k;
  return r;
}

static bool empty_list_check(const vg_node *n) {
  if (n->kind != VG_N_BINARY || n->nkids != 2 ||
      n->kids[1]->kind != VG_N_LIST || n->kids[1]->nkids != 0)
    return false;
  return n->mod != VG_MOD_NONE || n->op == VG_OP_IN ||
         n->op == VG_OP_INTERSECTS || n->op == VG_OP_PMATCH;
}

/*
 * An evt.type check against constants, in a rule that is only dispatched
 * on the event types S: false when none of its types is in S, true when
 * all of S is (the event's type is then always one of the listed ones).
 * Returns -1 when nothing can be said.
 */
static int fold_evt_type(vg_back *b, const vg_node *n) {
  if (!b->evts || n->kind != VG_N_BINARY || n->nkids != 2 ||
      n->mod != VG_MOD_NONE || strcmp(b->source, "syscall"))
    return -1;
  const vg_node *l = n->kids[0], *r = n->kids[1];
  if (l->kind != VG_N_FIELD || l->has_arg || !name_is(l, "evt.type") ||
      (r->kind != VG_N_VALUE && r->kind != VG_N_LIST))
    return -1;
  if (n->op != VG_OP_EQ && n->op != VG_OP_EQEQ && n->op != VG_OP_NE &&
      n->op != VG_OP_IN)
    return -1;
  if (!b->env && !(b->env = vg_sema_env_new(NULL, 0, NULL, 0, true)))
    return -1;
  vg_evtset t;
  if (vg_sema_evttypes(b->env, n, &t, NULL, NULL) != VIGIL_OK)
    return -1;
  bool any = false, all = true;
  for (size_t w = 0; w < VG_EVT_MAX / 64; w++) {
    uint64_t sw = b->evts->bits[w];
    any |= (sw & t.bits[w]) != 0;
    all &= (sw & ~t.bits[w]) == 0;
  }
  return !any ? 0 : all ? 1 : -1;
}

/* True when field node f resolves to a field without VIGIL_FIELD_LIST
 * (IN_S then tests "some value is in the set"). */
static bool single_valued(vg_back *b, const vg_node *f) {
  if (f->kind != VG_N_FIELD)
    return false;
  vg_back_field bf = {VG_FT_CHARBUF, false, 0};
  char why[256] = "";
  vg_back_resolve_fn fn = b->o.resolve ? b->o.resolve : default_resolve;
  if (fn(b->o.resolve_ud, b->source, f, &bf, why, sizeof why) != VIGIL_OK)
    return false;
  /* the flags emit_field gives the field record: IN_S reads LIST */
  return !bf.is_list &&
         !((bf.flags | special_flags(f)) & VIGIL_FIELD_LIST);
}

/* A leaf that merge_or may join with others of the same operator on the
 * same left operand X: `X startswith "lit"`, `X endswith "lit"`,
 * `X intersects (...)`, and `X in (...)` when X is a single-valued field
 * (for a list field, "every value in A or every value in B" is not
 * "every value in A u B"). */
static bool mergeable(vg_back *b, const ir *c) {
  if (c->k != IR_LEAF)
    return false;
  const vg_node *n = c->leaf;
  if (n->kind != VG_N_BINARY || n->nkids != 2 || n->mod != VG_MOD_NONE)
    return false;
  const vg_node *r = n->kids[1];
  switch (n->op) {
  case VG_OP_STARTSWITH:
  case VG_OP_ENDSWITH:
    return r->kind == VG_N_VALUE;
  case VG_OP_INTERSECTS:
    return r->kind == VG_N_LIST || r->kind == VG_N_VALUE ||
           r->kind == VG_N_IDENT;
  case VG_OP_IN:
    return (r->kind == VG_N_LIST || r->kind == VG_N_VALUE ||
            r->kind == VG_N_IDENT) &&
           single_valued(b, n->kids[0]);
  default:
    return false;
  }
}

/* Whether two keys are equal and both complete; frees both. */
static bool same_keys(vg_buf *x, vg_buf *y) {
  bool same = !vg_buf_failed(x) && !vg_buf_failed(y) && x->len == y->len &&
              memcmp(x->ptr, y->ptr, x->len) == 0;
  vg_buf_fini(x);
  vg_buf_fini(y);
  return same;
}

static bool same_operand(const vg_node *a, const vg_node *b) {
  vg_buf x, y;
  vg_buf_init(&x);
  vg_buf_init(&y);
  leaf_key(&x, a);
  leaf_key(&y, b);
  return same_keys(&x, &y);
}

static bool joins(vg_back *b, const ir *c, const vg_node *first) {
  return mergeable(b, c) && c->leaf->op == first->op &&
         same_operand(c->leaf->kids[0], first->kids[0]);
}

/*
 * In an `or`, checks `X startswith a`, `X startswith b`, ... on the same
 * operand X become one IR_ANYOF (emitted as `X startswith anyof (a, b)`,
 * one ANYOF_S): the same result for every event, since and/or are free of
 * side effects, X is evaluated the same way each time, and both forms are
 * false when X has no value and true when some value of X matches some
 * literal. Likewise for endswith, and `X in A or X in B` becomes
 * `X in (A u B)` (one IN_S; X single-valued), `X intersects A or X
 * intersects B` `X intersects (A u B)`. The group takes the place of its
 * first member.
 */
static void merge_or(vg_back *b, ir *r) {
  for (uint32_t i = 0; i < r->n && b->st == VIGIL_OK; i++) {
    if (!mergeable(b, r->kids[i]))
      continue;
    const vg_node *first = r->kids[i]->leaf;
    uint32_t cnt = 1, nlits = 0;
    for (uint32_t j = i + 1; j < r->n; j++)
      cnt += joins(b, r->kids[j], first);
    if (cnt < 2)
      continue;
    for (uint32_t j = i; j < r->n; j++)
      if (j == i || joins(b, r->kids[j], first))
        nlits += r->kids[j]->leaf->kids[1]->kind == VG_N_LIST
                     ? r->kids[j]->leaf->kids[1]->nkids
                     : 1;
    ir *g = mk(b, IR_ANYOF);
    const vg_str **lits =
        g ? vg_arena_alloc(b->arena, (nlits + 1) * sizeof *lits) : NULL;
    if (!lits) {
      nomem(b);
      return;
    }
    g->leaf = first;
    uint32_t k = i + 1;
    for (uint32_t j = i; j < r->n; j++) {
      ir *c = r->kids[j];
      if (j == i || joins(b, c, first)) {
        const vg_str *es;
        uint32_t ne = rhs_elems(c->leaf->kids[1], &es, b->arena);
        if (ne == UINT32_MAX) {
          nomem(b);
          return;
        }
        for (uint32_t e = 0; e < ne && g->n < nlits; e++)
          lits[g->n++] = ((const vg_str *const *)es)[e];
      } else {
        r->kids[k++] = c;
      }
    }
    r->n = k;
    qsort(lits, g->n, sizeof *lits, cmp_vstr);
    uint32_t d = 0;
    for (uint32_t j = 0; j < g->n; j++)
      if (!d || cmp_vstr(&lits[d - 1], &lits[j]))
        lits[d++] = lits[j];
    g->n = d;
    g->lits = lits;
    r->kids[i] = g;
  }
}

static void ir_key(vg_buf *k, const ir *r);

static bool same_ir(const ir *a, const ir *b) {
  vg_buf x, y;
  vg_buf_init(&x);
  vg_buf_init(&y);
  ir_key(&x, a);
  ir_key(&y, b);
  return same_keys(&x, &y);
}

/* The conjunction of r's conjuncts after the first (r: IR_AND, n >= 2). */
static ir *and_rest(vg_back *b, ir *r) {
  if (r->n == 2)
    return r->kids[1];
  ir *t = mk(b, IR_AND);
  if (!t)
    return NULL;
  t->kids = r->kids + 1;
  t->n = r->n - 1;
  return t;
}

/*
 * In an `or`, disjuncts `A and B1`, `A and B2`, ... with the same first
 * conjunct A become one `A and (B1 or B2 ...)` in the place of the first:
 * the same value for every event (and/or have no side effects, and
 * evaluation order does not change any result), and A is tested once.
 */
static void factor_or(vg_back *b, ir *r, unsigned depth) {
  for (uint32_t i = 0; i < r->n && b->st == VIGIL_OK; i++) {
    ir *a = r->kids[i];
    if (a->k != IR_AND || a->n < 2)
      continue;
    uint32_t cnt = 1;
    for (uint32_t j = i + 1; j < r->n; j++)
      cnt += r->kids[j]->k == IR_AND && r->kids[j]->n >= 2 &&
             same_ir(r->kids[j]->kids[0], a->kids[0]);
    if (cnt < 2)
      continue;
    ir *in = mk(b, IR_OR), *out = mk(b, IR_AND);
    if (!in || !out)
      return;
    in->kids = vg_arena_alloc(b->arena, cnt * sizeof *in->kids);
    out->kids = vg_arena_alloc(b->arena, 2 * sizeof *out->kids);
    if (!in->kids || !out->kids) {
      nomem(b);
      return;
    }
    in->kids[in->n++] = and_rest(b, a);
    uint32_t k = i + 1;
    for (uint32_t j = i + 1; j < r->n; j++) {
      ir *c = r->kids[j];
      if (c->k == IR_AND && c->n >= 2 && same_ir(c->kids[0], a->kids[0]))
        in->kids[in->n++] = and_rest(b, c);
      else
        r->kids[k++] = c;
    }
    r->n = k;
    for (uint32_t j = 0; j < in->n; j++)
      if (!in->kids[j])
        return; /* out of memory (set) */
    if (depth < 64)
      factor_or(b, in, depth + 1);
    merge_or(b, in);
    if (b->st != VIGIL_OK)
      return;
    out->kids[out->n++] = a->kids[0];
    out->kids[out->n++] = in->n == 1 ? in->kids[0] : in;
    r->kids[i] = out;
  }
}

/* Rough cost of a leaf check: comparisons with one constant, then set
 * lookups, substring searches, patterns and field-to-field checks or
 * transformers. */
static unsigned leaf_cost(const ir *c) {
  if (c->k == IR_ANYOF)
    return 2;
  if (c->k != IR_LEAF)
    return 0;
  const vg_node *n = c->leaf;
  if (n->kind != VG_N_BINARY || n->nkids != 2)
    return 1;
  if (n->kids[0]->kind != VG_N_FIELD || n->kids[1]->kind == VG_N_FIELD ||
      n->kids[1]->kind == VG_N_TRANSFORMER)
    return 5;
  if (n->mod != VG_MOD_NONE)
    return 4;
  switch (n->op) {
  case VG_OP_IN:
  case VG_OP_INTERSECTS:
  case VG_OP_PMATCH:
    return 2;
  case VG_OP_CONTAINS:
  case VG_OP_ICONTAINS:
  case VG_OP_BCONTAINS:
    return 3;
  case VG_OP_GLOB:
  case VG_OP_IGLOB:
  case VG_OP_REGEX:
    return 5;
  default:
    return 1;
  }
}

/* Within each run of consecutive leaves of an and/or, cheaper checks
 * first (stable): and/or have no side effects, so only the cost changes.
 * Compounds keep their places (leading ones are rule guards). */
static void order_leaves(ir *r) {
  for (uint32_t i = 1; i < r->n; i++) {
    unsigned c = leaf_cost(r->kids[i]);
    if (!c)
      continue;
    ir *x = r->kids[i];
    uint32_t j = i;
    while (j > 0 && leaf_cost(r->kids[j - 1]) > c) {
      r->kids[j] = r->kids[j - 1];
      j--;
    }
    r->kids[j] = x;
  }
}

static ir *build(vg_back *b, const vg_node *n, unsigned depth) {
  if (b->st != VIGIL_OK)
    return NULL;
  if (depth > 4000) {
    set_err(b, VIGIL_E_LIMIT, "condition nested too deeply");
    return NULL;
  }
  switch (n->kind) {
  case VG_N_AND:
  case VG_N_OR: {
    bool is_and = n->kind == VG_N_AND;
    ir *r = mk(b, is_and ? IR_AND : IR_OR);
    if (!r)
      return NULL;
    r->kids = vg_arena_alloc(b->arena, (n->nkids + 1) * sizeof *r->kids);
    if (!r->kids) {
      nomem(b);
      return NULL;
    }
    for (uint32_t i = 0; i < n->nkids; i++) {
      ir *c = build(b, n->kids[i], depth + 1);
      if (!c)
        return NULL;
      if (c->k == (is_and ? IR_TRUE : IR_FALSE))
        continue; /* neutral element */
      if (c->k == (is_and ? IR_FALSE : IR_TRUE))
        return c; /* absorbing element: the rest is dead */
      r->kids[r->n++] = c;
    }
    if (!is_and) {
      factor_or(b, r, 0);
      merge_or(b, r);
    }
    if (b->st != VIGIL_OK)
      return NULL;
    order_leaves(r);
    if (r->n == 0)
      return mk(b, is_and ? IR_TRUE : IR_FALSE);
    if (r->n == 1)
      return r->kids[0];
    return r;
  }
  case VG_N_NOT: {
    if (n->nkids != 1) {
      set_err(b, VIGIL_E_COMPILE, "malformed 'not'");
      return NULL;
    }
    ir *c = build(b, n->kids[0], depth + 1);
    if (!c)
      return NULL;
    if (c->k == IR_TRUE || c->k == IR_FALSE)
      return mk(b, c->k == IR_TRUE ? IR_FALSE : IR_TRUE);
    if (c->k == IR_NOT)
      return c->kids[0];
    ir *r = mk(b, IR_NOT);
    if (!r)
      return NULL;
    r->kids = vg_arena_alloc(b->arena, sizeof *r->kids);
    if (!r->kids) {
      nomem(b);
      return NULL;
    }
    r->kids[0] = c;
    r->n = 1;
    return r;
  }
  case VG_N_UNARY:
  case VG_N_BINARY: {
    if (empty_list_check(n))
      return mk(b, IR_FALSE);
    int f = fold_evt_type(b, n);
    if (f >= 0)
      return mk(b, f ? IR_TRUE : IR_FALSE);
    ir *r = mk(b, IR_LEAF);
    if (r)
      r->leaf = n;
    return r;
  }
  case VG_N_IDENT:
    set_err(b, VIGIL_E_COMPILE, "undefined macro '%.*s'", (int)n->str.len,
            n->str.ptr);
    return NULL;
  default:
    set_err(b, VIGIL_E_COMPILE, "unexpected node in condition");
    return NULL;
  }
}

/* Structural key of an IR_ANYOF: operator, operand, literals. */
static void anyof_key(vg_buf *k, const ir *r) {
  vg_buf_putc(k, (char)r->leaf->op);
  leaf_key(k, r->leaf->kids[0]);
  buf_u32(k, r->n);
  for (uint32_t i = 0; i < r->n; i++) {
    buf_u32(k, (uint32_t)r->lits[i]->len);
    vg_buf_append(k, r->lits[i]->ptr, r->lits[i]->len);
  }
}

/* An IR_ANYOF as one memoised `X op anyof (lits)` check (`X in (lits)`,
 * `X intersects (lits)`). */
static void emit_anyof(vg_back *b, const ir *r) {
  uint32_t slot = UINT32_MAX, get = 0;
  if (!b->o.no_memo) {
    vg_buf k;
    memo_key(b, &k, 0xfe);
    anyof_key(&k, r);
    slot = memo_open(b, &k, &get);
    if (b->st != VIGIL_OK)
      return;
  }
  uint32_t first = b->ncode;
  opnd l = {0};
  emit_operand(b, r->leaf->kids[0], &l);
  uint32_t *ids = vg_arena_alloc(b->arena, r->n * sizeof *ids);
  if (!ids) {
    nomem(b);
    return;
  }
  for (uint32_t i = 0; i < r->n && b->st == VIGIL_OK; i++)
    ids[i] = literal(b, l.type, r->leaf->op, r->lits[i]);
  uint32_t set = intern_set(b, VG_SET_CONST, l.type, ids, r->n);
  if (b->st != VIGIL_OK)
    return;
  if (r->leaf->op == VG_OP_IN || r->leaf->op == VG_OP_INTERSECTS) {
    emit(b, r->leaf->op == VG_OP_IN ? VG_I_IN_S : VG_I_INTERSECTS_S, set);
  } else if (set > VG_OPSET_MAX_SET) {
    set_err(b, VIGIL_E_LIMIT, "too many sets");
    return;
  } else {
    emit(b, VG_I_ANYOF_S, (uint32_t)cmpop_of(r->leaf->op) | (set << 5));
  }
  add_debug(b, first, r->leaf);
  memo_close(b, slot, get);
}

/* Structural key of a folded IR tree (compound memo slots). */
static void ir_key(vg_buf *k, const ir *r) {
  vg_buf_putc(k, (char)('0' + r->k));
  if (r->k == IR_LEAF) {
    leaf_key(k, r->leaf);
    return;
  }
  if (r->k == IR_ANYOF) {
    anyof_key(k, r);
    return;
  }
  if (r->k == IR_TRUE || r->k == IR_FALSE)
    return;
  buf_u32(k, r->n);
  for (uint32_t i = 0; i < r->n; i++)
    ir_key(k, r->kids[i]);
}

static void lower(vg_back *b, const ir *r) {
  if (b->st != VIGIL_OK)
    return;
  switch (r->k) {
  case IR_TRUE:
    emit(b, VG_I_TRUE, 0);
    return;
  case IR_FALSE:
    emit(b, VG_I_FALSE, 0);
    return;
  case IR_NOT:
    lower(b, r->kids[0]);
    emit(b, VG_I_NOT, 0);
    return;
  case IR_LEAF:
    emit_leaf(b, r->leaf);
    return;
  case IR_ANYOF:
    emit_anyof(b, r);
    return;
  case IR_AND:
  case IR_OR: {
    uint32_t *jumps = vg_arena_alloc(b->arena, r->n * sizeof *jumps);
    if (!jumps) {
      nomem(b);
      return;
    }
    /* A compound shared by several rules (typically an expanded macro
     * such as open_read) gets a MEMO slot too: identical folded
     * expressions have identical values for an event. */
    uint32_t slot = UINT32_MAX, get = 0;
    if (!b->o.no_memo) {
      vg_buf k;
      memo_key(b, &k, 0xff);
      ir_key(&k, r);
      slot = memo_open(b, &k, &get);
      if (b->st != VIGIL_OK)
        return;
    }
    for (uint32_t i = 0; i < r->n; i++) {
      lower(b, r->kids[i]);
      if (i + 1 < r->n)
        jumps[i] = emit(b, r->k == IR_AND ? VG_I_JF_KEEP : VG_I_JT_KEEP, 0);
    }
    for (uint32_t i = 0; i + 1 < r->n; i++)
      patch_jump(b, jumps[i], b->ncode);
    memo_close(b, slot, get);
    return;
  }
  }
}

static int cmp_u16(const void *a, const void *b) {
  uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
  return (x > y) - (x < y);
}

vigil_status vg_back_add_rule(vg_back *b, const vg_back_rule *r,
                              const vg_node *cond, char *err, size_t errsz) {
  if (!b || !r || !r->name || !r->source || !cond)
    return VIGIL_E_INVAL;
  b->err = err;
  b->errsz = errsz;
  b->st = VIGIL_OK;
  if (err && errsz)
    err[0] = 0;
  b->source = r->source;
  b->evts = r->evts;
  vg_arena arena;
  vg_arena_init(&arena);
  b->arena = &arena;
  /* snapshot so a failing rule leaves nothing behind in the code */
  uint32_t code0 = b->ncode, dbg0 = b->ndbg;
  brule br = {0};
  if (b->nrules == b->caprules) {
    uint32_t nc = b->caprules ? b->caprules * 2 : 16;
    brule *nr = vg_realloc(b->rules, nc * sizeof *nr);
    if (!nr) {
      vg_arena_fini(&arena);
      return VIGIL_E_NOMEM;
    }
    b->rules = nr;
    b->caprules = nc;
  }
  br.name = intern_cstr(b, r->name);
  br.source = intern_cstr(b, r->source);
  br.output = intern_cstr(b, r->output);
  br.desc = intern_cstr(b, r->desc);
  br.priority = (uint8_t)(r->priority > 7 ? 7 : r->priority);
  br.flags = (uint8_t)((r->enabled ? VIGIL_RULE_ENABLED : 0) |
                       (r->evts ? 0 : VIGIL_RULE_ALL_EVENTS));
  if (r->ntags) {
    br.tags = vg_calloc(r->ntags, sizeof *br.tags);
    if (!br.tags)
      nomem(b);
    for (size_t i = 0; i < r->ntags && b->st == VIGIL_OK; i++)
      br.tags[br.ntags++] = intern_cstr(b, r->tags[i]);
  }
  if (r->nxfields && b->st == VIGIL_OK) {
    br.xf = vg_calloc(r->nxfields * 3, sizeof *br.xf);
    if (!br.xf)
      nomem(b);
    for (size_t i = 0; i < r->nxfields && b->st == VIGIL_OK; i++) {
      br.xf[3 * i] = intern_cstr(b, r->xfields[i].name);
      br.xf[3 * i + 1] = intern_cstr(b, r->xfields[i].format);
      br.xf[3 * i + 2] = r->xfields[i].raw;
      br.nxf++;
    }
  }
  if (r->evts && b->st == VIGIL_OK) {
    size_t n = 0;
    for (uint32_t e = 0; e < VG_EVT_MAX; e++)
      n += (r->evts->bits[e / 64] >> (e % 64)) & 1;
    br.evt = vg_calloc(n ? n : 1, sizeof *br.evt);
    if (!br.evt)
      nomem(b);
    for (uint32_t e = 0; e < VG_EVT_MAX && b->st == VIGIL_OK; e++)
      if ((r->evts->bits[e / 64] >> (e % 64)) & 1)
        br.evt[br.nevt++] = (uint16_t)e;
    if (br.evt)
      qsort(br.evt, br.nevt, sizeof *br.evt, cmp_u16);
  }
  br.start = b->ncode;
  ir *root = build(b, cond, 0);
  if (root)
    lower(b, root);
  emit(b, VG_I_RET, 0);
  br.len = b->ncode - br.start;
  vg_arena_fini(&arena);
  b->arena = NULL;
  if (b->st != VIGIL_OK) {
    /* Memo use counts of the abandoned code are recomputed at finish. */
    b->ncode = code0;
    b->ndbg = dbg0;
    vg_free(br.tags);
    vg_free(br.evt);
    vg_free(br.xf);
    return b->st;
  }
  b->rules[b->nrules++] = br;
  return VIGIL_OK;
}

/* ---- finish: memo pruning, compaction, serialization --------------------- */

static void prune_and_compact(vg_back *b) {
  /* Recount uses over the final code (failed rules were cut off). */
  if (b->leaf_uses)
    memset(b->leaf_uses, 0, b->capuses * sizeof *b->leaf_uses);
  for (uint32_t pc = 0; pc < b->ncode; pc++)
    if (VG_INS_OP(b->code[pc]) == VG_I_MEMO_GET)
      b->leaf_uses[VG_INS_ARG(b->code[pc]) & (VG_MEMO_MAX_SLOTS - 1)]++;
  for (uint32_t pc = 0; pc < b->ncode; pc++) {
    uint32_t op = VG_INS_OP(b->code[pc]);
    if ((op == VG_I_MEMO_GET || op == VG_I_MEMO_PUT) &&
        b->leaf_uses[VG_INS_ARG(b->code[pc]) & (VG_MEMO_MAX_SLOTS - 1)] < 2)
      b->code[pc] = VG_INS(VG_I_NOP, 0);
  }
  /* Renumber surviving slots densely, in first-use order. */
  uint32_t *renum = b->capuses ? vg_calloc(b->capuses, sizeof *renum) : NULL;
  uint32_t nslots = 0;
  uint32_t *map = vg_malloc(((size_t)b->ncode + 1) * sizeof *map);
  if (!map || (b->capuses && !renum)) {
    vg_free(map);
    vg_free(renum);
    nomem(b);
    return;
  }
  uint32_t kept = 0;
  for (uint32_t pc = 0; pc < b->ncode; pc++) {
    map[pc] = kept;
    if (VG_INS_OP(b->code[pc]) != VG_I_NOP)
      kept++;
  }
  map[b->ncode] = kept;
  uint32_t o = 0;
  for (uint32_t pc = 0; pc < b->ncode; pc++) {
    uint32_t w = b->code[pc], op = VG_INS_OP(w), arg = VG_INS_ARG(w);
    if (op == VG_I_NOP)
      continue;
    if (op == VG_I_JF_KEEP || op == VG_I_JT_KEEP) {
      uint32_t t = pc + 1 + arg;
      w = VG_INS(op, map[t] - map[pc] - 1);
    } else if (op == VG_I_MEMO_GET || op == VG_I_MEMO_PUT) {
      uint32_t slot = arg & (VG_MEMO_MAX_SLOTS - 1);
      if (!renum[slot])
        renum[slot] = ++nslots;
      uint32_t ns = renum[slot] - 1, skip = 0;
      if (op == VG_I_MEMO_GET) {
        uint32_t t = pc + 1 + (arg >> VG_MEMO_SLOT_BITS);
        skip = map[t] - map[pc] - 1;
      }
      w = VG_INS(op, ns | (skip << VG_MEMO_SLOT_BITS));
    }
    b->code[o++] = w;
  }
  for (uint32_t i = 0; i < b->nrules; i++) {
    brule *r = &b->rules[i];
    uint32_t end = r->start + r->len;
    r->start = map[r->start];
    r->len = map[end] - r->start;
  }
  /* Jump threading: a JF_KEEP (JT_KEEP) landing on another JF_KEEP
   * (JT_KEEP) keeps the same value on the stack, which the second jump
   * takes as well: go straight to the last target (nested and/or end on
   * such chains). Targets only move forward, within the rule. */
  for (uint32_t pc = 0; pc < o; pc++) {
    uint32_t w = b->code[pc], op = VG_INS_OP(w);
    if (op != VG_I_JF_KEEP && op != VG_I_JT_KEEP)
      continue;
    uint32_t t = pc + 1 + VG_INS_ARG(w);
    while (t < o && VG_INS_OP(b->code[t]) == op)
      t = t + 1 + VG_INS_ARG(b->code[t]);
    b->code[pc] = VG_INS(op, t - pc - 1);
  }
  for (uint32_t i = 0; i < b->ndbg; i++)
    b->dbg[i].pc = map[b->dbg[i].pc];
  b->ncode = o;
  vg_free(map);
  vg_free(renum);
}

static void sec_strs(vg_back *b, vg_buf *s) {
  buf_u32(s, b->strs.n);
  uint32_t off = 0;
  for (uint32_t i = 0; i < b->strs.n; i++) {
    size_t n;
    vg_itab_key(&b->strs, i, &n);
    buf_u32(s, off);
    off += (uint32_t)n + 1;
  }
  for (uint32_t i = 0; i < b->strs.n; i++) {
    size_t n;
    const uint8_t *k = vg_itab_key(&b->strs, i, &n);
    if (n)
      vg_buf_append(s, k, n);
    vg_buf_putc(s, 0);
  }
}

static void sec_table(const vg_itab *t, vg_buf *s) {
  buf_u32(s, t->n);
  for (uint32_t i = 0; i < t->n; i++) {
    size_t n;
    const uint8_t *k = vg_itab_key(t, i, &n);
    vg_buf_append(s, k, n);
  }
}

static void sec_rules(vg_back *b, vg_buf *s) {
  buf_u32(s, b->nrules);
  for (uint32_t i = 0; i < b->nrules; i++) {
    const brule *r = &b->rules[i];
    uint8_t h[28];
    put_u32(h, r->name);
    put_u32(h + 4, r->source);
    put_u32(h + 8, r->output);
    put_u32(h + 12, r->desc);
    h[16] = r->priority;
    h[17] = r->flags;
    put_u16(h + 18, 0);
    put_u32(h + 20, r->start);
    put_u32(h + 24, r->len);
    vg_buf_append(s, h, sizeof h);
    buf_u32(s, r->ntags);
    for (uint32_t t = 0; t < r->ntags; t++)
      buf_u32(s, r->tags[t]);
    buf_u32(s, r->nevt);
    for (uint32_t e = 0; e < r->nevt; e++) {
      uint8_t c[2];
      put_u16(c, r->evt[e]);
      vg_buf_append(s, c, 2);
    }
  }
}

/* XFIELD (program.h): the rules' append_output extra fields. */
static void sec_xfields(vg_back *b, vg_buf *s) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < b->nrules; i++)
    n += b->rules[i].nxf;
  buf_u32(s, n);
  for (uint32_t i = 0; i < b->nrules; i++)
    for (uint32_t k = 0; k < b->rules[i].nxf; k++) {
      const uint32_t *x = b->rules[i].xf + 3 * k;
      buf_u32(s, i);
      buf_u32(s, x[0]);
      buf_u32(s, x[1]);
      buf_u32(s, x[2] ? 1u : 0u);
    }
}

/* Stores the image in f compressed (program.h, VIGIL_PACK_F_DEFLATE):
 * header bytes [0, 24), the image size, then image [24, end) deflated at
 * zlib's best level (deterministic for a given zlib). Frees f. */
static vigil_status deflate_pack(vg_buf *f, uint8_t **out, size_t *len) {
  const uint8_t *img = (const uint8_t *)f->ptr;
  size_t ilen = f->len;
  if (ilen > VIGIL_PACK_MAX_IMAGE) {
    vg_buf_fini(f);
    return VIGIL_E_LIMIT;
  }
  uLongf zcap = compressBound((uLong)(ilen - 24));
  uint8_t *p = vg_malloc(VIGIL_PACK_HEADER_SIZE + (size_t)zcap);
  if (!p) {
    vg_buf_fini(f);
    return VIGIL_E_NOMEM;
  }
  memcpy(p, img, 24);
  put_u32(p + 24, (uint32_t)ilen);
  int zr = compress2(p + VIGIL_PACK_HEADER_SIZE, &zcap, img + 24,
                     (uLong)(ilen - 24), Z_BEST_COMPRESSION);
  vg_buf_fini(f);
  if (zr != Z_OK) {
    vg_free(p);
    return zr == Z_MEM_ERROR ? VIGIL_E_NOMEM : VIGIL_E_LIMIT;
  }
  size_t n = VIGIL_PACK_HEADER_SIZE + (size_t)zcap;
  put_u32(p + 12, VIGIL_PACK_F_DEFLATE);
  put_u32(p + 16, (uint32_t)n);
  put_u32(p + 20, vigil_crc32(0, p + 24, n - 24));
  *out = p;
  *len = n;
  return VIGIL_OK;
}

vigil_status vg_back_finish(vg_back *b, uint8_t **out, size_t *len) {
  b->err = NULL;
  b->errsz = 0;
  b->st = VIGIL_OK;
  prune_and_compact(b);
  if (b->st != VIGIL_OK)
    return b->st;
  enum { NSEC = 9 };
  vg_buf sec[NSEC];
  uint32_t kinds[NSEC] = {VIGIL_SEC_STR,   VIGIL_SEC_CONST, VIGIL_SEC_SET,
                          VIGIL_SEC_PATTERN, VIGIL_SEC_FIELD, VIGIL_SEC_RULE,
                          VIGIL_SEC_CODE,  VIGIL_SEC_DEBUG, VIGIL_SEC_XFIELD};
  for (int i = 0; i < NSEC; i++)
    vg_buf_init(&sec[i]);
  sec_strs(b, &sec[0]);
  sec_table(&b->consts, &sec[1]);
  sec_table(&b->sets, &sec[2]);
  sec_table(&b->pats, &sec[3]);
  sec_table(&b->fields, &sec[4]);
  sec_rules(b, &sec[5]);
  buf_u32(&sec[6], b->ncode);
  for (uint32_t i = 0; i < b->ncode; i++)
    buf_u32(&sec[6], b->code[i]);
  /* optional sections written only when used: DEBUG, XFIELD */
  int nsec = b->o.no_debug ? NSEC - 2 : NSEC - 1;
  bool any_xf = false;
  for (uint32_t i = 0; i < b->nrules; i++)
    any_xf |= b->rules[i].nxf != 0;
  if (any_xf) {
    sec_xfields(b, &sec[nsec]);
    kinds[nsec] = VIGIL_SEC_XFIELD;
    nsec++;
  }
  if (!b->o.no_debug) {
    buf_u32(&sec[7], b->ndbg);
    for (uint32_t i = 0; i < b->ndbg; i++) {
      buf_u32(&sec[7], b->dbg[i].pc);
      buf_u32(&sec[7], b->dbg[i].start);
      buf_u32(&sec[7], b->dbg[i].end);
    }
  }
  vg_buf f;
  vg_buf_init(&f);
  uint8_t hdr[VIGIL_PACK_HEADER_SIZE] = {0};
  memcpy(hdr, VIGIL_PACK_MAGIC, VIGIL_PACK_MAGIC_LEN);
  put_u16(hdr + 8, VIGIL_PACK_MAJOR);
  /* minor 2 only when its addition (XFIELD) is used: other packs stay
   * byte-identical to 1.1 */
  put_u16(hdr + 10, any_xf ? VIGIL_PACK_MINOR : 1);
  put_u32(hdr + 24, (uint32_t)nsec);
  vg_buf_append(&f, hdr, sizeof hdr);
  size_t off = VIGIL_PACK_HEADER_SIZE + (size_t)nsec * 16;
  bool failed = false;
  for (int i = 0; i < nsec; i++) {
    failed |= vg_buf_failed(&sec[i]);
    uint8_t e[16];
    put_u32(e, kinds[i]);
    put_u32(e + 4, kinds[i] == VIGIL_SEC_DEBUG || kinds[i] == VIGIL_SEC_XFIELD
                       ? VIGIL_SECF_OPTIONAL
                       : 0);
    put_u32(e + 8, (uint32_t)off);
    put_u32(e + 12, (uint32_t)sec[i].len);
    vg_buf_append(&f, e, 16);
    off += sec[i].len;
  }
  for (int i = 0; i < nsec; i++)
    if (sec[i].len)
      vg_buf_append(&f, sec[i].ptr, sec[i].len);
  for (int i = 0; i < NSEC; i++)
    vg_buf_fini(&sec[i]);
  if (failed || vg_buf_failed(&f)) {
    vg_buf_fini(&f);
    return VIGIL_E_NOMEM;
  }
  if (f.len > 0xffffffffu) {
    vg_buf_fini(&f);
    return VIGIL_E_LIMIT;
  }
  if (b->o.deflate)
    return deflate_pack(&f, out, len);
  uint8_t *p = (uint8_t *)f.ptr;
  put_u32(p + 16, (uint32_t)f.len);
  put_u32(p + 20, vigil_crc32(0, p + 24, f.len - 24));
  size_t n;
  *out = (uint8_t *)vg_buf_take(&f, &n);
  *len = n;
  return *out ? VIGIL_OK : VIGIL_E_NOMEM;
}
