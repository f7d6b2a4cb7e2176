/*
 * cmp_int.h - helpers shared by cmp.c, regex.c, pmatch.c and valset.c;
 * not part of the comparison API (see cmp.h). Owned by vmops.
 */
#ifndef VG_CMP_INT_H
#define VG_CMP_INT_H

#include "vm/cmp.h"

/* Comparison families of field types. */
typedef enum vg_tfam {
  VG_TF_OTHER = 0,
  VG_TF_SIGNED,
  VG_TF_UNSIGNED,
  VG_TF_DOUBLE,
  VG_TF_BOOL,
  VG_TF_IPADDR,
  VG_TF_IPNET,
  VG_TF_STRING,
  VG_TF_BUFFER
} vg_tfam;

vg_tfam vg_cmp_family(vg_ftype t);
int64_t vg_cmp_narrow_s(vg_ftype t, int64_t v);
uint64_t vg_cmp_narrow_u(vg_ftype t, uint64_t v);
/* Length of p[0..n) without trailing NUL bytes. */
size_t vg_cmp_strip_nul(const uint8_t *p, size_t n);
/* Address a inside network b (same family). */
bool vg_cmp_in_net(const vg_ipnet *a, const vg_ipnet *b);
/* Grows scr->buf to at least need bytes; false (and scr->err set) on
 * failure. */
bool vg_cmp_scratch_reserve(vg_cmp_scratch *scr, size_t need);
/* NUL-terminated copy of s[0..n) in scr->buf, or NULL. */
const char *vg_cmp_cstr(vg_cmp_scratch *scr, const uint8_t *s, size_t n);

#endif
