// re2_diff.cpp - differential check of the RE2-POSIX translator
// (plugin/vm/regex.c) against the real RE2 library, version 2022-06-01 as
// pinned by libsinsp. Not part of the build (RE2 is not a dependency of
// vigil); a developer tool. Random patterns over RE2 metacharacters: both
// must accept/reject alike, with the same "invalid regex pattern: ..." text,
// and agree on whole-value matches of random subjects (sanitized for RE2 as
// libsinsp does). Usage, from the worktree after building vigil_vm:
//   apt-get install libre2-dev
//   g++ -O1 -std=c++17 -Iplugin -Iinclude tests/vm/difftools/re2_diff.cpp \
//       build/libvigil_vm.a -lre2 -lpcre2-8 -o /tmp/re2_diff
//   /tmp/re2_diff 300000 2>/dev/null      # mixed, mostly invalid patterns
//   /tmp/re2_diff 200000 v 2>/dev/null    # valid-biased patterns
// Last run (vmops): 0 differences in acceptance, messages and matches.
#include <re2/re2.h>
#include <cstdio>
#include <cstring>
#include <string>
#include <cstdlib>
extern "C" {
#include "vm/cmp.h"
}
static uint32_t seed = 1;
static uint32_t rnd() { seed = seed * 1103515245u + 12345u; return seed >> 16; }
int main(int argc, char **argv) {
  int iters = argc > 1 ? atoi(argv[1]) : 100000;
  static const char *atoms[] = {"a","b","c",".","^","$","(",")","|","*","+","?","{2}","{1,3}","{0}","{2,}","{,2}","{","}","[","]","[^a]","[a-c]","[[:digit:]]","[[:alpha:]]","[[:foo:]]","\\.","\\x41","\\n","\\","-","\xc3\xa9","[]a]","\\0","\\101","\\1","\\d","\\b","\\pL","(?i)","(?:","\\z","\\Q","[a-]","[-a]","[a-b-c]","[z-a]","a{1001}","\n","\xff","[^\n]","\\x{10FFFF}","[\\]]","[[]","\\_","\\-","\\{","**","a**","[:alpha:]", "[[:^space:]]", "\\8", "\\x{", "\\xZ", "\\e", "\\a", "\\f", "\\v", "\\r", "\\t", "[\\d]", "[\\n]"};
  const size_t na0 = sizeof atoms / sizeof atoms[0];
  static const char *valid_atoms[] = {"a","b","(a|b)","(",")","|","*","+","?","{2}","{0,1}","{1,2}",".","^","$","\\n","[^a]","[ab]","[[:alpha:]]","[^[:alpha:]]","(a*)*","()","[.]","\\.","\\x{e9}","Ã©","[Ã -Ã¿]","[\\x00-\\x{10FFFF}]","\\x{FFFD}"};
  const char **A = argc > 2 ? valid_atoms : atoms;
  const size_t na = argc > 2 ? sizeof valid_atoms / sizeof valid_atoms[0] : na0;
  static const char *sub_atoms[] = {"a","b","c","\n",".","A","\xc3\xa9","\xff","-","]","[","1","9","{","}","_"," ","\\"};
  const size_t ns = sizeof sub_atoms / sizeof sub_atoms[0];
  vg_cmp_scratch scr; vg_cmp_scratch_init(&scr);
  long agree_err=0, agree_ok=0, msg_diff=0, acc_diff=0, match_diff=0, matches=0;
  for (int it = 0; it < iters; it++) {
    std::string pat;
    int len = 1 + rnd() % (argc > 2 ? 10 : 7);
    for (int i = 0; i < len; i++) pat += A[rnd() % na];
    RE2 re(pat, RE2::POSIX);
    char err[512]; char *out = NULL; size_t on;
    vigil_status st = vg_regex_translate(pat.data(), pat.size(), &out, &on, err, sizeof err);
    free(out);
    bool rok = re.ok(), mok = st == VIGIL_OK;
    if (rok != mok) {
      if (acc_diff < 30) printf("ACCEPT DIFF pat=[%s] re2=%s mine=%s\n", pat.c_str(), rok ? "ok" : re.error().c_str(), mok ? "ok" : err);
      acc_diff++; continue;
    }
    if (!rok) {
      std::string exp = "invalid regex pattern: " + re.error();
      if (exp != err) { if (msg_diff < 30) printf("MSG DIFF pat=[%s]\n  re2 =[%s]\n  mine=[%s]\n", pat.c_str(), exp.c_str(), err); msg_diff++; }
      else agree_err++;
      continue;
    }
    agree_ok++;
    vg_regex *mr; if (vg_regex_new(pat.data(), pat.size(), &mr, err, sizeof err) != VIGIL_OK) { printf("COMPILE FAIL [%s] %s\n", pat.c_str(), err); continue; }
    for (int k = 0; k < 20; k++) {
      std::string s;
      int sl = rnd() % 6;
      for (int i = 0; i < sl; i++) s += sub_atoms[rnd() % ns];
      uint8_t san[256]; size_t sn = vg_utf8_sanitize((const uint8_t*)s.data(), s.size(), san, sizeof san);
      re2::StringPiece text((const char*)san, sn);
      bool r = re.Match(text, 0, sn, RE2::ANCHOR_BOTH, nullptr, 0);
      bool m = vg_regex_match(mr, (const uint8_t*)s.data(), s.size(), &scr);
      matches += r;
      if (r != m) { if (match_diff < 30) { printf("MATCH DIFF pat=[%s] subj=[", pat.c_str()); for (char c : s) printf(c=='\n'?"\\n":"%c", c); printf("] re2=%d mine=%d\n", r, m);} match_diff++; }
    }
    vg_regex_free(mr);
  }
  printf("agree_ok=%ld agree_err=%ld accept_diff=%ld msg_diff=%ld match_diff=%ld (re2 matches %ld)\n", agree_ok, agree_err, acc_diff, msg_diff, match_diff, matches);
}
