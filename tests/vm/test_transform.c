/*
 * test_transform.c - the transformers' runtime (plugin/vm/transform.h),
 * with the cases of libsinsp's filter_transformer tests (b64, basename,
 * len, join, concat, getopt list and selector modes).
 */
#include <criterion/criterion.h>

#include "vm/transform.h"
#include "vm/vmtest.h"

static uint8_t mem[4096];

static bool vals_eq(const vg_value *v, const char *s) {
  size_t n = strlen(s);
  return v->v.s.n == n && (n == 0 || memcmp(v->v.s.p, s, n) == 0);
}

/* Applies a one-argument transformer to one string; returns the result
 * text in out (or "<none>"). */
static const char *tr1(vg_trkind k, vg_ftype t, const char *in) {
  static char out[512];
  vg_trbuf b;
  vg_trbuf_init(&b, mem, sizeof mem);
  vg_value v = vs(in);
  v.type = t;
  size_t n = 1;
  bool present;
  vigil_status st = vg_tr_apply(k, t, false, &v, &n, &b, &present);
  if (st != VIGIL_OK)
    return "<error>";
  if (!present)
    return "<none>";
  snprintf(out, sizeof out, "%.*s", (int)v.v.s.n, (const char *)v.v.s.p);
  return out;
}

Test(transform, case_conversion) {
  cr_assert_str_eq(tr1(VG_TRK_TOUPPER, VG_FT_CHARBUF, "getcwd"), "GETCWD");
  cr_assert_str_eq(tr1(VG_TRK_TOLOWER, VG_FT_FSPATH, "/TMP/X\xc3\x89"),
                   "/tmp/x\xc3\x89"); /* ASCII only */
  cr_assert_str_eq(tr1(VG_TRK_TOUPPER, VG_FT_CHARBUF, ""), "");
}

Test(transform, b64) {
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_CHARBUF, "aGVsbG8="), "hello");
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_CHARBUF, "aGVsbG8"), "hello");
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_CHARBUF, "d29ybGQgIQ=="), "world !");
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_CHARBUF, "d29ybGQgIQ"), "world !");
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_CHARBUF, ""), "");
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_BYTEBUF, "YWJj"), "abc");
  /* invalid input: no value */
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_CHARBUF, "a"), "<none>");
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_CHARBUF, "aGVs*G8="), "<none>");
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_CHARBUF, "="), "<none>");
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_CHARBUF, "=="), "<none>");
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_CHARBUF, "QQ="), "A");
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_CHARBUF, "QR=="), "<none>");
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_CHARBUF, "Q==="), "<none>");
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_CHARBUF, "aGVs bG8="), "<none>");
  /* unsupported input type */
  cr_assert_str_eq(tr1(VG_TRK_B64, VG_FT_FSPATH, "YWJj"), "<error>");
}

Test(transform, basename) {
  cr_assert_str_eq(
      tr1(VG_TRK_BASENAME, VG_FT_CHARBUF, "/home/ubuntu/hello.txt"),
      "hello.txt");
  cr_assert_str_eq(tr1(VG_TRK_BASENAME, VG_FT_FSPATH, "/usr/local/bin/cat"),
                   "cat");
  cr_assert_str_eq(tr1(VG_TRK_BASENAME, VG_FT_FSPATH, "/"), "");
  cr_assert_str_eq(tr1(VG_TRK_BASENAME, VG_FT_CHARBUF, "/hello/"), "");
  cr_assert_str_eq(tr1(VG_TRK_BASENAME, VG_FT_CHARBUF, "hello"), "hello");
  cr_assert_str_eq(tr1(VG_TRK_BASENAME, VG_FT_CHARBUF, ""), "");
}

Test(transform, len) {
  vg_trbuf b;
  vg_trbuf_init(&b, mem, sizeof mem);
  bool present;
  vg_value v = vs("/tmp/file_to_run");
  size_t n = 1;
  cr_assert_eq(
      vg_tr_apply(VG_TRK_LEN, VG_FT_CHARBUF, false, &v, &n, &b, &present),
      VIGIL_OK);
  cr_assert(present && n == 1 && v.type == VG_FT_UINT64 && v.v.u == 16);
  static const uint8_t buf[] = {'a', 0, 'b', 0, 'c', 'd'};
  vg_value s = vs(""), bb = vbuf(buf, 6);
  s.v.s.p = buf;
  s.v.s.n = 6;
  cr_assert_eq(
      vg_tr_apply(VG_TRK_LEN, VG_FT_CHARBUF, false, &s, &n, &b, &present),
      VIGIL_OK);
  cr_assert_eq(s.v.u, 1); /* bytes before the first NUL */
  cr_assert_eq(
      vg_tr_apply(VG_TRK_LEN, VG_FT_BYTEBUF, false, &bb, &n, &b, &present),
      VIGIL_OK);
  cr_assert_eq(bb.v.u, 6);
  vg_value list[] = {vs("ipv4"), vs("file")};
  n = 2;
  cr_assert_eq(
      vg_tr_apply(VG_TRK_LEN, VG_FT_CHARBUF, true, list, &n, &b, &present),
      VIGIL_OK);
  cr_assert(present && n == 1 && list[0].v.u == 2);
  n = 0;
  cr_assert_eq(
      vg_tr_apply(VG_TRK_LEN, VG_FT_CHARBUF, true, list, &n, &b, &present),
      VIGIL_OK);
  cr_assert(!present);
  vg_ftype rt;
  bool rl;
  cr_assert(vg_tr_result_type(VG_TRK_LEN, VG_FT_INT64, true, &rt, &rl));
  cr_assert(rt == VG_FT_UINT64 && !rl);
  cr_assert(!vg_tr_result_type(VG_TRK_LEN, VG_FT_INT64, false, &rt, &rl));
  cr_assert(!vg_tr_result_type(VG_TRK_TOLOWER, VG_FT_BYTEBUF, false, &rt, &rl));
}

Test(transform, lists_and_limits) {
  vg_trbuf b;
  uint8_t small[4];
  vg_value list[] = {vs("AbC"), vs("dEf")};
  size_t n = 2;
  bool present;
  vg_trbuf_init(&b, small, sizeof small);
  cr_assert_eq(
      vg_tr_apply(VG_TRK_TOLOWER, VG_FT_CHARBUF, true, list, &n, &b, &present),
      VIGIL_E_LIMIT);
  cr_assert(vals_eq(&list[0], "AbC")); /* inputs untouched */
  vg_trbuf_init(&b, mem, sizeof mem);
  cr_assert_eq(
      vg_tr_apply(VG_TRK_TOLOWER, VG_FT_CHARBUF, true, list, &n, &b, &present),
      VIGIL_OK);
  cr_assert(present && vals_eq(&list[0], "abc") && vals_eq(&list[1], "def"));
  vg_value l64[] = {vs("aGVsbG8="), vs("d29ybGQgIQ")};
  n = 2;
  cr_assert_eq(
      vg_tr_apply(VG_TRK_B64, VG_FT_CHARBUF, true, l64, &n, &b, &present),
      VIGIL_OK);
  cr_assert(present && vals_eq(&l64[0], "hello") &&
            vals_eq(&l64[1], "world !"));
  vg_value bad[] = {vs("aGVsbG8="), vs("*")};
  n = 2;
  cr_assert_eq(
      vg_tr_apply(VG_TRK_B64, VG_FT_CHARBUF, true, bad, &n, &b, &present),
      VIGIL_OK);
  cr_assert(!present);
}

Test(transform, join_concat) {
  vg_trbuf b;
  vg_trbuf_init(&b, mem, sizeof mem);
  vg_value out, sep = vs("->"), comma = vs(",");
  vg_value items[] = {vs("/tmp/file_to_run"), vs("aaa"), vs("/tmp")};
  cr_assert_eq(vg_tr_join(&sep, items, 3, &b, &out), VIGIL_OK);
  cr_assert(vals_eq(&out, "/tmp/file_to_run->aaa->/tmp"));
  cr_assert_eq(vg_tr_join(&sep, items + 1, 1, &b, &out), VIGIL_OK);
  cr_assert(vals_eq(&out, "aaa"));
  cr_assert_eq(vg_tr_join(&comma, items, 0, &b, &out), VIGIL_OK);
  cr_assert(vals_eq(&out, ""));
  vg_value nums[] = {vs("1"), vs("1")};
  cr_assert_eq(vg_tr_join(&comma, nums, 2, &b, &out), VIGIL_OK);
  cr_assert(vals_eq(&out, "1,1"));
  cr_assert_eq(vg_tr_concat(items, 3, &b, &out), VIGIL_OK);
  cr_assert(vals_eq(&out, "/tmp/file_to_runaaa/tmp"));
  /* C strings: items stop at their first NUL */
  vg_value z = vs("");
  z.v.s.p = (const uint8_t *)"ab\0cd";
  z.v.s.n = 5;
  vg_value zz[] = {z, vs("x")};
  cr_assert_eq(vg_tr_concat(zz, 2, &b, &out), VIGIL_OK);
  cr_assert(vals_eq(&out, "abx"));
  uint8_t small[3];
  vg_trbuf_init(&b, small, sizeof small);
  cr_assert_eq(vg_tr_concat(items, 3, &b, &out), VIGIL_E_LIMIT);
}

/* ---- getopt ----------------------------------------------------- */

/* getopt(argv, optstring) intersects (set...) in list mode. */
static bool go_isect(const char **argv, size_t argc, const char *opts,
                     const char **set, size_t nset) {
  vg_value av[32], out[128], sv[32];
  size_t outn;
  bool present;
  for (size_t i = 0; i < argc; i++)
    av[i] = vs(argv[i]);
  vg_value os = vs(opts);
  cr_assert_eq(vg_tr_getopt(av, argc, &os, -1, out, 128, &outn, &present),
               VIGIL_OK);
  if (!present)
    return false;
  for (size_t i = 0; i < nset; i++)
    sv[i] = vs(set[i]);
  return run_check(VG_CMP_INTERSECTS, 0, VG_FT_CHARBUF, true, out, outn, sv,
                   nset) == 1;
}

/* getopt(argv, optstring)[sel] = expect (NULL: expect no value) */
static bool go_sel(const char **argv, size_t argc, const char *opts, char sel,
                   const char *expect) {
  vg_value av[32], out[128];
  size_t outn;
  bool present;
  for (size_t i = 0; i < argc; i++)
    av[i] = vs(argv[i]);
  vg_value os = vs(opts);
  cr_assert_eq(vg_tr_getopt(av, argc, &os, (unsigned char)sel, out, 128, &outn,
                            &present),
               VIGIL_OK);
  if (!present)
    return expect == NULL;
  return expect != NULL && outn == 1 && vals_eq(&out[0], expect);
}

#define L(...)                                                                 \
  (const char *[]) {                                                           \
    __VA_ARGS__                                                                \
  }
#define N(...) (sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *))
#define ISECT(argv, opts, set) go_isect(L argv, N argv, opts, L set, N set)
#define SEL(argv, opts, c, exp) go_sel(L argv, N argv, opts, c, exp)

Test(transform, getopt_list_mode) {
  cr_assert(ISECT(("-n", ""), "n", ("n")));
  cr_assert(ISECT(("-t", "hello"), "t:", ("t", "hello")));
  cr_assert(ISECT(("-nt", "hello"), "nt:", ("n", "t", "hello")));
  cr_assert(ISECT(("-thello"), "t:", ("t", "hello")));
  cr_assert(ISECT(("-n", "-t", "hello"), "nt:", ("n", "t", "hello")));
  cr_assert(!ISECT(("-n"), "n", ("t")));
  cr_assert(ISECT(("-n", "--", "-t"), "nt:", ("n")));
  cr_assert(!ISECT(("-n", "--", "-t"), "nt:", ("t")));
  cr_assert(ISECT(("-x", "-n"), "n", ("?", "n")));
  cr_assert(!ISECT(("-x", "-n"), "n", ("x")));
  cr_assert(ISECT(("-lpe", "/bin/sh"), "lp:e:", ("l", "p", "e")));
  cr_assert(!ISECT(("-lpe", "/bin/sh"), "lp:e:", ("/bin/sh")));
  cr_assert(ISECT(("-lpe", "/bin/sh"), "lpe:", ("/bin/sh")));
  cr_assert(!ISECT(("-n", "-t"), "", ("n")));
  cr_assert(!ISECT(("-n", "-t"), "", ("t")));
  cr_assert(!ISECT((""), "n", ("n")));
  cr_assert(!ISECT(("arg1", "arg2", "arg3"), "n", ("n")));
  cr_assert(!ISECT(("arg1", "-n", "arg2"), "n", ("n")));
  cr_assert(!ISECT(("-", "-n"), "n", ("n")));
  cr_assert(!ISECT(("-"), "n", ("n")));
  cr_assert(ISECT(("-t"), "t:", ("")));
  cr_assert(!ISECT(("-t"), "t:", ("?")));
  cr_assert(!ISECT(("-t"), "t:", ("t")));
  cr_assert(ISECT(("-t"), ":t:", ("")));
  cr_assert(!ISECT(("-t"), ":t:", (":")));
  cr_assert(ISECT(("-n", "--", "--"), "n", ("n")));
  cr_assert(!ISECT(("--", "-n"), "n", ("n")));
  cr_assert(ISECT(("-abcvalue"), "abc:", ("a", "b", "c", "value")));
  cr_assert(ISECT(("-t", "val1", "-t", "val2"), "t:", ("val2")));
  cr_assert(ISECT(("-t", "-123"), "t:", ("-123")));
  cr_assert(ISECT(("-t", ""), "t:", ("")));
  cr_assert(!ISECT(("regular_file", "-f", "x"), "f:", ("regular_file")));
  cr_assert(
      ISECT(("-f", "another_file", "regular_file"), "f:", ("another_file")));
  cr_assert(
      !ISECT(("-f", "another_file", "regular_file"), "f:", ("regular_file")));
  cr_assert(!ISECT(("", "-n", ""), "n", ("n")));
  cr_assert(ISECT(("-@", "-+"), "@+", ("@", "+")));
  cr_assert(ISECT(("-nx"), "n", ("?")));
  cr_assert(!ISECT(("--exec"), "e:", ("?")));
  cr_assert(!ISECT(("--exec"), "e:", ("e")));
  cr_assert(ISECT(("-a:"), "a", ("?"))); /* ':' is never an option */
}

Test(transform, getopt_list_exact) {
  vg_value av[] = {vs("-nx"), vs("-t"), vs("v"), vs("-e")};
  vg_value os = vs("nt:e:"), out[32];
  size_t outn;
  bool present;
  cr_assert_eq(vg_tr_getopt(av, 4, &os, -1, out, 32, &outn, &present),
               VIGIL_OK);
  cr_assert(present);
  cr_assert_eq(outn, 5);
  cr_assert(vals_eq(&out[0], "n") && vals_eq(&out[1], "?") &&
            vals_eq(&out[2], "t") && vals_eq(&out[3], "v") &&
            vals_eq(&out[4], ""));
  cr_assert_eq(vg_tr_getopt(av, 4, &os, -1, out, 3, &outn, &present),
               VIGIL_E_LIMIT);
}

Test(transform, getopt_selector_mode) {
  cr_assert(SEL(("-n", "-t", "hello"), "nt:", 't', "hello"));
  cr_assert(!SEL(("-n", "-t", "hello"), "nt:", 't', "n"));
  cr_assert(SEL(("-n", "-t", "hello"), "nt:", 'n', "n"));
  cr_assert(SEL(("-t", "v1", "-t", "v2"), "t:", 't', "v2"));
  cr_assert(SEL(("-t?"), "t:", 't', "?"));
  cr_assert(SEL(("-t:"), ":t:", 't', ":"));
  cr_assert(SEL(("-t"), "t:", 't', ""));
  cr_assert(SEL(("-n"), "nt:", 't', NULL));
  cr_assert(SEL(("-t", "v1", "-t"), "t:", 't', ""));
  cr_assert(SEL(("a", "-t", "x"), "t:", 't', NULL));
}
