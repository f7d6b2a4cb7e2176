/*
 * json_render.c - turns jansson values back into text the way the Go
 * plugins print them: fastjson's compact MarshalTo (k8saudit, cloudtrail,
 * json plugin values), Go's json.Indent (json.obj), Go's "%v" of a float64
 * (okta coordinates), and Go's RFC 3339 timestamp parsing. Output goes to a
 * bounded vg_jbuf so the extraction path never allocates.
 *
 * Known limit: jansson keeps numbers as int64 or double, not as the source
 * text fastjson reprints, so a real prints in its shortest exact form ("33"
 * for a source "33.0", "1e-07" for "1e-7"); integers print unchanged.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json_source.h"

void vg_jbuf_put(vg_jbuf *b, const void *s, size_t n) {
  if (n == 0)
    return;
  if (b->len <= b->cap && n <= b->cap - b->len)
    memcpy(b->p + b->len, s, n);
  b->len += n;
}

void vg_jbuf_putc(vg_jbuf *b, char c) {
  if (b->len < b->cap)
    b->p[b->len] = (uint8_t)c;
  b->len++;
}

static void put_str(vg_jbuf *b, const char *s) {
  vg_jbuf_put(b, s, strlen(s));
}

/* ---- strings --------------------------------------------------------------
 */

/* Decodes one UTF-8 sequence at s[0..n); returns its length, or 0 when the
 * bytes are not valid UTF-8 (Go then prints \xNN for the first byte). */
static size_t utf8_decode(const uint8_t *s, size_t n, uint32_t *cp) {
  uint8_t c = s[0];
  size_t len;
  uint32_t v, min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if ((c & 0xe0) == 0xc0) {
    len = 2, v = c & 0x1f, min = 0x80;
  } else if ((c & 0xf0) == 0xe0) {
    len = 3, v = c & 0x0f, min = 0x800;
  } else if ((c & 0xf8) == 0xf0) {
    len = 4, v = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (len > n)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    v = (v << 6) | (s[i] & 0x3f);
  }
  if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
    return 0;
  *cp = v;
  return len;
}

/* Go's unicode.IsPrint, approximated for the runes that matter in logs:
 * C0/C1 controls, DEL and a few invisible format characters are not
 * printable. */
static int go_isprint(uint32_t cp) {
  if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
    return 0;
  if (cp == 0xad || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff ||
      (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfff9 && cp <= 0xfffb))
    return 0;
  return 1;
}

/* strconv.AppendQuote: what fastjson falls back to for special strings. */
static void go_quote(vg_jbuf *b, const uint8_t *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  char tmp[12];
  vg_jbuf_putc(b, '"');
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t len = utf8_decode(s + i, n - i, &cp);
    if (len == 0) {
      tmp[0] = '\\', tmp[1] = 'x', tmp[2] = hex[s[i] >> 4],
      tmp[3] = hex[s[i] & 15];
      vg_jbuf_put(b, tmp, 4);
      i++;
      continue;
    }
    if (cp == '"' || cp == '\\') {
      vg_jbuf_putc(b, '\\');
      vg_jbuf_putc(b, (char)cp);
    } else if (go_isprint(cp)) {
      vg_jbuf_put(b, s + i, len);
    } else {
      switch (cp) {
      case '\a':
        put_str(b, "\\a");
        break;
      case '\b':
        put_str(b, "\\b");
        break;
      case '\f':
        put_str(b, "\\f");
        break;
      case '\n':
        put_str(b, "\\n");
        break;
      case '\r':
        put_str(b, "\\r");
        break;
      case '\t':
        put_str(b, "\\t");
        break;
      case '\v':
        put_str(b, "\\v");
        break;
      default:
        if (cp < 0x20 || cp == 0x7f)
          snprintf(tmp, sizeof tmp, "\\x%02x", (unsigned)cp);
        else if (cp < 0x10000)
          snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned)cp);
        else
          snprintf(tmp, sizeof tmp, "\\U%08x", (unsigned)cp);
        put_str(b, tmp);
      }
    }
    i += len;
  }
  vg_jbuf_putc(b, '"');
}

void vg_json_render_string(vg_jbuf *b, const char *s, size_t n) {
  const uint8_t *u = (const uint8_t *)s;
  for (size_t i = 0; i < n; i++) {
    if (u[i] < 0x20 || u[i] == '"' || u[i] == '\\') {
      go_quote(b, u, n);
      return;
    }
  }
  vg_jbuf_putc(b, '"');
  vg_jbuf_put(b, s, n);
  vg_jbuf_putc(b, '"');
}

/* ---- numbers --------------------------------------------------------------
 */

/* Shortest decimal digits of d (d finite, > 0) that read back exactly:
 * digits[0..*nd) and the decimal exponent of the first digit. */
static void shortest_digits(double d, char *digits, int *nd, int *exp10) {
  char tmp[40];
  for (int p = 1; p <= 17; p++) {
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, d);
    if (strtod(tmp, NULL) == d || p == 17)
      break;
  }
  /* tmp is "D.DDDDe[+-]XX" or "De[+-]XX". */
  int n = 0;
  const char *q = tmp;
  for (; *q && *q != 'e'; q++)
    if (*q >= '0' && *q <= '9')
      digits[n++] = *q;
  while (n > 1 && digits[n - 1] == '0')
    n--;
  *nd = n;
  *exp10 = *q == 'e' ? (int)strtol(q + 1, NULL, 10) : 0;
}

/* Places the shortest digits of d as Go does: exponent form when the
 * decimal exponent is below elow or at least ehigh, with at least two
 * exponent digits, except that clean_neg writes e-7 for e-07 (Go's
 * encoding/json). */
static void put_float_digits(vg_jbuf *b, double d, int elow, int ehigh,
                             bool clean_neg) {
  char digits[24], tmp[16];
  int nd, e;
  if (signbit(d)) {
    vg_jbuf_putc(b, '-');
    d = -d;
  }
  if (d == 0) {
    vg_jbuf_putc(b, '0');
    return;
  }
  shortest_digits(d, digits, &nd, &e);
  if (e < elow || e >= ehigh) {
    vg_jbuf_putc(b, digits[0]);
    if (nd > 1) {
      vg_jbuf_putc(b, '.');
      vg_jbuf_put(b, digits + 1, (size_t)nd - 1);
    }
    snprintf(tmp, sizeof tmp, "e%c%0*d", e < 0 ? '-' : '+',
             clean_neg && e < 0 ? 1 : 2, e < 0 ? -e : e);
    put_str(b, tmp);
  } else if (e >= 0) {
    for (int i = 0; i <= e; i++)
      vg_jbuf_putc(b, i < nd ? digits[i] : '0');
    if (nd > e + 1) {
      vg_jbuf_putc(b, '.');
      vg_jbuf_put(b, digits + e + 1, (size_t)(nd - e - 1));
    }
  } else {
    put_str(b, "0.");
    for (int i = 0; i < -e - 1; i++)
      vg_jbuf_putc(b, '0');
    vg_jbuf_put(b, digits, (size_t)nd);
  }
}

void vg_json_render_go_float(vg_jbuf *b, double d) {
  if (isnan(d)) {
    put_str(b, "NaN");
    return;
  }
  if (isinf(d)) {
    put_str(b, d > 0 ? "+Inf" : "-Inf");
    return;
  }
  /* fmt %v: strconv 'g' with the shortest precision, where Go decides on
   * the exponent form with precision 6: 1234567.0 prints 1.234567e+06. */
  put_float_digits(b, d, -4, 6, false);
}

/* A real inside JSON text. fastjson reprints the source text, which
 * jansson does not keep; Go's encoding/json form (what most producers of
 * these logs write) is the closest guess: plain decimals from 1e-6 up to
 * 1e21, exponent form outside, "1e-7" not "1e-07". */
static void put_real(vg_jbuf *b, double d) {
  if (!isfinite(d)) {
    put_str(b, "null");
    return;
  }
  put_float_digits(b, d, -6, 21, true);
}

/* ---- compact and indented JSON ------------------------------------------- */

static void render(vg_jbuf *b, const json_t *v, int indent, int depth) {
  char tmp[32];
  switch (json_typeof(v)) {
  case JSON_OBJECT: {
    const char *k;
    json_t *x;
    size_t i = 0, n = json_object_size(v);
    vg_jbuf_putc(b, '{');
    if (n == 0) {
      vg_jbuf_putc(b, '}');
      return;
    }
    /* json_object_foreach wants a non-const object; iteration does not
     * modify it. */
    json_object_foreach((json_t *)v, k, x) {
      if (indent) {
        vg_jbuf_putc(b, '\n');
        for (int d = 0; d <= depth; d++)
          put_str(b, "  ");
      }
      vg_json_render_string(b, k, strlen(k));
      vg_jbuf_putc(b, ':');
      if (indent)
        vg_jbuf_putc(b, ' ');
      render(b, x, indent, depth + 1);
      if (++i < n)
        vg_jbuf_putc(b, ',');
    }
    if (indent) {
      vg_jbuf_putc(b, '\n');
      for (int d = 0; d < depth; d++)
        put_str(b, "  ");
    }
    vg_jbuf_putc(b, '}');
    return;
  }
  case JSON_ARRAY: {
    size_t n = json_array_size(v);
    vg_jbuf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
      if (indent) {
        vg_jbuf_putc(b, '\n');
        for (int d = 0; d <= depth; d++)
          put_str(b, "  ");
      }
      render(b, json_array_get(v, i), indent, depth + 1);
      if (i + 1 < n)
        vg_jbuf_putc(b, ',');
    }
    if (indent && n > 0) {
      vg_jbuf_putc(b, '\n');
      for (int d = 0; d < depth; d++)
        put_str(b, "  ");
    }
    vg_jbuf_putc(b, ']');
    return;
  }
  case JSON_STRING:
    vg_json_render_string(b, json_string_value(v), json_string_length(v));
    return;
  case JSON_INTEGER:
    snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    put_str(b, tmp);
    return;
  case JSON_REAL:
    put_real(b, json_real_value(v));
    return;
  case JSON_TRUE:
    put_str(b, "true");
    return;
  case JSON_FALSE:
    put_str(b, "false");
    return;
  case JSON_NULL:
    put_str(b, "null");
    return;
  }
}

void vg_json_render_compact(vg_jbuf *b, const json_t *v) {
  render(b, v, 0, 0);
}

void vg_json_render_indent(vg_jbuf *b, const json_t *v) {
  render(b, v, 1, 0);
}

/* ---- RFC 3339 -------------------------------------------------------------
 */

static int digits_at(const char *s, size_t n, size_t at, int count, int *val) {
  int v = 0;
  if (at + (size_t)count > n)
    return 0;
  for (int i = 0; i < count; i++) {
    char c = s[at + (size_t)i];
    if (c < '0' || c > '9')
      return 0;
    v = v * 10 + (c - '0');
  }
  *val = v;
  return 1;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool vg_json_parse_rfc3339(const char *s, size_t n, int64_t *ns) {
  int y, mo, d, h, mi, se, oh = 0, om = 0;
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!digits_at(s, n, 0, 4, &y) || n < 20 || s[4] != '-' ||
      !digits_at(s, n, 5, 2, &mo) || s[7] != '-' ||
      !digits_at(s, n, 8, 2, &d) || s[10] != 'T' ||
      !digits_at(s, n, 11, 2, &h) || s[13] != ':' ||
      !digits_at(s, n, 14, 2, &mi) || s[16] != ':' ||
      !digits_at(s, n, 17, 2, &se))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
      se > 59)
    return false;
  if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return false;
  size_t i = 19;
  int64_t frac = 0;
  if (i < n && s[i] == '.') {
    int nd = 0;
    i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      if (nd < 9) {
        frac = frac * 10 + (s[i] - '0');
        nd++;
      }
      i++;
    }
    if (nd == 0)
      return false;
    for (; nd < 9; nd++)
      frac *= 10;
  }
  int sign = 0;
  if (i < n && s[i] == 'Z') {
    i++;
  } else if (i < n && (s[i] == '+' || s[i] == '-')) {
    sign = s[i] == '+' ? 1 : -1;
    if (!digits_at(s, n, i + 1, 2, &oh) || i + 3 >= n || s[i + 3] != ':' ||
        !digits_at(s, n, i + 4, 2, &om) || oh > 23 || om > 59)
      return false;
    i += 6;
  } else {
    return false;
  }
  if (i != n)
    return false;
  int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
  secs -= (int64_t)sign * (oh * 3600 + om * 60);
  /* Go's UnixNano wraps outside years 1678..2262; so do we, without
   * signed overflow */
  *ns = (int64_t)((uint64_t)secs * UINT64_C(1000000000) + (uint64_t)frac);
  return true;
}
