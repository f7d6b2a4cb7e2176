/*
 * capwriter.h - writes scap capture files (plain or gzip) and synthesises
 * realistic system-call streams into them. Owned by the capwriter slice.
 *
 * Two layers. The writer (vg_capw_*) emits the blocks of spec
 * scap-format.md in the versions that both current libscap and the libscap
 * of Debian's sysdig 0.29.3 read: SHB 1.2, MI, IL v2, UL v2, PL v9 (with
 * the pre-0.10 tail of 29 bytes: loginuid, exe_writable, three capability
 * sets), FDL v2 (classic fd types only, no FILE_V2) and EV v2 event blocks
 * (EV v2 large for large-payload event types). Events are built one at a
 * time in a fixed buffer (begin, parameters, end) and streamed out through
 * zlib, so memory use does not depend on the capture size.
 *
 * The generator (vg_capgen_*) drives the writer from a seeded PRNG: a host
 * with a process tree, three containers, and a stream of enter/exit event
 * pairs in the current event layouts: a large background of I/O, memory
 * and wait syscalls that no rule cares about, mixed with scenarios that
 * rules do look at (shells spawned by web servers in containers, package
 * managers, reads of /etc/shadow, writes below /usr/bin, outbound
 * connects, ...). Same seed and options, same bytes.
 *
 * Errors: functions return a vigil_status; the message is kept on the
 * writer (vg_capw_error) or written to the caller's buffer. Nothing here
 * prints or exits. Not thread-safe; one writer per thread.
 */
#ifndef VG_SOURCES_CAPWRITER_H
#define VG_SOURCES_CAPWRITER_H

#include <stddef.h>
#include <stdint.h>

#include "sources/scap.h"
#include "vigil/status.h"

typedef struct vg_capw vg_capw;

/* Opens PATH for writing ("-" = standard output). GZIP_LEVEL 0 writes a
 * plain file, 1..9 gzip. Writes the section header block. On success *out
 * is owned by the caller, who must call vg_capw_close(). */
vigil_status vg_capw_open(const char *path, int gzip_level, vg_capw **out,
                          char *err, size_t errlen);
/* Flushes and closes; returns the first error seen while writing (the
 * message is copied to err when given). Frees W in every case. */
vigil_status vg_capw_close(vg_capw *w, char *err, size_t errlen);
/* The message of the last error ("" if none); owned by the writer. */
const char *vg_capw_error(const vg_capw *w);
/* Number of event blocks written so far. */
uint64_t vg_capw_count(const vg_capw *w);

/* Metadata blocks, to be written before the first event. Strings may be
 * NULL (written empty); the scap.h structures are reused so that what the
 * reader hands out can be written back. */
vigil_status vg_capw_machine(vg_capw *w, uint32_t ncpus, uint64_t mem,
                             uint64_t pid_max, const char *host,
                             uint64_t boot_ts);
vigil_status vg_capw_ifaces(vg_capw *w, const vg_scap_iface *v, size_t n);
vigil_status vg_capw_users(vg_capw *w, const vg_scap_user *v, size_t n);
vigil_status vg_capw_procs(vg_capw *w, const vg_scap_proc *v, size_t n);
/* One FDL block for thread TID (the tid field of the entries is unused).
 * Supported types: file, directory, IPv4 socket and server socket, fifo,
 * unix socket and the name-only kinds; others are an error. */
vigil_status vg_capw_fds(vg_capw *w, int64_t tid, const vg_scap_fd *v,
                         size_t n);

/* Events: begin, append parameters in table order, end. Appending past
 * VG_EVT_MAX_PARAMS parameters or 64 KiB of data makes vg_capw_ev_end()
 * fail (sticky until the next begin). */
void vg_capw_ev_begin(vg_capw *w, uint64_t ts, int64_t tid, uint16_t type,
                      uint16_t cpu);
void vg_capw_p_empty(vg_capw *w);
void vg_capw_p_bytes(vg_capw *w, const void *p, size_t n);
/* A NUL-terminated string parameter (length counts the NUL); NULL is
 * written as an empty parameter. */
void vg_capw_p_str(vg_capw *w, const char *s);
void vg_capw_p_u8(vg_capw *w, uint8_t v);
void vg_capw_p_u16(vg_capw *w, uint16_t v);
void vg_capw_p_u32(vg_capw *w, uint32_t v);
void vg_capw_p_u64(vg_capw *w, uint64_t v);
/* IPv4 sockaddr / socktuple; addresses as host-order integers (written in
 * network order, as the driver does), ports in host order. */
void vg_capw_p_sockaddr4(vg_capw *w, uint32_t ip, uint16_t port);
void vg_capw_p_socktuple4(vg_capw *w, uint32_t sip, uint16_t sport,
                          uint32_t dip, uint16_t dport);
vigil_status vg_capw_ev_end(vg_capw *w);

/* Scenario kinds the generator mixes into the background. */
typedef enum vg_capgen_kind {
  VG_CAPGEN_WEB_SHELL = 0,  /* nginx/node in a container spawns sh -c */
  VG_CAPGEN_TERM_SHELL,     /* interactive bash with a tty in a container */
  VG_CAPGEN_PKG_MGR,        /* apt-get / dpkg in a container */
  VG_CAPGEN_SHADOW,         /* a process opens /etc/shadow */
  VG_CAPGEN_BIN_WRITE,      /* a file created below /usr/bin */
  VG_CAPGEN_CONNECT,        /* outbound TCP connect to a public address;
                               a third are reverse shells (nc -e, dup2) */
  VG_CAPGEN_HOST_SPAWN,     /* cron/sshd spawn ordinary host programs */
  VG_CAPGEN_SSH_KEYS,       /* a process reads /root/.ssh/id_rsa */
  VG_CAPGEN_LOG_CLEAR,      /* /var/log/auth.log opened with O_TRUNC */
  VG_CAPGEN_HISTORY_DEL,    /* rm /root/.bash_history (unlinkat) */
  VG_CAPGEN__COUNT
} vg_capgen_kind;

typedef struct vg_capgen_opts {
  uint64_t seed;
  uint64_t nevents;         /* exact number of event blocks to write */
  int gzip_level;           /* 0 = plain */
  /* Per 100000 background syscalls, how many scenarios start (default
   * 200 when 0; a scenario is 10..60 events). */
  uint32_t scenario_rate;
  /* Relative weights of the scenario kinds; all zero = built-in mix. */
  uint32_t weights[VG_CAPGEN__COUNT];
  int exit_only;            /* 1: like current drivers, no enter events
                               except open/openat/connect/execve */
} vg_capgen_opts;

typedef struct vg_capgen_stats {
  uint64_t events;
  uint64_t scenarios[VG_CAPGEN__COUNT];
  uint64_t procs_spawned;
} vg_capgen_stats;

/* Name of a scenario kind ("web_shell", ...), NULL when out of range. */
const char *vg_capgen_kind_name(int k);

/* Writes a whole synthetic capture to PATH ("-" = standard output).
 * STATS may be NULL. */
vigil_status vg_capgen_write(const char *path, const vg_capgen_opts *o,
                             vg_capgen_stats *stats, char *err,
                             size_t errlen);

#endif
