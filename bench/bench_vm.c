/*
 * bench_vm.c - nanoseconds per event of the VM alone (vigil_vm_eval with
 * every dispatched rule evaluated, no first-match cut) on a synthetic
 * syscall event mix, plus the pack's size. Built as the 'bench_vm' target
 * (bench/CMakeLists.txt); bench/vm_bench.py runs it and prints the table.
 *
 *   bench_vm [-n EVENTS] [-o PACK_OUT] [-t TEMPLATE] [-m] RULES.yaml...
 *
 * (-t: time that one template alone, e.g. under perf; -m: the mix only,
 * without the per-template lines, e.g. under callgrind with
 * --toggle-collect=vigil_vm_eval: instructions / (1.1 * EVENTS + 20) is
 * the mix's instructions per event.)
 *
 * The rule files are compiled in-process (as `vigil compile` would); the
 * pack is then loaded and every field the rules read is bound to a value
 * table per event template, so the accessor costs one array lookup and
 * nothing of the time is spent extracting fields.
 *
 * The event mix (see MIX below) imitates a busy host's syscall stream:
 * roughly 85% of events are I/O and scheduling calls that few rules look
 * at (read, write, close, mmap, futex, epoll_wait, fstat, ...), 10% are
 * file opens (mostly library and log files), and the rest are process and
 * network events (execve, clone, connect, accept, socket). Only exit
 * events are generated (libsinsp no longer delivers enter events).
 *
 * Output: tab-separated lines, "pack_bytes N", "rules N", "events N",
 * "mix MEDIAN P90 MEAN" (ns/event over batches of 1000 events, in thread
 * CPU time), then one
 * "type NAME SHARE MEDIAN" line per template (the template alone).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "back/pack_rules.h"
#include "sema/catalog.h"
#include "util/alloc.h"
#include "vigil/compiler.h"
#include "vigil/vm.h"
#include "vm/value.h"

/* One event template: its type name, its share of the mix (per mille) and
 * "field=value" pairs ('|' separates the values of multi-valued fields).
 * Fields of DEFAULTS apply to every template that does not set them. */
typedef struct tmpl {
  const char *name; /* label */
  const char *evt;  /* event type name */
  unsigned permille;
  const char *kv[24];
} tmpl;

static const char *const DEFAULTS[] = {
    "proc.name=nginx",
    "proc.pname=nginx",
    "proc.exe=/usr/sbin/nginx",
    "proc.exepath=/usr/sbin/nginx",
    "proc.pexe=/usr/sbin/nginx",
    "proc.cmdline=nginx: worker process",
    "proc.pcmdline=nginx: master process /usr/sbin/nginx",
    "proc.args=worker process",
    "proc.aname=nginx|containerd-shim|systemd",
    "proc.aname[1]=nginx",
    "proc.aname[2]=containerd-shim",
    "proc.aname[3]=systemd",
    "proc.cwd=/",
    "proc.tty=0",
    "proc.vpid=7",
    "proc.duration=86400000000000",
    "proc.env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin",
    "proc.is_exe_upper_layer=false",
    "proc.is_exe_from_memfd=false",
    "proc.is_vpgid_leader=false",
    "user.name=www-data",
    "user.uid=33",
    "user.loginuid=-1",
    "container.id=3ad7b26ded6d",
    "container.image.repository=docker.io/library/nginx",
    "container.privileged=false",
    "k8s.ns.name=web",
    "k8s.pod.name=web-7d9f8b6c5-x2x4z",
    "thread.cap_effective=",
    "thread.cap_permitted=",
    "evt.res=SUCCESS",
    "evt.rawres=0",
    "evt.num=123456",
    "evt.is_open_read=false",
    "evt.is_open_write=false",
    "evt.is_open_exec=false",
    NULL};

static const tmpl MIX[] = {
    {"read", "read", 200,
     {"fd.name=/var/log/nginx/access.log", "fd.typechar=f", "fd.num=12",
      "fd.type=file", "evt.rawres=512", NULL}},
    {"write", "write", 160,
     {"fd.name=172.17.0.2:80->10.0.0.7:51234", "fd.typechar=4", "fd.num=9",
      "fd.type=ipv4", "fd.l4proto=tcp", "evt.rawres=2048", NULL}},
    {"close", "close", 80, {"fd.name=/dev/null", "fd.num=3", NULL}},
    {"mmap", "mmap", 50, {NULL}},
    {"futex", "futex", 100, {"evt.res=ETIMEDOUT", "evt.rawres=-110", NULL}},
    {"epoll_wait", "epoll_wait", 60, {"evt.rawres=1", NULL}},
    {"recvfrom", "recvfrom", 50,
     {"fd.name=172.17.0.2:80->10.0.0.7:51234", "fd.typechar=4",
      "fd.l4proto=tcp", "fd.num=9", NULL}},
    {"sendto", "sendto", 50,
     {"fd.name=172.17.0.2:80->10.0.0.7:51234", "fd.typechar=4",
      "fd.l4proto=tcp", "fd.num=9", NULL}},
    {"fstat", "newfstatat", 50, {"fd.name=/etc/localtime", NULL}},
    {"ioctl", "ioctl", 20, {"evt.arg.request=0x5401", NULL}},
    {"poll", "poll", 20, {NULL}},
    {"nanosleep", "nanosleep", 10, {NULL}},
    {"openat_lib", "openat", 60,
     {"fd.name=/usr/lib/x86_64-linux-gnu/libssl.so.3",
      "fd.directory=/usr/lib/x86_64-linux-gnu", "fd.filename=libssl.so.3",
      "fd.nameraw=/usr/lib/x86_64-linux-gnu/libssl.so.3", "fd.typechar=f",
      "fd.type=file", "fd.num=5", "evt.is_open_read=true",
      "evt.arg.flags=O_RDONLY|O_CLOEXEC", "evt.rawres=5", NULL}},
    {"openat_log", "openat", 30,
     {"fd.name=/var/log/nginx/error.log", "fd.directory=/var/log/nginx",
      "fd.filename=error.log", "fd.nameraw=/var/log/nginx/error.log",
      "fd.typechar=f", "fd.type=file", "fd.num=6",
      "evt.is_open_write=true", "evt.arg.flags=O_WRONLY|O_APPEND|O_CREAT",
      "evt.rawres=6", NULL}},
    {"open_etc", "open", 10,
     {"fd.name=/etc/passwd", "fd.directory=/etc", "fd.filename=passwd",
      "fd.typechar=f", "fd.type=file", "fd.num=7", "evt.is_open_read=true",
      "evt.arg.flags=O_RDONLY", "evt.rawres=7", NULL}},
    {"execve", "execve", 15,
     {"proc.name=sh", "proc.exe=/bin/sh", "proc.exepath=/bin/sh",
      "proc.cmdline=sh -c /usr/local/bin/healthcheck.sh", "proc.args=-c "
      "/usr/local/bin/healthcheck.sh", "proc.pname=containerd-shim",
      "proc.aname[1]=containerd-shim", "proc.aname[2]=systemd",
      "proc.aname=containerd-shim|systemd", "user.name=root", "user.uid=0",
      "proc.tty=0", "evt.arg.filename=/bin/sh", "proc.vpid=1",
      "proc.is_vpgid_leader=true", "proc.duration=1000", NULL}},
    {"clone", "clone", 10, {"evt.rawres=4242", NULL}},
    {"connect", "connect", 15,
     {"fd.name=172.17.0.2:51234->10.96.0.1:443", "fd.typechar=4",
      "fd.type=ipv4", "fd.l4proto=tcp", "fd.sip=10.96.0.1",
      "fd.cip=172.17.0.2", "fd.ip=172.17.0.2|10.96.0.1",
      "fd.net=172.17.0.2|10.96.0.1", "fd.snet=10.96.0.1",
      "fd.cnet=172.17.0.2", "fd.sport=443", "fd.port=51234|443",
      "fd.sockfamily=ip", "fd.connected=true", "fd.sip.name=kubernetes",
      "evt.res=EINPROGRESS", "evt.rawres=-115", NULL}},
    {"accept", "accept4", 5,
     {"fd.name=10.0.0.7:51234->172.17.0.2:80", "fd.typechar=4",
      "fd.type=ipv4", "fd.l4proto=tcp", "fd.sip=172.17.0.2",
      "fd.cip=10.0.0.7", "fd.ip=10.0.0.7|172.17.0.2",
      "fd.net=10.0.0.7|172.17.0.2", "fd.snet=172.17.0.2",
      "fd.cnet=10.0.0.7", "fd.sport=80", "fd.port=51234|80",
      "fd.sockfamily=ip", "evt.rawres=10", NULL}},
    {"socket", "socket", 5,
     {"evt.arg.domain=AF_INET", "fd.typechar=4", "evt.rawres=11", NULL}},
};
#define NMIX (sizeof MIX / sizeof *MIX)

typedef struct bfield {
  char name[256]; /* "name" or "name[arg]" */
  vg_ftype type;
} bfield;

typedef struct bval {
  vg_value *v;
  size_t n;
} bval;

typedef struct bench {
  bfield *f;
  size_t nf, capf;
  bval *tab[NMIX]; /* [template][field] */
  uint32_t code[NMIX];
  uint32_t source;
} bench;

static vigil_status b_bind(void *ud, const char *source, const char *name,
                           const char *arg, uint32_t type, uint32_t flags,
                           uint32_t *id, char *err, size_t errsz) {
  (void)source;
  (void)flags;
  (void)err;
  (void)errsz;
  bench *b = ud;
  if (b->nf == b->capf) {
    b->capf = b->capf ? 2 * b->capf : 64;
    b->f = realloc(b->f, b->capf * sizeof *b->f);
    if (!b->f)
      return VIGIL_E_NOMEM;
  }
  bfield *f = &b->f[b->nf];
  snprintf(f->name, sizeof f->name, "%s%s%s%s", name, arg ? "[" : "",
           arg ? arg : "", arg ? "]" : "");
  f->type = (vg_ftype)type;
  *id = (uint32_t)b->nf++;
  return VIGIL_OK;
}

static vigil_status b_extract(void *ctx, uint32_t id, const vg_value **vals,
                              size_t *n) {
  const bval *t = ctx;
  *vals = t[id].v;
  *n = t[id].n;
  return VIGIL_OK;
}

static const vigil_event_ops b_ops = {sizeof(vigil_event_ops), b_extract};

/* "value|value" for field f into values of its type. */
static void set_values(bval *out, const bfield *f, const char *text) {
  size_t cnt = 1;
  for (const char *p = text; *p; p++)
    cnt += *p == '|' && strncmp(f->name, "evt.arg.flags", 13);
  out->v = calloc(cnt, sizeof *out->v);
  out->n = 0;
  const char *p = text;
  for (size_t i = 0; i < cnt; i++) {
    const char *e = cnt > 1 ? strchr(p, '|') : NULL;
    size_t len = e ? (size_t)(e - p) : strlen(p);
    vg_ftype pt = f->type == VG_FT_IPV4NET   ? VG_FT_IPV4ADDR
                  : f->type == VG_FT_IPV6NET ? VG_FT_IPV6ADDR
                  : f->type == VG_FT_IPNET   ? VG_FT_IPADDR
                                             : f->type;
    uint8_t *scratch = malloc(len / 2 + 1);
    char why[256];
    vg_value v;
    if (scratch && vg_value_parse(pt, p, len, false, scratch, &v, why,
                                  sizeof why) == VIGIL_OK) {
      v.type = f->type;
      out->v[out->n++] = v;
    } else {
      fprintf(stderr, "bench_vm: %s=%.*s: %s\n", f->name, (int)len, p, why);
      free(scratch);
    }
    p += len + 1;
  }
}

static const char *lookup(const char *const *kv, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; kv[i]; i++)
    if (!strncmp(kv[i], name, n) && kv[i][n] == '=')
      return kv[i] + n + 1;
  return NULL;
}

static uint32_t exit_code(const char *name) {
  uint32_t best = 0;
  for (size_t e = 0; e < vg_nevents; e++)
    if (vg_events[e].name && !strcmp(vg_events[e].name, name) &&
        vg_events[e].dir == 'X')
      best = (uint32_t)e; /* the newest version wins */
  return best;
}

/* Thread CPU time: the machine may be shared, and time spent preempted
 * is not the VM's. */
static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

#define BATCH 1000

/* Median, p90 and mean ns/event over batches of the sequence seq. */
static void measure(vigil_vm *vm, const bench *b, const uint32_t *seq,
                    size_t nseq, size_t events, double *med, double *p90,
                    double *mean) {
  size_t nb = events / BATCH ? events / BATCH : 1;
  double *t = malloc(nb * sizeof *t), sum = 0;
  size_t k = 0;
  for (size_t i = 0; i < nb; i++) {
    double t0 = now_ns();
    for (size_t j = 0; j < BATCH; j++, k = (k + 1) % nseq) {
      uint32_t m = seq[k];
      vigil_event ev = {b->source, b->code[m], &b_ops, b->tab[m]};
      vigil_vm_eval(vm, &ev);
    }
    t[i] = (now_ns() - t0) / BATCH;
    sum += t[i];
  }
  qsort(t, nb, sizeof *t, cmp_d);
  *med = t[nb / 2];
  *p90 = t[nb * 9 / 10];
  *mean = sum / (double)nb;
  free(t);
}

int main(int argc, char **argv) {
  size_t events = 1000000;
  const char *out = NULL, *only = NULL;
  bool mix_only = false;
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vigil_compiler *c;
  if (vigil_compiler_new(&o, &c) != VIGIL_OK)
    return 2;
  int nfiles = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-n") && i + 1 < argc) {
      events = strtoull(argv[++i], NULL, 10);
      continue;
    }
    if (!strcmp(argv[i], "-t") && i + 1 < argc) {
      only = argv[++i];
      continue;
    }
    if (!strcmp(argv[i], "-m")) {
      mix_only = true;
      continue;
    }
    if (!strcmp(argv[i], "-o") && i + 1 < argc) {
      out = argv[++i];
      continue;
    }
    if (vigil_compiler_load_file(c, argv[i]) != VIGIL_OK) {
      fprintf(stderr, "bench_vm: %s: cannot load\n", argv[i]);
      return 1;
    }
    nfiles++;
  }
  if (!nfiles) {
    fprintf(stderr, "usage: bench_vm [-n EVENTS] [-o PACK] RULES.yaml...\n");
    return 2;
  }
  vigil_compiler_finish(c);
  uint8_t *bytes;
  size_t len, nrules;
  char err[1024];
  if (vg_pack_rules(c, true, &bytes, &len, &nrules, err, sizeof err) !=
      VIGIL_OK) {
    fprintf(stderr, "bench_vm: %s\n", err);
    return 1;
  }
  if (out) {
    FILE *f = fopen(out, "wb");
    if (f) {
      fwrite(bytes, 1, len, f);
      fclose(f);
    }
  }
  bench b;
  memset(&b, 0, sizeof b);
  vigil_program *p;
  if (vigil_program_load(bytes, len, b_bind, &b, &p, err, sizeof err) !=
      VIGIL_OK) {
    fprintf(stderr, "bench_vm: %s\n", err);
    return 1;
  }
  int si = vigil_program_source_index(p, "syscall");
  b.source = si < 0 ? 0 : (uint32_t)si;
  for (size_t m = 0; m < NMIX; m++) {
    b.code[m] = exit_code(MIX[m].evt);
    b.tab[m] = calloc(b.nf + 1, sizeof *b.tab[m]);
    for (size_t i = 0; i < b.nf; i++) {
      const char *v = lookup(MIX[m].kv, b.f[i].name);
      if (!v && !strcmp(b.f[i].name, "evt.type"))
        v = MIX[m].evt;
      if (!v)
        v = lookup(DEFAULTS, b.f[i].name);
      if (v)
        set_values(&b.tab[m][i], &b.f[i], v);
    }
  }
  vigil_vm *vm = vigil_vm_new(p, NULL);
  if (!vm)
    return 2;
  /* the mix as a shuffled sequence with the right proportions */
  size_t nseq = 0, total = 0;
  for (size_t m = 0; m < NMIX; m++)
    total += MIX[m].permille;
  uint32_t *seq = malloc(total * sizeof *seq);
  for (size_t m = 0; m < NMIX; m++)
    for (unsigned k = 0; k < MIX[m].permille; k++)
      seq[nseq++] = (uint32_t)m;
  uint64_t r = 88172645463325252ull;
  for (size_t i = nseq; i > 1; i--) {
    r ^= r << 13;
    r ^= r >> 7;
    r ^= r << 17;
    size_t j = (size_t)(r % i);
    uint32_t t = seq[i - 1];
    seq[i - 1] = seq[j];
    seq[j] = t;
  }
  size_t matches = 0;
  for (size_t m = 0; m < NMIX; m++) {
    vigil_event ev = {b.source, b.code[m], &b_ops, b.tab[m]};
    vigil_vm_eval(vm, &ev);
    size_t n;
    vigil_vm_matches(vm, &n);
    matches += n;
  }
  double med, p90, mean;
  for (size_t m = 0; only && m < NMIX; m++)
    if (!strcmp(MIX[m].name, only)) {
      /* one template alone (for profiling) */
      uint32_t one = (uint32_t)m;
      measure(vm, &b, &one, 1, events, &med, &p90, &mean);

      printf("type\t%s\t%.1f\t%.1f\n", MIX[m].name, MIX[m].permille / 10.0,
             med);
      return 0;
    }
  measure(vm, &b, seq, nseq, events / 10, &med, &p90, &mean); /* warm-up */
  measure(vm, &b, seq, nseq, events, &med, &p90, &mean);
  printf("pack_bytes\t%zu\nrules\t%zu\nevents\t%zu\ntemplates_matching\t%zu"
         "\nmix\t%.1f\t%.1f\t%.1f\n",
         len, nrules, events, matches, med, p90, mean);
  for (size_t m = 0; m < NMIX && !mix_only; m++) {
    uint32_t one = (uint32_t)m;
    double tm, tp, tmean;
    measure(vm, &b, &one, 1, 20 * BATCH, &tm, &tp, &tmean);
    printf("type\t%s\t%.1f\t%.1f\n", MIX[m].name, MIX[m].permille / 10.0,
           tm);
  }
  vigil_vm_free(vm);
  vigil_program_free(p);
  vg_free(bytes);
  vigil_compiler_free(c);
  return 0;
}
