/*
 * loader.c - vigil_program_load: checks a pack's header, checksum and
 * section table, decodes every section into the read-only tables of
 * pack.h (binding fields through the host's binder and compiling patterns
 * with pcre2), runs the verifier, and builds the per-source, per-event-type
 * rule dispatch lists. Every read is bounds-checked against the section it
 * belongs to: hostile bytes get an error, never an out-of-bounds read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "vm/cmp.h"
#include "vm/pack.h"
#include "vm/vmalloc.h" /* last: failure injection */

#define VG_OP(name, arg, pop, push) #name,
const char *const vg_opcode_names[VG_I__COUNT] = {
#include "vm/opcodes.def"
};
#undef VG_OP
#define VG_OP(name, arg, pop, push) VG_ARG_##arg,
const vg_argkind vg_opcode_args[VG_I__COUNT] = {
#include "vm/opcodes.def"
};
#undef VG_OP
#define VG_OP(name, arg, pop, push) pop,
const char *const vg_opcode_pops[VG_I__COUNT] = {
#include "vm/opcodes.def"
};
#undef VG_OP
#define VG_OP(name, arg, pop, push) push,
const char *const vg_opcode_pushes[VG_I__COUNT] = {
#include "vm/opcodes.def"
};
#undef VG_OP

const char *const vg_pcmp_names[VG_PC__COUNT] = {
    "=",          "!=",       "<",      "<=",         ">",
    ">=",         "contains", "icontains", "bcontains", "startswith",
    "bstartswith", "endswith", "glob",  "iglob",      "regex",
    "in",         "intersects", "pmatch"};

/* zlib's CRC-32 (the pack trailer is the standard IEEE 802.3 CRC); zlib
 * takes uInt lengths, so long inputs go in slices. */
uint32_t vigil_crc32(uint32_t crc, const void *data, size_t n) {
  const Bytef *p = data;
  uLong c = crc;
  while (n > 0) {
    uInt k = n > 0x40000000u ? 0x40000000u : (uInt)n;
    c = crc32(c, p, k);
    p += k;
    n -= k;
  }
  return (uint32_t)c;
}

static vigil_status fail(char *err, size_t errsz, vigil_status st,
                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static vigil_status fail(char *err, size_t errsz, vigil_status st,
                         const char *fmt, ...) {
  if (err && errsz) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
  }
  return st;
}

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF),
 * and no NUL. */
static bool utf8_text(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c == 0)
      return false;
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t k;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) {
      k = 1, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      k = 2, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      k = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (n - i <= k)
      return false;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i + j] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += k + 1;
  }
  return true;
}

/* A bounded cursor over one section. */
typedef struct rd {
  const uint8_t *p;
  size_t n, at;
  bool bad;
} rd;

static bool rd_need(rd *r, size_t k) {
  if (r->bad || r->n - r->at < k) {
    r->bad = true;
    return false;
  }
  return true;
}
static uint8_t rd_u8(rd *r) {
  return rd_need(r, 1) ? r->p[r->at++] : 0;
}
static uint16_t rd_u16(rd *r) {
  if (!rd_need(r, 2))
    return 0;
  r->at += 2;
  return vg_rd_u16le(r->p + r->at - 2);
}
static uint32_t rd_u32(rd *r) {
  if (!rd_need(r, 4))
    return 0;
  r->at += 4;
  return vg_rd_u32le(r->p + r->at - 4);
}

static const char *sec_name(uint32_t kind) {
  static const char *const names[] = {"?",     "STR",  "CONST", "SET",
                                      "PATTERN", "FIELD", "RULE", "CODE",
                                      "DEBUG", "XFIELD"};
  return kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

static bool find_sec(const vigil_program *p, uint32_t kind, rd *r) {
  memset(r, 0, sizeof *r);
  for (uint32_t i = 0; i < p->nsec; i++)
    if (p->sec[i].kind == kind) {
      r->p = p->buf + p->sec[i].off;
      r->n = p->sec[i].size;
      return true;
    }
  return false;
}

/* Reads a count and checks that count records of recsz bytes can follow
 * (so a hostile count cannot make us allocate wildly). */
static bool rd_count(rd *r, size_t recsz, uint32_t *count) {
  *count = rd_u32(r);
  if (r->bad)
    return false;
  if (recsz && (uint64_t)*count * recsz > r->n - r->at) {
    r->bad = true;
    return false;
  }
  return true;
}

static bool str_ok(const vigil_program *p, uint32_t s, bool none_ok) {
  if (s == VIGIL_PACK_NONE)
    return none_ok;
  return s < p->nstrs && p->strs[s].text;
}

static vigil_status load_strs(vigil_program *p, char *err, size_t errsz) {
  rd r;
  if (!find_sec(p, VIGIL_SEC_STR, &r))
    return VIGIL_OK;
  uint32_t n;
  if (!rd_count(&r, 4, &n))
    return fail(err, errsz, VIGIL_E_FORMAT, "STR section: bad count");
  p->strs = calloc(n ? n : 1, sizeof *p->strs);
  if (!p->strs)
    return VIGIL_E_NOMEM;
  p->nstrs = n;
  size_t base = r.at + (size_t)n * 4, dn = r.n - base;
  const uint8_t *data = r.p + base;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t o = rd_u32(&r);
    uint32_t e = i + 1 < n ? vg_rd_u32le(r.p + r.at) : (uint32_t)dn;
    if (o >= e || e > dn || data[e - 1] != 0)
      return fail(err, errsz, VIGIL_E_FORMAT,
                  "STR section: string %u out of range or not terminated",
                  (unsigned)i);
    p->strs[i].p = (const char *)data + o;
    p->strs[i].n = e - o - 1;
    p->strs[i].text = utf8_text(data + o, e - o - 1);
  }
  return VIGIL_OK;
}

static vigil_status load_consts(vigil_program *p, char *err, size_t errsz) {
  rd r;
  if (!find_sec(p, VIGIL_SEC_CONST, &r))
    return VIGIL_OK;
  uint32_t n;
  if (!rd_count(&r, 20, &n))
    return fail(err, errsz, VIGIL_E_FORMAT, "CONST section: bad count");
  p->consts = calloc(n ? n : 1, sizeof *p->consts);
  p->kclean = calloc(n ? n : 1, 1);
  if (!p->consts || !p->kclean)
    return VIGIL_E_NOMEM;
  p->nconsts = n;
  for (uint32_t i = 0; i < n; i++) {
    vg_value *v = &p->consts[i];
    uint8_t t = rd_u8(&r), v6 = rd_u8(&r), prefix = rd_u8(&r);
    rd_u8(&r);
    const uint8_t *pl = r.p + r.at;
    r.at += 16;
    if (t == VG_FT_NONE || t >= VG_FT__MAX)
      return fail(err, errsz, VIGIL_E_FORMAT, "CONST %u: bad type %u",
                  (unsigned)i, (unsigned)t);
    v->type = (vg_ftype)t;
    switch (v->type) {
    case VG_FT_IPV4ADDR:
    case VG_FT_IPV6ADDR:
    case VG_FT_IPADDR:
    case VG_FT_IPV4NET:
    case VG_FT_IPV6NET:
    case VG_FT_IPNET:
      if (v6 > 1 || prefix > (v6 ? 128 : 32))
        return fail(err, errsz, VIGIL_E_FORMAT, "CONST %u: bad address",
                    (unsigned)i);
      memcpy(v->v.ip.addr, pl, 16);
      v->v.ip.v6 = v6;
      v->v.ip.prefix = prefix;
      break;
    case VG_FT_CHARBUF:
    case VG_FT_FSPATH:
    case VG_FT_FSRELPATH:
    case VG_FT_BYTEBUF: {
      uint32_t s = vg_rd_u32le(pl);
      if (s >= p->nstrs)
        return fail(err, errsz, VIGIL_E_FORMAT, "CONST %u: bad string id",
                    (unsigned)i);
      v->v.s.p = (const uint8_t *)p->strs[s].p;
      v->v.s.n = p->strs[s].n;
      /* NUL-free text constants take the interpreter's fast paths */
      p->kclean[i] = v->type != VG_FT_BYTEBUF &&
                     (v->v.s.n == 0 || !memchr(v->v.s.p, 0, v->v.s.n));
      break;
    }
    case VG_FT_DOUBLE: {
      uint64_t bits = vg_rd_u64le(pl);
      memcpy(&v->v.d, &bits, sizeof bits);
      break;
    }
    case VG_FT_BOOL:
      v->v.b = vg_rd_u64le(pl) != 0;
      break;
    default:
      v->v.u = vg_rd_u64le(pl);
      break;
    }
  }
  return VIGIL_OK;
}

static vigil_status load_pats(vigil_program *p, char *err, size_t errsz) {
  rd r;
  if (!find_sec(p, VIGIL_SEC_PATTERN, &r))
    return VIGIL_OK;
  uint32_t n;
  if (!rd_count(&r, 8, &n))
    return fail(err, errsz, VIGIL_E_FORMAT, "PATTERN section: bad count");
  p->pats = calloc(n ? n : 1, sizeof *p->pats);
  if (!p->pats)
    return VIGIL_E_NOMEM;
  p->npats = n;
  for (uint32_t i = 0; i < n; i++) {
    vg_ppat *pt = &p->pats[i];
    pt->kind = rd_u8(&r);
    rd_u8(&r);
    rd_u16(&r);
    pt->src = rd_u32(&r);
    if (pt->kind < VIGIL_PAT_REGEX || pt->kind > VIGIL_PAT_IGLOB ||
        !str_ok(p, pt->src, false))
      return fail(err, errsz, VIGIL_E_FORMAT, "PATTERN %u: bad record",
                  (unsigned)i);
    pt->lit = 0;
    if (pt->kind == VIGIL_PAT_GLOB) {
      const vg_pstr *src = &p->strs[pt->src];
      while (pt->lit < src->n) {
        unsigned char c = (unsigned char)src->p[pt->lit];
        if (c == 0 || c >= 0x80 || c == '*' || c == '?' || c == '[' ||
            c == '\\')
          break;
        pt->lit++;
      }
    }
    if (pt->kind == VIGIL_PAT_REGEX) {
      char why[256];
      vigil_status st = vg_regex_new(p->strs[pt->src].p, p->strs[pt->src].n,
                                     &pt->re, why, sizeof why);
      if (st != VIGIL_OK)
        return fail(err, errsz, st == VIGIL_E_NOMEM ? st : VIGIL_E_FORMAT,
                    "PATTERN %u: %s", (unsigned)i, why);
    }
  }
  return VIGIL_OK;
}

static vigil_status load_sets(vigil_program *p, char *err, size_t errsz) {
  rd r;
  if (!find_sec(p, VIGIL_SEC_SET, &r))
    return VIGIL_OK;
  uint32_t n;
  if (!rd_count(&r, 8, &n))
    return fail(err, errsz, VIGIL_E_FORMAT, "SET section: bad count");
  p->sets = calloc(n ? n : 1, sizeof *p->sets);
  if (!p->sets)
    return VIGIL_E_NOMEM;
  p->nsets = n;
  for (uint32_t i = 0; i < n; i++) {
    vg_pset *s = &p->sets[i];
    s->kind = rd_u8(&r);
    uint8_t t = rd_u8(&r);
    rd_u16(&r);
    s->n = rd_u32(&r);
    if (r.bad || s->kind > VG_SET_PATHS || t == VG_FT_NONE || t >= VG_FT__MAX ||
        (uint64_t)s->n * 4 > r.n - r.at)
      return fail(err, errsz, VIGIL_E_FORMAT, "SET %u: bad record",
                  (unsigned)i);
    s->type = (vg_ftype)t;
    uint32_t *ids = malloc((s->n ? s->n : 1) * sizeof *ids);
    if (!ids)
      return VIGIL_E_NOMEM;
    s->ids = ids;
    for (uint32_t j = 0; j < s->n; j++) {
      ids[j] = rd_u32(&r);
      uint32_t lim = s->kind == VG_SET_PATTERN ? p->npats : p->nconsts;
      if (ids[j] >= lim)
        return fail(err, errsz, VIGIL_E_FORMAT, "SET %u: element %u out of "
                    "range", (unsigned)i, (unsigned)j);
      if (s->kind != VG_SET_PATTERN && p->consts[ids[j]].type != s->type)
        return fail(err, errsz, VIGIL_E_FORMAT, "SET %u: element %u has "
                    "the wrong type", (unsigned)i, (unsigned)j);
    }
    vigil_status st = VIGIL_OK;
    if (s->kind == VG_SET_CONST) {
      s->clean = true;
      for (uint32_t j = 0; j < s->n; j++)
        s->clean &= p->kclean[ids[j]] != 0;
      st = vg_valset_new(s->type, &s->vs);
      for (uint32_t j = 0; j < s->n && st == VIGIL_OK; j++)
        st = vg_valset_add(s->vs, &p->consts[ids[j]]);
      s->has_bloom = s->type == VG_FT_CHARBUF || s->type == VG_FT_FSPATH ||
                     s->type == VG_FT_FSRELPATH;
      for (uint32_t j = 0; j < s->n && s->has_bloom; j++) {
        const vg_value *e = &p->consts[ids[j]];
        unsigned bit = vg_pack_bloom(e->v.s.p, e->v.s.n);
        s->bloom[bit / 64] |= 1ull << (bit % 64);
        size_t en = e->v.s.n;
        while (en > 0 && e->v.s.p[en - 1] == 0)
          en--;
        s->lenmask |= 1ull << (en < 63 ? en : 63);
      }
    } else if (s->kind == VG_SET_PATHS) {
      if (s->type != VG_FT_CHARBUF)
        return fail(err, errsz, VIGIL_E_FORMAT, "SET %u: bad path table",
                    (unsigned)i);
      st = vg_pmatch_new(&s->pm);
      for (uint32_t j = 0; j < s->n && st == VIGIL_OK; j++)
        st = vg_pmatch_add(s->pm, p->consts[ids[j]].v.s.p,
                           p->consts[ids[j]].v.s.n);
    }
    if (st != VIGIL_OK)
      return st;
  }
  return VIGIL_OK;
}

static vigil_status load_fields(vigil_program *p, vigil_field_binder bind,
                                void *ud, char *err, size_t errsz) {
  rd r;
  if (!find_sec(p, VIGIL_SEC_FIELD, &r))
    return VIGIL_OK;
  uint32_t n;
  if (!rd_count(&r, 16, &n))
    return fail(err, errsz, VIGIL_E_FORMAT, "FIELD section: bad count");
  p->fields = calloc(n ? n : 1, sizeof *p->fields);
  if (!p->fields)
    return VIGIL_E_NOMEM;
  p->nfields = n;
  for (uint32_t i = 0; i < n; i++) {
    vg_pfield *f = &p->fields[i];
    f->name = rd_u32(&r);
    f->arg = rd_u32(&r);
    uint8_t t = rd_u8(&r);
    f->flags = rd_u8(&r);
    rd_u16(&r);
    f->source = rd_u32(&r);
    if (!str_ok(p, f->name, false) || !str_ok(p, f->arg, true) ||
        !str_ok(p, f->source, false) || t == VG_FT_NONE || t >= VG_FT__MAX ||
        (f->flags & ~7u))
      return fail(err, errsz, VIGIL_E_FORMAT, "FIELD %u: bad record",
                  (unsigned)i);
    f->type = (vg_ftype)t;
    f->id = i;
    if (bind) {
      char why[256] = "";
      vigil_status st = bind(ud, vg_pack_str(p, f->source),
                             vg_pack_str(p, f->name),
                             f->arg == VIGIL_PACK_NONE ? NULL
                                                      : vg_pack_str(p, f->arg),
                             f->type, f->flags, &f->id, why, sizeof why);
      if (st != VIGIL_OK)
        return fail(err, errsz, st, "field '%s%s%s%s' (%s): %s",
                    vg_pack_str(p, f->name),
                    f->arg == VIGIL_PACK_NONE ? "" : "[",
                    f->arg == VIGIL_PACK_NONE ? "" : vg_pack_str(p, f->arg),
                    f->arg == VIGIL_PACK_NONE ? "" : "]",
                    vg_pack_str(p, f->source),
                    why[0] ? why : vigil_status_str(st));
    }
  }
  return VIGIL_OK;
}

static vigil_status load_code(vigil_program *p, char *err, size_t errsz) {
  rd r;
  if (!find_sec(p, VIGIL_SEC_CODE, &r))
    return VIGIL_OK;
  uint32_t n;
  if (!rd_count(&r, 4, &n) || r.n - r.at != (size_t)n * 4)
    return fail(err, errsz, VIGIL_E_FORMAT, "CODE section: bad size");
  p->code = malloc((n ? n : 1) * sizeof *p->code);
  if (!p->code)
    return VIGIL_E_NOMEM;
  p->ncode = n;
  for (uint32_t i = 0; i < n; i++)
    p->code[i] = rd_u32(&r);
  return VIGIL_OK;
}

static int source_index(vigil_program *p, const char *name) {
  for (uint32_t i = 0; i < p->nsources; i++)
    if (!strcmp(p->sources[i].name, name))
      return (int)i;
  return -1;
}

static vigil_status load_rules(vigil_program *p, char *err, size_t errsz) {
  rd r;
  if (!find_sec(p, VIGIL_SEC_RULE, &r))
    return VIGIL_OK;
  uint32_t n;
  if (!rd_count(&r, 36, &n))
    return fail(err, errsz, VIGIL_E_FORMAT, "RULE section: bad count");
  p->rules = calloc(n ? n : 1, sizeof *p->rules);
  p->sources = calloc(n ? n : 1, sizeof *p->sources);
  if (!p->rules || !p->sources)
    return VIGIL_E_NOMEM;
  p->nrules = n;
  for (uint32_t i = 0; i < n; i++) {
    vg_prule *ru = &p->rules[i];
    ru->name = rd_u32(&r);
    ru->source = rd_u32(&r);
    ru->output = rd_u32(&r);
    ru->desc = rd_u32(&r);
    ru->priority = rd_u8(&r);
    ru->flags = rd_u8(&r);
    rd_u16(&r);
    ru->start = rd_u32(&r);
    ru->len = rd_u32(&r);
    ru->ntags = rd_u32(&r);
    if (r.bad || (uint64_t)ru->ntags * 4 > r.n - r.at)
      return fail(err, errsz, VIGIL_E_FORMAT, "rule %u: truncated record",
                  (unsigned)i);
    ru->tags = r.p + r.at;
    r.at += (size_t)ru->ntags * 4;
    ru->nevt = rd_u32(&r);
    if (r.bad || (uint64_t)ru->nevt * 2 > r.n - r.at)
      return fail(err, errsz, VIGIL_E_FORMAT, "rule %u: truncated record",
                  (unsigned)i);
    ru->evt = r.p + r.at;
    r.at += (size_t)ru->nevt * 2;
    if (!str_ok(p, ru->name, false) || !str_ok(p, ru->source, false) ||
        !str_ok(p, ru->output, true) || !str_ok(p, ru->desc, true) ||
        ru->priority > 7 || (ru->flags & ~3u))
      return fail(err, errsz, VIGIL_E_FORMAT, "rule %u: bad record",
                  (unsigned)i);
    if (ru->len == 0 || ru->start > p->ncode || ru->len > p->ncode - ru->start)
      return fail(err, errsz, VIGIL_E_FORMAT,
                  "rule '%s': code range outside CODE",
                  vg_pack_str(p, ru->name));
    for (uint32_t t = 0; t < ru->ntags; t++)
      if (!str_ok(p, vg_rd_u32le(ru->tags + 4 * t), false))
        return fail(err, errsz, VIGIL_E_FORMAT, "rule '%s': bad tag",
                    vg_pack_str(p, ru->name));
    for (uint32_t e = 1; e < ru->nevt; e++)
      if (vg_rd_u16le(ru->evt + 2 * e) <= vg_rd_u16le(ru->evt + 2 * e - 2))
        return fail(err, errsz, VIGIL_E_FORMAT,
                    "rule '%s': event types not increasing",
                    vg_pack_str(p, ru->name));
    const char *src = vg_pack_str(p, ru->source);
    int si = source_index(p, src);
    if (si < 0) {
      si = (int)p->nsources++;
      p->sources[si].name = src;
    }
    ru->src_index = (uint32_t)si;
  }
  if (r.at != r.n)
    return fail(err, errsz, VIGIL_E_FORMAT, "RULE section: trailing bytes");
  return VIGIL_OK;
}

/* XFIELD: checked like the required sections (string ids, rule order). */
static vigil_status load_xfields(vigil_program *p, char *err, size_t errsz) {
  rd r;
  if (!find_sec(p, VIGIL_SEC_XFIELD, &r))
    return VIGIL_OK;
  uint32_t n;
  if (!rd_count(&r, 16, &n) || r.n - r.at != (size_t)n * 16)
    return fail(err, errsz, VIGIL_E_FORMAT, "XFIELD section: bad count");
  p->xf = r.p + r.at;
  uint32_t prev = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t ru = rd_u32(&r), name = rd_u32(&r), fmt = rd_u32(&r),
             raw = rd_u32(&r);
    if (ru >= p->nrules || ru < prev || raw > 1 || !str_ok(p, name, false) ||
        !str_ok(p, fmt, false))
      return fail(err, errsz, VIGIL_E_FORMAT, "XFIELD record %u: bad record",
                  (unsigned)i);
    if (!p->rules[ru].nxf)
      p->rules[ru].xf_first = i;
    p->rules[ru].nxf++;
    prev = ru;
  }
  return VIGIL_OK;
}

static vigil_status load_debug(vigil_program *p) {
  rd r;
  if (!find_sec(p, VIGIL_SEC_DEBUG, &r))
    return VIGIL_OK;
  uint32_t n;
  if (!rd_count(&r, 12, &n))
    return VIGIL_OK; /* optional: a damaged DEBUG section is ignored */
  p->debug = calloc(n ? n : 1, sizeof *p->debug);
  if (!p->debug)
    return VIGIL_E_NOMEM;
  p->ndebug = n;
  for (uint32_t i = 0; i < n; i++) {
    p->debug[i].pc = rd_u32(&r);
    p->debug[i].start = rd_u32(&r);
    p->debug[i].end = rd_u32(&r);
  }
  return VIGIL_OK;
}

static bool rule_has_evt(const vg_prule *ru, uint32_t e) {
  uint32_t lo = 0, hi = ru->nevt;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2, v = vg_rd_u16le(ru->evt + 2 * mid);
    if (v == e)
      return true;
    if (v < e)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

static vigil_status build_dispatch(vigil_program *p) {
  for (uint32_t s = 0; s < p->nsources; s++) {
    vg_psource *ps = &p->sources[s];
    size_t total = 0;
    uint32_t nall = 0;
    for (uint32_t i = 0; i < p->nrules; i++) {
      const vg_prule *ru = &p->rules[i];
      if (ru->src_index != s || !(ru->flags & VIGIL_RULE_ENABLED))
        continue;
      if (ru->flags & VIGIL_RULE_ALL_EVENTS) {
        nall++;
        total += VG_DISPATCH_EVT;
      } else {
        total += ru->nevt;
      }
    }
    ps->off = calloc(VG_DISPATCH_EVT + 1, sizeof *ps->off);
    ps->list = malloc((total ? total : 1) * sizeof *ps->list);
    ps->all = malloc((nall ? nall : 1) * sizeof *ps->all);
    if (!ps->off || !ps->list || !ps->all)
      return VIGIL_E_NOMEM;
    uint32_t at = 0;
    for (uint32_t e = 0; e < VG_DISPATCH_EVT; e++) {
      ps->off[e] = at;
      for (uint32_t i = 0; i < p->nrules; i++) {
        const vg_prule *ru = &p->rules[i];
        if (ru->src_index != s || !(ru->flags & VIGIL_RULE_ENABLED))
          continue;
        if ((ru->flags & VIGIL_RULE_ALL_EVENTS) || rule_has_evt(ru, e))
          ps->list[at++] = i;
      }
    }
    ps->off[VG_DISPATCH_EVT] = at;
    for (uint32_t i = 0; i < p->nrules; i++) {
      const vg_prule *ru = &p->rules[i];
      if (ru->src_index == s && (ru->flags & VIGIL_RULE_ENABLED) &&
          (ru->flags & VIGIL_RULE_ALL_EVENTS))
        ps->all[ps->nall++] = i;
    }
  }
  return VIGIL_OK;
}

/* Replaces a compressed pack's bytes by its uncompressed image (program.h):
 * the header's first 24 bytes, then the inflated rest. The size is declared
 * up front and bounded, so hostile input cannot make us allocate more. */
static vigil_status inflate_body(vigil_program *p, char *err, size_t errsz) {
  if (p->len < VIGIL_PACK_HEADER_SIZE)
    return fail(err, errsz, VIGIL_E_FORMAT, "truncated header");
  uint32_t u = vg_rd_u32le(p->buf + 24);
  if (u < VIGIL_PACK_HEADER_SIZE || u > VIGIL_PACK_MAX_IMAGE)
    return fail(err, errsz, VIGIL_E_FORMAT, "bad uncompressed size %u",
                (unsigned)u);
  uint8_t *img = malloc(u);
  if (!img)
    return VIGIL_E_NOMEM;
  memcpy(img, p->buf, 24);
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (inflateInit(&zs) != Z_OK) {
    free(img);
    return VIGIL_E_NOMEM;
  }
  zs.next_in = p->buf + VIGIL_PACK_HEADER_SIZE;
  zs.avail_in = (uInt)(p->len - VIGIL_PACK_HEADER_SIZE);
  zs.next_out = img + 24;
  zs.avail_out = (uInt)(u - 24);
  int zr = inflate(&zs, Z_FINISH);
  bool ok = zr == Z_STREAM_END && zs.avail_out == 0 && zs.avail_in == 0;
  inflateEnd(&zs);
  if (!ok) {
    free(img);
    if (zr == Z_MEM_ERROR)
      return fail(err, errsz, VIGIL_E_NOMEM, "out of memory");
    return fail(err, errsz, VIGIL_E_FORMAT, "bad compressed body");
  }
  free(p->buf);
  p->buf = img;
  p->len = u;
  return VIGIL_OK;
}

/* Rule guards (pack.h): code that starts "MEMO_GET s; ...; MEMO_PUT s;
 * JF_KEEP -> RET" is false whenever slot s is, and so on for the memoised
 * conjuncts that follow. The scan stops at the first conjunct that is not
 * one memo block (its extent is not known without parsing). Runs on
 * verified code. */
static void find_guards(vigil_program *p) {
  for (uint32_t i = 0; i < p->nrules; i++) {
    vg_prule *ru = &p->rules[i];
    uint32_t pc = ru->start, end = ru->start + ru->len - 1;
    ru->nguards = 0;
    while (pc < end && ru->nguards < VG_MAX_GUARDS) {
      uint32_t w = p->code[pc];
      if (VG_INS_OP(w) != VG_I_MEMO_GET)
        break;
      uint32_t next = pc + 1 + (VG_INS_ARG(w) >> VG_MEMO_SLOT_BITS);
      uint16_t slot = (uint16_t)(VG_INS_ARG(w) & (VG_MEMO_MAX_SLOTS - 1));
      if (next == end) { /* the last conjunct (or the whole condition) */
        ru->gafter[ru->nguards] = end;
        ru->guards[ru->nguards++] = slot;
        break;
      }
      if (next > end || VG_INS_OP(p->code[next]) != VG_I_JF_KEEP ||
          next + 1 + VG_INS_ARG(p->code[next]) != end)
        break;
      ru->gafter[ru->nguards] = next + 1;
      ru->guards[ru->nguards++] = slot;
      pc = next + 1;
    }
  }
}

/* The fused opcode (pack.h, VG_X_*) for the FIELD at pc followed by the
 * check at pc + 1, or 0. */
static uint32_t fused_op(const vigil_program *p, uint32_t pc) {
  uint32_t nop = VG_INS_OP(p->code[pc + 1]);
  uint32_t k = VG_INS_ARG(p->code[pc + 1]);
  bool cmpk = nop >= VG_I_EQ_K && nop <= VG_I_ENDSWITH_K;
  if (cmpk && k >= p->nconsts)
    return 0; /* (verified code never has this) */
  bool text = cmpk && p->kclean[k];
  switch (nop) {
  case VG_I_EQ_K:
    return text ? VG_X_FIELD_SEQ
           : p->consts[k].type == VG_FT_BOOL ? VG_X_FIELD_BEQ
                                              : VG_X_FIELD_EQ;
  case VG_I_NE_K:
    return text ? VG_X_FIELD_SNE : VG_X_FIELD_NE;
  case VG_I_STARTSWITH_K:
    return text ? VG_X_FIELD_SSW : VG_X_FIELD_SW;
  case VG_I_IN_S:
    return VG_X_FIELD_IN;
  case VG_I_ANYOF_S: {
    uint32_t op = k & 31, set = k >> 5;
    if (set >= p->nsets || !p->sets[set].clean)
      return 0;
    return op == VG_PC_STARTSWITH ? VG_X_FIELD_ANYSW
           : op == VG_PC_ENDSWITH ? VG_X_FIELD_ANYEW
                                  : 0;
  }
  default:
    return cmpk ? VG_X_FIELD_K : 0;
  }
}

/* The interpreter's copy of the code, with fused FIELD + check pairs.
 * Only the rules' code is verified (CODE may hold other words), so only
 * that is rewritten; a rule never ends on FIELD (RET does), so pc + 1 is
 * in the same rule. */
static vigil_status make_xcode(vigil_program *p) {
  p->xcode = malloc((p->ncode ? p->ncode : 1) * sizeof *p->xcode);
  if (!p->xcode)
    return VIGIL_E_NOMEM;
  if (p->ncode)
    memcpy(p->xcode, p->code, p->ncode * sizeof *p->xcode);
  for (uint32_t i = 0; i < p->nrules; i++) {
    uint32_t end = p->rules[i].start + p->rules[i].len;
    for (uint32_t pc = p->rules[i].start; pc + 1 < end; pc++) {
      uint32_t x;
      if (VG_INS_OP(p->code[pc]) == VG_I_FIELD && (x = fused_op(p, pc)))
        p->xcode[pc] = (p->code[pc] & ~0xffu) | x;
    }
  }
  return VIGIL_OK;
}

static vigil_status parse_header(vigil_program *p, char *err, size_t errsz) {
  const uint8_t *b = p->buf;
  size_t len = p->len;
  if (len < VIGIL_PACK_HEADER_SIZE ||
      memcmp(b, VIGIL_PACK_MAGIC, VIGIL_PACK_MAGIC_LEN))
    return fail(err, errsz, VIGIL_E_FORMAT, "not a vigil pack (bad magic)");
  p->major = vg_rd_u16le(b + 8);
  p->minor = vg_rd_u16le(b + 10);
  if (p->major != VIGIL_PACK_MAJOR)
    return fail(err, errsz, VIGIL_E_VERSION,
                "pack format version %u.%u is not supported (expected %u.x)",
                p->major, p->minor, VIGIL_PACK_MAJOR);
  uint32_t hflags = vg_rd_u32le(b + 12);
  if ((hflags & ~VIGIL_PACK_F_DEFLATE) ||
      (hflags && p->minor < 1))
    return fail(err, errsz, VIGIL_E_FORMAT, "unknown header flags");
  if (vg_rd_u32le(b + 16) != len)
    return fail(err, errsz, VIGIL_E_FORMAT,
                "size mismatch: header says %u bytes, got %zu",
                (unsigned)vg_rd_u32le(b + 16), len);
  p->crc = vg_rd_u32le(b + 20);
  if (vigil_crc32(0, b + 24, len - 24) != p->crc)
    return fail(err, errsz, VIGIL_E_CORRUPT, "checksum mismatch");
  if (hflags & VIGIL_PACK_F_DEFLATE) {
    vigil_status st = inflate_body(p, err, errsz);
    if (st != VIGIL_OK)
      return st;
    b = p->buf;
    len = p->len;
  }
  uint32_t nsec = vg_rd_u32le(b + 24);
  if (nsec > 16 ||
      (uint64_t)VIGIL_PACK_HEADER_SIZE + (uint64_t)nsec * 16 > len)
    return fail(err, errsz, VIGIL_E_FORMAT, "bad section count %u",
                (unsigned)nsec);
  size_t table_end = VIGIL_PACK_HEADER_SIZE + (size_t)nsec * 16;
  p->nsec = 0;
  for (uint32_t i = 0; i < nsec; i++) {
    const uint8_t *e = b + VIGIL_PACK_HEADER_SIZE + 16 * i;
    uint32_t kind = vg_rd_u32le(e), flags = vg_rd_u32le(e + 4);
    uint32_t off = vg_rd_u32le(e + 8), size = vg_rd_u32le(e + 12);
    if (off < table_end || off > len || size > len - off)
      return fail(err, errsz, VIGIL_E_FORMAT,
                  "section %u (%s) lies outside the file", (unsigned)i,
                  sec_name(kind));
    if (kind < VIGIL_SEC_STR || kind > VIGIL_SEC_XFIELD) {
      if (flags & VIGIL_SECF_OPTIONAL)
        continue;
      return fail(err, errsz, VIGIL_E_FORMAT,
                  "unknown required section kind %u", (unsigned)kind);
    }
    for (uint32_t j = 0; j < p->nsec; j++) {
      if (p->sec[j].kind == kind)
        return fail(err, errsz, VIGIL_E_FORMAT, "duplicate %s section",
                    sec_name(kind));
      uint32_t o2 = p->sec[j].off, s2 = p->sec[j].size;
      if (off < o2 + s2 && o2 < off + size)
        return fail(err, errsz, VIGIL_E_FORMAT, "sections overlap");
    }
    p->sec[p->nsec].kind = kind;
    p->sec[p->nsec].flags = flags;
    p->sec[p->nsec].off = off;
    p->sec[p->nsec].size = size;
    p->nsec++;
  }
  return VIGIL_OK;
}

vigil_status vigil_program_load(const void *bytes, size_t len,
                                vigil_field_binder binder, void *binder_ud,
                                vigil_program **out, char *err,
                                size_t errsz) {
  if (err && errsz)
    err[0] = 0;
  if (!out || (!bytes && len))
    return fail(err, errsz, VIGIL_E_INVAL, "invalid argument");
  if (len > 0xffffffffu)
    return fail(err, errsz, VIGIL_E_FORMAT, "pack too large");
  vigil_program *p = calloc(1, sizeof *p);
  if (!p)
    return VIGIL_E_NOMEM;
  p->buf = malloc(len ? len : 1);
  if (!p->buf) {
    free(p);
    return VIGIL_E_NOMEM;
  }
  if (len)
    memcpy(p->buf, bytes, len);
  p->len = len;
  vigil_status st = parse_header(p, err, errsz);
  if (st == VIGIL_OK)
    st = load_strs(p, err, errsz);
  if (st == VIGIL_OK)
    st = load_consts(p, err, errsz);
  if (st == VIGIL_OK)
    st = load_pats(p, err, errsz);
  if (st == VIGIL_OK)
    st = load_sets(p, err, errsz);
  if (st == VIGIL_OK)
    st = load_fields(p, binder, binder_ud, err, errsz);
  if (st == VIGIL_OK)
    st = load_code(p, err, errsz);
  if (st == VIGIL_OK)
    st = load_rules(p, err, errsz);
  if (st == VIGIL_OK)
    st = load_xfields(p, err, errsz);
  if (st == VIGIL_OK)
    st = load_debug(p);
  if (st == VIGIL_OK)
    st = vg_pack_verify(p, err, errsz);
  if (st == VIGIL_OK)
    find_guards(p);
  if (st == VIGIL_OK)
    st = make_xcode(p);
  if (st == VIGIL_OK)
    st = build_dispatch(p);
  if (st != VIGIL_OK) {
    if (st == VIGIL_E_NOMEM && err && errsz && !err[0])
      fail(err, errsz, st, "out of memory");
    vigil_program_free(p);
    return st;
  }
  *out = p;
  return VIGIL_OK;
}

void vigil_program_free(vigil_program *p) {
  if (!p)
    return;
  for (uint32_t i = 0; i < p->npats; i++)
    vg_regex_free(p->pats[i].re);
  for (uint32_t i = 0; i < p->nsets; i++) {
    free((void *)p->sets[i].ids);
    vg_valset_free(p->sets[i].vs);
    vg_pmatch_free(p->sets[i].pm);
  }
  for (uint32_t i = 0; i < p->nsources; i++) {
    free(p->sources[i].off);
    free(p->sources[i].list);
    free(p->sources[i].all);
  }
  free(p->sources);
  free(p->strs);
  free(p->consts);
  free(p->kclean);
  free(p->sets);
  free(p->pats);
  free(p->fields);
  free(p->rules);
  free(p->code);
  free(p->xcode);
  free(p->debug);
  free(p->buf);
  free(p);
}

size_t vigil_program_nrules(const vigil_program *p) { return p->nrules; }

void vigil_program_rule(const vigil_program *p, size_t i,
                        vigil_rule_info *o) {
  const vg_prule *r = &p->rules[i];
  o->name = vg_pack_str(p, r->name);
  o->source = vg_pack_str(p, r->source);
  o->output = r->output == VIGIL_PACK_NONE ? NULL : vg_pack_str(p, r->output);
  o->desc = r->desc == VIGIL_PACK_NONE ? NULL : vg_pack_str(p, r->desc);
  o->priority = r->priority;
  o->flags = r->flags;
  o->code_start = r->start;
  o->code_len = r->len;
  o->ntags = r->ntags;
  o->nevt = r->nevt;
}

const char *vigil_program_rule_tag(const vigil_program *p, size_t rule,
                                   size_t i) {
  return vg_pack_str(p, vg_rd_u32le(p->rules[rule].tags + 4 * i));
}

size_t vigil_program_rule_nxfields(const vigil_program *p, size_t rule) {
  return p && rule < p->nrules ? p->rules[rule].nxf : 0;
}

const char *vigil_program_rule_xfield(const vigil_program *p, size_t rule,
                                      size_t i, const char **format,
                                      bool *raw) {
  if (!p || rule >= p->nrules || i >= p->rules[rule].nxf)
    return NULL;
  const uint8_t *x = p->xf + 16 * ((size_t)p->rules[rule].xf_first + i);
  if (format)
    *format = vg_pack_str(p, vg_rd_u32le(x + 8));
  if (raw)
    *raw = vg_rd_u32le(x + 12) != 0;
  return vg_pack_str(p, vg_rd_u32le(x + 4));
}

unsigned vigil_program_rule_evt(const vigil_program *p, size_t rule,
                                size_t i) {
  return vg_rd_u16le(p->rules[rule].evt + 2 * i);
}

size_t vigil_program_nsources(const vigil_program *p) { return p->nsources; }

const char *vigil_program_source(const vigil_program *p, size_t i) {
  return p->sources[i].name;
}

int vigil_program_source_index(const vigil_program *p, const char *name) {
  return source_index((vigil_program *)p, name);
}

size_t vigil_program_nfields(const vigil_program *p) { return p->nfields; }

bool vigil_program_rule_reads_field(const vigil_program *p, size_t rule,
                                    size_t field) {
  if (!p || rule >= p->nrules || field >= p->nfields)
    return false;
  const vg_prule *r = &p->rules[rule];
  for (uint32_t pc = r->start; pc < r->start + r->len && pc < p->ncode;
       pc++) {
    uint32_t in = p->code[pc];
    if ((in & 0xffu) < VG_I__COUNT &&
        vg_opcode_args[in & 0xffu] == VG_ARG_FIELD && (in >> 8) == field)
      return true;
  }
  return false;
}

const char *vigil_program_field_name(const vigil_program *p, size_t i,
                                     const char **arg, uint32_t *type) {
  const vg_pfield *f = &p->fields[i];
  if (arg)
    *arg = f->arg == VIGIL_PACK_NONE ? NULL : vg_pack_str(p, f->arg);
  if (type)
    *type = f->type;
  return vg_pack_str(p, f->name);
}
