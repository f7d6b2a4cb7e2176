/*
 * litconv.c - right-hand literal conversion for the back end. Delegates to
 * vg_value_parse (plugin/vm/value.h) when it is linked in; until then a
 * minimal converter for the common types keeps the back end usable.
 * TEMPORARY: replace the body with a plain vg_value_parse call once
 * value.c is on main.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "back/litconv.h"

static bool all_digits(const char *s, size_t n) {
  if (n == 0)
    return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

static vigil_status bad(char *err, size_t errsz, const char *fmt,
                        const char *text, size_t len) {
  snprintf(err, errsz, fmt, (int)len, text);
  return VIGIL_E_SYNTAX;
}

static bool parse_ip(const char *text, size_t len, vg_ipnet *ip) {
  char tmp[64];
  if (len >= sizeof tmp)
    return false;
  memcpy(tmp, text, len);
  tmp[len] = 0;
  memset(ip, 0, sizeof *ip);
  if (memchr(text, '.', len) && inet_pton(AF_INET, tmp, ip->addr) == 1) {
    ip->prefix = 32;
    return true;
  }
  if (inet_pton(AF_INET6, tmp, ip->addr) == 1) {
    ip->v6 = 1;
    ip->prefix = 128;
    return true;
  }
  return false;
}

vigil_status vg_back_lit_parse(vg_ftype t, const char *text, size_t len,
                               bool is_bytes_op, uint8_t *scratch,
                               vg_value *out, char *err, size_t errsz) {
  memset(out, 0, sizeof *out);
  out->type = t;
  switch (t) {
  case VG_FT_CHARBUF:
  case VG_FT_FSPATH:
  case VG_FT_FSRELPATH:
  case VG_FT_BYTEBUF:
    if (t == VG_FT_BYTEBUF && is_bytes_op) {
      if (len % 2)
        return bad(err, errsz, "filter error: bcontains and bstartswith "
                   "operator support hex strings only%.*s", "", 0);
      for (size_t i = 0; i < len; i += 2) {
        unsigned v;
        char h[3] = {text[i], text[i + 1], 0};
        char *end;
        v = (unsigned)strtoul(h, &end, 16);
        if (*end)
          return bad(err, errsz, "filter error: bcontains and bstartswith "
                     "operator support hex strings only%.*s", "", 0);
        scratch[i / 2] = (uint8_t)v;
      }
      out->v.s.p = scratch;
      out->v.s.n = len / 2;
      return VIGIL_OK;
    }
    out->v.s.p = (const uint8_t *)text;
    out->v.s.n = len;
    return VIGIL_OK;
  case VG_FT_BOOL:
    if (len == 4 && !memcmp(text, "true", 4))
      out->v.b = true;
    else if (len == 5 && !memcmp(text, "false", 5))
      out->v.b = false;
    else
      return bad(err, errsz, "filter error: unrecognized boolean value %.*s",
                 text, len);
    return VIGIL_OK;
  case VG_FT_IPV4ADDR:
  case VG_FT_IPV6ADDR:
  case VG_FT_IPADDR:
    if (!parse_ip(text, len, &out->v.ip))
      return bad(err, errsz, "unrecognized IP address %.*s", text, len);
    return VIGIL_OK;
  case VG_FT_IPV4NET:
  case VG_FT_IPV6NET:
  case VG_FT_IPNET: {
    const char *sl = memchr(text, '/', len);
    if (!sl)
      return bad(err, errsz, "unrecognized IP network %.*s", text, len);
    if (!parse_ip(text, (size_t)(sl - text), &out->v.ip))
      return bad(err, errsz, "unrecognized IP address %.*s", text, len);
    size_t ml = len - (size_t)(sl - text) - 1;
    if (!all_digits(sl + 1, ml) || ml > 3)
      return bad(err, errsz, "invalid netmask %.*s", sl + 1, ml);
    unsigned m = (unsigned)strtoul(sl + 1, NULL, 10);
    if (m > (out->v.ip.v6 ? 128u : 32u))
      return bad(err, errsz, "invalid netmask %.*s", sl + 1, ml);
    out->v.ip.prefix = (uint8_t)m;
    return VIGIL_OK;
  }
  case VG_FT_DOUBLE: {
    const char *s = text;
    size_t n = len;
    bool neg = n && (s[0] == '-' || s[0] == '+');
    if (!all_digits(s + neg, n - neg))
      return bad(err, errsz, "%.*s is not a valid number", text, len);
    char tmp[64];
    if (len >= sizeof tmp)
      return bad(err, errsz, "%.*s is not a valid number", text, len);
    memcpy(tmp, text, len);
    tmp[len] = 0;
    out->v.d = strtod(tmp, NULL);
    return VIGIL_OK;
  }
  default: {
    /* integers: optional sign and decimal digits */
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
      i++;
    bool neg = false;
    if (i < len && (text[i] == '-' || text[i] == '+'))
      neg = text[i++] == '-';
    if (!all_digits(text + i, len - i) || len - i > 20)
      return bad(err, errsz, "%.*s is not a valid number", text, len);
    uint64_t u = 0;
    for (; i < len; i++)
      u = u * 10 + (uint64_t)(text[i] - '0');
    if (neg)
      u = (uint64_t)0 - u;
    switch (t) {
    case VG_FT_INT8: out->v.i = (int8_t)u; break;
    case VG_FT_INT16: out->v.i = (int16_t)u; break;
    case VG_FT_INT32: out->v.i = (int32_t)u; break;
    case VG_FT_INT64:
    case VG_FT_ERRNO:
    case VG_FT_FD:
    case VG_FT_PID: out->v.i = (int64_t)u; break;
    case VG_FT_UINT8:
    case VG_FT_FLAGS8:
    case VG_FT_ENUMFLAGS8: out->v.u = (uint8_t)u; break;
    case VG_FT_UINT16:
    case VG_FT_FLAGS16:
    case VG_FT_ENUMFLAGS16:
    case VG_FT_PORT: out->v.u = (uint16_t)u; break;
    case VG_FT_UINT32:
    case VG_FT_FLAGS32:
    case VG_FT_ENUMFLAGS32:
    case VG_FT_MODE:
    case VG_FT_UID:
    case VG_FT_GID: out->v.u = (uint32_t)u; break;
    default: out->v.u = u; break;
    }
    return VIGIL_OK;
  }
  }
}
