/*
 * regex_check.c - an RE2-compatible syntax checker for POSIX-mode patterns
 * (see regex_check.h). It walks the pattern the way RE2's parser does and
 * reports the first error with RE2's wording; it builds nothing. Repetition
 * size limits of nested repeats are not checked (RE2 rejects products over
 * 1000; single counts over 1000 are reported).
 */
#include "sema/regex_check.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct rx {
  const char *p;   /* whole pattern */
  size_t n;
  size_t i;        /* cursor */
  int depth;       /* open groups */
  bool have_atom;  /* an operand precedes (repetition allowed) */
  char *why;
  size_t whysz;
} rx;

static bool rfail(rx *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool rfail(rx *r, const char *fmt, ...) {
  if (r->whysz > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, r->whysz, fmt, ap);
    va_end(ap);
  }
  return false;
}

static bool utf8_ok(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    size_t k;
    uint32_t cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      k = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      k = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      k = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + k >= n)
      return false;
    for (size_t j = 1; j <= k; j++) {
      unsigned char d = (unsigned char)s[i + j];
      if ((d & 0xc0) != 0x80)
        return false;
      cp = cp << 6 | (d & 0x3f);
    }
    if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) ||
        (k == 3 && cp < 0x10000) || cp > 0x10ffff)
      return false;
    i += k + 1;
  }
  return true;
}

static bool is_hex(int c) { return isxdigit((unsigned char)c) != 0; }

/* ParseEscape: r->i at the backslash; consumes the escape. */
static bool parse_escape(rx *r) {
  size_t begin = r->i;
  r->i++;
  if (r->i >= r->n)
    return rfail(r, "trailing \\");
  unsigned char c = (unsigned char)r->p[r->i++];
  switch (c) {
  case '1': case '2': case '3': case '4': case '5': case '6': case '7':
    /* a single non-zero digit would be a backreference */
    if (r->i >= r->n || r->p[r->i] < '0' || r->p[r->i] > '7')
      goto bad;
    /* fallthrough */
  case '0':
    for (int k = 0; k < 2 && r->i < r->n && r->p[r->i] >= '0' &&
                    r->p[r->i] <= '7';
         k++)
      r->i++;
    return true;
  case 'x':
    if (r->i >= r->n)
      goto bad;
    if (r->p[r->i] == '{') {
      size_t j = r->i + 1;
      size_t nd = 0;
      while (j < r->n && is_hex(r->p[j])) {
        j++;
        nd++;
      }
      if (nd == 0 || j >= r->n || r->p[j] != '}') {
        r->i = j < r->n ? j + 1 : r->n;
        goto bad;
      }
      r->i = j + 1;
      return true;
    }
    if (r->i + 1 < r->n && is_hex(r->p[r->i]) && is_hex(r->p[r->i + 1])) {
      r->i += 2;
      return true;
    }
    r->i = r->i + 1 <= r->n ? r->i + (r->i < r->n) : r->n;
    goto bad;
  case 'a': case 'f': case 'n': case 'r': case 't': case 'v':
    return true;
  default:
    if (c < 0x80 && !isalnum(c) && c != '_')
      return true;
    if (c >= 0x80) {
      /* consume the whole UTF-8 sequence of the escaped rune */
      while (r->i < r->n && ((unsigned char)r->p[r->i] & 0xc0) == 0x80)
        r->i++;
    }
    goto bad;
  }
bad:
  return rfail(r, "invalid escape sequence: %.*s", (int)(r->i - begin),
               r->p + begin);
}

static const char *const cc_names[] = {
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph",
    "lower", "print", "punct", "space", "upper", "word",  "xdigit"};

/* One character of a class (possibly escaped); sets *lo to its value. */
static bool class_char(rx *r, size_t cls_begin, uint32_t *val) {
  (void)cls_begin;
  if (r->i >= r->n)
    return rfail(r, "missing ]: %.*s", (int)(r->n - cls_begin),
                 r->p + cls_begin);
  if (r->p[r->i] == '\\') {
    size_t at = r->i;
    if (!parse_escape(r))
      return false;
    /* value for range checks: the escaped byte for simple escapes */
    *val = (unsigned char)r->p[at + 1];
    return true;
  }
  unsigned char c = (unsigned char)r->p[r->i];
  uint32_t cp = c;
  size_t k = 0;
  if (c >= 0xc0) {
    k = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
    cp = c & (0x3f >> k);
    for (size_t j = 1; j <= k && r->i + j < r->n; j++)
      cp = cp << 6 | ((unsigned char)r->p[r->i + j] & 0x3f);
  }
  r->i += k + 1;
  *val = cp;
  return true;
}

static bool parse_class(rx *r) {
  size_t begin = r->i;
  r->i++; /* [ */
  if (r->i < r->n && r->p[r->i] == '^')
    r->i++;
  bool first = true;
  while (r->i < r->n && (first || r->p[r->i] != ']')) {
    /* POSIX mode: '-' only first, last, or ending a range */
    if (r->p[r->i] == '-' && !first &&
        (r->i + 1 >= r->n || r->p[r->i + 1] != ']')) {
      size_t j = r->i + 1;
      while (j < r->n && r->p[j] != ']')
        j++;
      if (j < r->n)
        j++;
      return rfail(r, "invalid character class range: %.*s",
                   (int)(j - r->i), r->p + r->i);
    }
    first = false;
    if (r->p[r->i] == '[' && r->i + 1 < r->n && r->p[r->i + 1] == ':') {
      const char *end = NULL;
      for (size_t j = r->i + 2; j + 1 < r->n; j++)
        if (r->p[j] == ':' && r->p[j + 1] == ']') {
          end = r->p + j;
          break;
        }
      if (end) {
        size_t nl = (size_t)(end - (r->p + r->i + 2));
        const char *nm = r->p + r->i + 2;
        bool neg = nl > 0 && nm[0] == '^';
        if (neg) {
          nm++;
          nl--;
        }
        bool known = false;
        for (size_t k = 0; k < sizeof cc_names / sizeof cc_names[0]; k++)
          if (strlen(cc_names[k]) == nl && !memcmp(cc_names[k], nm, nl))
            known = true;
        size_t full = (size_t)(end + 2 - (r->p + r->i));
        if (!known)
          return rfail(r, "invalid character class range: %.*s", (int)full,
                       r->p + r->i);
        r->i += full;
        continue;
      }
    }
    size_t rbeg = r->i;
    uint32_t lo, hi;
    if (!class_char(r, begin, &lo))
      return false;
    if (r->i + 1 < r->n && r->p[r->i] == '-' && r->p[r->i + 1] != ']') {
      r->i++;
      if (!class_char(r, begin, &hi))
        return false;
      if (hi < lo)
        return rfail(r, "invalid character class range: %.*s",
                     (int)(r->i - rbeg), r->p + rbeg);
    }
  }
  if (r->i >= r->n)
    return rfail(r, "missing ]: %.*s", (int)(r->n - begin), r->p + begin);
  r->i++; /* ] */
  return true;
}

/* {n}, {n,}, {n,m}: returns true and sets *end when the text is a repeat */
static bool maybe_repeat(rx *r, size_t *end, long *lo, long *hi) {
  size_t j = r->i + 1;
  long a = 0, b;
  size_t nd = 0;
  while (j < r->n && isdigit((unsigned char)r->p[j])) {
    if (a < 100000)
      a = a * 10 + (r->p[j] - '0');
    j++;
    nd++;
  }
  if (nd == 0 || j >= r->n)
    return false;
  if (r->p[j] == '}') {
    b = a;
  } else if (r->p[j] == ',') {
    j++;
    if (j < r->n && r->p[j] == '}') {
      b = -1;
    } else {
      b = 0;
      nd = 0;
      while (j < r->n && isdigit((unsigned char)r->p[j])) {
        if (b < 100000)
          b = b * 10 + (r->p[j] - '0');
        j++;
        nd++;
      }
      if (nd == 0 || j >= r->n || r->p[j] != '}')
        return false;
    }
  } else {
    return false;
  }
  *end = j + 1;
  *lo = a;
  *hi = b;
  return true;
}

bool vg_regex_check_re2_posix(const char *pat, size_t len, char *why,
                              size_t whysz) {
  rx r = {pat, len, 0, 0, false, why, whysz};
  if (whysz > 0)
    why[0] = '\0';
  if (!utf8_ok(pat, len))
    return rfail(&r, "invalid UTF-8");
  while (r.i < r.n) {
    char c = r.p[r.i];
    switch (c) {
    case '(':
      r.depth++;
      r.i++;
      r.have_atom = false;
      break;
    case ')':
      if (r.depth == 0)
        return rfail(&r, "unexpected ): %.*s", (int)r.n, r.p);
      r.depth--;
      r.i++;
      r.have_atom = true;
      break;
    case '|':
      r.i++;
      r.have_atom = false;
      break;
    case '^':
    case '$':
    case '.':
      r.i++;
      r.have_atom = true;
      break;
    case '[':
      if (!parse_class(&r))
        return false;
      r.have_atom = true;
      break;
    case '*':
    case '+':
    case '?':
      if (!r.have_atom)
        return rfail(&r, "no argument for repetition operator: %c", c);
      r.i++;
      break;
    case '{': {
      size_t end;
      long lo, hi;
      if (!maybe_repeat(&r, &end, &lo, &hi)) {
        r.i++; /* a literal '{' */
        r.have_atom = true;
        break;
      }
      if (lo > 1000 || hi > 1000 || (hi >= 0 && lo > hi))
        return rfail(&r, "invalid repetition size: %.*s", (int)(end - r.i),
                     r.p + r.i);
      if (!r.have_atom)
        return rfail(&r, "no argument for repetition operator: %.*s",
                     (int)(end - r.i), r.p + r.i);
      r.i = end;
      break;
    }
    case '\\':
      if (!parse_escape(&r))
        return false;
      r.have_atom = true;
      break;
    default:
      r.i++;
      r.have_atom = true;
      break;
    }
  }
  if (r.depth > 0)
    return rfail(&r, "missing ): %.*s", (int)r.n, r.p);
  return true;
}
