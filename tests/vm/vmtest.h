/*
 * vmtest.h - small helpers for the vm tests: building vg_values and
 * running one comparison through vg_check. Test code only.
 */
#ifndef VG_VMTEST_H
#define VG_VMTEST_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/cmp.h"

static inline vg_value vs(const char *s) {
  vg_value v;
  memset(&v, 0, sizeof v);
  v.type = VG_FT_CHARBUF;
  v.v.s.p = (const uint8_t *)s;
  v.v.s.n = strlen(s);
  return v;
}

static inline vg_value vbuf(const void *p, size_t n) {
  vg_value v;
  memset(&v, 0, sizeof v);
  v.type = VG_FT_BYTEBUF;
  v.v.s.p = (const uint8_t *)p;
  v.v.s.n = n;
  return v;
}

static inline vg_value vi(vg_ftype t, int64_t i) {
  vg_value v;
  memset(&v, 0, sizeof v);
  v.type = t;
  v.v.i = i;
  return v;
}

static inline vg_value vu(vg_ftype t, uint64_t u) {
  vg_value v;
  memset(&v, 0, sizeof v);
  v.type = t;
  v.v.u = u;
  return v;
}

static inline vg_value vb(bool b) {
  vg_value v;
  memset(&v, 0, sizeof v);
  v.type = VG_FT_BOOL;
  v.v.b = b;
  return v;
}

/* An address or "addr/len" network; type decides nothing here. */
static inline vg_value vip(vg_ftype t, const char *text) {
  vg_value v;
  char tmp[128];
  memset(&v, 0, sizeof v);
  v.type = t;
  size_t n = strlen(text);
  if (n >= sizeof tmp)
    n = sizeof tmp - 1;
  memcpy(tmp, text, n);
  tmp[n] = 0;
  char *slash = strchr(tmp, '/');
  if (slash)
    *slash = 0;
  v.v.ip.v6 = strchr(tmp, ':') != NULL;
  inet_pton(v.v.ip.v6 ? AF_INET6 : AF_INET, tmp, v.v.ip.addr);
  v.v.ip.prefix = slash ? (uint8_t)strtoul(slash + 1, NULL, 10)
                        : (uint8_t)(v.v.ip.v6 ? 128 : 32);
  return v;
}

/* Evaluates lhs <op> [mod] rhs[0..n) through vg_check; -1 on build
 * error. */
static inline int run_check(vg_cmpop op, vg_cmpmod mod, vg_ftype t,
                            bool is_list, const vg_value *lhs, size_t nlhs,
                            const vg_value *rhs, size_t nrhs) {
  vg_check *c = NULL;
  char err[256];
  vg_cmp_scratch scr;
  if (vg_check_new(op, mod, t, is_list, rhs, nrhs, &c, err, sizeof err) !=
      VIGIL_OK)
    return -1;
  if (vg_cmp_scratch_init(&scr) != VIGIL_OK) {
    vg_check_free(c);
    return -1;
  }
  int r = vg_check_eval(c, lhs, nlhs, &scr) ? 1 : 0;
  vg_cmp_scratch_fini(&scr);
  vg_check_free(c);
  return r;
}

/* Single string comparison through vg_check. */
static inline int sop(const char *l, vg_cmpop op, const char *r) {
  vg_value a = vs(l), b = vs(r);
  return run_check(op, VG_CMPMOD_NONE, VG_FT_CHARBUF, false, &a, 1, &b, 1);
}

#endif
