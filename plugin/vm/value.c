/*
 * value.c - right-hand literal conversion (rules-language.md 8.3): turns the
 * text of a condition constant into a typed vg_value for a field type, with
 * the exact error texts Falco's value parser produces, plus the libsinsp
 * type names used in compiler messages. Shared by the compiler (which
 * converts every literal once) and the evaluator (--fields values).
 */
#include "vm/value.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const type_names[VG_FT__MAX] = {
    [VG_FT_NONE] = "NONE",
    [VG_FT_INT8] = "INT8",
    [VG_FT_INT16] = "INT16",
    [VG_FT_INT32] = "INT32",
    [VG_FT_INT64] = "INT64",
    [VG_FT_UINT8] = "UINT8",
    [VG_FT_UINT16] = "UINT16",
    [VG_FT_UINT32] = "UINT32",
    [VG_FT_UINT64] = "UINT64",
    [VG_FT_CHARBUF] = "CHARBUF",
    [VG_FT_BYTEBUF] = "BYTEBUF",
    [VG_FT_ERRNO] = "ERRNO",
    [VG_FT_SOCKADDR] = "SOCKADDR",
    [VG_FT_SOCKTUPLE] = "SOCKTUPLE",
    [VG_FT_FD] = "FD",
    [VG_FT_PID] = "PID",
    [VG_FT_FDLIST] = "FDLIST",
    [VG_FT_FSPATH] = "FSPATH",
    [VG_FT_SYSCALLID] = "SYSCALLID",
    [VG_FT_SIGTYPE] = "SIGTYPE",
    [VG_FT_RELTIME] = "RELTIME",
    [VG_FT_ABSTIME] = "ABSTIME",
    [VG_FT_PORT] = "PORT",
    [VG_FT_L4PROTO] = "L4PROTO",
    [VG_FT_SOCKFAMILY] = "SOCKFAMILY",
    [VG_FT_BOOL] = "BOOL",
    [VG_FT_IPV4ADDR] = "IPV4ADDR",
    [VG_FT_DYN] = "DYNAMIC",
    [VG_FT_FLAGS8] = "FLAGS8",
    [VG_FT_FLAGS16] = "FLAGS16",
    [VG_FT_FLAGS32] = "FLAGS32",
    [VG_FT_UID] = "UID",
    [VG_FT_GID] = "GID",
    [VG_FT_DOUBLE] = "DOUBLE",
    [VG_FT_SIGSET] = "SIGSET",
    [VG_FT_CHARBUFARRAY] = "CHARBUFARRAY",
    [VG_FT_CHARBUF_PAIR_ARRAY] = "CHARBUF_PAIR_ARRAY",
    [VG_FT_IPV4NET] = "IPV4NET",
    [VG_FT_IPADDR] = "IPADDR",
    [VG_FT_IPNET] = "IPNET",
    [VG_FT_MODE] = "MODE",
    [VG_FT_FSRELPATH] = "FSRELPATH",
    [VG_FT_ENUMFLAGS8] = "ENUMFLAGS8",
    [VG_FT_ENUMFLAGS16] = "ENUMFLAGS16",
    [VG_FT_ENUMFLAGS32] = "ENUMFLAGS32",
};

/* libsinsp has no names for the IPv6 types and prints "<NA>". */
const char *vg_ftype_name(vg_ftype t) {
  if ((unsigned)t >= VG_FT__MAX || !type_names[t])
    return "<NA>";
  return type_names[t];
}

static vigil_status fail(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static vigil_status fail(char *err, size_t errsz, const char *fmt, ...) {
  if (errsz > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
  }
  return VIGIL_E_SYNTAX;
}

bool vg_value_scan_num(const char *text, size_t len, bool is_signed,
                       unsigned bits, uint64_t *out) {
  const char *nul = memchr(text, '\0', len);
  size_t n = nul ? (size_t)(nul - text) : len;
  size_t i = 0;
  while (i < n && isspace((unsigned char)text[i]))
    i++;
  bool neg = false;
  if (i < n && (text[i] == '+' || text[i] == '-'))
    neg = text[i++] == '-';
  if (i >= n || !isdigit((unsigned char)text[i]))
    return false;
  uint64_t v = 0;
  bool ovf = false;
  for (; i < n && isdigit((unsigned char)text[i]); i++) {
    unsigned d = (unsigned)(text[i] - '0');
    if (v > (UINT64_MAX - d) / 10)
      ovf = true;
    else
      v = v * 10 + d;
  }
  if (i != n) /* "%c" would match whatever follows */
    return false;
  uint64_t r;
  if (is_signed) {
    /* strtol semantics: saturate at the 64-bit limits. */
    int64_t s;
    if (!neg)
      s = (ovf || v > (uint64_t)INT64_MAX) ? INT64_MAX : (int64_t)v;
    else if (ovf || v > (uint64_t)INT64_MAX + 1)
      s = INT64_MIN;
    else
      s = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    r = (uint64_t)s;
  } else {
    /* strtoul semantics: overflow gives the maximum, '-' negates. */
    r = ovf ? UINT64_MAX : (neg ? (uint64_t)0 - v : v);
  }
  if (bits < 64) {
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    r &= mask;
    if (is_signed && (r >> (bits - 1)) & 1)
      r |= ~mask; /* sign-extend the narrowed value */
  }
  *out = r;
  return true;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Text up to the first NUL, as libsinsp's std::string(const char *) sees
 * it; at most cap-1 bytes are kept (longer texts are cut, which only
 * affects the echo in messages). */
static const char *cstr_copy(char *buf, size_t cap, const char *text,
                             size_t len) {
  const char *nul = memchr(text, '\0', len);
  size_t n = nul ? (size_t)(nul - text) : len;
  if (n >= cap)
    n = cap - 1;
  memcpy(buf, text, n);
  buf[n] = '\0';
  return buf;
}

static vigil_status parse_num(vg_ftype t, const char *text, size_t len,
                              bool is_signed, unsigned bits, vg_value *out,
                              char *err, size_t errsz) {
  uint64_t v;
  if (!vg_value_scan_num(text, len, is_signed, bits, &v)) {
    char buf[1024];
    return fail(err, errsz, "%s is not a valid number",
                cstr_copy(buf, sizeof buf, text, len));
  }
  out->type = t;
  if (is_signed)
    out->v.i = (int64_t)v;
  else
    out->v.u = v;
  return VIGIL_OK;
}

static vigil_status parse_ipv4net(const char *s, vg_value *out, char *err,
                                  size_t errsz) {
  const char *slash = strchr(s, '/');
  if (!slash)
    return fail(err, errsz, "unrecognized IP network %s", s);
  char ip[64];
  size_t iplen = (size_t)(slash - s);
  if (iplen >= sizeof ip ||
      (memcpy(ip, s, iplen), ip[iplen] = '\0',
       inet_pton(AF_INET, ip, out->v.ip.addr) != 1))
    return fail(err, errsz, "unrecognized IP address %s", s);
  /* getline() stops the mask at a newline */
  const char *mask = slash + 1;
  size_t mlen = strcspn(mask, "\n");
  uint64_t m;
  if (!vg_value_scan_num(mask, mlen, false, 8, &m))
    return fail(err, errsz, "%.*s is not a valid number", (int)mlen, mask);
  if (m > 32)
    return fail(err, errsz, "invalid netmask %.*s", (int)mlen, mask);
  out->type = VG_FT_IPV4NET;
  out->v.ip.v6 = 0;
  out->v.ip.prefix = (uint8_t)m;
  return VIGIL_OK;
}

static vigil_status parse_ipv6net(const char *s, vg_value *out, char *err,
                                  size_t errsz) {
  const char *slash = strchr(s, '/');
  if (!slash)
    return fail(err, errsz, "invalid v6 netmask: %s", s);
  char ip[128];
  size_t iplen = (size_t)(slash - s);
  if (iplen >= sizeof ip ||
      (memcpy(ip, s, iplen), ip[iplen] = '\0',
       inet_pton(AF_INET6, ip, out->v.ip.addr) != 1))
    return fail(err, errsz, "unrecognized IPv6 address %s", s);
  const char *mask = slash + 1;
  size_t mlen = strcspn(mask, "\n");
  uint64_t m;
  if (!vg_value_scan_num(mask, mlen, false, 8, &m))
    return fail(err, errsz, "%.*s is not a valid number", (int)mlen, mask);
  if (m == 0 || m > 128)
    return fail(err, errsz, "invalid v6 netmask %.*s", (int)mlen, mask);
  out->type = VG_FT_IPV6NET;
  out->v.ip.v6 = 1;
  out->v.ip.prefix = (uint8_t)m;
  return VIGIL_OK;
}

vigil_status vg_value_parse(vg_ftype t, const char *text, size_t len,
                            bool is_bytes_op, uint8_t *scratch, vg_value *out,
                            char *err, size_t errsz) {
  vg_value v;
  memset(&v, 0, sizeof v);
  if (errsz > 0)
    err[0] = '\0';

  if (is_bytes_op) {
    /* bcontains / bstartswith: an even number of hex digits */
    if (len % 2 != 0)
      goto badhex;
    for (size_t i = 0; i < len; i += 2) {
      int hi = hexval((unsigned char)text[i]);
      int lo = hexval((unsigned char)text[i + 1]);
      if (hi < 0 || lo < 0)
        goto badhex;
      scratch[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    if (t != VG_FT_BYTEBUF) {
      /* Only buffers accept these operators; the type check reports the
       * operator before any value is converted. */
      return fail(err, errsz, "wrong parameter type %d", (int)t);
    }
    v.type = t;
    v.v.s.p = scratch;
    v.v.s.n = len / 2;
    *out = v;
    return VIGIL_OK;
  badhex:
    return fail(err, errsz, "filter error: bcontains and bstartswith "
                            "operator support hex strings only");
  }

  if (t == VG_FT_BYTEBUF) {
    v.type = t;
    v.v.s.p = (const uint8_t *)text;
    v.v.s.n = len;
    *out = v;
    return VIGIL_OK;
  }

  if (memchr(text, '\0', len))
    return fail(err, errsz, "filter error: filter value cannot contain a "
                            "NUL byte (\\x00)");

  /* From here on the text has no NUL; most conversions want a C string. */
  char sbuf[1024];
  const char *s = cstr_copy(sbuf, sizeof sbuf, text, len);
  vigil_status st;

  switch (t) {
  case VG_FT_INT8:
    st = parse_num(t, text, len, true, 8, &v, err, errsz);
    break;
  case VG_FT_INT16:
    st = parse_num(t, text, len, true, 16, &v, err, errsz);
    break;
  case VG_FT_INT32:
    st = parse_num(t, text, len, true, 32, &v, err, errsz);
    break;
  case VG_FT_INT64:
  case VG_FT_FD:
  case VG_FT_ERRNO:
  case VG_FT_PID:
    st = parse_num(t, text, len, true, 64, &v, err, errsz);
    break;
  case VG_FT_L4PROTO:
  case VG_FT_FLAGS8:
  case VG_FT_UINT8:
  case VG_FT_ENUMFLAGS8:
    st = parse_num(t, text, len, false, 8, &v, err, errsz);
    break;
  case VG_FT_FLAGS16:
  case VG_FT_UINT16:
  case VG_FT_ENUMFLAGS16:
    st = parse_num(t, text, len, false, 16, &v, err, errsz);
    break;
  case VG_FT_FLAGS32:
  case VG_FT_UINT32:
  case VG_FT_MODE:
  case VG_FT_ENUMFLAGS32:
  case VG_FT_UID:
  case VG_FT_GID:
    st = parse_num(t, text, len, false, 32, &v, err, errsz);
    break;
  case VG_FT_UINT64:
  case VG_FT_RELTIME:
  case VG_FT_ABSTIME:
    st = parse_num(t, text, len, false, 64, &v, err, errsz);
    break;
  case VG_FT_DOUBLE: {
    st = parse_num(t, text, len, true, 32, &v, err, errsz);
    if (st == VIGIL_OK)
      v.v.d = (double)v.v.i;
    break;
  }
  case VG_FT_PORT: {
    v.type = t;
    st = VIGIL_OK;
    if (len == 0) {
      v.v.u = 0;
    } else if (strspn(text, "0123456789") == len) {
      /* std::stoi: out of int range throws */
      uint64_t n = 0;
      for (size_t i = 0; i < len && n <= 0x7fffffff; i++)
        n = n * 10 + (uint64_t)(text[i] - '0');
      if (n > 0x7fffffff)
        return fail(err, errsz, "stoi");
      v.v.u = (uint16_t)n;
    } else {
      struct servent *se = getservbyname(s, NULL);
      if (!se)
        return fail(err, errsz, "unrecognized protocol %s", s);
      v.v.u = ntohs((uint16_t)se->s_port);
    }
    break;
  }
  case VG_FT_CHARBUF:
  case VG_FT_SOCKADDR:
  case VG_FT_SOCKTUPLE:
  case VG_FT_SOCKFAMILY:
  case VG_FT_FSPATH:
  case VG_FT_FSRELPATH:
    v.type = t;
    v.v.s.p = (const uint8_t *)text;
    v.v.s.n = len;
    st = VIGIL_OK;
    break;
  case VG_FT_BOOL:
    v.type = t;
    st = VIGIL_OK;
    if (len == 4 && !memcmp(text, "true", 4))
      v.v.b = true;
    else if (len == 5 && !memcmp(text, "false", 5))
      v.v.b = false;
    else
      st = fail(err, errsz, "filter error: unrecognized boolean value %s", s);
    break;
  case VG_FT_IPADDR:
  case VG_FT_IPV4ADDR:
  case VG_FT_IPV6ADDR: {
    bool v4 = t == VG_FT_IPV4ADDR ||
              (t == VG_FT_IPADDR && memchr(text, '.', len) != NULL);
    if (v4) {
      if (inet_pton(AF_INET, s, v.v.ip.addr) != 1)
        return fail(err, errsz, "unrecognized IPv4 address %s", s);
      v.type = VG_FT_IPV4ADDR;
      v.v.ip.prefix = 32;
    } else {
      if (inet_pton(AF_INET6, s, v.v.ip.addr) != 1)
        return fail(err, errsz, "unrecognized IPv6 address %s", s);
      v.type = VG_FT_IPV6ADDR;
      v.v.ip.v6 = 1;
      v.v.ip.prefix = 128;
    }
    st = VIGIL_OK;
    break;
  }
  case VG_FT_IPNET:
    st = memchr(text, '.', len) ? parse_ipv4net(s, &v, err, errsz)
                                : parse_ipv6net(s, &v, err, errsz);
    break;
  case VG_FT_IPV4NET:
    st = parse_ipv4net(s, &v, err, errsz);
    break;
  case VG_FT_IPV6NET:
    st = parse_ipv6net(s, &v, err, errsz);
    break;
  default:
    st = fail(err, errsz, "wrong parameter type %d", (int)t);
    break;
  }
  if (st == VIGIL_OK)
    *out = v;
  return st;
}
