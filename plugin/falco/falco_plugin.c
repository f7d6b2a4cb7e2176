/*
 * falco_plugin.c - the Falco plugin entry points of libvigil.so (plugin API
 * 3.x, required version 3.5.0; plugin-abi.md). The plugin has the field
 * extraction capability only: at init it loads a compiled vigil pack (the
 * path comes from the JSON init config), binds the pack's fields to the
 * syscall extractors (fed from Falco's thread/fd tables and the raw event)
 * and to the JSON extractors (fed from plugin-source event payloads), and
 * creates a per-state vigil_vm; syscall rules reading container fields
 * the tables found at init cannot give are not loaded (drop_rules). Falco
 * rules then read vigil's verdicts through the vigil.* fields: the pack is
 * evaluated at most once per event (memoised on the event number),
 * whatever the number of fields asked.
 *
 * Every state is independent (Falco inits one per event source, possibly
 * on different threads); the only globals are constant strings. Errors are
 * kept in the state for plugin_get_last_error; nothing here prints, aborts
 * or exits. Only the plugin_* symbols are exported (exports.map). Owner:
 * falco.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "falco/falco_abi.h"
#include "falco/falco_tables.h"
#include "fields/syscall_fields.h"
#include "json/json_host.h"
#include "vigil/program.h"
#include "vigil/vigil.h"
#include "vigil/vm.h"
#include "vg_tables.h"

#define PLUGIN_API __attribute__((visibility("default")))

_Static_assert(sizeof(ss_plugin_extract_field) == 64, "extract field ABI");
_Static_assert(sizeof(ss_plugin_event_input) == 24, "event input ABI");
_Static_assert(sizeof(ss_plugin_init_input) == 40, "init input ABI");
_Static_assert(sizeof(ss_plugin_init_tables_input) == 72, "tables input ABI");
_Static_assert(sizeof(ss_plugin_field_extract_input) == 72,
               "extract input ABI");
_Static_assert(sizeof(ss_plugin_table_reader_vtable_ext) == 48,
               "reader vtable ABI");
_Static_assert(sizeof(ss_plugin_byte_buffer) == 16, "byte buffer ABI");
_Static_assert(sizeof(ss_plugin_metric) == 32, "metric ABI");
_Static_assert(sizeof(ss_plugin_event_parse_input) == 112, "parse input ABI");

enum {
  VPOOL = 4096,              /* extracted values per event */
  SCRATCH = 256 * 1024,      /* extracted string bytes per event */
  MAX_PACK = 256 << 20,      /* largest pack file accepted */
  ERRLEN = 1024
};

/* The fields this plugin exports; the order is the field_id. */
enum {
  F_MATCH, F_MATCHES, F_RULE, F_COUNT, F_PRIORITY, F_TAGS, F_ERROR,
  F__COUNT
};

static const char fields_json[] =
    "["
    "{\"name\":\"vigil.match\",\"type\":\"string\","
    "\"desc\":\"Name of the first vigil rule (in pack order) matching the "
    "event\"},"
    "{\"name\":\"vigil.matches\",\"type\":\"string\",\"isList\":true,"
    "\"desc\":\"Names of all the vigil rules matching the event\"},"
    "{\"name\":\"vigil.rule\",\"type\":\"bool\","
    "\"arg\":{\"isRequired\":true,\"isKey\":true},"
    "\"desc\":\"True if the vigil rule named in the argument matches the "
    "event\"},"
    "{\"name\":\"vigil.count\",\"type\":\"uint64\","
    "\"desc\":\"Number of vigil rules matching the event\"},"
    "{\"name\":\"vigil.priority\",\"type\":\"string\","
    "\"desc\":\"Priority of the first matching vigil rule\"},"
    "{\"name\":\"vigil.tags\",\"type\":\"string\",\"isList\":true,"
    "\"desc\":\"Tags of the first matching vigil rule\"},"
    "{\"name\":\"vigil.error\",\"type\":\"string\","
    "\"desc\":\"Why vigil could not fully evaluate the event, if it "
    "could not\"}"
    "]";

static const char init_schema[] =
    "{\"$schema\":\"http://json-schema.org/draft-04/schema#\","
    "\"type\":\"object\","
    "\"properties\":{"
    "\"pack\":{\"type\":\"string\",\"title\":\"Pack\","
    "\"description\":\"Path of the compiled vigil rules pack "
    "(vigil compile -o PACK)\"},"
    "\"program\":{\"type\":\"string\",\"title\":\"Program\","
    "\"description\":\"Alias of pack\"},"
    "\"passwd_file\":{\"type\":\"string\",\"title\":\"Passwd file\","
    "\"description\":\"Where user.name, user.homedir and user.shell come "
    "from (default /etc/passwd; empty: none)\"},"
    "\"group_file\":{\"type\":\"string\",\"title\":\"Group file\","
    "\"description\":\"Where group.name comes from (default /etc/group; "
    "empty: none)\"},"
    "\"strict_fields\":{\"type\":\"boolean\",\"title\":\"Strict fields\","
    "\"description\":\"Fail init when a rule reads a container field the "
    "state tables cannot give (default false: such rules are not loaded "
    "and each is logged)\"}"
    "},"
    "\"additionalProperties\":false}";

static const char *const prio_names[8] = {
    "Emergency", "Alert", "Critical", "Error",
    "Warning", "Notice", "Informational", "Debug"};

/* The sources whose events vigil can evaluate (plugin-abi.md 4.8). */
static const char extract_sources[] =
    "[\"syscall\",\"k8s_audit\",\"aws_cloudtrail\",\"okta\",\"github\","
    "\"gcp_auditlog\"]";

typedef enum bkind { B_NONE, B_SYS, B_JSON, B_CONTAINER_ID } bkind;

typedef struct bound {
  bkind kind;
  uint32_t id; /* json host id */
  vg_sysf_ref ref;
} bound;

typedef struct vstate {
  char err[ERRLEN];
  ss_plugin_owner_t *owner;
  ss_plugin_log_fn_t log_fn;
  vigil_program *prog;
  vigil_vm *vm;
  vg_ftables *tables;
  vg_json_host *jh;
  vg_fusers users, groups;
  bound *b;
  size_t nb, capb;
  size_t nrules;
  /* rule name -> index, open addressing, cap a power of two */
  uint32_t *hash;
  size_t hcap;
  uint16_t *evtypes;
  uint32_t nevtypes;
  uint16_t *ptypes; /* parse codes: enter events whose fd exits lack */
  uint32_t nptypes;
  /* per event */
  bool have;
  uint64_t evtnum;
  const void *evtptr;
  vg_evt evt;
  json_t *jroot;
  vg_json_event jev;
  uint8_t *matched; /* per rule: matched the current event */
  uint8_t *dropped; /* per rule: needs a field Falco's tables cannot give */
  size_t ndropped;
  uint32_t *mbuf;   /* the matches of non-dropped rules */
  const uint32_t *matches;
  size_t nmatches;
  char everr[256];
  vg_value *vpool;
  size_t vused;
  uint8_t *scratch;
  size_t sused;
  /* metrics: written on the event thread, read by get_metrics, which the
   * host may call from another thread at the same time (plugin-abi.md
   * 6.2); writing the snapshot array is guarded by a spin flag (two
   * concurrent callers may both read the fresher snapshot) */
  atomic_uint_fast64_t n_events, n_matches, n_errors;
  atomic_flag mlock;
  ss_plugin_metric metrics[4];
  /* extraction results, valid until the next extract call */
  const char **rstr;
  uint64_t *ru64;
  ss_plugin_bool *rbool;
  size_t rcap, rused;
} vstate;

/* ---- small helpers -------------------------------------------------------- */

static void set_err(vstate *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_err(vstate *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->err, sizeof s->err, fmt, ap);
  va_end(ap);
}

static void logmsg(vstate *s, ss_plugin_log_severity sev, const char *msg) {
  if (s->log_fn)
    s->log_fn(s->owner, NULL, msg, sev);
}

static uint32_t hash_str(const char *p) {
  uint32_t h = 2166136261u;
  for (; *p; p++)
    h = (h ^ (uint8_t)*p) * 16777619u;
  return h;
}

/* The index of the rule called name, or -1. */
static long rule_index(const vstate *s, const char *name) {
  if (!s->hcap || !name)
    return -1;
  size_t m = s->hcap - 1;
  for (size_t i = hash_str(name) & m;; i = (i + 1) & m) {
    uint32_t v = s->hash[i];
    if (v == 0)
      return -1;
    vigil_rule_info ri;
    vigil_program_rule(s->prog, v - 1, &ri);
    if (strcmp(ri.name, name) == 0)
      return (long)(v - 1);
  }
}

static bool build_hash(vstate *s) {
  size_t cap = 16;
  while (cap < s->nrules * 2 + 2)
    cap *= 2;
  s->hash = calloc(cap, sizeof *s->hash);
  if (!s->hash)
    return false;
  s->hcap = cap;
  for (size_t r = 0; r < s->nrules; r++) {
    vigil_rule_info ri;
    vigil_program_rule(s->prog, r, &ri);
    if (rule_index(s, ri.name) >= 0)
      continue; /* first rule of a name wins */
    size_t i = hash_str(ri.name) & (cap - 1);
    while (s->hash[i])
      i = (i + 1) & (cap - 1);
    s->hash[i] = (uint32_t)r + 1;
  }
  return true;
}

/* ---- pack binding --------------------------------------------------------- */

/*
 * The container plugin's syscall fields and where the plugin gets them
 * inside Falco. NULL: not a container plugin field. "": from the thread
 * table alone (container.id from container_id, start_ts/duration from
 * pidns_init_start_ts). A column name: from that column of the container
 * plugin's "containers" table. CT_NEVER: the table has no such data
 * (labels, mounts, privileged, k8s.pod.*, ...).
 */
static const char CT_NEVER[] = "(never)";

static const char *container_source(const char *name) {
  static const struct {
    const char *name, *column;
  } known[] = {
      {"container.id", ""},
      {"container.start_ts", ""},
      {"container.duration", ""},
      {"container.name", "name"},
      {"container.image", "image"},
      {"container.image.repository", "image"},
      {"container.image.tag", "image"},
      {"container.image.digest", "image"},
      {"container.type", "type"},
      {"container.ip", "ip"},
      /* deprecated: the container plugin never gives them a value, which
       * the plugin reproduces once that plugin is known to be there */
      {"container.healthcheck", "id"},
      {"container.liveness_probe", "id"},
      {"container.readiness_probe", "id"},
      {"proc.is_container_healthcheck", "id"},
      {"proc.is_container_liveness_probe", "id"},
      {"proc.is_container_readiness_probe", "id"},
      {"k8s.ns.id", "id"},
      {"k8s.ns.label", "id"},
      {"k8s.ns.labels", "id"}};
  static const char *const deprecated_prefix[] = {
      "k8s.rc.", "k8s.svc.", "k8s.rs.", "k8s.deployment."};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (!strcmp(name, known[i].name))
      return known[i].column;
  for (size_t i = 0; i < 4; i++)
    if (!strncmp(name, deprecated_prefix[i], strlen(deprecated_prefix[i])))
      return "id";
  if (!strncmp(name, "container.", 10) || !strncmp(name, "k8s.", 4))
    return CT_NEVER;
  return NULL;
}

/* Whether a container plugin field (column from container_source) can be
 * extracted with the tables found at init. */
static bool container_available(const vstate *s, const char *column) {
  if (column == CT_NEVER)
    return false;
  return !*column || vg_ftables_has_container_column(s->tables, column);
}

static vigil_status binder(void *ud, const char *source, const char *name,
                           const char *arg, uint32_t type, uint32_t flags,
                           uint32_t *id, char *err, size_t errsz) {
  vstate *s = ud;
  if (s->nb == s->capb) {
    size_t nc = s->capb ? s->capb * 2 : 32;
    bound *nbuf = realloc(s->b, nc * sizeof *nbuf);
    if (!nbuf)
      return VIGIL_E_NOMEM;
    s->b = nbuf;
    s->capb = nc;
  }
  bound *b = &s->b[s->nb];
  memset(b, 0, sizeof *b);
  b->kind = B_NONE;
  char full[512];
  const char *ccol =
      source && !strcmp(source, "syscall") ? container_source(name) : NULL;
  if (ccol && !container_available(s, ccol)) {
    /* never read: every rule that reads it is dropped (see drop_rules) */
    b->kind = B_NONE;
    *id = (uint32_t)s->nb++;
    return VIGIL_OK;
  }
  if (ccol && !strcmp(name, "container.id") && !arg) {
    /* the container plugin's field, from the thread table */
    b->kind = B_CONTAINER_ID;
  } else if (source && strcmp(source, "syscall") == 0) {
    const char *forms[2] = {"%s[%s]", "%s.%s"};
    for (int k = 0; k < (arg ? 2 : 1); k++) {
      int l = arg ? snprintf(full, sizeof full, forms[k], name, arg)
                  : snprintf(full, sizeof full, "%s", name);
      size_t used = 0;
      if (l > 0 && (size_t)l < sizeof full &&
          vg_sysf_parse(full, &b->ref, &used) == VIGIL_OK &&
          used == (size_t)l) {
        b->kind = B_SYS;
        break;
      }
    }
  } else {
    if (arg)
      snprintf(full, sizeof full, "%s[%s]", name, arg);
    else
      snprintf(full, sizeof full, "%s", name);
    char jerr[256];
    if (vg_json_host_bind(s->jh, full, &b->id, jerr, sizeof jerr) ==
        VIGIL_OK)
      b->kind = B_JSON;
  }
  if (b->kind == B_NONE) {
    /* a field vigil cannot extract inside Falco (container.*, k8s.*
     * from other plugins, ...) has no value; say so once */
    char msg[700];
    snprintf(msg, sizeof msg,
             "field '%s%s%s%s' (source %s) is not available in the "
             "plugin: it has no value",
             name, arg ? "[" : "", arg ? arg : "", arg ? "]" : "",
             source ? source : "?");
    logmsg(s, SS_PLUGIN_LOG_SEV_WARNING, msg);
  }
  *id = (uint32_t)s->nb++;
  return VIGIL_OK;
}

static vigil_status vm_extract(void *ctx, uint32_t id, const vg_value **vals,
                               size_t *n) {
  vstate *s = ctx;
  *n = 0;
  if (id >= s->nb)
    return VIGIL_E_INVAL;
  bound *b = &s->b[id];
  switch (b->kind) {
  case B_SYS: {
    size_t max = VPOOL - s->vused, used = 0;
    if (max > 256)
      max = 256;
    if (max == 0)
      return VIGIL_E_LIMIT;
    vg_value *out = s->vpool + s->vused;
    vigil_status st = vg_sysf_extract(vg_ftables_accessor(s->tables), &b->ref,
                                      out, max, n, s->scratch + s->sused,
                                      SCRATCH - s->sused, &used);
    if (st != VIGIL_OK) {
      *n = 0;
      return st;
    }
    s->vused += *n;
    s->sused += used;
    *vals = out;
    return VIGIL_OK;
  }
  case B_CONTAINER_ID: {
    const char *cid = vg_ftables_container_id(s->tables);
    if (!cid || s->vused >= VPOOL)
      return VIGIL_OK;
    if (!*cid)
      cid = "host";
    vg_value *out = s->vpool + s->vused++;
    out->type = VG_FT_CHARBUF;
    out->v.s.p = (const uint8_t *)cid;
    out->v.s.n = strlen(cid);
    *vals = out;
    *n = 1;
    return VIGIL_OK;
  }
  case B_JSON:
    if (!s->jroot)
      return VIGIL_OK;
    return vg_json_host_extract(s->jh, b->id, vals, n);
  default:
    return VIGIL_OK;
  }
}

static const vigil_event_ops vm_ops = {sizeof(vigil_event_ops), vm_extract};

/*
 * Falco without the container plugin has no container.* / k8s.* fields:
 * a rule reading one fails to load (LOAD_ERR_COMPILE_CONDITION "filter_check
 * called with nonexistent field ...", or dropped with a warning under
 * skip-if-unknown-filter). The plugin does the same for the rules that
 * read a container field the tables found at init cannot give: such a rule
 * is not loaded (it never matches and vigil.rule[NAME] has no value, as
 * for an unknown name), and each is logged once, with the fix.
 */
static bool drop_rules(vstate *s) {
  size_t nf = vigil_program_nfields(s->prog);
  s->dropped = calloc(s->nrules + 1, 1);
  s->mbuf = malloc((s->nrules + 1) * sizeof *s->mbuf);
  if (!s->dropped || !s->mbuf)
    return false;
  bool table = vg_ftables_has_container_column(s->tables, NULL);
  for (size_t f = 0; f < nf; f++) {
    const char *arg = NULL;
    const char *name = vigil_program_field_name(s->prog, f, &arg, NULL);
    const char *col = container_source(name);
    if (!col || container_available(s, col))
      continue;
    for (size_t r = 0; r < s->nrules; r++) {
      if (s->dropped[r] || !vigil_program_rule_reads_field(s->prog, r, f))
        continue;
      vigil_rule_info ri;
      vigil_program_rule(s->prog, r, &ri);
      if (strcmp(ri.source, "syscall") != 0)
        continue;
      s->dropped[r] = 1;
      s->ndropped++;
      char msg[900];
      if (col == CT_NEVER)
        snprintf(msg, sizeof msg,
                 "rule '%s' is not loaded: field '%s' is not in Falco's "
                 "state tables (the container plugin keeps it to itself)",
                 ri.name, name);
      else if (table)
        snprintf(msg, sizeof msg,
                 "rule '%s' is not loaded: field '%s' needs column '%s' of "
                 "the container plugin's 'containers' table, which this "
                 "container plugin does not have",
                 ri.name, name, col);
      else
        snprintf(msg, sizeof msg,
                 "rule '%s' is not loaded: field '%s' needs the container "
                 "plugin's 'containers' table, which did not exist when "
                 "vigil was initialised; load the container plugin (0.4.0 "
                 "or later with that table) before vigil: load_plugins: "
                 "[container, vigil] (without the container plugin, Falco "
                 "itself rejects rules using container fields)",
                 ri.name, name);
      logmsg(s, SS_PLUGIN_LOG_SEV_ERROR, msg);
    }
  }
  return true;
}

/* The event codes the pack's syscall rules need, plus the plugin event
 * code for other sources; none (= every code) when a rule needs all or a
 * code newer than Falco 0.38 knows. */
static bool build_evtypes(vstate *s) {
  static const size_t NCODES = 65536;
  uint8_t *seen = calloc(NCODES, 1);
  if (!seen)
    return false;
  bool all = false, other = false;
  for (size_t r = 0; r < s->nrules && !all; r++) {
    vigil_rule_info ri;
    vigil_program_rule(s->prog, r, &ri);
    if (!(ri.flags & VIGIL_RULE_ENABLED) || s->dropped[r])
      continue;
    if (strcmp(ri.source, "syscall") != 0) {
      other = true;
      continue;
    }
    if (ri.flags & VIGIL_RULE_ALL_EVENTS) {
      all = true;
      break;
    }
    for (size_t i = 0; i < ri.nevt; i++) {
      unsigned c = vigil_program_rule_evt(s->prog, r, i);
      if (c >= VG_FALCO_EVENT_MAX_038)
        all = true;
      else
        seen[c] = 1;
    }
  }
  /* parse codes: the enter events (with an fd) of the exit events the
   * rules need, so Falco captures nothing it would not capture anyway */
  size_t np = 0;
  s->ptypes = malloc(VG_FALCO_EVENT_MAX_038 * sizeof *s->ptypes);
  if (!s->ptypes) {
    free(seen);
    return false;
  }
  for (unsigned c = 1; c < VG_FALCO_EVENT_MAX_038 && c < VG_EVENT_MAX;
       c += 2) {
    uint32_t fl = vg_event_table[c - 1].flags;
    if ((all || seen[c]) && (fl & (VG_EF_USES_FD | VG_EF_DESTROYS_FD)))
      s->ptypes[np++] = (uint16_t)(c - 1);
  }
  /* an empty list would mean every code: name one that is no syscall */
  if (np == 0)
    s->ptypes[np++] = VG_FALCO_PLUGINEVENT;
  s->nptypes = (uint32_t)np;
  if (other)
    seen[VG_FALCO_PLUGINEVENT] = 1;
  size_t n = 0;
  for (size_t c = 0; c < NCODES; c++)
    n += seen[c];
  s->nevtypes = 0;
  if (!all && n) {
    s->evtypes = malloc(n * sizeof *s->evtypes);
    if (!s->evtypes) {
      free(seen);
      return false;
    }
    for (size_t c = 0; c < NCODES; c++)
      if (seen[c])
        s->evtypes[s->nevtypes++] = (uint16_t)c;
  }
  free(seen);
  return true;
}

/* ---- config and pack loading ---------------------------------------------- */

static bool read_file(vstate *s, const char *path, uint8_t **out,
                      size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    set_err(s, "cannot open pack '%s': %s", path, strerror(errno));
    return false;
  }
  size_t cap = 64 * 1024, n = 0;
  uint8_t *buf = malloc(cap);
  while (buf) {
    if (n == cap) {
      if (cap >= MAX_PACK) {
        set_err(s, "pack '%s' is larger than %d bytes", path, MAX_PACK);
        free(buf);
        fclose(f);
        return false;
      }
      uint8_t *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0)
      break;
  }
  if (!buf) {
    set_err(s, "out of memory reading pack '%s'", path);
    fclose(f);
    return false;
  }
  if (ferror(f)) {
    set_err(s, "cannot read pack '%s': %s", path, strerror(errno));
    free(buf);
    fclose(f);
    return false;
  }
  fclose(f);
  *out = buf;
  *len = n;
  return true;
}

typedef struct vconfig {
  const char *pack;
  const char *passwd, *group;
  bool strict_fields;
} vconfig;

/* Parses the init config; the strings point into *root. */
static bool parse_config(vstate *s, const char *config, json_t **root,
                         vconfig *c) {
  *root = NULL;
  c->pack = NULL;
  c->passwd = "/etc/passwd";
  c->group = "/etc/group";
  c->strict_fields = false;
  const char **pack = &c->pack;
  if (!config || !*config)
    config = "{}";
  json_error_t je;
  json_t *j = json_loads(config, JSON_REJECT_DUPLICATES, &je);
  if (!j) {
    set_err(s, "init config is not valid JSON: %s (line %d, column %d)",
            je.text, je.line, je.column);
    return false;
  }
  *root = j;
  if (!json_is_object(j)) {
    set_err(s, "init config must be a JSON object");
    return false;
  }
  const char *key;
  json_t *v;
  json_object_foreach(j, key, v) {
    bool is_pack = !strcmp(key, "pack") || !strcmp(key, "program");
    if (!strcmp(key, "strict_fields")) {
      if (!json_is_boolean(v)) {
        set_err(s, "init config: 'strict_fields' must be true or false");
        return false;
      }
      c->strict_fields = json_is_true(v);
      continue;
    }
    if (!is_pack && strcmp(key, "passwd_file") && strcmp(key, "group_file")) {
      set_err(s, "init config: unknown key '%s' (expected 'pack', "
                 "'passwd_file', 'group_file' or 'strict_fields')", key);
      return false;
    }
    if (!json_is_string(v)) {
      set_err(s, "init config: '%s' must be a string (%s)", key,
              is_pack ? "path of a vigil pack" : "a file path");
      return false;
    }
    if (!is_pack) {
      if (!strcmp(key, "passwd_file"))
        c->passwd = json_string_value(v);
      else
        c->group = json_string_value(v);
      continue;
    }
    if (*pack && strcmp(*pack, json_string_value(v)) != 0) {
      set_err(s, "init config: 'pack' and 'program' name different files");
      return false;
    }
    *pack = json_string_value(v);
  }
  if (!*pack || !**pack) {
    set_err(s, "init config: 'pack' (path of a compiled vigil pack, from "
               "'vigil compile -o PACK') is required");
    return false;
  }
  return true;
}

static bool setup(vstate *s, const ss_plugin_init_input *in) {
  json_t *cfg = NULL;
  vconfig vc;
  bool ok = false;
  uint8_t *bytes = NULL;
  size_t len = 0;
  if (!parse_config(s, in->config, &cfg, &vc))
    goto out;
  const char *path = vc.pack;
  s->tables = vg_ftables_new();
  s->jh = vg_json_host_new();
  s->vpool = malloc(VPOOL * sizeof *s->vpool);
  s->scratch = malloc(SCRATCH);
  if (!s->tables || !s->jh || !s->vpool || !s->scratch) {
    set_err(s, "out of memory");
    goto out;
  }
  if (!read_file(s, path, &bytes, &len))
    goto out;
  /* the tables first: the binder needs to know what they offer */
  const char *note = NULL;
  vg_ftables_bind(s->tables, in->tables, in->owner, &note);
  if (note)
    logmsg(s, SS_PLUGIN_LOG_SEV_WARNING, note);
  char why[512] = "";
  vigil_status st =
      vigil_program_load(bytes, len, binder, s, &s->prog, why, sizeof why);
  if (st != VIGIL_OK) {
    set_err(s, "cannot load pack '%s': %s", path,
            why[0] ? why : vigil_status_str(st));
    goto out;
  }
  s->nrules = vigil_program_nrules(s->prog);
  vigil_vm_opts vo = {sizeof vo, 0, false};
  s->vm = vigil_vm_new(s->prog, &vo);
  s->matched = calloc(s->nrules + 1, 1);
  s->rcap = s->nrules + 64;
  s->rstr = malloc(s->rcap * sizeof *s->rstr);
  s->ru64 = malloc(s->rcap * sizeof *s->ru64);
  s->rbool = malloc(s->rcap * sizeof *s->rbool);
  if (!s->vm || !s->matched || !s->rstr || !s->ru64 || !s->rbool ||
      !build_hash(s) || !drop_rules(s) || !build_evtypes(s)) {
    set_err(s, "out of memory");
    goto out;
  }
  if (vc.strict_fields && s->ndropped) {
    set_err(s, "%zu rule(s) of pack '%s' read container fields the state "
               "tables cannot give, and strict_fields is set (the rules and "
               "fields are logged above)",
            s->ndropped, path);
    goto out;
  }
  if (!vg_fusers_load(&s->users, vc.passwd, false) ||
      !vg_fusers_load(&s->groups, vc.group, true)) {
    set_err(s, "out of memory");
    goto out;
  }
  vg_ftables_set_users(s->tables, &s->users, &s->groups);
  char msg[700], dropped[100] = "";
  if (s->ndropped)
    snprintf(dropped, sizeof dropped,
             "; %zu rule(s) not loaded: container fields not available, "
             "see above",
             s->ndropped);
  snprintf(msg, sizeof msg, "loaded %zu rule(s) from pack '%s'%s%s",
           s->nrules - s->ndropped, path,
           vg_ftables_has_container_column(s->tables, NULL)
               ? " (container fields from the container plugin's "
                 "'containers' table)"
               : "",
           dropped);
  logmsg(s, SS_PLUGIN_LOG_SEV_INFO, msg);
  ok = true;
out:
  free(bytes);
  json_decref(cfg);
  return ok;
}

/* ---- common entry points -------------------------------------------------- */

PLUGIN_API const char *plugin_get_required_api_version(void) {
  return "3.5.0";
}

PLUGIN_API const char *plugin_get_version(void) {
  return VIGIL_VERSION_STRING;
}

PLUGIN_API const char *plugin_get_name(void) { return "vigil"; }

PLUGIN_API const char *plugin_get_description(void) {
  return "Evaluates a compiled vigil rules pack (bytecode compiled from "
         "Falco rules) inside Falco and exports its verdicts as vigil.* "
         "fields";
}

PLUGIN_API const char *plugin_get_contact(void) {
  return "https://github.com/vigil-rules/vigil";
}

PLUGIN_API const char *plugin_get_required_event_schema_version(
    ss_plugin_t *s) {
  return "4.0.0";
}

PLUGIN_API const char *plugin_get_init_schema(ss_plugin_schema_type *t) {
  if (t)
    *t = SS_PLUGIN_SCHEMA_JSON;
  return init_schema;
}

PLUGIN_API void plugin_destroy(ss_plugin_t *p) {
  vstate *s = p;
  if (!s)
    return;
  json_decref(s->jroot);
  vigil_vm_free(s->vm);
  vigil_program_free(s->prog);
  vg_ftables_free(s->tables);
  vg_json_host_free(s->jh);
  vg_fusers_fini(&s->users);
  vg_fusers_fini(&s->groups);
  free(s->b);
  free(s->hash);
  free(s->evtypes);
  free(s->ptypes);
  free(s->matched);
  free(s->dropped);
  free(s->mbuf);
  free(s->vpool);
  free(s->scratch);
  free(s->rstr);
  free(s->ru64);
  free(s->rbool);
  free(s);
}

static vstate *state_new(void) {
  vstate *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  atomic_flag_clear(&s->mlock);
  atomic_init(&s->n_events, 0);
  atomic_init(&s->n_matches, 0);
  atomic_init(&s->n_errors, 0);
  return s;
}

PLUGIN_API ss_plugin_t *plugin_init(const ss_plugin_init_input *in,
                                    ss_plugin_rc *rc) {
  vstate *s = state_new();
  if (!s) {
    if (rc)
      *rc = SS_PLUGIN_FAILURE;
    return NULL;
  }
  if (!in) {
    set_err(s, "no init input");
    if (rc)
      *rc = SS_PLUGIN_FAILURE;
    return s;
  }
  s->owner = in->owner;
  s->log_fn = in->log_fn;
  bool ok = setup(s, in);
  if (!ok) {
    /* keep only the message: the host calls destroy on this state */
    char keep[ERRLEN];
    memcpy(keep, s->err, sizeof keep);
    ss_plugin_log_fn_t lf = s->log_fn;
    ss_plugin_owner_t *ow = s->owner;
    plugin_destroy(s);
    s = state_new();
    if (!s) {
      if (rc)
        *rc = SS_PLUGIN_FAILURE;
      return NULL;
    }
    memcpy(s->err, keep, sizeof keep);
    s->log_fn = lf;
    s->owner = ow;
  }
  if (rc)
    *rc = ok ? SS_PLUGIN_SUCCESS : SS_PLUGIN_FAILURE;
  return s;
}

PLUGIN_API const char *plugin_get_last_error(ss_plugin_t *p) {
  vstate *s = p;
  return s ? s->err : "no plugin state";
}

/* ---- extraction ------------------------------------------------------------ */

PLUGIN_API const char *plugin_get_fields(void) { return fields_json; }

PLUGIN_API const char *plugin_get_extract_event_sources(void) {
  return extract_sources;
}

PLUGIN_API uint16_t *plugin_get_extract_event_types(uint32_t *n,
                                                    ss_plugin_t *p) {
  vstate *s = p;
  if (n)
    *n = 0;
  if (!s || !s->prog || !n || !s->nevtypes)
    return NULL;
  *n = s->nevtypes;
  return s->evtypes;
}

/* ---- metrics ------------------------------------------------------------ */

PLUGIN_API ss_plugin_metric *plugin_get_metrics(ss_plugin_t *p,
                                                uint32_t *num) {
  vstate *s = p;
  if (num)
    *num = 0;
  if (!s || !num || !s->prog)
    return NULL;
  while (atomic_flag_test_and_set_explicit(&s->mlock, memory_order_acquire))
    ;
  static const char *const names[3] = {"events_evaluated", "rule_matches",
                                       "evaluation_errors"};
  atomic_uint_fast64_t *src[3] = {&s->n_events, &s->n_matches, &s->n_errors};
  for (int i = 0; i < 3; i++) {
    ss_plugin_metric *m = &s->metrics[i];
    memset(m, 0, sizeof *m);
    m->name = names[i];
    m->type = SS_PLUGIN_METRIC_TYPE_MONOTONIC;
    m->value_type = SS_PLUGIN_METRIC_VALUE_TYPE_U64;
    m->value.u64 = atomic_load_explicit(src[i], memory_order_relaxed);
  }
  s->metrics[3].name = "rules_loaded";
  s->metrics[3].type = SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC;
  s->metrics[3].value_type = SS_PLUGIN_METRIC_VALUE_TYPE_U64;
  s->metrics[3].value.u64 = s->nrules - s->ndropped;
  atomic_flag_clear_explicit(&s->mlock, memory_order_release);
  *num = 4;
  return s->metrics;
}

/* ---- parsing: the fd of enter events ---------------------------------- */

PLUGIN_API const char *plugin_get_parse_event_sources(void) {
  return "[\"syscall\"]";
}

PLUGIN_API uint16_t *plugin_get_parse_event_types(uint32_t *n,
                                                  ss_plugin_t *p) {
  vstate *s = p;
  static uint16_t none[1] = {VG_FALCO_PLUGINEVENT};
  if (!n)
    return NULL;
  if (!s || !s->prog || !s->nptypes) {
    *n = 1;
    return none;
  }
  *n = s->nptypes;
  return s->ptypes;
}

PLUGIN_API ss_plugin_rc plugin_parse_event(
    ss_plugin_t *p, const ss_plugin_event_input *ei,
    const ss_plugin_event_parse_input *in) {
  vstate *s = p;
  if (!s || !s->prog || !ei || !ei->evt)
    return SS_PLUGIN_FAILURE;
  if (ei->evtsrc && strcmp(ei->evtsrc, "syscall"))
    return SS_PLUGIN_SUCCESS;
  const uint8_t *raw = (const uint8_t *)ei->evt;
  size_t avail = (size_t)((uint32_t)raw[16] | (uint32_t)raw[17] << 8 |
                          (uint32_t)raw[18] << 16 | (uint32_t)raw[19] << 24);
  vg_evt e;
  if (vg_falco_parse_event(raw, avail, &e))
    vg_ftables_parse(s->tables, &e);
  return SS_PLUGIN_SUCCESS;
}

static void reset_event(vstate *s) {
  json_decref(s->jroot);
  s->jroot = NULL;
  s->vused = 0;
  s->sused = 0;
  s->matches = NULL;
  s->nmatches = 0;
  s->everr[0] = 0;
  memset(s->matched, 0, s->nrules);
}

/* Evaluates the pack on the event once; the verdicts stay in s until the
 * next event. */
static void evaluate(vstate *s, const ss_plugin_event_input *ei,
                     const ss_plugin_field_extract_input *in) {
  reset_event(s);
  const uint8_t *raw = (const uint8_t *)ei->evt;
  if (!raw) {
    snprintf(s->everr, sizeof s->everr, "no event");
    return;
  }
  /* the header states the length; trust it as the host does */
  size_t avail = (size_t)((uint32_t)raw[16] | (uint32_t)raw[17] << 8 |
                          (uint32_t)raw[18] << 16 | (uint32_t)raw[19] << 24);
  if (!vg_falco_parse_event(raw, avail, &s->evt)) {
    snprintf(s->everr, sizeof s->everr, "malformed event");
    return;
  }
  const char *src = ei->evtsrc ? ei->evtsrc : "syscall";
  int si = vigil_program_source_index(s->prog, src);
  if (si < 0)
    return; /* no rule for this source */
  vigil_event ev;
  ev.source = (uint32_t)si;
  ev.ops = &vm_ops;
  ev.ctx = s;
  if (strcmp(src, "syscall") == 0) {
    /* the extractors index vigil's event table by type: a code newer
     * than the table (a future Falco) cannot be evaluated */
    if (s->evt.type >= VG_EVENT_MAX) {
      snprintf(s->everr, sizeof s->everr, "unknown event type %u",
               (unsigned)s->evt.type);
      return;
    }
    ev.evtype = s->evt.type;
    vg_ftables_begin(s->tables, in ? in->table_reader_ext : NULL, &s->evt,
                     ei->evtnum);
  } else {
    ev.evtype = 0;
    vg_ftables_begin(s->tables, NULL, NULL, ei->evtnum);
    vg_json_src js = vg_json_src_from_name(src);
    if (s->evt.type != VG_FALCO_PLUGINEVENT || s->evt.nparams < 2 ||
        js == VG_JSRC_NONE) {
      snprintf(s->everr, sizeof s->everr, "not a plugin event of a known "
                                          "JSON source");
    } else {
      json_error_t je;
      s->jroot = json_loadb((const char *)s->evt.p[1], s->evt.plen[1], 0,
                            &je);
      if (s->jroot && !json_is_object(s->jroot)) {
        json_decref(s->jroot);
        s->jroot = NULL;
      }
      if (!s->jroot)
        snprintf(s->everr, sizeof s->everr, "payload is not a JSON object");
      memset(&s->jev, 0, sizeof s->jev);
      s->jev.root = s->jroot;
      s->jev.src = js;
      s->jev.ts = s->evt.ts;
      s->jev.has_ts = true;
      s->jev.num = ei->evtnum;
      vg_json_host_set_event(s->jh, s->jroot ? &s->jev : NULL);
    }
  }
  vigil_status st = vigil_vm_eval(s->vm, &ev);
  if (st != VIGIL_OK)
    atomic_fetch_add_explicit(&s->n_errors, 1, memory_order_relaxed);
  if (st != VIGIL_OK && !s->everr[0])
    snprintf(s->everr, sizeof s->everr, "evaluation: %s",
             vigil_status_str(st));
  s->matches = vigil_vm_matches(s->vm, &s->nmatches);
  if (s->ndropped) {
    /* dropped rules are still run by the VM; their verdicts go */
    size_t k = 0;
    for (size_t i = 0; i < s->nmatches; i++)
      if (s->matches[i] < s->nrules && !s->dropped[s->matches[i]])
        s->mbuf[k++] = s->matches[i];
    s->matches = s->mbuf;
    s->nmatches = k;
  }
  atomic_fetch_add_explicit(&s->n_events, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&s->n_matches, s->nmatches, memory_order_relaxed);
  for (size_t i = 0; i < s->nmatches; i++)
    if (s->matches[i] < s->nrules)
      s->matched[s->matches[i]] = 1;
}

/* Room for k results of the current call; NULL when the call asks for
 * more than the state holds (the field then has no value). */
static size_t take(vstate *s, size_t k, bool *ok) {
  *ok = s->rused + k <= s->rcap;
  size_t at = s->rused;
  if (*ok)
    s->rused += k;
  return at;
}

static void extract_one(vstate *s, ss_plugin_extract_field *f) {
  f->res_len = 0;
  f->res.str = NULL;
  bool ok;
  vigil_rule_info ri;
  size_t first = 0;
  bool any = false;
  for (size_t i = 0; i < s->nmatches; i++)
    if (s->matches[i] < s->nrules) {
      first = s->matches[i];
      any = true;
      break;
    }
  switch (f->field_id) {
  case F_MATCH:
  case F_PRIORITY: {
    if (!any)
      return;
    size_t at = take(s, 1, &ok);
    if (!ok)
      return;
    vigil_program_rule(s->prog, first, &ri);
    s->rstr[at] = f->field_id == F_MATCH ? ri.name
                                         : prio_names[ri.priority & 7];
    f->res.str = &s->rstr[at];
    f->res_len = 1;
    return;
  }
  case F_MATCHES: {
    size_t at = take(s, s->nmatches, &ok);
    if (!ok)
      return;
    size_t k = 0;
    for (size_t i = 0; i < s->nmatches; i++)
      if (s->matches[i] < s->nrules) {
        vigil_program_rule(s->prog, s->matches[i], &ri);
        s->rstr[at + k++] = ri.name;
      }
    f->res.str = &s->rstr[at];
    f->res_len = k;
    return;
  }
  case F_TAGS: {
    if (!any)
      return;
    vigil_program_rule(s->prog, first, &ri);
    size_t at = take(s, ri.ntags, &ok);
    if (!ok)
      return;
    for (size_t i = 0; i < ri.ntags; i++)
      s->rstr[at + i] = vigil_program_rule_tag(s->prog, first, i);
    f->res.str = &s->rstr[at];
    f->res_len = ri.ntags;
    return;
  }
  case F_RULE: {
    if (!f->arg_present || !f->arg_key)
      return;
    long r = rule_index(s, f->arg_key);
    if (r < 0 || s->dropped[r])
      return;
    size_t at = take(s, 1, &ok);
    if (!ok)
      return;
    s->rbool[at] = s->matched[r] ? 1 : 0;
    f->res.boolean = &s->rbool[at];
    f->res_len = 1;
    return;
  }
  case F_COUNT: {
    size_t at = take(s, 1, &ok);
    if (!ok)
      return;
    s->ru64[at] = s->nmatches;
    f->res.u64 = &s->ru64[at];
    f->res_len = 1;
    return;
  }
  case F_ERROR: {
    if (!s->everr[0])
      return;
    size_t at = take(s, 1, &ok);
    if (!ok)
      return;
    s->rstr[at] = s->everr;
    f->res.str = &s->rstr[at];
    f->res_len = 1;
    return;
  }
  default:
    return;
  }
}

PLUGIN_API ss_plugin_rc plugin_extract_fields(
    ss_plugin_t *p, const ss_plugin_event_input *ei,
    const ss_plugin_field_extract_input *in) {
  vstate *s = p;
  if (!s || !in || (in->num_fields && !in->fields))
    return SS_PLUGIN_FAILURE;
  for (uint32_t i = 0; i < in->num_fields; i++) {
    in->fields[i].res_len = 0;
    in->fields[i].res.str = NULL;
  }
  if (!s->prog) {
    set_err(s, "the plugin was not initialised");
    return SS_PLUGIN_FAILURE;
  }
  if (!ei || !ei->evt) {
    set_err(s, "no event");
    return SS_PLUGIN_FAILURE;
  }
  if (!s->have || s->evtnum != ei->evtnum || s->evtptr != ei->evt) {
    evaluate(s, ei, in);
    s->have = true;
    s->evtnum = ei->evtnum;
    s->evtptr = ei->evt;
  }
  s->rused = 0;
  for (uint32_t i = 0; i < in->num_fields; i++)
    extract_one(s, &in->fields[i]);
  return SS_PLUGIN_SUCCESS;
}
