/*
 * cmp.c - comparison of typed field values (libsinsp's flt_compare and the
 * filter-check logic around it: sets, modifiers, list fields, field-to-field
 * comparisons). See cmp.h for the contract; regex.c and pmatch.c hold the
 * regex and path-prefix parts.
 */
#include "vm/cmp.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/cmp_int.h"

/* ------------------------------------------------------------------ */
/* Operator names                                                      */

static const char *const op_text[VG_CMP__COUNT] = {
    "=",           "!=",       "<",          "<=",        ">",
    ">=",          "contains", "icontains",  "bcontains", "startswith",
    "bstartswith", "endswith", "glob",       "iglob",     "regex",
    "pmatch",      "in",       "intersects", "exists"};

static const char *const op_name[VG_CMP__COUNT] = {
    "EQ",          "NE",       "LT",         "LE",        "GT",
    "GE",          "CONTAINS", "ICONTAINS",  "BCONTAINS", "STARTSWITH",
    "BSTARTSWITH", "ENDSWITH", "GLOB",       "IGLOB",     "REGEX",
    "PMATCH",      "IN",       "INTERSECTS", "EXISTS"};

const char *vg_cmpop_str(vg_cmpop op) {
  return (unsigned)op < VG_CMP__COUNT ? op_text[op] : "unknown";
}

const char *vg_cmpop_name(vg_cmpop op) {
  return (unsigned)op < VG_CMP__COUNT ? op_name[op] : "<unset>";
}

bool vg_cmpop_parse(const char *s, size_t n, vg_cmpop *out) {
  if (n == 2 && s[0] == '=' && s[1] == '=') {
    *out = VG_CMP_EQ;
    return true;
  }
  for (int i = 0; i < VG_CMP__COUNT; i++) {
    if (strlen(op_text[i]) == n && memcmp(op_text[i], s, n) == 0) {
      *out = (vg_cmpop)i;
      return true;
    }
  }
  return false;
}

bool vg_cmpmod_parse(const char *s, size_t n, vg_cmpmod *out) {
  static const char *const names[] = {"oneof", "anyof", "allof"};
  for (int i = 0; i < 3; i++) {
    if (n == 5 && memcmp(names[i], s, 5) == 0) {
      *out = (vg_cmpmod)(i + 1);
      return true;
    }
  }
  return false;
}

const char *vg_cmpmod_str(vg_cmpmod mod) {
  switch (mod) {
  case VG_CMPMOD_ONEOF:
    return "oneof";
  case VG_CMPMOD_ANYOF:
    return "anyof";
  case VG_CMPMOD_ALLOF:
    return "allof";
  default:
    return "";
  }
}

/* ------------------------------------------------------------------ */
/* Type families                                                       */

vg_tfam vg_cmp_family(vg_ftype t) {
  switch (t) {
  case VG_FT_INT8:
  case VG_FT_INT16:
  case VG_FT_INT32:
  case VG_FT_INT64:
  case VG_FT_ERRNO:
  case VG_FT_FD:
  case VG_FT_PID:
    return VG_TF_SIGNED;
  case VG_FT_UINT8:
  case VG_FT_UINT16:
  case VG_FT_UINT32:
  case VG_FT_UINT64:
  case VG_FT_SYSCALLID:
  case VG_FT_SIGTYPE:
  case VG_FT_RELTIME:
  case VG_FT_ABSTIME:
  case VG_FT_PORT:
  case VG_FT_FLAGS8:
  case VG_FT_FLAGS16:
  case VG_FT_FLAGS32:
  case VG_FT_MODE:
  case VG_FT_ENUMFLAGS8:
  case VG_FT_ENUMFLAGS16:
  case VG_FT_ENUMFLAGS32:
  case VG_FT_UID:
  case VG_FT_GID:
  case VG_FT_L4PROTO:
    return VG_TF_UNSIGNED;
  case VG_FT_DOUBLE:
    return VG_TF_DOUBLE;
  case VG_FT_BOOL:
    return VG_TF_BOOL;
  case VG_FT_IPV4ADDR:
  case VG_FT_IPV6ADDR:
  case VG_FT_IPADDR:
    return VG_TF_IPADDR;
  case VG_FT_IPV4NET:
  case VG_FT_IPV6NET:
  case VG_FT_IPNET:
    return VG_TF_IPNET;
  case VG_FT_CHARBUF:
  case VG_FT_FSPATH:
  case VG_FT_FSRELPATH:
    return VG_TF_STRING;
  case VG_FT_BYTEBUF:
    return VG_TF_BUFFER;
  default:
    return VG_TF_OTHER;
  }
}

vg_ftype vg_cmp_lhs_type(vg_ftype t) {
  switch (t) {
  case VG_FT_IPNET:
    return VG_FT_IPADDR;
  case VG_FT_IPV4NET:
    return VG_FT_IPV4ADDR;
  case VG_FT_IPV6NET:
    return VG_FT_IPV6ADDR;
  default:
    return t;
  }
}

/* Narrows a signed value to the width of t (flt_cast<intN_t>). */
int64_t vg_cmp_narrow_s(vg_ftype t, int64_t v) {
  switch (t) {
  case VG_FT_INT8:
    return (int8_t)v;
  case VG_FT_INT16:
    return (int16_t)v;
  case VG_FT_INT32:
    return (int32_t)v;
  default:
    return v;
  }
}

uint64_t vg_cmp_narrow_u(vg_ftype t, uint64_t v) {
  switch (t) {
  case VG_FT_UINT8:
  case VG_FT_FLAGS8:
  case VG_FT_ENUMFLAGS8:
  case VG_FT_SIGTYPE:
  case VG_FT_L4PROTO:
    return (uint8_t)v;
  case VG_FT_UINT16:
  case VG_FT_FLAGS16:
  case VG_FT_ENUMFLAGS16:
  case VG_FT_PORT:
  case VG_FT_SYSCALLID:
    return (uint16_t)v;
  case VG_FT_UINT32:
  case VG_FT_FLAGS32:
  case VG_FT_ENUMFLAGS32:
  case VG_FT_MODE:
  case VG_FT_UID:
  case VG_FT_GID:
    return (uint32_t)v;
  default:
    return v;
  }
}

/* libsinsp type names for messages (kept here so that this file does not
 * depend on value.c). */
static const char *type_name(vg_ftype t) {
  static const char *const names[VG_FT__MAX] = {"NONE",
                                                "INT8",
                                                "INT16",
                                                "INT32",
                                                "INT64",
                                                "UINT8",
                                                "UINT16",
                                                "UINT32",
                                                "UINT64",
                                                "CHARBUF",
                                                "BYTEBUF",
                                                "ERRNO",
                                                "SOCKADDR",
                                                "SOCKTUPLE",
                                                "FD",
                                                "PID",
                                                "FDLIST",
                                                "FSPATH",
                                                "SYSCALLID",
                                                "SIGTYPE",
                                                "RELTIME",
                                                "ABSTIME",
                                                "PORT",
                                                "L4PROTO",
                                                "SOCKFAMILY",
                                                "BOOL",
                                                "IPV4ADDR",
                                                "DYN",
                                                "FLAGS8",
                                                "FLAGS16",
                                                "FLAGS32",
                                                "UID",
                                                "GID",
                                                "DOUBLE",
                                                "SIGSET",
                                                "CHARBUFARRAY",
                                                "CHARBUF_PAIR_ARRAY",
                                                "IPV4NET",
                                                "IPV6ADDR",
                                                "IPV6NET",
                                                "IPADDR",
                                                "IPNET",
                                                "MODE",
                                                "FSRELPATH",
                                                "ENUMFLAGS8",
                                                "ENUMFLAGS16",
                                                "ENUMFLAGS32"};
  return (unsigned)t < VG_FT__MAX && names[t] ? names[t] : "UNKNOWN";
}

/* ------------------------------------------------------------------ */
/* Admissibility (8.2)                                                 */

static bool fail(char *err, size_t errsz, vg_cmpop op, const char *what) {
  if (errsz > 0)
    snprintf(err, errsz, "'%s' operator not supported %s", vg_cmpop_str(op),
             what);
  return false;
}

bool vg_cmp_supported(vg_ftype t, bool is_list, vg_cmpop op, vg_cmpmod mod,
                      char *err, size_t errsz) {
  if (errsz > 0)
    err[0] = '\0';
  if ((unsigned)op >= VG_CMP__COUNT)
    return fail(err, errsz, op, "for this field");
  if (op == VG_CMP_EXISTS)
    return true;
  if (is_list) {
    switch (t) {
    case VG_FT_CHARBUF:
    case VG_FT_UINT64:
    case VG_FT_RELTIME:
    case VG_FT_ABSTIME:
    case VG_FT_BOOL:
    case VG_FT_IPADDR:
    case VG_FT_IPNET:
      if (op == VG_CMP_IN || op == VG_CMP_INTERSECTS)
        return true;
      return fail(err, errsz, op, "list filters");
    default:
      if (errsz > 0)
        snprintf(err, errsz, "list filters are not supported for type '%s'",
                 type_name(t));
      return false;
    }
  }
  switch (vg_cmp_family(t)) {
  case VG_TF_SIGNED:
  case VG_TF_UNSIGNED:
  case VG_TF_DOUBLE:
    if (t == VG_FT_UID || t == VG_FT_GID || t == VG_FT_L4PROTO)
      break; /* compared by libsinsp, but not admissible in filters */
    switch (op) {
    case VG_CMP_EQ:
    case VG_CMP_NE:
    case VG_CMP_LT:
    case VG_CMP_LE:
    case VG_CMP_GT:
    case VG_CMP_GE:
    case VG_CMP_IN:
    case VG_CMP_INTERSECTS:
      return true;
    default:
      return fail(err, errsz, op, "for numeric filters");
    }
  case VG_TF_BOOL:
    switch (op) {
    case VG_CMP_EQ:
    case VG_CMP_NE:
    case VG_CMP_IN:
    case VG_CMP_INTERSECTS:
      return true;
    default:
      return fail(err, errsz, op, "for numeric filters");
    }
  case VG_TF_IPADDR:
  case VG_TF_IPNET: {
    bool ok = op == VG_CMP_EQ || op == VG_CMP_NE || op == VG_CMP_IN ||
              op == VG_CMP_INTERSECTS;
    if (!ok && mod != VG_CMPMOD_NONE) {
      if (errsz > 0)
        snprintf(err, errsz,
                 "'%s' with modifier not supported for ip address and "
                 "network filters",
                 vg_cmpop_str(op));
      return false;
    }
    if (!ok)
      return fail(err, errsz, op, "for ip address and network filters");
    return true;
  }
  case VG_TF_STRING:
    switch (op) {
    case VG_CMP_BCONTAINS:
    case VG_CMP_BSTARTSWITH:
      return fail(err, errsz, op, "for string filters");
    default:
      return true;
    }
  case VG_TF_BUFFER:
    switch (op) {
    case VG_CMP_EQ:
    case VG_CMP_NE:
    case VG_CMP_CONTAINS:
    case VG_CMP_IN:
    case VG_CMP_STARTSWITH:
    case VG_CMP_ENDSWITH:
    case VG_CMP_INTERSECTS:
    case VG_CMP_BCONTAINS:
    case VG_CMP_BSTARTSWITH:
      return true;
    default:
      return fail(err, errsz, op, "for buffer filters");
    }
  default:
    break;
  }
  if (errsz > 0)
    snprintf(err, errsz, "'%s' operator not supported for type '%s'",
             vg_cmpop_str(op), type_name(t));
  return false;
}

/* ------------------------------------------------------------------ */
/* Scratch                                                             */

bool vg_cmp_scratch_reserve(vg_cmp_scratch *scr, size_t need) {
  if (scr == NULL)
    return false;
  if (need <= scr->cap)
    return true;
  size_t cap = scr->cap ? scr->cap : VG_CMP_SCRATCH_INIT;
  while (cap < need) {
    if (cap > SIZE_MAX / 2) {
      cap = need;
      break;
    }
    cap *= 2;
  }
  uint8_t *p = realloc(scr->buf, cap);
  if (p == NULL) {
    if (scr->err == VIGIL_OK)
      scr->err = VIGIL_E_NOMEM;
    return false;
  }
  scr->buf = p;
  scr->cap = cap;
  return true;
}

/* NUL-terminated copy of s[0..n) in the scratch buffer (only the C-string
 * part matters to its users), or NULL. */
const char *vg_cmp_cstr(vg_cmp_scratch *scr, const uint8_t *s, size_t n) {
  if (n == SIZE_MAX || !vg_cmp_scratch_reserve(scr, n + 1))
    return NULL;
  if (n > 0)
    memcpy(scr->buf, s, n);
  scr->buf[n] = '\0';
  return (const char *)scr->buf;
}

/* ------------------------------------------------------------------ */
/* Layer 1                                                             */

static size_t cstrlen(const uint8_t *p, size_t n) {
  const uint8_t *z = n ? memchr(p, 0, n) : NULL;
  return z ? (size_t)(z - p) : n;
}

size_t vg_cmp_strip_nul(const uint8_t *p, size_t n) {
  while (n > 0 && p[n - 1] == 0)
    n--;
  return n;
}

static int bytes_order(const uint8_t *a, size_t an, const uint8_t *b,
                       size_t bn) {
  size_t m = an < bn ? an : bn;
  int c = m ? memcmp(a, b, m) : 0;
  if (c != 0)
    return c;
  return an < bn ? -1 : an > bn ? 1 : 0;
}

static const uint8_t *find_bytes(const uint8_t *h, size_t hn, const uint8_t *nd,
                                 size_t nn) {
  if (nn == 0)
    return h;
  if (nn > hn)
    return NULL;
  return memmem(h, hn, nd, nn);
}

static uint8_t lc(uint8_t c) {
  return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* strcasestr in the C locale: ASCII case folding only. */
static bool find_icase(const uint8_t *h, size_t hn, const uint8_t *nd,
                       size_t nn) {
  if (nn == 0)
    return true;
  if (nn > hn)
    return false;
  uint8_t f = lc(nd[0]);
  for (size_t i = 0; i + nn <= hn; i++) {
    if (lc(h[i]) != f)
      continue;
    size_t j = 1;
    while (j < nn && lc(h[i + j]) == lc(nd[j]))
      j++;
    if (j == nn)
      return true;
  }
  return false;
}

static bool ord_result(vg_cmpop op, int c) {
  switch (op) {
  case VG_CMP_EQ:
  case VG_CMP_IN:
  case VG_CMP_INTERSECTS:
    return c == 0;
  case VG_CMP_NE:
    return c != 0;
  case VG_CMP_LT:
    return c < 0;
  case VG_CMP_LE:
    return c <= 0;
  case VG_CMP_GT:
    return c > 0;
  case VG_CMP_GE:
    return c >= 0;
  default:
    return false;
  }
}

static bool glob_cstr(const uint8_t *pat, size_t pn, const uint8_t *s,
                      size_t sn, bool icase, vg_cmp_scratch *scr) {
  /* Both operands as C strings: the pattern is copied after the value in
   * the same scratch buffer. */
  pn = cstrlen(pat, pn);
  sn = cstrlen(s, sn);
  if (sn > SIZE_MAX - pn - 2 || !vg_cmp_scratch_reserve(scr, sn + pn + 2))
    return false;
  memcpy(scr->buf, s, sn);
  scr->buf[sn] = '\0';
  memcpy(scr->buf + sn + 1, pat, pn);
  scr->buf[sn + 1 + pn] = '\0';
  return fnmatch((const char *)scr->buf + sn + 1, (const char *)scr->buf,
                 icase ? FNM_CASEFOLD : 0) == 0;
}

/* glob with a NUL-terminated pattern (the check's own copies): only the
 * value is copied. */
static bool glob_pat(const char *pat, const uint8_t *s, size_t sn, bool icase,
                     vg_cmp_scratch *scr) {
  const char *v = vg_cmp_cstr(scr, s, cstrlen(s, sn));
  return v != NULL && fnmatch(pat, v, icase ? FNM_CASEFOLD : 0) == 0;
}

static bool cmp_string(vg_cmpop op, const vg_value *a, const vg_value *b,
                       vg_cmp_scratch *scr) {
  const uint8_t *ap = a->v.s.p, *bp = b->v.s.p;
  size_t an = cstrlen(ap, a->v.s.n), bn = cstrlen(bp, b->v.s.n);
  switch (op) {
  case VG_CMP_EQ:
  case VG_CMP_NE:
  case VG_CMP_LT:
  case VG_CMP_LE:
  case VG_CMP_GT:
  case VG_CMP_GE:
  case VG_CMP_IN:
  case VG_CMP_INTERSECTS:
    return ord_result(op, bytes_order(ap, an, bp, bn));
  case VG_CMP_CONTAINS:
    return find_bytes(ap, an, bp, bn) != NULL;
  case VG_CMP_ICONTAINS:
    return find_icase(ap, an, bp, bn);
  case VG_CMP_STARTSWITH:
    return bn <= an && memcmp(ap, bp, bn) == 0;
  case VG_CMP_ENDSWITH:
    return bn <= an && memcmp(ap + (an - bn), bp, bn) == 0;
  case VG_CMP_GLOB:
  case VG_CMP_IGLOB:
    return glob_cstr(bp, bn, ap, an, op == VG_CMP_IGLOB, scr);
  default:
    return false;
  }
}

static bool cmp_buffer(vg_cmpop op, const vg_value *a, const vg_value *b) {
  const uint8_t *ap = a->v.s.p, *bp = b->v.s.p;
  size_t an = a->v.s.n, bn = b->v.s.n;
  switch (op) {
  case VG_CMP_EQ:
  case VG_CMP_IN:
  case VG_CMP_INTERSECTS:
    return an == bn && (an == 0 || memcmp(ap, bp, an) == 0);
  case VG_CMP_NE:
    return an != bn || (an != 0 && memcmp(ap, bp, an) != 0);
  case VG_CMP_CONTAINS:
  case VG_CMP_BCONTAINS:
    return find_bytes(ap, an, bp, bn) != NULL;
  case VG_CMP_STARTSWITH:
  case VG_CMP_BSTARTSWITH:
    return bn <= an && (bn == 0 || memcmp(ap, bp, bn) == 0);
  case VG_CMP_ENDSWITH:
    return bn <= an && (bn == 0 || memcmp(ap + (an - bn), bp, bn) == 0);
  default:
    return false;
  }
}

/* Address a inside network b (same family, checked by the caller). */
bool vg_cmp_in_net(const vg_ipnet *a, const vg_ipnet *b) {
  unsigned bits = b->prefix, max = b->v6 ? 128u : 32u;
  if (bits > max)
    bits = max;
  unsigned full = bits / 8, rest = bits % 8;
  if (full && memcmp(a->addr, b->addr, full) != 0)
    return false;
  if (rest) {
    uint8_t m = (uint8_t)(0xffu << (8 - rest));
    if ((a->addr[full] & m) != (b->addr[full] & m))
      return false;
  }
  return true;
}

static bool cmp_ip(vg_cmpop op, vg_tfam fam, const vg_value *a,
                   const vg_value *b) {
  bool eq;
  if (op != VG_CMP_EQ && op != VG_CMP_NE && op != VG_CMP_IN &&
      op != VG_CMP_INTERSECTS)
    return false;
  if (a->v.ip.v6 != b->v.ip.v6)
    return op == VG_CMP_NE; /* families differ: libsinsp's size check */
  if (fam == VG_TF_IPNET)
    eq = vg_cmp_in_net(&a->v.ip, &b->v.ip);
  else
    eq = memcmp(a->v.ip.addr, b->v.ip.addr, a->v.ip.v6 ? 16 : 4) == 0;
  return op == VG_CMP_NE ? !eq : eq;
}

bool vg_cmp_values(vg_cmpop op, vg_ftype t, const vg_value *a,
                   const vg_value *b, vg_cmp_scratch *scr) {
  if (op == VG_CMP_EXISTS)
    return true;
  vg_tfam fam = vg_cmp_family(t);
  switch (fam) {
  case VG_TF_SIGNED: {
    int64_t x = vg_cmp_narrow_s(t, a->v.i), y = vg_cmp_narrow_s(t, b->v.i);
    return ord_result(op, x < y ? -1 : x > y ? 1 : 0);
  }
  case VG_TF_UNSIGNED: {
    uint64_t x = vg_cmp_narrow_u(t, a->v.u), y = vg_cmp_narrow_u(t, b->v.u);
    return ord_result(op, x < y ? -1 : x > y ? 1 : 0);
  }
  case VG_TF_DOUBLE: {
    double x = a->v.d, y = b->v.d;
    switch (op) {
    case VG_CMP_EQ:
    case VG_CMP_IN:
    case VG_CMP_INTERSECTS:
      return x == y;
    case VG_CMP_NE:
      return x != y;
    case VG_CMP_LT:
      return x < y;
    case VG_CMP_LE:
      return x <= y;
    case VG_CMP_GT:
      return x > y;
    case VG_CMP_GE:
      return x >= y;
    default:
      return false;
    }
  }
  case VG_TF_BOOL: {
    bool x = a->v.b, y = b->v.b;
    switch (op) {
    case VG_CMP_EQ:
    case VG_CMP_IN:
    case VG_CMP_INTERSECTS:
      return x == y;
    case VG_CMP_NE:
      return x != y;
    default:
      return false;
    }
  }
  case VG_TF_IPADDR:
  case VG_TF_IPNET:
    return cmp_ip(op, fam, a, b);
  case VG_TF_STRING:
    return cmp_string(op, a, b, scr);
  case VG_TF_BUFFER:
    return cmp_buffer(op, a, b);
  default:
    return false;
  }
}

/* ------------------------------------------------------------------ */
/* Layer 3: checks                                                     */

struct vg_check {
  vg_cmpop op;
  vg_cmpmod mod;
  vg_ftype t;
  vg_tfam fam;
  bool is_list;
  size_t n;       /* constants */
  vg_value *vals; /* copies (string bytes in 'bytes') */
  uint8_t *bytes;
  vg_valset *set; /* in / intersects / = anyof / != allof */
  vg_pmatch *pm;  /* pmatch */
  vg_regex **res; /* regex: one per constant */
};

void vg_check_free(vg_check *c) {
  if (c == NULL)
    return;
  if (c->res) {
    for (size_t i = 0; i < c->n; i++)
      vg_regex_free(c->res[i]);
    free(c->res);
  }
  vg_valset_free(c->set);
  vg_pmatch_free(c->pm);
  free(c->vals);
  free(c->bytes);
  free(c);
}

vg_cmpop vg_check_op(const vg_check *c) {
  return c->op;
}
vg_cmpmod vg_check_mod(const vg_check *c) {
  return c->mod;
}

static bool is_bytes_type(vg_tfam f) {
  return f == VG_TF_STRING || f == VG_TF_BUFFER;
}

vigil_status vg_check_new(vg_cmpop op, vg_cmpmod mod, vg_ftype t, bool is_list,
                          const vg_value *rhs, size_t nrhs, vg_check **out,
                          char *err, size_t errsz) {
  vigil_status st = VIGIL_E_NOMEM;
  if (errsz > 0)
    err[0] = '\0';
  if (!vg_cmp_supported(t, is_list, op, mod, err, errsz))
    return VIGIL_E_SYNTAX;
  if (nrhs > 0 && rhs == NULL)
    return VIGIL_E_INVAL;
  vg_check *c = calloc(1, sizeof *c);
  if (c == NULL)
    return VIGIL_E_NOMEM;
  c->op = op;
  c->mod = mod;
  c->t = t;
  c->fam = vg_cmp_family(t);
  c->is_list = is_list;
  c->n = nrhs;

  /* Copies of the constants, string bytes in one block. */
  bool textual =
      is_bytes_type(c->fam) || op == VG_CMP_REGEX || op == VG_CMP_PMATCH;
  size_t total = 0;
  if (textual)
    for (size_t i = 0; i < nrhs; i++)
      total += rhs[i].v.s.n + 1;
  if (nrhs > 0) {
    c->vals = calloc(nrhs, sizeof *c->vals);
    if (c->vals == NULL)
      goto fail;
  }
  if (total > 0) {
    c->bytes = malloc(total);
    if (c->bytes == NULL)
      goto fail;
  }
  size_t off = 0;
  for (size_t i = 0; i < nrhs; i++) {
    c->vals[i] = rhs[i];
    if (textual) {
      size_t n = rhs[i].v.s.n;
      if (n)
        memcpy(c->bytes + off, rhs[i].v.s.p, n);
      c->bytes[off + n] = 0;
      c->vals[i].v.s.p = c->bytes + off;
      off += n + 1;
    }
  }

  if (op == VG_CMP_REGEX) {
    c->res = calloc(nrhs ? nrhs : 1, sizeof *c->res);
    if (c->res == NULL)
      goto fail;
    for (size_t i = 0; i < nrhs; i++) {
      st = vg_regex_new((const char *)c->vals[i].v.s.p, c->vals[i].v.s.n,
                        &c->res[i], err, errsz);
      if (st != VIGIL_OK)
        goto fail;
    }
  } else if (op == VG_CMP_PMATCH) {
    st = vg_pmatch_new(&c->pm);
    if (st != VIGIL_OK)
      goto fail;
    for (size_t i = 0; i < nrhs; i++) {
      st = vg_pmatch_add(c->pm, c->vals[i].v.s.p, c->vals[i].v.s.n);
      if (st != VIGIL_OK)
        goto fail;
    }
  } else if (op == VG_CMP_IN || op == VG_CMP_INTERSECTS ||
             (op == VG_CMP_EQ && mod == VG_CMPMOD_ANYOF) ||
             (op == VG_CMP_NE && mod == VG_CMPMOD_ALLOF)) {
    st = vg_valset_new(t, &c->set);
    if (st != VIGIL_OK)
      goto fail;
    for (size_t i = 0; i < nrhs; i++) {
      st = vg_valset_add(c->set, &c->vals[i]);
      if (st != VIGIL_OK)
        goto fail;
    }
  }
  *out = c;
  return VIGIL_OK;
fail:
  vg_check_free(c);
  return st;
}

/* One left value against constant i with the check's base operator. */
static bool match_elem(const vg_check *c, vg_cmpop op, const vg_value *v,
                       size_t i, vg_cmp_scratch *scr) {
  if (op == VG_CMP_REGEX) {
    size_t n = vg_cmp_strip_nul(v->v.s.p, v->v.s.n);
    return vg_regex_match(c->res[i], v->v.s.p, n, scr);
  }
  if ((op == VG_CMP_GLOB || op == VG_CMP_IGLOB) && c->fam == VG_TF_STRING)
    return glob_pat((const char *)c->vals[i].v.s.p, v->v.s.p, v->v.s.n,
                    op == VG_CMP_IGLOB, scr);
  return vg_cmp_values(op, c->t, v, &c->vals[i], scr);
}

static bool eval_mod(const vg_check *c, const vg_value *v,
                     vg_cmp_scratch *scr) {
  vg_cmpop op = c->op;
  if (c->n == 0)
    return false;
  /* Network types compare by '=' only (libsinsp flt_type_is_eq_only). */
  if (c->fam == VG_TF_IPNET && op != VG_CMP_EQ && op != VG_CMP_NE &&
      op != VG_CMP_REGEX)
    op = VG_CMP_EQ;
  switch (c->mod) {
  case VG_CMPMOD_ONEOF: {
    int hits = 0;
    for (size_t i = 0; i < c->n; i++) {
      if (match_elem(c, op, v, i, scr) && ++hits > 1)
        return false;
    }
    return hits == 1;
  }
  case VG_CMPMOD_ANYOF:
    if (op == VG_CMP_EQ && c->set)
      return vg_valset_contains(c->set, v);
    for (size_t i = 0; i < c->n; i++)
      if (match_elem(c, op, v, i, scr))
        return true;
    return false;
  case VG_CMPMOD_ALLOF:
    if (op == VG_CMP_NE && c->set)
      return !vg_valset_contains(c->set, v);
    for (size_t i = 0; i < c->n; i++)
      if (!match_elem(c, op, v, i, scr))
        return false;
    return true;
  default:
    return false;
  }
}

static bool eval_one(const vg_check *c, const vg_value *v,
                     vg_cmp_scratch *scr) {
  if (c->mod != VG_CMPMOD_NONE)
    return eval_mod(c, v, scr);
  switch (c->op) {
  case VG_CMP_EXISTS:
    return true;
  case VG_CMP_IN:
  case VG_CMP_INTERSECTS:
    return vg_valset_contains(c->set, v);
  case VG_CMP_PMATCH:
    return vg_pmatch_match(c->pm, v->v.s.p,
                           vg_cmp_strip_nul(v->v.s.p, v->v.s.n), scr);
  case VG_CMP_REGEX:
    return c->n > 0 && match_elem(c, VG_CMP_REGEX, v, 0, scr);
  default:
    return c->n > 0 && match_elem(c, c->op, v, 0, scr);
  }
}

bool vg_check_eval(const vg_check *c, const vg_value *lhs, size_t nlhs,
                   vg_cmp_scratch *scr) {
  if (c == NULL || nlhs == 0 || lhs == NULL)
    return false;
  if (c->op == VG_CMP_EXISTS)
    return true;
  if (c->is_list) {
    if (c->op == VG_CMP_IN) {
      for (size_t i = 0; i < nlhs; i++)
        if (!vg_valset_contains(c->set, &lhs[i]))
          return false;
      return true;
    }
    if (c->op == VG_CMP_INTERSECTS) {
      for (size_t i = 0; i < nlhs; i++)
        if (vg_valset_contains(c->set, &lhs[i]))
          return true;
      return false;
    }
    return false;
  }
  if (nlhs != 1)
    return false;
  return eval_one(c, lhs, scr);
}

bool vg_check_eval_either(const vg_check *c, const vg_value *a,
                          const vg_value *b, vg_cmp_scratch *scr) {
  if (c == NULL || a == NULL || b == NULL)
    return false;
  if (c->op == VG_CMP_NE)
    return vg_check_eval(c, a, 1, scr) && vg_check_eval(c, b, 1, scr);
  return vg_check_eval(c, a, 1, scr) || vg_check_eval(c, b, 1, scr);
}

/* ------------------------------------------------------------------ */
/* Field-to-field                                                      */

/* Equality used for set semantics: bytes for strings (trailing NULs
 * stripped), CIDR membership for networks, vg_cmp_values otherwise. */
static bool set_equal(vg_ftype t, const vg_value *a, const vg_value *b) {
  vg_tfam fam = vg_cmp_family(t);
  if (fam == VG_TF_STRING) {
    size_t an = vg_cmp_strip_nul(a->v.s.p, a->v.s.n);
    size_t bn = vg_cmp_strip_nul(b->v.s.p, b->v.s.n);
    return an == bn && (an == 0 || memcmp(a->v.s.p, b->v.s.p, an) == 0);
  }
  if (fam == VG_TF_DOUBLE)
    return memcmp(&a->v.d, &b->v.d, sizeof a->v.d) == 0;
  return vg_cmp_values(VG_CMP_EQ, t, a, b, NULL);
}

static bool in_list(vg_ftype t, const vg_value *v, const vg_value *rhs,
                    size_t nrhs) {
  for (size_t i = 0; i < nrhs; i++)
    if (set_equal(t, v, &rhs[i]))
      return true;
  return false;
}

bool vg_cmp_fields(vg_cmpop op, vg_cmpmod mod, vg_ftype t, bool is_list,
                   const vg_value *lhs, size_t nlhs, const vg_value *rhs,
                   size_t nrhs, vg_cmp_scratch *scr) {
  if (nlhs == 0 || nrhs == 0 || lhs == NULL || rhs == NULL)
    return false;
  if (op == VG_CMP_EXISTS)
    return true;
  if (op == VG_CMP_REGEX || op == VG_CMP_PMATCH)
    return false;
  if (is_list) {
    if (op == VG_CMP_IN) {
      for (size_t i = 0; i < nlhs; i++)
        if (!in_list(t, &lhs[i], rhs, nrhs))
          return false;
      return true;
    }
    if (op == VG_CMP_INTERSECTS) {
      for (size_t i = 0; i < nlhs; i++)
        if (in_list(t, &lhs[i], rhs, nrhs))
          return true;
      return false;
    }
    return false;
  }
  if (nlhs != 1)
    return false;
  if (mod == VG_CMPMOD_NONE) {
    if (op == VG_CMP_IN || op == VG_CMP_INTERSECTS)
      return in_list(t, lhs, rhs, nrhs);
    return vg_cmp_values(op, t, lhs, &rhs[0], scr);
  }
  if (vg_cmp_family(t) == VG_TF_IPNET && op != VG_CMP_EQ && op != VG_CMP_NE)
    op = VG_CMP_EQ;
  size_t hits = 0;
  for (size_t i = 0; i < nrhs; i++) {
    bool m = vg_cmp_values(op, t, lhs, &rhs[i], scr);
    if (mod == VG_CMPMOD_ANYOF && m)
      return true;
    if (mod == VG_CMPMOD_ALLOF && !m)
      return false;
    if (mod == VG_CMPMOD_ONEOF && m && ++hits > 1)
      return false;
  }
  if (mod == VG_CMPMOD_ANYOF)
    return false;
  if (mod == VG_CMPMOD_ALLOF)
    return true;
  return hits == 1;
}
