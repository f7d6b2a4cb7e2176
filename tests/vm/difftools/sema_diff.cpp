// sema_diff.cpp - differential check of compiler/sema/regex_check.c (the
// sema helper's RE2-POSIX validator) against real RE2 2022-06-01, same
// method as re2_diff.cpp. Developer tool, not built. Usage:
//   g++ -O1 -std=c++17 -Icompiler tests/vm/difftools/sema_diff.cpp \
//       -x c compiler/sema/regex_check.c -x none -lre2 -o /tmp/sema_diff
//   /tmp/sema_diff 200000
// Run by vmops at merge 51467bb: 27074 differences in 200000 patterns
// (e.g. "\_" rejected, "[a-b-c]" message, nested {n} products).
#include <re2/re2.h>
#include <cstdio>
#include <string>
#include <cstdlib>
extern "C" {
bool vg_regex_check_re2_posix(const char *pat, size_t len, char *why, size_t whysz);
}
static uint32_t seed = 7;
static uint32_t rnd() { seed = seed * 1103515245u + 12345u; return seed >> 16; }
int main(int argc, char **argv) {
  int iters = argc > 1 ? atoi(argv[1]) : 100000;
  static const char *atoms[] = {"a","b","c",".","^","$","(",")","|","*","+","?","{2}","{1,3}","{0}","{2,}","{,2}","{","}","[","]","[^a]","[a-c]","[[:digit:]]","[[:alpha:]]","[[:foo:]]","\\.","\\x41","\\n","\\","-","\xc3\xa9","[]a]","\\0","\\101","\\1","\\d","\\b","\\pL","(?i)","(?:","\\z","\\Q","[a-]","[-a]","[a-b-c]","[z-a]","a{1001}","\n","\xff","[^\n]","\\x{10FFFF}","[\\]]","[[]","\\_","\\-","\\{","**","a**","[:alpha:]", "[[:^space:]]", "\\8", "\\x{", "\\xZ", "\\e", "\\a", "\\f", "\\v", "\\r", "\\t", "[\\d]", "[\\n]", "(a{100}){100}", "a{2}{3}"};
  const size_t na = sizeof atoms / sizeof atoms[0];
  long diff = 0, n = 0;
  for (int it = 0; it < iters; it++) {
    std::string pat; int len = 1 + rnd() % 7;
    for (int i = 0; i < len; i++) pat += atoms[rnd() % na];
    RE2::Options o(RE2::POSIX); o.set_log_errors(false);
    RE2 re(pat, o);
    char why[512] = "";
    bool ok = vg_regex_check_re2_posix(pat.data(), pat.size(), why, sizeof why);
    n++;
    bool same = ok == re.ok() && (ok || re.error() == why);
    if (!same) { if (diff < 15) printf("DIFF [%s]: re2=%s sema=%s\n", pat.c_str(), re.ok() ? "ok" : re.error().c_str(), ok ? "ok" : why); diff++; }
  }
  printf("sema validator: %ld differences in %ld patterns\n", diff, n);
}
