/*
 * test_regex.c - the 'regex' operator: RE2 POSIX-syntax validation with
 * RE2's error texts, whole-value matching, line anchors, UTF-8 handling
 * and sanitization of invalid UTF-8 subjects.
 */
#include <criterion/criterion.h>

#include "vm/vmtest.h"

/* 1 match, 0 no match, -1 invalid pattern */
static int rx(const char *pat, const char *val) {
  return sop(val, VG_CMP_REGEX, pat);
}

static int rxn(const char *pat, const void *val, size_t n) {
  vg_value v = vs(""), p = vs(pat);
  v.v.s.p = val;
  v.v.s.n = n;
  return run_check(VG_CMP_REGEX, 0, VG_FT_CHARBUF, false, &v, 1, &p, 1);
}

static const char *rerr(const char *pat) {
  static char err[256];
  char *out = NULL;
  size_t n;
  vigil_status st =
      vg_regex_translate(pat, strlen(pat), &out, &n, err, sizeof err);
  free(out);
  return st == VIGIL_OK ? "ok" : err;
}

Test(regex, whole_value) {
  cr_assert_eq(rx("yscal.*", "syscall"), 0);
  cr_assert_eq(rx(".*yscal", "syscall"), 0);
  cr_assert_eq(rx("syscal.*", "syscall"), 1);
  cr_assert_eq(rx("^unknown$", "syscall"), 0);
  cr_assert_eq(rx("^[A-Z]+$", "SYSCALL"), 1);
  cr_assert_eq(rx("sys", "syscall"), 0);
  cr_assert_eq(rx("a|b", "a"), 1);
  cr_assert_eq(rx("a|b", "ab"), 0);
  cr_assert_eq(rx("(a|ab)(c|bcd)", "abcd"), 1);
  cr_assert_eq(rx("", ""), 1);
  cr_assert_eq(rx("", "x"), 0);
  cr_assert_eq(rx("x*", ""), 1);
}

Test(regex, posix_features) {
  cr_assert_eq(rx("[[:digit:]]+", "12345"), 1);
  cr_assert_eq(rx("[[:digit:]]+", "12a45"), 0);
  cr_assert_eq(rx("[[:alpha:][:digit:]_]+", "ab_12"), 1);
  cr_assert_eq(rx("[[:^alpha:]]", "1"), 1);
  cr_assert_eq(rx("[[:word:]]+", "a_1"), 1);
  cr_assert_eq(rx("[^a]", "\n"), 1); /* negated classes match newline */
  cr_assert_eq(rx(".", "\n"), 0);    /* '.' does not */
  cr_assert_eq(rx("a{2,3}", "aaa"), 1);
  cr_assert_eq(rx("a{2,3}", "aaaa"), 0);
  cr_assert_eq(rx("a{2,}", "aaaaaa"), 1);
  cr_assert_eq(rx("a{2}", "aa"), 1);
  cr_assert_eq(rx("a{,2}", "a{,2}"), 1); /* not a repetition in RE2 */
  cr_assert_eq(rx("a{", "a{"), 1);
  cr_assert_eq(rx("a**", "aaa"), 1); /* POSIX mode allows stacking */
  cr_assert_eq(rx("a+?", "aaa"), 1); /* (a+)? */
  cr_assert_eq(rx("^*a", "a"), 1);
  cr_assert_eq(rx("\\.", "."), 1);
  cr_assert_eq(rx("\\.", "x"), 0);
  cr_assert_eq(rx("a\\x41\\x{42}", "aAB"), 1);
  cr_assert_eq(rx("\\101", "A"), 1);
  cr_assert_eq(rx("\\n", "\n"), 1);
  cr_assert_eq(rx("[]a]+", "]a]"), 1);
  cr_assert_eq(rx("[a-]+", "a-"), 1);
  cr_assert_eq(rx("[-a]+", "-a"), 1);
  cr_assert_eq(rx("[\\]]", "]"), 1);
  cr_assert_eq(rx("[[]", "["), 1);
  cr_assert_eq(rx("\\_", "_"), 1);
  cr_assert_eq(rx("()", ""), 1);
  cr_assert_eq(rx("(a)*", "aa"), 1);
  cr_assert_eq(rx("/usr/(s)?bin/.*", "/usr/sbin/sshd"), 1);
}

Test(regex, line_anchors) {
  /* one_line is off in POSIX mode: ^ and $ match at line boundaries */
  cr_assert_eq(rx("a$\nb", "a\nb"), 1);
  cr_assert_eq(rx("a\n^b", "a\nb"), 1);
  cr_assert_eq(rx("a$", "a\n"), 0);
  cr_assert_eq(rx("a\n^", "a\n"), 1);
  cr_assert_eq(rx("^a$", "a"), 1);
}

Test(regex, utf8) {
  cr_assert_eq(rx("\xc3\xa9+", "\xc3\xa9\xc3\xa9"), 1);
  cr_assert_eq(rx(".", "\xc3\xa9"), 1); /* one rune */
  cr_assert_eq(rx("..", "\xc3\xa9"), 0);
  cr_assert_eq(rx("[\xc3\xa0-\xc3\xbf]", "\xc3\xa9"), 1);
  cr_assert_eq(rx("[^a]", "\xe2\x82\xac"), 1);
  /* invalid UTF-8 in the value: U+FFFD, matched by '.' */
  cr_assert_eq(rxn("/p./q.", "/p\xff/q\xff", 6), 1);
  cr_assert_eq(rxn("/p./q", "/p\xff/q\xff", 6), 0);
  /* maximal subpart: E2 82 then 'a' is one replacement + 'a' */
  cr_assert_eq(rxn(".a",
                   "\xe2\x82"
                   "a",
                   3),
               1);
  cr_assert_eq(rxn("\xef\xbf\xbd", "\xff", 1), 1);
  /* trailing NULs are not part of the value */
  cr_assert_eq(rxn("abc", "abc\0", 4), 1);
}

Test(regex, sanitize) {
  uint8_t out[64];
  size_t n = vg_utf8_sanitize((const uint8_t *)"a\xf0\x9f\x98"
                                               "b",
                              5, out, sizeof out);
  cr_assert_eq(n, 5);
  cr_assert(memcmp(out,
                   "a\xef\xbf\xbd"
                   "b",
                   5) == 0);
  n = vg_utf8_sanitize((const uint8_t *)"\xed\xa0\x80", 3, out, sizeof out);
  cr_assert_eq(n, 9); /* surrogate: three single-byte subparts */
  n = vg_utf8_sanitize((const uint8_t *)"\xc0\xaf", 2, out, sizeof out);
  cr_assert_eq(n, 6);
  cr_assert_eq(vg_utf8_sanitize((const uint8_t *)"\xff", 1, out, 2), SIZE_MAX);
}

Test(regex, error_texts) {
  cr_assert_str_eq(rerr("\\d+"),
                   "invalid regex pattern: invalid escape sequence: \\d");
  cr_assert_str_eq(rerr("\\w"),
                   "invalid regex pattern: invalid escape sequence: \\w");
  cr_assert_str_eq(rerr("a\\s"),
                   "invalid regex pattern: invalid escape sequence: \\s");
  cr_assert_str_eq(rerr("\\bx"),
                   "invalid regex pattern: invalid escape sequence: \\b");
  cr_assert_str_eq(rerr("\\pL"),
                   "invalid regex pattern: invalid escape sequence: \\p");
  cr_assert_str_eq(rerr("\\Aa\\z"),
                   "invalid regex pattern: invalid escape sequence: \\A");
  cr_assert_str_eq(rerr("\\1"),
                   "invalid regex pattern: invalid escape sequence: \\1");
  cr_assert_str_eq(rerr("\\xZZ"),
                   "invalid regex pattern: invalid escape sequence: \\xZZ");
  cr_assert_str_eq(rerr("(?i)abc"),
                   "invalid regex pattern: no argument for repetition "
                   "operator: ?");
  cr_assert_str_eq(rerr("(?:abc)"),
                   "invalid regex pattern: no argument for repetition "
                   "operator: ?");
  cr_assert_str_eq(rerr("*a"),
                   "invalid regex pattern: no argument for repetition "
                   "operator: *");
  cr_assert_str_eq(rerr("a|+"),
                   "invalid regex pattern: no argument for repetition "
                   "operator: +");
  cr_assert_str_eq(rerr("{2}"),
                   "invalid regex pattern: no argument for repetition "
                   "operator: {2}");
  cr_assert_str_eq(rerr("a{1001}"),
                   "invalid regex pattern: invalid repetition size: {1001}");
  cr_assert_str_eq(rerr("a{3,2}"),
                   "invalid regex pattern: invalid repetition size: {3,2}");
  cr_assert_str_eq(rerr("(a{100}){100}"),
                   "invalid regex pattern: invalid repetition size: {100}");
  cr_assert_str_eq(rerr("(a{10}){100}"), "ok");
  cr_assert_str_eq(rerr("a)"), "invalid regex pattern: unexpected ): a)");
  cr_assert_str_eq(rerr("(a"), "invalid regex pattern: missing ): (a");
  cr_assert_str_eq(rerr("x[ab"), "invalid regex pattern: missing ]: [ab");
  cr_assert_str_eq(rerr("[]"), "invalid regex pattern: missing ]: []");
  cr_assert_str_eq(rerr("[z-a]"),
                   "invalid regex pattern: invalid character class range: "
                   "z-a");
  cr_assert_str_eq(rerr("[a-b-c]"),
                   "invalid regex pattern: invalid character class range: "
                   "-c");
  cr_assert_str_eq(rerr("[[:foo:]]"),
                   "invalid regex pattern: invalid character class range: "
                   "[:foo:]");
  cr_assert_str_eq(rerr("[\\d]"),
                   "invalid regex pattern: invalid escape sequence: \\d");
  cr_assert_str_eq(rerr("ab\\"), "invalid regex pattern: trailing \\");
  cr_assert_str_eq(rerr("a\xff"), "invalid regex pattern: invalid UTF-8");
  cr_assert_str_eq(rerr("[[:alpha:]"),
                   "invalid regex pattern: missing ]: [[:alpha:]");
  cr_assert_str_eq(rerr("a**"), "ok");
  cr_assert_str_eq(rerr("[[:^space:]]"), "ok");
}

Test(regex, match_limit_reported) {
  /* Exponential backtracking in PCRE2 is cut by the match limit; the
   * comparison is false and the scratch remembers why. */
  vg_regex *re;
  char err[128];
  const char *pat = "(a|a)*(a|a)*(a|a)*(a|a)*(a|a)*(a|a)*b";
  cr_assert_eq(vg_regex_new(pat, strlen(pat), &re, err, sizeof err), VIGIL_OK);
  vg_cmp_scratch scr;
  cr_assert_eq(vg_cmp_scratch_init(&scr), VIGIL_OK);
  char s[64];
  memset(s, 'a', sizeof s);
  bool m = vg_regex_match(re, (const uint8_t *)s, sizeof s, &scr);
  cr_assert(!m);
  vg_regex_free(re);
  vg_cmp_scratch_fini(&scr);
}

/* Every pattern the translator accepts must compile in PCRE2 (the
 * emitted syntax is ours, so any compile failure is a translator bug), and
 * matching must not crash. Deterministic random patterns over RE2's
 * metacharacters. */
Test(regex, random_patterns_translate_and_compile) {
  static const char *const atoms[] = {
      "a",           "b",           ".",         "^",
      "$",           "(",           ")",         "|",
      "*",           "+",           "?",         "{2}",
      "{1,3}",       "{2,}",        "{",         "}",
      "[",           "]",           "[^a]",      "[a-c]",
      "[[:digit:]]", "\\.",         "\\x41",     "\\n",
      "\\",          "-",           ",",         "\xc3\xa9",
      "[]a]",        "\\0",         "\\101",     "[:alpha:]",
      "x**",         "\\x{10FFFF}", "\\x{D800}", "[\\x{D800}-\\x{E000}]"};
  const size_t na = sizeof atoms / sizeof atoms[0];
  uint32_t seed = 12345;
  vg_cmp_scratch scr;
  cr_assert_eq(vg_cmp_scratch_init(&scr), VIGIL_OK);
  int accepted = 0;
  for (int iter = 0; iter < 20000; iter++) {
    char pat[256];
    size_t n = 0;
    seed = seed * 1103515245u + 12345u;
    int len = 1 + (int)((seed >> 16) % 8);
    for (int i = 0; i < len; i++) {
      seed = seed * 1103515245u + 12345u;
      const char *a = atoms[(seed >> 16) % na];
      size_t l = strlen(a);
      if (n + l >= sizeof pat)
        break;
      memcpy(pat + n, a, l);
      n += l;
    }
    pat[n] = 0;
    char err[256], *out = NULL;
    size_t on;
    vigil_status st = vg_regex_translate(pat, n, &out, &on, err, sizeof err);
    free(out);
    if (st != VIGIL_OK) {
      cr_assert_eq(st, VIGIL_E_SYNTAX);
      cr_assert(strncmp(err, "invalid regex pattern: ", 23) == 0, "%s", err);
      continue;
    }
    accepted++;
    vg_regex *re = NULL;
    st = vg_regex_new(pat, n, &re, err, sizeof err);
    cr_assert_eq(st, VIGIL_OK, "pattern '%s' translated but failed: %s", pat,
                 err);
    (void)vg_regex_match(re, (const uint8_t *)"abc\n\xc3\xa9.", 7, &scr);
    vg_regex_free(re);
  }
  cr_assert_gt(accepted, 1000);
  vg_cmp_scratch_fini(&scr);
}
