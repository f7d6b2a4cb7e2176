// b64_diff.cpp - differential check of vg_tr_b64_decode (transform.c)
// against libsinsp's Base64::decodeWithoutPadding (header-only
// userspace/libsinsp/base64.h of falcosecurity/libs @ 48dfd53c, copied to
// DIR/libsinsp/base64.h). Developer tool, not built:
//   g++ -O1 -std=c++17 -IDIR -Iplugin -Iinclude
//       tests/vm/difftools/b64_diff.cpp build/libvigil_vm.a -o /tmp/b64_diff
// Last run (vmops): 0 differences in 2000000 inputs.
#include <string>
#include <string_view>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include "libsinsp/base64.h"
extern "C" {
#include "vm/transform.h"
}
static uint32_t seed = 9;
static uint32_t rnd() { seed = seed * 1103515245u + 12345u; return seed >> 16; }
int main() {
  const char alpha[] = "ABCQRSabcqrs0189+/=*= ";
  long diff = 0, ok = 0;
  for (int it = 0; it < 2000000; it++) {
    std::string in; int n = rnd() % 10;
    for (int i = 0; i < n; i++) in += alpha[rnd() % (sizeof alpha - 1)];
    std::string out1; bool a = Base64::decodeWithoutPadding(std::string_view(in), out1);
    uint8_t out2[64]; size_t on; bool b = vg_tr_b64_decode((const uint8_t*)in.data(), in.size(), out2, &on);
    bool same = a == b && (!a || (out1.size() == on && !memcmp(out1.data(), out2, on)));
    ok += a;
    if (!same) { if (diff < 10) printf("DIFF [%s] libsinsp=%d(%zu) mine=%d(%zu)\n", in.c_str(), a, out1.size(), b, on); diff++; }
  }
  printf("b64: %ld differences (%ld valid)\n", diff, ok);
}
