/*
 * fuzz_vmops.c - fuzz entry for the evaluation-time comparison and
 * transformer runtime (plugin/vm/cmp.h, transform.h; owned by vmops).
 * Input: a selector byte, then "A\0B": A is a right-hand side (a regex
 * pattern, or '\n'-separated pmatch paths / glob patterns / set elements),
 * B the extracted value (also: base64 text, or '\n'-separated argv for
 * getopt with A as the option string). Nothing may crash, leak or hang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vm/cmp.h"
#include "vm/transform.h"

static size_t split(const uint8_t *s, size_t n, vg_value *out, size_t cap) {
  size_t k = 0, st = 0;
  for (size_t i = 0; i <= n && k < cap; i++) {
    if (i == n || s[i] == '\n') {
      memset(&out[k], 0, sizeof out[k]);
      out[k].type = VG_FT_CHARBUF;
      out[k].v.s.p = s + st;
      out[k].v.s.n = i - st;
      k++;
      st = i + 1;
    }
  }
  return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 4096)
    return 0;
  uint8_t sel = data[0];
  const uint8_t *a = data + 1, *z = memchr(a, 0, size - 1);
  size_t an = z ? (size_t)(z - a) : size - 1;
  const uint8_t *b = z ? z + 1 : a + an;
  size_t bn = (size_t)(data + size - b);
  vg_value rhs[64], lhs;
  size_t nr = split(a, an, rhs, 64);
  memset(&lhs, 0, sizeof lhs);
  lhs.type = VG_FT_CHARBUF;
  lhs.v.s.p = b;
  lhs.v.s.n = bn;
  vg_cmp_scratch scr;
  if (vg_cmp_scratch_init(&scr) != VIGIL_OK)
    return 0;
  char err[256];
  static const vg_cmpop ops[] = {
      VG_CMP_REGEX, VG_CMP_PMATCH,    VG_CMP_GLOB,     VG_CMP_IGLOB,
      VG_CMP_IN,    VG_CMP_ICONTAINS, VG_CMP_CONTAINS, VG_CMP_ENDSWITH};
  switch (sel % 10) {
  case 8: { /* transformers */
    static uint8_t mem[8192];
    vg_trbuf tb;
    vg_trbuf_init(&tb, mem, sizeof mem);
    vg_value v = lhs;
    size_t n = 1;
    bool present;
    (void)vg_tr_apply(VG_TRK_B64, VG_FT_CHARBUF, false, &v, &n, &tb, &present);
    vg_value out[8192 / 2];
    vg_value argv[64];
    size_t argc = split(b, bn, argv, 64), outn;
    vg_value os = rhs[0];
    (void)vg_tr_getopt(argv, argc, &os, -1, out, sizeof out / sizeof out[0],
                       &outn, &present);
    (void)vg_tr_getopt(argv, argc, &os, 't', out, sizeof out / sizeof out[0],
                       &outn, &present);
    vg_value j;
    (void)vg_tr_join(&os, argv, argc, &tb, &j);
    break;
  }
  case 9: { /* regex translation only, whole input as the pattern */
    char *out = NULL;
    size_t on;
    if (vg_regex_translate((const char *)data + 1, size - 1, &out, &on, err,
                           sizeof err) == VIGIL_OK)
      free(out);
    break;
  }
  default: {
    vg_cmpop op = ops[sel % 8];
    vg_cmpmod mod = (vg_cmpmod)((sel >> 4) % 4);
    if (op == VG_CMP_PMATCH || op == VG_CMP_IN)
      mod = VG_CMPMOD_NONE;
    vg_check *c = NULL;
    if (vg_check_new(op, mod, VG_FT_CHARBUF, false, rhs, nr, &c, err,
                     sizeof err) == VIGIL_OK) {
      (void)vg_check_eval(c, &lhs, 1, &scr);
      vg_check_free(c);
    }
    break;
  }
  }
  vg_cmp_scratch_fini(&scr);
  return 0;
}
