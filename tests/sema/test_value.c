/*
 * test_value.c - right-hand literal conversion (rules-language.md 8.3):
 * numbers narrowed to width, booleans, addresses and networks, ports,
 * hex buffers, NUL rejection, and Falco's messages.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "vm/value.h"

static vigil_status conv(vg_ftype t, const char *s, bool bytes, vg_value *v,
                         char *err) {
  static uint8_t scratch[256];
  return vg_value_parse(t, s, strlen(s), bytes, scratch, v, err, 256);
}

#define BAD(t, s, msg)                                                         \
  do {                                                                         \
    vg_value v_;                                                               \
    char e_[256];                                                              \
    cr_assert_eq(conv(t, s, false, &v_, e_), VIGIL_E_SYNTAX, "%s", s);         \
    cr_assert_str_eq(e_, msg);                                                 \
  } while (0)

Test(value, numbers) {
  vg_value v;
  char e[256];
  cr_assert_eq(conv(VG_FT_INT64, " -5", false, &v, e), VIGIL_OK);
  cr_assert_eq(v.v.i, -5);
  cr_assert_eq(conv(VG_FT_UINT32, "-1", false, &v, e), VIGIL_OK);
  cr_assert_eq(v.v.u, 0xffffffffu);
  cr_assert_eq(conv(VG_FT_UINT8, "300", false, &v, e), VIGIL_OK);
  cr_assert_eq(v.v.u, 44);
  cr_assert_eq(conv(VG_FT_INT8, "200", false, &v, e), VIGIL_OK);
  cr_assert_eq(v.v.i, -56);
  cr_assert_eq(conv(VG_FT_DOUBLE, "3", false, &v, e), VIGIL_OK);
  cr_assert_float_eq(v.v.d, 3.0, 1e-9);
  BAD(VG_FT_DOUBLE, "1.5", "1.5 is not a valid number");
  BAD(VG_FT_INT64, "0x10", "0x10 is not a valid number");
  BAD(VG_FT_UINT64, "", " is not a valid number");
  BAD(VG_FT_UINT64, "1 ", "1  is not a valid number");
  BAD(VG_FT_RELTIME, "abc", "abc is not a valid number");
}

Test(value, bool_and_strings) {
  vg_value v;
  char e[256];
  cr_assert_eq(conv(VG_FT_BOOL, "true", false, &v, e), VIGIL_OK);
  cr_assert(v.v.b);
  BAD(VG_FT_BOOL, "TRUE", "filter error: unrecognized boolean value TRUE");
  cr_assert_eq(conv(VG_FT_CHARBUF, "abc", false, &v, e), VIGIL_OK);
  cr_assert_eq(v.v.s.n, 3);
  uint8_t scratch[8];
  cr_assert_eq(vg_value_parse(VG_FT_CHARBUF, "a\0b", 3, false, scratch, &v, e,
                              sizeof e),
               VIGIL_E_SYNTAX);
  cr_assert_str_eq(e, "filter error: filter value cannot contain a NUL byte "
                      "(\\x00)");
  cr_assert_eq(vg_value_parse(VG_FT_BYTEBUF, "a\0b", 3, false, scratch, &v, e,
                              sizeof e),
               VIGIL_OK);
  cr_assert_eq(v.v.s.n, 3);
  cr_assert_eq(conv(VG_FT_BYTEBUF, "41aA", true, &v, e), VIGIL_OK);
  cr_assert_eq(v.v.s.n, 2);
  cr_assert_eq(v.v.s.p[0], 0x41);
  cr_assert_eq(v.v.s.p[1], 0xaa);
  cr_assert_eq(conv(VG_FT_BYTEBUF, "4", true, &v, e), VIGIL_E_SYNTAX);
}

Test(value, addresses) {
  vg_value v;
  char e[256];
  cr_assert_eq(conv(VG_FT_IPADDR, "10.0.0.1", false, &v, e), VIGIL_OK);
  cr_assert_eq(v.v.ip.v6, 0);
  cr_assert_eq(v.v.ip.addr[0], 10);
  cr_assert_eq(conv(VG_FT_IPADDR, "::1", false, &v, e), VIGIL_OK);
  cr_assert_eq(v.v.ip.v6, 1);
  cr_assert_eq(conv(VG_FT_IPNET, "10.0.0.0/8", false, &v, e), VIGIL_OK);
  cr_assert_eq(v.v.ip.prefix, 8);
  cr_assert_eq(conv(VG_FT_IPNET, "2001:db8::/32", false, &v, e), VIGIL_OK);
  cr_assert_eq(v.v.ip.prefix, 32);
  BAD(VG_FT_IPV4ADDR, "1.2.3.999", "unrecognized IPv4 address 1.2.3.999");
  BAD(VG_FT_IPV6ADDR, "zz::", "unrecognized IPv6 address zz::");
  BAD(VG_FT_IPNET, "10.0.0.0", "unrecognized IP network 10.0.0.0");
  BAD(VG_FT_IPNET, "10.0.0/8", "unrecognized IP address 10.0.0/8");
  BAD(VG_FT_IPNET, "10.0.0.0/40", "invalid netmask 40");
  BAD(VG_FT_IPNET, "10.0.0.0/x", "x is not a valid number");
  BAD(VG_FT_IPNET, "::1", "invalid v6 netmask: ::1");
  BAD(VG_FT_IPNET, "::1/0", "invalid v6 netmask 0");
  BAD(VG_FT_IPNET, "zz::/8", "unrecognized IPv6 address zz::/8");
}

Test(value, ports) {
  vg_value v;
  char e[256];
  cr_assert_eq(conv(VG_FT_PORT, "", false, &v, e), VIGIL_OK);
  cr_assert_eq(v.v.u, 0);
  cr_assert_eq(conv(VG_FT_PORT, "8080", false, &v, e), VIGIL_OK);
  cr_assert_eq(v.v.u, 8080);
  cr_assert_eq(conv(VG_FT_PORT, "ssh", false, &v, e), VIGIL_OK);
  cr_assert_eq(v.v.u, 22);
  BAD(VG_FT_PORT, "nosuchproto", "unrecognized protocol nosuchproto");
}

Test(value, type_names) {
  cr_assert_str_eq(vg_ftype_name(VG_FT_CHARBUF), "CHARBUF");
  cr_assert_str_eq(vg_ftype_name(VG_FT_DYN), "DYNAMIC");
  cr_assert_str_eq(vg_ftype_name(VG_FT_IPV6NET), "<NA>");
}
