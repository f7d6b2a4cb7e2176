/*
 * fuzz_load.c - the pack trust boundary: raw bytes into the loader and
 * verifier; whatever verifies is then evaluated once per source and once
 * per rule against an event whose fields all have a value of their
 * declared type. Must never crash, hang, leak or read out of bounds.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vm.h"

typedef struct fz_event {
  const vigil_program *p;
  vg_value v;
} fz_event;

static vigil_status fz_extract(void *ctx, uint32_t id, const vg_value **vals,
                               size_t *n) {
  fz_event *e = ctx;
  uint32_t type = VG_FT_CHARBUF;
  vigil_program_field_name(e->p, id, NULL, &type);
  memset(&e->v, 0, sizeof e->v);
  e->v.type = (vg_ftype)type;
  switch (type) {
  case VG_FT_CHARBUF:
  case VG_FT_FSPATH:
  case VG_FT_FSRELPATH:
  case VG_FT_BYTEBUF:
    e->v.v.s.p = (const uint8_t *)"/usr/bin/bash";
    e->v.v.s.n = 13;
    break;
  case VG_FT_IPV4ADDR:
  case VG_FT_IPV6ADDR:
  case VG_FT_IPADDR:
  case VG_FT_IPV4NET:
  case VG_FT_IPV6NET:
  case VG_FT_IPNET:
    e->v.v.ip.addr[0] = 127;
    e->v.v.ip.addr[3] = 1;
    e->v.v.ip.prefix = 32;
    break;
  default:
    e->v.v.u = 1;
    break;
  }
  *vals = &e->v;
  *n = id % 3 == 2 ? 0 : 1; /* some fields missing */
  return VIGIL_OK;
}

static const vigil_event_ops fz_ops = {sizeof(vigil_event_ops), fz_extract};

static void load_and_run(const uint8_t *data, size_t size) {
  vigil_program *p = NULL;
  char err[256];
  if (vigil_program_load(data, size, NULL, NULL, &p, err, sizeof err) !=
      VIGIL_OK)
    return;
  vigil_vm *vm = vigil_vm_new(p, NULL);
  if (vm) {
    fz_event e = {.p = p};
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
