/*
 * test_cmp.c - unit tests of the comparison semantics (plugin/vm/cmp.h):
 * every operator per type family, modifiers, sets, list fields, missing
 * values, field-to-field comparisons and endpoint fields, with the edge
 * cases of rules-language.md 8.1-8.6.
 */
#include <criterion/criterion.h>

#include "vm/vmtest.h"

#define T(x) cr_assert_eq((x), 1, "%s", #x)
#define F(x) cr_assert_eq((x), 0, "%s", #x)

/* ---- strings ---------------------------------------------------- */

Test(cmp, string_equality_and_order) {
  T(sop("bash", VG_CMP_EQ, "bash"));
  F(sop("bash", VG_CMP_EQ, "bas"));
  F(sop("bash", VG_CMP_NE, "bash"));
  T(sop("bash", VG_CMP_NE, "sh"));
  /* byte-wise order, as strcmp: "proc.name > 5" is legal */
  T(sop("bash", VG_CMP_GT, "5"));
  T(sop("abc", VG_CMP_LT, "abd"));
  T(sop("ab", VG_CMP_LT, "abc"));
  T(sop("abc", VG_CMP_LE, "abc"));
  T(sop("abc", VG_CMP_GE, "abc"));
  F(sop("abc", VG_CMP_GT, "abc"));
  T(sop("\xc3\xa9", VG_CMP_GT, "z")); /* unsigned bytes */
}

Test(cmp, string_c_semantics) {
  /* Only the bytes before the first NUL count. */
  vg_value a = vs("a"), b;
  static const char anb[] = {'a', 0, 'b'};
  b.type = VG_FT_CHARBUF;
  b.v.s.p = (const uint8_t *)anb;
  b.v.s.n = 3;
  T(run_check(VG_CMP_EQ, VG_CMPMOD_NONE, VG_FT_CHARBUF, false, &b, 1, &a, 1));
  T(run_check(VG_CMP_ENDSWITH, VG_CMPMOD_NONE, VG_FT_CHARBUF, false, &b, 1, &a,
              1));
  /* not NUL-terminated at all: the length bounds it */
  vg_value c;
  c.type = VG_FT_CHARBUF;
  c.v.s.p = (const uint8_t *)"abcdef";
  c.v.s.n = 3;
  vg_value abc = vs("abc");
  T(run_check(VG_CMP_EQ, VG_CMPMOD_NONE, VG_FT_CHARBUF, false, &c, 1, &abc, 1));
}

Test(cmp, string_contains_family) {
  T(sop("/opt/dir/SUBDIR/file.txt", VG_CMP_CONTAINS, "/dir"));
  F(sop("/opt/dir/SUBDIR/file.txt", VG_CMP_CONTAINS, "/subdir"));
  T(sop("/opt/dir/SUBDIR/file.txt", VG_CMP_ICONTAINS, "/subdir"));
  F(sop("/opt/dir/SUBDIR/file.txt", VG_CMP_ICONTAINS, "notthis"));
  T(sop("anything", VG_CMP_CONTAINS, ""));
  T(sop("", VG_CMP_CONTAINS, ""));
  T(sop("", VG_CMP_ICONTAINS, ""));
  F(sop("", VG_CMP_CONTAINS, "a"));
  T(sop("O_RDWR|O_CREAT", VG_CMP_CONTAINS, "O_CREAT"));
  F(sop("O_RDWR|O_CREAT", VG_CMP_CONTAINS, "O_TMPFILE"));
  T(sop("O_RDWR|O_CREAT", VG_CMP_ICONTAINS, "o_creat"));
  /* icontains folds ASCII only */
  F(sop("\xc3\x89", VG_CMP_ICONTAINS, "\xc3\xa9"));
  T(sop("myexe", VG_CMP_STARTSWITH, "my"));
  T(sop("myexe", VG_CMP_STARTSWITH, ""));
  F(sop("my", VG_CMP_STARTSWITH, "myexe"));
  T(sop("myexe", VG_CMP_ENDSWITH, "exe"));
  T(sop("myexe", VG_CMP_ENDSWITH, "myexe"));
  F(sop("exe", VG_CMP_ENDSWITH, "myexe"));
  T(sop("myexe", VG_CMP_ENDSWITH, ""));
}

Test(cmp, string_invalid_utf8_bytes) {
  T(sop("/p\xff/q\xff", VG_CMP_EQ, "/p\xff/q\xff"));
  T(sop("/p\xff/q\xff", VG_CMP_CONTAINS, "\xff"));
  F(sop("/p\xff/q\xff", VG_CMP_CONTAINS, "\xfe"));
  T(sop("/p\xff/q\xff", VG_CMP_GLOB, "/p?/q?"));
  T(sop("/tmp/c\xff/", VG_CMP_GLOB, "/tmp/c?/"));
}

Test(cmp, glob) {
  T(sop("myexe", VG_CMP_GLOB, "my*"));
  T(sop("myexe", VG_CMP_GLOB, "*exe"));
  F(sop("myexe", VG_CMP_GLOB, "MY*"));
  T(sop("myexe", VG_CMP_IGLOB, "MY*"));
  T(sop("MYEXE", VG_CMP_IGLOB, "my?x[e]"));
  /* whole value; '*' crosses '/' and leading dots */
  F(sop("/etc/passwd", VG_CMP_GLOB, "/etc"));
  T(sop("/etc/ssh/.hidden", VG_CMP_GLOB, "/etc/*"));
  T(sop(".bashrc", VG_CMP_GLOB, "*rc"));
  T(sop("a", VG_CMP_GLOB, "?"));
  F(sop("ab", VG_CMP_GLOB, "?"));
  T(sop("dir", VG_CMP_GLOB, "di[!x]"));
  T(sop("dir", VG_CMP_GLOB, "di[^x]"));
  F(sop("dir", VG_CMP_GLOB, "di[!r]"));
  T(sop("file7", VG_CMP_GLOB, "file[[:digit:]]"));
  T(sop("file7", VG_CMP_GLOB, "file[0-9]"));
  T(sop("a*b", VG_CMP_GLOB, "a\\*b"));
  F(sop("axb", VG_CMP_GLOB, "a\\*b"));
  T(sop("", VG_CMP_GLOB, "*"));
  F(sop("", VG_CMP_GLOB, "?"));
}

/* ---- buffers ---------------------------------------------------- */

Test(cmp, bytebuf) {
  static const uint8_t hello[] = "hello", anb[] = {'a', 0, 'b'};
  vg_value h = vbuf(hello, 5), x = vbuf(anb, 3);
  vg_value p1 = vbuf("hello", 5), p2 = vbuf(" ", 1), p3 = vbuf("ell\xaa", 4);
  vg_value p4 = vbuf("el", 2), a0b = vbuf(anb, 3), ab = vbuf("ab", 2);
  vg_value a0 = vbuf(anb, 2), a1 = vbuf("a\x01", 2), lo = vbuf("llo", 3);
  vg_ftype t = VG_FT_BYTEBUF;
  T(run_check(VG_CMP_BCONTAINS, 0, t, false, &h, 1, &p1, 1));
  F(run_check(VG_CMP_BCONTAINS, 0, t, false, &h, 1, &p2, 1));
  F(run_check(VG_CMP_BCONTAINS, 0, t, false, &h, 1, &p3, 1));
  T(run_check(VG_CMP_BSTARTSWITH, 0, t, false, &h, 1, &p1, 1));
  F(run_check(VG_CMP_BSTARTSWITH, 0, t, false, &h, 1, &p4, 1));
  T(run_check(VG_CMP_CONTAINS, 0, t, false, &h, 1, &p4, 1));
  T(run_check(VG_CMP_ENDSWITH, 0, t, false, &h, 1, &lo, 1));
  T(run_check(VG_CMP_STARTSWITH, 0, t, false, &h, 1, &p1, 1));
  /* NUL-safe */
  T(run_check(VG_CMP_EQ, 0, t, false, &x, 1, &a0b, 1));
  F(run_check(VG_CMP_EQ, 0, t, false, &x, 1, &ab, 1));
  T(run_check(VG_CMP_NE, 0, t, false, &x, 1, &ab, 1));
  T(run_check(VG_CMP_BCONTAINS, 0, t, false, &x, 1, &a0b, 1));
  T(run_check(VG_CMP_BSTARTSWITH, 0, t, false, &x, 1, &a0, 1));
  F(run_check(VG_CMP_BSTARTSWITH, 0, t, false, &x, 1, &a1, 1));
  T(run_check(VG_CMP_IN, 0, t, false, &x, 1, &a0b, 1));
}

/* ---- numbers ---------------------------------------------------- */

Test(cmp, signed_numbers) {
  vg_value one = vi(VG_FT_INT16, 1), r300 = vi(VG_FT_INT16, 300);
  vg_value m500 = vi(VG_FT_INT16, -500), r1025 = vi(VG_FT_INT16, 1025);
  T(run_check(VG_CMP_LT, 0, VG_FT_INT16, false, &one, 1, &r300, 1));
  F(run_check(VG_CMP_GT, 0, VG_FT_INT16, false, &one, 1, &r300, 1));
  T(run_check(VG_CMP_GT, 0, VG_FT_INT16, false, &one, 1, &m500, 1));
  T(run_check(VG_CMP_LE, 0, VG_FT_INT16, false, &one, 1, &r1025, 1));
  F(run_check(VG_CMP_GE, 0, VG_FT_INT16, false, &one, 1, &r1025, 1));
  /* narrowed to the width: 65537 as INT16 is 1 */
  vg_value wide = vi(VG_FT_INT16, 65537);
  T(run_check(VG_CMP_EQ, 0, VG_FT_INT16, false, &wide, 1, &one, 1));
  vg_value m1 = vi(VG_FT_INT64, -1), zero = vi(VG_FT_INT64, 0);
  vg_value big = vi(VG_FT_INT64, 4294967295LL);
  F(run_check(VG_CMP_GE, 0, VG_FT_INT64, false, &m1, 1, &zero, 1));
  T(run_check(VG_CMP_LT, 0, VG_FT_INT64, false, &m1, 1, &zero, 1));
  F(run_check(VG_CMP_GT, 0, VG_FT_INT64, false, &m1, 1, &big, 1));
  F(run_check(VG_CMP_LT, 0, VG_FT_INT64, false, &m1, 1, &m1, 1));
  T(run_check(VG_CMP_EQ, 0, VG_FT_INT64, false, &m1, 1, &m1, 1));
  vg_value e = vi(VG_FT_ERRNO, -22), em1 = vi(VG_FT_ERRNO, -1);
  T(run_check(VG_CMP_LT, 0, VG_FT_ERRNO, false, &e, 1, &em1, 1));
}

Test(cmp, unsigned_numbers) {
  vg_value max = vu(VG_FT_UINT64, UINT64_MAX), z = vu(VG_FT_UINT64, 0);
  T(run_check(VG_CMP_GT, 0, VG_FT_UINT64, false, &max, 1, &z, 1));
  /* -1 literal wraps to the maximum of the width (value.c); here the
   * comparison side: 0xffff as UINT16 equals 0x1ffff narrowed */
  vg_value a = vu(VG_FT_UINT16, 0xffff), b = vu(VG_FT_UINT16, 0x1ffff);
  T(run_check(VG_CMP_EQ, 0, VG_FT_UINT16, false, &a, 1, &b, 1));
  vg_value p = vu(VG_FT_PORT, 22), q = vu(VG_FT_PORT, 22);
  T(run_check(VG_CMP_IN, 0, VG_FT_PORT, false, &p, 1, &q, 1));
  vg_value d1, d2;
  d1.type = d2.type = VG_FT_DOUBLE;
  d1.v.d = 1.5;
  d2.v.d = 1.0;
  T(run_check(VG_CMP_GT, 0, VG_FT_DOUBLE, false, &d1, 1, &d2, 1));
  F(run_check(VG_CMP_EQ, 0, VG_FT_DOUBLE, false, &d1, 1, &d2, 1));
}

Test(cmp, booleans) {
  vg_value t = vb(true), f = vb(false);
  T(run_check(VG_CMP_EQ, 0, VG_FT_BOOL, false, &t, 1, &t, 1));
  F(run_check(VG_CMP_EQ, 0, VG_FT_BOOL, false, &t, 1, &f, 1));
  T(run_check(VG_CMP_NE, 0, VG_FT_BOOL, false, &t, 1, &f, 1));
  T(run_check(VG_CMP_IN, 0, VG_FT_BOOL, false, &f, 1, &f, 1));
  cr_assert_eq(run_check(VG_CMP_LT, 0, VG_FT_BOOL, false, &t, 1, &f, 1), -1);
}

/* ---- IP addresses and networks ---------------------------------- */

Test(cmp, ip_addresses) {
  vg_ftype t = VG_FT_IPADDR;
  vg_value a = vip(t, "142.251.111.147"), b = vip(t, "142.251.111.147");
  vg_value v6 = vip(t, "0:0:0:0:0:0:0:1"), l6 = vip(t, "::1");
  vg_value o = vip(t, "10.0.0.1");
  T(run_check(VG_CMP_EQ, 0, t, false, &a, 1, &b, 1));
  F(run_check(VG_CMP_EQ, 0, t, false, &a, 1, &o, 1));
  /* an IPv4 value never equals an IPv6 literal; != is then true */
  F(run_check(VG_CMP_EQ, 0, t, false, &a, 1, &v6, 1));
  T(run_check(VG_CMP_NE, 0, t, false, &a, 1, &v6, 1));
  T(run_check(VG_CMP_EQ, 0, t, false, &l6, 1, &v6, 1));
  vg_value v4m = vip(t, "127.0.0.1");
  F(run_check(VG_CMP_EQ, 0, t, false, &l6, 1, &v4m, 1));
  vg_value set[] = {vip(t, "10.0.0.1"), vip(t, "142.251.111.147")};
  T(run_check(VG_CMP_IN, 0, t, false, &a, 1, set, 2));
  F(run_check(VG_CMP_IN, 0, t, false, &o, 0, set, 2));
  T(run_check(VG_CMP_EQ, VG_CMPMOD_ANYOF, t, false, &a, 1, set, 2));
  T(run_check(VG_CMP_EQ, VG_CMPMOD_ONEOF, t, false, &a, 1, set, 2));
  F(run_check(VG_CMP_NE, VG_CMPMOD_ALLOF, t, false, &a, 1, set, 2));
  T(run_check(VG_CMP_NE, VG_CMPMOD_ANYOF, t, false, &a, 1, set, 2));
}

Test(cmp, ip_networks) {
  vg_ftype t = VG_FT_IPNET;
  vg_value a = vip(t, "142.251.111.147");
  vg_value n4 = vip(t, "142.0.0.0/4"), n8 = vip(t, "142.251.0.0/8");
  vg_value n16 = vip(t, "142.251.111.0/16"), n10 = vip(t, "10.0.0.0/8");
  vg_value all = vip(t, "0.0.0.0/0"), exact = vip(t, "142.251.111.147/32");
  vg_value n6 = vip(t, "2001:db8:abcd:0012::0/64");
  T(run_check(VG_CMP_EQ, 0, t, false, &a, 1, &n4, 1));
  T(run_check(VG_CMP_EQ, 0, t, false, &a, 1, &n8, 1));
  T(run_check(VG_CMP_EQ, 0, t, false, &a, 1, &n16, 1));
  T(run_check(VG_CMP_NE, 0, t, false, &a, 1, &n10, 1));
  F(run_check(VG_CMP_EQ, 0, t, false, &a, 1, &n10, 1));
  T(run_check(VG_CMP_EQ, 0, t, false, &a, 1, &all, 1));
  T(run_check(VG_CMP_EQ, 0, t, false, &a, 1, &exact, 1));
  F(run_check(VG_CMP_EQ, 0, t, false, &a, 1, &n6, 1));
  T(run_check(VG_CMP_NE, 0, t, false, &a, 1, &n6, 1));
  vg_value s6 = vip(t, "2001:4860:4860::8888");
  vg_value m16 = vip(t, "2001::0/16"), m32 = vip(t, "2001:4860::0/32");
  vg_value m48 = vip(t, "2001:4860:4860::8888/48"), m10 = vip(t, "10::0/16");
  vg_value m33 = vip(t, "2001:4860:8000::/33");
  T(run_check(VG_CMP_EQ, 0, t, false, &s6, 1, &m16, 1));
  T(run_check(VG_CMP_EQ, 0, t, false, &s6, 1, &m32, 1));
  T(run_check(VG_CMP_EQ, 0, t, false, &s6, 1, &m48, 1));
  T(run_check(VG_CMP_NE, 0, t, false, &s6, 1, &m10, 1));
  T(run_check(VG_CMP_NE, 0, t, false, &s6, 1, &n10, 1));
  F(run_check(VG_CMP_EQ, 0, t, false, &s6, 1, &m33, 1));
  vg_value set[] = {n10, n16};
  T(run_check(VG_CMP_IN, 0, t, false, &a, 1, set, 2));
  T(run_check(VG_CMP_EQ, VG_CMPMOD_ANYOF, t, false, &a, 1, set, 2));
  F(run_check(VG_CMP_NE, VG_CMPMOD_ALLOF, t, false, &a, 1, set, 2));
  T(run_check(VG_CMP_EQ, VG_CMPMOD_ONEOF, t, false, &a, 1, set, 2));
}

/* ---- sets, lists, modifiers ------------------------------------- */

Test(cmp, in_sets) {
  vg_value set[] = {vs("cat"), vs("my app"), vs("cat")};
  vg_value cat = vs("cat"), dog = vs("dog"), app = vs("my app");
  T(run_check(VG_CMP_IN, 0, VG_FT_CHARBUF, false, &cat, 1, set, 3));
  T(run_check(VG_CMP_IN, 0, VG_FT_CHARBUF, false, &app, 1, set, 3));
  F(run_check(VG_CMP_IN, 0, VG_FT_CHARBUF, false, &dog, 1, set, 3));
  T(run_check(VG_CMP_INTERSECTS, 0, VG_FT_CHARBUF, false, &cat, 1, set, 3));
  F(run_check(VG_CMP_IN, 0, VG_FT_CHARBUF, false, &cat, 1, set, 0));
  /* trailing NULs in the extracted value do not matter */
  vg_value catz = vs("cat");
  catz.v.s.p = (const uint8_t *)"cat\0";
  catz.v.s.n = 4;
  T(run_check(VG_CMP_IN, 0, VG_FT_CHARBUF, false, &catz, 1, set, 3));
  vg_value nums[] = {vi(VG_FT_INT64, -1), vi(VG_FT_INT64, 3)};
  vg_value m1 = vi(VG_FT_INT64, -1), four = vi(VG_FT_INT64, 4);
  T(run_check(VG_CMP_IN, 0, VG_FT_INT64, false, &m1, 1, nums, 2));
  F(run_check(VG_CMP_IN, 0, VG_FT_INT64, false, &four, 1, nums, 2));
  /* a large set */
  static char names[2000][8];
  static vg_value big[2000];
  for (int i = 0; i < 2000; i++) {
    snprintf(names[i], sizeof names[i], "n%d", i);
    big[i] = vs(names[i]);
  }
  vg_value n1999 = vs("n1999"), n2000 = vs("n2000");
  T(run_check(VG_CMP_IN, 0, VG_FT_CHARBUF, false, &n1999, 1, big, 2000));
  F(run_check(VG_CMP_IN, 0, VG_FT_CHARBUF, false, &n2000, 1, big, 2000));
}

Test(cmp, list_fields) {
  vg_value set[] = {vs("a"), vs("b"), vs("c")};
  vg_value l1[] = {vs("a"), vs("b")}, l2[] = {vs("a"), vs("z")};
  vg_value l3[] = {vs("y"), vs("z")};
  vg_ftype t = VG_FT_CHARBUF;
  T(run_check(VG_CMP_IN, 0, t, true, l1, 2, set, 3));
  F(run_check(VG_CMP_IN, 0, t, true, l2, 2, set, 3));
  T(run_check(VG_CMP_INTERSECTS, 0, t, true, l2, 2, set, 3));
  F(run_check(VG_CMP_INTERSECTS, 0, t, true, l3, 2, set, 3));
  /* zero elements: no value */
  F(run_check(VG_CMP_IN, 0, t, true, l1, 0, set, 3));
  F(run_check(VG_CMP_INTERSECTS, 0, t, true, l1, 0, set, 3));
  F(run_check(VG_CMP_EXISTS, 0, t, true, l1, 0, NULL, 0));
  T(run_check(VG_CMP_EXISTS, 0, t, true, l1, 2, NULL, 0));
  /* only in/intersects/exists for lists */
  cr_assert_eq(run_check(VG_CMP_EQ, 0, t, true, l1, 2, set, 1), -1);
  vg_value bools[] = {vb(true)}, bl[] = {vb(false), vb(true)};
  T(run_check(VG_CMP_INTERSECTS, 0, VG_FT_BOOL, true, bl, 2, bools, 1));
  F(run_check(VG_CMP_IN, 0, VG_FT_BOOL, true, bl, 2, bools, 1));
  vg_value nets[] = {vip(VG_FT_IPNET, "10.0.0.0/8")};
  vg_value ips[] = {vip(VG_FT_IPNET, "10.1.2.3"), vip(VG_FT_IPNET, "10.9.9.9")};
  T(run_check(VG_CMP_IN, 0, VG_FT_IPNET, true, ips, 2, nets, 1));
}

Test(cmp, modifiers_eq_ne) {
  vg_value v = vs("myexe");
  vg_value l_mb[] = {vs("myexe"), vs("bash")}, l_m[] = {vs("myexe")};
  vg_value l_bs[] = {vs("bash"), vs("sh")}, l_mm[] = {vs("myexe"), vs("myexe")};
  vg_value l_mmb[] = {vs("myexe"), vs("myexe"), vs("bash")};
  vg_ftype t = VG_FT_CHARBUF;
  T(run_check(VG_CMP_EQ, VG_CMPMOD_ONEOF, t, false, &v, 1, l_mb, 2));
  T(run_check(VG_CMP_EQ, VG_CMPMOD_ONEOF, t, false, &v, 1, l_m, 1));
  F(run_check(VG_CMP_EQ, VG_CMPMOD_ONEOF, t, false, &v, 1, l_bs, 2));
  F(run_check(VG_CMP_EQ, VG_CMPMOD_ONEOF, t, false, &v, 1, l_mm, 2));
  T(run_check(VG_CMP_EQ, VG_CMPMOD_ANYOF, t, false, &v, 1, l_mb, 2));
  F(run_check(VG_CMP_EQ, VG_CMPMOD_ANYOF, t, false, &v, 1, l_bs, 2));
  T(run_check(VG_CMP_EQ, VG_CMPMOD_ANYOF, t, false, &v, 1, l_mm, 2));
  T(run_check(VG_CMP_EQ, VG_CMPMOD_ALLOF, t, false, &v, 1, l_m, 1));
  F(run_check(VG_CMP_EQ, VG_CMPMOD_ALLOF, t, false, &v, 1, l_mb, 2));
  T(run_check(VG_CMP_EQ, VG_CMPMOD_ALLOF, t, false, &v, 1, l_mm, 2));
  T(run_check(VG_CMP_NE, VG_CMPMOD_ONEOF, t, false, &v, 1, l_mmb, 3));
  F(run_check(VG_CMP_NE, VG_CMPMOD_ONEOF, t, false, &v, 1, l_mm, 2));
  F(run_check(VG_CMP_NE, VG_CMPMOD_ONEOF, t, false, &v, 1, l_bs, 2));
  T(run_check(VG_CMP_NE, VG_CMPMOD_ONEOF, t, false, &v, 1, l_mb, 2));
  T(run_check(VG_CMP_NE, VG_CMPMOD_ANYOF, t, false, &v, 1, l_bs, 2));
  T(run_check(VG_CMP_NE, VG_CMPMOD_ANYOF, t, false, &v, 1, l_mb, 2));
  F(run_check(VG_CMP_NE, VG_CMPMOD_ANYOF, t, false, &v, 1, l_mm, 2));
  T(run_check(VG_CMP_NE, VG_CMPMOD_ALLOF, t, false, &v, 1, l_bs, 2));
  F(run_check(VG_CMP_NE, VG_CMPMOD_ALLOF, t, false, &v, 1, l_mb, 2));
  /* empty list: false for every modifier */
  for (int m = VG_CMPMOD_ONEOF; m <= VG_CMPMOD_ALLOF; m++) {
    F(run_check(VG_CMP_EQ, (vg_cmpmod)m, t, false, &v, 1, NULL, 0));
    F(run_check(VG_CMP_NE, (vg_cmpmod)m, t, false, &v, 1, NULL, 0));
    F(run_check(VG_CMP_REGEX, (vg_cmpmod)m, t, false, &v, 1, NULL, 0));
  }
}

Test(cmp, modifiers_string_ops) {
  vg_value v = vs("myexe");
  vg_ftype t = VG_FT_CHARBUF;
  vg_value a[] = {vs("my"), vs("exe")}, b[] = {vs("myex"), vs("bash")};
  vg_value c[] = {vs("MY"), vs("EXE")}, d[] = {vs("my*"), vs("*exe")};
  vg_value e[] = {vs("my.*"), vs(".*exe")}, f[] = {vs("my.*"), vs("b.*")};
  T(run_check(VG_CMP_CONTAINS, VG_CMPMOD_ALLOF, t, false, &v, 1, a, 2));
  F(run_check(VG_CMP_CONTAINS, VG_CMPMOD_ONEOF, t, false, &v, 1, a, 2));
  T(run_check(VG_CMP_CONTAINS, VG_CMPMOD_ONEOF, t, false, &v, 1, b, 2));
  F(run_check(VG_CMP_CONTAINS, VG_CMPMOD_ALLOF, t, false, &v, 1, b, 2));
  T(run_check(VG_CMP_ICONTAINS, VG_CMPMOD_ALLOF, t, false, &v, 1, c, 2));
  F(run_check(VG_CMP_ICONTAINS, VG_CMPMOD_ONEOF, t, false, &v, 1, c, 2));
  T(run_check(VG_CMP_GLOB, VG_CMPMOD_ALLOF, t, false, &v, 1, d, 2));
  F(run_check(VG_CMP_GLOB, VG_CMPMOD_ONEOF, t, false, &v, 1, d, 2));
  T(run_check(VG_CMP_REGEX, VG_CMPMOD_ALLOF, t, false, &v, 1, e, 2));
  F(run_check(VG_CMP_REGEX, VG_CMPMOD_ONEOF, t, false, &v, 1, e, 2));
  T(run_check(VG_CMP_REGEX, VG_CMPMOD_ONEOF, t, false, &v, 1, f, 2));
  T(run_check(VG_CMP_REGEX, VG_CMPMOD_ANYOF, t, false, &v, 1, f, 2));
  F(run_check(VG_CMP_REGEX, VG_CMPMOD_ALLOF, t, false, &v, 1, f, 2));
  T(run_check(VG_CMP_STARTSWITH, VG_CMPMOD_ANYOF, t, false, &v, 1, a, 2));
  T(run_check(VG_CMP_ENDSWITH, VG_CMPMOD_ONEOF, t, false, &v, 1, a, 2));
  /* a bad pattern in the list fails the build */
  vg_value bad[] = {vs("my.*"), vs("\\d")};
  cr_assert_eq(
      run_check(VG_CMP_REGEX, VG_CMPMOD_ANYOF, t, false, &v, 1, bad, 2), -1);
}

/* ---- missing values and exists ---------------------------------- */

Test(cmp, missing_value_is_false_for_everything) {
  vg_value r = vs("x"), rl[] = {vs("x"), vs("y")};
  for (int op = 0; op < VG_CMP__COUNT; op++) {
    if (op == VG_CMP_BCONTAINS || op == VG_CMP_BSTARTSWITH)
      continue;
    cr_assert_eq(run_check((vg_cmpop)op, 0, VG_FT_CHARBUF, false, NULL, 0,
                           op == VG_CMP_EXISTS ? NULL : &r,
                           op == VG_CMP_EXISTS ? 0 : 1),
                 0, "op %s", vg_cmpop_str((vg_cmpop)op));
  }
  for (int m = VG_CMPMOD_ONEOF; m <= VG_CMPMOD_ALLOF; m++)
    F(run_check(VG_CMP_NE, (vg_cmpmod)m, VG_FT_CHARBUF, false, NULL, 0, rl, 2));
  vg_value p = vs("anything");
  T(run_check(VG_CMP_EXISTS, 0, VG_FT_CHARBUF, false, &p, 1, NULL, 0));
  T(run_check(VG_CMP_EXISTS, 0, VG_FT_INT64, false, &p, 1, NULL, 0));
}

/* ---- pmatch ----------------------------------------------------- */

static int pm(const char *value, const char **paths, size_t n) {
  vg_value rhs[16];
  for (size_t i = 0; i < n; i++)
    rhs[i] = vs(paths[i]);
  vg_value v = vs(value);
  return run_check(VG_CMP_PMATCH, 0, VG_FT_CHARBUF, false, &v, 1, rhs, n);
}

#define PM(v, ...)                                                             \
  pm(v, (const char *[]){__VA_ARGS__},                                         \
     sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *))

Test(cmp, pmatch_spec_examples) {
  const char *v = "/opt/dir/subdir/file.txt";
  T(PM(v, "/opt/dir"));
  T(PM(v, "/opt/dir/subdir"));
  F(PM(v, "/opt/dir2"));
  T(PM(v, "/opt/dir", "/opt/dir2"));
  F(PM(v, "/opt/dir3", "/opt/dir2"));
  F(PM(v, "/opt/di"));
  T(PM(v, "/opt/*"));
  T(PM(v, "/opt/*/subdir"));
  F(PM(v, "/opt/*/*/subsubdir"));
  F(PM(v, "/opt/dii?/subdir"));
  T(PM(v, "/opt/di?/subdir"));
  F(PM(v, "/opt/di[!r]/subdir"));
  T(PM(v, "/opt/di[r]/subdir"));
  F(PM(v, "/opt/*/subdir2"));
  T(PM(v, "/opt/*/*"));
  T(PM(v, "/opt/dir/subdir/file.txt"));
  F(PM(v, "/opt/dir/subdir/file.txt/more"));
}

Test(cmp, pmatch_structure) {
  /* empty components are ignored */
  T(PM("/a/b", "//a/b/"));
  T(PM("a/b", "/a/b"));
  T(PM("//a///b/c", "a/b"));
  /* '/' matches everything, including the root itself */
  T(PM("/anything/at/all", "/"));
  T(PM("/", "/"));
  T(PM("", "/"));
  /* a value shorter than every listed path */
  F(PM("/var", "/var/run"));
  F(PM("/", "/var"));
  T(PM("/var/run/docker", "/var/run", "/etc", "/lib", "/usr/lib"));
  F(PM("/boot", "/var/run", "/etc", "/lib", "/usr/lib"));
  F(PM("/var/lib/messages", "/var/run", "/etc", "/lib", "/usr/lib"));
  /* a shorter path covers a longer one, in either insertion order */
  T(PM("/usr/bin/x", "/usr/lib", "/usr"));
  T(PM("/usr/bin/x", "/usr", "/usr/lib"));
  /* plain child fails, glob sibling succeeds */
  T(PM("/opt/dir/y", "/opt/dir/x", "/opt/*"));
  T(PM("/opt/dir/y", "/opt/d*/x", "/opt/*i*/y"));
  /* partial component never matches */
  F(PM("/etcetera", "/etc"));
}

/* ---- field-to-field and endpoints ------------------------------- */

Test(cmp, field_to_field) {
  vg_cmp_scratch scr;
  cr_assert_eq(vg_cmp_scratch_init(&scr), VIGIL_OK);
  vg_value l = vs("bash"), r[] = {vs("bash"), vs("sh")}, r2[] = {vs("sh")};
  vg_ftype t = VG_FT_CHARBUF;
  cr_assert(vg_cmp_fields(VG_CMP_EQ, 0, t, false, &l, 1, r, 2, &scr));
  cr_assert(!vg_cmp_fields(VG_CMP_EQ, 0, t, false, &l, 1, r2, 1, &scr));
  cr_assert(!vg_cmp_fields(VG_CMP_EQ, 0, t, false, &l, 1, r, 0, &scr));
  cr_assert(!vg_cmp_fields(VG_CMP_NE, 0, t, false, &l, 1, r, 0, &scr));
  cr_assert(!vg_cmp_fields(VG_CMP_NE, 0, t, false, &l, 0, r, 1, &scr));
  cr_assert(vg_cmp_fields(VG_CMP_IN, 0, t, false, &l, 1, r, 2, &scr));
  cr_assert(!vg_cmp_fields(VG_CMP_IN, 0, t, false, &l, 1, r2, 1, &scr));
  cr_assert(vg_cmp_fields(VG_CMP_STARTSWITH, 0, t, false, &l, 1, r, 2, &scr));
  cr_assert(
      vg_cmp_fields(VG_CMP_EQ, VG_CMPMOD_ONEOF, t, false, &l, 1, r, 2, &scr));
  cr_assert(
      !vg_cmp_fields(VG_CMP_EQ, VG_CMPMOD_ALLOF, t, false, &l, 1, r, 2, &scr));
  cr_assert(
      vg_cmp_fields(VG_CMP_NE, VG_CMPMOD_ANYOF, t, false, &l, 1, r, 2, &scr));
  vg_value ll[] = {vs("bash"), vs("sh")};
  cr_assert(vg_cmp_fields(VG_CMP_IN, 0, t, true, ll, 2, r, 2, &scr));
  cr_assert(!vg_cmp_fields(VG_CMP_IN, 0, t, true, ll, 2, r2, 1, &scr));
  cr_assert(vg_cmp_fields(VG_CMP_INTERSECTS, 0, t, true, ll, 2, r2, 1, &scr));
  cr_assert(!vg_cmp_fields(VG_CMP_REGEX, 0, t, false, &l, 1, r, 2, &scr));
  vg_value a = vi(VG_FT_INT64, 5), b = vi(VG_FT_INT64, 7);
  cr_assert(
      vg_cmp_fields(VG_CMP_LT, 0, VG_FT_INT64, false, &a, 1, &b, 1, &scr));
  vg_cmp_scratch_fini(&scr);
}

Test(cmp, endpoints_either_both) {
  vg_cmp_scratch scr;
  cr_assert_eq(vg_cmp_scratch_init(&scr), VIGIL_OK);
  vg_ftype t = VG_FT_IPADDR;
  vg_value cl = vip(t, "172.40.111.222"), sv = vip(t, "142.251.111.147");
  vg_value lit = vip(t, "142.251.111.147"), other = vip(t, "10.0.0.1");
  vg_check *eq, *ne, *ne2, *in;
  char err[128];
  cr_assert_eq(vg_check_new(VG_CMP_EQ, 0, t, false, &lit, 1, &eq, err, 128), 0);
  cr_assert_eq(vg_check_new(VG_CMP_NE, 0, t, false, &lit, 1, &ne, err, 128), 0);
  cr_assert_eq(vg_check_new(VG_CMP_NE, 0, t, false, &other, 1, &ne2, err, 128),
               0);
  vg_value set[] = {other, lit};
  cr_assert_eq(vg_check_new(VG_CMP_IN, 0, t, false, set, 2, &in, err, 128), 0);
  cr_assert(vg_check_eval_either(eq, &cl, &sv, &scr));
  cr_assert(!vg_check_eval_either(ne, &cl, &sv, &scr));
  cr_assert(vg_check_eval_either(ne2, &cl, &sv, &scr));
  cr_assert(vg_check_eval_either(in, &cl, &sv, &scr));
  vg_value n4 = vip(VG_FT_IPNET, "142.251.0.0/16");
  vg_check *net;
  cr_assert_eq(
      vg_check_new(VG_CMP_NE, 0, VG_FT_IPNET, false, &n4, 1, &net, err, 128),
      0);
  cr_assert(!vg_check_eval_either(net, &cl, &sv, &scr));
  vg_check_free(eq);
  vg_check_free(ne);
  vg_check_free(ne2);
  vg_check_free(in);
  vg_check_free(net);
  vg_cmp_scratch_fini(&scr);
}

/* ---- admissibility ---------------------------------------------- */

static const char *why(vg_ftype t, bool list, vg_cmpop op, vg_cmpmod mod) {
  static char err[256];
  if (vg_cmp_supported(t, list, op, mod, err, sizeof err))
    return "ok";
  return err;
}

Test(cmp, supported_messages) {
  cr_assert_str_eq(why(VG_FT_INT64, false, VG_CMP_CONTAINS, 0),
                   "'contains' operator not supported for numeric filters");
  cr_assert_str_eq(why(VG_FT_BOOL, false, VG_CMP_LT, 0),
                   "'<' operator not supported for numeric filters");
  cr_assert_str_eq(why(VG_FT_CHARBUF, false, VG_CMP_BCONTAINS, 0),
                   "'bcontains' operator not supported for string filters");
  cr_assert_str_eq(why(VG_FT_BYTEBUF, false, VG_CMP_GLOB, 0),
                   "'glob' operator not supported for buffer filters");
  cr_assert_str_eq(why(VG_FT_IPV4ADDR, false, VG_CMP_LT, 0),
                   "'<' operator not supported for ip address and network "
                   "filters");
  cr_assert_str_eq(why(VG_FT_IPNET, false, VG_CMP_CONTAINS, VG_CMPMOD_ANYOF),
                   "'contains' with modifier not supported for ip address "
                   "and network filters");
  cr_assert_str_eq(why(VG_FT_CHARBUF, true, VG_CMP_EQ, 0),
                   "'=' operator not supported list filters");
  cr_assert_str_eq(why(VG_FT_INT32, true, VG_CMP_IN, 0),
                   "list filters are not supported for type 'INT32'");
  cr_assert_str_eq(why(VG_FT_SOCKADDR, false, VG_CMP_EQ, 0),
                   "'=' operator not supported for type 'SOCKADDR'");
  cr_assert_str_eq(why(VG_FT_SOCKADDR, false, VG_CMP_EXISTS, 0), "ok");
  cr_assert_str_eq(why(VG_FT_CHARBUF, false, VG_CMP_PMATCH, 0), "ok");
  cr_assert_str_eq(why(VG_FT_IPNET, false, VG_CMP_NE, VG_CMPMOD_ALLOF), "ok");
  cr_assert_str_eq(why(VG_FT_DOUBLE, false, VG_CMP_GE, 0), "ok");
}

Test(cmp, operator_names) {
  vg_cmpop op;
  cr_assert(vg_cmpop_parse("==", 2, &op) && op == VG_CMP_EQ);
  cr_assert(vg_cmpop_parse("=", 1, &op) && op == VG_CMP_EQ);
  cr_assert(vg_cmpop_parse("bstartswith", 11, &op) && op == VG_CMP_BSTARTSWITH);
  cr_assert(!vg_cmpop_parse("like", 4, &op));
  cr_assert_str_eq(vg_cmpop_name(VG_CMP_PMATCH), "PMATCH");
  vg_cmpmod m;
  cr_assert(vg_cmpmod_parse("allof", 5, &m) && m == VG_CMPMOD_ALLOF);
  cr_assert(!vg_cmpmod_parse("noneof", 6, &m));
}

Test(cmp, pmatch_prefix_search_cases) {
#define SET1                                                                   \
  "/var/run", "/var/run/dmesg", "/etc/", "/lib", "/usr/lib", "/usr/local"
  T(PM("/var/run/docker", SET1));
  F(PM("/boot", SET1));
  F(PM("/var/lib/messages", SET1));
  F(PM("/var", SET1));
  T(PM("/var/run", SET1));
  F(PM("/usr", SET1));
  T(PM("/etc", SET1));
  T(PM("/usr/lib/foo", SET1));
#define SET2 "/opt/*/subdir", "/opt2/*", "/opt3/*/subdir2/*"
  F(PM("/opt", SET2));
  T(PM("/opt/dir/subdir", SET2));
  T(PM("/opt/dir/subdir/file.txt", SET2));
  F(PM("/opt3/dir/subdir2", SET2));
  T(PM("/opt3/dir/subdir2/file.txt", SET2));
  T(PM("/opt2/x", SET2));
  F(PM("/opt2", SET2));
  /* a later shorter path replaces a subtree */
  T(PM("/usr/local/bin", "/usr/local/lib64", "/usr/local/new", "/usr"));
  T(PM("/one/two/three", "/var", "/"));
  T(PM("/", "/var", "/"));
}
