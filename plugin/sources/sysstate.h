/*
 * sysstate.h - syscall state built from a capture: thread table, per-process
 * fd tables and users/groups, updated event by event the way libsinsp's
 * parser does (spec/scap-format.md section 12). Owned by the scap slice.
 *
 * Memory is bounded: the thread table stops growing at VG_MAX_THREADS and
 * fd tables at VG_MAX_FDS entries, as libsinsp caps its tables. Not
 * thread-safe. Pointers returned by lookups are valid until the next call
 * to vg_sys_event() or vg_sys_item().
 */
#ifndef VG_SOURCES_SYSSTATE_H
#define VG_SOURCES_SYSSTATE_H

#include <stdint.h>

#include "sources/scap.h"

#define VG_MAX_THREADS 262144
#define VG_MAX_FDS 4096

/* fd roles and state flags */
#define VG_FD_ROLE_CLIENT 1u
#define VG_FD_ROLE_SERVER 2u
#define VG_FD_CLOEXEC 4u

/* Socket addresses are kept the way libsinsp keeps them: one 40-byte area
 * read as an IPv4 tuple, IPv6 tuple, IPv4/IPv6 server address or unix
 * tuple depending on the fd type. The overlap is observable (a socket
 * whose type changes keeps bytes written under the old layout), so the
 * offsets below follow libsinsp's in-memory layout. Ports are host-order
 * u16, addresses network-order bytes. */
#define VG_S4_SIP 0
#define VG_S4_DIP 4
#define VG_S4_SPORT 8
#define VG_S4_DPORT 10
#define VG_S4_L4 12
#define VG_S6_SIP 0
#define VG_S6_DIP 16
#define VG_S6_SPORT 32
#define VG_S6_DPORT 34
#define VG_S6_L4 36
#define VG_SV4_IP 0
#define VG_SV4_PORT 4
#define VG_SV4_L4 6
#define VG_SV6_IP 0
#define VG_SV6_PORT 16
#define VG_SV6_L4 18

typedef struct vg_fdinfo {
  int64_t fd;
  uint8_t type;    /* SCAP_FD_* */
  uint32_t flags;  /* VG_FD_* */
  uint32_t openflags;
  uint8_t sock[40];
  char *name;
} vg_fdinfo;

static inline uint16_t vg_sock_u16(const vg_fdinfo *f, int off) {
  return (uint16_t)(f->sock[off] | f->sock[off + 1] << 8);
}

typedef struct vg_fdtable {
  vg_fdinfo **v;
  uint32_t n, cap;
} vg_fdtable;

typedef struct vg_thread {
  int64_t tid, pid, ptid, sid, vpgid, pgid, vtid, vpid;
  char *comm, *exe, *exepath, *cwd, *root;
  char *args;        /* arguments joined with NUL, no final NUL */
  uint32_t args_len; /* bytes in args */
  uint32_t nargs;
  char *env;         /* NAME=value entries joined with NUL, no final NUL */
  uint32_t env_len;
  uint32_t uid, gid, loginuid, flags, tty;
  uint8_t exe_writable, exe_upper_layer, exe_lower_layer, exe_from_memfd;
  uint64_t cap_inheritable, cap_permitted, cap_effective;
  int64_t fdlimit;
  uint64_t clone_ts;
  vg_fdtable fds;
  int64_t lastevent_fd;
  uint32_t lastevent_type;
  int lastevent_valid;
  uint8_t *last_evt; /* stored enter event (private encoding) */
} vg_thread;

typedef struct vg_user {
  uint32_t id, gid;
  char *name, *home, *shell;
} vg_user;

typedef struct vg_sysstate vg_sysstate;

vigil_status vg_sys_new(vg_sysstate **out);
void vg_sys_free(vg_sysstate *s);

/* Feeds one reader item (section, process, fd, user). */
vigil_status vg_sys_item(vg_sysstate *s, const vg_scap_item *it);

/* Processes one event; *shown tells whether libsinsp would show it. The
 * event's thread and fd are available until the next event. */
vigil_status vg_sys_event(vg_sysstate *s, const vg_evt *e, uint64_t num,
                          int *shown);

vg_thread *vg_sys_find(vg_sysstate *s, int64_t tid);
/* The thread and fd of the current event, or NULL. */
vg_thread *vg_sys_evt_thread(vg_sysstate *s);
vg_fdinfo *vg_sys_evt_fd(vg_sysstate *s);
vg_thread *vg_sys_main_thread(vg_sysstate *s, vg_thread *t);
vg_fdinfo *vg_sys_get_fd(vg_sysstate *s, vg_thread *t, int64_t fd);
const vg_user *vg_sys_user(vg_sysstate *s, uint32_t uid);
const vg_user *vg_sys_group(vg_sysstate *s, uint32_t gid);
uint64_t vg_sys_event_num(vg_sysstate *s);
/* 1 when ADDR is the address of a capture interface (IPv6: same /64). */
int vg_sys_is_local_addr(vg_sysstate *s, const uint8_t *addr, int is_v6);
const vg_evt *vg_sys_current(vg_sysstate *s);

/* libsinsp's path join: PATH2 resolved against PATH1, "." and ".."
 * folded, trailing separator dropped. Writes at most len bytes. */
void vg_concat_paths(char *out, size_t len, const char *p1, size_t l1,
                     const char *p2, size_t l2);

#endif
