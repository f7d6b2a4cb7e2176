/*
 * test_pack_compact.c - the compact rules pack (program.h 1.1) that
 * vg_pack_rules writes: deflated body, no descriptions, no DEBUG spans.
 * It must load and evaluate like the plain form, and the loader must
 * reject damaged or hostile compressed bodies with an error, never a
 * crash or an oversized allocation.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "back/back.h"
#include "back/pack_rules.h"
#include "util/alloc.h"
#include "vigil/compiler.h"
#include "vigil/vm.h"
#include "vm/pack.h"

static const char *const RULES =
    "- list: shells\n"
    "  items: [sh, bash]\n"
    "- rule: shell\n"
    "  desc: a description that packs leave out\n"
    "  condition: evt.type = execve and proc.name in (shells)\n"
    "  output: shell %proc.name\n"
    "  priority: WARNING\n"
    "- rule: etc\n"
    "  desc: another description\n"
    "  condition: evt.type in (open, openat) and fd.name startswith /etc\n"
    "  output: etc %fd.name\n"
    "  priority: ERROR\n";

static void compile(uint8_t **out, size_t *len) {
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vigil_compiler *c;
  cr_assert_eq(vigil_compiler_new(&o, &c), VIGIL_OK);
  vigil_compiler_load_buffer(c, "t.yaml", RULES, strlen(RULES));
  vigil_compiler_finish(c);
  size_t nrules = 0;
  char err[512];
  cr_assert_eq(vg_pack_rules(c, true, out, len, &nrules, err, sizeof err),
               VIGIL_OK, "%s", err);
  cr_assert_eq(nrules, 2);
  vigil_compiler_free(c);
}

static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static void fix_crc(uint8_t *b, size_t n) {
  put32(b + 20, vigil_crc32(0, b + 24, n - 24));
}

static vigil_status load(const uint8_t *b, size_t n, char *err,
                         size_t errsz) {
  vigil_program *p = NULL;
  vigil_status st = vigil_program_load(b, n, NULL, NULL, &p, err, errsz);
  vigil_program_free(p);
  return st;
}

Test(pack_compact, deflated_without_descriptions) {
  uint8_t *b;
  size_t n;
  compile(&b, &n);
  cr_assert_eq(vg_rd_u16le(b + 8), VIGIL_PACK_MAJOR);
  cr_assert_eq(vg_rd_u16le(b + 10), 1);
  cr_assert_eq(vg_rd_u32le(b + 12), VIGIL_PACK_F_DEFLATE);
  cr_assert_eq(vg_rd_u32le(b + 16), n);
  vigil_program *p;
  char err[256];
  cr_assert_eq(vigil_program_load(b, n, NULL, NULL, &p, err, sizeof err),
               VIGIL_OK, "%s", err);
  cr_assert_eq(vigil_program_nrules(p), 2);
  vigil_rule_info ri;
  vigil_program_rule(p, 0, &ri);
  cr_assert_str_eq(ri.name, "shell");
  cr_assert_eq(strncmp(ri.output, "shell %proc.name", 16), 0);
  cr_assert(ri.desc == NULL || !ri.desc[0]); /* left out */
  /* no DEBUG section */
  for (uint32_t i = 0; i < p->nsec; i++)
    cr_assert_neq(p->sec[i].kind, VIGIL_SEC_DEBUG);
  vigil_program_free(p);
  /* same input, same bytes */
  uint8_t *b2;
  size_t n2;
  compile(&b2, &n2);
  cr_assert_eq(n, n2);
  cr_assert_eq(memcmp(b, b2, n), 0);
  vg_free(b);
  vg_free(b2);
}

Test(pack_compact, damaged_bodies_are_rejected) {
  uint8_t *b;
  size_t n;
  char err[256];
  compile(&b, &n);
  uint8_t *c = malloc(n + 64);
  cr_assert_not_null(c);

  /* a flipped bit: checksum */
  memcpy(c, b, n);
  c[n / 2] ^= 0x10;
  cr_assert_eq(load(c, n, err, sizeof err), VIGIL_E_CORRUPT);

  /* the same with a valid checksum: the stream or the image is bad */
  fix_crc(c, n);
  cr_assert_neq(load(c, n, err, sizeof err), VIGIL_OK);

  /* declared image size too small, too large, absurd */
  uint32_t u = vg_rd_u32le(b + 24);
  const uint32_t sizes[] = {0, 27, u - 1, u + 1, VIGIL_PACK_MAX_IMAGE + 1,
                            0xffffffffu};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    memcpy(c, b, n);
    put32(c + 24, sizes[i]);
    fix_crc(c, n);
    cr_assert_eq(load(c, n, err, sizeof err), VIGIL_E_FORMAT,
                 "size %u accepted", (unsigned)sizes[i]);
  }

  /* truncated stream, and trailing bytes after it */
  for (size_t cut = 1; cut < 16; cut++) {
    memcpy(c, b, n - cut);
    put32(c + 16, (uint32_t)(n - cut));
    fix_crc(c, n - cut);
    cr_assert_eq(load(c, n - cut, err, sizeof err), VIGIL_E_FORMAT);
  }
  memcpy(c, b, n);
  memset(c + n, 0, 8);
  put32(c + 16, (uint32_t)(n + 8));
  fix_crc(c, n + 8);
  cr_assert_eq(load(c, n + 8, err, sizeof err), VIGIL_E_FORMAT);

  /* the flag on a 1.0 pack, and an unknown flag */
  memcpy(c, b, n);
  c[10] = 0;
  fix_crc(c, n);
  cr_assert_eq(load(c, n, err, sizeof err), VIGIL_E_FORMAT);
  memcpy(c, b, n);
  put32(c + 12, VIGIL_PACK_F_DEFLATE | 2u);
  fix_crc(c, n);
  cr_assert_eq(load(c, n, err, sizeof err), VIGIL_E_FORMAT);

  /* a valid stream of garbage: the inflated image must still verify */
  uint8_t junk[200];
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] = (uint8_t)(i * 37 + 11);
  uLongf zn = compressBound(sizeof junk);
  uint8_t *z = malloc(28 + zn);
  cr_assert_not_null(z);
  memcpy(z, b, 24);
  put32(z + 24, 24 + (uint32_t)sizeof junk);
  cr_assert_eq(compress2(z + 28, &zn, junk, sizeof junk, 9), Z_OK);
  put32(z + 16, (uint32_t)(28 + zn));
  fix_crc(z, 28 + zn);
  cr_assert_eq(load(z, 28 + zn, err, sizeof err), VIGIL_E_FORMAT);
  free(z);
  free(c);
  vg_free(b);
}

/* Every truncation and every single-byte change of a compact pack gives an
 * error or a program, never a crash (run under ASan in CI). */
Test(pack_compact, mutations_never_crash) {
  uint8_t *b;
  size_t n;
  char err[256];
  compile(&b, &n);
  uint8_t *c = malloc(n);
  cr_assert_not_null(c);
  for (size_t i = 0; i < n; i++) {
    memcpy(c, b, n);
    c[i] ^= 0xa5;
    if (i >= 24)
      fix_crc(c, n);
    (void)load(c, n, err, sizeof err);
    (void)load(b, i, err, sizeof err);
  }
  free(c);
  vg_free(b);
}
