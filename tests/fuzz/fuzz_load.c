/*
 * fuzz_load.c - the pack trust boundary: raw bytes into the loader and
 * verifier; whatever verifies is then evaluated once per source and once
 * per rule against an event whose fields all have a value of their
 * declared type, and disassembled. Must never crash, hang, leak or read out of bounds.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "back/back.h"
#include "util/buf.h"
#include "vigil/vm.h"

#include "fz_event.h"

static void load_and_run(const uint8_t *data, size_t size) {
  vigil_program *p = NULL;
  char err[256];
  if (vigil_program_load(data, size, NULL, NULL, &p, err, sizeof err) !=
      VIGIL_OK)
    return;
  /* the disassembler and the summary read verified packs too */
  vg_buf o;
  vg_buf_init(&o);
  vg_back_disasm(p, &o);
  vg_back_info(p, data, size, &o);
  vg_buf_fini(&o);
  vigil_vm *vm = vigil_vm_new(p, NULL);
  if (vm) {
    fz_event e = {
        .p = p, .str = "/usr/bin/bash", .ip0 = 127, .num = 1, .miss = 3};
    for (size_t s = 0; s < vigil_program_nsources(p); s++) {
      vigil_event ev = {(uint32_t)s, 3, &fz_ops, &e};
      vigil_vm_eval(vm, &ev);
    }
    for (size_t r = 0; r < vigil_program_nrules(p); r++) {
      vigil_event ev = {0, 0, &fz_ops, &e};
      bool m;
      vigil_vm_eval_rule(vm, &ev, r, &m);
    }
    vigil_vm_free(vm);
  }
  vigil_program_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  load_and_run(data, size);
  /* Mutations rarely keep the CRC right: also try the input with its
   * checksum fixed up, so they reach the section decoders and the
   * verifier. */
  if (size < 24 || size > (1u << 20))
    return 0;
  uint8_t *c = malloc(size);
  if (!c)
    return 0;
  memcpy(c, data, size);
  uint32_t crc = vigil_crc32(0, c + 24, size - 24);
  for (int i = 0; i < 4; i++)
    c[20 + i] = (uint8_t)(crc >> (8 * i));
  load_and_run(c, size);
  free(c);
  return 0;
}
