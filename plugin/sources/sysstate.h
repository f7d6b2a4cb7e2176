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
#define VG_MAX_CONTAINERS 16384

/* fd roles and state flags */
#define VG_FD_ROLE_CLIENT 1u
#define VG_FD_ROLE_SERVER 2u
#define VG_FD_CLOEXEC 4u
#define VG_FD_CONNECTED 8u
#define VG_FD_OVERLAY_UPPER 16u /* opened on an overlayfs upper layer */
#define VG_FD_OVERLAY_LOWER 32u /* ... or a lower layer */

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
  char *name_raw; /* the path as the open call gave it (NULL: none) */
  uint32_t dev; /* device and inode the open/pipe events reported */
  uint64_t ino;
} vg_fdinfo;

static inline uint16_t vg_sock_u16(const vg_fdinfo *f, int off) {
  return (uint16_t)(f->sock[off] | f->sock[off + 1] << 8);
}

/* Entries are kept in the order libsinsp's table (a libstdc++
 * unordered_map keyed by fd number) iterates them, which fd.types shows:
 * nbkt and next_resize mirror its bucket count and rehash threshold (0 =
 * nothing allocated yet). */
typedef struct vg_fdtable {
  vg_fdinfo **v;
  uint32_t n, cap;
  uint32_t hint; /* index of the last entry found: a guess, always checked */
  uint32_t nbkt, next_resize;
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
  uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
  uint64_t exe_ino_ctime_duration_clone_ts;
  uint64_t exe_ino_ctime_duration_pidns_start;
  uint64_t pidns_init_start_ts;
  int64_t fdlimit;
  uint64_t clone_ts;
  vg_fdtable fds;
  int64_t lastevent_fd;
  uint32_t lastevent_type;
  int lastevent_valid;
  uint8_t *last_evt; /* stored enter event (private encoding) */
  char *cgroups;     /* "subsys=path" entries joined with NUL, no final NUL */
  uint32_t cgroups_len;
  /* container id the container plugin attached (NULL: none, i.e. the host),
   * computed from cgroups when the capture opens and after successful
   * clone/fork/execve/chroot exits, as the plugin does */
  char *container_id;
  uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
  uint64_t pfmajor, pfminor;
  /* thread.totexectime: the sum of its sched_switch run times */
  uint64_t totexectime;
  /* thread.cpu, .user, .system: the CPU total the last extraction on a
   * procinfo event saw; libsinsp keeps one such value per thread for all
   * three fields and updates it when a field is extracted */
  uint64_t cpu_last;
} vg_thread;

/* Container metadata as the container plugin keeps it (from container
 * events stored in captures). Strings are never NULL. */
typedef struct vg_mount {
  char *source, *dest, *mode, *propagation;
  uint8_t rdwr;
} vg_mount;

typedef struct vg_kv {
  char *k, *v;
} vg_kv;

typedef struct vg_container {
  char *id, *full_id, *name, *image, *imageid, *imagerepo, *imagetag;
  char *imagedigest, *ip, *cni_json, *pod_sandbox_id;
  int type; /* container plugin's container_type (0 docker, ...) */
  uint8_t privileged, host_pid, host_network, host_ipc;
  vg_mount *mounts;
  uint32_t nmounts;
  vg_kv *labels; /* sorted by key */
  uint32_t nlabels;
  vg_kv *pod_labels; /* sorted by key */
  uint32_t npod_labels;
} vg_container;

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
/* Whether the current event changed the name of its fd. */
int vg_sys_fd_name_changed(vg_sysstate *s);
/* 1 when ADDR is the address of a capture interface (IPv6: same /64). */
int vg_sys_is_local_addr(vg_sysstate *s, const uint8_t *addr, int is_v6);
const vg_evt *vg_sys_current(vg_sysstate *s);

/* The container plugin's metadata for container id ID ("" is the host
 * entry, id "host"), or NULL when no container event announced it. Valid
 * until the next vg_sys_event/vg_sys_item call. */
const vg_container *vg_sys_container(vg_sysstate *s, const char *id);
/* The container the current event announced (container events), or NULL. */
const vg_container *vg_sys_evt_container(vg_sysstate *s);
/* Per-event facts for fields that libsinsp computes from earlier events:
 * the time of the previously shown event (0 for the first), the number of
 * shown events so far (this one included) and, for sched_switch events, the
 * time since the previous switch on the same CPU (0 otherwise). */
typedef struct vg_sys_evtx {
  uint64_t prev_ts, nshown, exectime;
} vg_sys_evtx;
const vg_sys_evtx *vg_sys_evt_extra(vg_sysstate *s);

/* The number of live threads in the thread group PID, as libsinsp counts
 * them; *main_alive tells whether its main thread is one of them. */
uint64_t vg_sys_group_threads(vg_sysstate *s, int64_t pid, int *main_alive);

/* Host name from the capture's machine-info block, or NULL without one. */
const char *vg_sys_hostname(vg_sysstate *s);
/* Time of the first event that is not a meta event (libsinsp's
 * m_firstevent_ts), 0 before it. */
uint64_t vg_sys_first_ts(vg_sysstate *s);

/* The container plugin's cgroup matchers (podman, docker, cri, containerd,
 * lxc, libvirt-lxc, bpm, in that order) over one cgroup path: on a match
 * writes the id (NUL-terminated, truncated to len) and its container type,
 * and returns 1. */
int vg_cgroup_container_id(const char *cgroup, size_t n, char *out,
                           size_t len, int *type);

/* libsinsp's path join: PATH2 resolved against PATH1, "." and ".."
 * folded, trailing separator dropped. Writes at most len bytes. */
void vg_concat_paths(char *out, size_t len, const char *p1, size_t l1,
                     const char *p2, size_t l2);

#endif
