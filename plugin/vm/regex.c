/*
 * regex.c - the 'regex' operator: RE2 patterns in POSIX-syntax mode (what
 * libsinsp compiles with re2::RE2::POSIX) translated to PCRE2 and matched
 * against the whole value.
 *
 * The translator is a small RE2 parser (the 2022-06-01 release libsinsp
 * pins) that accepts exactly RE2's POSIX syntax and rejects the rest with
 * RE2's error texts: no Perl classes (\d \w \s), no \b \B \A \z \C \Q..\E,
 * no Unicode groups (\p), no (?flags) or (?:...) (the '(' opens a group and
 * the '?' then has nothing to repeat), '-' inside a class only first or
 * last, counted repetitions up to 1000 (also nested: the product along any
 * path), octal and \x escapes. What it emits is unambiguous PCRE2: every
 * literal other than [0-9A-Za-z_] as \x{...}, groups as (?:...), each
 * quantified item wrapped in (?:...) (RE2 allows a** and ^*), '.' as
 * [^\n], and the whole as \A(?:...)\z.
 *
 * RE2 POSIX mode semantics carried over: '^' and '$' match at line
 * boundaries (one_line is off), so PCRE2 runs with MULTILINE,
 * ALT_CIRCUMFLEX and LF newlines; '.' does not match '\n'; negated classes
 * and POSIX classes are ASCII-only as in RE2; UTF-8 mode. Subjects are
 * sanitized first (invalid UTF-8 -> U+FFFD per maximal subpart), exactly
 * as libsinsp sanitizes regex inputs. Leftmost-longest vs leftmost-first
 * does not matter for a whole-value match.
 *
 * PCRE2 backtracks where RE2 does not, so matching runs under a match
 * limit (VG_REGEX_MATCH_LIMIT) and depth limit; hitting one makes the
 * comparison false and is reported through vg_cmp_scratch.err.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/cmp_int.h"

#define VG_REGEX_MATCH_LIMIT 10000000u
#define VG_REGEX_DEPTH_LIMIT 100000u
#define RE2_MAX_REPEAT 1000
#define RUNE_MAX 0x10FFFF

struct vg_regex {
  pcre2_code *code;
};

/* ------------------------------------------------------------------ */
/* UTF-8                                                               */

/* Length of the valid sequence at p (> 0), or minus the length of the
 * maximal invalid subpart to replace (< 0). */
static int seq_len(const uint8_t *p, const uint8_t *end) {
  uint8_t c = p[0];
  uint8_t lo = 0x80, hi = 0xBF;
  int need;
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    need = 1;
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else
    return -1;
  int i = 1;
  for (; i <= need; i++) {
    if (p + i >= end)
      return -i;
    uint8_t b = p[i];
    if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
      return -i;
  }
  return need + 1;
}

size_t vg_utf8_sanitize(const uint8_t *s, size_t n, uint8_t *out, size_t cap) {
  const uint8_t *p = s, *end = s + n;
  size_t o = 0;
  while (p < end) {
    int l = seq_len(p, end);
    if (l > 0) {
      if (o + (size_t)l > cap)
        return SIZE_MAX;
      memcpy(out + o, p, (size_t)l);
      o += (size_t)l;
      p += l;
    } else {
      if (o + 3 > cap)
        return SIZE_MAX;
      out[o++] = 0xEF;
      out[o++] = 0xBF;
      out[o++] = 0xBD;
      p += -l;
    }
  }
  return o;
}

static bool utf8_valid(const uint8_t *s, size_t n) {
  const uint8_t *p = s, *end = s + n;
  while (p < end) {
    if (*p < 0x80) {
      p++;
      continue;
    }
    int l = seq_len(p, end);
    if (l < 0)
      return false;
    p += l;
  }
  return true;
}

/* ------------------------------------------------------------------ */
/* Translator                                                          */

typedef struct obuf {
  char *p;
  size_t n, cap;
  bool oom;
} obuf;

static void ob_put(obuf *b, const char *s, size_t n) {
  if (b->oom)
    return;
  if (b->n + n + 1 > b->cap) {
    size_t nc = b->cap ? b->cap : 64;
    while (nc < b->n + n + 1)
      nc *= 2;
    char *np = realloc(b->p, nc);
    if (np == NULL) {
      b->oom = true;
      return;
    }
    b->p = np;
    b->cap = nc;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static void ob_str(obuf *b, const char *s) {
  ob_put(b, s, strlen(s));
}

/* Inserts s at offset at (wrapping a quantified item). */
static void ob_insert(obuf *b, size_t at, const char *s) {
  size_t n = strlen(s), tail = b->n - at;
  ob_put(b, s, n); /* grow */
  if (b->oom)
    return;
  memmove(b->p + at + n, b->p + at, tail);
  memcpy(b->p + at, s, n);
}

static void ob_rune(obuf *b, long r) {
  char tmp[16];
  if ((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') ||
      (r >= 'A' && r <= 'Z') || r == '_') {
    tmp[0] = (char)r;
    ob_put(b, tmp, 1);
    return;
  }
  snprintf(tmp, sizeof tmp, "\\x{%lx}", r);
  ob_str(b, tmp);
}

typedef struct frame {
  size_t group_at;    /* output offset of this group's "(?:" */
  bool have_atom;     /* something to repeat sits right before */
  size_t atom_at;     /* output offset where that item starts */
  unsigned atom_prod; /* product of counted repeats inside the item */
  unsigned max_prod;  /* max over the items of this group so far */
} frame;

typedef struct tr {
  const uint8_t *pat, *p, *end;
  obuf out;
  char *err;
  size_t errsz;
  frame *fr;
  size_t depth, capfr;
  bool failed;
} tr;

static bool tr_fail(tr *t, const char *code, const uint8_t *arg, size_t argn) {
  if (t->errsz > 0) {
    if (arg)
      snprintf(t->err, t->errsz, "invalid regex pattern: %s: %.*s", code,
               (int)argn, (const char *)arg);
    else
      snprintf(t->err, t->errsz, "invalid regex pattern: %s", code);
  }
  t->failed = true;
  return false;
}

/* RE2 StringPieceToRune: decodes one rune at *pp; "invalid UTF-8" on
 * failure (including at the end of the text). */
static bool get_rune(tr *t, const uint8_t **pp, long *r) {
  const uint8_t *p = *pp;
  if (p >= t->end)
    return tr_fail(t, "invalid UTF-8", NULL, 0);
  int l = seq_len(p, t->end);
  if (l < 0)
    return tr_fail(t, "invalid UTF-8", NULL, 0);
  long v;
  if (l == 1)
    v = p[0];
  else if (l == 2)
    v = ((long)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
  else if (l == 3)
    v = ((long)(p[0] & 0x0F) << 12) | ((long)(p[1] & 0x3F) << 6) |
        (p[2] & 0x3F);
  else
    v = ((long)(p[0] & 0x07) << 18) | ((long)(p[1] & 0x3F) << 12) |
        ((long)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
  *r = v;
  *pp = p + l;
  return true;
}

static int hexval(long c) {
  if (c >= '0' && c <= '9')
    return (int)(c - '0');
  if (c >= 'a' && c <= 'f')
    return (int)(c - 'a' + 10);
  if (c >= 'A' && c <= 'F')
    return (int)(c - 'A' + 10);
  return -1;
}

static bool is_alpha_digit(long c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

/* RE2 ParseEscape: *pp at the backslash. */
static bool parse_escape(tr *t, const uint8_t **pp, long *rp) {
  const uint8_t *begin = *pp, *p = begin + 1;
  long c, c1;
  if (p >= t->end)
    return tr_fail(t, "trailing \\", NULL, 0);
  if (!get_rune(t, &p, &c))
    return false;
  switch (c) {
  case '1':
  case '2':
  case '3':
  case '4':
  case '5':
  case '6':
  case '7':
    /* A single non-zero digit would be a backreference. */
    if (p >= t->end || *p < '0' || *p > '7')
      goto bad;
    /* fall through */
  case '0': {
    long code = c - '0';
    if (p < t->end && *p >= '0' && *p <= '7') {
      code = code * 8 + (*p++ - '0');
      if (p < t->end && *p >= '0' && *p <= '7')
        code = code * 8 + (*p++ - '0');
    }
    *rp = code;
    *pp = p;
    return true;
  }
  case 'x': {
    if (p >= t->end)
      goto bad;
    if (!get_rune(t, &p, &c))
      return false;
    if (c == '{') {
      int nhex = 0;
      long code = 0;
      if (!get_rune(t, &p, &c))
        return false;
      while (hexval(c) >= 0) {
        nhex++;
        code = code * 16 + hexval(c);
        if (code > RUNE_MAX)
          goto bad;
        if (p >= t->end)
          goto bad;
        if (!get_rune(t, &p, &c))
          return false;
      }
      if (c != '}' || nhex == 0)
        goto bad;
      *rp = code;
      *pp = p;
      return true;
    }
    if (p >= t->end)
      goto bad;
    if (!get_rune(t, &p, &c1))
      return false;
    if (hexval(c) < 0 || hexval(c1) < 0)
      goto bad;
    *rp = hexval(c) * 16 + hexval(c1);
    *pp = p;
    return true;
  }
  case 'n':
    *rp = '\n';
    *pp = p;
    return true;
  case 'r':
    *rp = '\r';
    *pp = p;
    return true;
  case 't':
    *rp = '\t';
    *pp = p;
    return true;
  case 'a':
    *rp = '\a';
    *pp = p;
    return true;
  case 'f':
    *rp = '\f';
    *pp = p;
    return true;
  case 'v':
    *rp = '\v';
    *pp = p;
    return true;
  default:
    /* Escaped ASCII punctuation is itself (RE2 allows \_ too). */
    if (c < 0x80 && !is_alpha_digit(c)) {
      *rp = c;
      *pp = p;
      return true;
    }
    goto bad;
  }
bad:
  return tr_fail(t, "invalid escape sequence", begin, (size_t)(p - begin));
}

static const char *const posix_names[] = {
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph",
    "lower", "print", "punct", "space", "upper", "word",  "xdigit"};

static bool posix_known(const uint8_t *name, size_t n) {
  if (n > 0 && name[0] == '^') {
    name++;
    n--;
  }
  for (size_t i = 0; i < sizeof posix_names / sizeof posix_names[0]; i++)
    if (strlen(posix_names[i]) == n && memcmp(posix_names[i], name, n) == 0)
      return true;
  return false;
}

/* Emits one class range, leaving out UTF-16 surrogates, which cannot occur
 * in (sanitized) subjects and which PCRE2 refuses in UTF mode. */
static void class_range(tr *t, long lo, long hi) {
  char tmp[48];
  if (lo >= 0xD800 && lo <= 0xDFFF)
    lo = 0xE000;
  if (hi >= 0xD800 && hi <= 0xDFFF)
    hi = 0xD7FF;
  if (lo > hi)
    return;
  if (lo == hi)
    snprintf(tmp, sizeof tmp, "\\x{%lx}", lo);
  else
    snprintf(tmp, sizeof tmp, "\\x{%lx}-\\x{%lx}", lo, hi);
  ob_str(&t->out, tmp);
}

/* RE2 ParseCCCharacter. */
static bool cc_char(tr *t, const uint8_t **pp, const uint8_t *whole, long *r) {
  if (*pp >= t->end)
    return tr_fail(t, "missing ]", whole, (size_t)(t->end - whole));
  if (**pp == '\\')
    return parse_escape(t, pp, r);
  return get_rune(t, pp, r);
}

/* RE2 ParseCharClass; t->p at '['. */
static bool parse_class(tr *t) {
  const uint8_t *whole = t->p, *p = t->p + 1;
  bool first = true, negated = false, any = false;
  size_t mark = t->out.n;
  ob_str(&t->out, "[");
  if (p < t->end && *p == '^') {
    p++;
    negated = true;
    ob_str(&t->out, "^");
  }
  while (p < t->end && (*p != ']' || first)) {
    if (*p == '-' && !first && (t->end - p == 1 || p[1] != ']')) {
      const uint8_t *q = p + 1;
      long r;
      if (!get_rune(t, &q, &r))
        return false;
      return tr_fail(t, "invalid character class range", p, (size_t)(q - p));
    }
    first = false;
    if (t->end - p > 2 && p[0] == '[' && p[1] == ':') {
      const uint8_t *q = p + 2;
      while (q + 1 < t->end && !(q[0] == ':' && q[1] == ']'))
        q++;
      if (q + 1 < t->end) {
        size_t len = (size_t)(q + 2 - p);
        if (!posix_known(p + 2, (size_t)(q - (p + 2))))
          return tr_fail(t, "invalid character class range", p, len);
        ob_put(&t->out, (const char *)p, len);
        any = true;
        p = q + 2;
        continue;
      }
    }
    const uint8_t *os = p;
    long lo, hi;
    if (!cc_char(t, &p, whole, &lo))
      return false;
    hi = lo;
    if (t->end - p >= 2 && p[0] == '-' && p[1] != ']') {
      p++;
      if (!cc_char(t, &p, whole, &hi))
        return false;
      if (hi < lo)
        return tr_fail(t, "invalid character class range", os,
                       (size_t)(p - os));
    }
    class_range(t, lo, hi);
    any = true;
  }
  if (p >= t->end)
    return tr_fail(t, "missing ]", whole, (size_t)(t->end - whole));
  p++;
  if (!any) {
    /* Only surrogates were listed: nothing (or everything) matches. */
    t->out.n = mark;
    ob_str(&t->out, negated ? "[\\x{0}-\\x{10ffff}]" : "(?!)");
  } else {
    ob_str(&t->out, "]");
  }
  t->p = p;
  return true;
}

static frame *top(tr *t) {
  return &t->fr[t->depth];
}

static void begin_atom(tr *t) {
  frame *f = top(t);
  f->have_atom = true;
  f->atom_at = t->out.n;
  f->atom_prod = 1;
}

static void end_atom(tr *t) {
  frame *f = top(t);
  if (f->atom_prod > f->max_prod)
    f->max_prod = f->atom_prod;
}

static bool push_frame(tr *t) {
  if (t->depth + 1 >= t->capfr) {
    size_t nc = t->capfr * 2;
    frame *nf = realloc(t->fr, nc * sizeof *nf);
    if (nf == NULL) {
      t->out.oom = true;
      return false;
    }
    t->fr = nf;
    t->capfr = nc;
  }
  t->depth++;
  memset(top(t), 0, sizeof *top(t));
  top(t)->max_prod = 1;
  return true;
}

/* RE2 MaybeParseRepetition / ParseInteger. */
static bool parse_int(const uint8_t **pp, const uint8_t *end, int *np) {
  const uint8_t *p = *pp;
  if (p >= end || *p < '0' || *p > '9')
    return false;
  if (end - p >= 2 && p[0] == '0' && p[1] >= '0' && p[1] <= '9')
    return false;
  int n = 0;
  while (p < end && *p >= '0' && *p <= '9') {
    if (n >= 100000000)
      return false;
    n = n * 10 + (*p - '0');
    p++;
  }
  *np = n;
  *pp = p;
  return true;
}

static bool maybe_repetition(const uint8_t **pp, const uint8_t *end, int *lo,
                             int *hi) {
  const uint8_t *p = *pp + 1;
  if (!parse_int(&p, end, lo) || p >= end)
    return false;
  if (*p == ',') {
    p++;
    if (p >= end)
      return false;
    if (*p == '}')
      *hi = -1;
    else if (!parse_int(&p, end, hi))
      return false;
  } else {
    *hi = *lo;
  }
  if (p >= end || *p != '}')
    return false;
  *pp = p + 1;
  return true;
}

static void wrap_atom(tr *t, const char *op) {
  ob_insert(&t->out, top(t)->atom_at, "(?:");
  ob_str(&t->out, ")");
  ob_str(&t->out, op);
}

static void literal(tr *t, long r) {
  end_atom(t);
  begin_atom(t);
  if (r >= 0xD800 && r <= 0xDFFF)
    ob_str(&t->out, "(?!)"); /* never in a valid UTF-8 subject */
  else
    ob_rune(&t->out, r);
}

static bool translate(tr *t) {
  while (t->p < t->end && !t->failed && !t->out.oom) {
    uint8_t c = *t->p;
    switch (c) {
    case '(': {
      end_atom(t);
      top(t)->have_atom = false;
      size_t at = t->out.n;
      if (!push_frame(t))
        return false;
      top(t)->group_at = at;
      ob_str(&t->out, "(?:");
      t->p++;
      break;
    }
    case '|':
      end_atom(t);
      top(t)->have_atom = false;
      ob_str(&t->out, "|");
      t->p++;
      break;
    case ')': {
      if (t->depth == 0)
        return tr_fail(t, "unexpected )", t->pat, (size_t)(t->end - t->pat));
      end_atom(t);
      unsigned prod = top(t)->max_prod;
      size_t at = top(t)->group_at;
      t->depth--;
      ob_str(&t->out, ")");
      end_atom(t);
      frame *f = top(t);
      f->have_atom = true;
      f->atom_at = at;
      f->atom_prod = prod;
      t->p++;
      break;
    }
    case '^':
    case '$':
      end_atom(t);
      begin_atom(t);
      ob_str(&t->out, c == '^' ? "^" : "$");
      t->p++;
      break;
    case '.':
      end_atom(t);
      begin_atom(t);
      ob_str(&t->out, "[^\\x{a}]");
      t->p++;
      break;
    case '[':
      end_atom(t);
      begin_atom(t);
      if (!parse_class(t))
        return false;
      break;
    case '*':
    case '+':
    case '?': {
      char op[2] = {(char)c, 0};
      if (!top(t)->have_atom)
        return tr_fail(t, "no argument for repetition operator", t->p, 1);
      wrap_atom(t, op);
      t->p++;
      break;
    }
    case '{': {
      const uint8_t *q = t->p;
      int lo = 0, hi = 0;
      if (!maybe_repetition(&q, t->end, &lo, &hi)) {
        literal(t, '{');
        t->p++;
        break;
      }
      size_t oplen = (size_t)(q - t->p);
      if ((hi != -1 && hi < lo) || lo > RE2_MAX_REPEAT || hi > RE2_MAX_REPEAT)
        return tr_fail(t, "invalid repetition size", t->p, oplen);
      frame *f = top(t);
      if (!f->have_atom)
        return tr_fail(t, "no argument for repetition operator", t->p, oplen);
      unsigned m = (unsigned)(hi < 0 ? lo : hi);
      unsigned long long np = (unsigned long long)f->atom_prod * (m ? m : 1);
      if (np > RE2_MAX_REPEAT + 1)
        np = RE2_MAX_REPEAT + 1;
      if ((lo >= 2 || hi >= 2) && np > RE2_MAX_REPEAT)
        return tr_fail(t, "invalid repetition size", t->p, oplen);
      f->atom_prod = (unsigned)np;
      char op[32];
      if (hi < 0)
        snprintf(op, sizeof op, "{%d,}", lo);
      else if (hi == lo)
        snprintf(op, sizeof op, "{%d}", lo);
      else
        snprintf(op, sizeof op, "{%d,%d}", lo, hi);
      wrap_atom(t, op);
      t->p = q;
      break;
    }
    case '\\': {
      long r;
      const uint8_t *p = t->p;
      if (!parse_escape(t, &p, &r))
        return false;
      literal(t, r);
      t->p = p;
      break;
    }
    default: {
      long r;
      const uint8_t *p = t->p;
      if (!get_rune(t, &p, &r))
        return false;
      literal(t, r);
      t->p = p;
      break;
    }
    }
  }
  if (t->failed || t->out.oom)
    return false;
  if (t->depth > 0)
    return tr_fail(t, "missing )", t->pat, (size_t)(t->end - t->pat));
  return true;
}

vigil_status vg_regex_translate(const char *pat, size_t n, char **out,
                                size_t *outn, char *err, size_t errsz) {
  tr t;
  memset(&t, 0, sizeof t);
  if (errsz > 0)
    err[0] = '\0';
  if (pat == NULL && n > 0)
    return VIGIL_E_INVAL;
  t.pat = t.p = (const uint8_t *)(pat ? pat : "");
  t.end = t.p + n;
  t.err = err;
  t.errsz = errsz;
  t.capfr = 16;
  t.fr = calloc(t.capfr, sizeof *t.fr);
  if (t.fr == NULL)
    return VIGIL_E_NOMEM;
  t.fr[0].max_prod = 1;
  ob_str(&t.out, "\\A(?:");
  bool ok = translate(&t);
  if (ok)
    ob_str(&t.out, ")\\z");
  free(t.fr);
  if (t.out.oom) {
    free(t.out.p);
    return VIGIL_E_NOMEM;
  }
  if (!ok) {
    free(t.out.p);
    return VIGIL_E_SYNTAX;
  }
  *out = t.out.p;
  *outn = t.out.n;
  return VIGIL_OK;
}

/* ------------------------------------------------------------------ */
/* pcre2                                                               */

vigil_status vg_regex_new(const char *pat, size_t n, vg_regex **out, char *err,
                          size_t errsz) {
  char *tp;
  size_t tn;
  vigil_status st = vg_regex_translate(pat, n, &tp, &tn, err, errsz);
  if (st != VIGIL_OK)
    return st;
  vg_regex *re = calloc(1, sizeof *re);
  pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
  if (re == NULL || cc == NULL) {
    free(re);
    free(tp);
    pcre2_compile_context_free(cc);
    return VIGIL_E_NOMEM;
  }
  pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
  pcre2_set_parens_nest_limit(cc, 1000);
  int ec;
  PCRE2_SIZE eo;
  re->code = pcre2_compile((PCRE2_SPTR)tp, tn,
                           PCRE2_UTF | PCRE2_MULTILINE | PCRE2_ALT_CIRCUMFLEX |
                               PCRE2_NO_AUTO_CAPTURE | PCRE2_NEVER_BACKSLASH_C,
                           &ec, &eo, cc);
  pcre2_compile_context_free(cc);
  free(tp);
  if (re->code == NULL) {
    free(re);
    if (ec == PCRE2_ERROR_NOMEMORY)
      return VIGIL_E_NOMEM;
    /* The translation is valid RE2, so only size limits get here. */
    if (errsz > 0)
      snprintf(err, errsz,
               "invalid regex pattern: pattern too large - compile failed");
    return VIGIL_E_SYNTAX;
  }
  /* JIT is an optimisation: without it pcre2_match interprets. */
  (void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
  *out = re;
  return VIGIL_OK;
}

void vg_regex_free(vg_regex *re) {
  if (re == NULL)
    return;
  pcre2_code_free(re->code);
  free(re);
}

bool vg_regex_match(const vg_regex *re, const uint8_t *s, size_t n,
                    vg_cmp_scratch *scr) {
  if (re == NULL || scr == NULL || scr->md == NULL || (s == NULL && n > 0))
    return false;
  const uint8_t *subj = s ? s : (const uint8_t *)"";
  size_t sn = n;
  if (!utf8_valid(subj, n)) {
    if (n > SIZE_MAX / 3 || !vg_cmp_scratch_reserve(scr, 3 * n))
      return false;
    sn = vg_utf8_sanitize(subj, n, scr->buf, scr->cap);
    if (sn == SIZE_MAX)
      return false;
    subj = scr->buf;
  }
  int rc = pcre2_match(re->code, (PCRE2_SPTR)subj, sn, 0, PCRE2_NO_UTF_CHECK,
                       (pcre2_match_data *)scr->md,
                       (pcre2_match_context *)scr->mctx);
  if (rc >= 0)
    return true;
  if (rc != PCRE2_ERROR_NOMATCH && scr->err == VIGIL_OK)
    scr->err = rc == PCRE2_ERROR_NOMEMORY ? VIGIL_E_NOMEM : VIGIL_E_LIMIT;
  return false;
}

/* ------------------------------------------------------------------ */
/* Scratch (lives here because it is mostly pcre2 state)               */

vigil_status vg_cmp_scratch_init(vg_cmp_scratch *scr) {
  memset(scr, 0, sizeof *scr);
  scr->md = pcre2_match_data_create(1, NULL);
  scr->mctx = pcre2_match_context_create(NULL);
  scr->buf = malloc(VG_CMP_SCRATCH_INIT);
  if (scr->md == NULL || scr->mctx == NULL || scr->buf == NULL) {
    vg_cmp_scratch_fini(scr);
    return VIGIL_E_NOMEM;
  }
  scr->cap = VG_CMP_SCRATCH_INIT;
  pcre2_set_match_limit(scr->mctx, VG_REGEX_MATCH_LIMIT);
  pcre2_set_depth_limit(scr->mctx, VG_REGEX_DEPTH_LIMIT);
  /* A JIT stack larger than the 32K default; if unavailable, pcre2 uses
   * its default and a deep match fails with the limit error. */
  scr->jit_stack = pcre2_jit_stack_create(32 * 1024, 4 * 1024 * 1024, NULL);
  if (scr->jit_stack != NULL)
    pcre2_jit_stack_assign(scr->mctx, NULL, scr->jit_stack);
  scr->err = VIGIL_OK;
  return VIGIL_OK;
}

void vg_cmp_scratch_fini(vg_cmp_scratch *scr) {
  if (scr == NULL)
    return;
  pcre2_match_data_free((pcre2_match_data *)scr->md);
  pcre2_match_context_free((pcre2_match_context *)scr->mctx);
  pcre2_jit_stack_free((pcre2_jit_stack *)scr->jit_stack);
  free(scr->buf);
  memset(scr, 0, sizeof *scr);
}
