/*
 * fuzz_plugin.c - the Falco plugin entry points under arbitrary input:
 * init configs (JSON of any shape, naming the real pack, a missing one or
 * the fuzz input itself as a pack) and raw events of any type, parameter
 * layout and source, extracted with every vigil.* field against a small
 * fake thread/fd table. The plugin's sources are compiled into this file
 * (it is a MODULE, not a library the fuzzer can link). Must never crash,
 * hang, leak or read out of bounds. Owner: falco.
 *
 * Input layout: byte 0 = mode (bit 0: the config comes from the input,
 * bit 1: the init gets no state tables, bit 2: write the rest of the
 * input as the pack file itself, bit 3: the container plugin's
 * "containers" table exists); then, with bit 0, the config text up to
 * a NUL byte ("@PACK" in it names the prepared pack); then events, each
 * as u8 selector (bits 0-2 source, bit 5 parse it first, bit 6 one
 * field only, bit 7 same event number as before), u16 little-endian length
 * L and L bytes (the header's length field is set to the real size, as a
 * host guarantees).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "back/pack_rules.h"
#include "util/alloc.h"
#include "vigil/compiler.h"

#include "falco/falco_plugin.c"
#include "falco/falco_tables.c"
#include "falco/falco_users.c"

static const char fz_rules[] =
    "- list: shells\n"
    "  items: [bash, sh, zsh]\n"
    "- rule: shell\n"
    "  desc: d\n"
    "  condition: evt.type in (execve, execveat) and evt.dir=< and "
    "proc.name in (shells) and proc.aname contains ssh and "
    "proc.cmdline contains -c\n"
    "  output: o %proc.name\n"
    "  priority: WARNING\n"
    "- rule: files\n"
    "  desc: d\n"
    "  condition: evt.type in (open, openat, close, read, connect) and "
    "(fd.name glob '/etc/*' or fd.sip=10.0.0.1 or fd.sport=22 or "
    "evt.arg.flags contains O_RDWR or evt.rawres < 0)\n"
    "  output: o %fd.name\n"
    "  priority: ERROR\n"
    "- rule: any syscall\n"
    "  desc: d\n"
    "  condition: proc.exepath endswith sh or user.name=root or "
    "thread.tid > 100 or evt.buffer bcontains 41\n"
    "  output: o\n"
    "  priority: DEBUG\n"
    "- rule: ctr\n"
    "  desc: d\n"
    "  condition: evt.type in (execve, execveat) and (container.name=web or "
    "container.image.tag startswith 1 or container.image.digest exists or "
    "container.type=host or container.ip=\"\" or "
    "container.image.repository endswith b or container.id=c1)\n"
    "  output: o\n"
    "  priority: DEBUG\n"
    "- rule: privileged\n"
    "  desc: d\n"
    "  condition: evt.type=execve and not container.privileged=true\n"
    "  output: o\n"
    "  priority: DEBUG\n"
    "- rule: k8s\n"
    "  desc: d\n"
    "  condition: ka.verb=get and ka.target.resource in (secrets, pods) "
    "and ka.req.pod.containers.image in (xx)\n"
    "  output: o\n"
    "  priority: DEBUG\n"
    "  source: k8s_audit\n"
    "- rule: trail\n"
    "  desc: d\n"
    "  condition: ct.name=ConsoleLogin and json.value[/userIdentity/type] "
    "= Root\n"
    "  output: o\n"
    "  priority: DEBUG\n"
    "  source: aws_cloudtrail\n";

static char fz_pack[64];
static char fz_scratch_pack[64];

static void fz_cleanup(void) {
  if (fz_pack[0])
    unlink(fz_pack);
  if (fz_scratch_pack[0])
    unlink(fz_scratch_pack);
}

static int fz_prepare(void) {
  static int done, ok;
  if (done)
    return ok;
  done = 1;
  vigil_compiler_options o = VIGIL_COMPILER_OPTIONS_INIT;
  vigil_compiler *c = NULL;
  if (vigil_compiler_new(&o, &c) != VIGIL_OK)
    return 0;
  uint8_t *bytes = NULL;
  size_t len = 0, nrules = 0;
  char err[256];
  if (vigil_compiler_load_buffer(c, "fuzz.yaml", fz_rules,
                                 sizeof fz_rules - 1) == VIGIL_OK &&
      vg_pack_rules(c, true, &bytes, &len, &nrules, err, sizeof err) ==
          VIGIL_OK) {
    snprintf(fz_pack, sizeof fz_pack, "/tmp/vigil_fuzz_plugin_XXXXXX");
    int fd = mkstemp(fz_pack);
    if (fd >= 0) {
      ok = write(fd, bytes, len) == (ssize_t)len;
      close(fd);
    }
    snprintf(fz_scratch_pack, sizeof fz_scratch_pack,
             "/tmp/vigil_fuzz_plugin_XXXXXX");
    fd = mkstemp(fz_scratch_pack);
    if (fd >= 0)
      close(fd);
    else
      fz_scratch_pack[0] = 0;
    atexit(fz_cleanup);
  }
  vg_free(bytes);
  vigil_compiler_free(c);
  return ok;
}

/* ---- a small fake thread table -------------------------------------------- */

typedef struct fz_thread {
  int64_t tid, pid, ptid;
  const char *comm, *exe_path, *container_id;
  const char *args[2];
  uint64_t nargs;
  int64_t fd;
  const char *fdname;
} fz_thread;

static const fz_thread fz_threads[] = {
    {1, 1, 1, "init", "/sbin/init", "", {0}, 0, -1, NULL},
    {50, 50, 1, "sshd", "/usr/sbin/sshd", NULL, {"-D"}, 1, 3, "0.0.0.0:22"},
    {200, 200, 50, "bash", "/bin/bash", "c1", {"-c", "id"}, 2, 4,
     "/etc/shadow"},
    {201, 200, 201, "bash", "/bin/bash", "zz", {0}, 0, -1, NULL}};
enum { FZ_NT = sizeof fz_threads / sizeof fz_threads[0] };

typedef struct fz_tab {
  int kind; /* 0 threads, 1 args, 2 fds, 3 containers */
  const fz_thread *t;
} fz_tab;

static fz_tab fz_threads_tab = {0, NULL};
/* the container plugin's table, with mode bit 3 (odd contents: an image
 * of separators only, the id column unset) */
static fz_tab fz_ctr_tab = {3, NULL};
static int fz_with_ctr;
static const char *const fz_ctrs[][4] = {
    /* key, name, image, ip */
    {"c1", "web", "reg:5000/a/b:1.2@sha256:x", "10.0.0.1"},
    {"zz", "", "::@@//:", ""},
    {"", "host", "", ""}};
static fz_tab fz_subs[64];
static int fz_nsubs;
static const char *fz_fields[] = {"tid", "pid", "ptid", "comm", "exe_path",
                                  "args", "file_descriptors", "value",
                                  "name", "container_id", "image", "ip",
                                  "type"};
static const ss_plugin_state_type fz_types[] = {
    SS_PLUGIN_ST_INT64, SS_PLUGIN_ST_INT64, SS_PLUGIN_ST_INT64,
    SS_PLUGIN_ST_STRING, SS_PLUGIN_ST_STRING, SS_PLUGIN_ST_TABLE,
    SS_PLUGIN_ST_TABLE, SS_PLUGIN_ST_STRING, SS_PLUGIN_ST_STRING,
    SS_PLUGIN_ST_STRING, SS_PLUGIN_ST_STRING, SS_PLUGIN_ST_STRING,
    SS_PLUGIN_ST_UINT32};
static int fz_tmp_entry;

static ss_plugin_table_t *fz_get_table(ss_plugin_owner_t *o, const char *n,
                                       ss_plugin_state_type k) {
  if (fz_with_ctr && !strcmp(n, "containers") && k == SS_PLUGIN_ST_STRING)
    return &fz_ctr_tab;
  return strcmp(n, "threads") || k != SS_PLUGIN_ST_INT64 ? NULL
                                                         : &fz_threads_tab;
}

static ss_plugin_table_field_t *fz_get_field(ss_plugin_table_t *t,
                                             const char *name,
                                             ss_plugin_state_type type) {
  for (size_t i = 0; i < sizeof fz_fields / sizeof *fz_fields; i++)
    if (!strcmp(fz_fields[i], name) && fz_types[i] == type)
      return (void *)&fz_fields[i];
  return NULL;
}

static ss_plugin_table_entry_t *fz_get_entry(ss_plugin_table_t *t,
                                             const ss_plugin_state_data *k) {
  fz_tab *ft = t;
  if (ft->kind == 3) {
    for (size_t i = 0; i < 3; i++)
      if (k->str && !strcmp(fz_ctrs[i][0], k->str))
        return (void *)fz_ctrs[i];
    return NULL;
  }
  if (ft->kind == 0) {
    for (int i = 0; i < FZ_NT; i++)
      if (fz_threads[i].tid == k->s64)
        return (void *)&fz_threads[i];
    return NULL;
  }
  if (ft->kind == 1)
    return k->u64 < ft->t->nargs ? (void *)&ft->t->args[k->u64] : NULL;
  return ft->t->fd >= 0 && k->s64 == ft->t->fd ? (void *)ft->t : NULL;
}

static uint64_t fz_size(ss_plugin_table_t *t) {
  fz_tab *ft = t;
  return ft->kind == 0 ? FZ_NT : ft->kind == 1 ? ft->t->nargs : 1;
}

static ss_plugin_rc fz_read(ss_plugin_table_t *t, ss_plugin_table_entry_t *e,
                            const ss_plugin_table_field_t *f,
                            ss_plugin_state_data *out) {
  fz_tab *ft = t;
  const char *name = *(const char *const *)f;
  memset(out, 0, sizeof *out);
  if (e == (void *)&fz_tmp_entry) {
    if (fz_nsubs < 64) {
      fz_subs[fz_nsubs].kind = !strcmp(name, "args") ? 1 : 2;
      fz_subs[fz_nsubs].t = &fz_threads[0];
      out->table = &fz_subs[fz_nsubs++];
    }
    return SS_PLUGIN_SUCCESS;
  }
  if (ft->kind == 1) {
    out->str = *(const char *const *)e;
    return SS_PLUGIN_SUCCESS;
  }
  if (ft->kind == 3) {
    const char *const *c = e;
    if (!strcmp(name, "type"))
      out->u32 = c[1][0] ? 0 : 0xfffe;
    else
      out->str = !strcmp(name, "name")    ? c[1]
                 : !strcmp(name, "image") ? c[2]
                 : !strcmp(name, "ip")    ? c[3]
                                          : NULL; /* id: NULL as unset */
    return SS_PLUGIN_SUCCESS;
  }
  const fz_thread *th = e;
  if (ft->kind == 2) {
    out->str = th->fdname;
    return SS_PLUGIN_SUCCESS;
  }
  if (!strcmp(name, "tid"))
    out->s64 = th->tid;
  else if (!strcmp(name, "pid"))
    out->s64 = th->pid;
  else if (!strcmp(name, "ptid"))
    out->s64 = th->ptid;
  else if (!strcmp(name, "comm"))
    out->str = th->comm;
  else if (!strcmp(name, "exe_path"))
    out->str = th->exe_path;
  else if (!strcmp(name, "container_id"))
    out->str = th->container_id; /* NULL: an unset dynamic field */
  else if (fz_nsubs < 64) {
    fz_subs[fz_nsubs].kind = !strcmp(name, "args") ? 1 : 2;
    fz_subs[fz_nsubs].t = th;
    out->table = &fz_subs[fz_nsubs++];
  } else {
    return SS_PLUGIN_FAILURE;
  }
  return SS_PLUGIN_SUCCESS;
}

static void fz_release(ss_plugin_table_t *t, ss_plugin_table_entry_t *e) {}

static ss_plugin_table_entry_t *fz_create(ss_plugin_table_t *t) {
  return &fz_tmp_entry;
}

static void fz_destroy(ss_plugin_table_t *t, ss_plugin_table_entry_t *e) {}

static ss_plugin_table_fields_vtable_ext fz_fv = {NULL, fz_get_field, NULL};
static ss_plugin_table_reader_vtable_ext fz_rv = {
    NULL, fz_size, fz_get_entry, fz_read, fz_release, NULL};
static ss_plugin_table_writer_vtable_ext fz_wv = {NULL, NULL, fz_create,
                                                 fz_destroy, NULL, NULL};
static ss_plugin_init_tables_input fz_tin = {
    NULL, fz_get_table, NULL, {NULL, fz_get_field, NULL}, &fz_fv, &fz_rv,
    &fz_wv};

/* ---- the entry point ------------------------------------------------------ */

static const char *const fz_sources[] = {"syscall", "k8s_audit",
                                         "aws_cloudtrail", "okta", "nope",
                                         NULL};

static void fz_config(char *out, size_t cap, const uint8_t *p, size_t n) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 1 < cap; i++) {
    if (i + 5 <= n && !memcmp(p + i, "@PACK", 5)) {
      int w = snprintf(out + o, cap - o, "%s", fz_pack);
      if (w < 0 || (size_t)w >= cap - o)
        break;
      o += (size_t)w;
      i += 4;
      continue;
    }
    out[o++] = (char)p[i];
  }
  out[o] = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fz_prepare())
    abort(); /* the harness's own rules must compile */
  if (size < 1)
    return 0;
  uint8_t mode = data[0];
  size_t pos = 1;
  static char cfg[8192];
  if (mode & 4) {
    /* the rest of the input is the pack */
    FILE *f = fz_scratch_pack[0] ? fopen(fz_scratch_pack, "wb") : NULL;
    if (!f)
      return 0;
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    snprintf(cfg, sizeof cfg, "{\"pack\":\"%s\"}", fz_scratch_pack);
    pos = size;
  } else if (mode & 1) {
    const uint8_t *nul = memchr(data + 1, 0, size - 1);
    size_t n = nul ? (size_t)(nul - (data + 1)) : size - 1;
    fz_config(cfg, sizeof cfg, data + 1, n);
    pos = 1 + n + (nul ? 1 : 0);
  } else {
    snprintf(cfg, sizeof cfg, "{\"pack\":\"%s\"}", fz_pack);
  }
  ss_plugin_init_input in = {cfg, NULL, NULL, (mode & 2) ? NULL : &fz_tin,
                             NULL};
  ss_plugin_rc rc = SS_PLUGIN_FAILURE;
  fz_nsubs = 0;
  fz_with_ctr = (mode & 8) != 0;
  ss_plugin_t *s = plugin_init(&in, &rc);
  if (!s)
    return 0;
  (void)plugin_get_last_error(s);
  uint32_t nt = 0;
  (void)plugin_get_extract_event_types(&nt, s);
  (void)plugin_get_parse_event_types(&nt, s);
  (void)plugin_get_metrics(s, &nt);
  static uint8_t ev[65536 + VG_FALCO_EVT_HDR];
  uint64_t num = 0;
  while (pos + 3 <= size) {
    uint8_t sel = data[pos];
    size_t l = (size_t)data[pos + 1] | (size_t)data[pos + 2] << 8;
    pos += 3;
    if (l > size - pos)
      l = size - pos;
    size_t n = l < VG_FALCO_EVT_HDR ? VG_FALCO_EVT_HDR : l;
    memset(ev, 0, n);
    memcpy(ev, data + pos, l);
    pos += l;
    ev[16] = (uint8_t)n;
    ev[17] = (uint8_t)(n >> 8);
    ev[18] = (uint8_t)(n >> 16);
    ev[19] = 0;
    ss_plugin_event_input ei = {(const ss_plugin_event *)(void *)ev,
                                (sel & 0x80) ? num : ++num,
                                fz_sources[(sel & 7) % 5]};
    ss_plugin_extract_field f[F__COUNT + 1];
    memset(f, 0x5A, sizeof f);
    for (uint32_t i = 0; i < F__COUNT + 1; i++) {
      f[i].field_id = i < F__COUNT ? i : F_RULE;
      f[i].arg_present = f[i].field_id == F_RULE;
      f[i].arg_key = i == F_RULE ? "shell" : i == F__COUNT ? "k8s" : NULL;
    }
    ss_plugin_field_extract_input xin;
    memset(&xin, 0, sizeof xin);
    xin.num_fields = (sel & 0x40) ? 1 : F__COUNT + 1;
    xin.fields = f;
    xin.table_reader_ext = &fz_rv;
    fz_nsubs = 0;
    if (sel & 0x20) {
      ss_plugin_event_parse_input pin;
      memset(&pin, 0, sizeof pin);
      pin.table_reader_ext = &fz_rv;
      (void)plugin_parse_event(s, &ei, &pin);
    }
    if (plugin_extract_fields(s, &ei, &xin) == SS_PLUGIN_SUCCESS) {
      /* read every value the plugin returned */
      for (uint32_t i = 0; i < xin.num_fields; i++)
        for (uint64_t k = 0; k < f[i].res_len; k++) {
          uint32_t id = f[i].field_id;
          if (id == F_RULE)
            (void)f[i].res.boolean[k];
          else if (id == F_COUNT)
            (void)f[i].res.u64[k];
          else if (strlen(f[i].res.str[k]) > 1u << 20)
            abort();
        }
    }
  }
  plugin_destroy(s);
  return 0;
}
