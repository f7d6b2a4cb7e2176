/*
 * fz_event.h - the made-up event the fuzz targets evaluate packs on: every
 * field the pack reads has a value of its declared type (one string for
 * the string types, one address x.0.0.1/32, one number for the rest), but
 * the fields whose id is miss - 1 modulo miss have none, so missing values
 * are exercised too. Header-only (static), for the fuzz_*.c sources; the
 * fz_event the caller fills must outlive the evaluation.
 */
#ifndef VG_TESTS_FZ_EVENT_H
#define VG_TESTS_FZ_EVENT_H

#include <stdint.h>
#include <string.h>

#include "vigil/program.h"
#include "vigil/vm.h"

typedef struct fz_event {
  const vigil_program *p;
  const char *str; /* the value of every string field */
  uint8_t ip0;     /* the first byte of every address */
  uint64_t num;    /* the value of every field of another type */
  uint32_t miss;   /* fields with id % miss == miss - 1 have no value */
  vg_value v;      /* the value last handed out */
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
    e->v.v.s.p = (const uint8_t *)e->str;
    e->v.v.s.n = strlen(e->str);
    break;
  case VG_FT_IPV4ADDR:
  case VG_FT_IPV6ADDR:
  case VG_FT_IPADDR:
  case VG_FT_IPV4NET:
  case VG_FT_IPV6NET:
  case VG_FT_IPNET:
    e->v.v.ip.addr[0] = e->ip0;
    e->v.v.ip.addr[3] = 1;
    e->v.v.ip.prefix = 32;
    break;
  default:
    e->v.v.u = e->num;
    break;
  }
  *vals = &e->v;
  *n = e->miss && id % e->miss == e->miss - 1 ? 0 : 1;
  return VIGIL_OK;
}

static const vigil_event_ops fz_ops = {sizeof(vigil_event_ops), fz_extract};

#endif
