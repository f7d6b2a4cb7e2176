/*
 * sysstate.c - thread/fd/user state updated from capture metadata and
 * events, following libsinsp's observable behaviour (which events carry a
 * thread and an fd, what clone/execve/open/socket/close do to the tables).
 * Written from the behaviour described in spec/scap-format.md and read off
 * libsinsp; no upstream code is reused.
 */
#include "sources/sysstate.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vg_tables.h"

/* PPM_CL_* thread flags */
#define CL_CLONE_FILES (1u << 0)
#define CL_CLONE_NEWPID (1u << 6)
#define CL_CLONE_PARENT (1u << 8)
#define CL_CLONE_THREAD (1u << 13)
#define CL_CLONE_INVERTED (1u << 16)
#define CL_CLOSED (1u << 18)
#define CL_ACTIVE (1u << 19)
#define CL_PIPE_SRC (1u << 21)
#define CL_PIPE_DST (1u << 22)
#define CL_CLONE_VFORK (1u << 27)
#define CL_CHILD_IN_PIDNS (1u << 29)
#define CL_IS_MAIN_THREAD (1u << 30)
#define CL_NAME_CHANGED (1u << 17)

#define O_F_CREATED (1u << 14)
#define O_DIRECTORY_ (1u << 10)
#define O_CLOEXEC_ (1u << 12)
#define FD_UPPER_LAYER_ (1u << 15)
#define FD_LOWER_LAYER_ (1u << 16)

#define FD_FILE 1
#define FD_DIRECTORY 2
#define FD_IPV4_SOCK 3
#define FD_IPV6_SOCK 4
#define FD_IPV4_SERVSOCK 5
#define FD_IPV6_SERVSOCK 6
#define FD_FIFO 7
#define FD_UNIX_SOCK 8
#define FD_EVENT 9
#define FD_UNSUPPORTED 10
#define FD_SIGNALFD 11
#define FD_EVENTPOLL 12
#define FD_INOTIFY 13
#define FD_TIMERFD 14
#define FD_NETLINK 15
#define FD_FILE_V2 16
#define FD_BPF 17
#define FD_USERFAULTFD 18
#define FD_IOURING 19
#define FD_MEMFD 20
#define FD_PIDFD 21

#define L4_UNKNOWN 0
#define L4_TCP 2
#define L4_UDP 3
#define L4_ICMP 4
#define L4_RAW 5

#define AF_UNIX_ 1
#define AF_INET_ 2
#define AF_INET6_ 10
#define AF_NETLINK_ 16

#define MAX_PATH 1024

struct vg_sysstate {
  vg_thread **tab;
  size_t cap, n;
  /* which slots of tab are taken (cap / 64 words): scans over all threads
   * visit the taken slots only, in slot order */
  uint64_t *occ;
  vg_user *users, *groups;
  size_t nusers, ngroups, capusers, capgroups;
  /* current event */
  const vg_evt *evt;
  uint64_t num;
  vg_thread *tinfo;
  int64_t fdinfo_fd; /* fd number of the event's fd, or INT64_MIN */
  vg_thread *fdinfo_owner;
  /* the event's fd as set_evt_fd found it (NULL: none); evt_fd answers
   * with it while fdc_on, i.e. once reset() is done for an event whose
   * parser creates, replaces and frees no fd record (parse_may_rename) */
  vg_fdinfo *fdc;
  int fdc_on;
  /* closed fd records kept for reuse, with their name buffers */
  vg_fdinfo **fdpool;
  uint32_t nfdpool, capfdpool;
  /* delayed removals */
  int64_t remove_tid, remove_reaper;
  int have_remove_tid;
  /* process ids whose thread group is a (sub)reaper */
  int64_t reapers[64];
  size_t nreapers;
  int64_t remove_fd_tid, remove_fd;
  int have_remove_fd;
  int initial; /* still in the leading run of initial-state events */
  int sockets_fixed; /* capture sockets given their direction */
  /* the event's fd before parsing, to tell whether its name changed */
  const vg_fdinfo *old_fd;
  char old_name[1100];
  int name_changed; /* -1: not compared yet */
  int untracked_names; /* vg_sys_track_fd_names(s, 0): no old name kept */
  int old_same; /* the event cannot rename its fd: old_name not copied */
  uint8_t server_ports[65536 / 8]; /* ports of listening sockets */
  /* network interfaces from the capture */
  struct {
    int is_v6;
    uint8_t addr[16], mask[16];
  } ifaces[256];
  size_t nifaces;
  char path[2 * MAX_PATH + 8];
  /* container plugin state */
  vg_container *ctrs;
  size_t nctrs, capctrs;
  const vg_container *evt_ctr; /* announced by the current event */
  int cids_done;               /* ids attached to the initial threads */
  char hostname[130];
  int have_host;
  uint64_t first_ts;
  /* attach_container's last results by cgroups text (threads of a
   * container share it, and matching every layout costs ~10k
   * instructions per clone/execve) */
  struct {
    char *cg;
    uint32_t len;
    int type;
    char id[256];
  } cgmemo[8];
  unsigned cgmemo_next;
  /* fields computed from earlier events (vg_sys_evt_extra) */
  vg_sys_evtx evtx;
  uint64_t last_shown_ts;
  uint64_t switch_ts[1024]; /* last sched_switch time per CPU */
};

/* ------------------------------------------------------------ strings */

static char *dupn(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (d) {
    if (n)
      memcpy(d, s, n);
    d[n] = 0;
  }
  return d;
}

static void set_str(char **dst, const char *s) {
  char *d = dupn(s ? s : "", s ? strlen(s) : 0);
  if (d) {
    free(*dst);
    *dst = d;
  }
}

/* ------------------------------------------------------------ paths */

void vg_concat_paths(char *out, size_t len, const char *p1, size_t l1,
                     const char *p2, size_t l2) {
  /* target buffer is out[0..len); base is where ".." cannot go past */
  char *base = out;
  char *tc;
  const char *pc = p2;
  const char *pend = p2 + l2;
  int empty_base;
  if (len == 0)
    return;
  if (l1 + l2 + 1 > MAX_PATH || len < MAX_PATH) {
    snprintf(out, len, "/DIR_TOO_LONG/FILENAME_TOO_LONG");
    return;
  }
  if (l2 != 0 && p2[0] != '/') {
    memcpy(out, p1, l1);
    tc = out + l1;
  } else {
    tc = out;
  }
  empty_base = tc == base;
  char *end = out + len;
  for (;;) {
    if (pc >= pend || *pc == 0) {
      *tc = 0;
      if (tc > base + 1 && tc[-1] == '/')
        tc[-1] = 0;
      return;
    }
    if (*pc == '.' && (tc == base || tc[-1] == '/')) {
      char c1 = pc + 1 < pend ? pc[1] : 0;
      char c2 = pc + 2 < pend ? pc[2] : 0;
      if ((c1 == '.' && c2 == '/') || (c1 == '.' && c2 == 0)) {
        size_t delta = c2 == '/' ? 3 : 2;
        if (tc > base + 1) {
          tc--;
          while (tc >= base + 1 && tc[-1] != '/')
            tc--;
        }
        pc += delta;
      } else if (c1 == '/') {
        pc += 2;
      } else if (c1 == 0) {
        pc++;
      } else {
        if (tc + 1 >= end) {
          *tc = 0;
          return;
        }
        *tc++ = *pc++;
      }
    } else if (*pc == '/') {
      if ((tc > base && tc[-1] == '/') || (tc == base && !empty_base)) {
        pc++;
      } else {
        if (tc + 1 >= end) {
          *tc = 0;
          return;
        }
        *tc++ = *pc++;
      }
    } else {
      /* the rest of the component is copied as it is (a '.' after
       * another character is plain) */
      const char *q = pc + 1;
      while (q < pend && *q && *q != '/')
        q++;
      size_t k = (size_t)(q - pc);
      if (tc + k >= end) {
        if (tc + 1 >= end) {
          *tc = 0;
          return;
        }
        *tc++ = *pc++;
        continue;
      }
      memcpy(tc, pc, k);
      tc += k;
      pc = q;
    }
  }
}

/* ------------------------------------------------------------ fds */

#define FDPOOL_MAX 1024

/* Drops a record: into the pool (s may be NULL: no pool). */
static void fd_free(vg_sysstate *s, vg_fdinfo *f) {
  if (!f)
    return;
  free(f->name_raw);
  f->name_raw = NULL;
  if (s && s->nfdpool < FDPOOL_MAX) {
    if (s->nfdpool == s->capfdpool) {
      uint32_t nc = s->capfdpool ? s->capfdpool * 2 : 64;
      vg_fdinfo **np = realloc(s->fdpool, nc * sizeof *np);
      if (np) {
        s->fdpool = np;
        s->capfdpool = nc;
      }
    }
    if (s->nfdpool < s->capfdpool) {
      s->fdpool[s->nfdpool++] = f;
      return;
    }
  }
  free(f->name);
  free(f);
}

/* Sets an fd's name, reusing its buffer when the text fits; keeps the
 * old name when out of memory. */
static int fd_set_name(vg_fdinfo *f, const char *str) {
  size_t l = strlen(str);
  if (f->name && l < f->name_cap) {
    memmove(f->name, str, l + 1);
    return 1;
  }
  size_t cap = (l + 1 + 31) & ~(size_t)31;
  if (cap < 64)
    cap = 64;
  char *d = malloc(cap);
  if (!d)
    return 0;
  memcpy(d, str, l + 1);
  free(f->name);
  f->name = d;
  f->name_cap = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap;
  return 1;
}

/* A cleared record (from the pool when it has one; its name buffer, if
 * any, is kept for fd_set_name). */
static vg_fdinfo *fd_take(vg_sysstate *s) {
  if (!s || s->nfdpool == 0)
    return calloc(1, sizeof(vg_fdinfo));
  vg_fdinfo *f = s->fdpool[--s->nfdpool];
  char *nm = f->name;
  uint32_t cap = f->name_cap;
  memset(f, 0, sizeof *f);
  f->name = nm;
  f->name_cap = cap;
  return f;
}

/* The table's entries in node-list order, each with its fd number and
 * its bucket (for the current bucket count) beside the record pointer, so
 * that lookups and insertions scan one dense array, not the records. */

static void fdt_clear(vg_sysstate *s, vg_fdtable *t) {
  for (uint32_t i = 0; i < t->n; i++)
    fd_free(s, t->e[i].f);
  t->n = 0;
}

static void fdt_fini(vg_sysstate *s, vg_fdtable *t) {
  fdt_clear(s, t);
  free(t->e);
  t->e = NULL;
  t->cap = 0;
}

static int32_t fdt_index(vg_fdtable *t, int64_t fd) {
  /* fd numbers are unique in a table (fdt_add replaces), so the entry
   * found last time is the answer whenever its number matches */
  if (t->hint < t->n && t->e[t->hint].fd == fd)
    return (int32_t)t->hint;
  const vg_fdent *e = t->e;
  for (uint32_t i = 0; i < t->n; i++)
    if (e[i].fd == fd) {
      t->hint = i;
      return (int32_t)i;
    }
  return -1;
}

static vg_fdinfo *fdt_find(vg_fdtable *t, int64_t fd) {
  int32_t i = fdt_index(t, fd);
  return i < 0 ? NULL : t->e[i].f;
}

/* Removes entry i keeping the order of the others (an erase from the
 * hash table's node list). */
static void fdt_erase_at(vg_sysstate *s, vg_fdtable *t, uint32_t i) {
  fd_free(s, t->e[i].f);
  memmove(t->e + i, t->e + i + 1, (t->n - i - 1) * sizeof *t->e);
  t->n--;
}

static void fdt_remove(vg_sysstate *s, vg_fdtable *t, int64_t fd) {
  int32_t i = fdt_index(t, fd);
  if (i >= 0)
    fdt_erase_at(s, t, (uint32_t)i);
}

/* libstdc++'s bucket counts (_Prime_rehash_policy::_M_next_bkt) for the
 * sizes a table of at most VG_MAX_FDS entries reaches: the first insert
 * asks for 12 buckets (13), then each rehash doubles and rounds up to the
 * next prime of its list. */
static uint32_t next_bkt(uint32_t want) {
  static const uint32_t primes[] = {13,  29,   59,   127,  257,  541,
                                    1109, 2357, 5087, 10273, 20753};
  for (size_t i = 0; i < sizeof primes / sizeof primes[0]; i++)
    if (primes[i] >= want)
      return primes[i];
  return primes[sizeof primes / sizeof primes[0] - 1];
}

static uint32_t bucket_of(int64_t fd, uint32_t nbkt) {
  return (uint32_t)((uint64_t)fd % nbkt);
}

/* Where a new entry of bucket b goes among the first n: before the first
 * entry of its bucket when the bucket has one, else at the front. */
static uint32_t insert_pos(const vg_fdent *e, uint32_t n, uint32_t b) {
  for (uint32_t i = 0; i < n; i++)
    if (e[i].bkt == b)
      return i;
  return 0;
}

/* The node list after a rehash to nbkt buckets: libstdc++ walks the old
 * list and relinks each node with the insertion rule above. */
static void fdt_rehash(vg_fdtable *t, uint32_t nbkt) {
  for (uint32_t k = 0; k < t->n; k++)
    t->e[k].bkt = bucket_of(t->e[k].fd, nbkt);
  for (uint32_t k = 1; k < t->n; k++) {
    vg_fdent x = t->e[k];
    uint32_t p = insert_pos(t->e, k, x.bkt);
    memmove(t->e + p + 1, t->e + p, (k - p) * sizeof *t->e);
    t->e[p] = x;
  }
  t->nbkt = nbkt;
}

/* Takes ownership of f (freed on failure); returns the stored entry. */
static vg_fdinfo *fdt_add(vg_sysstate *s, vg_fdtable *t, vg_fdinfo *f) {
  if (!f)
    return NULL;
  int32_t at = fdt_index(t, f->fd);
  if (at >= 0) {
    fd_free(s, t->e[at].f);
    t->e[at].f = f;
    return f;
  }
  if (t->n >= VG_MAX_FDS) {
    fd_free(s, f);
    return NULL;
  }
  if (t->n == t->cap) {
    uint32_t ncap = t->cap ? t->cap * 2 : 16;
    vg_fdent *ne = realloc(t->e, ncap * sizeof *ne);
    if (!ne) {
      fd_free(s, f);
      return NULL;
    }
    t->e = ne;
    t->cap = ncap;
  }
  /* libstdc++'s _M_need_rehash (maximum load factor 1): the first insert
   * allocates 13 buckets, then the count grows when the table would hold
   * more entries than buckets */
  if (t->n + 1 > t->next_resize) {
    uint32_t nb = t->nbkt ? t->nbkt : 1;
    uint32_t min = t->n + 1;
    if (t->next_resize == 0 && min < 11)
      min = 11;
    if (min >= nb) {
      uint32_t want = min + 1 > nb * 2 ? min + 1 : nb * 2;
      fdt_rehash(t, next_bkt(want));
    }
    t->next_resize = t->nbkt;
  }
  uint32_t b = bucket_of(f->fd, t->nbkt);
  uint32_t p = insert_pos(t->e, t->n, b);
  memmove(t->e + p + 1, t->e + p, (t->n - p) * sizeof *t->e);
  t->e[p].f = f;
  t->e[p].fd = f->fd;
  t->e[p].bkt = b;
  t->n++;
  return f;
}

static vg_fdinfo *fd_new(vg_sysstate *s, int64_t fd, uint8_t type,
                         const char *name) {
  vg_fdinfo *f = fd_take(s);
  if (!f)
    return NULL;
  f->fd = fd;
  f->type = type;
  if (!fd_set_name(f, name ? name : "")) {
    fd_free(NULL, f);
    return NULL;
  }
  return f;
}

static vg_fdinfo *fd_clone(vg_sysstate *s, const vg_fdinfo *src) {
  vg_fdinfo *f = fd_take(s);
  if (!f)
    return NULL;
  char *nm = f->name;
  uint32_t cap = f->name_cap;
  *f = *src;
  f->name = nm;
  f->name_cap = cap;
  f->name_raw = NULL;
  if (!fd_set_name(f, src->name)) {
    fd_free(NULL, f);
    return NULL;
  }
  if (src->name_raw) {
    f->name_raw = dupn(src->name_raw, strlen(src->name_raw));
    if (!f->name_raw) {
      fd_free(NULL, f);
      return NULL;
    }
  }
  return f;
}

/* ------------------------------------------------------------ threads */

static size_t slot(const vg_sysstate *s, int64_t tid) {
  uint64_t h = (uint64_t)tid * 0x9E3779B97F4A7C15ull;
  size_t i = (size_t)(h >> 17) & (s->cap - 1);
  while (s->tab[i] && s->tab[i]->tid != tid)
    i = (i + 1) & (s->cap - 1);
  return i;
}

static inline vg_thread *tfind(vg_sysstate *s, int64_t tid) {
  return s->tab[slot(s, tid)];
}

vg_thread *vg_sys_find(vg_sysstate *s, int64_t tid) { return tfind(s, tid); }

static void tab_put(vg_sysstate *s, size_t i, vg_thread *t) {
  s->tab[i] = t;
  if (t)
    s->occ[i >> 6] |= (uint64_t)1 << (i & 63);
  else
    s->occ[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

/* The first taken slot at or after i, or s->cap. */
static size_t next_taken(const vg_sysstate *s, size_t i) {
  size_t nw = s->cap >> 6, w = i >> 6;
  if (w >= nw)
    return s->cap;
  uint64_t m = s->occ[w] & (~(uint64_t)0 << (i & 63));
  while (!m) {
    if (++w >= nw)
      return s->cap;
    m = s->occ[w];
  }
  return (w << 6) | (size_t)__builtin_ctzll(m);
}

/* Every taken slot i of the thread table, in slot order. */
#define FOR_TAKEN(s, i)                                                      \
  for (size_t i = next_taken(s, 0); i < (s)->cap; i = next_taken(s, i + 1))

static void thread_free(vg_sysstate *s, vg_thread *t) {
  if (!t)
    return;
  free(t->comm);
  free(t->exe);
  free(t->exepath);
  free(t->cwd);
  free(t->root);
  free(t->args);
  free(t->env);
  free(t->cgroups);
  free(t->container_id);
  free(t->last_evt);
  fdt_fini(s, &t->fds);
  free(t);
}

static vg_thread *thread_new(int64_t tid) {
  vg_thread *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  t->tid = tid;
  t->pid = t->ptid = t->sid = t->vpgid = t->pgid = -1;
  t->vtid = t->vpid = -1;
  t->uid = t->gid = t->loginuid = 0xFFFFFFFFu;
  t->fdlimit = -1;
  t->flags = CL_NAME_CHANGED;
  t->lastevent_fd = -1;
  t->lastevent_type = 0xFFFFFFFFu;
  t->comm = dupn("", 0);
  t->exe = dupn("", 0);
  t->exepath = dupn("", 0);
  t->cwd = dupn("", 0);
  t->root = dupn("", 0);
  t->args = dupn("", 0);
  t->env = dupn("", 0);
  if (!t->env || !t->comm || !t->exe || !t->exepath || !t->cwd || !t->root ||
      !t->args) {
    thread_free(NULL, t);
    return NULL;
  }
  return t;
}

static void erase_thread(vg_sysstate *s, int64_t tid) {
  size_t i = slot(s, tid);
  if (!s->tab[i])
    return;
  if (s->tinfo == s->tab[i])
    s->tinfo = NULL;
  if (s->fdinfo_owner == s->tab[i]) {
    s->fdinfo_owner = NULL;
    s->fdc = NULL;
  }
  s->fdc_on = 0;
  thread_free(s, s->tab[i]);
  tab_put(s, i, NULL);
  s->n--;
  size_t j = (i + 1) & (s->cap - 1);
  while (s->tab[j]) {
    vg_thread *t = s->tab[j];
    tab_put(s, j, NULL);
    tab_put(s, slot(s, t->tid), t);
    j = (j + 1) & (s->cap - 1);
  }
}

/* Adds t (replacing any thread with the same tid); frees t when full. */
static vg_thread *add_thread(vg_sysstate *s, vg_thread *t) {
  if (!t)
    return NULL;
  erase_thread(s, t->tid);
  if (s->n >= VG_MAX_THREADS) {
    thread_free(s, t);
    return NULL;
  }
  if ((s->n + 1) * 2 > s->cap) {
    size_t ncap = s->cap * 2;
    vg_thread **nt = calloc(ncap, sizeof *nt);
    uint64_t *no = calloc(ncap / 64, sizeof *no);
    if (!nt || !no) {
      free(nt);
      free(no);
      thread_free(s, t);
      return NULL;
    }
    vg_thread **old = s->tab;
    size_t ocap = s->cap;
    s->tab = nt;
    s->cap = ncap;
    free(s->occ);
    s->occ = no;
    for (size_t i = 0; i < ocap; i++)
      if (old[i])
        tab_put(s, slot(s, old[i]->tid), old[i]);
    free(old);
  }
  tab_put(s, slot(s, t->tid), t);
  s->n++;
  return t;
}

static int is_main(const vg_thread *t) {
  return t->tid == t->pid || (t->flags & CL_IS_MAIN_THREAD);
}

vg_thread *vg_sys_main_thread(vg_sysstate *s, vg_thread *t) {
  if (!t)
    return NULL;
  if (is_main(t))
    return t;
  if (t->pid < 0)
    return NULL;
  vg_thread *m = vg_sys_find(s, t->pid);
  return m && is_main(m) ? m : NULL;
}

static vg_fdtable *fd_table(vg_sysstate *s, vg_thread *t) {
  if (!(t->flags & CL_CLONE_FILES))
    return &t->fds;
  vg_thread *m = vg_sys_main_thread(s, t);
  return m ? &m->fds : NULL;
}

vg_fdinfo *vg_sys_get_fd(vg_sysstate *s, vg_thread *t, int64_t fd) {
  if (!t)
    return NULL;
  vg_fdtable *ft = fd_table(s, t);
  return ft ? fdt_find(ft, fd) : NULL;
}

static vg_fdinfo *add_fd(vg_sysstate *s, vg_thread *t, vg_fdinfo *f) {
  vg_fdtable *ft = fd_table(s, t);
  if (!ft || !f) {
    fd_free(s, f);
    return NULL;
  }
  t->lastevent_fd = f->fd;
  return fdt_add(s, ft, f);
}

static const char *thread_cwd(vg_sysstate *s, vg_thread *t) {
  vg_thread *m = vg_sys_main_thread(s, t);
  return m ? m->cwd : "./";
}

static void set_args(vg_thread *t, const uint8_t *a, uint32_t len) {
  if (len > 0 && a[len - 1] == 0)
    len--;
  char *d = dupn((const char *)a, len);
  if (!d)
    return;
  free(t->args);
  t->args = d;
  t->args_len = len;
  uint32_t n = len ? 1 : 0;
  for (uint32_t i = 0; i < len; i++)
    if (a[i] == 0)
      n++;
  t->nargs = n;
}

static void set_cgroups(vg_thread *t, const uint8_t *a, uint32_t len) {
  if (len > 0 && a[len - 1] == 0)
    len--;
  /* libsinsp keeps the previous table when an entry lacks '=' */
  for (uint32_t i = 0, st = 0; i <= len; i++)
    if (i == len || a[i] == 0) {
      if (!memchr(a + st, '=', i - st))
        return;
      st = i + 1;
    }
  char *d = dupn((const char *)a, len);
  if (!d)
    return;
  free(t->cgroups);
  t->cgroups = d;
  t->cgroups_len = len;
}

static void set_env(vg_thread *t, const uint8_t *a, uint32_t len) {
  if (len > 0 && a[len - 1] == 0)
    len--;
  char *d = dupn((const char *)a, len);
  if (!d)
    return;
  free(t->env);
  t->env = d;
  t->env_len = len;
}

/* Lookup that creates a placeholder entry for unknown threads, as libsinsp
 * does when it cannot query /proc while replaying a capture. */
static vg_thread *get_thread(vg_sysstate *s, int64_t tid) {
  vg_thread *t = tfind(s, tid);
  if (t)
    return t;
  t = thread_new(tid);
  if (!t)
    return NULL;
  set_str(&t->comm, "<NA>");
  set_str(&t->exe, "<NA>");
  return add_thread(s, t);
}

static int is_invalid(const vg_thread *t) {
  return t->tid < 0 || t->pid < 0 || t->ptid < 0;
}


/* ------------------------------------------------------------ groups */

/* libsinsp keeps threads in thread groups (by pid) with a count of live
 * threads; a dead main thread stays while other threads of its group are
 * alive, and children of an exiting thread move to a reaper. */

static int is_reaper_group(const vg_sysstate *s, int64_t pid) {
  for (size_t i = 0; i < s->nreapers; i++)
    if (s->reapers[i] == pid)
      return 1;
  return 0;
}

static void mark_reaper_group(vg_sysstate *s, int64_t pid) {
  if (is_reaper_group(s, pid))
    return;
  if (s->nreapers < sizeof s->reapers / sizeof s->reapers[0])
    s->reapers[s->nreapers++] = pid;
}

/* First live thread of group PID other than EXCEPT (main thread first). */
static vg_thread *live_in_group(vg_sysstate *s, int64_t pid,
                                const vg_thread *except) {
  vg_thread *m = vg_sys_find(s, pid);
  if (m && m != except && is_main(m) && !(m->flags & CL_CLOSED) &&
      !is_invalid(m))
    return m;
  FOR_TAKEN(s, i) {
    vg_thread *t = s->tab[i];
    if (t != except && t->pid == pid && !is_invalid(t) &&
        !(t->flags & CL_CLOSED))
      return t;
  }
  return NULL;
}

static int in_pid_ns(const vg_thread *t) {
  return (t->flags & CL_CHILD_IN_PIDNS) || (t->tid != t->vtid && t->vtid >= 0);
}

static vg_thread *find_new_reaper(vg_sysstate *s, vg_thread *t) {
  vg_thread *r = live_in_group(s, t->pid, t);
  if (r)
    return r;
  vg_thread *p = vg_sys_find(s, t->ptid);
  for (int guard = 0; p && guard < 4096; guard++) {
    if (p == t)
      break;
    if (in_pid_ns(p) != in_pid_ns(t))
      break;
    if (p->pid == 1 || p->vpid == 1 || is_reaper_group(s, p->pid)) {
      r = live_in_group(s, p->pid, NULL);
      if (r)
        return r;
    }
    if (p->ptid == p->tid)
      break;
    p = vg_sys_find(s, p->ptid);
  }
  return NULL;
}

static void remove_thread(vg_sysstate *s, int64_t tid, int64_t reaper_tid) {
  vg_thread *t = vg_sys_find(s, tid);
  if (!t)
    return;
  if (is_invalid(t)) {
    erase_thread(s, tid);
    return;
  }
  t->flags |= CL_CLOSED;
  int has_children = 0;
  FOR_TAKEN(s, i) {
    if (s->tab[i] != t && s->tab[i]->ptid == tid) {
      has_children = 1;
      break;
    }
  }
  if (has_children) {
    vg_thread *r = NULL;
    if (reaper_tid > 0) {
      r = get_thread(s, reaper_tid);
      if (r && is_invalid(r))
        r = NULL;
    }
    if (!r)
      r = find_new_reaper(s, t);
    if (r && r->pid != t->pid)
      mark_reaper_group(s, r->pid);
    FOR_TAKEN(s, i) {
      vg_thread *c = s->tab[i];
      if (c != t && c->ptid == tid)
        c->ptid = r ? r->tid : 0;
    }
  }
  int64_t pid = t->pid;
  int main = is_main(t);
  if (!live_in_group(s, pid, NULL)) {
    erase_thread(s, pid);
    if (main)
      return;
    t = vg_sys_find(s, tid);
  }
  if (!main && t)
    erase_thread(s, tid);
}

/* ------------------------------------------------------------ lifecycle */

vigil_status vg_sys_new(vg_sysstate **out) {
  vg_sysstate *s = calloc(1, sizeof *s);
  if (!s)
    return VIGIL_E_NOMEM;
  s->cap = 1024;
  s->initial = 1;
  s->tab = calloc(s->cap, sizeof *s->tab);
  s->occ = calloc(s->cap / 64, sizeof *s->occ);
  if (!s->tab || !s->occ) {
    free(s->tab);
    free(s->occ);
    free(s);
    return VIGIL_E_NOMEM;
  }
  *out = s;
  return VIGIL_OK;
}

static void users_clear(vg_user *u, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(u[i].name);
    free(u[i].home);
    free(u[i].shell);
  }
}

/* ------------------------------------------------------------ containers */

/*
 * The container plugin's view (plugins/container): every thread carries
 * the container id its cgroups resolve to, containers are announced by
 * container events, and a thread whose id is empty belongs to the host.
 */

static const vg_container HOST_CTR = {
    "host", "host", "host", "", "", "", "", "", "", "", "",
    0xfffe, 0, 0, 0, 0, NULL, 0, NULL, 0, NULL, 0};

static void kv_free(vg_kv *kv, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    free(kv[i].k);
    free(kv[i].v);
  }
  free(kv);
}

static void ctr_fini(vg_container *c) {
  char **strs[] = {&c->id, &c->full_id, &c->name, &c->image, &c->imageid,
                   &c->imagerepo, &c->imagetag, &c->imagedigest, &c->ip,
                   &c->cni_json, &c->pod_sandbox_id};
  for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
    free(*strs[i]);
  for (uint32_t i = 0; i < c->nmounts; i++) {
    free(c->mounts[i].source);
    free(c->mounts[i].dest);
    free(c->mounts[i].mode);
    free(c->mounts[i].propagation);
  }
  free(c->mounts);
  kv_free(c->labels, c->nlabels);
  kv_free(c->pod_labels, c->npod_labels);
  memset(c, 0, sizeof *c);
}

/* nlohmann's value(key, default): absent -> default; present with another
 * type -> the whole container is rejected (the plugin's parse throws) */
static int js_str(json_t *o, const char *k, char **out) {
  json_t *v = json_object_get(o, k);
  const char *txt = "";
  size_t n = 0;
  if (v) {
    if (!json_is_string(v))
      return 0;
    txt = json_string_value(v);
    n = json_string_length(v);
  }
  *out = dupn(txt, n);
  return *out != NULL;
}

static int js_bool(json_t *o, const char *k, uint8_t *out) {
  json_t *v = json_object_get(o, k);
  *out = 0;
  if (!v)
    return 1;
  if (!json_is_boolean(v))
    return 0;
  *out = json_is_true(v);
  return 1;
}

static int kv_cmp(const void *a, const void *b) {
  return strcmp(((const vg_kv *)a)->k, ((const vg_kv *)b)->k);
}

/* a string-to-string map; absent or null -> empty */
static int js_map(json_t *o, const char *k, vg_kv **out, uint32_t *n) {
  json_t *m = json_object_get(o, k);
  *out = NULL;
  *n = 0;
  if (!m || json_is_null(m))
    return 1;
  if (!json_is_object(m))
    return 0;
  size_t cnt = json_object_size(m);
  if (cnt == 0)
    return 1;
  vg_kv *kv = calloc(cnt, sizeof *kv);
  if (!kv)
    return 0;
  const char *key;
  json_t *val;
  uint32_t i = 0;
  json_object_foreach(m, key, val) {
    if (!json_is_string(val) || i >= cnt)
      break;
    kv[i].k = dupn(key, strlen(key));
    kv[i].v = dupn(json_string_value(val), json_string_length(val));
    i++;
    if (!kv[i - 1].k || !kv[i - 1].v)
      break;
  }
  if (i != cnt || !kv[i - 1].k || !kv[i - 1].v) {
    kv_free(kv, (uint32_t)cnt);
    return 0;
  }
  qsort(kv, cnt, sizeof *kv, kv_cmp);
  *out = kv;
  *n = (uint32_t)cnt;
  return 1;
}

static int js_mounts(json_t *o, vg_container *c) {
  json_t *a = json_object_get(o, "Mounts");
  if (!a || json_is_null(a))
    return 1;
  if (!json_is_array(a))
    return 0;
  size_t n = json_array_size(a);
  if (n == 0)
    return 1;
  c->mounts = calloc(n, sizeof *c->mounts);
  if (!c->mounts)
    return 0;
  for (size_t i = 0; i < n; i++) {
    json_t *m = json_array_get(a, i);
    vg_mount *d = &c->mounts[i];
    c->nmounts = (uint32_t)i + 1;
    if (!json_is_object(m) || !js_str(m, "Source", &d->source) ||
        !js_str(m, "Destination", &d->dest) || !js_str(m, "Mode", &d->mode) ||
        !js_bool(m, "RW", &d->rdwr) ||
        !js_str(m, "Propagation", &d->propagation))
      return 0;
  }
  return 1;
}

/* Parses the container plugin's JSON ({"container": {...}}) into c. */
static int ctr_parse(const uint8_t *p, size_t n, vg_container *c) {
  memset(c, 0, sizeof *c);
  if (n > 0 && p[n - 1] == 0)
    n--;
  json_t *root = json_loadb((const char *)p, n, JSON_DECODE_ANY, NULL);
  if (!root)
    return 0;
  json_t *o = json_object_get(root, "container");
  int ok = o && json_is_object(o);
  json_t *ty = ok ? json_object_get(o, "type") : NULL;
  c->type = 0xffff;
  if (ty) {
    if (json_is_integer(ty))
      c->type = (int)json_integer_value(ty);
    else
      ok = 0;
  }
  ok = ok && js_str(o, "id", &c->id) && js_str(o, "full_id", &c->full_id) &&
       js_str(o, "name", &c->name) && js_str(o, "image", &c->image) &&
       js_str(o, "imageid", &c->imageid) &&
       js_str(o, "imagerepo", &c->imagerepo) &&
       js_str(o, "imagetag", &c->imagetag) &&
       js_str(o, "imagedigest", &c->imagedigest) &&
       js_str(o, "ip", &c->ip) && js_str(o, "cni_json", &c->cni_json) &&
       js_str(o, "pod_sandbox_id", &c->pod_sandbox_id) &&
       js_bool(o, "privileged", &c->privileged) &&
       js_bool(o, "host_pid", &c->host_pid) &&
       js_bool(o, "host_network", &c->host_network) &&
       js_bool(o, "host_ipc", &c->host_ipc) &&
       js_map(o, "labels", &c->labels, &c->nlabels) &&
       js_map(o, "pod_sandbox_labels", &c->pod_labels, &c->npod_labels) &&
       js_mounts(o, c);
  json_decref(root);
  if (!ok)
    ctr_fini(c);
  return ok;
}

static vg_container *ctr_find(vg_sysstate *s, const char *id) {
  for (size_t i = 0; i < s->nctrs; i++)
    if (!strcmp(s->ctrs[i].id, id))
      return &s->ctrs[i];
  return NULL;
}

/* Adds or replaces a container; takes c's contents. */
static vg_container *ctr_put(vg_sysstate *s, vg_container *c) {
  vg_container *old = ctr_find(s, c->id);
  if (old) {
    ctr_fini(old);
    *old = *c;
    return old;
  }
  if (s->nctrs >= VG_MAX_CONTAINERS) {
    /* bounded like the thread table: further containers are not kept */
    ctr_fini(c);
    return NULL;
  }
  if (s->nctrs == s->capctrs) {
    size_t nc = s->capctrs ? s->capctrs * 2 : 8;
    vg_container *na = realloc(s->ctrs, nc * sizeof *na);
    if (!na) {
      ctr_fini(c);
      return NULL;
    }
    s->ctrs = na;
    s->capctrs = nc;
  }
  s->ctrs[s->nctrs] = *c;
  return &s->ctrs[s->nctrs++];
}

static void ctr_remove(vg_sysstate *s, const char *id) {
  vg_container *c = ctr_find(s, id);
  if (!c)
    return;
  ctr_fini(c);
  *c = s->ctrs[--s->nctrs];
}

/* A container event (or the plugin's async "container" events): parse it,
 * remember it for this event's extraction. */
static void parse_container_evt(vg_sysstate *s, const vg_evt *e) {
  const uint8_t *p;
  uint32_t n;
  int removed = 0;
  if (e->type == VG_PPME_ASYNCEVENT_E) {
    char nb[64];
    const char *name = e->nparams > 2 ? vg_evt_str(e, 1, nb, sizeof nb) : NULL;
    if (!name)
      return;
    if (!strcmp(name, "container_removed"))
      removed = 1;
    else if (strcmp(name, "container") != 0)
      return;
    p = e->p[2];
    n = e->plen[2];
  } else {
    if (e->nparams < 1 || e->plen[0] == 0)
      return;
    p = e->p[0];
    n = e->plen[0];
  }
  vg_container c;
  if (!ctr_parse(p, n, &c))
    return;
  if (removed) {
    /* the event itself still sees the container it removes */
    vg_container *keep = ctr_put(s, &c);
    if (keep) {
      s->evt_ctr = NULL;
      ctr_remove(s, keep->id);
    }
    return;
  }
  s->evt_ctr = ctr_put(s, &c);
}

/* ---- cgroup matchers (container plugin's runc helper and engines) ---- */

static size_t rfind(const char *s, size_t n, const char *pat) {
  size_t m = strlen(pat);
  if (m > n)
    return SIZE_MAX;
  for (size_t i = n - m + 1; i-- > 0;)
    if (!memcmp(s + i, pat, m))
      return i;
  return SIZE_MAX;
}

static size_t find(const char *s, size_t n, const char *pat, size_t from) {
  size_t m = strlen(pat);
  for (size_t i = from; i + m <= n; i++)
    if (!memcmp(s + i, pat, m))
      return i;
  return SIZE_MAX;
}

static int ends_with(const char *s, size_t n, const char *suf) {
  size_t m = strlen(suf);
  return n >= m && !memcmp(s + n - m, suf, m);
}

static void put_id(char *out, size_t len, const char *p, size_t n) {
  if (len == 0)
    return;
  if (n >= len)
    n = len - 1;
  memcpy(out, p, n);
  out[n] = 0;
}

/* cgroup ends with <prefix><id><suffix>: a 64-hex id (reported as its
 * first 12 characters), or for containerd any shorter id outside systemd
 * units. The hex test starts at the id but compares the absolute position
 * of the first non-hex character with 64, as upstream does. */
static int runc_one(const char *cg, size_t n, const char *prefix,
                    const char *suffix, int containerd, char *out,
                    size_t len) {
  size_t st = rfind(cg, n, prefix);
  if (st == SIZE_MAX)
    return 0;
  st += strlen(prefix);
  size_t en = rfind(cg, n, suffix);
  if (en == SIZE_MAX)
    return 0;
  size_t d = en - st;
  if (d == 64) {
    size_t k = st;
    while (k < n && strchr("0123456789abcdefABCDEF", cg[k]) && cg[k])
      k++;
    if (k >= n || k >= 64) {
      put_id(out, len, cg + st, 12);
      return 1;
    }
  }
  if (d > 64 || d == 0)
    return 0;
  if (containerd && !ends_with(cg, n, ".service") &&
      !ends_with(cg, n, ".slice") && !ends_with(cg, n, ".scope")) {
    put_id(out, len, cg + st, d < 12 ? d : 12);
    return 1;
  }
  return 0;
}

static int runc_layouts(const char *cg, size_t n, const char *const *lay,
                        int containerd, char *out, size_t len) {
  for (size_t i = 0; lay[i]; i += 2)
    if (runc_one(cg, n, lay[i], lay[i + 1], containerd, out, len))
      return 1;
  return 0;
}

static int name_seg_ok(const char *p, size_t n) {
  /* [A-Za-z0-9]+([._-][A-Za-z0-9]+)* */
  int need = 1;
  for (size_t i = 0; i < n; i++) {
    char c = p[i];
    int an = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9');
    if (an) {
      need = 0;
    } else if ((c == '.' || c == '_' || c == '-') && !need) {
      need = 1;
    } else {
      return 0;
    }
  }
  return n > 0 && !need;
}

int vg_cgroup_container_id(const char *cg, size_t n, char *out, size_t len,
                           int *type) {
  static const char *const podman[] = {"/libpod-", ".scope", "/libpod-",
                                       ".scope/container", "/libpod-", "",
                                       NULL};
  static const char *const docker[] = {"/", "", "/docker-", ".scope", NULL};
  static const char *const cri[] = {"/", "", "/crio-", "",
                                    "/cri-containerd-", ".scope", "/crio-",
                                    ".scope", ":cri-containerd:", "",
                                    "/docker-", ".scope", NULL};
  if (runc_layouts(cg, n, podman, 0, out, len)) {
    *type = 11;
    return 1;
  }
  if (runc_layouts(cg, n, docker, 0, out, len)) {
    *type = 0;
    return 1;
  }
  if (runc_layouts(cg, n, cri, 0, out, len)) {
    *type = 6;
    return 1;
  }
  /* containerd (ctr): the first "/NAME/" is taken as the namespace */
  for (size_t i = 0; i < n; i++) {
    if (cg[i] != '/')
      continue;
    size_t j = i + 1;
    while (j < n && cg[j] != '/')
      j++;
    if (j >= n)
      break;
    if (!name_seg_ok(cg + i + 1, j - i - 1))
      continue;
    char ns[1100];
    if (j - i + 1 >= sizeof ns)
      break;
    memcpy(ns, cg + i, j - i + 1);
    ns[j - i + 1] = 0;
    if (runc_one(cg, n, ns, "", 1, out, len)) {
      *type = 7;
      return 1;
    }
    break;
  }
  static const char *const lxc[] = {"/lxc/", "/lxc.payload/", "/lxc.payload."};
  for (size_t i = 0; i < 3; i++) {
    size_t pos = find(cg, n, lxc[i], 0);
    if (pos == SIZE_MAX)
      continue;
    size_t st = pos + strlen(lxc[i]);
    size_t en = find(cg, n, "/", st);
    if (en == SIZE_MAX)
      en = n;
    put_id(out, len, cg + st, en - st);
    *type = 1;
    return 1;
  }
  /* libvirt-lxc: plain, systemd and legacy layouts */
  size_t pos = find(cg, n, ".libvirt-lxc", 0);
  if (pos != SIZE_MAX && pos + 12 == n) {
    size_t sl = rfind(cg, n, "/");
    if (sl != SIZE_MAX && sl < pos) {
      put_id(out, len, cg + sl + 1, pos - sl - 1);
      *type = 2;
      return 1;
    }
  }
  pos = find(cg, n, "-lxc\\x2", 0);
  if (pos != SIZE_MAX) {
    const char *delim = find(cg, n, ".scope/libvirt", 0) != SIZE_MAX
                            ? ".scope/libvirt" : ".scope";
    size_t p2 = find(cg, n, delim, 0);
    if (p2 != SIZE_MAX && p2 + strlen(delim) == n && pos + 8 <= n) {
      size_t st = pos + 8;
      put_id(out, len, cg + st, p2 >= st ? p2 - st : n - st);
      *type = 2;
      return 1;
    }
  }
  pos = find(cg, n, "/libvirt/lxc/", 0);
  if (pos != SIZE_MAX) {
    put_id(out, len, cg + pos + 13, n - pos - 13);
    *type = 2;
    return 1;
  }
  pos = find(cg, n, "bpm-", 0);
  if (pos != SIZE_MAX) {
    size_t st = pos + 4;
    size_t en = find(cg, n, ".scope", st);
    if (en == SIZE_MAX)
      en = n;
    size_t k = st;
    while (k < en && (strchr("._-", cg[k]) ||
                      (cg[k] >= 'a' && cg[k] <= 'z') ||
                      (cg[k] >= 'A' && cg[k] <= 'Z') ||
                      (cg[k] >= '0' && cg[k] <= '9')) && cg[k])
      k++;
    if (en > st && k == en) {
      put_id(out, len, cg + st, en - st);
      *type = 9;
      return 1;
    }
  }
  return 0;
}

/* The plugin's on_new_process: the first cgroup (in order) that a matcher
 * resolves to a non-empty id gives the thread's container id. Engines
 * without a runtime socket (lxc, libvirt-lxc, bpm) create the container
 * entry right away. */
static void cgroups_container(const vg_thread *t, char *id, size_t idlen,
                              int *type) {
  id[0] = 0;
  const char *p = t->cgroups, *end = p ? p + t->cgroups_len : NULL;
  while (p && p < end) {
    size_t el = strnlen(p, (size_t)(end - p));
    const char *eq = memchr(p, '=', el);
    if (eq && (size_t)(eq - p) + 1 < el &&
        vg_cgroup_container_id(eq + 1, el - (size_t)(eq - p) - 1, id,
                               idlen, type) &&
        id[0])
      break;
    id[0] = 0;
    p += el + 1;
  }
}

static void attach_container(vg_sysstate *s, vg_thread *t) {
  char id[256];
  int type = 0;
  size_t m = 0, nm = sizeof s->cgmemo / sizeof s->cgmemo[0];
  for (; m < nm; m++)
    if (s->cgmemo[m].cg && s->cgmemo[m].len == t->cgroups_len &&
        !memcmp(s->cgmemo[m].cg, t->cgroups, t->cgroups_len))
      break;
  if (m < nm) {
    memcpy(id, s->cgmemo[m].id, sizeof id);
    type = s->cgmemo[m].type;
  } else {
    cgroups_container(t, id, sizeof id, &type);
    if (t->cgroups && t->cgroups_len) {
      m = s->cgmemo_next++ % nm;
      char *cg = dupn(t->cgroups, t->cgroups_len);
      if (cg) {
        free(s->cgmemo[m].cg);
        s->cgmemo[m].cg = cg;
        s->cgmemo[m].len = t->cgroups_len;
        s->cgmemo[m].type = type;
        memcpy(s->cgmemo[m].id, id, sizeof id);
      }
    }
  }
  free(t->container_id);
  t->container_id = NULL;
  if (!id[0])
    return;
  t->container_id = dupn(id, strlen(id));
  if ((type == 1 || type == 2 || type == 9) && t->container_id) {
    vg_container c;
    memset(&c, 0, sizeof c);
    c.type = type;
    c.id = dupn(id, strlen(id));
    const char **rest[] = {(const char **)&c.full_id, (const char **)&c.name,
                           (const char **)&c.image, (const char **)&c.imageid,
                           (const char **)&c.imagerepo,
                           (const char **)&c.imagetag,
                           (const char **)&c.imagedigest, (const char **)&c.ip,
                           (const char **)&c.cni_json,
                           (const char **)&c.pod_sandbox_id};
    int ok = c.id != NULL;
    for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++) {
      *rest[i] = dupn("", 0);
      ok = ok && *rest[i];
    }
    if (ok)
      ctr_put(s, &c);
    else
      ctr_fini(&c);
  }
}

const vg_container *vg_sys_container(vg_sysstate *s, const char *id) {
  if (!id || !id[0])
    return &HOST_CTR;
  return ctr_find(s, id);
}

const vg_container *vg_sys_evt_container(vg_sysstate *s) {
  return s->evt_ctr;
}

const char *vg_sys_hostname(vg_sysstate *s) {
  return s->have_host ? s->hostname : NULL;
}

uint64_t vg_sys_first_ts(vg_sysstate *s) { return s->first_ts; }

static void reset_all(vg_sysstate *s) {
  FOR_TAKEN(s, i) {
    thread_free(s, s->tab[i]);
    tab_put(s, i, NULL);
  }
  s->n = 0;
  users_clear(s->users, s->nusers);
  users_clear(s->groups, s->ngroups);
  s->nusers = s->ngroups = 0;
  s->nifaces = 0;
  s->nreapers = 0;
  s->tinfo = NULL;
  s->fdinfo_owner = NULL;
  s->fdc = NULL;
  s->fdc_on = 0;
  s->have_remove_tid = s->have_remove_fd = 0;
  s->initial = 1;
  s->sockets_fixed = 0;
  s->cids_done = 0;
  s->evt_ctr = NULL;
  memset(s->server_ports, 0, sizeof s->server_ports);
}

void vg_sys_free(vg_sysstate *s) {
  if (!s)
    return;
  reset_all(s);
  for (size_t i = 0; i < s->nctrs; i++)
    ctr_fini(&s->ctrs[i]);
  for (size_t i = 0; i < sizeof s->cgmemo / sizeof s->cgmemo[0]; i++)
    free(s->cgmemo[i].cg);
  free(s->ctrs);
  free(s->tab);
  free(s->occ);
  for (uint32_t i = 0; i < s->nfdpool; i++) {
    free(s->fdpool[i]->name);
    free(s->fdpool[i]);
  }
  free(s->fdpool);
  free(s->users);
  free(s->groups);
  free(s);
}

/* ------------------------------------------------------------ metadata */

static vigil_status add_user(vg_sysstate *s, const vg_scap_user *u) {
  vg_user **arr = u->is_group ? &s->groups : &s->users;
  size_t *n = u->is_group ? &s->ngroups : &s->nusers;
  size_t *cap = u->is_group ? &s->capgroups : &s->capusers;
  uint32_t id = u->is_group ? u->gid : u->uid;
  for (size_t i = 0; i < *n; i++)
    if ((*arr)[i].id == id)
      return VIGIL_OK;
  if (*n >= 65536)
    return VIGIL_OK;
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 64;
    vg_user *na = realloc(*arr, nc * sizeof *na);
    if (!na)
      return VIGIL_E_NOMEM;
    *arr = na;
    *cap = nc;
  }
  vg_user *d = &(*arr)[*n];
  d->id = id;
  d->gid = u->gid;
  d->name = dupn(u->name, strlen(u->name));
  d->home = dupn(u->home, strlen(u->home));
  d->shell = dupn(u->shell, strlen(u->shell));
  if (!d->name || !d->home || !d->shell) {
    free(d->name);
    free(d->home);
    free(d->shell);
    return VIGIL_E_NOMEM;
  }
  (*n)++;
  return VIGIL_OK;
}

const vg_user *vg_sys_user(vg_sysstate *s, uint32_t uid) {
  for (size_t i = 0; i < s->nusers; i++)
    if (s->users[i].id == uid)
      return &s->users[i];
  return NULL;
}

const vg_user *vg_sys_group(vg_sysstate *s, uint32_t gid) {
  for (size_t i = 0; i < s->ngroups; i++)
    if (s->groups[i].id == gid)
      return &s->groups[i];
  return NULL;
}

static vigil_status import_fd(vg_sysstate *s, const vg_scap_fd *sf);

/* libsinsp registers uid/gid 0 as root (home /root) when a thread with
 * that id appears and the capture's user list lacks it. */
static void ensure_root(vg_sysstate *s, const vg_thread *t) {
  if (t->uid == 0 && !vg_sys_user(s, 0)) {
    vg_scap_user u = {0, 0, t->gid, "root", "/root", ""};
    add_user(s, &u);
  }
  if (t->gid == 0 && !vg_sys_group(s, 0)) {
    vg_scap_user g = {1, 0, 0, "root", "", ""};
    add_user(s, &g);
  }
}

vigil_status vg_sys_item(vg_sysstate *s, const vg_scap_item *it) {
  s->fdc_on = 0;
  switch (it->kind) {
  case VG_SCAP_SECTION:
    reset_all(s);
    return VIGIL_OK;
  case VG_SCAP_PROC: {
    const vg_scap_proc *p = it->u.proc;
    vg_thread *t = thread_new(p->tid);
    if (!t)
      return VIGIL_E_NOMEM;
    t->pid = p->pid;
    t->ptid = p->ptid;
    t->sid = p->sid;
    t->vpgid = p->vpgid;
    t->pgid = p->pgid;
    t->vtid = p->vtid;
    t->vpid = p->vpid;
    set_str(&t->comm, p->comm);
    set_str(&t->exe, p->exe);
    set_str(&t->exepath, p->exepath);
    set_str(&t->root, p->root);
    set_args(t, p->args, p->args_len);
    set_cgroups(t, p->cgroups, p->cgroups_len);
    t->vmsize_kb = p->vmsize_kb;
    t->vmrss_kb = p->vmrss_kb;
    t->vmswap_kb = p->vmswap_kb;
    t->pfmajor = p->pfmajor;
    t->pfminor = p->pfminor;
    t->flags |= p->flags | CL_ACTIVE;
    t->tty = p->tty;
    t->exe_writable = p->exe_writable;
    t->exe_upper_layer = p->exe_upper_layer;
    t->exe_lower_layer = p->exe_lower_layer;
    t->exe_from_memfd = p->exe_from_memfd;
    t->cap_inheritable = p->cap_inh;
    t->cap_permitted = p->cap_prm;
    t->cap_effective = p->cap_eff;
    t->exe_ino = p->exe_ino;
    t->exe_ino_ctime = p->exe_ino_ctime;
    t->exe_ino_mtime = p->exe_ino_mtime;
    t->pidns_init_start_ts = p->pidns_init_start_ts;
    if (is_main(t)) {
      set_env(t, p->env, p->env_len);
      char buf[MAX_PATH + 2];
      vg_concat_paths(buf, sizeof buf - 1, "", 0, p->cwd, strlen(p->cwd));
      size_t l = strlen(buf);
      if (l == 0 || buf[l - 1] != '/') {
        buf[l] = '/';
        buf[l + 1] = 0;
      }
      set_str(&t->cwd, buf);
    }
    t->fdlimit = (int64_t)p->fdlimit;
    t->uid = p->uid;
    t->gid = p->gid;
    t->loginuid = p->loginuid;
    t = add_thread(s, t);
    if (t)
      ensure_root(s, t);
    return VIGIL_OK;
  }
  case VG_SCAP_FD:
    return import_fd(s, it->u.fd);
  case VG_SCAP_MACHINE:
    snprintf(s->hostname, sizeof s->hostname, "%s", it->u.hostname);
    s->have_host = 1;
    return VIGIL_OK;
  case VG_SCAP_IFACE:
    if (s->nifaces < sizeof s->ifaces / sizeof s->ifaces[0]) {
      const vg_scap_iface *f = it->u.iface;
      s->ifaces[s->nifaces].is_v6 = f->is_v6;
      memcpy(s->ifaces[s->nifaces].addr, f->addr, 16);
      memcpy(s->ifaces[s->nifaces].mask, f->netmask, 16);
      s->nifaces++;
    }
    return VIGIL_OK;
  case VG_SCAP_USER:
    return add_user(s, it->u.user);
  default:
    return VIGIL_OK;
  }
}

/* ------------------------------------------------------------ sockets */

static uint16_t rdp16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static void put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

static const uint8_t ZERO16[16];

/* Text of an IPv4 or IPv6 address, as libsinsp prints it (inet_ntop:
 * longest zero run compressed, IPv4-mapped addresses dotted). */
static void fmt_ip(char *out, size_t len, const uint8_t *ip, int v6) {
  if (!inet_ntop(v6 ? AF_INET6 : AF_INET, ip, out, (socklen_t)len) && len)
    out[0] = 0;
}

static int is_mapped(const uint8_t *p) {
  for (int i = 0; i < 10; i++)
    if (p[i])
      return 0;
  if (p[10] == 0xff && p[11] == 0xff)
    return 1;
  return !p[10] && !p[11] && !p[12] && !p[13] && !p[14] && !p[15];
}

/* "ip:port" of a server address */
static void fmt_server(char *out, size_t len, const uint8_t *ip, uint16_t port,
                       int v6) {
  char a[64];
  fmt_ip(a, sizeof a, ip, v6);
  snprintf(out, len, "%s:%u", a, port);
}

/* "sip:sport->dip:dport" */
static void fmt_tuple(char *out, size_t len, const uint8_t *sip,
                      uint16_t sport, const uint8_t *dip, uint16_t dport,
                      int v6) {
  char a[64], b[64];
  fmt_ip(a, sizeof a, sip, v6);
  fmt_ip(b, sizeof b, dip, v6);
  snprintf(out, len, "%s:%u->%s:%u", a, sport, b, dport);
}

/* libsinsp's text for a socket's current addresses (its fd name). */
static void sockinfo_str(char *out, size_t len, const vg_fdinfo *f) {
  const uint8_t *k = f->sock;
  if (f->type == FD_IPV4_SOCK) {
    uint8_t l4 = k[VG_S4_L4];
    if (l4 == L4_TCP || l4 == L4_UDP)
      fmt_tuple(out, len, k + VG_S4_SIP, vg_sock_u16(f, VG_S4_SPORT),
                k + VG_S4_DIP, vg_sock_u16(f, VG_S4_DPORT), 0);
    else if (l4 == L4_ICMP || l4 == L4_RAW)
      snprintf(out, len, "%u.%u.%u.%u->%u.%u.%u.%u", k[0], k[1], k[2], k[3],
               k[4], k[5], k[6], k[7]);
    else
      snprintf(out, len, "<unknown>");
  } else if (f->type == FD_IPV6_SOCK) {
    uint8_t l4 = k[VG_S6_L4];
    const uint8_t *s6 = k + VG_S6_SIP, *d6 = k + VG_S6_DIP;
    if (l4 == L4_TCP || l4 == L4_UDP) {
      if (is_mapped(s6) && is_mapped(d6))
        fmt_tuple(out, len, s6 + 12, vg_sock_u16(f, VG_S4_SPORT), d6 + 12,
                  vg_sock_u16(f, VG_S4_DPORT), 0);
      else
        fmt_tuple(out, len, s6, vg_sock_u16(f, VG_S6_SPORT), d6,
                  vg_sock_u16(f, VG_S6_DPORT), 1);
    } else if (l4 == L4_ICMP) {
      if (is_mapped(s6) && is_mapped(d6)) {
        snprintf(out, len, "%u.%u.%u.%u->%u.%u.%u.%u", s6[12], s6[13],
                 s6[14], s6[15], d6[12], d6[13], d6[14], d6[15]);
      } else {
        char a[64], b[64];
        fmt_ip(a, sizeof a, s6, 1);
        fmt_ip(b, sizeof b, d6, 1);
        snprintf(out, len, "%s->%s", a, b);
      }
    } else {
      snprintf(out, len, "<unknown>");
    }
  }
}

static void set_sock_name(vg_fdinfo *f) {
  char nb[256];
  nb[0] = 0;
  sockinfo_str(nb, sizeof nb, f);
  fd_set_name(f, nb);
}

/* The text libsinsp gives a sockaddr parameter (PF_SIMPLE). */
static void sockaddr_str(char *out, size_t len, const uint8_t *d, uint32_t n) {
  if (n == 0) {
    snprintf(out, len, "<NA>");
    return;
  }
  switch (d[0]) {
  case AF_UNIX_:
    if (n < 2 || d[n - 1] != 0)
      snprintf(out, len, "INVALID PATH");
    else
      snprintf(out, len, "%s", (const char *)d + 1);
    return;
  case AF_INET_:
    if (n < 7)
      snprintf(out, len, "INVALID IPv4");
    else
      fmt_server(out, len, d + 1, rdp16(d + 5), 0);
    return;
  case AF_INET6_:
    if (n < 19)
      snprintf(out, len, "INVALID IPv6");
    else
      fmt_server(out, len, d + 1, rdp16(d + 17), 1);
    return;
  default:
    snprintf(out, len, "family %d", d[0]);
    return;
  }
}

static int sockaddr_valid(const uint8_t *d, uint32_t n) {
  if (n == 0)
    return 0;
  switch (d[0]) {
  case AF_INET_: return n >= 7;
  case AF_INET6_: return n >= 19;
  case AF_UNIX_: return n >= 2 && d[n - 1] == 0;
  default: return 1;
  }
}

static int socktuple_valid(const uint8_t *d, uint32_t n) {
  if (n == 0)
    return 0;
  switch (d[0]) {
  case AF_INET_: return n >= 13;
  case AF_INET6_: return n >= 37;
  case AF_UNIX_: return n >= 18 && d[n - 1] == 0;
  default: return 1;
  }
}

/* The text libsinsp gives a socktuple parameter (PF_SIMPLE). */
static void socktuple_str(char *out, size_t len, const uint8_t *d,
                          uint32_t n) {
  if (!socktuple_valid(d, n)) {
    snprintf(out, len, "%s", n == 0 ? "NULL"
                             : d[0] == AF_UNIX_ ? "INVALID PATH"
                             : d[0] == AF_INET_ ? "INVALID IPv4"
                             : d[0] == AF_INET6_ ? "INVALID IPv6"
                                                 : "INVALID SOCKTUPLE");
    return;
  }
  switch (d[0]) {
  case AF_UNIX_: {
    unsigned long long a = 0, b = 0;
    for (int i = 7; i >= 0; i--) {
      a = a << 8 | d[1 + i];
      b = b << 8 | d[9 + i];
    }
    snprintf(out, len, "%llx->%llx %s", a, b, (const char *)d + 17);
    return;
  }
  case AF_INET_:
    fmt_tuple(out, len, d + 1, rdp16(d + 5), d + 7, rdp16(d + 11), 0);
    return;
  case AF_INET6_:
    if (is_mapped(d + 1) && is_mapped(d + 19))
      fmt_tuple(out, len, d + 13, rdp16(d + 17), d + 31, rdp16(d + 35), 0);
    else
      fmt_tuple(out, len, d + 1, rdp16(d + 17), d + 19, rdp16(d + 35), 1);
    return;
  default:
    out[0] = 0;
    return;
  }
}

static int set_v4(vg_fdinfo *f, const uint8_t *sip, uint16_t sport,
                  const uint8_t *dip, uint16_t dport, int overwrite) {
  uint8_t *k = f->sock;
  if (f->type == FD_IPV4_SOCK) {
    int same = !memcmp(k + VG_S4_SIP, sip, 4) &&
               vg_sock_u16(f, VG_S4_SPORT) == sport &&
               !memcmp(k + VG_S4_DIP, dip, 4) &&
               vg_sock_u16(f, VG_S4_DPORT) == dport;
    int rev = !memcmp(k + VG_S4_SIP, dip, 4) &&
              vg_sock_u16(f, VG_S4_SPORT) == dport &&
              !memcmp(k + VG_S4_DIP, sip, 4) &&
              vg_sock_u16(f, VG_S4_DPORT) == sport;
    if (same || rev)
      return 0;
  }
  int changed = 0;
  if (memcmp(k + VG_S4_SIP, sip, 4)) {
    memcpy(k + VG_S4_SIP, sip, 4);
    changed = 1;
  }
  if (vg_sock_u16(f, VG_S4_SPORT) != sport) {
    put16(k + VG_S4_SPORT, sport);
    changed = 1;
  }
  if (!memcmp(k + VG_S4_DIP, ZERO16, 4) ||
      (overwrite && memcmp(k + VG_S4_DIP, dip, 4))) {
    memcpy(k + VG_S4_DIP, dip, 4);
    changed = 1;
  }
  if (vg_sock_u16(f, VG_S4_DPORT) == 0 ||
      (overwrite && vg_sock_u16(f, VG_S4_DPORT) != dport)) {
    put16(k + VG_S4_DPORT, dport);
    changed = 1;
  }
  return changed;
}

static int set_v6(vg_fdinfo *f, const uint8_t *sip, uint16_t sport,
                  const uint8_t *dip, uint16_t dport, int overwrite) {
  uint8_t *k = f->sock;
  if (f->type == FD_IPV6_SOCK) {
    int same = !memcmp(k + VG_S6_SIP, sip, 16) &&
               vg_sock_u16(f, VG_S6_SPORT) == sport &&
               !memcmp(k + VG_S6_DIP, dip, 16) &&
               vg_sock_u16(f, VG_S6_DPORT) == dport;
    int rev = !memcmp(k + VG_S6_SIP, dip, 16) &&
              vg_sock_u16(f, VG_S6_SPORT) == dport &&
              !memcmp(k + VG_S6_DIP, sip, 16) &&
              vg_sock_u16(f, VG_S6_DPORT) == sport;
    if (same || rev)
      return 0;
  }
  int changed = 0;
  if (memcmp(k + VG_S6_SIP, sip, 16)) {
    memcpy(k + VG_S6_SIP, sip, 16);
    changed = 1;
  }
  if (vg_sock_u16(f, VG_S6_SPORT) != sport) {
    put16(k + VG_S6_SPORT, sport);
    changed = 1;
  }
  if (!memcmp(k + VG_S6_DIP, ZERO16, 16) ||
      (overwrite && memcmp(k + VG_S6_DIP, dip, 16))) {
    memcpy(k + VG_S6_DIP, dip, 16);
    changed = 1;
  }
  if (vg_sock_u16(f, VG_S6_DPORT) == 0 ||
      (overwrite && vg_sock_u16(f, VG_S6_DPORT) != dport)) {
    put16(k + VG_S6_DPORT, dport);
    changed = 1;
  }
  return changed;
}

static void swap_addresses(vg_fdinfo *f) {
  uint8_t *k = f->sock;
  uint8_t t[16];
  if (f->type == FD_IPV4_SOCK) {
    memcpy(t, k + VG_S4_SIP, 4);
    memcpy(k + VG_S4_SIP, k + VG_S4_DIP, 4);
    memcpy(k + VG_S4_DIP, t, 4);
    uint16_t p = vg_sock_u16(f, VG_S4_SPORT);
    put16(k + VG_S4_SPORT, vg_sock_u16(f, VG_S4_DPORT));
    put16(k + VG_S4_DPORT, p);
  } else {
    memcpy(t, k + VG_S6_SIP, 16);
    memcpy(k + VG_S6_SIP, k + VG_S6_DIP, 16);
    memcpy(k + VG_S6_DIP, t, 16);
    uint16_t p = vg_sock_u16(f, VG_S6_SPORT);
    put16(k + VG_S6_SPORT, vg_sock_u16(f, VG_S6_DPORT));
    put16(k + VG_S6_DPORT, p);
  }
}

static int loopback4(const uint8_t *a) {
  return a[0] == 127 && a[1] == 0 && a[2] == 0 && a[3] == 1;
}

static int loopback6(const uint8_t *a) {
  for (int i = 0; i < 15; i++)
    if (a[i])
      return 0;
  return a[15] == 1;
}

/* The local address libsinsp guesses for a peer address. */
static void infer_addr(const vg_sysstate *s, const uint8_t *dst, int v6,
                       uint8_t *out) {
  size_t al = v6 ? 16 : 4;
  for (size_t i = 0; i < s->nifaces; i++)
    if (s->ifaces[i].is_v6 == v6 && !memcmp(s->ifaces[i].addr, dst, al)) {
      memcpy(out, dst, al);
      return;
    }
  for (size_t i = 0; i < s->nifaces; i++) {
    if (s->ifaces[i].is_v6 != v6)
      continue;
    int same = 1;
    if (v6) {
      same = !memcmp(s->ifaces[i].addr, dst, 8);
    } else {
      for (size_t j = 0; j < 4; j++)
        if ((s->ifaces[i].addr[j] & s->ifaces[i].mask[j]) !=
            (dst[j] & s->ifaces[i].mask[j]))
          same = 0;
    }
    if (same) {
      memcpy(out, s->ifaces[i].addr, al);
      return;
    }
  }
  for (size_t i = 0; i < s->nifaces; i++)
    if (s->ifaces[i].is_v6 == v6 &&
        !(v6 ? loopback6(s->ifaces[i].addr) : loopback4(s->ifaces[i].addr))) {
      memcpy(out, s->ifaces[i].addr, al);
      return;
    }
  memset(out, 0, al);
}

/* Completes a tuple with a missing address from the interface list. */
static void iface_update_fd(const vg_sysstate *s, vg_fdinfo *f) {
  uint8_t *k = f->sock;
  uint8_t na[16];
  if (f->type == FD_IPV4_SOCK) {
    int sz = !memcmp(k + VG_S4_SIP, ZERO16, 4);
    int dz = !memcmp(k + VG_S4_DIP, ZERO16, 4);
    if (!sz && !dz)
      return;
    int same_port = vg_sock_u16(f, VG_S4_SPORT) == vg_sock_u16(f, VG_S4_DPORT);
    if (sz) {
      infer_addr(s, k + VG_S4_DIP, 0, na);
      if (!memcmp(na, k + VG_S4_DIP, 4) && same_port)
        return;
      memcpy(k + VG_S4_SIP, na, 4);
    } else {
      infer_addr(s, k + VG_S4_SIP, 0, na);
      if (!memcmp(na, k + VG_S4_SIP, 4) && same_port)
        return;
      memcpy(k + VG_S4_DIP, na, 4);
    }
  } else if (f->type == FD_IPV6_SOCK) {
    int sz = !memcmp(k + VG_S6_SIP, ZERO16, 16);
    int dz = !memcmp(k + VG_S6_DIP, ZERO16, 16);
    if (!sz && !dz)
      return;
    int same_port = vg_sock_u16(f, VG_S6_SPORT) == vg_sock_u16(f, VG_S6_DPORT);
    if (sz) {
      infer_addr(s, k + VG_S6_DIP, 1, na);
      if (!memcmp(na, k + VG_S6_DIP, 16) && same_port)
        return;
      memcpy(k + VG_S6_SIP, na, 16);
    } else {
      infer_addr(s, k + VG_S6_SIP, 1, na);
      if (!memcmp(na, k + VG_S6_SIP, 16) && same_port)
        return;
      memcpy(k + VG_S6_DIP, na, 16);
    }
  }
}

/* Updates a socket from a socktuple parameter; 0 when nothing changed. */
static int update_fd(vg_sysstate *s, vg_fdinfo *f, const uint8_t *d,
                     uint32_t n) {
  if (!socktuple_valid(d, n))
    return 0;
  uint8_t *k = f->sock;
  if (d[0] == AF_INET_) {
    if (f->type == FD_IPV4_SERVSOCK)
      k[VG_S4_L4] = k[VG_SV4_L4];
    f->type = FD_IPV4_SOCK;
    if (!set_v4(f, d + 1, rdp16(d + 5), d + 7, rdp16(d + 11), 1))
      return 0;
  } else if (d[0] == AF_INET6_) {
    const uint8_t *sip = d + 1, *dip = d + 19;
    if (is_mapped(sip) && is_mapped(dip)) {
      f->type = FD_IPV4_SOCK;
      if (!set_v4(f, sip + 12, rdp16(d + 17), dip + 12, rdp16(d + 35), 1))
        return 0;
    } else if (!set_v6(f, sip, rdp16(d + 17), dip, rdp16(d + 35), 1)) {
      return 0;
    }
  } else if (d[0] == AF_UNIX_) {
    f->type = FD_UNIX_SOCK;
    memcpy(k, d + 1, 16);
    fd_set_name(f, (const char *)d + 17);
    return 1;
  }
  if (f->type == FD_IPV4_SOCK && k[VG_S4_L4] == L4_UNKNOWN)
    k[VG_S4_L4] = L4_UDP;
  else if (f->type == FD_IPV6_SOCK && k[VG_S6_L4] == L4_UNKNOWN)
    k[VG_S6_L4] = L4_UDP;
  iface_update_fd(s, f);
  return 1;
}

static vigil_status import_fd(vg_sysstate *s, const vg_scap_fd *sf) {
  vg_thread *t = vg_sys_find(s, sf->tid);
  if (!t)
    return VIGIL_OK;
  vg_fdinfo *f = fd_new(s, sf->fd, sf->type, "");
  if (!f)
    return VIGIL_E_NOMEM;
  f->ino = sf->ino;
  uint8_t *k = f->sock;
  char nb[256];
  switch (sf->type) {
  case FD_IPV4_SOCK:
    memcpy(k + VG_S4_SIP, sf->sip, 4);
    memcpy(k + VG_S4_DIP, sf->dip, 4);
    put16(k + VG_S4_SPORT, sf->sport);
    put16(k + VG_S4_DPORT, sf->dport);
    k[VG_S4_L4] = sf->l4proto;
    if (sf->l4proto == L4_TCP)
      f->flags |= VG_FD_CONNECTED;
    fmt_tuple(nb, sizeof nb, k + VG_S4_SIP, vg_sock_u16(f, VG_S4_SPORT),
              k + VG_S4_DIP, vg_sock_u16(f, VG_S4_DPORT), 0);
    fd_set_name(f, nb);
    break;
  case FD_IPV4_SERVSOCK:
    s->server_ports[sf->sport >> 3] |= (uint8_t)(1u << (sf->sport & 7));
    memcpy(k + VG_SV4_IP, sf->sip, 4);
    put16(k + VG_SV4_PORT, sf->sport);
    k[VG_SV4_L4] = sf->l4proto;
    fmt_server(nb, sizeof nb, sf->sip, sf->sport, 0);
    fd_set_name(f, nb);
    break;
  case FD_IPV6_SOCK:
    if (sf->l4proto == L4_TCP)
      f->flags |= VG_FD_CONNECTED;
    if (is_mapped(sf->sip) && is_mapped(sf->dip)) {
      f->type = FD_IPV4_SOCK;
      memcpy(k + VG_S4_SIP, sf->sip + 12, 4);
      memcpy(k + VG_S4_DIP, sf->dip + 12, 4);
      put16(k + VG_S4_SPORT, sf->sport);
      put16(k + VG_S4_DPORT, sf->dport);
      k[VG_S4_L4] = sf->l4proto;
      fmt_tuple(nb, sizeof nb, k + VG_S4_SIP, vg_sock_u16(f, VG_S4_SPORT),
                k + VG_S4_DIP, vg_sock_u16(f, VG_S4_DPORT), 0);
    } else {
      memcpy(k + VG_S6_SIP, sf->sip, 16);
      memcpy(k + VG_S6_DIP, sf->dip, 16);
      put16(k + VG_S6_SPORT, sf->sport);
      put16(k + VG_S6_DPORT, sf->dport);
      k[VG_S6_L4] = sf->l4proto;
      fmt_tuple(nb, sizeof nb, sf->sip, sf->sport, sf->dip, sf->dport, 1);
    }
    fd_set_name(f, nb);
    break;
  case FD_IPV6_SERVSOCK:
    s->server_ports[sf->sport >> 3] |= (uint8_t)(1u << (sf->sport & 7));
    memcpy(k + VG_SV6_IP, sf->sip, 16);
    put16(k + VG_SV6_PORT, sf->sport);
    k[VG_SV6_L4] = sf->l4proto;
    fmt_server(nb, sizeof nb, sf->sip, sf->sport, 1);
    fd_set_name(f, nb);
    break;
  case FD_UNIX_SOCK:
    for (int i = 0; i < 8; i++) {
      k[i] = (uint8_t)(sf->usrc >> (8 * i));
      k[8 + i] = (uint8_t)(sf->udst >> (8 * i));
    }
    fd_set_name(f, sf->name);
    f->flags |= sf->name[0] ? VG_FD_ROLE_SERVER : VG_FD_ROLE_CLIENT;
    break;
  case FD_FILE_V2:
    f->openflags = sf->open_flags;
    f->dev = sf->dev;
    fd_set_name(f, sf->name);
    break;
  default:
    if (sf->type == 0 || sf->type > 21) {
      fd_free(s, f);
      return VIGIL_OK;
    }
    fd_set_name(f, sf->name);
    break;
  }
  fdt_add(s, &t->fds, f);
  return VIGIL_OK;
}

/* ------------------------------------------------------------ parsers */

static int retrieve_enter(vg_thread *t, const vg_evt *e, vg_evt *out);

static vg_fdinfo *evt_fd(vg_sysstate *s) {
  if (s->fdc_on)
    return s->fdc;
  if (!s->fdinfo_owner)
    return NULL;
  return vg_sys_get_fd(s, s->fdinfo_owner, s->fdinfo_fd);
}

static void set_evt_fd(vg_sysstate *s, vg_thread *t, int64_t fd) {
  vg_fdinfo *f = t ? vg_sys_get_fd(s, t, fd) : NULL;
  if (f) {
    s->fdinfo_owner = t;
    s->fdinfo_fd = fd;
  } else {
    s->fdinfo_owner = NULL;
  }
  s->fdc = f;
}

static int64_t retval(const vg_evt *e) {
  if (e->nparams == 0 || e->plen[0] == 0)
    return 0;
  /* vg_evt_int(e, 0, 1), inline: the parsers read it for most events */
  uint32_t n = e->plen[0] > 8 ? 8 : e->plen[0];
  uint64_t v = vg_evt_u64(e, 0);
  if (n < 8 && ((v >> (8 * n - 1)) & 1))
    v |= ~(uint64_t)0 << (8 * n);
  return (int64_t)v;
}

/* A string parameter as libsinsp reads it: empty and "(NULL)" are
 * turned into "<NA>". */
static const char *pstr(const vg_evt *e, uint32_t i, char *buf, size_t n) {
  const char *r = vg_evt_str(e, i, buf, n);
  return r ? r : "<NA>";
}

static int pempty(const vg_evt *e, uint32_t i) {
  return i >= e->nparams || e->plen[i] == 0;
}

static void copy_fds(vg_sysstate *s, vg_thread *from, vg_thread *to) {
  vg_fdtable *ft = fd_table(s, from);
  if (!ft)
    return;
  fdt_clear(s, &to->fds);
  for (uint32_t i = 0; i < ft->n; i++)
    fdt_add(s, &to->fds, fd_clone(s, ft->e[i].f));
}

static void set_comm_exe_args(vg_thread *t, const vg_evt *e) {
  char b1[1100], b2[1100];
  const char *exe = pstr(e, 1, b1, sizeof b1);
  set_str(&t->exe, exe);
  if (!pempty(e, 13))
    set_str(&t->comm, pstr(e, 13, b2, sizeof b2));
  else
    set_str(&t->comm, exe);
  if (e->nparams > 2)
    set_args(t, e->p[2], e->plen[2]);
}

static void copy_from(vg_thread *d, const vg_thread *src) {
  set_str(&d->exepath, src->exepath);
  d->exe_writable = src->exe_writable;
  d->exe_upper_layer = src->exe_upper_layer;
  d->exe_lower_layer = src->exe_lower_layer;
  d->exe_from_memfd = src->exe_from_memfd;
  d->tty = src->tty;
  d->cap_permitted = src->cap_permitted;
  d->cap_inheritable = src->cap_inheritable;
  d->cap_effective = src->cap_effective;
  d->exe_ino = src->exe_ino;
  d->exe_ino_ctime = src->exe_ino_ctime;
  d->exe_ino_mtime = src->exe_ino_mtime;
  d->exe_ino_ctime_duration_clone_ts = src->exe_ino_ctime_duration_clone_ts;
  set_str(&d->root, src->root);
  d->sid = src->sid;
  d->vpgid = src->vpgid;
  d->pgid = src->pgid;
  d->loginuid = src->loginuid;
}

/* cgroups, memory counters and pid-namespace start of a clone child */
static void clone_extras(vg_thread *c, const vg_evt *e) {
  if (!pempty(e, 14))
    set_cgroups(c, e->p[14], e->plen[14]);
  if (!pempty(e, 8))
    c->pfmajor = vg_evt_u64(e, 8);
  if (!pempty(e, 9))
    c->pfminor = vg_evt_u64(e, 9);
  if (!pempty(e, 10))
    c->vmsize_kb = vg_evt_u32(e, 10);
  if (!pempty(e, 11))
    c->vmrss_kb = vg_evt_u32(e, 11);
  if (!pempty(e, 12))
    c->vmswap_kb = vg_evt_u32(e, 12);
  if (!pempty(e, 20))
    c->pidns_init_start_ts = vg_evt_u64(e, 20);
}

static void parse_clone_caller(vg_sysstate *s, const vg_evt *e, int64_t child) {
  vg_thread *caller = get_thread(s, e->tid);
  int valid = 1;
  if (!caller) {
    s->tinfo = NULL;
    return;
  }
  if (is_invalid(caller)) {
    valid = 0;
    caller->pid = vg_evt_i64(e, 4);
    caller->ptid = vg_evt_i64(e, 5);
    if (!pempty(e, 19)) {
      caller->vtid = vg_evt_i64(e, 18);
      caller->vpid = vg_evt_i64(e, 19);
    } else {
      caller->vtid = e->tid;
      caller->vpid = -1;
    }
  }
  s->tinfo = caller;
  uint32_t flags = vg_evt_u32(e, 15);
  if ((flags & (CL_CHILD_IN_PIDNS | CL_CLONE_NEWPID | CL_CLONE_PARENT)) ||
      e->tid != caller->vtid)
    return;
  if ((flags & CL_CLONE_VFORK) || e->type == VG_PPME_SYSCALL_VFORK_20_X)
    return;
  vg_thread *ex = vg_sys_find(s, child);
  if (ex) {
    if (ex->flags & CL_CLONE_INVERTED)
      return;
    remove_thread(s, child, -1);
  }
  vg_thread *c = thread_new(child);
  if (!c)
    return;
  c->flags = flags;
  if (!(flags & CL_CLONE_THREAD)) {
    if (valid) {
      copy_fds(s, caller, c);
      set_str(&c->cwd, thread_cwd(s, caller));
      vg_thread *cm = vg_sys_main_thread(s, caller);
      if (!cm)
        cm = caller;
      set_env(c, (const uint8_t *)cm->env, cm->env_len);
    }
    c->pid = c->tid;
    c->ptid = caller->tid;
  } else {
    c->pid = caller->pid;
    c->ptid = caller->ptid;
    c->flags |= CL_CLONE_FILES;
  }
  c->vtid = c->tid;
  c->vpid = c->pid;
  set_comm_exe_args(c, e);
  c->fdlimit = vg_evt_i64(e, 7);
  c->uid = vg_evt_u32(e, 16);
  c->gid = vg_evt_u32(e, 17);
  c->clone_ts = e->ts;
  clone_extras(c, e);
  if (valid) {
    copy_from(c, caller);
  } else {
    set_str(&caller->exe, c->exe);
    set_str(&caller->comm, c->comm);
    if (e->nparams > 2)
      set_args(caller, e->p[2], e->plen[2]);
  }
  c = add_thread(s, c);
  if (c)
    ensure_root(s, c);
  /* the caller pointer may have moved slots but not address */
  s->tinfo = vg_sys_find(s, e->tid);
}

static void parse_clone_child(vg_sysstate *s, const vg_evt *e) {
  int64_t tid = e->tid;
  if (s->tinfo && s->tinfo->clone_ts != 0) {
    if (e->ts - s->tinfo->clone_ts < 3600000000000ull)
      return;
    remove_thread(s, tid, -1);
    s->tinfo = NULL;
  }
  vg_thread *c = thread_new(tid);
  if (!c)
    return;
  c->pid = vg_evt_i64(e, 4);
  c->ptid = vg_evt_i64(e, 5);
  if (!pempty(e, 19)) {
    c->vtid = vg_evt_i64(e, 18);
    c->vpid = vg_evt_i64(e, 19);
  } else {
    c->vtid = tid;
    c->vpid = -1;
  }
  c->flags = vg_evt_u32(e, 15) | CL_CLONE_INVERTED;
  int leader = !(c->flags & CL_CLONE_THREAD);
  int64_t lookup_tid = leader ? c->ptid : c->pid;
  if (!leader)
    c->flags |= CL_CLONE_FILES;
  vg_thread *lk = get_thread(s, lookup_tid);
  if (!lk) {
    thread_free(s, c);
    s->tinfo = NULL;
    return;
  }
  int valid = 1;
  if (is_invalid(lk)) {
    valid = 0;
    if (!leader) {
      lk->pid = c->pid;
      lk->ptid = c->ptid;
      lk->vpid = c->vpid;
      lk->vtid = lk->vpid;
    }
  }
  set_comm_exe_args(c, e);
  if (valid) {
    copy_from(c, lk);
    if (leader) {
      copy_fds(s, lk, c);
      set_str(&c->cwd, thread_cwd(s, lk));
      vg_thread *lm = vg_sys_main_thread(s, lk);
      if (!lm)
        lm = lk;
      set_env(c, (const uint8_t *)lm->env, lm->env_len);
    }
  } else if (!leader) {
    set_str(&lk->exe, c->exe);
    set_str(&lk->comm, c->comm);
    if (e->nparams > 2)
      set_args(lk, e->p[2], e->plen[2]);
  }
  c->fdlimit = vg_evt_i64(e, 7);
  c->uid = vg_evt_u32(e, 16);
  c->gid = vg_evt_u32(e, 17);
  c->clone_ts = e->ts;
  clone_extras(c, e);
  s->tinfo = add_thread(s, c);
  if (s->tinfo)
    ensure_root(s, s->tinfo);
}

static void parse_execve(vg_sysstate *s, const vg_evt *e) {
  vg_thread *t = s->tinfo;
  if (retval(e) < 0 || !t)
    return;
  t->flags &= ~CL_CLOSED;
  set_comm_exe_args(t, e);
  t->pid = vg_evt_i64(e, 4);
  if (is_invalid(t)) {
    t->ptid = vg_evt_i64(e, 5);
    if (!(t->flags & CL_CHILD_IN_PIDNS)) {
      t->vtid = t->tid;
      t->vpid = t->pid;
    }
  }
  t->fdlimit = vg_evt_i64(e, 7);
  if (!pempty(e, 8))
    t->pfmajor = vg_evt_u64(e, 8);
  if (!pempty(e, 9))
    t->pfminor = vg_evt_u64(e, 9);
  if (!pempty(e, 10))
    t->vmsize_kb = vg_evt_u32(e, 10);
  if (!pempty(e, 11))
    t->vmrss_kb = vg_evt_u32(e, 11);
  if (!pempty(e, 12))
    t->vmswap_kb = vg_evt_u32(e, 12);
  if (!pempty(e, 14))
    set_cgroups(t, e->p[14], e->plen[14]);
  if (!pempty(e, 15))
    set_env(t, e->p[15], e->plen[15]);
  if (!pempty(e, 16))
    t->tty = vg_evt_u32(e, 16);
  if (!pempty(e, 19)) {
    uint32_t xf = vg_evt_u32(e, 19);
    /* PPM_EXE_WRITABLE 1, UPPER_LAYER 2, FROM_MEMFD 4, LOWER_LAYER 8 */
    t->exe_writable = (xf & 1) != 0;
    t->exe_upper_layer = (xf & 2) != 0;
    t->exe_from_memfd = (xf & 4) != 0;
    t->exe_lower_layer = (xf & 8) != 0;
  }
  if (!pempty(e, 22)) {
    t->cap_inheritable = vg_evt_u64(e, 20);
    t->cap_permitted = vg_evt_u64(e, 21);
    t->cap_effective = vg_evt_u64(e, 22);
  }
  if (!pempty(e, 25)) {
    t->exe_ino = vg_evt_u64(e, 23);
    t->exe_ino_ctime = vg_evt_u64(e, 24);
    t->exe_ino_mtime = vg_evt_u64(e, 25);
    if (t->clone_ts != 0)
      t->exe_ino_ctime_duration_clone_ts = t->clone_ts - t->exe_ino_ctime;
    if (t->pidns_init_start_ts != 0 &&
        t->exe_ino_ctime > t->pidns_init_start_ts)
      t->exe_ino_ctime_duration_pidns_start =
          t->exe_ino_ctime - t->pidns_init_start_ts;
  }
  char b[1100];
  if (!pempty(e, 27)) {
    set_str(&t->exepath, pstr(e, 27, b, sizeof b));
  } else {
    vg_evt enter;
    if (retrieve_enter(t, e, &enter) &&
        enter.type == VG_PPME_SYSCALL_EXECVE_19_E) {
      char fb[MAX_PATH + 8];
      const char *fn = vg_evt_str(&enter, 0, fb, sizeof fb);
      if (!fn)
        fn = "";
      if (strcmp(fn, "<NA>") == 0) {
        set_str(&t->exepath, "<NA>");
      } else {
        const char *cwd = thread_cwd(s, t);
        vg_concat_paths(s->path, sizeof s->path, cwd, strlen(cwd), fn,
                        strlen(fn));
        set_str(&t->exepath, s->path);
      }
    }
  }
  if (!pempty(e, 17))
    t->vpgid = vg_evt_i64(e, 17);
  if (!pempty(e, 18))
    t->loginuid = vg_evt_u32(e, 18);
  if (!pempty(e, 26))
    t->uid = vg_evt_u32(e, 26);
  t->pgid = pempty(e, 28) ? -1 : vg_evt_i64(e, 28);
  if (!pempty(e, 29))
    t->gid = vg_evt_u32(e, 29);
  ensure_root(s, t);
  vg_fdtable *ft = fd_table(s, t);
  if (ft) {
    for (uint32_t i = 0; i < ft->n;) {
      if (ft->e[i].f->openflags & O_CLOEXEC_) {
        fdt_erase_at(s, ft, i);
      } else {
        i++;
      }
    }
  }
  uint32_t keep = t->flags & (CL_PIPE_SRC | CL_PIPE_DST | CL_IS_MAIN_THREAD |
                              CL_CLONE_INVERTED);
  t->flags = CL_ACTIVE | keep | CL_NAME_CHANGED;
  /* execve kills the other threads of the process */
  int64_t self = t->tid, pid = t->pid;
  for (int again = 1; again;) {
    again = 0;
    FOR_TAKEN(s, i) {
      vg_thread *o = s->tab[i];
      if (o->pid == pid && o->tid != self && !is_main(o) &&
          !is_invalid(o)) {
        remove_thread(s, o->tid, -1);
        again = 1;
        break;
      }
    }
  }
  s->tinfo = vg_sys_find(s, self);
}

static void parse_open(vg_sysstate *s, const vg_evt *e) {
  vg_thread *t = s->tinfo;
  if (!t)
    return;
  char nb[MAX_PATH + 8], eb[MAX_PATH + 8];
  const char *name;
  const char *sdir;
  uint32_t flags = 0;
  int64_t fd = retval(e);
  char dirbuf[MAX_PATH + 8];
  vg_evt enter;
  int have_enter = retrieve_enter(t, e, &enter);
  uint32_t dev = 0;
  uint64_t ino = 0;
  /* the path is taken from the enter event when it has one (the exit
   * event's copy may have been changed by the time it was read) */
  const uint32_t created_mask = ~((1u << 14) - 1);
  if (e->type == VG_PPME_SYSCALL_OPEN_X || e->type == VG_PPME_SYSCALL_CREAT_X) {
    int is_open = e->type == VG_PPME_SYSCALL_OPEN_X;
    name = pstr(e, 1, nb, sizeof nb);
    flags = is_open ? vg_evt_u32(e, 2) : 0;
    /* device and inode (creat: with the overlay layer in creat_flags) */
    uint32_t di = is_open ? 4 : 3;
    if (!pempty(e, di)) {
      dev = vg_evt_u32(e, di);
      if (!pempty(e, di + 1)) {
        ino = vg_evt_u64(e, di + 1);
        if (!is_open && !pempty(e, 5)) {
          uint16_t cf = vg_evt_u16(e, 5);
          if (cf & 1)
            flags |= FD_UPPER_LAYER_;
          else if (cf & 2)
            flags |= FD_LOWER_LAYER_;
        }
      }
    }
    if (have_enter) {
      const char *en = vg_evt_str(&enter, 0, eb, sizeof eb);
      if (en && strcmp(en, "<NA>") != 0) {
        name = en;
        if (is_open)
          flags = vg_evt_u32(&enter, 1) | (flags & created_mask);
      }
    }
    sdir = thread_cwd(s, t);
  } else {
    name = pempty(e, 2) ? "<NA>" : pstr(e, 2, nb, sizeof nb);
    flags = vg_evt_u32(e, 3);
    uint32_t di = e->type == VG_PPME_SYSCALL_OPENAT2_X ? 6 : 5;
    if (!pempty(e, di + 1)) {
      dev = vg_evt_u32(e, di);
      ino = vg_evt_u64(e, di + 1);
    }
    int dirfd_empty = pempty(e, 1);
    int64_t dirfd = vg_evt_i64(e, 1);
    if (have_enter) {
      const char *en = vg_evt_str(&enter, 1, eb, sizeof eb);
      if (en && strcmp(en, "<NA>") != 0) {
        name = en;
        flags = vg_evt_u32(&enter, 2) | (flags & created_mask);
        dirfd_empty = pempty(&enter, 0);
        dirfd = vg_evt_i64(&enter, 0);
      }
    }
    sdir = "";
    if (!dirfd_empty) {
      if (name[0] == '/') {
        sdir = "";
      } else if (dirfd == -100) {
        sdir = thread_cwd(s, t);
      } else {
        vg_fdinfo *df = vg_sys_get_fd(s, t, dirfd);
        if (df && df->name[0]) {
          size_t l = strlen(df->name);
          snprintf(dirbuf, sizeof dirbuf, "%s%s", df->name,
                   df->name[l - 1] == '/' ? "" : "/");
          sdir = dirbuf;
        } else {
          sdir = "<UNKNOWN>";
        }
      }
    }
  }
  vg_concat_paths(s->path, sizeof s->path, sdir, strlen(sdir), name,
                  strlen(name));
  if (fd >= 0) {
    vg_fdinfo *f = fd_new(s, fd, (flags & O_DIRECTORY_) ? FD_DIRECTORY
                                                      : FD_FILE_V2, s->path);
    if (!f)
      return;
    f->openflags = flags;
    f->dev = dev;
    f->ino = ino;
    f->name_raw = dupn(name, strlen(name)); /* NULL on no memory: "" */
    if (flags & FD_UPPER_LAYER_)
      f->flags |= VG_FD_OVERLAY_UPPER;
    if (flags & FD_LOWER_LAYER_)
      f->flags |= VG_FD_OVERLAY_LOWER;
    if (add_fd(s, t, f))
      set_evt_fd(s, t, fd);
  }
}

static void add_socket(vg_sysstate *s, vg_thread *t, int64_t fd,
                       uint32_t domain, uint32_t type, uint32_t proto,
                       uint32_t flags) {
  vg_fdinfo *f = fd_new(s, fd, 0, "");
  if (!f)
    return;
  f->openflags = flags;
  if (domain == AF_UNIX_) {
    f->type = FD_UNIX_SOCK;
  } else if (domain == AF_INET_ || domain == AF_INET6_) {
    f->type = domain == AF_INET_ ? FD_IPV4_SOCK : FD_IPV6_SOCK;
    uint8_t l4 = L4_UNKNOWN;
    if (proto == 6)
      l4 = type == 3 ? L4_RAW : L4_TCP;
    else if (proto == 17)
      l4 = type == 3 ? L4_RAW : L4_UDP;
    else if (proto == 0) {
      if ((type & 0xff) == 1)
        l4 = L4_TCP;
      else if ((type & 0xff) == 2)
        l4 = L4_UDP;
    } else if (proto == 1)
      l4 = type == 3 ? L4_RAW : L4_ICMP;
    else if (proto == 255)
      l4 = L4_RAW;
    f->sock[domain == AF_INET_ ? VG_S4_L4 : VG_S6_L4] = l4;
  } else if (domain == AF_NETLINK_) {
    f->type = FD_NETLINK;
  }
  if (add_fd(s, t, f))
    set_evt_fd(s, t, fd);
}

/* Stores an enter event on its thread, for the exit event to read. */
static void store_enter(vg_thread *t, const vg_evt *e) {
  size_t total = 16 + 4 * (size_t)e->nparams;
  for (uint32_t i = 0; i < e->nparams; i++)
    total += e->plen[i];
  if (total > 65536)
    return;
  /* the thread's buffer is reused when it is large enough */
  uint8_t *b = total <= t->last_evt_cap ? t->last_evt : malloc(total);
  if (!b)
    return;
  uint32_t hdr[4] = {e->type, e->nparams, 0, 0};
  memcpy(b, hdr, 16);
  size_t o = 16 + 4 * (size_t)e->nparams;
  for (uint32_t i = 0; i < e->nparams; i++) {
    memcpy(b + 16 + 4 * i, &e->plen[i], 4);
    if (e->plen[i])
      memcpy(b + o, e->p[i], e->plen[i]);
    o += e->plen[i];
  }
  if (b != t->last_evt) {
    free(t->last_evt);
    t->last_evt = b;
    t->last_evt_cap = (uint32_t)total;
  }
  t->last_evt_set = 1;
}

/* The stored enter event matching exit event e, as libsinsp retrieves
 * it; 0 when there is none or it does not match. */
static int retrieve_enter(vg_thread *t, const vg_evt *e, vg_evt *out) {
  if (!t || !t->lastevent_valid || !t->last_evt_set)
    return 0;
  uint32_t hdr[4];
  memcpy(hdr, t->last_evt, 16);
  /* the header; parameters past nparams are never read */
  out->ts = 0;
  out->cpu = 0;
  out->dump_flags = 0;
  out->type = (uint16_t)hdr[0];
  out->nparams = hdr[1];
  out->tid = t->tid;
  size_t o = 16 + 4 * (size_t)out->nparams;
  for (uint32_t i = 0; i < out->nparams; i++) {
    memcpy(&out->plen[i], t->last_evt + 16 + 4 * i, 4);
    out->p[i] = t->last_evt + o;
    o += out->plen[i];
  }
  if (e->type == VG_PPME_SYSCALL_EXECVE_19_X &&
      out->type == VG_PPME_SYSCALL_EXECVEAT_E)
    return 1;
  if (out->type != e->type - 1) {
    t->lastevent_valid = 0;
    return 0;
  }
  return 1;
}

static void parse_connect(vg_sysstate *s, const vg_evt *e) {
  vg_fdinfo *f = evt_fd(s);
  vg_thread *t = s->tinfo;
  if (!t || !f)
    return;
  int64_t rv = retval(e);
  if (rv < 0 && rv != -115)
    return;
  f->flags |= VG_FD_CONNECTED;
  vg_evt enter;
  const uint8_t *eaddr = NULL;
  if (retrieve_enter(t, e, &enter) && enter.nparams > 1 &&
      sockaddr_valid(enter.p[1], enter.plen[1]))
    eaddr = enter.p[1];
  if (pempty(e, 1)) {
    if (!eaddr)
      return;
    if (eaddr[0] == AF_INET_) {
      f->type = FD_IPV4_SOCK;
      memcpy(f->sock + VG_S4_DIP, eaddr + 1, 4);
      put16(f->sock + VG_S4_DPORT, rdp16(eaddr + 5));
    } else if (eaddr[0] == AF_INET6_) {
      if (is_mapped(eaddr + 1)) {
        f->type = FD_IPV4_SOCK;
        memcpy(f->sock + VG_S4_DIP, eaddr + 13, 4);
        put16(f->sock + VG_S4_DPORT, rdp16(eaddr + 17));
      } else {
        f->type = FD_IPV6_SOCK;
        put16(f->sock + VG_S6_DPORT, rdp16(eaddr + 17));
        memcpy(f->sock + VG_S6_DIP, eaddr + 1, 16);
      }
    } else {
      char nb[1100];
      sockaddr_str(nb, sizeof nb, enter.p[1], enter.plen[1]);
      fd_set_name(f, nb);
    }
    return;
  }
  const uint8_t *xaddr = NULL;
  if (e->nparams > 3 && sockaddr_valid(e->p[3], e->plen[3]))
    xaddr = e->p[3];
  const uint8_t *d = e->p[1];
  uint32_t n = e->plen[1];
  if (!socktuple_valid(d, n))
    return;
  if (d[0] == AF_INET_ || d[0] == AF_INET6_) {
    int v6 = d[0] == AF_INET6_;
    const uint8_t *sip = d + 1;
    const uint8_t *sport = v6 ? d + 17 : d + 5;
    const uint8_t *dip = v6 ? d + 19 : d + 7;
    const uint8_t *dport = v6 ? d + 35 : d + 11;
    size_t al = v6 ? 16 : 4;
    if (xaddr && eaddr && !memcmp(dport, xaddr + 1 + al, 2) &&
        !memcmp(dip, xaddr + 1, al)) {
      dip = eaddr + 1;
      dport = eaddr + 1 + al;
    }
    int changed;
    if (v6 && !(is_mapped(sip) && is_mapped(dip))) {
      f->type = FD_IPV6_SOCK;
      changed = set_v6(f, sip, rdp16(sport), dip, rdp16(dport), 1);
    } else {
      f->type = FD_IPV4_SOCK;
      changed = set_v4(f, v6 ? sip + 12 : sip, rdp16(sport),
                       v6 ? dip + 12 : dip, rdp16(dport), 1);
    }
    if (changed && (f->flags & VG_FD_ROLE_SERVER) &&
        f->type == FD_IPV4_SOCK && f->sock[VG_S4_L4] == L4_UDP)
      swap_addresses(f);
    set_sock_name(f);
  } else {
    if (f->type != FD_UNIX_SOCK)
      return;
    const char *dpath = (const char *)d + 17;
    if (xaddr && eaddr && xaddr[0] == AF_UNIX_ && eaddr[0] == AF_UNIX_ &&
        !strncmp(dpath, (const char *)xaddr + 1, 108))
      dpath = (const char *)eaddr + 1;
    memcpy(f->sock, d + 1, 16);
    unsigned long long a = 0, b = 0;
    for (int i = 7; i >= 0; i--) {
      a = a << 8 | d[1 + i];
      b = b << 8 | d[9 + i];
    }
    char nb[1200];
    snprintf(nb, sizeof nb, "%llx->%llx %s", a, b, dpath);
    fd_set_name(f, nb);
  }
  if (!(f->flags & (VG_FD_ROLE_CLIENT | VG_FD_ROLE_SERVER)))
    f->flags |= VG_FD_ROLE_CLIENT;
}

static void parse_accept(vg_sysstate *s, const vg_evt *e) {
  vg_thread *t = s->tinfo;
  if (!t)
    return;
  int64_t fd = retval(e);
  if (fd < 0)
    return;
  t->lastevent_fd = fd;
  if (pempty(e, 1) || !socktuple_valid(e->p[1], e->plen[1]))
    return;
  const uint8_t *d = e->p[1];
  uint32_t len = e->plen[1];
  vg_fdinfo *f = fd_new(s, fd, 0, "");
  if (!f)
    return;
  uint8_t *k = f->sock;
  if (d[0] == AF_INET_) {
    set_v4(f, d + 1, rdp16(d + 5), d + 7, rdp16(d + 11), 1);
    f->type = FD_IPV4_SOCK;
    k[VG_S4_L4] = L4_TCP;
  } else if (d[0] == AF_INET6_) {
    if (is_mapped(d + 1) && is_mapped(d + 19)) {
      set_v4(f, d + 13, rdp16(d + 17), d + 31, rdp16(d + 35), 1);
      f->type = FD_IPV4_SOCK;
      k[VG_S4_L4] = L4_TCP;
    } else {
      set_v6(f, d + 1, rdp16(d + 17), d + 19, rdp16(d + 35), 1);
      f->type = FD_IPV6_SOCK;
      k[VG_S6_L4] = L4_TCP;
    }
  } else if (d[0] == AF_UNIX_) {
    f->type = FD_UNIX_SOCK;
    memcpy(k, d + 1, 16);
  } else {
    fd_free(s, f);
    return;
  }
  char nb[1200];
  socktuple_str(nb, sizeof nb, d, len);
  fd_set_name(f, nb);
  if (e->type == VG_PPME_SOCKET_ACCEPT4_6_X &&
      (vg_evt_u32(e, 5) & O_CLOEXEC_))
    f->openflags |= O_CLOEXEC_;
  f->flags = VG_FD_ROLE_SERVER | VG_FD_CONNECTED;
  if (add_fd(s, t, f))
    set_evt_fd(s, t, fd);
}

static void parse_bind(vg_sysstate *s, const vg_evt *e) {
  vg_fdinfo *f = evt_fd(s);
  if (!f || retval(e) < 0 || pempty(e, 1) ||
      !sockaddr_valid(e->p[1], e->plen[1]))
    return;
  const uint8_t *d = e->p[1];
  uint8_t *k = f->sock;
  if (d[0] == AF_INET_) {
    uint16_t port = rdp16(d + 5);
    if (port > 0) {
      f->type = FD_IPV4_SERVSOCK;
      uint8_t l4 = k[VG_S4_L4];
      memcpy(k + VG_SV4_IP, d + 1, 4);
      put16(k + VG_SV4_PORT, port);
      k[VG_SV4_L4] = l4;
      f->flags |= VG_FD_ROLE_SERVER;
    }
  } else if (d[0] == AF_INET6_) {
    uint16_t port = rdp16(d + 17);
    if (port > 0) {
      if (is_mapped(d + 1)) {
        f->type = FD_IPV4_SERVSOCK;
        k[VG_SV4_L4] = k[VG_S6_L4];
        memcpy(k + VG_SV4_IP, d + 13, 4);
        put16(k + VG_SV4_PORT, port);
      } else {
        f->type = FD_IPV6_SERVSOCK;
        put16(k + VG_SV6_PORT, port);
        memcpy(k + VG_SV6_IP, d + 1, 16);
        k[VG_SV6_L4] = k[VG_S6_L4];
      }
      f->flags |= VG_FD_ROLE_SERVER;
    }
  }
  char nb[1100];
  sockaddr_str(nb, sizeof nb, d, e->plen[1]);
  fd_set_name(f, nb);
}

/* Whether the thread's process has a socket bound to / using the port. */
static int bound_to_port(vg_sysstate *s, vg_thread *t, uint16_t port,
                         int client) {
  vg_fdtable *ft = fd_table(s, t);
  if (!ft)
    return 0;
  for (uint32_t i = 0; i < ft->n; i++) {
    const vg_fdinfo *f = ft->e[i].f;
    if (f->type == FD_IPV4_SOCK &&
        vg_sock_u16(f, client ? VG_S4_SPORT : VG_S4_DPORT) == port)
      return 1;
    if (!client && f->type == FD_IPV4_SERVSOCK &&
        vg_sock_u16(f, VG_SV4_PORT) == port)
      return 1;
  }
  return 0;
}

static void guess_role(vg_sysstate *s, vg_thread *t, vg_fdinfo *f,
                       int incoming) {
  if (!bound_to_port(s, t, vg_sock_u16(f, VG_S4_DPORT), 0)) {
    f->flags |= VG_FD_ROLE_CLIENT;
    f->flags &= ~VG_FD_ROLE_SERVER;
    return;
  }
  if (!bound_to_port(s, t, vg_sock_u16(f, VG_S4_SPORT), 1)) {
    f->flags |= VG_FD_ROLE_SERVER;
    f->flags &= ~VG_FD_ROLE_CLIENT;
    return;
  }
  if (!(f->flags & (VG_FD_ROLE_CLIENT | VG_FD_ROLE_SERVER)))
    f->flags |= incoming ? VG_FD_ROLE_SERVER : VG_FD_ROLE_CLIENT;
}

static int is_tcp(const vg_fdinfo *f) {
  return f->type == FD_IPV4_SOCK && f->sock[VG_S4_L4] == L4_TCP;
}

/* read/recv* and write/send* exits: datagram sockets learn their peer
 * from the tuple parameter. */
static void parse_rw(vg_sysstate *s, const vg_evt *e, int incoming) {
  uint16_t t = e->type;
  if (t == VG_PPME_SYSCALL_READ_X || t == VG_PPME_SYSCALL_READV_X ||
      t == VG_PPME_SYSCALL_PREAD_X || t == VG_PPME_SYSCALL_PREADV_X ||
      t == VG_PPME_SYSCALL_WRITE_X || t == VG_PPME_SYSCALL_WRITEV_X ||
      t == VG_PPME_SYSCALL_PWRITE_X || t == VG_PPME_SYSCALL_PWRITEV_X) {
    /* plain reads and writes carry no address: only a socket's state
     * changes (what the code below does for them, in short) */
    vg_fdinfo *f = evt_fd(s);
    if (f && (f->type == FD_IPV4_SOCK || f->type == FD_IPV6_SOCK) &&
        retval(e) >= 0)
      f->flags |= VG_FD_CONNECTED;
    return;
  }
  if ((t == VG_PPME_SOCKET_RECVMMSG_X || t == VG_PPME_SOCKET_SENDMMSG_X) &&
      pempty(e, 0))
    return;
  if (!incoming &&
      (t == VG_PPME_SOCKET_SEND_X || t == VG_PPME_SOCKET_SENDTO_X ||
       t == VG_PPME_SOCKET_SENDMSG_X) &&
      !evt_fd(s) && s->tinfo && retval(e) >= 0 && e->nparams > 4 &&
      e->plen[4] > 0) {
    uint8_t fam = e->p[4][0];
    if (fam == AF_INET_ || fam == AF_INET6_)
      add_socket(s, s->tinfo, vg_evt_i64(e, 2), fam, 2, 17, 0);
  }
  vg_fdinfo *f = evt_fd(s);
  if (!f || retval(e) < 0)
    return;
  if (f->type == FD_IPV4_SOCK || f->type == FD_IPV6_SOCK)
    f->flags |= VG_FD_CONNECTED;
  int tp = -1;
  if (incoming) {
    if (t == VG_PPME_SOCKET_RECVFROM_X)
      tp = 2;
    else if (t == VG_PPME_SOCKET_RECVMSG_X)
      tp = 3;
    else if (t == VG_PPME_SOCKET_RECVMMSG_X || t == VG_PPME_SOCKET_RECV_X)
      tp = 4;
  } else if (t == VG_PPME_SOCKET_SEND_X || t == VG_PPME_SOCKET_SENDTO_X ||
             t == VG_PPME_SOCKET_SENDMSG_X || t == VG_PPME_SOCKET_SENDMMSG_X) {
    tp = 4;
  }
  if (tp < 0 || (uint32_t)tp >= e->nparams)
    return;
  if (f->name[0] && is_tcp(f))
    return;
  if (!update_fd(s, f, e->p[tp], e->plen[tp]))
    return;
  if (f->type == FD_IPV4_SOCK || f->type == FD_IPV6_SOCK) {
    if (!(f->flags & (VG_FD_ROLE_CLIENT | VG_FD_ROLE_SERVER)))
      guess_role(s, s->tinfo, f, incoming);
    if (incoming ? (f->flags & VG_FD_ROLE_CLIENT)
                 : (f->flags & VG_FD_ROLE_SERVER))
      swap_addresses(f);
    set_sock_name(f);
  } else {
    char nb[1200];
    socktuple_str(nb, sizeof nb, e->p[tp], e->plen[tp]);
    fd_set_name(f, nb);
  }
}

static void parse_single_fd(vg_sysstate *s, const vg_evt *e, uint8_t type) {
  int64_t fd = retval(e);
  if (!s->tinfo || fd < 0)
    return;
  vg_fdinfo *f = fd_new(s, fd, type, "");
  if (f && add_fd(s, s->tinfo, f))
    set_evt_fd(s, s->tinfo, fd);
}

static void parse_pipe(vg_sysstate *s, const vg_evt *e) {
  if (!s->tinfo || retval(e) < 0)
    return;
  uint32_t flags = e->type == VG_PPME_SYSCALL_PIPE2_X ? vg_evt_u32(e, 4) : 0;
  for (int i = 1; i <= 2; i++) {
    int64_t fd = vg_evt_i64(e, (uint32_t)i);
    vg_fdinfo *f = fd_new(s, fd, FD_FIFO, "");
    if (f) {
      f->openflags = flags;
      f->ino = pempty(e, 3) ? 0 : vg_evt_u64(e, 3);
      if (add_fd(s, s->tinfo, f))
        set_evt_fd(s, s->tinfo, fd);
    }
  }
}

static void parse_dup(vg_sysstate *s, const vg_evt *e) {
  vg_thread *t = s->tinfo;
  vg_fdinfo *src = evt_fd(s);
  int64_t nfd = retval(e);
  if (!t || nfd < 0 || !src)
    return;
  if (nfd == 0)
    t->flags |= CL_PIPE_DST;
  if (nfd == 1)
    t->flags |= CL_PIPE_SRC;
  vg_fdinfo *f = fd_clone(s, src);
  if (!f)
    return;
  f->fd = nfd;
  f->openflags &= ~O_CLOEXEC_;
  if (e->type == VG_PPME_SYSCALL_DUP3_X && (vg_evt_u32(e, 3) & O_CLOEXEC_))
    f->openflags |= O_CLOEXEC_;
  /* the new fd replaces whatever had that number */
  if (add_fd(s, t, f))
    set_evt_fd(s, t, nfd);
  else
    s->fdinfo_owner = NULL;
  s->fdc_on = 0;
}

static void parse_socketpair(vg_sysstate *s, const vg_evt *e) {
  vg_thread *t = s->tinfo;
  if (!t || retval(e) < 0)
    return;
  int64_t fd1 = vg_evt_i64(e, 1), fd2 = vg_evt_i64(e, 2);
  if (fd1 == fd2) {
    s->fdinfo_owner = NULL;
    s->fdc_on = 0;
    return;
  }
  uint64_t src = vg_evt_u64(e, 3), peer = vg_evt_u64(e, 4);
  vg_fdinfo *f1 = fd_new(s, fd1, FD_UNIX_SOCK, "");
  if (!f1)
    return;
  for (int i = 0; i < 8; i++) {
    f1->sock[i] = (uint8_t)(src >> (8 * i));
    f1->sock[8 + i] = (uint8_t)(peer >> (8 * i));
  }
  vg_fdinfo *f2 = fd_clone(s, f1);
  if (add_fd(s, t, f1))
    set_evt_fd(s, t, fd1);
  if (f2) {
    f2->fd = fd2;
    add_fd(s, t, f2);
  }
}

static void set_user(vg_sysstate *s, const vg_evt *e, uint32_t idx, int gid) {
  vg_thread *t = vg_sys_evt_thread(s);
  if (!t || pempty(e, idx))
    return;
  uint32_t v = vg_evt_u32(e, idx);
  if (gid)
    t->gid = v;
  else
    t->uid = v;
  ensure_root(s, t);
}

static void parse_fcntl(vg_sysstate *s, const vg_evt *e) {
  vg_thread *t = s->tinfo;
  vg_fdinfo *src = evt_fd(s);
  int64_t nfd = retval(e);
  uint8_t cmd = (uint8_t)vg_evt_u32(e, 2);
  /* PPM_FCNTL_F_DUPFD 1, F_SETFD 3, F_DUPFD_CLOEXEC 26 */
  if (!t || !src || nfd < 0 || (cmd != 1 && cmd != 3 && cmd != 26))
    return;
  if (cmd == 3) {
    src->openflags &= ~O_CLOEXEC_;
    if (vg_evt_u64(e, 3) & 1)
      src->openflags |= O_CLOEXEC_;
    return;
  }
  vg_fdinfo *f = fd_clone(s, src);
  if (!f)
    return;
  f->fd = nfd;
  f->openflags &= ~O_CLOEXEC_;
  if (cmd == 26)
    f->openflags |= O_CLOEXEC_;
  if (add_fd(s, t, f))
    set_evt_fd(s, t, nfd);
}

static void parse_chdir(vg_sysstate *s, const vg_evt *e) {
  vg_thread *t = s->tinfo;
  if (!t || retval(e) < 0)
    return;
  vg_thread *m = vg_sys_main_thread(s, t);
  if (!m)
    return;
  const char *p = NULL;
  char nb[MAX_PATH + 8];
  if (e->type != VG_PPME_SYSCALL_FCHDIR_X) { /* chdir, getcwd */
    p = pstr(e, 1, nb, sizeof nb);
  } else {
    vg_fdinfo *f = evt_fd(s);
    if (!f)
      return;
    p = f->name;
  }
  char out[2 * MAX_PATH + 8];
  vg_concat_paths(out, sizeof out - 2, t->cwd, strlen(t->cwd), p, strlen(p));
  size_t l = strlen(out);
  if (l == 0 || out[l - 1] != '/') {
    out[l] = '/';
    out[l + 1] = 0;
  }
  set_str(&m->cwd, out);
}

/* enter events: index of the fd parameter */
static uint32_t enter_fd_loc(uint16_t t) {
  if (t == VG_PPME_SYSCALL_MMAP_E || t == VG_PPME_SYSCALL_MMAP2_E)
    return 4;
  if (t == VG_PPME_SYSCALL_SPLICE_E)
    return 1;
  return 0;
}

static int exit_fd_loc(uint16_t t) {
  switch (t) {
  case VG_PPME_SYSCALL_SETNS_X: case VG_PPME_SOCKET_LISTEN_X:
  case VG_PPME_SOCKET_SHUTDOWN_X: case VG_PPME_SYSCALL_FCHDIR_X:
  case VG_PPME_SYSCALL_LSEEK_X: case VG_PPME_SYSCALL_LLSEEK_X:
  case VG_PPME_SYSCALL_IOCTL_3_X: case VG_PPME_SYSCALL_FSTAT_X:
  case VG_PPME_SYSCALL_CLOSE_X: case VG_PPME_SYSCALL_GETDENTS_X:
  case VG_PPME_SYSCALL_GETDENTS64_X: case VG_PPME_SYSCALL_FLOCK_X:
  case VG_PPME_SYSCALL_COPY_FILE_RANGE_X: case VG_PPME_SYSCALL_FCNTL_X:
  case VG_PPME_SYSCALL_DUP_1_X: case VG_PPME_SYSCALL_DUP2_X:
  case VG_PPME_SYSCALL_DUP3_X: case VG_PPME_SYSCALL_NEWFSTATAT_X:
  case VG_PPME_SYSCALL_FCHOWNAT_X: case VG_PPME_SYSCALL_FCHMODAT_X:
  case VG_PPME_SYSCALL_MKDIRAT_X: case VG_PPME_SYSCALL_UNLINKAT_2_X:
  case VG_PPME_SYSCALL_MKNODAT_X: case VG_PPME_SOCKET_SENDMMSG_X:
  case VG_PPME_SOCKET_RECVMMSG_X: case VG_PPME_SYSCALL_IO_URING_REGISTER_X:
  case VG_PPME_SYSCALL_IO_URING_ENTER_X: case VG_PPME_SOCKET_SETSOCKOPT_X:
  case VG_PPME_SOCKET_GETSOCKOPT_X: case VG_PPME_SYSCALL_FSCONFIG_X:
  case VG_PPME_SYSCALL_FINIT_MODULE_X: case VG_PPME_SYSCALL_FCHMOD_X:
  case VG_PPME_SYSCALL_FCHOWN_X:
    return 1;
  case VG_PPME_SYSCALL_READ_X: case VG_PPME_SYSCALL_PREAD_X:
  case VG_PPME_SOCKET_BIND_X: case VG_PPME_SYSCALL_WRITE_X:
  case VG_PPME_SYSCALL_PWRITE_X: case VG_PPME_SOCKET_RECV_X:
  case VG_PPME_SOCKET_SEND_X: case VG_PPME_SOCKET_SENDTO_X:
  case VG_PPME_SOCKET_SENDMSG_X: case VG_PPME_SYSCALL_SENDFILE_X:
  case VG_PPME_SYSCALL_SPLICE_X: case VG_PPME_SYSCALL_WRITEV_X:
  case VG_PPME_SYSCALL_PWRITEV_X: case VG_PPME_SOCKET_CONNECT_X:
  case VG_PPME_SYSCALL_SYMLINKAT_X:
    return 2;
  case VG_PPME_SOCKET_RECVFROM_X: case VG_PPME_SYSCALL_READV_X:
  case VG_PPME_SYSCALL_PREADV_X:
    return 3;
  case VG_PPME_SOCKET_RECVMSG_X:
    return 5;
  case VG_PPME_SYSCALL_MMAP_X: case VG_PPME_SYSCALL_MMAP2_X:
    return 8;
  default:
    return -1;
  }
}

static int has_retval(const vg_evt *e) {
  const vg_event_info *ei = &vg_event_table[e->type];
  return e->type != VG_PPME_GENERIC_X && (ei->category & VG_EC_SYSCALL) &&
         (e->type & 1) && e->nparams > 0;
}

/* Whether parsing an event of type t (the switch of vg_sys_event) may
 * create, replace or rename fds, so that the name of the event's fd
 * before parsing must be kept for fd.name_changed. Keep in step with that
 * switch: types not listed leave every fd name as it was (plain file
 * reads and writes, memory, scheduler, identity, cwd calls, enter events,
 * close, whose removal waits for the next event). */
static const uint8_t MAY_RENAME[VG_EVENT_MAX] = {
    [VG_PPME_SOCKET_ACCEPT4_6_X] = 1,
    [VG_PPME_SOCKET_ACCEPT_5_X] = 1,
    [VG_PPME_SOCKET_BIND_X] = 1,
    [VG_PPME_SOCKET_CONNECT_X] = 1,
    [VG_PPME_SOCKET_RECVFROM_X] = 1,
    [VG_PPME_SOCKET_RECVMMSG_X] = 1,
    [VG_PPME_SOCKET_RECVMSG_X] = 1,
    [VG_PPME_SOCKET_RECV_X] = 1,
    [VG_PPME_SOCKET_SENDMMSG_X] = 1,
    [VG_PPME_SOCKET_SENDMSG_X] = 1,
    [VG_PPME_SOCKET_SENDTO_X] = 1,
    [VG_PPME_SOCKET_SEND_X] = 1,
    [VG_PPME_SOCKET_SOCKETPAIR_X] = 1,
    [VG_PPME_SOCKET_SOCKET_X] = 1,
    [VG_PPME_SYSCALL_BPF_2_X] = 1,
    [VG_PPME_SYSCALL_CLONE3_X] = 1,
    [VG_PPME_SYSCALL_CLONE_20_X] = 1,
    [VG_PPME_SYSCALL_CREAT_X] = 1,
    [VG_PPME_SYSCALL_DUP2_X] = 1,
    [VG_PPME_SYSCALL_DUP3_X] = 1,
    [VG_PPME_SYSCALL_DUP_1_X] = 1,
    [VG_PPME_SYSCALL_EPOLL_CREATE1_X] = 1,
    [VG_PPME_SYSCALL_EPOLL_CREATE_X] = 1,
    [VG_PPME_SYSCALL_EVENTFD2_X] = 1,
    [VG_PPME_SYSCALL_EVENTFD_X] = 1,
    [VG_PPME_SYSCALL_EXECVEAT_X] = 1,
    [VG_PPME_SYSCALL_EXECVE_19_X] = 1,
    [VG_PPME_SYSCALL_FCNTL_X] = 1,
    [VG_PPME_SYSCALL_FORK_20_X] = 1,
    [VG_PPME_SYSCALL_INOTIFY_INIT1_X] = 1,
    [VG_PPME_SYSCALL_INOTIFY_INIT_X] = 1,
    [VG_PPME_SYSCALL_IO_URING_SETUP_X] = 1,
    [VG_PPME_SYSCALL_MEMFD_CREATE_X] = 1,
    [VG_PPME_SYSCALL_OPENAT2_X] = 1,
    [VG_PPME_SYSCALL_OPENAT_2_X] = 1,
    [VG_PPME_SYSCALL_OPEN_X] = 1,
    [VG_PPME_SYSCALL_PIPE2_X] = 1,
    [VG_PPME_SYSCALL_PIPE_X] = 1,
    [VG_PPME_SYSCALL_SIGNALFD4_X] = 1,
    [VG_PPME_SYSCALL_SIGNALFD_X] = 1,
    [VG_PPME_SYSCALL_TIMERFD_CREATE_X] = 1,
    [VG_PPME_SYSCALL_USERFAULTFD_X] = 1,
    [VG_PPME_SYSCALL_VFORK_20_X] = 1,
};

static int parse_may_rename(uint16_t t) {
  return t < VG_EVENT_MAX && MAY_RENAME[t];
}

/* reset() by event type: no thread lookup at all (RESET_NONE: metadata,
 * user and plugin events), or a lookup that creates no thread (RESET_FIND:
 * clone exits, sched_switch, procexit). */
#define RESET_NONE 1u
#define RESET_FIND 2u
static const uint8_t EVT_RESET[VG_EVENT_MAX] = {
    [VG_PPME_CONTAINER_JSON_2_E] = RESET_NONE,
    [VG_PPME_USER_ADDED_E] = RESET_NONE,
    [VG_PPME_USER_DELETED_E] = RESET_NONE,
    [VG_PPME_GROUP_ADDED_E] = RESET_NONE,
    [VG_PPME_GROUP_DELETED_E] = RESET_NONE,
    [VG_PPME_PLUGINEVENT_E] = RESET_NONE,
    [VG_PPME_ASYNCEVENT_E] = RESET_NONE,
    [VG_PPME_SYSCALL_CLONE_20_X] = RESET_FIND,
    [VG_PPME_SYSCALL_CLONE3_X] = RESET_FIND,
    [VG_PPME_SYSCALL_FORK_20_X] = RESET_FIND,
    [VG_PPME_SYSCALL_VFORK_20_X] = RESET_FIND,
    [VG_PPME_SCHEDSWITCH_6_E] = RESET_FIND,
    [VG_PPME_PROCEXIT_1_E] = RESET_FIND,
};

static void reset(vg_sysstate *s, const vg_evt *e) {
  uint16_t t = e->type;
  const vg_event_info *ei = &vg_event_table[t];
  s->tinfo = NULL;
  s->fdinfo_owner = NULL;
  s->fdc = NULL;
  if (ei->flags & VG_EF_SKIPPARSERESET) {
    if (t == VG_PPME_PROCINFO_E)
      s->tinfo = vg_sys_find(s, e->tid);
    return;
  }
  uint8_t rf = EVT_RESET[t];
  if (rf & RESET_NONE)
    return;
  int query = !(rf & RESET_FIND);
  vg_thread *ti = tfind(s, e->tid);
  if (!ti && query)
    ti = get_thread(s, e->tid);
  s->tinfo = ti;
  if (t == VG_PPME_SCHEDSWITCH_6_E || !ti)
    return;
  if (query)
    ti->flags |= CL_ACTIVE;
  int uses_fd = (ei->flags & (VG_EF_USES_FD | VG_EF_CREATES_FD |
                              VG_EF_DESTROYS_FD)) != 0;
  uses_fd = (ei->flags & VG_EF_USES_FD) != 0;
  if ((t & 1) == 0) {
    ti->lastevent_fd = -1;
    ti->lastevent_type = t;
    if (uses_fd) {
      uint32_t loc = enter_fd_loc(t);
      ti->lastevent_fd = vg_evt_i64(e, loc);
      set_evt_fd(s, ti, ti->lastevent_fd);
    }
    return;
  }
  if (t == VG_PPME_SYSCALL_EXECVE_19_X &&
      ti->lastevent_type == VG_PPME_SYSCALL_EXECVEAT_E) {
    ti->lastevent_valid = 1;
  } else if ((uint32_t)t == ti->lastevent_type + 1) {
    ti->lastevent_valid = 1;
  } else {
    ti->lastevent_valid = 0;
    ti->lastevent_fd = -1;
  }
  if (!uses_fd)
    return;
  if (ti->lastevent_fd == -1) {
    int loc = exit_fd_loc(t);
    if (loc >= 0 && (uint32_t)loc < e->nparams && !pempty(e, (uint32_t)loc))
      ti->lastevent_fd = vg_evt_i64(e, (uint32_t)loc);
  }
  set_evt_fd(s, ti, ti->lastevent_fd);
}

/* Once the capture's tables are loaded, libsinsp gives each IPv4 socket
 * from them a direction: server (addresses swapped) when its source port
 * is a listening port of the capture, client otherwise. */
static void fix_capture_sockets(vg_sysstate *s) {
  char nb[256];
  FOR_TAKEN(s, i) {
    vg_thread *t = s->tab[i];
    for (uint32_t j = 0; j < t->fds.n; j++) {
      vg_fdinfo *f = t->fds.e[j].f;
      if (f->type != FD_IPV4_SOCK)
        continue;
      uint16_t sport = vg_sock_u16(f, VG_S4_SPORT);
      if (!(s->server_ports[sport >> 3] & (1u << (sport & 7)))) {
        f->flags |= VG_FD_ROLE_CLIENT;
        continue;
      }
      swap_addresses(f);
      fmt_tuple(nb, sizeof nb, f->sock + VG_S4_SIP,
                vg_sock_u16(f, VG_S4_SPORT), f->sock + VG_S4_DIP,
                vg_sock_u16(f, VG_S4_DPORT), 0);
      fd_set_name(f, nb);
      f->flags |= VG_FD_ROLE_SERVER;
    }
  }
  s->sockets_fixed = 1;
}

/* What the end of vg_sys_event does by event type: leading events
 * consumed at open (TAIL_INITSTATE), users and groups added, enter events
 * never shown, container events parsed, containers attached after
 * clone/execve/chroot. Types with no bit skip all of it. */
#define TAIL_INITSTATE 1u
#define TAIL_OTHER 2u
static const uint8_t EVT_TAIL[VG_EVENT_MAX] = {
    [VG_PPME_CONTAINER_JSON_2_E] = TAIL_INITSTATE | TAIL_OTHER,
    [VG_PPME_USER_ADDED_E] = TAIL_INITSTATE | TAIL_OTHER,
    [VG_PPME_USER_DELETED_E] = TAIL_INITSTATE,
    [VG_PPME_GROUP_ADDED_E] = TAIL_INITSTATE | TAIL_OTHER,
    [VG_PPME_GROUP_DELETED_E] = TAIL_INITSTATE,
    [VG_PPME_ASYNCEVENT_E] = TAIL_INITSTATE | TAIL_OTHER,
    [VG_PPME_CONTAINER_JSON_E] = TAIL_OTHER,
    [VG_PPME_SYSCALL_OPEN_E] = TAIL_OTHER,
    [VG_PPME_SYSCALL_OPENAT_2_E] = TAIL_OTHER,
    [VG_PPME_SYSCALL_OPENAT2_E] = TAIL_OTHER,
    [VG_PPME_SYSCALL_CREAT_E] = TAIL_OTHER,
    [VG_PPME_SOCKET_CONNECT_E] = TAIL_OTHER,
    [VG_PPME_SYSCALL_EXECVE_19_E] = TAIL_OTHER,
    [VG_PPME_SYSCALL_EXECVEAT_E] = TAIL_OTHER,
    [VG_PPME_SYSCALL_CLONE_20_X] = TAIL_OTHER,
    [VG_PPME_SYSCALL_FORK_20_X] = TAIL_OTHER,
    [VG_PPME_SYSCALL_VFORK_20_X] = TAIL_OTHER,
    [VG_PPME_SYSCALL_CLONE3_X] = TAIL_OTHER,
    [VG_PPME_SYSCALL_EXECVE_19_X] = TAIL_OTHER,
    [VG_PPME_SYSCALL_EXECVEAT_X] = TAIL_OTHER,
    [VG_PPME_SYSCALL_CHROOT_X] = TAIL_OTHER,
};

vigil_status vg_sys_event(vg_sysstate *s, const vg_evt *e, uint64_t num,
                          int *shown) {
  s->fdc_on = 0;
  if (!s->sockets_fixed)
    fix_capture_sockets(s);
  uint16_t t = e->type;
  s->evt = e;
  s->num = num;
  s->evt_ctr = NULL;
  if (!s->cids_done) {
    /* the container plugin enriches the initial thread table when the
     * capture opens */
    FOR_TAKEN(s, i)
      attach_container(s, s->tab[i]);
    s->cids_done = 1;
  }
  if (s->first_ts == 0 &&
      !(vg_event_table[t].category & VG_EC_METAEVENT))
    s->first_ts = e->ts;
  if (s->have_remove_tid) {
    remove_thread(s, s->remove_tid, s->remove_reaper);
    s->have_remove_tid = 0;
  }
  if (s->have_remove_fd) {
    vg_thread *o = vg_sys_find(s, s->remove_fd_tid);
    if (o) {
      vg_fdtable *ft = fd_table(s, o);
      if (ft)
        fdt_remove(s, ft, s->remove_fd);
    }
    s->have_remove_fd = 0;
  }
  reset(s, e);
  s->evtx.exectime = 0;
  /* until the next event, the fd reset() found is the event's fd unless
   * the parser may change fd records */
  int may_rename = parse_may_rename(t);
  s->fdc_on = !may_rename;
  s->old_fd = s->untracked_names ? NULL : evt_fd(s);
  s->old_same = s->old_fd && !may_rename;
  if (s->old_fd && !s->old_same) {
    /* a bounded copy (this runs for every event with an fd) */
    const char *nm = s->old_fd->name;
    const char *z = memchr(nm, 0, sizeof s->old_name - 1);
    size_t l = z ? (size_t)(z - nm) : sizeof s->old_name - 1;
    memcpy(s->old_name, nm, l);
    s->old_name[l] = 0;
  }
  /* a case that may rename, create or replace fds belongs in
   * parse_may_rename too */
  switch (t) {
  case VG_PPME_SYSCALL_OPEN_E:
  case VG_PPME_SYSCALL_CREAT_E:
  case VG_PPME_SYSCALL_OPENAT_2_E:
  case VG_PPME_SYSCALL_OPENAT2_E:
  case VG_PPME_SYSCALL_EXECVE_19_E:
    if (pempty(e, 0))
      break;
    /* fall through */
  case VG_PPME_SYSCALL_EXECVEAT_E:
  case VG_PPME_SOCKET_CONNECT_E:
    if (s->tinfo)
      store_enter(s->tinfo, e);
    break;
  case VG_PPME_SYSCALL_READ_X:
  case VG_PPME_SYSCALL_READV_X:
  case VG_PPME_SYSCALL_PREAD_X:
  case VG_PPME_SYSCALL_PREADV_X:
  case VG_PPME_SOCKET_RECV_X:
  case VG_PPME_SOCKET_RECVFROM_X:
  case VG_PPME_SOCKET_RECVMSG_X:
  case VG_PPME_SOCKET_RECVMMSG_X:
    parse_rw(s, e, 1);
    break;
  case VG_PPME_SYSCALL_WRITE_X:
  case VG_PPME_SYSCALL_WRITEV_X:
  case VG_PPME_SYSCALL_PWRITE_X:
  case VG_PPME_SYSCALL_PWRITEV_X:
  case VG_PPME_SOCKET_SEND_X:
  case VG_PPME_SOCKET_SENDTO_X:
  case VG_PPME_SOCKET_SENDMSG_X:
  case VG_PPME_SOCKET_SENDMMSG_X:
    parse_rw(s, e, 0);
    break;
  case VG_PPME_SYSCALL_OPEN_X:
  case VG_PPME_SYSCALL_CREAT_X:
  case VG_PPME_SYSCALL_OPENAT_2_X:
  case VG_PPME_SYSCALL_OPENAT2_X:
    parse_open(s, e);
    break;
  case VG_PPME_SYSCALL_CLONE_20_X:
  case VG_PPME_SYSCALL_FORK_20_X:
  case VG_PPME_SYSCALL_VFORK_20_X:
  case VG_PPME_SYSCALL_CLONE3_X: {
    int64_t c = retval(e);
    if (c == 0)
      parse_clone_child(s, e);
    else if (c > 0)
      parse_clone_caller(s, e, c);
    break;
  }
  case VG_PPME_SYSCALL_EXECVE_19_X:
  case VG_PPME_SYSCALL_EXECVEAT_X:
    parse_execve(s, e);
    break;
  case VG_PPME_PROCEXIT_1_E:
    if (s->tinfo) {
      s->tinfo->flags |= CL_CLOSED;
      s->remove_tid = e->tid;
      s->remove_reaper = -1;
      /* procexit carries the kernel's reaper for the children */
      if (e->nparams > 4 && !pempty(e, 4))
        s->remove_reaper = vg_evt_i64(e, 4);
      s->have_remove_tid = 1;
    }
    break;
  case VG_PPME_SYSCALL_PIPE_X:
  case VG_PPME_SYSCALL_PIPE2_X:
    parse_pipe(s, e);
    break;
  case VG_PPME_SCHEDSWITCH_6_E:
    /* thread.exectime: the time since the last switch on this CPU */
    if (e->cpu < sizeof s->switch_ts / sizeof s->switch_ts[0]) {
      uint64_t last = s->switch_ts[e->cpu];
      s->evtx.exectime = last ? e->ts - last : 0;
      s->switch_ts[e->cpu] = e->ts;
    }
    if (s->tinfo)
      s->tinfo->totexectime += s->evtx.exectime;
    /* the switched-out thread's fault and memory counters */
    if (s->tinfo && !pempty(e, 5)) {
      s->tinfo->pfmajor = vg_evt_u64(e, 1);
      s->tinfo->pfminor = vg_evt_u64(e, 2);
      s->tinfo->vmsize_kb = vg_evt_u32(e, 3);
      s->tinfo->vmrss_kb = vg_evt_u32(e, 4);
      s->tinfo->vmswap_kb = vg_evt_u32(e, 5);
    }
    break;
  case VG_PPME_SYSCALL_BRK_4_X:
  case VG_PPME_SYSCALL_MMAP_X:
  case VG_PPME_SYSCALL_MMAP2_X:
  case VG_PPME_SYSCALL_MUNMAP_X:
    /* the memory counters the driver reports after the call */
    if (s->tinfo && !pempty(e, 3)) {
      s->tinfo->vmsize_kb = vg_evt_u32(e, 1);
      s->tinfo->vmrss_kb = vg_evt_u32(e, 2);
      s->tinfo->vmswap_kb = vg_evt_u32(e, 3);
    }
    break;
  case VG_PPME_SOCKET_SOCKET_X:
    if (s->tinfo && retval(e) >= 0)
      add_socket(s, s->tinfo, retval(e), vg_evt_u32(e, 1), vg_evt_u32(e, 2),
                 vg_evt_u32(e, 3), vg_evt_u32(e, 4));
    break;
  case VG_PPME_SOCKET_BIND_X:
    parse_bind(s, e);
    break;
  case VG_PPME_SOCKET_CONNECT_X:
    parse_connect(s, e);
    break;
  case VG_PPME_SOCKET_ACCEPT_5_X:
  case VG_PPME_SOCKET_ACCEPT4_6_X:
    parse_accept(s, e);
    break;
  case VG_PPME_SYSCALL_CLOSE_X:
    if (retval(e) >= 0 && s->tinfo && evt_fd(s)) {
      s->remove_fd_tid = s->tinfo->tid;
      s->remove_fd = s->tinfo->lastevent_fd;
      s->have_remove_fd = 1;
    }
    break;
  case VG_PPME_SYSCALL_FCNTL_X:
    parse_fcntl(s, e);
    break;
  case VG_PPME_SOCKET_SOCKETPAIR_X:
    parse_socketpair(s, e);
    break;
  case VG_PPME_SYSCALL_GETCWD_X:
    parse_chdir(s, e);
    break;
  case VG_PPME_SYSCALL_SETUID_X:
    if (retval(e) == 0)
      set_user(s, e, 1, 0);
    break;
  case VG_PPME_SYSCALL_SETRESUID_X:
  case VG_PPME_SYSCALL_SETREUID_X:
    if (retval(e) == 0)
      set_user(s, e, 2, 0);
    break;
  case VG_PPME_SYSCALL_SETGID_X:
    if (retval(e) == 0)
      set_user(s, e, 1, 1);
    break;
  case VG_PPME_SYSCALL_SETRESGID_X:
  case VG_PPME_SYSCALL_SETREGID_X:
    if (retval(e) == 0)
      set_user(s, e, 2, 1);
    break;
  case VG_PPME_SYSCALL_SETSID_X: {
    vg_thread *th = vg_sys_evt_thread(s);
    if (retval(e) >= 0 && th)
      th->sid = retval(e);
    break;
  }
  case VG_PPME_SYSCALL_CHROOT_X:
    if (s->tinfo && retval(e) == 0 && !pempty(e, 1)) {
      char rb[MAX_PATH + 8];
      const char *pth = pstr(e, 1, rb, sizeof rb);
      if (pth[0] == '/') {
        set_str(&s->tinfo->root, pth);
      } else {
        const char *cwd = thread_cwd(s, s->tinfo);
        vg_concat_paths(s->path, sizeof s->path, cwd, strlen(cwd), pth,
                        strlen(pth));
        set_str(&s->tinfo->root, s->path);
      }
    }
    break;
  case VG_PPME_SYSCALL_PRCTL_X: {
    vg_thread *th = vg_sys_evt_thread(s);
    uint32_t opt = vg_evt_u32(e, 1);
    /* PPM_PR_SET_CHILD_SUBREAPER 36, PPM_PR_GET_CHILD_SUBREAPER 37 */
    if (retval(e) >= 0 && th && !is_invalid(th) && (opt == 36 || opt == 37)) {
      if (vg_evt_i64(e, 3) != 0) {
        mark_reaper_group(s, th->pid);
      } else {
        for (size_t i = 0; i < s->nreapers; i++)
          if (s->reapers[i] == th->pid)
            s->reapers[i] = s->reapers[--s->nreapers];
      }
    }
    break;
  }
  case VG_PPME_SYSCALL_EVENTFD_X:
  case VG_PPME_SYSCALL_EVENTFD2_X:
    parse_single_fd(s, e, FD_EVENT);
    break;
  case VG_PPME_SYSCALL_CHDIR_X:
  case VG_PPME_SYSCALL_FCHDIR_X:
    parse_chdir(s, e);
    break;
  case VG_PPME_SYSCALL_DUP_1_X:
  case VG_PPME_SYSCALL_DUP2_X:
  case VG_PPME_SYSCALL_DUP3_X:
    parse_dup(s, e);
    break;
  case VG_PPME_SYSCALL_SIGNALFD_X:
  case VG_PPME_SYSCALL_SIGNALFD4_X:
    parse_single_fd(s, e, FD_SIGNALFD);
    break;
  case VG_PPME_SYSCALL_TIMERFD_CREATE_X:
    parse_single_fd(s, e, FD_TIMERFD);
    break;
  case VG_PPME_SYSCALL_INOTIFY_INIT_X:
  case VG_PPME_SYSCALL_INOTIFY_INIT1_X:
    parse_single_fd(s, e, FD_INOTIFY);
    break;
  case VG_PPME_SYSCALL_BPF_2_X:
    parse_single_fd(s, e, FD_BPF);
    break;
  case VG_PPME_SYSCALL_USERFAULTFD_X:
    parse_single_fd(s, e, FD_USERFAULTFD);
    break;
  case VG_PPME_SYSCALL_IO_URING_SETUP_X:
    parse_single_fd(s, e, FD_IOURING);
    break;
  case VG_PPME_SYSCALL_EPOLL_CREATE_X:
  case VG_PPME_SYSCALL_EPOLL_CREATE1_X:
    parse_single_fd(s, e, FD_EVENTPOLL);
    break;
  case VG_PPME_SYSCALL_MEMFD_CREATE_X:
    parse_single_fd(s, e, FD_MEMFD);
    break;
  default:
    break;
  }
  /* compared when fd.name_changed is asked for (vg_sys_fd_name_changed):
   * nothing below changes an fd before the next event */
  s->name_changed = -1;
  /* a stored enter event lives until the next exit event of its thread */
  if ((t & 1) && s->tinfo && s->tinfo->last_evt_set) {
    /* small buffers stay for the thread's next enter event */
    s->tinfo->last_evt_set = 0;
    if (s->tinfo->last_evt_cap > 1024) {
      free(s->tinfo->last_evt);
      s->tinfo->last_evt = NULL;
      s->tinfo->last_evt_cap = 0;
    }
    s->tinfo->lastevent_valid = 0;
  }
  int show = 1;
  uint8_t xf = EVT_TAIL[t];
  /* libsinsp consumes the leading container/user/group events while it
   * opens the capture: they are numbered but never shown */
  if (s->initial && (xf & TAIL_INITSTATE))
    show = 0;
  else
    s->initial = 0;
  if (!(xf & ~TAIL_INITSTATE) && !(e->dump_flags & 1))
    goto shown_done; /* the usual event: nothing below applies */
  if (t == VG_PPME_USER_ADDED_E || t == VG_PPME_GROUP_ADDED_E) {
    vg_scap_user u;
    char b0[300], b1[300], b2[300];
    memset(&u, 0, sizeof u);
    u.is_group = t == VG_PPME_GROUP_ADDED_E;
    if (!u.is_group) {
      u.uid = vg_evt_u32(e, 0);
      u.gid = vg_evt_u32(e, 1);
      u.name = pstr(e, 2, b0, sizeof b0);
      u.home = pstr(e, 3, b1, sizeof b1);
      u.shell = pstr(e, 4, b2, sizeof b2);
    } else {
      u.gid = vg_evt_u32(e, 0);
      u.name = pstr(e, 1, b0, sizeof b0);
      u.home = u.shell = "";
    }
    if (add_user(s, &u) != VIGIL_OK)
      return VIGIL_E_NOMEM;
  }
  switch (t) {
  case VG_PPME_SYSCALL_OPEN_E:
  case VG_PPME_SYSCALL_OPENAT_2_E:
  case VG_PPME_SYSCALL_OPENAT2_E:
  case VG_PPME_SYSCALL_CREAT_E:
  case VG_PPME_SOCKET_CONNECT_E:
  case VG_PPME_SYSCALL_EXECVE_19_E:
  case VG_PPME_SYSCALL_EXECVEAT_E:
    show = 0;
    break;
  default:
    break;
  }
  if (e->dump_flags & 1)
    show = 0;
  /* container plugin parsers run after libsinsp's */
  switch (t) {
  case VG_PPME_CONTAINER_JSON_2_E:
  case VG_PPME_CONTAINER_JSON_E:
  case VG_PPME_ASYNCEVENT_E:
    parse_container_evt(s, e);
    break;
  case VG_PPME_SYSCALL_CLONE_20_X:
  case VG_PPME_SYSCALL_FORK_20_X:
  case VG_PPME_SYSCALL_VFORK_20_X:
  case VG_PPME_SYSCALL_CLONE3_X:
  case VG_PPME_SYSCALL_EXECVE_19_X:
  case VG_PPME_SYSCALL_EXECVEAT_X:
  case VG_PPME_SYSCALL_CHROOT_X:
    if (e->nparams > 0 && e->plen[0] == 8 && vg_evt_i64(e, 0) >= 0) {
      vg_thread *nt = vg_sys_find(s, e->tid);
      if (nt)
        attach_container(s, nt);
    }
    break;
  default:
    break;
  }
shown_done:
  if (show) {
    s->evtx.prev_ts = s->last_shown_ts;
    s->last_shown_ts = e->ts;
    s->evtx.nshown++;
  }
  *shown = show;
  (void)has_retval;
  return VIGIL_OK;
}

/* Like libsinsp's event thread lookup: the thread set while parsing, or
 * else the table entry for the event's tid (no placeholder created). */
vg_thread *vg_sys_evt_thread(vg_sysstate *s) {
  if (s->tinfo)
    return s->tinfo;
  return s->evt ? vg_sys_find(s, s->evt->tid) : NULL;
}
vg_fdinfo *vg_sys_evt_fd(vg_sysstate *s) { return evt_fd(s); }
uint64_t vg_sys_event_num(vg_sysstate *s) { return s->num; }
const vg_evt *vg_sys_current(vg_sysstate *s) { return s->evt; }

int vg_sys_is_local_addr(vg_sysstate *s, const uint8_t *addr, int is_v6) {
  for (size_t i = 0; i < s->nifaces; i++) {
    if (s->ifaces[i].is_v6 != is_v6)
      continue;
    if (!memcmp(s->ifaces[i].addr, addr, is_v6 ? 8 : 4))
      return 1;
  }
  return 0;
}

void vg_sys_track_fd_names(vg_sysstate *s, int on) {
  s->untracked_names = !on;
}

int vg_sys_fd_name_changed(vg_sysstate *s) {
  if (s->name_changed < 0) {
    /* libsinsp compares the fd's name with the one it had when the event
     * looked it up; an fd created by this event had no name before */
    const vg_fdinfo *nf = evt_fd(s);
    s->name_changed = 0;
    if (nf && !(s->old_same && nf == s->old_fd))
      s->name_changed = strcmp(nf->name, nf == s->old_fd ? s->old_name
                                                          : "") != 0;
  }
  return s->name_changed;
}

const vg_sys_evtx *vg_sys_evt_extra(vg_sysstate *s) { return &s->evtx; }

uint64_t vg_sys_group_threads(vg_sysstate *s, int64_t pid, int *main_alive) {
  uint64_t n = 0;
  *main_alive = 0;
  FOR_TAKEN(s, i) {
    const vg_thread *t = s->tab[i];
    if (t->pid != pid || is_invalid(t))
      continue;
    /* a thread leaves the count when it is removed, the event after its
     * procexit; it is dead (closed) from the procexit on */
    int pending = s->have_remove_tid && t->tid == s->remove_tid;
    if ((t->flags & CL_CLOSED) && !pending)
      continue;
    n++;
    if (is_main(t) && !(t->flags & CL_CLOSED))
      *main_alive = 1;
  }
  return n;
}
