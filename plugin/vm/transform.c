/*
 * transform.c - the transformers' runtime (transform.h), following
 * libsinsp's sinsp_filter_transformer_* and multivalue transformers.
 */
#include "vm/transform.h"

#include <string.h>

static const char *const tr_names[VG_TRK__COUNT] = {
    "tolower", "toupper", "b64",    "basename", "len",
    "join",    "concat",  "getopt", "val"};

const char *vg_trkind_name(vg_trkind k) {
  return (unsigned)k < VG_TRK__COUNT ? tr_names[k] : "unknown";
}

bool vg_tr_parse(const char *s, size_t n, vg_trkind *out) {
  for (int i = 0; i < VG_TRK__COUNT; i++) {
    if (strlen(tr_names[i]) == n && memcmp(tr_names[i], s, n) == 0) {
      *out = (vg_trkind)i;
      return true;
    }
  }
  return false;
}

static bool is_str(vg_ftype t) {
  return t == VG_FT_CHARBUF || t == VG_FT_FSPATH || t == VG_FT_FSRELPATH;
}

bool vg_tr_result_type(vg_trkind k, vg_ftype t, bool is_list, vg_ftype *rt,
                       bool *rlist) {
  *rt = t;
  *rlist = is_list;
  switch (k) {
  case VG_TRK_TOLOWER:
  case VG_TRK_TOUPPER:
  case VG_TRK_BASENAME:
    return is_str(t);
  case VG_TRK_B64:
    return t == VG_FT_CHARBUF || t == VG_FT_BYTEBUF;
  case VG_TRK_LEN:
    *rt = VG_FT_UINT64;
    *rlist = false;
    return is_list || is_str(t) || t == VG_FT_BYTEBUF;
  case VG_TRK_VAL:
    return true;
  default:
    return false;
  }
}

void vg_trbuf_init(vg_trbuf *b, uint8_t *mem, size_t cap) {
  b->p = mem;
  b->cap = mem ? cap : 0;
  b->used = 0;
}

void vg_trbuf_reset(vg_trbuf *b) {
  b->used = 0;
}

static size_t strip(const uint8_t *p, size_t n) {
  while (n > 0 && p[n - 1] == 0)
    n--;
  return n;
}

static size_t cstrlen(const uint8_t *p, size_t n) {
  const uint8_t *z = n ? memchr(p, 0, n) : NULL;
  return z ? (size_t)(z - p) : n;
}

static size_t room(const vg_trbuf *b) {
  return b->cap - b->used;
}

void vg_tr_case(bool upper, const uint8_t *in, size_t n, uint8_t *out) {
  for (size_t i = 0; i < n; i++) {
    uint8_t c = in[i];
    if (upper && c >= 'a' && c <= 'z')
      c = (uint8_t)(c - 32);
    else if (!upper && c >= 'A' && c <= 'Z')
      c = (uint8_t)(c + 32);
    out[i] = c;
  }
}

static int b64v(uint8_t c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

bool vg_tr_b64_decode(const uint8_t *in, size_t n, uint8_t *out, size_t *outn) {
  *outn = 0;
  if (n == 0)
    return true;
  /* At most two trailing '=' are padding. */
  if (in[n - 1] == '=') {
    n--;
    if (n > 0 && in[n - 1] == '=')
      n--;
  }
  if (n == 0)
    return false; /* "=" or "==": libsinsp rejects the '=' as data */
  if (n % 4 == 1)
    return false;
  size_t o = 0;
  uint32_t acc = 0;
  for (size_t i = 0; i < n; i++) {
    int v = b64v(in[i]);
    if (v < 0)
      return false;
    acc = (acc << 6) | (uint32_t)v;
    if (i % 4 == 3) {
      out[o++] = (uint8_t)(acc >> 16);
      out[o++] = (uint8_t)(acc >> 8);
      out[o++] = (uint8_t)acc;
      acc = 0;
    }
  }
  switch (n % 4) {
  case 2: /* 12 bits: one byte, the low 4 bits must be zero */
    if (acc & 0xF)
      return false;
    out[o++] = (uint8_t)(acc >> 4);
    break;
  case 3: /* 18 bits: two bytes, the low 2 bits must be zero */
    if (acc & 0x3)
      return false;
    out[o++] = (uint8_t)(acc >> 10);
    out[o++] = (uint8_t)(acc >> 2);
    break;
  default:
    break;
  }
  *outn = o;
  return true;
}

void vg_tr_basename(const uint8_t *in, size_t n, const uint8_t **out,
                    size_t *outn) {
  size_t i = n;
  while (i > 0 && in[i - 1] != '/')
    i--;
  *out = in + i;
  *outn = n - i;
}

vigil_status vg_tr_apply(vg_trkind k, vg_ftype t, bool is_list, vg_value *vals,
                         size_t *n, vg_trbuf *buf, bool *present) {
  vg_ftype rt;
  bool rl;
  *present = false;
  if (!vg_tr_result_type(k, t, is_list, &rt, &rl))
    return VIGIL_E_INVAL;
  if (*n == 0)
    return VIGIL_OK;
  if (!is_list && *n != 1)
    return VIGIL_E_INVAL;
  switch (k) {
  case VG_TRK_VAL:
    *present = true;
    return VIGIL_OK;
  case VG_TRK_LEN: {
    uint64_t len;
    if (is_list)
      len = *n;
    else if (t == VG_FT_BYTEBUF)
      len = vals[0].v.s.n;
    else
      len = cstrlen(vals[0].v.s.p, vals[0].v.s.n);
    vals[0].type = VG_FT_UINT64;
    vals[0].v.u = len;
    *n = 1;
    *present = true;
    return VIGIL_OK;
  }
  case VG_TRK_BASENAME:
    for (size_t i = 0; i < *n; i++) {
      const uint8_t *p;
      size_t pn;
      vg_tr_basename(vals[i].v.s.p, strip(vals[i].v.s.p, vals[i].v.s.n), &p,
                     &pn);
      vals[i].v.s.p = p;
      vals[i].v.s.n = pn;
    }
    *present = true;
    return VIGIL_OK;
  case VG_TRK_TOLOWER:
  case VG_TRK_TOUPPER:
  case VG_TRK_B64: {
    /* Room for everything first, so a failure leaves inputs intact. */
    size_t need = 0;
    for (size_t i = 0; i < *n; i++) {
      size_t in = strip(vals[i].v.s.p, vals[i].v.s.n);
      need += k == VG_TRK_B64 ? (in / 4 + 1) * 3 : in;
    }
    if (need > room(buf))
      return VIGIL_E_LIMIT;
    size_t start = buf->used;
    for (size_t i = 0; i < *n; i++) {
      size_t in = strip(vals[i].v.s.p, vals[i].v.s.n), on = in;
      uint8_t *o = buf->p + buf->used;
      if (k == VG_TRK_B64) {
        if (!vg_tr_b64_decode(vals[i].v.s.p, in, o, &on)) {
          buf->used = start;
          return VIGIL_OK; /* no value */
        }
      } else {
        vg_tr_case(k == VG_TRK_TOUPPER, vals[i].v.s.p, in, o);
      }
      buf->used += on;
    }
    /* Second pass: point the values at their results. */
    size_t off = start;
    for (size_t i = 0; i < *n; i++) {
      size_t in = strip(vals[i].v.s.p, vals[i].v.s.n), on = in;
      if (k == VG_TRK_B64) {
        /* Recompute the decoded length from the input. */
        size_t m = in;
        if (m && vals[i].v.s.p[m - 1] == '=') {
          m--;
          if (m && vals[i].v.s.p[m - 1] == '=')
            m--;
        }
        on = m / 4 * 3 + (m % 4 == 2 ? 1 : m % 4 == 3 ? 2 : 0);
      }
      vals[i].v.s.p = buf->p + off;
      vals[i].v.s.n = on;
      off += on;
    }
    *present = true;
    return VIGIL_OK;
  }
  default:
    return VIGIL_E_INVAL;
  }
}

vigil_status vg_tr_join(const vg_value *sep, const vg_value *items, size_t n,
                        vg_trbuf *buf, vg_value *out) {
  size_t sn = sep ? strip(sep->v.s.p, sep->v.s.n) : 0;
  size_t need = 0;
  for (size_t i = 0; i < n; i++)
    need += cstrlen(items[i].v.s.p, items[i].v.s.n) + (i + 1 < n ? sn : 0);
  if (need > room(buf))
    return VIGIL_E_LIMIT;
  uint8_t *o = buf->p + buf->used;
  size_t w = 0;
  for (size_t i = 0; i < n; i++) {
    size_t l = cstrlen(items[i].v.s.p, items[i].v.s.n);
    if (l)
      memcpy(o + w, items[i].v.s.p, l);
    w += l;
    if (i + 1 < n && sn) {
      memcpy(o + w, sep->v.s.p, sn);
      w += sn;
    }
  }
  buf->used += w;
  out->type = VG_FT_CHARBUF;
  out->v.s.p = o;
  out->v.s.n = w;
  return VIGIL_OK;
}

vigil_status vg_tr_concat(const vg_value *args, size_t n, vg_trbuf *buf,
                          vg_value *out) {
  return vg_tr_join(NULL, args, n, buf, out);
}

size_t vg_tr_getopt_max_out(const vg_value *argv, size_t argc) {
  size_t m = 1;
  for (size_t i = 0; i < argc; i++)
    m += argv[i].v.s.n + 1;
  return m;
}

static void put_view(vg_value *o, const uint8_t *p, size_t n) {
  o->type = VG_FT_CHARBUF;
  o->v.s.p = p;
  o->v.s.n = n;
}

vigil_status vg_tr_getopt(const vg_value *argv, size_t argc,
                          const vg_value *optstring, int selector,
                          vg_value *out, size_t outcap, size_t *outn,
                          bool *present) {
  static const uint8_t qmark[] = "?";
  static const uint8_t empty[] = "";
  bool valid[256] = {false}, with_arg[256] = {false};
  *outn = 0;
  *present = false;
  if (optstring == NULL)
    return VIGIL_E_INVAL;
  if (outcap < vg_tr_getopt_max_out(argv, argc))
    return VIGIL_E_LIMIT;
  const uint8_t *os = optstring->v.s.p;
  size_t on = strip(os, optstring->v.s.n);
  /* A leading ':' only changes getopt's error reporting. */
  for (size_t i = (on > 0 && os[0] == ':') ? 1 : 0; i < on; i++) {
    if (os[i] == ':')
      continue;
    valid[os[i]] = true;
    if (i + 1 < on && os[i + 1] == ':') {
      with_arg[os[i]] = true;
      i++;
    }
  }
  bool has_sel = selector >= 0;
  bool found = false;
  vg_value sel = {0};
  size_t k = 0;
  for (size_t a = 0; a < argc; a++) {
    const uint8_t *s = argv[a].v.s.p;
    size_t n = strip(s, argv[a].v.s.n);
    if (n == 2 && s[0] == '-' && s[1] == '-')
      break; /* end of options */
    if (n > 2 && s[0] == '-' && s[1] == '-')
      continue; /* long options are skipped */
    if (n == 0 || s[0] != '-' || n == 1)
      break; /* first non-option */
    for (size_t i = 1; i < n; i++) {
      uint8_t c = s[i];
      if (c == ':' || !valid[c]) {
        if (!has_sel)
          put_view(&out[k++], qmark, 1);
        continue;
      }
      bool match = !has_sel || c == (uint8_t)selector;
      if (!with_arg[c]) {
        if (match) {
          if (has_sel) {
            put_view(&sel, s + i, 1);
            found = true;
          } else {
            put_view(&out[k++], s + i, 1);
          }
        }
        continue;
      }
      /* The value is the rest of this token or the next token. */
      const uint8_t *vp;
      size_t vn;
      if (i + 1 < n) {
        vp = s + i + 1;
        vn = n - i - 1;
      } else if (a + 1 < argc) {
        a++;
        vp = argv[a].v.s.p;
        vn = strip(vp, argv[a].v.s.n);
      } else {
        if (match) {
          if (has_sel) {
            put_view(&sel, empty, 0);
            found = true;
          } else {
            put_view(&out[k++], empty, 0);
          }
        }
        break;
      }
      if (match) {
        if (has_sel) {
          put_view(&sel, vp, vn);
          found = true;
        } else {
          put_view(&out[k++], s + i, 1);
          put_view(&out[k++], vp, vn);
        }
      }
      break;
    }
  }
  if (has_sel) {
    if (!found)
      return VIGIL_OK;
    out[0] = sel;
    *outn = 1;
    *present = true;
    return VIGIL_OK;
  }
  *outn = k;
  *present = true;
  return VIGIL_OK;
}
