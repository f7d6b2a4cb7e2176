// pmatch_diff.cpp - differential check of vg_pmatch (plugin/vm/pmatch.c)
// against libsinsp's path_prefix_search (userspace/libsinsp/prefix_search.h
// and .cpp of falcosecurity/libs @ 48dfd53c), random sets and values.
// Developer tool, not built. Put copies of prefix_search.h, filter_value.h
// under DIR/libsinsp/ and prefix_search.cpp in DIR, plus a DIR/libsinsp/
// utils.h defining sinsp_utils::glob_match(p, s, ci) as fnmatch(p, s, ci ?
// FNM_CASEFOLD : 0) == 0. One fix is needed in the copy: in
// match_components_glob, libsinsp increments the loop's comp iterator for
// every matching glob sibling (++comp), which walks past the end (UB, a
// crash here) when two glob siblings match; use a copy: auto next = comp;
// ... ++next. Then:
//   g++ -O1 -std=c++17 -IDIR -Iplugin -Iinclude
//       tests/vm/difftools/pmatch_diff.cpp DIR/prefix_search.cpp
//       build/libvigil_vm.a -lpcre2-8 -o /tmp/pmatch_diff
//   /tmp/pmatch_diff 100000
// Last run (vmops): 0 differences in 1000000 lookups.
#include <libsinsp/prefix_search.h>
#include <cstdio>
#include <string>
#include <vector>
extern "C" {
#include "vm/cmp.h"
}
static uint32_t seed = 3;
static uint32_t rnd() { seed = seed * 1103515245u + 12345u; return seed >> 16; }
static std::string rpath(bool pat) {
  static const char *comps[] = {"a","b","c","ab","a*","*","?","[ab]","[!a]","b?","*b",""};
  static const char *vcomps[] = {"a","b","c","ab","ba","bb","x"};
  std::string s;
  if (rnd() % 4) s += "/";
  int n = rnd() % 4;
  for (int i = 0; i < n; i++) {
    s += pat ? comps[rnd() % 12] : vcomps[rnd() % 7];
    if (i + 1 < n || rnd() % 4 == 0) s += (rnd() % 5 ? "/" : "//");
  }
  return s;
}
int main(int argc, char **argv) {
  int iters = argc > 1 ? atoi(argv[1]) : 100000;
  long diff = 0, tot = 0, hits = 0;
  vg_cmp_scratch scr; vg_cmp_scratch_init(&scr);
  for (int it = 0; it < iters; it++) {
    path_prefix_search ps; vg_pmatch *pm; vg_pmatch_new(&pm);
    int np = 1 + rnd() % 4;
    std::vector<std::string> paths;
    for (int i = 0; i < np; i++) {
      std::string p = rpath(true); paths.push_back(p);
      filter_value_t fv((uint8_t*)p.data(), (uint32_t)p.size());
      ps.add_search_path(fv);
      vg_pmatch_add(pm, (const uint8_t*)p.data(), p.size());
    }
    for (int k = 0; k < 10; k++) {
      std::string v = rpath(false);
      filter_value_t fv((uint8_t*)v.data(), (uint32_t)v.size());
      bool a = ps.match(fv);
      bool b = vg_pmatch_match(pm, (const uint8_t*)v.data(), v.size(), &scr);
      tot++; hits += a;
      if (a != b) { if (diff < 20) { printf("DIFF value=[%s] libsinsp=%d mine=%d set:", v.c_str(), a, b); for (auto &p : paths) printf(" [%s]", p.c_str()); printf("\n"); } diff++; }
    }
    vg_pmatch_free(pm);
  }
  printf("pmatch: %ld differences in %ld lookups (%ld matches)\n", diff, tot, hits);
}
