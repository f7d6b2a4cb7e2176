/*
 * test_falco_plugin.c - a small Falco-like host for build/libvigil.so: it
 * dlopen()s the module, resolves the plugin_* symbols, checks the static
 * info the way the host's loader does (plugin-abi.md 2.4 and 9), inits the
 * plugin with a fake "threads" table (with args/env/file_descriptors
 * subtables) and feeds it synthetic syscall and plugin events, with the
 * result members poisoned as the checklist asks. Packs are compiled from
 * small rule files with the vigil binary. Owner: falco.
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "falco/falco_abi.h"

#ifndef VIGIL_PLUGIN_PATH
#define VIGIL_PLUGIN_PATH "libvigil.so"
#endif

/* ---- the module ----------------------------------------------------------- */

typedef struct api {
  void *h;
  const char *(*req_api)(void);
  const char *(*version)(void);
  const char *(*name)(void);
  const char *(*desc)(void);
  const char *(*contact)(void);
  const char *(*schema)(ss_plugin_schema_type *);
  ss_plugin_t *(*init)(const ss_plugin_init_input *, ss_plugin_rc *);
  void (*destroy)(ss_plugin_t *);
  const char *(*last_error)(ss_plugin_t *);
  const char *(*fields)(void);
  const char *(*sources)(void);
  uint16_t *(*types)(uint32_t *, ss_plugin_t *);
  ss_plugin_rc (*extract)(ss_plugin_t *, const ss_plugin_event_input *,
                          const ss_plugin_field_extract_input *);
  const char *(*schema_version)(ss_plugin_t *);
  uint16_t *(*ptypes)(uint32_t *, ss_plugin_t *);
  const char *(*psources)(void);
  ss_plugin_rc (*parse)(ss_plugin_t *, const ss_plugin_event_input *,
                        const ss_plugin_event_parse_input *);
  ss_plugin_metric *(*metrics)(ss_plugin_t *, uint32_t *);
} api;

static api A;

static void *sym(const char *n) {
  void *p = dlsym(A.h, n);
  return p;
}

static void load_module(void) {
  A.h = dlopen(VIGIL_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  cr_assert(A.h, "dlopen: %s", dlerror());
  *(void **)&A.req_api = sym("plugin_get_required_api_version");
  *(void **)&A.version = sym("plugin_get_version");
  *(void **)&A.name = sym("plugin_get_name");
  *(void **)&A.desc = sym("plugin_get_description");
  *(void **)&A.contact = sym("plugin_get_contact");
  *(void **)&A.schema = sym("plugin_get_init_schema");
  *(void **)&A.init = sym("plugin_init");
  *(void **)&A.destroy = sym("plugin_destroy");
  *(void **)&A.last_error = sym("plugin_get_last_error");
  *(void **)&A.fields = sym("plugin_get_fields");
  *(void **)&A.sources = sym("plugin_get_extract_event_sources");
  *(void **)&A.types = sym("plugin_get_extract_event_types");
  *(void **)&A.extract = sym("plugin_extract_fields");
  *(void **)&A.schema_version = sym("plugin_get_required_event_schema_version");
  *(void **)&A.ptypes = sym("plugin_get_parse_event_types");
  *(void **)&A.psources = sym("plugin_get_parse_event_sources");
  *(void **)&A.parse = sym("plugin_parse_event");
  *(void **)&A.metrics = sym("plugin_get_metrics");
}

static void unload_module(void) {
  if (A.h)
    dlclose(A.h);
  memset(&A, 0, sizeof A);
}

/* ---- fake state tables ---------------------------------------------------- */

typedef struct ffd {
  int64_t fd;
  uint8_t type;
  const char *name;
} ffd;

typedef struct fthread {
  int64_t tid, pid, ptid;
  const char *comm, *exe, *exe_path, *cwd;
  uint32_t uid;
  const char *container_id;
  const char *args[4];
  uint32_t nargs;
  ffd fds[4];
  uint32_t nfds;
} fthread;

enum { TK_THREADS = 1, TK_ARGS, TK_ENV, TK_FDS, TK_CONTAINERS };

typedef struct ftable {
  int kind;
  fthread *owner; /* subtables */
} ftable;

typedef struct ffield {
  int table;
  const char *name;
  ss_plugin_state_type type;
} ffield;

static const ffield thread_fields[] = {
    {TK_THREADS, "tid", SS_PLUGIN_ST_INT64},
    {TK_THREADS, "pid", SS_PLUGIN_ST_INT64},
    {TK_THREADS, "ptid", SS_PLUGIN_ST_INT64},
    {TK_THREADS, "comm", SS_PLUGIN_ST_STRING},
    {TK_THREADS, "exe", SS_PLUGIN_ST_STRING},
    {TK_THREADS, "exe_path", SS_PLUGIN_ST_STRING},
    {TK_THREADS, "cwd", SS_PLUGIN_ST_STRING},
    {TK_THREADS, "uid", SS_PLUGIN_ST_UINT32},
    {TK_THREADS, "args", SS_PLUGIN_ST_TABLE},
    {TK_THREADS, "env", SS_PLUGIN_ST_TABLE},
    {TK_THREADS, "file_descriptors", SS_PLUGIN_ST_TABLE},
    {TK_ARGS, "value", SS_PLUGIN_ST_STRING},
    {TK_ENV, "value", SS_PLUGIN_ST_STRING},
    {TK_FDS, "name", SS_PLUGIN_ST_STRING},
    {TK_FDS, "type", SS_PLUGIN_ST_UINT8},
    {TK_FDS, "fd", SS_PLUGIN_ST_INT64}};
/* the container plugin's "containers" table (plugin-abi.md 7.6): key
 * STRING (container id, "" = the host entry), read-only columns */
static const ffield container_cols[] = {
    {TK_CONTAINERS, "id", SS_PLUGIN_ST_STRING},
    {TK_CONTAINERS, "name", SS_PLUGIN_ST_STRING},
    {TK_CONTAINERS, "image", SS_PLUGIN_ST_STRING},
    {TK_CONTAINERS, "ip", SS_PLUGIN_ST_STRING},
    {TK_CONTAINERS, "user", SS_PLUGIN_ST_STRING},
    {TK_CONTAINERS, "type", SS_PLUGIN_ST_UINT32}};
#define NCC (sizeof container_cols / sizeof container_cols[0])

typedef struct fcontainer {
  const char *key, *id, *name, *image, *ip, *user;
  uint32_t type;
} fcontainer;

static const fcontainer containers[] = {
    /* the plugin's host entry (container_info::host_container_info) */
    {"", "host", "host", "", "", "", 0xfffe},
    {"abc123def456", "abc123def456", "web",
     "registry.example.com:5000/team/nginx:1.25@sha256:abcd", "10.0.0.7",
     "root", 0},
    {"0000000000c2", "0000000000c2", "db", "registry.example.com:5000/foo/bar",
     "10.0.0.8", "", 7},
    {"0000000000c3", "0000000000c3", "pod_x", "alpine@sha256:beef", "", "",
     8}};
#define NCONTAINERS (sizeof containers / sizeof containers[0])

/* whether the container plugin registered its table (it does in its own
 * init, so only plugins inited after it can find the table) */
static int containers_on;
static int ctr_lookups;

/* a dynamic field the plugin has to add itself (no container plugin) */
static const ffield container_field = {TK_THREADS, "container_id",
                                       SS_PLUGIN_ST_STRING};
#define NTF (sizeof thread_fields / sizeof thread_fields[0])

static fthread threads[] = {
    {1, 1, 0, "systemd", "/sbin/init", "/sbin/init", "/", 0, "", {0}, 0,
     {{0}}, 0},
    {100, 100, 1, "sshd", "/usr/sbin/sshd", "/usr/sbin/sshd", "/", 0, "",
     {"-D"}, 1, {{0}}, 0},
    {101, 101, 100, "bash", "bash", "/bin/bash", "/root/", 1000,
     "abc123def456", {"-c", "cat /etc/shadow"}, 2,
     {{3, 1, "/etc/shadow"}, {5, 1, "/tmp/x"}}, 2},
    /* a second thread of process 101 */
    {102, 101, 100, "bash", "bash", "/bin/bash", "/root/", 0, "", {0}, 0,
     {{0}}, 0},
    /* containers: no tag, digest only, not (yet) in the table */
    {200, 200, 1, "postgres", "postgres", "/usr/bin/postgres", "/", 0,
     "0000000000c2", {0}, 0, {{0}}, 0},
    {201, 201, 1, "sleep", "sleep", "/bin/sleep", "/", 0, "0000000000c3",
     {0}, 0, {{0}}, 0},
    {202, 202, 1, "sleep", "sleep", "/bin/sleep", "/", 0, "00000000dead",
     {0}, 0, {{0}}, 0}};
#define NTHREADS (sizeof threads / sizeof threads[0])

static ftable threads_table = {TK_THREADS, NULL};
static ftable containers_table = {TK_CONTAINERS, NULL};
/* subtable handles handed out during one callback */
static ftable subs[64];
static int nsubs;
static fthread tmp_thread;
static int acquired, released, lookups;

static ftable *subtable(int kind, fthread *t) {
  cr_assert(nsubs < 64);
  subs[nsubs].kind = kind;
  subs[nsubs].owner = t;
  return &subs[nsubs++];
}

/* after every callback, like the host: entries and subtables die */
static void end_callback(void) {
  memset(subs, 0xA5, sizeof subs);
  nsubs = 0;
}

static const char *owner_err(ss_plugin_owner_t *o) { return "fake error"; }

static ss_plugin_table_info *list_tables(ss_plugin_owner_t *o,
                                         uint32_t *n) {
  static ss_plugin_table_info ti[2] = {{"threads", SS_PLUGIN_ST_INT64},
                                       {"containers", SS_PLUGIN_ST_STRING}};
  *n = containers_on ? 2 : 1;
  return ti;
}

static ss_plugin_table_t *get_table(ss_plugin_owner_t *o, const char *name,
                                    ss_plugin_state_type kt) {
  if (containers_on && !strcmp(name, "containers") &&
      kt == SS_PLUGIN_ST_STRING)
    return &containers_table;
  if (strcmp(name, "threads") || kt != SS_PLUGIN_ST_INT64)
    return NULL;
  return &threads_table;
}

static ss_plugin_table_field_t *get_table_field(ss_plugin_table_t *t,
                                                const char *name,
                                                ss_plugin_state_type type) {
  ftable *ft = t;
  for (size_t i = 0; i < NCC; i++)
    if (container_cols[i].table == ft->kind &&
        !strcmp(container_cols[i].name, name) &&
        container_cols[i].type == type)
      return (void *)&container_cols[i];
  for (size_t i = 0; i < NTF; i++)
    if (thread_fields[i].table == ft->kind &&
        !strcmp(thread_fields[i].name, name) &&
        thread_fields[i].type == type)
      return (void *)&thread_fields[i];
  return NULL;
}

static ss_plugin_table_field_t *add_table_field(ss_plugin_table_t *t,
                                                const char *name,
                                                ss_plugin_state_type type) {
  ftable *ft = t;
  if (ft->kind == TK_THREADS && !strcmp(name, "container_id") &&
      type == SS_PLUGIN_ST_STRING)
    return (void *)&container_field;
  return NULL;
}

static const ss_plugin_table_fieldinfo *list_fields(ss_plugin_table_t *t,
                                                    uint32_t *n) {
  *n = 0;
  return NULL;
}

static const char *table_name(ss_plugin_table_t *t) { return "threads"; }

static uint64_t table_size(ss_plugin_table_t *t) {
  ftable *ft = t;
  switch (ft->kind) {
  case TK_THREADS:
    return NTHREADS;
  case TK_ARGS:
    return ft->owner->nargs;
  case TK_ENV:
    return 0;
  case TK_FDS:
    return ft->owner->nfds;
  case TK_CONTAINERS:
    return NCONTAINERS;
  default:
    cr_assert_fail("size of a dead subtable");
    return (uint64_t)-1;
  }
}

/* entries: pointers into the thread array, the args array (index), the
 * fd array */
static ss_plugin_table_entry_t *get_entry(ss_plugin_table_t *t,
                                          const ss_plugin_state_data *k) {
  ftable *ft = t;
  lookups++;
  switch (ft->kind) {
  case TK_THREADS:
    for (size_t i = 0; i < NTHREADS; i++)
      if (threads[i].tid == k->s64) {
        acquired++;
        return &threads[i];
      }
    return NULL;
  case TK_ARGS:
    if (k->u64 < ft->owner->nargs) {
      acquired++;
      return &ft->owner->args[k->u64];
    }
    return NULL;
  case TK_CONTAINERS:
    ctr_lookups++;
    cr_assert(k->str, "container lookup without a key");
    for (size_t i = 0; i < NCONTAINERS; i++)
      if (!strcmp(containers[i].key, k->str)) {
        acquired++;
        return (void *)&containers[i];
      }
    return NULL;
  case TK_FDS:
    for (uint32_t i = 0; i < ft->owner->nfds; i++)
      if (ft->owner->fds[i].fd == k->s64) {
        acquired++;
        return &ft->owner->fds[i];
      }
    return NULL;
  default:
    cr_assert_fail("lookup in a dead subtable (kind %d)", ft->kind);
    return NULL;
  }
}

static ss_plugin_rc read_field(ss_plugin_table_t *t,
                               ss_plugin_table_entry_t *e,
                               const ss_plugin_table_field_t *f,
                               ss_plugin_state_data *out) {
  ftable *ft = t;
  const ffield *fd = f;
  memset(out, 0, sizeof *out);
  cr_assert(fd->table == ft->kind, "field %s read on the wrong table",
            fd->name);
  if (ft->kind == TK_THREADS) {
    fthread *th = e;
    if (!strcmp(fd->name, "tid"))
      out->s64 = th->tid;
    else if (!strcmp(fd->name, "pid"))
      out->s64 = th->pid;
    else if (!strcmp(fd->name, "ptid"))
      out->s64 = th->ptid;
    else if (!strcmp(fd->name, "comm"))
      out->str = th->comm;
    else if (!strcmp(fd->name, "exe"))
      out->str = th->exe;
    else if (!strcmp(fd->name, "exe_path"))
      out->str = th->exe_path;
    else if (!strcmp(fd->name, "cwd"))
      out->str = th->cwd;
    else if (!strcmp(fd->name, "uid"))
      out->u32 = th->uid;
    else if (!strcmp(fd->name, "container_id"))
      out->str = th->container_id;
    else if (!strcmp(fd->name, "args"))
      out->table = subtable(TK_ARGS, th);
    else if (!strcmp(fd->name, "env"))
      out->table = subtable(TK_ENV, th);
    else if (!strcmp(fd->name, "file_descriptors"))
      out->table = subtable(TK_FDS, th);
    return SS_PLUGIN_SUCCESS;
  }
  if (ft->kind == TK_CONTAINERS) {
    const fcontainer *c = e;
    if (!strcmp(fd->name, "type"))
      out->u32 = c->type;
    else
      out->str = !strcmp(fd->name, "id")      ? c->id
                 : !strcmp(fd->name, "name")  ? c->name
                 : !strcmp(fd->name, "image") ? c->image
                 : !strcmp(fd->name, "ip")    ? c->ip
                                              : c->user;
    return SS_PLUGIN_SUCCESS;
  }
  if (ft->kind == TK_ARGS || ft->kind == TK_ENV) {
    out->str = *(const char **)e;
    return SS_PLUGIN_SUCCESS;
  }
  ffd *d = e;
  if (!strcmp(fd->name, "name"))
    out->str = d->name;
  else if (!strcmp(fd->name, "type"))
    out->u8 = d->type;
  else
    out->s64 = d->fd;
  return SS_PLUGIN_SUCCESS;
}

static void release_entry(ss_plugin_table_t *t, ss_plugin_table_entry_t *e) {
  released++;
}

static ss_plugin_bool iterate(ss_plugin_table_t *t,
                              ss_plugin_table_iterator_func_t it,
                              ss_plugin_table_iterator_state_t *s) {
  return 0;
}

static ss_plugin_table_entry_t *create_entry(ss_plugin_table_t *t) {
  memset(&tmp_thread, 0, sizeof tmp_thread);
  return &tmp_thread;
}

static void destroy_entry(ss_plugin_table_t *t, ss_plugin_table_entry_t *e) {
}

static ss_plugin_table_fields_vtable_ext fields_vt = {
    list_fields, get_table_field, add_table_field};
static ss_plugin_table_reader_vtable_ext reader_vt = {
    table_name, table_size, get_entry, read_field, release_entry, iterate};
static ss_plugin_table_writer_vtable_ext writer_vt = {
    NULL, NULL, create_entry, destroy_entry, NULL, NULL};

static ss_plugin_init_tables_input tables_in = {
    list_tables, get_table, NULL,
    {list_fields, get_table_field, add_table_field},
    &fields_vt, &reader_vt, &writer_vt};

static int nlogs;
static char lastlog[1024];
static char alllogs[16384]; /* every message, one a line */
static void log_fn(ss_plugin_owner_t *o, const char *c, const char *m,
                   ss_plugin_log_severity sev) {
  nlogs++;
  snprintf(lastlog, sizeof lastlog, "%s", m);
  size_t n = strlen(alllogs);
  snprintf(alllogs + n, sizeof alllogs - n, "%d %s\n", (int)sev, m);
}

/* ---- packs ---------------------------------------------------------------- */

static char tmpdir[256];

static void mk_tmpdir(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/vigil_falco_XXXXXX");
  cr_assert(mkdtemp(tmpdir));
}

static void rm_tmpdir(void) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  cr_assert(system(cmd) == 0);
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  cr_assert(f);
  fputs(text, f);
  fclose(f);
}

static const char rules[] =
    /* like every k8s audit rules file: the plugin it needs is declared, so
     * vigil's default plugin set (the rules' requirements) includes it */
    "- required_plugin_versions:\n"
    "  - name: k8saudit\n"
    "    version: 0.1.0\n"
    "- macro: spawned_process\n"
    "  condition: evt.type in (execve, execveat) and evt.dir=<\n"
    "- rule: Shell under sshd\n"
    "  desc: shell spawned by sshd\n"
    "  condition: spawned_process and proc.name=bash and proc.pname=sshd\n"
    "  output: shell %proc.name parent=%proc.pname\n"
    "  priority: WARNING\n"
    "  tags: [shell, mitre]\n"
    "- rule: Shell with -c\n"
    "  desc: shell running a command string\n"
    "  condition: spawned_process and proc.cmdline startswith \"bash -c\"\n"
    "  output: cmd %proc.cmdline\n"
    "  priority: NOTICE\n"
    "- rule: Read etc\n"
    "  desc: etc file opened\n"
    "  condition: evt.type=openat and evt.dir=< and fd.name startswith "
    "/etc/\n"
    "  output: open %fd.name\n"
    "  priority: ERROR\n"
    "- rule: Secret get\n"
    "  desc: k8s secret read\n"
    "  condition: ka.verb=get and ka.target.resource=secrets\n"
    "  output: secret by %ka.user.name\n"
    "  priority: CRITICAL\n"
    "  source: k8s_audit\n"
    "- rule: Alice shell\n"
    "  desc: alice runs something\n"
    "  condition: spawned_process and user.name=alice and "
    "user.shell=/bin/zsh and user.homedir=/home/alice\n"
    "  output: alice %proc.name\n"
    "  priority: INFO\n"
    "- rule: Container shell\n"
    "  desc: a shell in a container\n"
    "  condition: spawned_process and container.id != host and "
    "proc.name=bash\n"
    "  output: container %container.id\n"
    "  priority: INFO\n"
    "- rule: Close etc\n"
    "  desc: an etc file closed\n"
    "  condition: evt.type=close and evt.dir=< and fd.name startswith /etc\n"
    "  output: close %fd.name\n"
    "  priority: INFO\n";

static void compile_pack(const char *rules_text, const char *pack,
                         const char *falco_rules) {
  char rpath[512], cmd[2048];
  snprintf(rpath, sizeof rpath, "%s/rules.yaml", tmpdir);
  write_text(rpath, rules_text);
  snprintf(cmd, sizeof cmd, "'%s' compile -o '%s' %s%s%s '%s' 2>/dev/null",
           VIGIL_BINARY, pack, falco_rules ? "--falco-rules '" : "",
           falco_rules ? falco_rules : "", falco_rules ? "'" : "", rpath);
  cr_assert(system(cmd) == 0, "%s failed", cmd);
}

/* ---- events --------------------------------------------------------------- */

static void put_le(uint8_t *p, uint64_t v, int n) {
  for (int i = 0; i < n; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

typedef struct prm {
  const void *p;
  uint32_t len;
} prm;

static size_t mkevt(uint8_t *out, uint16_t type, uint64_t tid, int w,
                    const prm *ps, uint32_t np) {
  size_t off = VG_FALCO_EVT_HDR + (size_t)np * (size_t)w;
  for (uint32_t i = 0; i < np; i++) {
    put_le(out + VG_FALCO_EVT_HDR + i * (size_t)w, ps[i].len, w);
    memcpy(out + off, ps[i].p, ps[i].len);
    off += ps[i].len;
  }
  put_le(out, 1700000000000000000ull, 8);
  put_le(out + 8, tid, 8);
  put_le(out + 16, off, 4);
  put_le(out + 20, type, 2);
  put_le(out + 22, np, 4);
  return off;
}

static size_t execve_exit(uint8_t *out, uint64_t tid) {
  int64_t res = 0;
  prm ps[1] = {{&res, 8}};
  return mkevt(out, 293, tid, 2, ps, 1);
}

static size_t openat_exit(uint8_t *out, uint64_t tid, int64_t fd,
                          const char *name) {
  int64_t dirfd = -100;
  uint32_t flags = 1, mode = 0, dev = 0;
  uint64_t ino = 0;
  prm ps[7] = {{&fd, 8},    {&dirfd, 8}, {name, (uint32_t)strlen(name) + 1},
               {&flags, 4}, {&mode, 4},  {&dev, 4},
               {&ino, 8}};
  return mkevt(out, 307, tid, 2, ps, 7);
}

/* close enter (fd) and exit: the old exit holds only the result, schema 4
 * appends the fd */
static size_t close_enter(uint8_t *out, uint64_t tid, int64_t fd) {
  prm ps[1] = {{&fd, 8}};
  return mkevt(out, 4, tid, 2, ps, 1);
}

static size_t close_exit(uint8_t *out, uint64_t tid, int with_fd,
                         int64_t fd) {
  int64_t res = 0;
  prm ps[2] = {{&res, 8}, {&fd, 8}};
  return mkevt(out, 5, tid, 2, ps, with_fd ? 2 : 1);
}

static size_t plugin_event(uint8_t *out, uint32_t plugin_id,
                           const char *json) {
  prm ps[2] = {{&plugin_id, 4}, {json, (uint32_t)strlen(json)}};
  return mkevt(out, 322, (uint64_t)-1, 4, ps, 2);
}

/* ---- extraction helpers --------------------------------------------------- */

static ss_plugin_t *st;
static char pack[512];

static ss_plugin_t *init_with(const char *config, ss_plugin_rc *rc,
                              int with_tables) {
  ss_plugin_init_input in = {config, (void *)0x1, owner_err,
                             with_tables ? &tables_in : NULL, log_fn};
  ss_plugin_t *s = A.init(&in, rc);
  end_callback();
  return s;
}

static void setup_ok(void) {
  load_module();
  mk_tmpdir();
  snprintf(pack, sizeof pack, "%s/rules.vpk", tmpdir);
  compile_pack(rules, pack, NULL);
  char cfg[2000], pw[600];
  snprintf(pw, sizeof pw, "%s/passwd", tmpdir);
  write_text(pw, "root:x:0:0:root:/root:/bin/bash\n"
                 "# comment\n"
                 "broken line\n"
                 "alice:x:1000:1000:Alice:/home/alice:/bin/zsh\n"
                 "alice2:x:1000:1000:dup:/nowhere:/bin/false");
  snprintf(cfg, sizeof cfg,
           "{\"pack\":\"%s\",\"passwd_file\":\"%s\",\"group_file\":\"\"}",
           pack, pw);
  ss_plugin_rc rc = SS_PLUGIN_FAILURE;
  st = init_with(cfg, &rc, 1);
  cr_assert(st);
  cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "init: %s", A.last_error(st));
}

static void teardown_ok(void) {
  if (st)
    A.destroy(st);
  st = NULL;
  rm_tmpdir();
  unload_module();
}

/* One extract call for nf fields (name[arg] pairs) of one event; values
 * are checked by the callers through the returned field array. */
static ss_plugin_rc extract(const uint8_t *ev, const char *src, uint64_t num,
                            ss_plugin_extract_field *f, uint32_t nf) {
  ss_plugin_event_input ei = {(const ss_plugin_event *)(const void *)ev, num,
                              src};
  ss_plugin_field_extract_input in;
  memset(&in, 0, sizeof in);
  in.owner = (void *)0x1;
  in.get_owner_last_error = owner_err;
  in.num_fields = nf;
  in.fields = f;
  in.table_reader_ext = &reader_vt;
  ss_plugin_rc rc = A.extract(st, &ei, &in);
  end_callback();
  return rc;
}

static const char *fnames[] = {"vigil.match", "vigil.matches", "vigil.rule",
                               "vigil.count", "vigil.priority", "vigil.tags",
                               "vigil.error"};

static ss_plugin_extract_field mkfield(uint32_t id, const char *arg) {
  ss_plugin_extract_field f;
  memset(&f, 0x5A, sizeof f); /* poison res and res_len */
  f.field_id = id;
  f.field = fnames[id];
  f.arg_key = arg;
  f.arg_present = arg != NULL;
  f.arg_index = UINT64_MAX;
  f.ftype = id == 2 ? FTYPE_BOOL : id == 3 ? FTYPE_UINT64 : FTYPE_STRING;
  f.flist = (id == 1 || id == 5) ? 64 : 0;
  return f;
}

/* The string value of a non-list field, or NULL when it has none. */
static const char *str1(const uint8_t *ev, const char *src, uint64_t num,
                        uint32_t id) {
  ss_plugin_extract_field f = mkfield(id, NULL);
  cr_assert_eq(extract(ev, src, num, &f, 1), SS_PLUGIN_SUCCESS);
  cr_assert(f.res_len <= 1);
  return f.res_len ? f.res.str[0] : NULL;
}

static int rule_matches(const uint8_t *ev, const char *src, uint64_t num,
                        const char *rule) {
  ss_plugin_extract_field f = mkfield(2, rule);
  cr_assert_eq(extract(ev, src, num, &f, 1), SS_PLUGIN_SUCCESS);
  if (f.res_len == 0)
    return -1;
  cr_assert_eq(f.res_len, 1);
  return f.res.boolean[0] != 0;
}

/* ---- static information ---------------------------------------------------- */

Test(falco_plugin, static_info) {
  load_module();
  cr_assert(A.req_api && A.version && A.name && A.desc && A.contact &&
            A.init && A.destroy && A.last_error && A.fields && A.extract);
  unsigned M, m, p;
  cr_assert_eq(sscanf(A.req_api(), "%u.%u.%u", &M, &m, &p), 3);
  cr_assert_eq(M, 3);
  cr_assert_leq(m, 5, "Falco 0.38 (API 3.5) must accept it");
  cr_assert_eq(sscanf(A.version(), "%u.%u.%u", &M, &m, &p), 3);
  cr_assert_str_eq(A.name(), "vigil");
  cr_assert(A.desc()[0] && A.contact()[0]);
  cr_assert(A.schema_version);
  cr_assert_eq(sscanf(A.schema_version(NULL), "%u.%u.%u", &M, &m, &p), 3);
  cr_assert_eq(M, 4);
  /* no event sourcing symbol (plugin-abi.md 2.3) */
  cr_assert_null(dlsym(A.h, "plugin_open"));
  cr_assert_null(dlsym(A.h, "plugin_next_batch"));
  cr_assert_null(dlsym(A.h, "plugin_get_id"));
  /* the field catalog passes the loader's checks */
  json_error_t je;
  json_t *j = json_loads(A.fields(), 0, &je);
  cr_assert(j && json_is_array(j) && json_array_size(j) == 7, "%s", je.text);
  size_t i;
  json_t *f;
  json_array_foreach(j, i, f) {
    const char *n = json_string_value(json_object_get(f, "name"));
    const char *t = json_string_value(json_object_get(f, "type"));
    cr_assert(n && !strncmp(n, "vigil.", 6));
    cr_assert_str_eq(n, fnames[i]);
    cr_assert(t && strstr("string uint64 bool reltime abstime ipaddr ipnet",
                          t));
    cr_assert(json_string_value(json_object_get(f, "desc"))[0]);
  }
  json_t *arg = json_object_get(json_array_get(j, 2), "arg");
  cr_assert(json_is_true(json_object_get(arg, "isRequired")));
  cr_assert(json_is_true(json_object_get(arg, "isKey")));
  json_decref(j);
  j = json_loads(A.sources(), 0, &je);
  cr_assert(json_is_array(j));
  cr_assert_str_eq(json_string_value(json_array_get(j, 0)), "syscall");
  json_decref(j);
  ss_plugin_schema_type t = SS_PLUGIN_SCHEMA_NONE;
  j = json_loads(A.schema(&t), 0, &je);
  cr_assert_eq(t, SS_PLUGIN_SCHEMA_JSON);
  cr_assert(json_is_object(j));
  json_decref(j);
  unload_module();
}

/* ---- bad configurations ---------------------------------------------------- */

static void expect_init_failure(const char *config, const char *needle) {
  ss_plugin_rc rc = SS_PLUGIN_SUCCESS;
  ss_plugin_t *s = init_with(config, &rc, 1);
  cr_assert_eq(rc, SS_PLUGIN_FAILURE, "config %s was accepted", config);
  cr_assert(s, "a failed init still returns a state");
  const char *e = A.last_error(s);
  cr_assert(e && e[0]);
  cr_assert(strstr(e, needle), "error '%s' lacks '%s'", e, needle);
  /* a failed state is inert */
  uint8_t ev[256];
  execve_exit(ev, 101);
  ss_plugin_event_input ei = {(const void *)ev, 1, "syscall"};
  ss_plugin_extract_field f = mkfield(0, NULL);
  ss_plugin_field_extract_input in;
  memset(&in, 0, sizeof in);
  in.num_fields = 1;
  in.fields = &f;
  cr_assert_neq(A.extract(s, &ei, &in), SS_PLUGIN_SUCCESS);
  cr_assert_eq(f.res_len, 0);
  A.destroy(s);
}

Test(falco_plugin, bad_configs) {
  load_module();
  mk_tmpdir();
  expect_init_failure("not json", "not valid JSON");
  expect_init_failure("[1,2]", "JSON object");
  expect_init_failure("{}", "'pack'");
  expect_init_failure("", "'pack'");
  expect_init_failure(NULL, "'pack'");
  expect_init_failure("{\"pack\":3}", "must be a string");
  expect_init_failure("{\"pack\":\"\"}", "'pack'");
  expect_init_failure("{\"pakc\":\"x\"}", "unknown key 'pakc'");
  expect_init_failure("{\"pack\":\"x\",\"program\":\"y\"}",
                      "different files");
  expect_init_failure("{\"pack\":\"x\",\"passwd_file\":[]}",
                      "must be a string");
  expect_init_failure("{\"pack\":\"/nonexistent/vigil.vpk\"}",
                      "cannot open pack");
  char cfg[700], path[512];
  snprintf(path, sizeof path, "%s/garbage.vpk", tmpdir);
  write_text(path, "this is not a pack\n");
  snprintf(cfg, sizeof cfg, "{\"pack\":\"%s\"}", path);
  expect_init_failure(cfg, "cannot load pack");
  /* a real pack, truncated and then bit-flipped */
  char good[512];
  snprintf(good, sizeof good, "%s/good.vpk", tmpdir);
  compile_pack(rules, good, NULL);
  FILE *f = fopen(good, "rb");
  cr_assert(f);
  uint8_t buf[65536];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  cr_assert(n > 64);
  f = fopen(path, "wb");
  fwrite(buf, 1, n / 2, f);
  fclose(f);
  expect_init_failure(cfg, "cannot load pack");
  buf[n - 3] ^= 0x40;
  f = fopen(path, "wb");
  fwrite(buf, 1, n, f);
  fclose(f);
  expect_init_failure(cfg, "cannot load pack");
  /* NULL input */
  ss_plugin_rc rc = SS_PLUGIN_SUCCESS;
  ss_plugin_t *s = A.init(NULL, &rc);
  cr_assert_eq(rc, SS_PLUGIN_FAILURE);
  A.destroy(s);
  cr_assert(A.last_error(NULL));
  rm_tmpdir();
  unload_module();
}

/* ---- syscall events -------------------------------------------------------- */

Test(falco_plugin, event_types, .init = setup_ok, .fini = teardown_ok) {
  uint32_t n = 0;
  uint16_t *t = A.types(&n, st);
  cr_assert(t && n > 0);
  int has_execve = 0, has_openat = 0, has_plugin = 0;
  for (uint32_t i = 0; i < n; i++) {
    cr_assert_lt(t[i], 426);
    has_execve |= t[i] == 293;
    has_openat |= t[i] == 307;
    has_plugin |= t[i] == 322;
  }
  cr_assert(has_execve && has_openat && has_plugin);
}

Test(falco_plugin, execve_from_thread_table, .init = setup_ok,
     .fini = teardown_ok) {
  uint8_t ev[512];
  execve_exit(ev, 101);
  cr_assert_str_eq(str1(ev, "syscall", 10, 0), "Shell under sshd");
  cr_assert_eq(rule_matches(ev, "syscall", 10, "Shell under sshd"), 1);
  cr_assert_eq(rule_matches(ev, "syscall", 10, "Shell with -c"), 1);
  cr_assert_eq(rule_matches(ev, "syscall", 10, "Read etc"), 0);
  cr_assert_eq(rule_matches(ev, "syscall", 10, "No such rule"), -1);
  cr_assert_str_eq(str1(ev, "syscall", 10, 4), "Warning");
  cr_assert_null(str1(ev, "syscall", 10, 6));
  /* several fields in one call, list fields included */
  ss_plugin_extract_field f[4] = {mkfield(1, NULL), mkfield(3, NULL),
                                  mkfield(5, NULL),
                                  mkfield(2, "Shell with -c")};
  cr_assert_eq(extract(ev, "syscall", 10, f, 4), SS_PLUGIN_SUCCESS);
  cr_assert_eq(f[0].res_len, 4);
  cr_assert_str_eq(f[0].res.str[0], "Shell under sshd");
  cr_assert_str_eq(f[0].res.str[1], "Shell with -c");
  cr_assert_str_eq(f[0].res.str[2], "Alice shell");
  cr_assert_str_eq(f[0].res.str[3], "Container shell");
  cr_assert_eq(f[1].res_len, 1);
  cr_assert_eq(f[1].res.u64[0], 4);
  cr_assert_eq(f[2].res_len, 2);
  cr_assert_str_eq(f[2].res.str[0], "mitre");
  cr_assert_eq(f[3].res_len, 1);
  cr_assert_eq(f[3].res.boolean[0], 1);
  /* every entry handed out was released */
  cr_assert_eq(acquired, released);
  /* a thread of the same process whose parent is sshd too, but its own
   * command line is empty */
  execve_exit(ev, 102);
  cr_assert_eq(rule_matches(ev, "syscall", 11, "Shell under sshd"), 1);
  cr_assert_eq(rule_matches(ev, "syscall", 11, "Alice shell"), 0);
  cr_assert_eq(rule_matches(ev, "syscall", 11, "Container shell"), 0);
  cr_assert_eq(rule_matches(ev, "syscall", 11, "Shell with -c"), 0);
  /* a thread the table does not know: nothing matches */
  execve_exit(ev, 4242);
  cr_assert_null(str1(ev, "syscall", 12, 0));
  cr_assert_eq(rule_matches(ev, "syscall", 12, "Shell under sshd"), 0);
  cr_assert_eq(acquired, released);
}

Test(falco_plugin, evaluated_once_per_event, .init = setup_ok,
     .fini = teardown_ok) {
  uint8_t ev[512];
  execve_exit(ev, 101);
  cr_assert_str_eq(str1(ev, "syscall", 20, 0), "Shell under sshd");
  int before = lookups;
  for (int i = 0; i < 5; i++)
    cr_assert_eq(rule_matches(ev, "syscall", 20, "Shell under sshd"), 1);
  cr_assert_eq(lookups, before, "the pack was evaluated again");
  uint32_t nm = 0;
  ss_plugin_metric *m = A.metrics(st, &nm);
  cr_assert_eq(nm, 4);
  cr_assert_str_eq(m[0].name, "events_evaluated");
  cr_assert_eq(m[0].value_type, SS_PLUGIN_METRIC_VALUE_TYPE_U64);
  cr_assert_eq(m[0].type, SS_PLUGIN_METRIC_TYPE_MONOTONIC);
  cr_assert_eq(m[0].value.u64, 1);
  cr_assert_eq(m[1].value.u64, 4, "4 rules matched the one event");
  cr_assert_str_eq(m[3].name, "rules_loaded");
  cr_assert_eq(m[3].value.u64, 7);
  /* a new event number re-evaluates */
  cr_assert_eq(rule_matches(ev, "syscall", 21, "Shell under sshd"), 1);
  cr_assert_gt(lookups, before);
}

Test(falco_plugin, fd_from_table_and_event, .init = setup_ok,
     .fini = teardown_ok) {
  uint8_t ev[512];
  /* fd 3 is /etc/shadow in process 101's table */
  openat_exit(ev, 101, 3, "ignored");
  cr_assert_str_eq(str1(ev, "syscall", 30, 0), "Read etc");
  /* the same fd opened by the second thread: read from the main thread */
  openat_exit(ev, 102, 3, "ignored");
  cr_assert_str_eq(str1(ev, "syscall", 31, 0), "Read etc");
  /* fd 5 is /tmp/x */
  openat_exit(ev, 101, 5, "ignored");
  cr_assert_null(str1(ev, "syscall", 32, 0));
  cr_assert_eq(rule_matches(ev, "syscall", 32, "Read etc"), 0);
  /* a failed open: no fd in the table, the name comes from the event */
  openat_exit(ev, 101, -2, "/etc/passwd");
  cr_assert_eq(rule_matches(ev, "syscall", 33, "Read etc"), 1);
  openat_exit(ev, 101, -2, "/var/log/x");
  cr_assert_eq(rule_matches(ev, "syscall", 34, "Read etc"), 0);
  cr_assert_eq(acquired, released);
}

Test(falco_plugin, malformed_syscall_events, .init = setup_ok,
     .fini = teardown_ok) {
  uint8_t ev[512];
  size_t n = openat_exit(ev, 101, 3, "x");
  /* a parameter length past the end */
  put_le(ev + VG_FALCO_EVT_HDR + 4, 400, 2);
  cr_assert_null(str1(ev, "syscall", 40, 0));
  const char *e = str1(ev, "syscall", 40, 6);
  cr_assert(e && strstr(e, "malformed"));
  /* too many parameters */
  openat_exit(ev, 101, 3, "x");
  put_le(ev + 22, 1000, 4);
  cr_assert_null(str1(ev, "syscall", 41, 0));
  /* an unknown event type */
  openat_exit(ev, 101, 3, "x");
  put_le(ev + 20, 60000, 2);
  cr_assert_null(str1(ev, "syscall", 42, 0));
  (void)n;
}

static void parse(const uint8_t *ev, uint64_t num) {
  ss_plugin_event_input ei = {(const ss_plugin_event *)(const void *)ev, num,
                              "syscall"};
  ss_plugin_event_parse_input in;
  memset(&in, 0, sizeof in);
  in.table_reader_ext = &reader_vt;
  in.table_writer_ext = &writer_vt;
  cr_assert_eq(A.parse(st, &ei, &in), SS_PLUGIN_SUCCESS);
  end_callback();
}

Test(falco_plugin, fd_of_old_exit_events, .init = setup_ok,
     .fini = teardown_ok) {
  uint32_t n = 0;
  uint16_t *t = A.ptypes(&n, st);
  int has_close_e = 0;
  for (uint32_t i = 0; i < n; i++) {
    cr_assert_lt(t[i], 426);
    cr_assert_eq(t[i] & 1, 0, "only enter events are parsed");
    cr_assert_neq(t[i], 6, "read is not needed by any rule");
    has_close_e |= t[i] == 4;
  }
  cr_assert(has_close_e);
  cr_assert_str_eq(A.psources(), "[\"syscall\"]");
  uint8_t ev[256];
  /* schema 4: the exit carries the fd */
  close_exit(ev, 101, 1, 3);
  cr_assert_eq(rule_matches(ev, "syscall", 70, "Close etc"), 1);
  close_exit(ev, 101, 1, 5);
  cr_assert_eq(rule_matches(ev, "syscall", 71, "Close etc"), 0);
  /* older drivers: only the enter event has it */
  close_exit(ev, 101, 0, 0);
  cr_assert_eq(rule_matches(ev, "syscall", 72, "Close etc"), 0);
  close_enter(ev, 101, 3);
  parse(ev, 73);
  close_exit(ev, 101, 0, 0);
  parse(ev, 74);
  cr_assert_eq(rule_matches(ev, "syscall", 74, "Close etc"), 1);
  /* another thread's enter does not count */
  close_enter(ev, 102, 3);
  parse(ev, 75);
  close_enter(ev, 101, 5);
  parse(ev, 76);
  close_exit(ev, 101, 0, 0);
  cr_assert_eq(rule_matches(ev, "syscall", 77, "Close etc"), 0);
  close_exit(ev, 102, 0, 0);
  cr_assert_eq(rule_matches(ev, "syscall", 78, "Close etc"), 1);
  cr_assert_eq(acquired, released);
}

/* ---- plugin events --------------------------------------------------------- */

Test(falco_plugin, k8s_audit_events, .init = setup_ok, .fini = teardown_ok) {
  uint8_t ev[2048];
  plugin_event(ev, 1,
               "{\"kind\":\"Event\",\"auditID\":\"a1\",\"verb\":\"get\","
               "\"objectRef\":{\"resource\":\"secrets\",\"name\":\"db\"},\"user\":"
               "{\"username\":\"alice\"},\"stageTimestamp\":"
               "\"2024-01-01T00:00:00Z\"}");
  const char *err = str1(ev, "k8s_audit", 50, 6);
  cr_assert_null(err, "%s", err);
  cr_assert_str_eq(str1(ev, "k8s_audit", 50, 0), "Secret get");
  cr_assert_eq(rule_matches(ev, "k8s_audit", 50, "Secret get"), 1);
  cr_assert_str_eq(str1(ev, "k8s_audit", 50, 4), "Critical");
  plugin_event(ev, 1, "{\"auditID\":\"a2\",\"verb\":\"list\",\"objectRef\":"
                      "{\"resource\":\"secrets\"}}");
  cr_assert_eq(rule_matches(ev, "k8s_audit", 51, "Secret get"), 0);
  /* not JSON, not an object */
  plugin_event(ev, 1, "{\"kind\":");
  cr_assert_null(str1(ev, "k8s_audit", 52, 0));
  cr_assert(strstr(str1(ev, "k8s_audit", 52, 6), "JSON"));
  plugin_event(ev, 1, "[1,2,3]");
  cr_assert_null(str1(ev, "k8s_audit", 53, 0));
  /* a source without vigil rules */
  plugin_event(ev, 2, "{\"eventName\":\"x\"}");
  cr_assert_null(str1(ev, "aws_cloudtrail", 54, 0));
  ss_plugin_extract_field f = mkfield(3, NULL);
  cr_assert_eq(extract(ev, "aws_cloudtrail", 54, &f, 1), SS_PLUGIN_SUCCESS);
  cr_assert_eq(f.res.u64[0], 0);
}

/* ---- without host tables --------------------------------------------------- */

Test(falco_plugin, no_tables) {
  load_module();
  mk_tmpdir();
  snprintf(pack, sizeof pack, "%s/rules.vpk", tmpdir);
  compile_pack(rules, pack, NULL);
  char cfg[700];
  snprintf(cfg, sizeof cfg, "{\"program\":\"%s\"}", pack);
  ss_plugin_rc rc = SS_PLUGIN_FAILURE;
  nlogs = 0;
  st = init_with(cfg, &rc, 0);
  cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "%s", A.last_error(st));
  cr_assert_gt(nlogs, 0, "the missing tables are logged");
  uint8_t ev[512];
  execve_exit(ev, 101);
  cr_assert_null(str1(ev, "syscall", 1, 0));
  /* fd fields need the event's thread */
  openat_exit(ev, 101, -2, "/etc/passwd");
  cr_assert_eq(rule_matches(ev, "syscall", 2, "Read etc"), 0);
  teardown_ok();
}

/* ---- several states share one image ---------------------------------------- */

Test(falco_plugin, independent_states, .init = setup_ok,
     .fini = teardown_ok) {
  char cfg[700];
  snprintf(cfg, sizeof cfg, "{\"pack\":\"%s\"}", pack);
  ss_plugin_rc rc;
  ss_plugin_t *s2 = init_with(cfg, &rc, 1);
  cr_assert_eq(rc, SS_PLUGIN_SUCCESS);
  cr_assert_neq(s2, st);
  uint8_t ev[512];
  execve_exit(ev, 101);
  const char *a = str1(ev, "syscall", 60, 0);
  ss_plugin_t *keep = st;
  st = s2;
  openat_exit(ev, 101, 3, "x");
  const char *b = str1(ev, "syscall", 60, 0);
  st = keep;
  cr_assert_str_eq(a, "Shell under sshd");
  cr_assert_str_eq(b, "Read etc");
  A.destroy(s2);
}

/* ---- vigil compile --falco-rules ------------------------------------------- */

Test(falco_plugin, falco_rules_file) {
  mk_tmpdir();
  char p[512], fr[512];
  snprintf(p, sizeof p, "%s/r.vpk", tmpdir);
  snprintf(fr, sizeof fr, "%s/falco_rules.yaml", tmpdir);
  compile_pack(rules, p, fr);
  FILE *f = fopen(fr, "r");
  cr_assert(f);
  static char text[65536];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = 0;
  cr_assert(strstr(text, "- required_plugin_versions:\n    - name: vigil\n"
                         "      version: 0.1.0\n"));
  cr_assert(strstr(text, "- rule: \"Shell under sshd\"\n"));
  cr_assert(strstr(text, "condition: \"evt.type in (execve, execveat) and "
                         "vigil.rule[\\\"Shell under sshd\\\"]\""),
            "%s", text);
  cr_assert(strstr(text, "output: \"shell %proc.name parent=%proc.pname\""));
  cr_assert(strstr(text, "priority: WARNING"));
  cr_assert(strstr(text, "tags: [\"mitre\", \"shell\"]"));
  cr_assert(strstr(text, "condition: \"evt.type in (openat) and "
                         "vigil.rule[\\\"Read etc\\\"]\""));
  cr_assert(strstr(text, "condition: \"vigil.rule[\\\"Secret get\\\"]\"\n"
                         "  output: \"secret by %ka.user.name\"\n"
                         "  priority: CRITICAL\n  source: \"k8s_audit\""));
  /* the file is itself a rules file vigil loads (with the plugin field
   * unknown to it, lint reports exactly that and nothing else) */
  rm_tmpdir();
}

/* ---- container fields: the container plugin's "containers" table ---------- */

static const char ctr_rules[] =
    "- macro: spawned_process\n"
    "  condition: evt.type in (execve, execveat) and evt.dir=<\n"
    "- rule: Ctr meta\n"
    "  desc: every column of the table, and the image parts\n"
    "  condition: spawned_process and container.name=web and "
    "container.image=\"registry.example.com:5000/team/nginx:1.25@sha256:abcd\""
    " and container.image.repository=\"registry.example.com:5000/team/nginx\""
    " and container.image.tag=\"1.25\" and "
    "container.image.digest=\"sha256:abcd\" and container.type=docker and "
    "container.ip=\"10.0.0.7\" and container.id=abc123def456\n"
    "  output: o\n"
    "  priority: INFO\n"
    "- rule: Not web\n"
    "  desc: negated, so a dropped rule must not match by accident\n"
    "  condition: spawned_process and not container.name=web\n"
    "  output: o\n"
    "  priority: INFO\n"
    "- rule: Host meta\n"
    "  desc: the host entry\n"
    "  condition: spawned_process and container.id=host and "
    "container.name=host and container.type=host and "
    "container.image.repository=\"\" and container.image.tag=\"\"\n"
    "  output: o\n"
    "  priority: INFO\n"
    "- rule: No tag\n"
    "  desc: a registry port is no tag\n"
    "  condition: spawned_process and "
    "container.image.repository=\"registry.example.com:5000/foo/bar\" and "
    "container.image.tag=\"\" and container.image.digest=\"\" and "
    "container.type=containerd and container.name=db\n"
    "  output: o\n"
    "  priority: INFO\n"
    "- rule: Digest only\n"
    "  desc: a digest without a tag\n"
    "  condition: spawned_process and container.image.repository=alpine and "
    "container.image.tag=\"\" and container.image.digest=\"sha256:beef\" and "
    "container.type=cri-o and container.ip=\"\"\n"
    "  output: o\n"
    "  priority: INFO\n"
    "- rule: Named\n"
    "  desc: no value while the container is not in the table\n"
    "  condition: spawned_process and container.name exists\n"
    "  output: o\n"
    "  priority: INFO\n"
    "- rule: Ctr id only\n"
    "  desc: the thread table alone\n"
    "  condition: spawned_process and container.id=abc123def456 and "
    "proc.name=bash\n"
    "  output: o\n"
    "  priority: INFO\n"
    "- rule: Privileged\n"
    "  desc: not in the table at all\n"
    "  condition: spawned_process and container.privileged=true\n"
    "  output: o\n"
    "  priority: INFO\n";

enum { NCTR_RULES = 8 };

/* Compiles ctr_rules and inits st; with containers, the container plugin
 * was inited before vigil (its table exists). */
static void init_ctr(int with_containers) {
  load_module();
  mk_tmpdir();
  snprintf(pack, sizeof pack, "%s/ctr.vpk", tmpdir);
  compile_pack(ctr_rules, pack, NULL);
  char cfg[700];
  snprintf(cfg, sizeof cfg, "{\"pack\":\"%s\"}", pack);
  containers_on = with_containers;
  alllogs[0] = 0;
  ss_plugin_rc rc = SS_PLUGIN_FAILURE;
  st = init_with(cfg, &rc, 1);
  cr_assert(st);
  cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "init: %s", A.last_error(st));
}

static void fini_ctr(void) {
  teardown_ok();
  containers_on = 0;
}

static uint64_t rules_loaded(void) {
  uint32_t nm = 0;
  ss_plugin_metric *m = A.metrics(st, &nm);
  cr_assert_eq(nm, 4);
  cr_assert_str_eq(m[3].name, "rules_loaded");
  return m[3].value.u64;
}

Test(falco_containers, fields_present) {
  init_ctr(1);
  cr_assert(strstr(alllogs, "'containers' table"), "%s", alllogs);
  cr_assert_null(strstr(alllogs, "not loaded: field 'container.name'"),
                 "%s", alllogs);
  uint8_t ev[512];
  execve_exit(ev, 101);
  ctr_lookups = 0;
  cr_assert_eq(rule_matches(ev, "syscall", 1, "Ctr meta"), 1);
  cr_assert_eq(rule_matches(ev, "syscall", 1, "Not web"), 0);
  cr_assert_eq(rule_matches(ev, "syscall", 1, "Named"), 1);
  cr_assert_eq(rule_matches(ev, "syscall", 1, "Ctr id only"), 1);
  cr_assert_eq(rule_matches(ev, "syscall", 1, "Host meta"), 0);
  /* many container fields, one event: one lookup */
  cr_assert_eq(ctr_lookups, 1, "%d container lookups", ctr_lookups);
  /* the table cannot say whether it runs privileged */
  cr_assert_eq(rule_matches(ev, "syscall", 1, "Privileged"), -1);
  cr_assert(strstr(alllogs, "rule 'Privileged' is not loaded: field "
                            "'container.privileged'"),
            "%s", alllogs);
  cr_assert_eq(rules_loaded(), NCTR_RULES - 1);
  execve_exit(ev, 200);
  cr_assert_eq(rule_matches(ev, "syscall", 2, "No tag"), 1);
  cr_assert_eq(rule_matches(ev, "syscall", 2, "Not web"), 1);
  cr_assert_eq(rule_matches(ev, "syscall", 2, "Ctr meta"), 0);
  execve_exit(ev, 201);
  cr_assert_eq(rule_matches(ev, "syscall", 3, "Digest only"), 1);
  cr_assert_eq(acquired, released);
  fini_ctr();
}

Test(falco_containers, host_and_missing_entry) {
  init_ctr(1);
  uint8_t ev[512];
  /* container_id "": the host entry */
  execve_exit(ev, 100);
  cr_assert_eq(rule_matches(ev, "syscall", 1, "Host meta"), 1);
  cr_assert_eq(rule_matches(ev, "syscall", 1, "Named"), 1);
  cr_assert_eq(rule_matches(ev, "syscall", 1, "Not web"), 1);
  /* a container the plugin has not looked up yet: only the id */
  execve_exit(ev, 202);
  cr_assert_eq(rule_matches(ev, "syscall", 2, "Named"), 0);
  cr_assert_eq(rule_matches(ev, "syscall", 2, "Host meta"), 0);
  cr_assert_eq(rule_matches(ev, "syscall", 2, "Not web"), 1,
               "no value: the comparison is false, its negation true");
  /* a thread the table does not know: no container at all */
  execve_exit(ev, 4242);
  cr_assert_eq(rule_matches(ev, "syscall", 3, "Not web"), 1);
  cr_assert_eq(rule_matches(ev, "syscall", 3, "Named"), 0);
  cr_assert_eq(acquired, released);
  fini_ctr();
}

Test(falco_containers, table_absent) {
  init_ctr(0);
  /* every rule reading a table-backed field is not loaded, as Falco
   * rejects rules with container fields without the container plugin;
   * the log says how to fix the load order */
  cr_assert(strstr(alllogs, "rule 'Ctr meta' is not loaded: field "
                            "'container.name' needs the container plugin's "
                            "'containers' table"),
            "%s", alllogs);
  cr_assert(strstr(alllogs, "load_plugins: [container, vigil]"), "%s",
            alllogs);
  cr_assert(strstr(alllogs, "7 rule(s) not loaded"), "%s", alllogs);
  cr_assert_eq(rules_loaded(), 1);
  uint8_t ev[512];
  execve_exit(ev, 101);
  const char *dropped[] = {"Ctr meta", "Not web", "Host meta", "No tag",
                           "Digest only", "Named", "Privileged"};
  for (int k = 0; k < 2; k++) {
    execve_exit(ev, k ? 202 : 101);
    for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++)
      cr_assert_eq(rule_matches(ev, "syscall", 10 + k, dropped[i]), -1,
                   "rule %s was loaded", dropped[i]);
  }
  /* container.id comes from the thread table alone */
  execve_exit(ev, 101);
  cr_assert_eq(rule_matches(ev, "syscall", 20, "Ctr id only"), 1);
  ss_plugin_extract_field f[2] = {mkfield(1, NULL), mkfield(3, NULL)};
  cr_assert_eq(extract(ev, "syscall", 20, f, 2), SS_PLUGIN_SUCCESS);
  cr_assert_eq(f[0].res_len, 1);
  cr_assert_str_eq(f[0].res.str[0], "Ctr id only");
  cr_assert_eq(f[1].res.u64[0], 1);
  /* "Not web" would match thread 202 if it were evaluated */
  execve_exit(ev, 202);
  cr_assert_null(str1(ev, "syscall", 21, 0));
  cr_assert_eq(acquired, released);
  fini_ctr();
}

/* The host inits plugins in load_plugins order; the container plugin
 * registers its table in its own init. */
static ss_plugin_t *init_in_order(int container_first) {
  char cfg[700];
  snprintf(cfg, sizeof cfg, "{\"pack\":\"%s\"}", pack);
  containers_on = 0;
  if (container_first)
    containers_on = 1; /* the container plugin's init: add_table */
  ss_plugin_rc rc = SS_PLUGIN_FAILURE;
  ss_plugin_t *s = init_with(cfg, &rc, 1);
  cr_assert_eq(rc, SS_PLUGIN_SUCCESS);
  containers_on = 1; /* registered by now in either order */
  return s;
}

Test(falco_containers, plugin_order) {
  load_module();
  mk_tmpdir();
  snprintf(pack, sizeof pack, "%s/ctr.vpk", tmpdir);
  compile_pack(ctr_rules, pack, NULL);
  alllogs[0] = 0;
  /* load_plugins: [vigil, container] (what appending config.d gives) */
  ss_plugin_t *late = init_in_order(0);
  cr_assert(strstr(alllogs, "load_plugins: [container, vigil]"));
  /* load_plugins: [container, vigil] */
  alllogs[0] = 0;
  ss_plugin_t *early = init_in_order(1);
  cr_assert_null(strstr(alllogs, "not loaded: field 'container.name'"),
                 "%s", alllogs);
  uint8_t ev[512];
  execve_exit(ev, 101);
  st = early;
  cr_assert_eq(rule_matches(ev, "syscall", 1, "Ctr meta"), 1);
  /* tables are only found at init: the table registered later changes
   * nothing for the state inited before it */
  st = late;
  cr_assert_eq(rule_matches(ev, "syscall", 1, "Ctr meta"), -1);
  cr_assert_eq(rule_matches(ev, "syscall", 1, "Ctr id only"), 1);
  A.destroy(early);
  st = late;
  fini_ctr();
}

/* strict_fields turns the dropped rules into an init failure naming the
 * option; without the table every container rule would be dropped. */
Test(falco_containers, strict_fields) {
  load_module();
  mk_tmpdir();
  snprintf(pack, sizeof pack, "%s/ctr.vpk", tmpdir);
  compile_pack(ctr_rules, pack, NULL);
  char cfg[700];
  snprintf(cfg, sizeof cfg, "{\"pack\":\"%s\",\"strict_fields\":true}", pack);
  containers_on = 0;
  ss_plugin_rc rc = SS_PLUGIN_SUCCESS;
  ss_plugin_t *s = init_with(cfg, &rc, 1);
  cr_assert_eq(rc, SS_PLUGIN_FAILURE);
  cr_assert(strstr(A.last_error(s), "strict_fields is set"), "%s",
            A.last_error(s));
  cr_assert(strstr(A.last_error(s), "7 rule(s)"), "%s", A.last_error(s));
  A.destroy(s);
  /* with the table present only the rule reading a field no table has
   * (container.privileged) still fails it */
  containers_on = 1;
  rc = SS_PLUGIN_SUCCESS;
  s = init_with(cfg, &rc, 1);
  cr_assert_eq(rc, SS_PLUGIN_FAILURE);
  cr_assert(strstr(A.last_error(s), "1 rule(s)"), "%s", A.last_error(s));
  A.destroy(s);
  snprintf(cfg, sizeof cfg, "{\"pack\":\"%s\",\"strict_fields\":1}", pack);
  s = init_with(cfg, &rc, 1);
  cr_assert_eq(rc, SS_PLUGIN_FAILURE);
  cr_assert(strstr(A.last_error(s), "'strict_fields' must be true or false"));
  A.destroy(s);
}
