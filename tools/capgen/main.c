/*
 * vigil-capgen: writes a synthetic scap capture (see
 * plugin/sources/capwriter.h) for tests and benchmarks.
 *
 *   vigil-capgen [-n EVENTS] [-s SEED] [-z LEVEL] [-r RATE] [--exit-only]
 *                [-w KIND=WEIGHT]... [-q] OUTPUT
 *
 * OUTPUT "-" writes to standard output. A summary goes to standard error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/capwriter.h"

static int num(const char *s, unsigned long long *out) {
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || !end || end == s)
    return -1;
  /* allow k/M/G suffixes for event counts */
  if (*end == 'k' || *end == 'K')
    v *= 1000ull, end++;
  else if (*end == 'M' || *end == 'm')
    v *= 1000000ull, end++;
  else if (*end == 'G' || *end == 'g')
    v *= 1000000000ull, end++;
  if (*end)
    return -1;
  *out = v;
  return 0;
}

static void usage(FILE *f) {
  fprintf(f,
          "usage: vigil-capgen [-n EVENTS] [-s SEED] [-z LEVEL] [-r RATE]\n"
          "                    [--exit-only] [-w KIND=WEIGHT]... [-q] "
          "OUTPUT\n"
          "  -n EVENTS   event blocks to write (default 100000; k/M/G ok)\n"
          "  -s SEED     PRNG seed (default 1)\n"
          "  -z LEVEL    gzip level 0-9 (default 0 = plain)\n"
          "  -r RATE     scenarios per 100000 background syscalls "
          "(default 200)\n"
          "  -w K=W      scenario weight; kinds:");
  for (int k = 0; vg_capgen_kind_name(k); k++)
    fprintf(f, " %s", vg_capgen_kind_name(k));
  fprintf(f, "\n  --exit-only no enter events except open/openat/connect/"
             "execve\n");
}

int main(int argc, char **argv) {
  vg_capgen_opts o;
  memset(&o, 0, sizeof o);
  o.nevents = 100000;
  o.seed = 1;
  int quiet = 0;
  const char *out = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    unsigned long long v;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "-q")) {
      quiet = 1;
    } else if (!strcmp(a, "--exit-only")) {
      o.exit_only = 1;
    } else if ((!strcmp(a, "-n") || !strcmp(a, "-s") || !strcmp(a, "-z") ||
                !strcmp(a, "-r")) && i + 1 < argc) {
      if (num(argv[++i], &v) != 0) {
        fprintf(stderr, "vigil-capgen: bad number '%s'\n", argv[i]);
        return 2;
      }
      if (a[1] == 'n')
        o.nevents = v;
      else if (a[1] == 's')
        o.seed = v;
      else if (a[1] == 'z' && v <= 9)
        o.gzip_level = (int)v;
      else if (a[1] == 'r' && v <= 100000)
        o.scenario_rate = (uint32_t)v;
      else {
        fprintf(stderr, "vigil-capgen: %s out of range\n", a);
        return 2;
      }
    } else if (!strcmp(a, "-w") && i + 1 < argc) {
      const char *kw = argv[++i], *eq = strchr(kw, '=');
      int k = 0;
      for (; eq && vg_capgen_kind_name(k); k++)
        if (strlen(vg_capgen_kind_name(k)) == (size_t)(eq - kw) &&
            !strncmp(kw, vg_capgen_kind_name(k), (size_t)(eq - kw)))
          break;
      if (!eq || !vg_capgen_kind_name(k) || num(eq + 1, &v) != 0 ||
          v > 1000000) {
        fprintf(stderr, "vigil-capgen: bad weight '%s'\n", kw);
        return 2;
      }
      o.weights[k] = (uint32_t)v;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "vigil-capgen: unknown option '%s'\n", a);
      usage(stderr);
      return 2;
    } else if (!out) {
      out = a;
    } else {
      usage(stderr);
      return 2;
    }
  }
  if (!out) {
    usage(stderr);
    return 2;
  }
  vg_capgen_stats st;
  char err[512];
  if (vg_capgen_write(out, &o, &st, err, sizeof err) != VIGIL_OK) {
    fprintf(stderr, "vigil-capgen: %s\n", err);
    return 1;
  }
  if (!quiet) {
    fprintf(stderr, "vigil-capgen: %llu events, %llu processes spawned;",
            (unsigned long long)st.events,
            (unsigned long long)st.procs_spawned);
    for (int k = 0; vg_capgen_kind_name(k); k++)
      fprintf(stderr, " %s=%llu", vg_capgen_kind_name(k),
              (unsigned long long)st.scenarios[k]);
    fprintf(stderr, "\n");
  }
  return 0;
}
