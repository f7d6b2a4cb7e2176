/*
 * diffref.h - the reference side of the differential VM test
 * (test_diff_vm.c): a field table, an event generator that draws field
 * values from the constants the rules mention, and a small tree-walking
 * interpreter over the macro-expanded condition AST.
 *
 * The interpreter is deliberately independent of plugin/vm (cmp.c,
 * interp.c) and compiler/back: operators are written out here in the
 * plainest C we could manage from rules-language.md 8.1-8.7 (libc fnmatch
 * for glob, POSIX regcomp for regex, memcmp/memmem for the string
 * operators). It shares only literal conversion (vg_value_parse) and the
 * field catalog (types) with the compiler. Transformers other than val()
 * are not modelled: rules that use them are counted as skipped.
 *
 * Everything here is test code: allocation failures abort the test.
 * Whatever it allocates is released again by df_table_free,
 * df_rnode_free and df_locals_free (the test runs under LeakSanitizer).
 */
#ifndef VG_DIFFREF_H
#define VG_DIFFREF_H

#include <ctype.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/ast.h"
#include "sema/catalog.h"
#include "vm/value.h"

/* ---- helpers ------------------------------------------------------------ */

static void *df_xalloc(size_t n) {
  void *p = calloc(1, n ? n : 1);
  if (!p) {
    fprintf(stderr, "diffref: out of memory\n");
    abort();
  }
  return p;
}

static void *df_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fprintf(stderr, "diffref: out of memory\n");
    abort();
  }
  return q;
}

static char *df_strndup(const char *s, size_t n) {
  char *r = df_xalloc(n + 1);
  memcpy(r, s, n);
  r[n] = 0;
  return r;
}

/* splitmix64: the generator's only source of randomness. */
static uint64_t df_mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

typedef struct df_rng {
  uint64_t s;
} df_rng;

static uint64_t df_next(df_rng *r) {
  r->s = df_mix(r->s);
  return r->s;
}

static uint32_t df_below(df_rng *r, uint32_t n) {
  return n ? (uint32_t)(df_next(r) % n) : 0;
}

static bool df_is_str(vg_ftype t) {
  return t == VG_FT_CHARBUF || t == VG_FT_FSPATH || t == VG_FT_FSRELPATH;
}
static bool df_is_ip(vg_ftype t) {
  return t == VG_FT_IPV4ADDR || t == VG_FT_IPV6ADDR || t == VG_FT_IPADDR ||
         t == VG_FT_IPV4NET || t == VG_FT_IPV6NET || t == VG_FT_IPNET;
}
static bool df_is_net(vg_ftype t) {
  return t == VG_FT_IPV4NET || t == VG_FT_IPV6NET || t == VG_FT_IPNET;
}
static bool df_is_signed(vg_ftype t) {
  return t == VG_FT_INT8 || t == VG_FT_INT16 || t == VG_FT_INT32 ||
         t == VG_FT_INT64 || t == VG_FT_ERRNO || t == VG_FT_FD ||
         t == VG_FT_PID;
}

/* ---- fields ----------------------------------------------------------- */

enum { DF_SINGLE = 0, DF_ANY = 1, DF_ENDPOINT = 2 };
#define DF_MAXV 4

typedef struct df_field {
  char *key; /* source NUL name NUL arg, flattened as "source|name|arg" */
  char *source, *name, *arg; /* arg NULL without argument */
  vg_ftype type;
  bool is_list;
  int multi;
  bool is_evtype; /* syscall evt.type: the event's type name */
  char **pool;
  size_t npool, cappool;
  size_t maxlen; /* longest pool entry */
  /* values for the current event (generated on first use) */
  uint64_t epoch;
  vg_value vals[DF_MAXV];
  size_t n;
  char *sbuf; /* backing bytes of string values */
  size_t sbufcap;
} df_field;

/* Constants one rule mentions for one field: the generator prefers them
 * while that rule is the event's target, so conjunctions come true. */
typedef struct df_local {
  int field;
  const char **pool;
  size_t n, cap;
} df_local;

typedef struct df_table {
  df_field *f;
  size_t n, cap;
  const df_local *loc; /* the target rule's constants */
  size_t nloc;
  /* current event */
  uint64_t epoch, seed;
  const char *evtname;
  size_t nvm_type_mismatch;
} df_table;

static char *df_key(const char *source, const char *name, size_t nlen,
                    const char *arg, size_t alen, bool has_arg) {
  size_t n = strlen(source) + nlen + alen + 4;
  char *k = df_xalloc(n);
  snprintf(k, n, "%s|%.*s|%s%.*s", source, (int)nlen, name,
           has_arg ? "=" : "", (int)alen, arg ? arg : "");
  return k;
}

static int df_find(const df_table *t, const char *key) {
  for (size_t i = 0; i < t->n; i++)
    if (!strcmp(t->f[i].key, key))
      return (int)i;
  return -1;
}

static int df_multi_of(const char *name, bool has_arg) {
  static const char *const endpoint[] = {"fd.ip", "fd.net", "fd.port",
                                         "fd.proto"};
  static const char *const ancestors[] = {"proc.aname", "proc.apid",
                                          "proc.aexe", "proc.aexepath",
                                          "proc.acmdline", "proc.aenv"};
  for (size_t i = 0; i < sizeof endpoint / sizeof *endpoint; i++)
    if (!strcmp(name, endpoint[i]))
      return DF_ENDPOINT;
  for (size_t i = 0; i < sizeof ancestors / sizeof *ancestors; i++)
    if (!has_arg && !strcmp(name, ancestors[i]))
      return DF_ANY;
  return DF_SINGLE;
}

/* Adds (or finds) the field a FIELD node names for source. Returns -1 when
 * the catalog does not know it. */
static int df_field_of(df_table *t, const char *source, const vg_node *n) {
  char *key = df_key(source, n->str.ptr, n->str.len, n->arg.ptr, n->arg.len,
                     n->has_arg);
  int i = df_find(t, key);
  if (i >= 0) {
    free(key);
    return i;
  }
  vg_fieldset fs;
  vg_field_ref ref;
  char why[256];
  if (!vg_fieldset_for_source(&fs, source, NULL, NULL) ||
      vg_field_resolve(&fs, n->str.ptr, n->str.len, n->arg.ptr, n->arg.len,
                       n->has_arg, &ref, why, sizeof why) != VIGIL_OK) {
    free(key);
    return -1;
  }
  if (t->n == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 64;
    t->f = df_xrealloc(t->f, t->cap * sizeof *t->f);
  }
  df_field *f = &t->f[t->n];
  memset(f, 0, sizeof *f);
  f->key = key;
  f->source = df_strndup(source, strlen(source));
  f->name = df_strndup(n->str.ptr, n->str.len);
  f->arg = n->has_arg ? df_strndup(n->arg.ptr, n->arg.len) : NULL;
  f->type = ref.type;
  f->is_list = ref.is_list;
  f->multi = df_multi_of(f->name, n->has_arg);
  f->is_evtype = !strcmp(source, "syscall") && !n->has_arg &&
                 !strcmp(f->name, "evt.type");
  return (int)t->n++;
}

static void df_pool_add(df_field *f, const char *s, size_t n) {
  for (size_t i = 0; i < f->npool; i++)
    if (strlen(f->pool[i]) == n && !memcmp(f->pool[i], s, n))
      return;
  if (memchr(s, 0, n))
    return;
  if (f->npool == f->cappool) {
    f->cappool = f->cappool ? f->cappool * 2 : 8;
    f->pool = df_xrealloc(f->pool, f->cappool * sizeof *f->pool);
  }
  f->pool[f->npool++] = df_strndup(s, n);
  if (n > f->maxlen)
    f->maxlen = n;
}

/* ---- value generation -------------------------------------------------- */

static const char *const df_common_strs[] = {
    "",     "<NA>",  "N/A",        "bash",  "sh",       "/bin/sh",
    "runc", "/tmp",  "/etc/passwd", "root", "/usr/bin", "node",
    "-c",   "x",     "/",          "TRUE",  "docker",   "/proc/self"};

static size_t df_put(df_field *f, size_t at, const char *s, size_t n) {
  if (at + n + 1 > f->sbufcap)
    n = f->sbufcap > at + 1 ? f->sbufcap - at - 1 : 0;
  memcpy(f->sbuf + at, s, n);
  f->sbuf[at + n] = 0;
  return n;
}

/* One string value into sbuf at `at`; returns its length. */
static size_t df_gen_str(df_rng *r, df_field *f, const df_table *t,
                         size_t at, const char *const *pool, size_t npool,
                         bool local) {
  char tmp[128];
  const char *base;
  size_t bl;
  uint32_t pick = df_below(r, 100);
  if (npool && pick < 80) {
    base = pool[df_below(r, (uint32_t)npool)];
  } else if (pick < 88 && t->n) {
    /* a constant of some other field */
    const df_field *o = &t->f[df_below(r, (uint32_t)t->n)];
    base = o->npool ? o->pool[df_below(r, (uint32_t)o->npool)] : "y";
  } else {
    base = df_common_strs[df_below(r, sizeof df_common_strs /
                                          sizeof *df_common_strs)];
  }
  bl = strlen(base);
  size_t n = 0;
  switch (df_below(r, local ? 24 : 12)) {
  case 0: /* prefix added */
    n = df_put(f, at, "/x", 2);
    n += df_put(f, at + n, base, bl);
    break;
  case 1: { /* suffix added */
    static const char *const suf[] = {"/a", "x", ".sh", " -c", "/"};
    const char *s = suf[df_below(r, 5)];
    n = df_put(f, at, base, bl);
    n += df_put(f, at + n, s, strlen(s));
    break;
  }
  case 2: /* last byte dropped */
    n = df_put(f, at, base, bl ? bl - 1 : 0);
    break;
  case 3: /* case changed */
    n = df_put(f, at, base, bl);
    for (size_t i = 0; i < n; i++)
      f->sbuf[at + i] = (char)toupper((unsigned char)f->sbuf[at + i]);
    break;
  case 4: { /* wildcards filled in */
    size_t o = 0;
    for (size_t i = 0; i < bl && o + 4 < sizeof tmp; i++) {
      if (base[i] == '*') {
        memcpy(tmp + o, "ab", 2);
        o += 2;
      } else if (base[i] == '?') {
        tmp[o++] = 'q';
      } else {
        tmp[o++] = base[i];
      }
    }
    n = df_put(f, at, tmp, o);
    break;
  }
  case 5: /* embedded in the middle */
    n = df_put(f, at, "a", 1);
    n += df_put(f, at + n, base, bl);
    n += df_put(f, at + n, "b", 1);
    break;
  case 6: /* NUL bytes: trailing, or text after one (C-string views) */
    n = df_put(f, at, base, bl);
    if (at + n + 4 < f->sbufcap) {
      f->sbuf[at + n++] = 0;
      if (df_below(r, 2)) {
        memcpy(f->sbuf + at + n, "zz", 2);
        n += 2;
      }
      f->sbuf[at + n] = 0;
    }
    break;
  default:
    n = df_put(f, at, base, bl);
    break;
  }
  return n;
}

static bool df_gen_num(df_rng *r, df_field *f, vg_value *out,
                       const char *const *pool, size_t npool, bool local) {
  char text[64];
  int64_t base = 0;
  if (npool && df_below(r, 100) < 75) {
    const char *s = pool[df_below(r, (uint32_t)npool)];
    char *end;
    base = (int64_t)strtoll(s, &end, 10);
  } else {
    base = (int64_t)df_below(r, 70000);
  }
  switch (df_below(r, local ? 16 : 8)) {
  case 0:
    base += 1;
    break;
  case 1:
    base -= 1;
    break;
  case 2:
    base = 0;
    break;
  case 3:
    base = (int64_t)df_next(r);
    break;
  default:
    break;
  }
  if (df_is_signed(f->type) || f->type == VG_FT_DOUBLE)
    snprintf(text, sizeof text, "%lld", (long long)base);
  else
    snprintf(text, sizeof text, "%llu", (unsigned long long)base);
  char why[128];
  uint8_t scratch[64];
  if (f->type == VG_FT_DOUBLE) {
    out->type = VG_FT_DOUBLE;
    out->v.d = (double)base;
    return true;
  }
  if (vg_value_parse(f->type, text, strlen(text), false, scratch, out, why,
                     sizeof why) != VIGIL_OK)
    return false;
  out->type = f->type;
  return true;
}

static void df_gen_ip(df_rng *r, df_field *f, vg_value *out,
                      const char *const *pool, size_t npool) {
  vg_value v;
  memset(&v, 0, sizeof v);
  bool ok = false;
  if (npool && df_below(r, 100) < 80) {
    const char *s = pool[df_below(r, (uint32_t)npool)];
    bool net = strchr(s, '/') != NULL, v6 = !strchr(s, '.');
    vg_ftype pt = net ? (v6 ? VG_FT_IPV6NET : VG_FT_IPV4NET)
                      : (v6 ? VG_FT_IPV6ADDR : VG_FT_IPV4ADDR);
    char why[128];
    uint8_t scratch[128];
    ok = vg_value_parse(pt, s, strlen(s), false, scratch, &v, why,
                        sizeof why) == VIGIL_OK;
    if (ok) {
      unsigned bits = v.v.ip.v6 ? 128 : 32;
      unsigned pfx = net ? v.v.ip.prefix : bits;
      uint32_t how = df_below(r, 4);
      if (how == 1 && pfx < bits) { /* another host inside the network */
        unsigned b = pfx + df_below(r, bits - pfx);
        v.v.ip.addr[b / 8] ^= (uint8_t)(0x80u >> (b % 8));
      } else if (how == 2 && pfx > 0) { /* just outside */
        unsigned b = df_below(r, pfx);
        v.v.ip.addr[b / 8] ^= (uint8_t)(0x80u >> (b % 8));
      }
    }
  }
  if (!ok) {
    memset(&v, 0, sizeof v);
    v.v.ip.v6 = (uint8_t)(f->type == VG_FT_IPV6ADDR ||
                          f->type == VG_FT_IPV6NET ||
                          ((f->type == VG_FT_IPADDR ||
                            f->type == VG_FT_IPNET) &&
                           df_below(r, 4) == 0));
    uint64_t x = df_next(r);
    memcpy(v.v.ip.addr, &x, 8);
    if (df_below(r, 2))
      v.v.ip.addr[0] = 10;
  }
  if (f->type == VG_FT_IPV4ADDR || f->type == VG_FT_IPV4NET)
    v.v.ip.v6 = 0;
  if (f->type == VG_FT_IPV6ADDR || f->type == VG_FT_IPV6NET)
    v.v.ip.v6 = 1;
  if (!v.v.ip.v6)
    memset(v.v.ip.addr + 4, 0, 12);
  v.v.ip.prefix = v.v.ip.v6 ? 128 : 32;
  v.type = f->type;
  *out = v;
}

/* Values of field i for the current event, generated on first use from a
 * seed that depends only on (event, field), so the order in which the VM
 * and the reference ask does not matter. */
static void df_values(df_table *t, size_t i, const vg_value **vals,
                      size_t *n) {
  df_field *f = &t->f[i];
  if (f->epoch != t->epoch) {
    f->epoch = t->epoch;
    f->n = 0;
    df_rng r = {df_mix(t->seed ^ (0x5851f42d4c957f2dull * (i + 1)))};
    const char *const *pool = (const char *const *)f->pool;
    size_t npool = f->npool;
    bool local = false;
    for (size_t k = 0; k < t->nloc; k++)
      if (t->loc[k].field == (int)i && df_below(&r, 100) < 75) {
        pool = t->loc[k].pool;
        npool = t->loc[k].n;
        local = true;
      }
    size_t want;
    if (f->is_evtype) {
      want = t->evtname ? 1 : 0;
    } else if (df_below(&r, 100) < (local ? 4u : 12u)) {
      want = 0; /* missing */
    } else if (f->is_list || f->multi == DF_ANY) {
      want = df_below(&r, DF_MAXV + 1);
    } else if (f->multi == DF_ENDPOINT) {
      want = 1 + df_below(&r, 2);
    } else {
      want = 1;
    }
    if (!f->sbuf) {
      f->sbufcap = DF_MAXV * (2 * f->maxlen + 96) + 256;
      f->sbuf = df_xalloc(f->sbufcap);
    }
    size_t at = 0;
    for (size_t k = 0; k < want; k++) {
      vg_value *v = &f->vals[f->n];
      memset(v, 0, sizeof *v);
      if (f->is_evtype) {
        size_t len = df_put(f, at, t->evtname, strlen(t->evtname));
        v->type = f->type;
        v->v.s.p = (const uint8_t *)f->sbuf + at;
        v->v.s.n = len;
        at += len + 1;
      } else if (df_is_str(f->type) || f->type == VG_FT_BYTEBUF) {
        size_t len = df_gen_str(&r, f, t, at, pool, npool, local);
        v->type = f->type;
        v->v.s.p = (const uint8_t *)f->sbuf + at;
        v->v.s.n = len;
        at += len + 1;
      } else if (df_is_ip(f->type)) {
        df_gen_ip(&r, f, v, pool, npool);
      } else if (f->type == VG_FT_BOOL) {
        v->type = VG_FT_BOOL;
        v->v.b = df_below(&r, 2) != 0;
      } else if (!df_gen_num(&r, f, v, pool, npool, local)) {
        continue;
      }
      f->n++;
    }
  }
  *vals = f->vals;
  *n = f->n;
}

/* ---- the reference interpreter ----------------------------------------- */

enum { RN_AND, RN_OR, RN_NOT, RN_EXISTS, RN_CHECK, RN_CMPF };

typedef struct rnode {
  int kind;
  struct rnode **kids;
  uint32_t nkids;
  int lf, rf;  /* field indices (lhs, rhs of a field comparison) */
  vg_op op;
  vg_mod mod;
  vg_value *ks; /* converted literals */
  uint8_t **scratch; /* per literal: hex-decoded bytes ks[i] may point to */
  char **texts; /* literal texts (glob / pmatch / regex patterns) */
  regex_t *res;
  uint32_t nres; /* res[0..nres) compiled (regfree'd by df_rnode_free) */
  uint32_t nk;
  bool list_rhs; /* in/intersects/pmatch/modifier: a set */
} rnode;

typedef struct df_compile_err {
  char msg[256];
} df_compile_err;

/* Frees a reference tree, complete or partly built (NULL is fine). */
static void df_rnode_free(rnode *r) {
  if (!r)
    return;
  if (r->kids)
    for (uint32_t i = 0; i < r->nkids; i++)
      df_rnode_free(r->kids[i]);
  free(r->kids);
  for (uint32_t i = 0; i < r->nres; i++)
    regfree(&r->res[i]);
  free(r->res);
  if (r->texts)
    for (uint32_t i = 0; i < r->nk; i++)
      free(r->texts[i]);
  free(r->texts);
  if (r->scratch)
    for (uint32_t i = 0; i < r->nk; i++)
      free(r->scratch[i]);
  free(r->scratch);
  free(r->ks);
  free(r);
}

/* Frees the fields of t and their pools and value buffers (not t itself;
 * t->loc belongs to the caller). */
static void df_table_free(df_table *t) {
  for (size_t i = 0; i < t->n; i++) {
    df_field *f = &t->f[i];
    free(f->key);
    free(f->source);
    free(f->name);
    free(f->arg);
    for (size_t k = 0; k < f->npool; k++)
      free(f->pool[k]);
    free(f->pool);
    free(f->sbuf);
  }
  free(t->f);
  memset(t, 0, sizeof *t);
}

/* Literal elements on the right: a list, or one value/identifier. */
static uint32_t df_rhs(const vg_node *r, const vg_str ***out) {
  if (r->kind == VG_N_LIST) {
    const vg_str **v = df_xalloc((r->nkids + 1) * sizeof *v);
    for (uint32_t i = 0; i < r->nkids; i++)
      v[i] = &r->kids[i]->str;
    *out = v;
    return r->nkids;
  }
  const vg_str **v = df_xalloc(sizeof *v);
  v[0] = &r->str;
  *out = v;
  return 1;
}

/* The operand of a check: a plain field or val(field). Returns the field
 * index, -1 for unknown, -2 for an unsupported transformer. */
static int df_operand(df_table *t, const char *source, const vg_node *n) {
  if (n->kind == VG_N_TRANSFORMER && n->tr == VG_TR_VAL && n->nkids == 1)
    n = n->kids[0];
  if (n->kind == VG_N_TRANSFORMER)
    return -2;
  if (n->kind != VG_N_FIELD)
    return -1;
  return df_field_of(t, source, n);
}

static rnode *df_compile(df_table *t, const char *source, const vg_node *n,
                         df_compile_err *e);

static rnode *df_compile_check(df_table *t, const char *source,
                               const vg_node *n, df_compile_err *e) {
  rnode *r = df_xalloc(sizeof *r);
  r->op = n->op;
  r->mod = n->mod;
  r->lf = df_operand(t, source, n->kids[0]);
  if (r->lf < 0) {
    snprintf(e->msg, sizeof e->msg, "%s operand",
             r->lf == -2 ? "transformer" : "unknown");
    df_rnode_free(r);
    return NULL;
  }
  df_field *lf = &t->f[r->lf];
  if (n->kind == VG_N_UNARY) {
    r->kind = RN_EXISTS;
    return r;
  }
  const vg_node *rhs = n->kids[1];
  if (rhs->kind == VG_N_FIELD || rhs->kind == VG_N_TRANSFORMER) {
    r->kind = RN_CMPF;
    r->rf = df_operand(t, source, rhs);
    if (r->rf < 0) {
      snprintf(e->msg, sizeof e->msg, "rhs operand");
      df_rnode_free(r);
      return NULL;
    }
    return r;
  }
  r->kind = RN_CHECK;
  r->list_rhs = n->mod != VG_MOD_NONE || n->op == VG_OP_IN ||
                n->op == VG_OP_INTERSECTS || n->op == VG_OP_PMATCH;
  const vg_str **es;
  uint32_t ne = r->list_rhs ? df_rhs(rhs, &es) : (es = df_xalloc(
                                                      sizeof *es),
                                                  es[0] = &rhs->str, 1);
  r->nk = ne;
  r->ks = df_xalloc((ne + 1) * sizeof *r->ks);
  r->texts = df_xalloc((ne + 1) * sizeof *r->texts);
  r->scratch = df_xalloc((ne + 1) * sizeof *r->scratch);
  bool pattern = n->op == VG_OP_GLOB || n->op == VG_OP_IGLOB ||
                 n->op == VG_OP_REGEX || n->op == VG_OP_PMATCH;
  bool bytes_op = n->op == VG_OP_BCONTAINS || n->op == VG_OP_BSTARTSWITH;
  if (n->op == VG_OP_REGEX)
    r->res = df_xalloc((ne + 1) * sizeof *r->res);
  for (uint32_t i = 0; i < ne; i++) {
    r->texts[i] = df_strndup(es[i]->ptr, es[i]->len);
    df_pool_add(lf, es[i]->ptr, es[i]->len);
    if (n->op == VG_OP_REGEX) {
      /* anchored at both ends: the whole value must match */
      size_t m = es[i]->len + 8;
      char *pat = df_xalloc(m);
      snprintf(pat, m, "^(%s)$", r->texts[i]);
      int rc = regcomp(&r->res[i], pat, REG_EXTENDED | REG_NOSUB);
      free(pat);
      if (rc) {
        snprintf(e->msg, sizeof e->msg, "regcomp failed");
        free(es);
        df_rnode_free(r);
        return NULL;
      }
      r->nres = i + 1;
      continue;
    }
    if (pattern)
      continue;
    uint8_t *scratch = df_xalloc(es[i]->len / 2 + 2);
    r->scratch[i] = scratch;
    char why[256];
    if (vg_value_parse(lf->type, es[i]->ptr, es[i]->len, bytes_op, scratch,
                       &r->ks[i], why, sizeof why) != VIGIL_OK) {
      snprintf(e->msg, sizeof e->msg, "literal: %s", why);
      free(es);
      df_rnode_free(r);
      return NULL;
    }
    if (bytes_op)
      df_pool_add(lf, (const char *)r->ks[i].v.s.p, r->ks[i].v.s.n);
  }
  free(es);
  return r;
}

static rnode *df_compile(df_table *t, const char *source, const vg_node *n,
                         df_compile_err *e) {
  switch (n->kind) {
  case VG_N_AND:
  case VG_N_OR:
  case VG_N_NOT: {
    rnode *r = df_xalloc(sizeof *r);
    r->kind = n->kind == VG_N_AND ? RN_AND
              : n->kind == VG_N_OR ? RN_OR
                                   : RN_NOT;
    r->nkids = n->nkids;
    r->kids = df_xalloc((n->nkids + 1) * sizeof *r->kids);
    for (uint32_t i = 0; i < n->nkids; i++)
      if (!(r->kids[i] = df_compile(t, source, n->kids[i], e))) {
        df_rnode_free(r);
        return NULL;
      }
    return r;
  }
  case VG_N_UNARY:
  case VG_N_BINARY:
    return df_compile_check(t, source, n, e);
  default:
    snprintf(e->msg, sizeof e->msg, "node kind %d", (int)n->kind);
    return NULL;
  }
}

/* Text of a string value up to its first NUL (C-string view). */
static size_t df_cstrlen(const vg_value *v) {
  const void *z = v->v.s.n ? memchr(v->v.s.p, 0, v->v.s.n) : NULL;
  return z ? (size_t)((const uint8_t *)z - v->v.s.p) : v->v.s.n;
}

static bool df_find_bytes(const uint8_t *h, size_t hn, const uint8_t *nd,
                          size_t nn, bool icase) {
  if (nn == 0)
    return true;
  for (size_t i = 0; i + nn <= hn; i++) {
    size_t j = 0;
    while (j < nn &&
           (icase ? tolower(h[i + j]) == tolower(nd[j]) : h[i + j] == nd[j]))
      j++;
    if (j == nn)
      return true;
  }
  return false;
}

/* fnmatch wants C strings. */
static bool df_fnmatch(const char *pat, const uint8_t *s, size_t n,
                       int flags) {
  char buf[1024];
  char *c = n < sizeof buf ? buf : df_xalloc(n + 1);
  memcpy(c, s, n);
  c[n] = 0;
  bool m = fnmatch(pat, c, flags) == 0;
  if (c != buf)
    free(c);
  return m;
}

/* Path components of s: spans between '/'s, empty ones skipped. */
static size_t df_split(const char *s, size_t n, const char **cp, size_t *cl,
                       size_t max) {
  size_t k = 0, i = 0;
  while (i < n && k < max) {
    while (i < n && s[i] == '/')
      i++;
    size_t st = i;
    while (i < n && s[i] != '/')
      i++;
    if (i > st) {
      cp[k] = s + st;
      cl[k++] = i - st;
    }
  }
  return k;
}

static bool df_pmatch(const char *path, const uint8_t *v, size_t vn) {
  const char *pc[64], *vc[256];
  size_t pl[64], vl[256];
  size_t np = df_split(path, strlen(path), pc, pl, 64);
  size_t nv = df_split((const char *)v, vn, vc, vl, 256);
  if (np > nv)
    return false;
  for (size_t i = 0; i < np; i++) {
    bool wild = memchr(pc[i], '*', pl[i]) || memchr(pc[i], '?', pl[i]) ||
                memchr(pc[i], '[', pl[i]);
    if (wild) {
      char pat[512];
      snprintf(pat, sizeof pat, "%.*s", (int)pl[i], pc[i]);
      if (!df_fnmatch(pat, (const uint8_t *)vc[i], vl[i], 0))
        return false;
    } else if (pl[i] != vl[i] || memcmp(pc[i], vc[i], pl[i])) {
      return false;
    }
  }
  return true;
}

static bool df_ip_eq(vg_ftype t, const vg_value *a, const vg_value *k) {
  if (a->v.ip.v6 != k->v.ip.v6)
    return false;
  unsigned bits = a->v.ip.v6 ? 128 : 32;
  unsigned pfx = df_is_net(t) ? k->v.ip.prefix : bits;
  if (pfx > bits)
    pfx = bits;
  for (unsigned b = 0; b < pfx; b++) {
    unsigned m = 0x80u >> (b % 8);
    if ((a->v.ip.addr[b / 8] & m) != (k->v.ip.addr[b / 8] & m))
      return false;
  }
  return true;
}

/* a op k for one value of a field of type t (k converted for t). */
static bool df_cmp(vg_ftype t, vg_op op, const vg_value *a,
                   const vg_value *k) {
  if (op == VG_OP_EQEQ)
    op = VG_OP_EQ;
  if (op == VG_OP_NE)
    return !df_cmp(t, VG_OP_EQ, a, k);
  if (df_is_str(t)) {
    if (!df_is_str(a->type) && a->type != VG_FT_BYTEBUF)
      return false;
    size_t an = df_cstrlen(a), kn = df_cstrlen(k);
    const uint8_t *ap = a->v.s.p, *kp = k->v.s.p;
    size_t m = an < kn ? an : kn;
    int c = m ? memcmp(ap, kp, m) : 0;
    if (!c)
      c = (an > kn) - (an < kn);
    switch (op) {
    case VG_OP_EQ: return c == 0;
    case VG_OP_LT: return c < 0;
    case VG_OP_LE: return c <= 0;
    case VG_OP_GT: return c > 0;
    case VG_OP_GE: return c >= 0;
    case VG_OP_CONTAINS: return df_find_bytes(ap, an, kp, kn, false);
    case VG_OP_ICONTAINS: return df_find_bytes(ap, an, kp, kn, true);
    case VG_OP_STARTSWITH: return an >= kn && !memcmp(ap, kp, kn);
    case VG_OP_ENDSWITH: return an >= kn && !memcmp(ap + an - kn, kp, kn);
    default: return false;
    }
  }
  if (t == VG_FT_BYTEBUF) {
    const uint8_t *ap = a->v.s.p, *kp = k->v.s.p;
    size_t an = a->v.s.n, kn = k->v.s.n;
    switch (op) {
    case VG_OP_EQ: return an == kn && (!kn || !memcmp(ap, kp, kn));
    case VG_OP_CONTAINS:
    case VG_OP_BCONTAINS: return df_find_bytes(ap, an, kp, kn, false);
    case VG_OP_STARTSWITH:
    case VG_OP_BSTARTSWITH: return an >= kn && !memcmp(ap, kp, kn);
    case VG_OP_ENDSWITH: return an >= kn && !memcmp(ap + an - kn, kp, kn);
    default: return false;
    }
  }
  if (df_is_ip(t))
    return op == VG_OP_EQ && df_ip_eq(t, a, k);
  if (t == VG_FT_BOOL)
    return op == VG_OP_EQ && a->v.b == k->v.b;
  int c;
  if (t == VG_FT_DOUBLE)
    c = (a->v.d > k->v.d) - (a->v.d < k->v.d);
  else if (df_is_signed(t))
    c = (a->v.i > k->v.i) - (a->v.i < k->v.i);
  else
    c = (a->v.u > k->v.u) - (a->v.u < k->v.u);
  switch (op) {
  case VG_OP_EQ: return c == 0;
  case VG_OP_LT: return c < 0;
  case VG_OP_LE: return c <= 0;
  case VG_OP_GT: return c > 0;
  case VG_OP_GE: return c >= 0;
  default: return false;
  }
}

/* Bytes of a string value without trailing NULs: what libsinsp's set
 * lookups, pmatch and regex see (craft_filter_value; cmp.h). */
static size_t df_stripped(const vg_value *v) {
  size_t n = v->v.s.n;
  while (n > 0 && v->v.s.p[n - 1] == 0)
    n--;
  return n;
}

/* Set membership of one value (in, intersects, '= anyof', '!= allof'):
 * strings compare by their bytes without trailing NULs, everything else
 * as '='. */
static bool df_set_eq(vg_ftype t, const vg_value *a, const vg_value *k) {
  if (df_is_str(t)) {
    if (!df_is_str(a->type) && a->type != VG_FT_BYTEBUF)
      return false;
    size_t an = df_stripped(a), kn = df_stripped(k);
    return an == kn && (!an || !memcmp(a->v.s.p, k->v.s.p, an));
  }
  return df_cmp(t, VG_OP_EQ, a, k);
}

/* One value against literal element i of a check. */
static bool df_elem(const rnode *r, vg_ftype t, vg_op op, const vg_value *a,
                    uint32_t i) {
  if (op == VG_OP_GLOB || op == VG_OP_IGLOB || op == VG_OP_REGEX ||
      op == VG_OP_PMATCH) {
    if (!df_is_str(a->type))
      return false;
    size_t an = op == VG_OP_GLOB || op == VG_OP_IGLOB ? df_cstrlen(a)
                                                      : df_stripped(a);
    if (op == VG_OP_PMATCH)
      return df_pmatch(r->texts[i], a->v.s.p, an);
    if (op == VG_OP_REGEX) {
      /* the value's bytes, embedded NULs included (REG_STARTEND); RE2's
       * '.' matches a NUL, glibc's does not, so NULs become \x01, which
       * no test pattern mentions */
      char buf[1024];
      char *c = an < sizeof buf ? buf : df_xalloc(an + 1);
      memcpy(c, a->v.s.p, an);
      for (size_t q = 0; q < an; q++)
        if (!c[q])
          c[q] = 1;
      c[an] = 0;
      regmatch_t rm[1];
      rm[0].rm_so = 0;
      rm[0].rm_eo = (regoff_t)an;
      bool m = regexec(&r->res[i], c, 1, rm, REG_STARTEND) == 0;
      if (c != buf)
        free(c);
      return m;
    }
    return df_fnmatch(r->texts[i], a->v.s.p, an,
                      op == VG_OP_IGLOB ? FNM_CASEFOLD : 0);
  }
  return df_cmp(t, op, a, &r->ks[i]);
}

/* The check for one left value. */
static bool df_one(const rnode *r, vg_ftype t, const vg_value *a) {
  if (r->mod != VG_MOD_NONE && r->nk > 0 &&
      ((r->mod == VG_MOD_ANYOF &&
        (r->op == VG_OP_EQ || r->op == VG_OP_EQEQ)) ||
       (r->mod == VG_MOD_ALLOF && r->op == VG_OP_NE))) {
    /* '= anyof' is 'in'; '!= allof' is 'not in' (set lookups) */
    bool in = false;
    for (uint32_t i = 0; i < r->nk && !in; i++)
      in = df_set_eq(t, a, &r->ks[i]);
    return r->mod == VG_MOD_ANYOF ? in : !in;
  }
  if (r->mod != VG_MOD_NONE) {
    uint32_t cnt = 0;
    for (uint32_t i = 0; i < r->nk; i++)
      cnt += df_elem(r, t, r->op, a, i);
    return r->mod == VG_MOD_ANYOF   ? cnt > 0
           : r->mod == VG_MOD_ALLOF ? r->nk > 0 && cnt == r->nk
                                    : cnt == 1;
  }
  if (r->op == VG_OP_PMATCH) {
    for (uint32_t i = 0; i < r->nk; i++)
      if (df_elem(r, t, VG_OP_PMATCH, a, i))
        return true;
    return false;
  }
  if (r->op == VG_OP_IN || r->op == VG_OP_INTERSECTS) {
    for (uint32_t i = 0; i < r->nk; i++)
      if (df_set_eq(t, a, &r->ks[i]))
        return true;
    return false;
  }
  return df_elem(r, t, r->op, a, 0);
}

static void df_local_add(df_local **loc, size_t *nloc, int field,
                         const char *s) {
  size_t k = 0;
  while (k < *nloc && (*loc)[k].field != field)
    k++;
  if (k == *nloc) {
    *loc = df_xrealloc(*loc, (*nloc + 1) * sizeof **loc);
    memset(&(*loc)[k], 0, sizeof **loc);
    (*loc)[k].field = field;
    (*nloc)++;
  }
  df_local *l = &(*loc)[k];
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 4;
    l->pool = df_xrealloc(l->pool, l->cap * sizeof *l->pool);
  }
  l->pool[l->n++] = s;
}

/* Frees what df_locals collected (the strings belong to the tree). */
static void df_locals_free(df_local *loc, size_t nloc) {
  for (size_t k = 0; k < nloc; k++)
    free(loc[k].pool);
  free(loc);
}

/* Collects the constants a rule's tree mentions, per field. Pool entries
 * point into r's texts: free the result before the tree. */
static void df_locals(const rnode *r, df_local **loc, size_t *nloc) {
  if (r->kind == RN_AND || r->kind == RN_OR || r->kind == RN_NOT) {
    for (uint32_t i = 0; i < r->nkids; i++)
      df_locals(r->kids[i], loc, nloc);
    return;
  }
  if (r->kind != RN_CHECK)
    return;
  for (uint32_t i = 0; i < r->nk; i++)
    df_local_add(loc, nloc, r->lf, r->texts[i]);
}

static bool df_eval(df_table *t, const rnode *r) {
  switch (r->kind) {
  case RN_AND:
    for (uint32_t i = 0; i < r->nkids; i++)
      if (!df_eval(t, r->kids[i]))
        return false;
    return true;
  case RN_OR:
    for (uint32_t i = 0; i < r->nkids; i++)
      if (df_eval(t, r->kids[i]))
        return true;
    return false;
  case RN_NOT:
    return !df_eval(t, r->kids[0]);
  default:
    break;
  }
  const df_field *f = &t->f[r->lf];
  const vg_value *vals;
  size_t n;
  df_values(t, (size_t)r->lf, &vals, &n);
  if (n == 0)
    return false; /* missing: false for every operator (8.1) */
  if (r->kind == RN_EXISTS)
    return true;
  if (r->kind == RN_CMPF) {
    const vg_value *rv;
    size_t rn;
    df_values(t, (size_t)r->rf, &rv, &rn);
    if (rn == 0)
      return false;
    if (r->op == VG_OP_IN || r->op == VG_OP_INTERSECTS) {
      bool every = r->op == VG_OP_IN && f->is_list;
      for (size_t i = 0; i < n; i++) {
        bool m = false;
        for (size_t j = 0; j < rn && !m; j++)
          m = df_set_eq(f->type, &vals[i], &rv[j]);
        if (m != every)
          return m;
      }
      return every;
    }
    bool all = f->multi == DF_ENDPOINT && r->op == VG_OP_NE;
    for (size_t i = 0; i < n; i++) {
      bool m = df_cmp(f->type, r->op, &vals[i], &rv[0]);
      if (m != all)
        return m;
    }
    return all;
  }
  /* lists: 'in' is a subset test, everything else holds for some element;
   * endpoints: '!=' must hold for both ends (8.6, 8.7) */
  bool all = (f->is_list && r->op == VG_OP_IN && r->mod == VG_MOD_NONE) ||
             (f->multi == DF_ENDPOINT && r->op == VG_OP_NE);
  for (size_t i = 0; i < n; i++) {
    bool m = df_one(r, f->type, &vals[i]);
    if (m != all)
      return m;
  }
  return all;
}

#endif
