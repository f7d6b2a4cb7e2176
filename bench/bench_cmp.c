/*
 * bench_cmp.c - micro-benchmark of the comparison library (plugin/vm/cmp.h):
 * nanoseconds per vg_check_eval for the operators rules use most. Built by
 * plugin/vm/CMakeLists.txt as the 'bench_cmp' target (not part of 'all');
 * run ./build/bench_cmp [iterations]. Prints one line per case; no timing
 * is asserted anywhere.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vm/cmp.h"

static vg_value str(const char *s) {
  vg_value v;
  memset(&v, 0, sizeof v);
  v.type = VG_FT_CHARBUF;
  v.v.s.p = (const uint8_t *)s;
  v.v.s.n = strlen(s);
  return v;
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile int sink;

static void bench(const char *name, vg_cmpop op, vg_cmpmod mod, vg_ftype t,
                  const vg_value *rhs, size_t nrhs, const vg_value *lhs,
                  long iters, vg_cmp_scratch *scr) {
  vg_check *c;
  char err[256];
  if (vg_check_new(op, mod, t, false, rhs, nrhs, &c, err, sizeof err) !=
      VIGIL_OK) {
    printf("%-34s build error: %s\n", name, err);
    return;
  }
  int hits = 0;
  double t0 = now_ns();
  for (long i = 0; i < iters; i++)
    hits += vg_check_eval(c, lhs, 1, scr);
  double t1 = now_ns();
  sink = hits;
  printf("%-34s %8.1f ns/eval  (%s)\n", name, (t1 - t0) / (double)iters,
         hits ? "match" : "no match");
  vg_check_free(c);
}

int main(int argc, char **argv) {
  long iters = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
  if (iters <= 0)
    iters = 1000000;
  vg_cmp_scratch scr;
  if (vg_cmp_scratch_init(&scr) != VIGIL_OK)
    return 1;

  vg_value path = str("/usr/lib/x86_64-linux-gnu/libc.so.6");
  vg_value name = str("sshd");
  vg_value r;

  r = str("sshd");
  bench("= string", VG_CMP_EQ, 0, VG_FT_CHARBUF, &r, 1, &name, iters, &scr);
  r = str("libc");
  bench("contains", VG_CMP_CONTAINS, 0, VG_FT_CHARBUF, &r, 1, &path, iters,
        &scr);
  r = str("LIBC");
  bench("icontains", VG_CMP_ICONTAINS, 0, VG_FT_CHARBUF, &r, 1, &path, iters,
        &scr);
  r = str("/usr/lib/");
  bench("startswith", VG_CMP_STARTSWITH, 0, VG_FT_CHARBUF, &r, 1, &path, iters,
        &scr);
  r = str("/usr/lib/*/libc.so*");
  bench("glob", VG_CMP_GLOB, 0, VG_FT_CHARBUF, &r, 1, &path, iters, &scr);
  r = str("/usr/(s)?lib/.*/libc\\.so\\.[[:digit:]]+");
  bench("regex", VG_CMP_REGEX, 0, VG_FT_CHARBUF, &r, 1, &path, iters, &scr);

  /* a set of 200 process names, as in Falco's shell/binary lists */
  static char names[200][16];
  static vg_value set[200];
  for (int i = 0; i < 200; i++) {
    snprintf(names[i], sizeof names[i], "proc%03d", i);
    set[i] = str(names[i]);
  }
  set[199] = str("sshd");
  bench("in (200 strings)", VG_CMP_IN, 0, VG_FT_CHARBUF, set, 200, &name, iters,
        &scr);
  vg_value miss = str("nothere");
  bench("in (200 strings), miss", VG_CMP_IN, 0, VG_FT_CHARBUF, set, 200, &miss,
        iters, &scr);
  bench("= oneof (200 strings)", VG_CMP_EQ, VG_CMPMOD_ONEOF, VG_FT_CHARBUF, set,
        200, &name, iters / 10, &scr);

  /* pmatch over 50 directories, a few with glob components */
  static char dirs[50][32];
  static vg_value dv[50];
  for (int i = 0; i < 50; i++) {
    snprintf(dirs[i], sizeof dirs[i], i % 10 == 0 ? "/opt/*/d%d" : "/srv/d%d",
             i);
    dv[i] = str(dirs[i]);
  }
  dv[49] = str("/usr/lib");
  bench("pmatch (50 paths)", VG_CMP_PMATCH, 0, VG_FT_CHARBUF, dv, 50, &path,
        iters, &scr);

  /* CIDR membership */
  vg_value ip, nets[4];
  memset(&ip, 0, sizeof ip);
  memset(nets, 0, sizeof nets);
  ip.type = VG_FT_IPNET;
  inet_pton(AF_INET, "192.168.3.7", ip.v.ip.addr);
  ip.v.ip.prefix = 32;
  const char *cidr[] = {"10.0.0.0", "172.16.0.0", "192.168.0.0", "127.0.0.0"};
  const int plen[] = {8, 12, 16, 8};
  for (int i = 0; i < 4; i++) {
    nets[i].type = VG_FT_IPNET;
    inet_pton(AF_INET, cidr[i], nets[i].v.ip.addr);
    nets[i].v.ip.prefix = (uint8_t)plen[i];
  }
  bench("ipnet in (4 CIDRs)", VG_CMP_IN, 0, VG_FT_IPNET, nets, 4, &ip, iters,
        &scr);

  vg_value n1, n2;
  memset(&n1, 0, sizeof n1);
  memset(&n2, 0, sizeof n2);
  n1.type = n2.type = VG_FT_INT64;
  n1.v.i = 4242;
  n2.v.i = 1024;
  bench("> int64", VG_CMP_GT, 0, VG_FT_INT64, &n2, 1, &n1, iters, &scr);

  vg_cmp_scratch_fini(&scr);
  return 0;
}
