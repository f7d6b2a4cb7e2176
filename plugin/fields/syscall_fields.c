/*
 * syscall_fields.c - field extractors for the syscall source. Each field
 * reads the event, thread and fd through the accessor and prints its value
 * the way libsinsp's filter checks print it (numbers in decimal, booleans
 * as true/false, IPv4 in dotted form, ...). No allocation.
 */
#include "fields/syscall_fields.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vg_tables.h"

enum {
  F_EVT_NUM, F_EVT_TYPE, F_EVT_DIR, F_EVT_RAWRES, F_EVT_IS_OPEN_READ,
  F_EVT_IS_OPEN_WRITE, F_EVT_CATEGORY, F_EVT_CPU, F_EVT_RAWTIME,
  F_EVT_FAILED, F_EVT_ARGS_NUM,
  F_THREAD_TID, F_PROC_PID, F_PROC_NAME, F_PROC_EXE, F_PROC_EXEPATH,
  F_PROC_CMDLINE, F_PROC_PNAME, F_PROC_PPID, F_PROC_CWD, F_PROC_ARGS,
  F_PROC_ANAME, F_PROC_PEXE, F_PROC_AEXE, F_PROC_PCMDLINE, F_PROC_APID,
  F_PROC_SID, F_PROC_VPGID, F_PROC_TTY_UNUSED, F_PROC_PEXEPATH,
  F_PROC_AEXEPATH, F_PROC_IS_MAIN,
  F_USER_UID, F_USER_NAME, F_USER_LOGINUID, F_USER_HOMEDIR, F_USER_SHELL,
  F_GROUP_GID, F_GROUP_NAME,
  F_FD_NUM, F_FD_NAME, F_FD_TYPE, F_FD_TYPECHAR, F_FD_L4PROTO, F_FD_SIP,
  F_FD_SPORT, F_FD_CIP, F_FD_CPORT, F_FD_DIRECTORY, F_FD_FILENAME,
  F_FD_NAMERAW
};

typedef struct fdef {
  const char *name;
  int id;
  int arg; /* 0 none, 1 optional [N] */
} fdef;

/* longest names first where one is a prefix of another */
static const fdef FIELDS[] = {
    {"evt.num", F_EVT_NUM, 0},
    {"evt.type", F_EVT_TYPE, 0},
    {"evt.dir", F_EVT_DIR, 0},
    {"evt.rawres", F_EVT_RAWRES, 0},
    {"evt.is_open_read", F_EVT_IS_OPEN_READ, 0},
    {"evt.is_open_write", F_EVT_IS_OPEN_WRITE, 0},
    {"evt.category", F_EVT_CATEGORY, 0},
    {"evt.cpu", F_EVT_CPU, 0},
    {"evt.rawtime", F_EVT_RAWTIME, 0},
    {"evt.failed", F_EVT_FAILED, 0},
    {"thread.tid", F_THREAD_TID, 0},
    {"proc.pid", F_PROC_PID, 0},
    {"proc.name", F_PROC_NAME, 0},
    {"proc.exepath", F_PROC_EXEPATH, 0},
    {"proc.exe", F_PROC_EXE, 0},
    {"proc.cmdline", F_PROC_CMDLINE, 0},
    {"proc.pname", F_PROC_PNAME, 0},
    {"proc.ppid", F_PROC_PPID, 0},
    {"proc.cwd", F_PROC_CWD, 0},
    {"proc.args", F_PROC_ARGS, 0},
    {"proc.aname", F_PROC_ANAME, 1},
    {"proc.pexepath", F_PROC_PEXEPATH, 0},
    {"proc.pexe", F_PROC_PEXE, 0},
    {"proc.aexepath", F_PROC_AEXEPATH, 1},
    {"proc.aexe", F_PROC_AEXE, 1},
    {"proc.pcmdline", F_PROC_PCMDLINE, 0},
    {"proc.apid", F_PROC_APID, 1},
    {"proc.sid", F_PROC_SID, 0},
    {"proc.vpgid", F_PROC_VPGID, 0},
    {"thread.ismain", F_PROC_IS_MAIN, 0},
    {"user.uid", F_USER_UID, 0},
    {"user.name", F_USER_NAME, 0},
    {"user.loginuid", F_USER_LOGINUID, 0},
    {"user.homedir", F_USER_HOMEDIR, 0},
    {"user.shell", F_USER_SHELL, 0},
    {"group.gid", F_GROUP_GID, 0},
    {"group.name", F_GROUP_NAME, 0},
    {"fd.num", F_FD_NUM, 0},
    {"fd.nameraw", F_FD_NAMERAW, 0},
    {"fd.name", F_FD_NAME, 0},
    {"fd.typechar", F_FD_TYPECHAR, 0},
    {"fd.type", F_FD_TYPE, 0},
    {"fd.l4proto", F_FD_L4PROTO, 0},
    {"fd.sip", F_FD_SIP, 0},
    {"fd.sport", F_FD_SPORT, 0},
    {"fd.cip", F_FD_CIP, 0},
    {"fd.cport", F_FD_CPORT, 0},
    {"fd.directory", F_FD_DIRECTORY, 0},
    {"fd.filename", F_FD_FILENAME, 0},
};

vigil_status vg_field_parse(const char *text, vg_field_ref *out,
                            size_t *used) {
  const fdef *best = NULL;
  size_t bl = 0;
  for (size_t i = 0; i < sizeof FIELDS / sizeof FIELDS[0]; i++) {
    size_t l = strlen(FIELDS[i].name);
    if (strncmp(text, FIELDS[i].name, l) != 0)
      continue;
    char c = text[l];
    if ((c >= 'a' && c <= 'z') || c == '_' || c == '.' ||
        (c >= '0' && c <= '9'))
      continue;
    if (l > bl) {
      best = &FIELDS[i];
      bl = l;
    }
  }
  if (!best)
    return VIGIL_E_NOTFOUND;
  memset(out, 0, sizeof *out);
  out->id = best->id;
  out->argn = -1;
  if (best->arg && text[bl] == '[') {
    const char *end = strchr(text + bl, ']');
    if (!end)
      return VIGIL_E_SYNTAX;
    int64_t n = 0;
    const char *p = text + bl + 1;
    if (p == end)
      return VIGIL_E_SYNTAX;
    for (; p < end; p++) {
      if (*p < '0' || *p > '9' || n > 100000)
        return VIGIL_E_SYNTAX;
      n = n * 10 + (*p - '0');
    }
    out->argn = n;
    bl = (size_t)(end - text) + 1;
  }
  *used = bl;
  return VIGIL_OK;
}

/* ------------------------------------------------------------ helpers */

static int put(char *buf, size_t len, const char *s) {
  snprintf(buf, len, "%s", s);
  return 1;
}

static int put_i64(char *buf, size_t len, int64_t v) {
  snprintf(buf, len, "%" PRId64, v);
  return 1;
}

static int put_u64(char *buf, size_t len, uint64_t v) {
  snprintf(buf, len, "%" PRIu64, v);
  return 1;
}

static int xid_ok(int64_t v) { return v >= -1 && v <= (int64_t)UINT32_MAX; }

static void join_args(const vg_thread *t, char *buf, size_t len) {
  size_t o = 0;
  for (uint32_t i = 0; i < t->args_len && o + 1 < len; i++)
    buf[o++] = t->args[i] ? t->args[i] : ' ';
  buf[o] = 0;
}

static void cmdline(const vg_thread *t, char *buf, size_t len) {
  size_t o = (size_t)snprintf(buf, len, "%s", t->comm);
  if (t->nargs && o + 1 < len) {
    buf[o++] = ' ';
    join_args(t, buf + o, len - o);
  }
}

static vg_thread *ancestor(const vg_sys_accessor *a, vg_thread *t,
                           int64_t n) {
  vg_thread *m = a->main_thread(a->ctx, t);
  for (int64_t i = 0; i < n; i++) {
    if (!m)
      return NULL;
    m = a->find_thread(a->ctx, m->ptid);
    if (!m)
      return NULL;
    m = a->main_thread(a->ctx, m);
  }
  return m;
}

static void fmt_ip(char *out, size_t len, const uint8_t *ip, int v6) {
  if (!v6) {
    snprintf(out, len, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
    return;
  }
  uint16_t w[8];
  for (int i = 0; i < 8; i++)
    w[i] = (uint16_t)(ip[2 * i] << 8 | ip[2 * i + 1]);
  int best = -1, bestlen = 0;
  for (int i = 0; i < 8;) {
    if (w[i] == 0) {
      int j = i;
      while (j < 8 && w[j] == 0)
        j++;
      if (j - i > bestlen && j - i >= 2) {
        best = i;
        bestlen = j - i;
      }
      i = j;
    } else {
      i++;
    }
  }
  if (best == 0 && (bestlen == 6 || (bestlen == 5 && w[5] == 0xffff))) {
    snprintf(out, len, "::%s%u.%u.%u.%u", bestlen == 5 ? "ffff:" : "",
             ip[12], ip[13], ip[14], ip[15]);
    return;
  }
  size_t o = 0;
  out[0] = 0;
  for (int i = 0; i < 8; i++) {
    if (i == best) {
      o += (size_t)snprintf(out + o, o < len ? len - o : 0, "::");
      i += bestlen - 1;
      continue;
    }
    if (o && out[o - 1] != ':')
      o += (size_t)snprintf(out + o, o < len ? len - o : 0, ":");
    o += (size_t)snprintf(out + o, o < len ? len - o : 0, "%x", w[i]);
  }
}

#define FDT_FILE 1
#define FDT_DIRECTORY 2
#define FDT_IPV4 3
#define FDT_IPV6 4
#define FDT_IPV4S 5
#define FDT_IPV6S 6
#define FDT_FILE_V2 16

static char typechar(uint8_t t) {
  static const char map[] = "ofd4646pueXslitnfburmP";
  return t < sizeof map - 1 ? map[t] : 'o';
}

static const char *typestr(uint8_t t) {
  switch (t) {
  case 1: case 16: return "file";
  case 2: return "directory";
  case 3: case 5: return "ipv4";
  case 4: case 6: return "ipv6";
  case 8: return "unix";
  case 7: return "pipe";
  case 9: return "event";
  case 11: return "signalfd";
  case 12: return "eventpoll";
  case 13: return "inotify";
  case 14: return "timerfd";
  case 15: return "netlink";
  case 17: return "bpf";
  case 18: return "userfaultfd";
  case 19: return "io_uring";
  case 20: return "memfd";
  case 21: return "pidfd";
  default: return "<NA>";
  }
}

static int role_none(const vg_fdinfo *f) {
  return !(f->flags & (VG_FD_ROLE_CLIENT | VG_FD_ROLE_SERVER));
}

static uint8_t l4proto(const vg_fdinfo *f) {
  if (f->type == FDT_IPV4 || f->type == FDT_IPV6) {
    uint8_t l4 = f->sock[f->type == FDT_IPV4 ? VG_S4_L4 : VG_S6_L4];
    if (l4 == 5)
      return 5;
    return role_none(f) ? 1 : l4;
  }
  if (f->type == FDT_IPV4S)
    return f->sock[VG_SV4_L4];
  if (f->type == FDT_IPV6S)
    return f->sock[VG_SV6_L4];
  return 1;
}

static char evt_typechar(uint16_t t) {
  switch (t | 1) {
  case VG_PPME_SYSCALL_OPENAT_2_X:
  case VG_PPME_SYSCALL_OPENAT2_X:
  case VG_PPME_SYSCALL_CREAT_X:
    return 'f';
  case VG_PPME_SOCKET_SOCKET_X:
  case VG_PPME_SOCKET_ACCEPT_5_X:
  case VG_PPME_SOCKET_ACCEPT4_6_X:
    return '4';
  case VG_PPME_SYSCALL_PIPE_X:
  case VG_PPME_SYSCALL_PIPE2_X:
    return 'p';
  case VG_PPME_SYSCALL_EVENTFD_X:
  case VG_PPME_SYSCALL_EVENTFD2_X:
    return 'e';
  case VG_PPME_SYSCALL_SIGNALFD_X:
  case VG_PPME_SYSCALL_SIGNALFD4_X:
    return 's';
  case VG_PPME_SYSCALL_TIMERFD_CREATE_X:
    return 't';
  case VG_PPME_SYSCALL_INOTIFY_INIT_X:
  case VG_PPME_SYSCALL_INOTIFY_INIT1_X:
    return 'i';
  default:
    return 'o';
  }
}

static int has_retval(const vg_evt *e) {
  return e->type != VG_PPME_GENERIC_X &&
         (vg_event_table[e->type].category & VG_EC_SYSCALL) &&
         (e->type & 1) && e->nparams > 0;
}

static int64_t retval(const vg_evt *e) {
  if (e->plen[0] == 4)
    return (int32_t)vg_evt_u32(e, 0);
  return vg_evt_i64(e, 0);
}

/* fd name taken from the event when the fd is not in the table */
static int fdname_from_event(const vg_sys_accessor *a, const vg_evt *e,
                             vg_thread *t, char *buf, size_t len) {
  char tmp[1100];
  if ((e->type & 1) == 0)
    return 0;
  switch (e->type) {
  case VG_PPME_SYSCALL_OPEN_X:
  case VG_PPME_SYSCALL_CREAT_X: {
    const char *s = vg_evt_str(e, 1, tmp, sizeof tmp);
    if (!s) {
      snprintf(buf, len, "<NA>");
      return 1;
    }
    const char *cwd = "";
    vg_thread *m = t ? a->main_thread(a->ctx, t) : NULL;
    cwd = m ? m->cwd : "./";
    vg_concat_paths(buf, len, cwd, strlen(cwd), s, strlen(s));
    return 1;
  }
  case VG_PPME_SYSCALL_OPENAT_2_X:
  case VG_PPME_SYSCALL_OPENAT2_X: {
    const char *s = vg_evt_str(e, 2, tmp, sizeof tmp);
    if (!s || e->nparams < 2 || e->plen[1] == 0)
      return 0;
    int64_t dirfd = vg_evt_i64(e, 1);
    char dir[1100];
    if (s[0] == '/') {
      dir[0] = 0;
    } else if (dirfd == -100) {
      vg_thread *m = t ? a->main_thread(a->ctx, t) : NULL;
      snprintf(dir, sizeof dir, "%s", m ? m->cwd : "./");
    } else {
      vg_fdinfo *df = t ? a->get_fd(a->ctx, t, dirfd) : NULL;
      if (df && df->name[0]) {
        size_t l = strlen(df->name);
        snprintf(dir, sizeof dir, "%s%s", df->name,
                 df->name[l - 1] == '/' ? "" : "/");
      } else {
        snprintf(dir, sizeof dir, "<UNKNOWN>");
      }
    }
    vg_concat_paths(buf, len, dir, strlen(dir), s, strlen(s));
    return 1;
  }
  default:
    buf[0] = 0;
    return 1;
  }
}

static const char *category(const vg_evt *e, const vg_fdinfo *f) {
  uint32_t c = vg_event_table[e->type].category &
               ~(uint32_t)(VG_EC_SYSCALL | VG_EC_TRACEPOINT | VG_EC_PLUGIN |
                           VG_EC_METAEVENT | VG_EC_ITER);
  switch (c) {
  case 0: return "unknown";
  case 1: return "other";
  case 2: return "file";
  case 3: return "net";
  case 4: return "IPC";
  case 5: return "memory";
  case 6: return "process";
  case 7: return "sleep";
  case 8: return "system";
  case 9: return "signal";
  case 10: return "user";
  case 11: return "time";
  case 12: return "processing";
  case 32: case 33: case 34:
    if (!f)
      return "unknown";
    switch (f->type) {
    case 1: case 16: case 2: return "file";
    case 3: case 4: case 5: case 6: return "net";
    case 7: case 8: case 9: case 11: case 13: case 18: return "ipc";
    default: return "unknown";
    }
  case VG_EC_WAIT: return "wait";
  case VG_EC_SCHEDULER: return "scheduler";
  case VG_EC_INTERNAL: return "internal";
  default: return "unknown";
  }
}

static const char *evt_name(const vg_evt *e) {
  if (e->type == VG_PPME_GENERIC_X || e->type == VG_PPME_GENERIC_E) {
    uint16_t sc = vg_evt_u16(e, 0);
    if (e->type == VG_PPME_GENERIC_X && sc == 0 && e->nparams > 1 &&
        e->plen[1] != 0) {
      uint16_t nr = vg_evt_u16(e, 1);
      sc = nr < VG_X86_64_NR_MAX && vg_sc_by_x86_64[nr] >= 0
               ? (uint16_t)vg_sc_by_x86_64[nr]
               : 0;
    }
    return sc < VG_SC_MAX ? vg_sc_names[sc] : "unknown";
  }
  return vg_event_table[e->type].name;
}

int vg_field_render(const vg_sys_accessor *a, const vg_field_ref *f,
                    char *buf, size_t len) {
  const vg_evt *e = a->event(a->ctx);
  vg_thread *t = a->thread(a->ctx);
  char tmp[8192];
  buf[0] = 0;
  switch (f->id) {
  case F_EVT_NUM:
    return put_u64(buf, len, a->event_num(a->ctx));
  case F_EVT_TYPE:
    return put(buf, len, evt_name(e));
  case F_EVT_DIR:
    return put(buf, len, (e->type & 1) ? "<" : ">");
  case F_EVT_CPU:
    return put_u64(buf, len, e->cpu);
  case F_EVT_RAWTIME:
    return put_u64(buf, len, e->ts);
  case F_EVT_RAWRES:
    if (!has_retval(e))
      return 0;
    return put_i64(buf, len, retval(e));
  case F_EVT_FAILED:
    return put(buf, len, has_retval(e) && retval(e) < 0 ? "true" : "false");
  case F_EVT_IS_OPEN_READ:
  case F_EVT_IS_OPEN_WRITE: {
    uint32_t fl = 0;
    int open = 0;
    if (e->type == VG_PPME_SYSCALL_OPEN_X) {
      fl = vg_evt_u32(e, 2);
      open = 1;
    } else if (e->type == VG_PPME_SYSCALL_OPENAT_2_X ||
               e->type == VG_PPME_SYSCALL_OPENAT2_X) {
      fl = vg_evt_u32(e, 3);
      open = 1;
    }
    int v = open && (fl & (f->id == F_EVT_IS_OPEN_READ ? 1u : 2u));
    return put(buf, len, v ? "true" : "false");
  }
  case F_EVT_CATEGORY:
    return put(buf, len, category(e, a->fd(a->ctx)));
  case F_THREAD_TID:
    if (!xid_ok(e->tid))
      return 0;
    return put_i64(buf, len, e->tid);
  default:
    break;
  }
  if (f->id >= F_THREAD_TID && f->id <= F_GROUP_NAME) {
    if (!t)
      return 0;
    switch (f->id) {
    case F_PROC_PID:
      return xid_ok(t->pid) ? put_i64(buf, len, t->pid) : 0;
    case F_PROC_NAME:
      return put(buf, len, t->comm);
    case F_PROC_EXE:
      return put(buf, len, t->exe);
    case F_PROC_EXEPATH:
      return put(buf, len, t->exepath);
    case F_PROC_CMDLINE:
      cmdline(t, buf, len);
      return 1;
    case F_PROC_ARGS:
      if (f->argn >= 0)
        return 0;
      join_args(t, buf, len);
      return 1;
    case F_PROC_CWD: {
      vg_thread *m = a->main_thread(a->ctx, t);
      return put(buf, len, m ? m->cwd : "./");
    }
    case F_PROC_SID:
      return put_i64(buf, len, t->sid);
    case F_PROC_VPGID:
      return put_i64(buf, len, t->vpgid);
    case F_PROC_IS_MAIN:
      return put(buf, len,
                 t->tid == t->pid || (t->flags & (1u << 30)) ? "true"
                                                            : "false");
    case F_PROC_PPID:
    case F_PROC_PNAME:
    case F_PROC_PEXE:
    case F_PROC_PEXEPATH:
    case F_PROC_PCMDLINE: {
      vg_thread *p = ancestor(a, t, 1);
      if (!p)
        return 0;
      if (f->id == F_PROC_PPID)
        return xid_ok(p->pid) ? put_i64(buf, len, p->pid) : 0;
      if (f->id == F_PROC_PNAME)
        return put(buf, len, p->comm);
      if (f->id == F_PROC_PEXE)
        return put(buf, len, p->exe);
      if (f->id == F_PROC_PEXEPATH)
        return put(buf, len, p->exepath);
      cmdline(p, buf, len);
      return 1;
    }
    case F_PROC_APID: {
      vg_thread *p = ancestor(a, t, f->argn < 0 ? 0 : f->argn);
      if (!p || !xid_ok(p->pid))
        return 0;
      return put_i64(buf, len, p->pid);
    }
    case F_PROC_ANAME:
    case F_PROC_AEXE:
    case F_PROC_AEXEPATH: {
      if (f->argn >= 0) {
        vg_thread *p = ancestor(a, t, f->argn);
        if (!p)
          return 0;
        return put(buf, len, f->id == F_PROC_ANAME ? p->comm
                             : f->id == F_PROC_AEXE ? p->exe
                                                    : p->exepath);
      }
      vg_thread *m = a->main_thread(a->ctx, t);
      if (!m)
        return 0;
      size_t o = 0;
      vg_thread *p = a->find_thread(a->ctx, m->ptid);
      for (int guard = 0; p && p->tid != -1 && guard < 4096; guard++) {
        const char *v = f->id == F_PROC_ANAME ? p->comm
                        : f->id == F_PROC_AEXE ? p->exe
                                               : p->exepath;
        o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s",
                              o ? " " : "", v);
        if (p->ptid == p->tid)
          break;
        p = a->find_thread(a->ctx, p->ptid);
      }
      return o > 0;
    }
    case F_USER_UID:
      return put_u64(buf, len, t->uid);
    case F_USER_LOGINUID:
      return put_i64(buf, len, (int64_t)(int32_t)t->loginuid);
    case F_USER_NAME:
    case F_USER_HOMEDIR:
    case F_USER_SHELL: {
      const vg_user *u = a->user(a->ctx, t->uid);
      if (!u)
        return f->id == F_USER_NAME ? put(buf, len, "<NA>") : 0;
      return put(buf, len, f->id == F_USER_NAME ? u->name
                           : f->id == F_USER_HOMEDIR ? u->home
                                                     : u->shell);
    }
    case F_GROUP_GID:
      return put_u64(buf, len, t->gid);
    case F_GROUP_NAME: {
      const vg_user *g = a->group(a->ctx, t->gid);
      return put(buf, len, g ? g->name : "<NA>");
    }
    default:
      return 0;
    }
  }
  /* fd fields */
  uint32_t efl = vg_event_table[e->type].flags;
  if (!(efl & (VG_EF_CREATES_FD | VG_EF_USES_FD | VG_EF_DESTROYS_FD)) || !t)
    return 0;
  vg_fdinfo *fd = a->fd(a->ctx);
  if (!fd && t->lastevent_fd != -1)
    fd = a->get_fd(a->ctx, t, t->lastevent_fd);
  switch (f->id) {
  case F_FD_NUM:
    return put_i64(buf, len, t->lastevent_fd);
  case F_FD_NAME:
  case F_FD_NAMERAW:
    if (!fd)
      return fdname_from_event(a, e, t, buf, len);
    return put(buf, len, fd->name);
  case F_FD_TYPE:
    return fd ? put(buf, len, typestr(fd->type)) : 0;
  case F_FD_TYPECHAR:
    buf[0] = fd ? typechar(fd->type) : evt_typechar(e->type);
    buf[1] = 0;
    return 1;
  case F_FD_DIRECTORY: {
    if (!fd) {
      if (!fdname_from_event(a, e, t, tmp, sizeof tmp))
        return 0;
    } else if (fd->type != FDT_FILE && fd->type != FDT_FILE_V2 &&
               fd->type != FDT_DIRECTORY) {
      return 0;
    } else {
      snprintf(tmp, sizeof tmp, "%s", fd->name);
    }
    if (!fd || fd->type == FDT_FILE || fd->type == FDT_FILE_V2) {
      char *slash = strrchr(tmp, '/');
      if (slash && slash != tmp) {
        if (slash[1] != 0)
          *slash = 0;
      } else {
        snprintf(tmp, sizeof tmp, "/");
      }
    }
    return put(buf, len, tmp);
  }
  case F_FD_FILENAME: {
    if (!fd || (fd->type != FDT_FILE && fd->type != FDT_FILE_V2))
      return 0;
    const char *slash = strrchr(fd->name, '/');
    if (!slash)
      return put(buf, len, "/");
    return put(buf, len, slash[1] ? slash + 1 : fd->name);
  }
  case F_FD_L4PROTO: {
    if (!fd)
      return 0;
    switch (l4proto(fd)) {
    case 2: return put(buf, len, "tcp");
    case 3: return put(buf, len, "udp");
    case 4: return put(buf, len, "icmp");
    case 5: return put(buf, len, "raw");
    default: return put(buf, len, "<NA>");
    }
  }
  case F_FD_CIP:
    if (!fd || role_none(fd))
      return 0;
    if (fd->type == FDT_IPV4)
      fmt_ip(buf, len, fd->sock + VG_S4_SIP, 0);
    else if (fd->type == FDT_IPV6)
      fmt_ip(buf, len, fd->sock + VG_S6_SIP, 1);
    else
      return 0;
    return 1;
  case F_FD_SIP:
    if (!fd || role_none(fd))
      return 0;
    if (fd->type == FDT_IPV4)
      fmt_ip(buf, len, fd->sock + VG_S4_DIP, 0);
    else if (fd->type == FDT_IPV6)
      fmt_ip(buf, len, fd->sock + VG_S6_DIP, 1);
    else if (fd->type == FDT_IPV4S)
      fmt_ip(buf, len, fd->sock + VG_SV4_IP, 0);
    else if (fd->type == FDT_IPV6S)
      fmt_ip(buf, len, fd->sock + VG_SV6_IP, 1);
    else
      return 0;
    return 1;
  case F_FD_CPORT:
    if (!fd || role_none(fd))
      return 0;
    if (fd->type == FDT_IPV4)
      return put_u64(buf, len, vg_sock_u16(fd, VG_S4_SPORT));
    if (fd->type == FDT_IPV6)
      return put_u64(buf, len, vg_sock_u16(fd, VG_S6_SPORT));
    return 0;
  case F_FD_SPORT:
    if (!fd)
      return 0;
    if (fd->type == FDT_IPV4)
      return role_none(fd) ? 0 : put_u64(buf, len, vg_sock_u16(fd, VG_S4_DPORT));
    if (fd->type == FDT_IPV6)
      return role_none(fd) ? 0 : put_u64(buf, len, vg_sock_u16(fd, VG_S6_DPORT));
    if (fd->type == FDT_IPV4S)
      return put_u64(buf, len, vg_sock_u16(fd, VG_SV4_PORT));
    if (fd->type == FDT_IPV6S)
      return put_u64(buf, len, vg_sock_u16(fd, VG_SV6_PORT));
    return 0;
  default:
    return 0;
  }
}

/* ------------------------------------------------------------ state */

static const vg_evt *st_event(void *c) { return vg_sys_current(c); }
static uint64_t st_num(void *c) { return vg_sys_event_num(c); }
static vg_thread *st_thread(void *c) { return vg_sys_evt_thread(c); }
static vg_thread *st_find(void *c, int64_t tid) { return vg_sys_find(c, tid); }
static vg_thread *st_main(void *c, vg_thread *t) {
  return vg_sys_main_thread(c, t);
}
static vg_fdinfo *st_fd(void *c) { return vg_sys_evt_fd(c); }
static vg_fdinfo *st_get_fd(void *c, vg_thread *t, int64_t fd) {
  return vg_sys_get_fd(c, t, fd);
}
static const vg_user *st_user(void *c, uint32_t id) {
  return vg_sys_user(c, id);
}
static const vg_user *st_group(void *c, uint32_t id) {
  return vg_sys_group(c, id);
}

void vg_sys_accessor_for_state(vg_sys_accessor *a, vg_sysstate *s) {
  a->ctx = s;
  a->event = st_event;
  a->event_num = st_num;
  a->thread = st_thread;
  a->find_thread = st_find;
  a->main_thread = st_main;
  a->fd = st_fd;
  a->get_fd = st_get_fd;
  a->user = st_user;
  a->group = st_group;
}
