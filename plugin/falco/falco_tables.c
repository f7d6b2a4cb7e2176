/*
 * falco_tables.c - Falco's thread and fd tables behind vg_sys_accessor
 * (see falco_tables.h). Each thread slot owns a fixed string area; strings
 * read from the host are copied there (truncated when too long) because
 * host strings are valid only during the callback and entries must be
 * released at once.
 */
#include "falco/falco_tables.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "vg_tables.h"

enum {
  TSLOTS = 48,          /* threads copied per event (ancestor walks) */
  TAREA = 16 * 1024,    /* string bytes per thread slot */
  FSLOTS = 8,           /* fds copied per event */
  FNAME = 4096,         /* fd name bytes per slot */
  LFD_SLOTS = 16384,    /* threads whose last enter-event fd is kept */
  LFD_PROBE = 8,
  CSLOTS = 4,           /* containers copied per event */
  CAREA = 4096          /* string bytes per container slot */
};

/* The fd of a thread's last enter event, for exit events that do not
 * carry it (drivers before schema 4). */
typedef struct lfd {
  int64_t tid;
  int64_t fd;
  uint16_t type;
  uint8_t used;
} lfd;

/* Thread fields read from the "threads" table, with their ABI types. */
enum {
  T_TID, T_PID, T_PTID, T_SID, T_VPGID, T_PGID, T_VTID, T_VPID, T_FDLIMIT,
  T_COMM, T_EXE, T_EXEPATH, T_CWD, T_ROOT,
  T_EXE_WRITABLE, T_EXE_UPPER, T_EXE_LOWER, T_EXE_MEMFD,
  T_UID, T_GID, T_LOGINUID, T_FLAGS, T_TTY,
  T_EXE_INO, T_EXE_CTIME, T_EXE_MTIME, T_PIDNS_TS,
  T_ARGS, T_ENV, T_FDS,
  T__COUNT
};

static const struct {
  const char *name;
  ss_plugin_state_type type;
} tspec[T__COUNT] = {
    {"tid", SS_PLUGIN_ST_INT64},        {"pid", SS_PLUGIN_ST_INT64},
    {"ptid", SS_PLUGIN_ST_INT64},       {"sid", SS_PLUGIN_ST_INT64},
    {"vpgid", SS_PLUGIN_ST_INT64},      {"pgid", SS_PLUGIN_ST_INT64},
    {"vtid", SS_PLUGIN_ST_INT64},       {"vpid", SS_PLUGIN_ST_INT64},
    {"fd_limit", SS_PLUGIN_ST_INT64},   {"comm", SS_PLUGIN_ST_STRING},
    {"exe", SS_PLUGIN_ST_STRING},       {"exe_path", SS_PLUGIN_ST_STRING},
    {"cwd", SS_PLUGIN_ST_STRING},       {"root", SS_PLUGIN_ST_STRING},
    {"exe_writable", SS_PLUGIN_ST_BOOL},
    {"exe_upper_layer", SS_PLUGIN_ST_BOOL},
    {"exe_lower_layer", SS_PLUGIN_ST_BOOL},
    {"exe_from_memfd", SS_PLUGIN_ST_BOOL},
    {"uid", SS_PLUGIN_ST_UINT32},       {"gid", SS_PLUGIN_ST_UINT32},
    {"loginuid", SS_PLUGIN_ST_UINT32},  {"flags", SS_PLUGIN_ST_UINT32},
    {"tty", SS_PLUGIN_ST_UINT32},       {"exe_ino", SS_PLUGIN_ST_UINT64},
    {"exe_ino_ctime", SS_PLUGIN_ST_UINT64},
    {"exe_ino_mtime", SS_PLUGIN_ST_UINT64},
    {"pidns_init_start_ts", SS_PLUGIN_ST_UINT64},
    {"args", SS_PLUGIN_ST_TABLE},       {"env", SS_PLUGIN_ST_TABLE},
    {"file_descriptors", SS_PLUGIN_ST_TABLE}};

/* Fields of a file_descriptors entry. */
enum {
  D_TYPE, D_OPENFLAGS, D_NAME, D_FLAGS, D_INO,
  D_V4_SIP, D_V4_DIP, D_V4_SPORT, D_V4_DPORT, D_V4_L4,
  D_V6_SIP_LO, D_V6_SIP_HI, D_V6_DIP_LO, D_V6_DIP_HI,
  D_V6_SPORT, D_V6_DPORT, D_V6_L4,
  D_SV4_IP, D_SV4_PORT, D_SV4_L4,
  D_SV6_IP_LO, D_SV6_IP_HI, D_SV6_PORT, D_SV6_L4,
  D__COUNT
};

static const struct {
  const char *name;
  ss_plugin_state_type type;
} dspec[D__COUNT] = {
    {"type", SS_PLUGIN_ST_UINT8},
    {"open_flags", SS_PLUGIN_ST_UINT32},
    {"name", SS_PLUGIN_ST_STRING},
    {"flags", SS_PLUGIN_ST_UINT32},
    {"ino", SS_PLUGIN_ST_UINT64},
    {"socket_ipv4_src_ip", SS_PLUGIN_ST_UINT32},
    {"socket_ipv4_dest_dip", SS_PLUGIN_ST_UINT32},
    {"socket_ipv4_src_port", SS_PLUGIN_ST_UINT16},
    {"socket_ipv4_dst_port", SS_PLUGIN_ST_UINT16},
    {"socket_ipv4_l4_proto", SS_PLUGIN_ST_UINT8},
    {"socket_ipv6_src_ip_low", SS_PLUGIN_ST_UINT64},
    {"socket_ipv6_src_ip_high", SS_PLUGIN_ST_UINT64},
    {"socket_ipv6_dest_ip_low", SS_PLUGIN_ST_UINT64},
    {"socket_ipv6_dest_ip_high", SS_PLUGIN_ST_UINT64},
    {"socket_ipv6_src_port", SS_PLUGIN_ST_UINT16},
    {"socket_ipv6_dst_port", SS_PLUGIN_ST_UINT16},
    {"socket_ipv6_l4_proto", SS_PLUGIN_ST_UINT8},
    {"socket_ipv4_server_ip", SS_PLUGIN_ST_UINT32},
    {"socket_ipv4_server_port", SS_PLUGIN_ST_UINT16},
    {"socket_ipv4_server_l4_proto", SS_PLUGIN_ST_UINT8},
    {"socket_ipv6_server_ip_low", SS_PLUGIN_ST_UINT64},
    {"socket_ipv6_server_ip_high", SS_PLUGIN_ST_UINT64},
    {"socket_ipv6_server_port", SS_PLUGIN_ST_UINT16},
    {"socket_ipv6_server_l4_proto", SS_PLUGIN_ST_UINT8}};

/* Columns of the container plugin's "containers" table (key: container
 * id; the host is the entry ""), plugin-abi.md 7.6. */
enum { C_ID, C_NAME, C_IMAGE, C_IP, C_USER, C_TYPE, C__COUNT };

static const struct {
  const char *name;
  ss_plugin_state_type type;
} cspec[C__COUNT] = {{"id", SS_PLUGIN_ST_STRING},
                     {"name", SS_PLUGIN_ST_STRING},
                     {"image", SS_PLUGIN_ST_STRING},
                     {"ip", SS_PLUGIN_ST_STRING},
                     {"user", SS_PLUGIN_ST_STRING},
                     {"type", SS_PLUGIN_ST_UINT32}};

/* The plugin's host entry (container_info::host_container_info), for a
 * table without one: what vigil run shows for host processes. */
static const vg_container HOST_CTR = {
    "host", "host", "host", "", "", "", "", "", "", "", "",
    0xfffe, 0, 0, 0, 0, NULL, 0, NULL, 0, NULL, 0};

/* libsinsp fd flag bits (fdinfo.h) that vigil's fd state mirrors. */
#define SINSP_FD_ROLE_CLIENT (1u << 2)
#define SINSP_FD_ROLE_SERVER (1u << 3)
#define SINSP_FD_CONNECTED (1u << 13)

/* fd kinds (plugin-abi.md 7.5) whose socket fields are read. */
enum { FDT_IPV4 = 3, FDT_IPV6 = 4, FDT_IPV4S = 5, FDT_IPV6S = 6 };

typedef struct tslot {
  int64_t tid;
  const char *container_id; /* NULL when the table has no such field */
  vg_thread t;
  char *area;
  size_t used;
} tslot;

typedef struct cslot {
  const char *key; /* the container id looked up */
  vg_container c;
  int found; /* 0: the table has no entry for the id */
  char area[CAREA];
} cslot;

typedef struct fslot {
  int64_t pid, fd;
  vg_fdinfo f;
  char *name;
} fslot;

struct vg_ftables {
  ss_plugin_table_t *threads;
  ss_plugin_table_field_t *th[T__COUNT];
  ss_plugin_table_field_t *argval, *envval, *container_id;
  ss_plugin_table_field_t *fdf[D__COUNT];
  ss_plugin_table_t *containers;
  ss_plugin_table_field_t *cf[C__COUNT];
  /* per event */
  const ss_plugin_table_reader_vtable_ext *rd;
  const vg_evt *e;
  uint64_t evtnum;
  int64_t evt_fd; /* fd of the event from its parameters, or -1 */
  tslot ts[TSLOTS];
  size_t nts;
  fslot fs[FSLOTS];
  size_t nfs;
  cslot *cs; /* CSLOTS */
  size_t ncs;
  const vg_fusers *users, *groups;
  lfd *lfd;
  vg_sys_accessor acc;
};

/* ---- event parsing -------------------------------------------------------- */

static uint64_t rd_le(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

int vg_falco_parse_event(const uint8_t *ev, size_t avail, vg_evt *out) {
  if (!ev || avail < VG_FALCO_EVT_HDR)
    return 0;
  uint64_t len = rd_le(ev + 16, 4);
  if (len < VG_FALCO_EVT_HDR || len > avail)
    return 0;
  memset(out, 0, sizeof *out);
  out->ts = rd_le(ev, 8);
  out->tid = (int64_t)rd_le(ev + 8, 8);
  out->type = (uint16_t)rd_le(ev + 20, 2);
  uint64_t np = rd_le(ev + 22, 4);
  int w = 2;
  if (out->type < VG_EVENT_MAX &&
      (vg_event_table[out->type].flags & VG_EF_LARGE_PAYLOAD))
    w = 4;
  if (np > VG_EVT_MAX_PARAMS || np * (uint64_t)w > len - VG_FALCO_EVT_HDR)
    return 0;
  uint64_t off = VG_FALCO_EVT_HDR + np * (uint64_t)w;
  for (uint64_t i = 0; i < np; i++) {
    uint64_t pl = rd_le(ev + VG_FALCO_EVT_HDR + i * (uint64_t)w, w);
    if (pl > len - off)
      return 0;
    out->p[i] = ev + off;
    out->plen[i] = (uint32_t)pl;
    off += pl;
  }
  out->nparams = (uint32_t)np;
  return 1;
}

/* The fd an event works on, from its own parameters (libsinsp keeps it
 * as the thread's "last event fd"): the result of fd-creating exit
 * events, otherwise the first fd-typed parameter (after the result for
 * exit events; schema 4 drivers append the fd to exit events). */
static int64_t event_fd(const vg_evt *e) {
  if (e->type >= VG_EVENT_MAX)
    return -1;
  const vg_event_info *ei = &vg_event_table[e->type];
  if (!(ei->flags & (VG_EF_CREATES_FD | VG_EF_USES_FD | VG_EF_DESTROYS_FD)))
    return -1;
  int is_exit = e->type & 1;
  if (is_exit && (ei->flags & VG_EF_CREATES_FD) && e->nparams > 0 &&
      e->plen[0] > 0)
    return vg_evt_int(e, 0, 1);
  uint32_t n = e->nparams < ei->nparams ? e->nparams : ei->nparams;
  for (uint32_t i = is_exit ? 1 : 0; i < n; i++)
    if (ei->params[i].type == VG_PT_FD && e->plen[i] > 0)
      return vg_evt_int(e, i, 1);
  return -1;
}

/* ---- binding -------------------------------------------------------------- */

vg_ftables *vg_ftables_new(void) {
  vg_ftables *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  for (size_t i = 0; i < TSLOTS; i++) {
    t->ts[i].area = malloc(TAREA);
    if (!t->ts[i].area) {
      vg_ftables_free(t);
      return NULL;
    }
  }
  for (size_t i = 0; i < FSLOTS; i++) {
    t->fs[i].name = malloc(FNAME);
    if (!t->fs[i].name) {
      vg_ftables_free(t);
      return NULL;
    }
  }
  t->lfd = calloc(LFD_SLOTS, sizeof *t->lfd);
  t->cs = calloc(CSLOTS, sizeof *t->cs);
  if (!t->lfd || !t->cs) {
    vg_ftables_free(t);
    return NULL;
  }
  t->evt_fd = -1;
  return t;
}

void vg_ftables_free(vg_ftables *t) {
  if (!t)
    return;
  for (size_t i = 0; i < TSLOTS; i++)
    free(t->ts[i].area);
  for (size_t i = 0; i < FSLOTS; i++)
    free(t->fs[i].name);
  free(t->lfd);
  free(t->cs);
  free(t);
}

int vg_ftables_has_threads(const vg_ftables *t) {
  return t && t->threads != NULL;
}

/* Handles of fields inside a subtable: read the subtable of a throw-away
 * thread entry (plugin-abi.md 7.3 step 3). */
static ss_plugin_table_t *probe_subtable(const ss_plugin_init_tables_input *in,
                                         ss_plugin_table_t *threads,
                                         ss_plugin_table_entry_t *tmp,
                                         ss_plugin_table_field_t *f) {
  if (!f || !tmp || !in->reader_ext || !in->reader_ext->read_entry_field)
    return NULL;
  ss_plugin_state_data d;
  memset(&d, 0, sizeof d);
  if (in->reader_ext->read_entry_field(threads, tmp, f, &d) !=
      SS_PLUGIN_SUCCESS)
    return NULL;
  return d.table;
}

void vg_ftables_bind(vg_ftables *t, const ss_plugin_init_tables_input *in,
                     ss_plugin_owner_t *owner, const char **note) {
  *note = NULL;
  if (!in || !in->get_table) {
    *note = "the host gives no state tables: thread and fd fields have "
            "no value";
    return;
  }
  const ss_plugin_table_fields_vtable_ext *fv = in->fields_ext;
  if (!fv || !fv->get_table_field) {
    *note = "the host gives no table fields API: thread and fd fields "
            "have no value";
    return;
  }
  /* registered by the container plugin's init: found only when that
   * plugin was initialised before this one (plugin-abi.md 7.6, 8.2); the
   * API gives no way to look it up later */
  t->containers = in->get_table(owner, "containers", SS_PLUGIN_ST_STRING);
  if (t->containers)
    for (int i = 0; i < C__COUNT; i++)
      t->cf[i] = fv->get_table_field(t->containers, cspec[i].name,
                                     cspec[i].type);
  ss_plugin_table_t *th = in->get_table(owner, "threads", SS_PLUGIN_ST_INT64);
  if (!th) {
    *note = "the host has no 'threads' table: thread and fd fields have "
            "no value";
    return;
  }
  t->threads = th;
  for (int i = 0; i < T__COUNT; i++)
    t->th[i] = fv->get_table_field(th, tspec[i].name, tspec[i].type);
  /* static up to Falco 0.40, then a dynamic field of the container
   * plugin: adding it ourselves gives the accessor the container plugin
   * gets when it is initialised after us (plugin-abi.md 7.6) */
  t->container_id =
      fv->get_table_field(th, "container_id", SS_PLUGIN_ST_STRING);
  if (!t->container_id && fv->add_table_field)
    t->container_id =
        fv->add_table_field(th, "container_id", SS_PLUGIN_ST_STRING);
  ss_plugin_table_entry_t *tmp = NULL;
  if (in->writer_ext && in->writer_ext->create_table_entry &&
      in->writer_ext->destroy_table_entry)
    tmp = in->writer_ext->create_table_entry(th);
  if (tmp) {
    ss_plugin_table_t *sub = probe_subtable(in, th, tmp, t->th[T_ARGS]);
    if (sub)
      t->argval = fv->get_table_field(sub, "value", SS_PLUGIN_ST_STRING);
    sub = probe_subtable(in, th, tmp, t->th[T_ENV]);
    if (sub)
      t->envval = fv->get_table_field(sub, "value", SS_PLUGIN_ST_STRING);
    sub = probe_subtable(in, th, tmp, t->th[T_FDS]);
    if (sub)
      for (int i = 0; i < D__COUNT; i++)
        t->fdf[i] = fv->get_table_field(sub, dspec[i].name, dspec[i].type);
    in->writer_ext->destroy_table_entry(th, tmp);
  }
  if (!t->fdf[D_NAME])
    *note = "the host's thread table has no usable 'file_descriptors' "
            "subtable: fd fields come from event parameters only";
}

/* ---- per-event copies ----------------------------------------------------- */

static int rd_ok(const vg_ftables *t) {
  return t->rd && t->rd->get_table_entry && t->rd->read_entry_field &&
         t->threads;
}

static void release(const vg_ftables *t, ss_plugin_table_t *tab,
                    ss_plugin_table_entry_t *e) {
  if (e && t->rd->release_table_entry)
    t->rd->release_table_entry(tab, e);
}

static int read_field(const vg_ftables *t, ss_plugin_table_t *tab,
                      ss_plugin_table_entry_t *e, ss_plugin_table_field_t *f,
                      ss_plugin_state_data *out) {
  memset(out, 0, sizeof *out);
  if (!f)
    return 0;
  return t->rd->read_entry_field(tab, e, f, out) == SS_PLUGIN_SUCCESS;
}

/* Copies s into the slot's area (NUL-terminated, truncated) and returns
 * the copy; "" when the area is full. */
static char *slot_str(tslot *s, const char *v) {
  static char empty[1];
  if (!v)
    v = "";
  size_t l = strlen(v);
  if (s->used >= TAREA)
    return empty;
  size_t room = TAREA - s->used - 1;
  if (l > room)
    l = room;
  char *d = s->area + s->used;
  memcpy(d, v, l);
  d[l] = 0;
  s->used += l + 1;
  return d;
}

/* Joins the "value" strings of an args/env subtable (keys 0..n-1) with
 * NUL separators into the slot's area. */
static void slot_list(const vg_ftables *t, tslot *s, ss_plugin_table_t *sub,
                      ss_plugin_table_field_t *vf, char **out,
                      uint32_t *outlen, uint32_t *count) {
  static char empty[1];
  *out = empty;
  *outlen = 0;
  if (count)
    *count = 0;
  if (!sub || !vf || !t->rd->get_table_size)
    return;
  uint64_t n = t->rd->get_table_size(sub);
  if (n == (uint64_t)-1 || s->used >= TAREA)
    return;
  char *start = s->area + s->used;
  size_t len = 0, room = TAREA - s->used;
  uint32_t cnt = 0;
  for (uint64_t i = 0; i < n && i < 4096; i++) {
    ss_plugin_state_data k;
    memset(&k, 0, sizeof k);
    k.u64 = i;
    ss_plugin_table_entry_t *e = t->rd->get_table_entry(sub, &k);
    if (!e)
      continue;
    ss_plugin_state_data v;
    const char *str = read_field(t, sub, e, vf, &v) && v.str ? v.str : "";
    size_t l = strlen(str), need = l + (cnt ? 1 : 0);
    if (len + need + 1 > room) {
      release(t, sub, e);
      break;
    }
    if (cnt)
      start[len++] = 0;
    memcpy(start + len, str, l);
    len += l;
    cnt++;
    release(t, sub, e);
  }
  start[len] = 0;
  s->used += len + 1;
  *out = start;
  *outlen = (uint32_t)len;
  if (count)
    *count = cnt;
}

static vg_thread *load_thread(vg_ftables *t, int64_t tid) {
  for (size_t i = 0; i < t->nts; i++)
    if (t->ts[i].tid == tid)
      return &t->ts[i].t;
  if (!rd_ok(t) || t->nts >= TSLOTS || tid == -1)
    return NULL;
  ss_plugin_state_data k;
  memset(&k, 0, sizeof k);
  k.s64 = tid;
  ss_plugin_table_entry_t *e = t->rd->get_table_entry(t->threads, &k);
  if (!e)
    return NULL;
  tslot *s = &t->ts[t->nts++];
  s->tid = tid;
  s->used = 0;
  vg_thread *th = &s->t;
  memset(th, 0, sizeof *th);
  ss_plugin_state_data d;
  int64_t *i64[] = {&th->tid, &th->pid, &th->ptid, &th->sid, &th->vpgid,
                    &th->pgid, &th->vtid, &th->vpid, &th->fdlimit};
  for (int i = T_TID; i <= T_FDLIMIT; i++)
    *i64[i - T_TID] = read_field(t, t->threads, e, t->th[i], &d) ? d.s64 : 0;
  if (!t->th[T_TID])
    th->tid = tid;
  if (!t->th[T_PID])
    th->pid = tid;
  char **str[] = {&th->comm, &th->exe, &th->exepath, &th->cwd, &th->root};
  for (int i = T_COMM; i <= T_ROOT; i++)
    *str[i - T_COMM] =
        slot_str(s, read_field(t, t->threads, e, t->th[i], &d) ? d.str : "");
  uint8_t *b8[] = {&th->exe_writable, &th->exe_upper_layer,
                   &th->exe_lower_layer, &th->exe_from_memfd};
  for (int i = T_EXE_WRITABLE; i <= T_EXE_MEMFD; i++)
    *b8[i - T_EXE_WRITABLE] =
        read_field(t, t->threads, e, t->th[i], &d) && d.b ? 1 : 0;
  uint32_t *u32[] = {&th->uid, &th->gid, &th->loginuid, &th->flags,
                     &th->tty};
  for (int i = T_UID; i <= T_TTY; i++)
    *u32[i - T_UID] = read_field(t, t->threads, e, t->th[i], &d) ? d.u32 : 0;
  /* no uid in the table (Falco < 0.40): unknown rather than root */
  if (!t->th[T_UID])
    th->uid = 0xFFFFFFFFu;
  if (!t->th[T_GID])
    th->gid = 0xFFFFFFFFu;
  if (!t->th[T_LOGINUID])
    th->loginuid = 0xFFFFFFFFu;
  uint64_t *u64[] = {&th->exe_ino, &th->exe_ino_ctime, &th->exe_ino_mtime,
                     &th->pidns_init_start_ts};
  for (int i = T_EXE_INO; i <= T_PIDNS_TS; i++)
    *u64[i - T_EXE_INO] =
        read_field(t, t->threads, e, t->th[i], &d) ? d.u64 : 0;
  ss_plugin_table_t *sub =
      read_field(t, t->threads, e, t->th[T_ARGS], &d) ? d.table : NULL;
  slot_list(t, s, sub, t->argval, &th->args, &th->args_len, &th->nargs);
  sub = read_field(t, t->threads, e, t->th[T_ENV], &d) ? d.table : NULL;
  slot_list(t, s, sub, t->envval, &th->env, &th->env_len, NULL);
  s->container_id = NULL;
  if (t->container_id) {
    char *cid = slot_str(
        s, read_field(t, t->threads, e, t->container_id, &d) ? d.str : "");
    s->container_id = cid;
    th->container_id = cid; /* the container fields' key */
  }
  release(t, t->threads, e);
  th->lastevent_fd = -1;
  if (t->e && tid == t->e->tid) {
    th->lastevent_fd = t->evt_fd;
    th->lastevent_type = t->e->type;
    th->lastevent_valid = 1;
  }
  return th;
}

static void fd_sock(vg_fdinfo *f, const ss_plugin_state_data *v) {
  uint8_t *s = f->sock;
  uint64_t lo, hi;
  switch (f->type) {
  case FDT_IPV4:
    memcpy(s + VG_S4_SIP, &v[D_V4_SIP].u32, 4);
    memcpy(s + VG_S4_DIP, &v[D_V4_DIP].u32, 4);
    s[VG_S4_SPORT] = (uint8_t)v[D_V4_SPORT].u16;
    s[VG_S4_SPORT + 1] = (uint8_t)(v[D_V4_SPORT].u16 >> 8);
    s[VG_S4_DPORT] = (uint8_t)v[D_V4_DPORT].u16;
    s[VG_S4_DPORT + 1] = (uint8_t)(v[D_V4_DPORT].u16 >> 8);
    s[VG_S4_L4] = v[D_V4_L4].u8;
    break;
  case FDT_IPV6:
    lo = v[D_V6_SIP_LO].u64;
    hi = v[D_V6_SIP_HI].u64;
    memcpy(s + VG_S6_SIP, &lo, 8);
    memcpy(s + VG_S6_SIP + 8, &hi, 8);
    lo = v[D_V6_DIP_LO].u64;
    hi = v[D_V6_DIP_HI].u64;
    memcpy(s + VG_S6_DIP, &lo, 8);
    memcpy(s + VG_S6_DIP + 8, &hi, 8);
    s[VG_S6_SPORT] = (uint8_t)v[D_V6_SPORT].u16;
    s[VG_S6_SPORT + 1] = (uint8_t)(v[D_V6_SPORT].u16 >> 8);
    s[VG_S6_DPORT] = (uint8_t)v[D_V6_DPORT].u16;
    s[VG_S6_DPORT + 1] = (uint8_t)(v[D_V6_DPORT].u16 >> 8);
    s[VG_S6_L4] = v[D_V6_L4].u8;
    break;
  case FDT_IPV4S:
    memcpy(s + VG_SV4_IP, &v[D_SV4_IP].u32, 4);
    s[VG_SV4_PORT] = (uint8_t)v[D_SV4_PORT].u16;
    s[VG_SV4_PORT + 1] = (uint8_t)(v[D_SV4_PORT].u16 >> 8);
    s[VG_SV4_L4] = v[D_SV4_L4].u8;
    break;
  case FDT_IPV6S:
    lo = v[D_SV6_IP_LO].u64;
    hi = v[D_SV6_IP_HI].u64;
    memcpy(s + VG_SV6_IP, &lo, 8);
    memcpy(s + VG_SV6_IP + 8, &hi, 8);
    s[VG_SV6_PORT] = (uint8_t)v[D_SV6_PORT].u16;
    s[VG_SV6_PORT + 1] = (uint8_t)(v[D_SV6_PORT].u16 >> 8);
    s[VG_SV6_L4] = v[D_SV6_L4].u8;
    break;
  default:
    break;
  }
}

/* The fd of process pid (read from its main-thread entry, correct on all
 * Falco versions: plugin-abi.md 7.4). */
static vg_fdinfo *load_fd(vg_ftables *t, int64_t pid, int64_t fd) {
  for (size_t i = 0; i < t->nfs; i++)
    if (t->fs[i].pid == pid && t->fs[i].fd == fd)
      return &t->fs[i].f;
  if (!rd_ok(t) || t->nfs >= FSLOTS || !t->th[T_FDS] || fd < 0)
    return NULL;
  ss_plugin_state_data k, d;
  memset(&k, 0, sizeof k);
  k.s64 = pid;
  ss_plugin_table_entry_t *te = t->rd->get_table_entry(t->threads, &k);
  if (!te)
    return NULL;
  ss_plugin_table_t *sub =
      read_field(t, t->threads, te, t->th[T_FDS], &d) ? d.table : NULL;
  ss_plugin_table_entry_t *fe = NULL;
  if (sub) {
    k.s64 = fd;
    fe = t->rd->get_table_entry(sub, &k);
  }
  if (!fe) {
    release(t, t->threads, te);
    return NULL;
  }
  ss_plugin_state_data v[D__COUNT];
  for (int i = 0; i < D__COUNT; i++)
    read_field(t, sub, fe, t->fdf[i], &v[i]);
  fslot *s = &t->fs[t->nfs++];
  s->pid = pid;
  s->fd = fd;
  vg_fdinfo *f = &s->f;
  memset(f, 0, sizeof *f);
  f->fd = fd;
  f->type = v[D_TYPE].u8;
  f->openflags = v[D_OPENFLAGS].u32;
  uint32_t fl = v[D_FLAGS].u32;
  f->flags = (fl & SINSP_FD_ROLE_CLIENT ? VG_FD_ROLE_CLIENT : 0) |
             (fl & SINSP_FD_ROLE_SERVER ? VG_FD_ROLE_SERVER : 0) |
             (fl & SINSP_FD_CONNECTED ? VG_FD_CONNECTED : 0);
  fd_sock(f, v);
  const char *nm = v[D_NAME].str ? v[D_NAME].str : "";
  size_t l = strlen(nm);
  if (l >= FNAME)
    l = FNAME - 1;
  memcpy(s->name, nm, l);
  s->name[l] = 0;
  f->name = s->name;
  release(t, sub, fe);
  release(t, t->threads, te);
  return f;
}

/* ---- containers ----------------------------------------------------------- */

int vg_ftables_has_container_column(const vg_ftables *t, const char *column) {
  if (!t || !t->containers)
    return 0;
  if (!column)
    return 1;
  for (int i = 0; i < C__COUNT; i++)
    if (!strcmp(cspec[i].name, column))
      return t->cf[i] != NULL;
  return 0;
}

/* Copies n bytes of v into the slot's area at *used (NUL-terminated,
 * truncated when the area is full). */
static char *carea_put(cslot *s, size_t *used, const char *v, size_t n) {
  static char empty[1];
  if (*used >= CAREA)
    return empty;
  size_t room = CAREA - *used - 1;
  if (n > room)
    n = room;
  char *d = s->area + *used;
  memcpy(d, v, n);
  d[n] = 0;
  *used += n + 1;
  return d;
}

void vg_falco_split_image(const char *image, size_t *repo_len,
                          const char **tag, size_t *tag_len,
                          const char **digest) {
  /* the container plugin's parseImageRepoTag: the digest ("@...") goes
   * first, then the tag is what follows the last ':' when that colon
   * comes after the last '/' (a colon before it is a registry port) */
  const char *at = strchr(image, '@');
  size_t n = at ? (size_t)(at - image) : strlen(image);
  *digest = at ? at + 1 : "";
  size_t slash = n, colon = n;
  for (size_t i = 0; i < n; i++) {
    if (image[i] == '/')
      slash = i;
    else if (image[i] == ':')
      colon = i;
  }
  if (colon == n || (slash != n && colon < slash)) {
    *repo_len = n;
    *tag = "";
    *tag_len = 0;
    return;
  }
  *repo_len = colon;
  *tag = image + colon + 1;
  *tag_len = n - colon - 1;
}

/* The container id's entry, copied into a slot for the current event
 * (the same id gives the same pointer within one event); NULL when the
 * table has no such entry, has not been found, or the slots are used up. */
static const vg_container *load_container(vg_ftables *t, const char *id) {
  static char empty[1];
  if (!id)
    return NULL;
  for (size_t i = 0; i < t->ncs; i++)
    if (!strcmp(t->cs[i].key, id))
      return t->cs[i].found ? &t->cs[i].c : NULL;
  if (!t->containers || !t->rd || !t->rd->get_table_entry ||
      !t->rd->read_entry_field || t->ncs >= CSLOTS)
    return NULL;
  ss_plugin_state_data k;
  memset(&k, 0, sizeof k);
  k.str = id;
  ss_plugin_table_entry_t *e = t->rd->get_table_entry(t->containers, &k);
  cslot *s = &t->cs[t->ncs++];
  vg_container *c = &s->c;
  size_t used = 0;
  s->key = carea_put(s, &used, id, strlen(id));
  s->found = 1;
  if (!e) {
    /* the plugin always has a host entry; a table without one still
     * names host processes as vigil run does */
    if (*id)
      s->found = 0;
    *c = HOST_CTR;
    return s->found ? c : NULL;
  }
  memset(c, 0, sizeof *c);
  ss_plugin_state_data d;
  const char *v[C__COUNT];
  for (int i = 0; i < C__COUNT; i++) {
    v[i] = "";
    if (i != C_TYPE && read_field(t, t->containers, e, t->cf[i], &d) && d.str)
      v[i] = d.str;
  }
  c->type = read_field(t, t->containers, e, t->cf[C_TYPE], &d)
                ? (int)d.u32
                : 0xffff;
  c->id = carea_put(s, &used, v[C_ID], strlen(v[C_ID]));
  c->name = carea_put(s, &used, v[C_NAME], strlen(v[C_NAME]));
  c->image = carea_put(s, &used, v[C_IMAGE], strlen(v[C_IMAGE]));
  c->ip = carea_put(s, &used, v[C_IP], strlen(v[C_IP]));
  size_t rl, tl;
  const char *tag, *dig;
  vg_falco_split_image(c->image, &rl, &tag, &tl, &dig);
  c->imagerepo = carea_put(s, &used, c->image, rl);
  c->imagetag = carea_put(s, &used, tag, tl);
  c->imagedigest = carea_put(s, &used, dig, strlen(dig));
  /* not in the table: never read (the plugin's binder makes such fields
   * unavailable), but never NULL either */
  c->full_id = c->imageid = c->cni_json = c->pod_sandbox_id = empty;
  release(t, t->containers, e);
  return c;
}

static const vg_container *a_container(void *ctx, const char *id) {
  return load_container(ctx, id);
}

/* ---- the accessor --------------------------------------------------------- */

static const vg_evt *a_event(void *ctx) {
  return ((vg_ftables *)ctx)->e;
}

static uint64_t a_event_num(void *ctx) {
  return ((vg_ftables *)ctx)->evtnum;
}

static vg_thread *a_find_thread(void *ctx, int64_t tid) {
  return load_thread(ctx, tid);
}

static vg_thread *a_thread(void *ctx) {
  vg_ftables *t = ctx;
  if (!t->e || t->e->tid == -1)
    return NULL;
  return load_thread(t, t->e->tid);
}

static vg_thread *a_main_thread(void *ctx, vg_thread *th) {
  if (!th)
    return NULL;
  if (th->pid == th->tid)
    return th;
  return load_thread(ctx, th->pid);
}

static vg_fdinfo *a_get_fd(void *ctx, vg_thread *th, int64_t fd) {
  if (!th)
    return NULL;
  return load_fd(ctx, th->pid, fd);
}

static vg_fdinfo *a_fd(void *ctx) {
  vg_ftables *t = ctx;
  if (t->evt_fd < 0)
    return NULL;
  vg_thread *th = a_thread(ctx);
  return th ? load_fd(t, th->pid, t->evt_fd) : NULL;
}

static const vg_user *a_user(void *ctx, uint32_t id) {
  return vg_fusers_find(((vg_ftables *)ctx)->users, id);
}

static const vg_user *a_group(void *ctx, uint32_t id) {
  return vg_fusers_find(((vg_ftables *)ctx)->groups, id);
}

void vg_ftables_set_users(vg_ftables *t, const vg_fusers *users,
                          const vg_fusers *groups) {
  t->users = users;
  t->groups = groups;
}

static size_t lfd_home(int64_t tid) {
  uint64_t h = (uint64_t)tid * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 50) & (LFD_SLOTS - 1);
}

void vg_ftables_parse(vg_ftables *t, const vg_evt *e) {
  if (e->type >= VG_EVENT_MAX || (e->type & 1) || e->tid == -1)
    return;
  uint32_t fl = vg_event_table[e->type].flags;
  if (!(fl & (VG_EF_USES_FD | VG_EF_DESTROYS_FD)))
    return;
  int64_t fd = event_fd(e);
  size_t h = lfd_home(e->tid), at = h;
  for (size_t k = 0; k < LFD_PROBE; k++) {
    size_t i = (h + k) & (LFD_SLOTS - 1);
    if (!t->lfd[i].used || t->lfd[i].tid == e->tid) {
      at = i;
      break;
    }
  }
  /* a full neighbourhood evicts the home slot: a lost fd only costs a
   * value, never correctness of other threads */
  t->lfd[at].used = 1;
  t->lfd[at].tid = e->tid;
  t->lfd[at].fd = fd;
  t->lfd[at].type = e->type;
}

/* The fd recorded by the enter event of exit event e, or -1. */
static int64_t lfd_find(const vg_ftables *t, const vg_evt *e) {
  size_t h = lfd_home(e->tid);
  for (size_t k = 0; k < LFD_PROBE; k++) {
    const lfd *l = &t->lfd[(h + k) & (LFD_SLOTS - 1)];
    if (!l->used)
      return -1;
    if (l->tid == e->tid)
      return l->type + 1 == e->type ? l->fd : -1;
  }
  return -1;
}

void vg_ftables_begin(vg_ftables *t,
                      const ss_plugin_table_reader_vtable_ext *rd,
                      const vg_evt *e, uint64_t evtnum) {
  t->rd = rd;
  t->e = e;
  t->evtnum = evtnum;
  t->nts = 0;
  t->nfs = 0;
  t->ncs = 0;
  t->evt_fd = e ? event_fd(e) : -1;
  if (e && t->evt_fd < 0 && (e->type & 1) && e->type < VG_EVENT_MAX &&
      (vg_event_table[e->type].flags & (VG_EF_USES_FD | VG_EF_DESTROYS_FD)))
    t->evt_fd = lfd_find(t, e);
}

const char *vg_ftables_container_id(vg_ftables *t) {
  vg_thread *th = a_thread(t);
  if (!th)
    return NULL;
  tslot *s = (tslot *)(void *)((char *)th - offsetof(tslot, t));
  return s->container_id;
}

const vg_sys_accessor *vg_ftables_accessor(vg_ftables *t) {
  vg_sys_accessor *a = &t->acc;
  memset(a, 0, sizeof *a);
  a->ctx = t;
  a->event = a_event;
  a->event_num = a_event_num;
  a->thread = a_thread;
  a->find_thread = a_find_thread;
  a->main_thread = a_main_thread;
  a->fd = a_fd;
  a->get_fd = a_get_fd;
  a->user = a_user;
  a->group = a_group;
  /* always set, so container.start_ts/duration (thread data) work without
   * the containers table; other fields then find no entry */
  a->container = a_container;
  return a;
}
