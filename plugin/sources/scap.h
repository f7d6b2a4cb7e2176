/*
 * scap.h - streaming reader for Falco/sysdig capture files (.scap), plain
 * or gzip, as described in spec/scap-format.md. Owned by the scap slice.
 *
 * The reader walks the file block by block (plain files with read(2) in
 * 256 KiB chunks, gzip streams and standard input through zlib's gzread)
 * and never holds more than one chunk or block (plus the converter's
 * stored enter events) in memory. vg_scap_next() hands out one item at a
 * time: section starts, metadata entries (threads, fds, users, groups,
 * interfaces, machine info) and events, the latter already upgraded by the
 * old-event converter (spec sections 12 and 16). Pointers inside an item
 * stay valid until the next call to vg_scap_next() or vg_scap_close().
 *
 * Errors: vg_scap_next() returns a status and leaves a message that names
 * the byte offset (in the uncompressed stream) and the block; items read
 * before the error were delivered. Not thread-safe; one reader per thread.
 */
#ifndef VG_SOURCES_SCAP_H
#define VG_SOURCES_SCAP_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/status.h"

#define VG_EVT_MAX_PARAMS 64

/* An event: header fields plus one (pointer, length) pair per parameter.
 * A parameter of length 0 is empty ("no value"). */
typedef struct vg_evt {
  uint64_t ts;
  int64_t tid;
  uint16_t type;
  uint16_t cpu;
  uint32_t dump_flags;
  uint32_t nparams;
  const uint8_t *p[VG_EVT_MAX_PARAMS];
  uint32_t plen[VG_EVT_MAX_PARAMS];
} vg_evt;

/* A process-list entry; strings are NUL-terminated copies. */
typedef struct vg_scap_proc {
  int64_t tid, pid, ptid, sid, vpgid, pgid, vtid, vpid;
  const char *comm, *exe, *exepath, *cwd, *root;
  const uint8_t *args;
  uint32_t args_len; /* NUL-separated, may lack the final NUL */
  const uint8_t *env;
  uint32_t env_len;
  const uint8_t *cgroups;
  uint32_t cgroups_len;
  uint64_t fdlimit, pfmajor, pfminor;
  uint64_t cap_inh, cap_prm, cap_eff, pidns_init_start_ts;
  uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
  uint32_t flags, uid, gid, vmsize_kb, vmrss_kb, vmswap_kb, tty, loginuid;
  uint8_t exe_writable, exe_upper_layer, exe_lower_layer, exe_from_memfd;
} vg_scap_proc;

/* An fd-list entry; ips in network byte order as stored. */
typedef struct vg_scap_fd {
  int64_t tid;
  int64_t fd;
  uint64_t ino;
  uint8_t type; /* SCAP_FD_* (spec section 10) */
  uint8_t l4proto;
  uint32_t open_flags, dev;
  uint8_t sip[16], dip[16];
  uint16_t sport, dport;
  uint64_t usrc, udst;
  const char *name;
} vg_scap_fd;

typedef struct vg_scap_user {
  int is_group;
  uint32_t uid, gid;
  const char *name, *home, *shell;
} vg_scap_user;

/* An interface-list entry; address and netmask in network byte order. */
typedef struct vg_scap_iface {
  int is_v6;
  uint8_t addr[16], netmask[16];
  const char *name;
} vg_scap_iface;

typedef enum vg_scap_item_kind {
  VG_SCAP_EOF = 0,
  VG_SCAP_SECTION,  /* a new section starts: drop all state */
  VG_SCAP_MACHINE,
  VG_SCAP_PROC,
  VG_SCAP_FD,
  VG_SCAP_USER,
  VG_SCAP_EVENT,
  VG_SCAP_IFACE
} vg_scap_item_kind;

typedef struct vg_scap_item {
  vg_scap_item_kind kind;
  union {
    const vg_scap_proc *proc;
    const vg_scap_fd *fd;
    const vg_scap_user *user;
    const vg_scap_iface *iface;
    const vg_evt *evt;
    const char *hostname;
  } u;
} vg_scap_item;

typedef struct vg_scap vg_scap;

/* Opens PATH ("-" = standard input). On success *out is owned by the
 * caller (vg_scap_close). On failure a message is written to err. */
vigil_status vg_scap_open(const char *path, vg_scap **out, char *err,
                          size_t errlen);
/* Opens an in-memory capture (plain or gzip), used by tests and fuzzers.
 * The buffer must outlive the reader. */
vigil_status vg_scap_open_mem(const void *buf, size_t len, vg_scap **out,
                              char *err, size_t errlen);
void vg_scap_close(vg_scap *r);

/* Next item. VIGIL_OK with kind VG_SCAP_EOF at a clean end of file. */
vigil_status vg_scap_next(vg_scap *r, vg_scap_item *item);
/* The message of the last error ("" if none); owned by the reader. */
const char *vg_scap_error(const vg_scap *r);

/* Parameter helpers (no bounds beyond the stored length). */
/* A parameter as a little-endian integer of its own length (8, 4, 2 or 1
 * bytes; other lengths: the first 8 bytes at most), 0 when absent. Inline:
 * the state tracker reads several per event. */
static inline uint64_t vg_evt_u64(const vg_evt *e, uint32_t i) {
  if (i >= e->nparams)
    return 0;
  const uint8_t *p = e->p[i];
  uint32_t n = e->plen[i];
  uint64_t v = 0;
  switch (n) {
  case 8:
    v = (uint64_t)p[4] | (uint64_t)p[5] << 8 | (uint64_t)p[6] << 16 |
        (uint64_t)p[7] << 24;
    v <<= 32;
    /* fall through */
  case 4:
    return v | (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24;
  case 2:
    return (uint64_t)p[0] | (uint64_t)p[1] << 8;
  case 1:
    return p[0];
  default:
    break;
  }
  for (uint32_t k = 0; k < n && k < 8; k++)
    v |= (uint64_t)p[k] << (8 * k);
  return v;
}
static inline int64_t vg_evt_i64(const vg_evt *e, uint32_t i) {
  return (int64_t)vg_evt_u64(e, i);
}
static inline uint32_t vg_evt_u32(const vg_evt *e, uint32_t i) {
  return (uint32_t)vg_evt_u64(e, i);
}
static inline uint16_t vg_evt_u16(const vg_evt *e, uint32_t i) {
  return (uint16_t)vg_evt_u64(e, i);
}
/* Reads a little-endian integer of the parameter's own length (1, 2, 4 or
 * 8 bytes), sign-extending when SIGNED; 0 when empty. */
int64_t vg_evt_int(const vg_evt *e, uint32_t i, int is_signed);
/* A string parameter as a NUL-terminated view, or NULL when empty or the
 * legacy "(NULL)" marker. Copies into buf when the stored bytes lack a NUL. */
const char *vg_evt_str(const vg_evt *e, uint32_t i, char *buf, size_t len);

#endif
