/*
 * run_host.c - field binding, per-event memoisation, rule dispatch and
 * output rendering for evaluating a pack over scap and JSON events (see
 * run_host.h). The host keeps one table of fields: the pack's fields first
 * (id = FIELD record index, as the binder hands them out), then the fields
 * of output templates and the event time. Each entry remembers the epoch
 * of the event its values belong to, so a field is extracted at most once
 * per event however many rules read it.
 */
#include "run/run_host.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "fields/syscall_fields.h"
#include "fields/syscall_source.h"
#include "json/json_fields.h"
#include "json/json_host.h"
#include "json/json_source.h"
#include "vg_tables.h"
#include "vigil/vm.h"

/* ---- small helpers ------------------------------------------------------ */

bool vg_run_buf_put(vg_run_buf *b, const void *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->len + n + 1)
      nc *= 2;
    char *np = realloc(b->p, nc);
    if (!np)
      return false;
    b->p = np;
    b->cap = nc;
  }
  if (n)
    memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
  return true;
}

bool vg_run_buf_puts(vg_run_buf *b, const char *s) {
  return vg_run_buf_put(b, s, strlen(s));
}

void vg_run_buf_fini(vg_run_buf *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if invalid. */
static size_t utf8_len(const uint8_t *s, size_t n) {
  uint8_t c = s[0];
  size_t l;
  uint32_t min;
  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf) {
    l = 2;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    l = 3;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    l = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (n < l)
    return 0;
  uint32_t cp = c & (0x7f >> l);
  for (size_t i = 1; i < l; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = cp << 6 | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return l;
}

/* Escapes control characters JSON-style and replaces invalid UTF-8;
 * quote: also escape '"' and '\\' (JSON string body). */
static bool put_escaped(vg_run_buf *b, const uint8_t *s, size_t n,
                        bool quote) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c < 0x20 || c == 0x7f || (quote && (c == '"' || c == '\\'))) {
      char e[8];
      switch (c) {
      case '"': memcpy(e, "\\\"", 3); break;
      case '\\': memcpy(e, "\\\\", 3); break;
      case '\b': memcpy(e, "\\b", 3); break;
      case '\f': memcpy(e, "\\f", 3); break;
      case '\n': memcpy(e, "\\n", 3); break;
      case '\r': memcpy(e, "\\r", 3); break;
      case '\t': memcpy(e, "\\t", 3); break;
      default: snprintf(e, sizeof e, "\\u%04x", c); break;
      }
      if (c == 0x7f) {
        /* DEL is printable for JSON; keep it as is */
        if (!vg_run_buf_put(b, s + i, 1))
          return false;
      } else if (!vg_run_buf_puts(b, e)) {
        return false;
      }
      i++;
      continue;
    }
    size_t l = utf8_len(s + i, n - i);
    if (l == 0) {
      if (!vg_run_buf_put(b, "\xef\xbf\xbd", 3))
        return false;
      i++;
      continue;
    }
    size_t j = i + l;
    /* copy the run of plain characters at once */
    while (j < n && s[j] >= 0x20 && s[j] < 0x80 && s[j] != 0x7f &&
           !(quote && (s[j] == '"' || s[j] == '\\')))
      j++;
    if (!vg_run_buf_put(b, s + i, j - i))
      return false;
    i = j;
  }
  return true;
}

bool vg_run_buf_json_str(vg_run_buf *b, const void *s, size_t n) {
  return vg_run_buf_put(b, "\"", 1) && put_escaped(b, s, n, true) &&
         vg_run_buf_put(b, "\"", 1);
}

static const char *const PRIO_NAMES[8] = {
    "Emergency", "Alert",  "Critical",      "Error",
    "Warning",   "Notice", "Informational", "Debug"};

const char *vg_run_priority_name(unsigned prio) {
  return prio < 8 ? PRIO_NAMES[prio] : "Debug";
}

int vg_run_priority_parse(const char *name) {
  if (!strcasecmp(name, "info"))
    return 6;
  for (int i = 0; i < 8; i++)
    if (!strcasecmp(name, PRIO_NAMES[i]))
      return i;
  return -1;
}

bool vg_run_wildcard(const char *pat, const char *s) {
  /* iterative glob with backtracking to the last '*' */
  const char *star = NULL, *resume = NULL;
  while (*s) {
    if (*pat == '*') {
      star = pat++;
      resume = s;
    } else if (*pat == *s) {
      pat++;
      s++;
    } else if (star) {
      pat = star + 1;
      s = ++resume;
    } else {
      return false;
    }
  }
  while (*pat == '*')
    pat++;
  return *pat == 0;
}

/* ---- the host ----------------------------------------------------------- */

typedef struct hfield {
  char *ref;        /* text the extractor binds */
  bool json;        /* a JSON-source field (else syscall) */
  bool none;        /* no extractor provides it: never has a value */
  bool rawts;       /* evt.time & co: output_fields has the raw time */
  uint8_t gen;      /* generic evt.* field of JSON events (GEN_*), or 0 */
  vg_value gv;      /* its value */
  char gbuf[64];    /* and text */
  bool is_list;     /* renders as (a,b) / JSON array */
  bool numeric;     /* output_fields value is a JSON number when it reads
                       as one (JSON-source fields) */
  uint8_t sjk;      /* syscall fields: how output_fields writes the value
                       (VG_SJ_*, libsinsp's tojson) */
  uint32_t bid;     /* id in the syscall source / JSON host */
  uint64_t epoch;   /* event the memoised values belong to */
  const vg_value *vals;
  size_t n;
  vigil_status st;
} hfield;

/* One piece of an output template: literal text, then maybe a field. */
typedef struct tpiece {
  uint32_t lit_off, lit_len; /* into the rule's template text */
  int32_t field;             /* host field index, or -1 */
  uint32_t width;            /* 0: none */
  uint32_t key_off, key_len; /* the token as written */
} tpiece;

typedef struct trule {
  char *text;     /* output template (extra output appended) */
  tpiece *pieces;
  size_t npieces;
  uint32_t *keys; /* piece indices with distinct keys, sorted by key */
  size_t nkeys;
  bool json;      /* the rule's source is a JSON source */
  struct txf *xf; /* append_output extra fields, sorted by name */
  size_t nxf;
} trule;

/* An extra output field (program XFIELD): key name -> its format
 * rendered as text, or (raw) the field's own JSON value. */
typedef struct txf {
  const char *name; /* the program's string */
  trule t;          /* the format */
  bool raw;
} txf;

typedef struct dispatch {
  bool syscall;
  uint32_t *off;  /* syscall: VG_EVENT_MAX + 1 offsets into list */
  uint32_t *list;
  size_t nlist;
} dispatch;

struct vg_run_host {
  const vigil_program *p;
  hfield *f;
  size_t nf, capf;
  size_t nprog; /* fields 0..nprog-1 are the pack's */
  bool binding;  /* inside the binder: no sharing of entries */
  int32_t f_rawtime;
  vg_json_host *jh;
  trule *rules;
  bool *sel;
  size_t nrules, nsel;
  dispatch *disp; /* per program source */
  size_t nsrc;
  vigil_vm *vm;
  bool skip_io, first_match;
  int sys_sidx; /* program source index of "syscall", or -1 */
  int json_sidx[VG_JSRC__COUNT];
  uint64_t skipped;
  uint64_t cur_ts, first_ts; /* JSON events: current time; first event */
  long tzoff;
  char hostname[256];
  bool time_iso; /* output_fields carries evt.time.iso8601 */
  bool have_first;
  /* the open input */
  vg_sys_source *sys;
  vg_json_reader *jr;
  vigil_event *sys_ev;
  const vg_json_event *jev;
  uint64_t epoch;
  vigil_event ev;
  vigil_event_ops ops;
  uint32_t *hits;
  char err[700];
  /* rendering */
  vg_run_buf out, fj, val;
  char tmp[8192];
};

/* The generic event fields libsinsp provides for plugin events. */
enum {
  GEN_NONE,
  GEN_NUM,
  GEN_TIME,
  GEN_TIME_S,
  GEN_TIME_ISO,
  GEN_DATETIME,
  GEN_DATETIME_S,
  GEN_RAWTIME,
  GEN_RAWTIME_S,
  GEN_RAWTIME_NS,
  GEN_RELTIME,
  GEN_RELTIME_S,
  GEN_RELTIME_NS,
  GEN_PLUGINNAME,
  GEN_SOURCE,
  GEN_IS_ASYNC,
  GEN_HOSTNAME
};

static const struct {
  const char *name;
  uint8_t code;
  bool numeric;
} GENERIC[] = {
    {"evt.num", GEN_NUM, true},
    {"evt.time", GEN_TIME, false},
    {"evt.time.s", GEN_TIME_S, false},
    {"evt.time.iso8601", GEN_TIME_ISO, false},
    {"evt.datetime", GEN_DATETIME, false},
    {"evt.datetime.s", GEN_DATETIME_S, false},
    {"evt.rawtime", GEN_RAWTIME, true},
    {"evt.rawtime.s", GEN_RAWTIME_S, true},
    {"evt.rawtime.ns", GEN_RAWTIME_NS, true},
    {"evt.reltime", GEN_RELTIME, true},
    {"evt.reltime.s", GEN_RELTIME_S, true},
    {"evt.reltime.ns", GEN_RELTIME_NS, true},
    {"evt.pluginname", GEN_PLUGINNAME, false},
    {"evt.source", GEN_SOURCE, false},
    {"evt.is_async", GEN_IS_ASYNC, false},
    {"evt.hostname", GEN_HOSTNAME, false},
};

static uint8_t generic_code(const char *ref, bool *numeric) {
  for (size_t i = 0; i < sizeof GENERIC / sizeof GENERIC[0]; i++)
    if (!strcmp(GENERIC[i].name, ref)) {
      *numeric = GENERIC[i].numeric;
      return GENERIC[i].code;
    }
  return GEN_NONE;
}

static const char *plugin_name(vg_json_src s) {
  switch (s) {
  case VG_JSRC_K8S_AUDIT: return "k8saudit";
  case VG_JSRC_CLOUDTRAIL: return "cloudtrail";
  case VG_JSRC_OKTA: return "okta";
  case VG_JSRC_GITHUB: return "github";
  case VG_JSRC_GCP: return "gcpaudit";
  default: return "json";
  }
}

static long local_offset(void) {
  time_t now = time(NULL);
  struct tm g, l;
  gmtime_r(&now, &g);
  localtime_r(&now, &l);
  long dt = (long)(l.tm_hour - g.tm_hour) * 3600 +
            (long)(l.tm_min - g.tm_min) * 60;
  int dir = l.tm_year - g.tm_year;
  if (dir == 0)
    dir = l.tm_yday - g.tm_yday;
  return dt + (long)dir * 86400;
}

/* The current event's time, or false when there is none. */
static bool cur_time(vg_run_host *h, uint64_t *ts) {
  if (h->jev) {
    *ts = h->cur_ts;
    return true;
  }
  if (h->sys_ev && h->f_rawtime >= 0) {
    const vg_value *v;
    size_t n = 0;
    if (h->ops.extract(h, (uint32_t)h->f_rawtime, &v, &n) == VIGIL_OK &&
        n > 0) {
      *ts = v[0].v.u;
      return true;
    }
  }
  return false;
}

/*
 * Computes a generic field of the current JSON event into f->gv (the
 * syscall extractors provide these fields for captures themselves).
 * Returns false when the field has no value for this event.
 */
static bool generic_value(vg_run_host *h, hfield *f) {
  const vg_json_event *je = h->jev;
  uint64_t ts = 0;
  const char *str = NULL;
  if (!je)
    return false;
  f->gv.type = VG_FT_UINT64;
  switch (f->gen) {
  case GEN_NUM:
    f->gv.v.u = je->num;
    return true;
  case GEN_IS_ASYNC:
    f->gv.type = VG_FT_BOOL;
    f->gv.v.b = false;
    return true;
  case GEN_PLUGINNAME:
    str = plugin_name(je->src);
    break;
  case GEN_SOURCE:
    str = vg_json_src_name(je->src);
    break;
  case GEN_HOSTNAME:
    str = h->hostname;
    break;
  default:
    break;
  }
  if (!str) {
    if (!cur_time(h, &ts))
      return false;
    uint64_t sec = ts / 1000000000u;
    unsigned ns = (unsigned)(ts % 1000000000u);
    uint64_t rel = ts >= h->first_ts ? ts - h->first_ts : 0;
    switch (f->gen) {
    case GEN_RAWTIME: f->gv.v.u = ts; return true;
    case GEN_RAWTIME_S: f->gv.v.u = sec; return true;
    case GEN_RAWTIME_NS: f->gv.v.u = ns; return true;
    case GEN_RELTIME: f->gv.v.u = rel; return true;
    case GEN_RELTIME_S: f->gv.v.u = rel / 1000000000u; return true;
    case GEN_RELTIME_NS: f->gv.v.u = rel % 1000000000u; return true;
    default: break;
    }
    time_t t = (time_t)sec;
    struct tm tm;
    if (f->gen == GEN_TIME_ISO) {
      /* libsinsp's ts_to_iso_8601: UTC with a numeric offset */
      gmtime_r(&t, &tm);
      snprintf(f->gbuf, sizeof f->gbuf,
               "%04d-%02d-%02dT%02d:%02d:%02d.%09u+0000", tm.tm_year + 1900,
               tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
               ns);
    } else {
      /* libsinsp: local time of day, with the date for evt.datetime */
      t += (time_t)h->tzoff;
      gmtime_r(&t, &tm);
      int k = 0;
      if (f->gen == GEN_DATETIME || f->gen == GEN_DATETIME_S)
        k = snprintf(f->gbuf, sizeof f->gbuf, "%04d-%02d-%02d ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
      if (k < 0)
        k = 0;
      if (f->gen == GEN_TIME || f->gen == GEN_DATETIME)
        snprintf(f->gbuf + k, sizeof f->gbuf - (size_t)k,
                 "%02d:%02d:%02d.%09u", tm.tm_hour, tm.tm_min, tm.tm_sec,
                 ns);
      else
        snprintf(f->gbuf + k, sizeof f->gbuf - (size_t)k, "%02d:%02d:%02d",
                 tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    str = f->gbuf;
  }
  f->gv.type = VG_FT_CHARBUF;
  f->gv.v.s.p = (const uint8_t *)str;
  f->gv.v.s.n = strlen(str);
  return true;
}

static vigil_status host_extract(void *ctx, uint32_t id, const vg_value **vals,
                                 size_t *n) {
  vg_run_host *h = ctx;
  if (id >= h->nf) {
    *n = 0;
    return VIGIL_E_INVAL;
  }
  hfield *f = &h->f[id];
  if (f->epoch != h->epoch) {
    f->epoch = h->epoch;
    f->vals = NULL;
    f->n = 0;
    if (f->gen) {
      f->st = VIGIL_OK;
      if (generic_value(h, f)) {
        f->vals = &f->gv;
        f->n = 1;
      }
    } else if (f->none) {
      f->st = VIGIL_OK;
    } else if (f->json) {
      f->st = h->jev ? vg_json_host_extract(h->jh, f->bid, &f->vals, &f->n)
                     : VIGIL_OK;
    } else if (h->sys_ev) {
      f->st = h->sys_ev->ops->extract(h->sys_ev->ctx, f->bid, &f->vals,
                                      &f->n);
    } else {
      f->st = VIGIL_OK;
    }
    if (f->st != VIGIL_OK)
      f->n = 0;
  }
  *vals = f->vals;
  *n = f->n;
  return f->st;
}

vg_run_host *vg_run_host_new(void) {
  vg_run_host *h = calloc(1, sizeof *h);
  if (!h)
    return NULL;
  h->jh = vg_json_host_new();
  if (!h->jh) {
    free(h);
    return NULL;
  }
  h->f_rawtime = -1;
  h->tzoff = local_offset();
  if (gethostname(h->hostname, sizeof h->hostname - 1) != 0)
    h->hostname[0] = 0;
  h->ops.struct_size = sizeof h->ops;
  h->ops.extract = host_extract;
  h->ev.ops = &h->ops;
  h->ev.ctx = h;
  return h;
}

void vg_run_host_free(vg_run_host *h) {
  if (!h)
    return;
  vg_run_host_close(h);
  for (size_t i = 0; i < h->nf; i++)
    free(h->f[i].ref);
  free(h->f);
  for (size_t i = 0; i < h->nrules; i++) {
    free(h->rules[i].text);
    free(h->rules[i].pieces);
    free(h->rules[i].keys);
    for (size_t k = 0; k < h->rules[i].nxf; k++) {
      free(h->rules[i].xf[k].t.text);
      free(h->rules[i].xf[k].t.pieces);
      free(h->rules[i].xf[k].t.keys);
    }
    free(h->rules[i].xf);
  }
  free(h->rules);
  free(h->sel);
  for (size_t i = 0; i < h->nsrc; i++) {
    free(h->disp[i].off);
    free(h->disp[i].list);
  }
  free(h->disp);
  free(h->hits);
  vigil_vm_free(h->vm);
  vg_json_host_free(h->jh);
  vg_run_buf_fini(&h->out);
  vg_run_buf_fini(&h->fj);
  vg_run_buf_fini(&h->val);
  free(h);
}

/* Whether ref names a syscall field exactly (the whole text). */
static bool sys_field_ok(const char *ref, vg_sysf_ref *out) {
  vg_sysf_ref r;
  size_t used = 0;
  if (vg_sysf_parse(ref, &r, &used) != VIGIL_OK || used != strlen(ref))
    return false;
  if (out)
    *out = r;
  return true;
}

/* Adds a field to the table (or finds it): json or syscall, by ref. */
static vigil_status add_field(vg_run_host *h, bool json, const char *ref,
                              bool lenient, uint32_t *idx, char *err,
                              size_t errsz) {
  for (size_t i = 0; !h->binding && i < h->nf; i++)
    if (h->f[i].json == json && !strcmp(h->f[i].ref, ref)) {
      *idx = (uint32_t)i;
      return VIGIL_OK;
    }
  hfield nf;
  memset(&nf, 0, sizeof nf);
  if (json && (nf.gen = generic_code(ref, &nf.numeric)) != GEN_NONE) {
    /* computed by the host from the event */
  } else if (json) {
    int id;
    vg_json_arg a;
    vigil_status st = vg_json_field_parse(ref, &id, &a, err, errsz);
    if (st == VIGIL_OK) {
      const vg_json_field_info *fi = vg_json_field_info_get(id);
      nf.is_list = fi && fi->is_list;
      nf.numeric = fi && fi->type == VG_FT_UINT64;
      st = vg_json_host_bind(h->jh, ref, &nf.bid, err, errsz);
      if (st != VIGIL_OK)
        return st;
    } else if (lenient) {
      nf.none = true;
    } else {
      return st;
    }
  } else {
    vg_sysf_ref r;
    if (sys_field_ok(ref, &r)) {
      nf.sjk = (uint8_t)vg_sysf_json_kind(&r);
    } else if (lenient) {
      nf.none = true;
    } else {
      snprintf(err, errsz, "unknown syscall field '%s'", ref);
      return VIGIL_E_NOTFOUND;
    }
  }
  nf.json = json;
  /* libsinsp gives the event time fields to JSON as the raw timestamp */
  nf.rawts = json ? !strcmp(ref, "evt.time") || !strcmp(ref, "evt.time.s") ||
                        !strcmp(ref, "evt.time.iso8601") ||
                        !strcmp(ref, "evt.datetime") ||
                        !strcmp(ref, "evt.datetime.s")
                  : !nf.none && nf.sjk == VG_SJ_TS;
  nf.ref = strdup(ref);
  if (!nf.ref)
    return VIGIL_E_NOMEM;
  if (h->nf == h->capf) {
    size_t nc = h->capf ? h->capf * 2 : 32;
    hfield *np = realloc(h->f, nc * sizeof *np);
    if (!np) {
      free(nf.ref);
      return VIGIL_E_NOMEM;
    }
    h->f = np;
    h->capf = nc;
  }
  h->f[h->nf] = nf;
  *idx = (uint32_t)h->nf++;
  return VIGIL_OK;
}

vigil_status vg_run_host_binder(void *ud, const char *source,
                                const char *name, const char *arg,
                                uint32_t type, uint32_t flags, uint32_t *id,
                                char *err, size_t errsz) {
  vg_run_host *h = ud;
  (void)type;
  (void)flags;
  if (!h || h->p || h->nf != h->nprog)
    return VIGIL_E_INVAL; /* binding happens before anything else */
  bool json = strcmp(source, "syscall") != 0;
  char ref[512];
  int k = arg ? snprintf(ref, sizeof ref, "%s[%s]", name, arg)
              : snprintf(ref, sizeof ref, "%s", name);
  if (k < 0 || (size_t)k >= sizeof ref) {
    snprintf(err, errsz, "field reference too long");
    return VIGIL_E_LIMIT;
  }
  if (!json && arg && !sys_field_ok(ref, NULL)) {
    /* evt.arg.NAME style */
    char dot[512];
    k = snprintf(dot, sizeof dot, "%s.%s", name, arg);
    if (k > 0 && (size_t)k < sizeof dot && sys_field_ok(dot, NULL))
      memcpy(ref, dot, (size_t)k + 1);
  }
  /* the pack's fields are never shared: id must equal the record index */
  h->binding = true;
  uint32_t idx;
  vigil_status st = add_field(h, json, ref, true, &idx, err, errsz);
  h->binding = false;
  if (st != VIGIL_OK) {
    if (st == VIGIL_E_SYNTAX)
      st = VIGIL_E_NOTFOUND;
    if (err && errsz && !err[0])
      snprintf(err, errsz, "no extractor for field '%s' of source '%s'",
               ref, source);
    return st;
  }
  h->nprog = h->nf;
  *id = idx;
  return VIGIL_OK;
}

/* ---- output templates --------------------------------------------------- */

static bool name_char(char c) {
  return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/*
 * The longest prefix of s (after '%' and the width) that is a field of the
 * rule's source: candidates are the name run, with its bracket argument if
 * one follows, then ever shorter prefixes of the name.
 */
static size_t match_token(vg_run_host *h, bool json, const char *s,
                          int32_t *field) {
  size_t nl = 0;
  while (s[nl] && name_char(s[nl]))
    nl++;
  size_t full = nl;
  if (s[nl] == '[') {
    const char *e = strchr(s + nl, ']');
    if (e)
      full = (size_t)(e - s) + 1;
  }
  char cand[512];
  for (size_t l = full; l > 0; l = (l == full && full != nl) ? nl : l - 1) {
    if (l >= sizeof cand)
      continue;
    memcpy(cand, s, l);
    cand[l] = 0;
    bool ok, num;
    if (generic_code(cand, &num) != GEN_NONE) {
      ok = true;
    } else if (json) {
      int id;
      vg_json_arg a;
      char e[128];
      ok = vg_json_field_parse(cand, &id, &a, e, sizeof e) == VIGIL_OK;
    } else {
      ok = sys_field_ok(cand, NULL);
    }
    if (ok) {
      uint32_t idx;
      char e[128] = "";
      if (add_field(h, json, cand, false, &idx, e, sizeof e) != VIGIL_OK)
        return 0;
      *field = (int32_t)idx;
      return l;
    }
  }
  /* the loader validated the output, so the token is a field of the
   * source that no extractor provides: it renders <NA> */
  if (full == nl) {
    while (nl > 0 && s[nl - 1] == '.')
      nl--;
    full = nl;
  }
  if (nl == 0 || full >= sizeof cand)
    return 0;
  memcpy(cand, s, full);
  cand[full] = 0;
  uint32_t idx;
  char e[128] = "";
  if (add_field(h, json, cand, true, &idx, e, sizeof e) != VIGIL_OK)
    return 0;
  *field = (int32_t)idx;
  return full;
}

static vigil_status parse_template(vg_run_host *h, trule *r) {
  const char *t = r->text;
  size_t cap = 8, n = 0;
  tpiece *pc = malloc(cap * sizeof *pc);
  if (!pc)
    return VIGIL_E_NOMEM;
  size_t i = 0, lit = 0;
  if (t[0] == '*') /* "render every field" marker: Falco's default anyway */
    i = lit = 1;
  while (t[i]) {
    if (t[i] != '%') {
      i++;
      continue;
    }
    size_t j = i + 1;
    uint32_t width = 0;
    while (isdigit((unsigned char)t[j]) && width < 100000)
      width = width * 10 + (uint32_t)(t[j++] - '0');
    int32_t fid = -1;
    size_t l = match_token(h, r->json, t + j, &fid);
    if (l == 0) {
      i++; /* not a token: literal '%' (the loader rejects these) */
      continue;
    }
    if (n + 2 > cap) {
      cap *= 2;
      tpiece *np = realloc(pc, cap * sizeof *np);
      if (!np) {
        free(pc);
        return VIGIL_E_NOMEM;
      }
      pc = np;
    }
    pc[n++] = (tpiece){(uint32_t)lit, (uint32_t)(i - lit), fid, width,
                       (uint32_t)j, (uint32_t)l};
    i = lit = j + l;
  }
  pc[n++] = (tpiece){(uint32_t)lit, (uint32_t)(i - lit), -1, 0, 0, 0};
  r->pieces = pc;
  r->npieces = n;
  /* distinct keys, sorted (Falco's output_fields is an ordered map) */
  r->keys = malloc(n * sizeof *r->keys);
  if (!r->keys)
    return VIGIL_E_NOMEM;
  for (size_t a = 0; a < n; a++) {
    if (pc[a].field < 0)
      continue;
    size_t pos = 0;
    bool dup = false;
    for (; pos < r->nkeys; pos++) {
      const tpiece *o = &pc[r->keys[pos]];
      size_t ml = o->key_len < pc[a].key_len ? o->key_len : pc[a].key_len;
      int c = memcmp(t + o->key_off, t + pc[a].key_off, ml);
      if (c == 0 && o->key_len == pc[a].key_len) {
        dup = true;
        break;
      }
      if (c > 0 || (c == 0 && o->key_len > pc[a].key_len))
        break;
    }
    if (dup)
      continue;
    memmove(r->keys + pos + 1, r->keys + pos,
            (r->nkeys - pos) * sizeof *r->keys);
    r->keys[pos] = (uint32_t)a;
    r->nkeys++;
  }
  return VIGIL_OK;
}

/* The rule's append_output extra fields, parsed, sorted by name. */
static vigil_status attach_xfields(vg_run_host *h, const vigil_program *p,
                                   size_t rule, trule *r) {
  size_t n = vigil_program_rule_nxfields(p, rule);
  if (!n)
    return VIGIL_OK;
  r->xf = calloc(n, sizeof *r->xf);
  if (!r->xf)
    return VIGIL_E_NOMEM;
  for (size_t i = 0; i < n; i++) {
    const char *fmt = NULL;
    bool raw = false;
    const char *name = vigil_program_rule_xfield(p, rule, i, &fmt, &raw);
    size_t at = r->nxf;
    while (at > 0 && strcmp(r->xf[at - 1].name, name) > 0)
      at--;
    memmove(r->xf + at + 1, r->xf + at, (r->nxf - at) * sizeof *r->xf);
    txf *x = &r->xf[at];
    memset(x, 0, sizeof *x);
    r->nxf++;
    x->name = name;
    x->raw = raw;
    x->t.json = r->json;
    x->t.text = strdup(fmt ? fmt : "");
    if (!x->t.text)
      return VIGIL_E_NOMEM;
    vigil_status st = parse_template(h, &x->t);
    if (st != VIGIL_OK)
      return st;
  }
  return VIGIL_OK;
}

vigil_status vg_run_host_attach(vg_run_host *h, const vigil_program *p,
                                const char *extra_output, char *err,
                                size_t errsz) {
  if (!h || !p || h->p)
    return VIGIL_E_INVAL;
  h->p = p;
  h->nrules = vigil_program_nrules(p);
  h->rules = calloc(h->nrules ? h->nrules : 1, sizeof *h->rules);
  h->sel = calloc(h->nrules ? h->nrules : 1, sizeof *h->sel);
  h->hits = calloc(h->nrules ? h->nrules : 1, sizeof *h->hits);
  if (!h->rules || !h->sel || !h->hits)
    return VIGIL_E_NOMEM;
  uint32_t idx;
  if (add_field(h, false, "evt.rawtime", false, &idx, err, errsz) ==
      VIGIL_OK)
    h->f_rawtime = (int32_t)idx;
  for (size_t i = 0; i < h->nrules; i++) {
    vigil_rule_info ri;
    vigil_program_rule(p, i, &ri);
    trule *r = &h->rules[i];
    r->json = strcmp(ri.source, "syscall") != 0;
    const char *o = ri.output ? ri.output : "";
    size_t ol = strlen(o), xl = extra_output ? strlen(extra_output) : 0;
    r->text = malloc(ol + xl + 2);
    if (!r->text)
      return VIGIL_E_NOMEM;
    memcpy(r->text, o, ol);
    if (xl) {
      r->text[ol] = ' ';
      memcpy(r->text + ol + 1, extra_output, xl);
      ol += xl + 1;
    }
    r->text[ol] = 0;
    vigil_status st = parse_template(h, r);
    if (st == VIGIL_OK)
      st = attach_xfields(h, p, i, r);
    if (st != VIGIL_OK) {
      snprintf(err, errsz, "out of memory");
      return st;
    }
    h->sel[i] = (ri.flags & VIGIL_RULE_ENABLED) != 0;
  }
  return VIGIL_OK;
}

void vg_run_host_select(vg_run_host *h, size_t rule, bool on) {
  if (h && rule < h->nrules)
    h->sel[rule] = on;
}

bool vg_run_host_selected(const vg_run_host *h, size_t rule) {
  return h && rule < h->nrules && h->sel[rule];
}

size_t vg_run_host_nselected(const vg_run_host *h) { return h->nsel; }

void vg_run_host_time_iso(vg_run_host *h, bool iso) { h->time_iso = iso; }

void vg_run_host_skip_io(vg_run_host *h, bool skip_io) {
  h->skip_io = skip_io;
}

static bool rule_has_evt(const vigil_program *p, size_t r,
                         const vigil_rule_info *ri, unsigned code) {
  if (ri->flags & VIGIL_RULE_ALL_EVENTS)
    return true;
  /* codes are strictly increasing: binary search */
  size_t lo = 0, hi = ri->nevt;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    unsigned c = vigil_program_rule_evt(p, r, mid);
    if (c == code)
      return true;
    if (c < code)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

vigil_status vg_run_host_prepare(vg_run_host *h, bool first_match) {
  (void)first_match; /* applied per event in vg_run_host_next */
  const vigil_program *p = h->p;
  if (!p)
    return VIGIL_E_INVAL;
  h->nsrc = vigil_program_nsources(p);
  h->disp = calloc(h->nsrc ? h->nsrc : 1, sizeof *h->disp);
  if (!h->disp)
    return VIGIL_E_NOMEM;
  h->nsel = 0;
  for (size_t r = 0; r < h->nrules; r++)
    h->nsel += h->sel[r];
  for (size_t s = 0; s < h->nsrc; s++) {
    dispatch *d = &h->disp[s];
    d->syscall = !strcmp(vigil_program_source(p, s), "syscall");
    size_t nslots = d->syscall ? VG_EVENT_MAX : 1;
    d->off = calloc(nslots + 1, sizeof *d->off);
    if (!d->off)
      return VIGIL_E_NOMEM;
    /* two passes: count, then fill */
    for (int pass = 0; pass < 2; pass++) {
      size_t k = 0;
      for (size_t e = 0; e < nslots; e++) {
        d->off[e] = (uint32_t)k;
        for (size_t r = 0; r < h->nrules; r++) {
          if (!h->sel[r])
            continue;
          vigil_rule_info ri;
          vigil_program_rule(p, r, &ri);
          if (vigil_program_source_index(p, ri.source) != (int)s)
            continue;
          if (d->syscall && !rule_has_evt(p, r, &ri, (unsigned)e))
            continue;
          if (pass)
            d->list[k] = (uint32_t)r;
          k++;
        }
      }
      d->off[nslots] = (uint32_t)k;
      if (!pass) {
        d->nlist = k;
        d->list = malloc((k ? k : 1) * sizeof *d->list);
        if (!d->list)
          return VIGIL_E_NOMEM;
      }
    }
  }
  vigil_vm_opts vo;
  memset(&vo, 0, sizeof vo);
  vo.struct_size = sizeof vo;
  vo.first_match = first_match;
  h->vm = vigil_vm_new(p, &vo);
  h->first_match = first_match;
  return h->vm ? VIGIL_OK : VIGIL_E_NOMEM;
}

/* ---- inputs ------------------------------------------------------------- */

void vg_run_host_close(vg_run_host *h) {
  if (!h)
    return;
  if (h->jr) {
    h->skipped += vg_json_reader_skipped(h->jr);
    vg_json_reader_free(h->jr);
  }
  vg_sys_source_free(h->sys);
  h->jr = NULL;
  h->sys = NULL;
  h->sys_ev = NULL;
  h->jev = NULL;
  h->epoch++; /* nothing memoised survives the input */
}

uint64_t vg_run_host_skipped(const vg_run_host *h) {
  return h->skipped + (h->jr ? vg_json_reader_skipped(h->jr) : 0);
}

const char *vg_run_host_note(const vg_run_host *h) {
  const char *n = h->jr ? vg_json_reader_note(h->jr) : NULL;
  return n ? n : "";
}

const char *vg_run_host_error(const vg_run_host *h) { return h->err; }

const char *vg_run_host_unprovided(const vg_run_host *h, size_t *i) {
  for (; *i < h->nf; (*i)++) {
    if (!h->f[*i].none)
      continue;
    bool seen = false;
    for (size_t k = 0; k < *i && !seen; k++)
      seen = h->f[k].none && !strcmp(h->f[k].ref, h->f[*i].ref);
    if (!seen)
      return h->f[(*i)++].ref;
  }
  return NULL;
}

bool vg_run_host_is_json(const vg_run_host *h) { return h->jr != NULL; }

vigil_status vg_run_host_open(vg_run_host *h, const char *path,
                              const char *force, char *err, size_t errsz) {
  vg_run_host_close(h);
  if (!h->p || !h->vm)
    return VIGIL_E_INVAL;
  bool json;
  vg_json_src fsrc = VG_JSRC_NONE;
  if (force && *force && strcmp(force, "syscall") != 0) {
    fsrc = vg_json_src_from_name(force);
    if (fsrc == VG_JSRC_NONE) {
      snprintf(err, errsz, "unknown event source '%s'", force);
      return VIGIL_E_INVAL;
    }
    json = true;
  } else if (force && *force) {
    json = false;
  } else {
    /* sniff the content: zlib reads plain files transparently */
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
      snprintf(err, errsz, "%s: cannot open", path);
      return VIGIL_E_IO;
    }
    uint8_t head[256];
    int n = gzread(gz, head, sizeof head);
    gzclose(gz);
    if (n < 0) {
      snprintf(err, errsz, "%s: cannot read", path);
      return VIGIL_E_IO;
    }
    json = vg_json_sniff(head, (size_t)n);
  }
  vigil_status st;
  if (json) {
    vg_json_reader_opts o;
    memset(&o, 0, sizeof o);
    o.force = fsrc;
    st = vg_json_reader_open_file(path, &o, &h->jr, err, errsz);
    if (st != VIGIL_OK)
      return st;
  } else {
    st = vg_sys_source_open(path, &h->sys, err, errsz);
    if (st != VIGIL_OK)
      return st;
    for (size_t i = 0; i < h->nf; i++) {
      if (h->f[i].json || h->f[i].none || h->f[i].gen)
        continue;
      st = vg_sys_source_bind(h->sys, h->f[i].ref, &h->f[i].bid);
      if (st != VIGIL_OK) {
        snprintf(err, errsz, "cannot bind field '%s'", h->f[i].ref);
        vg_run_host_close(h);
        return st;
      }
    }
  }
  h->sys_sidx = vigil_program_source_index(h->p, "syscall");
  for (int s = 0; s < VG_JSRC__COUNT; s++)
    h->json_sidx[s] =
        s == VG_JSRC_NONE
            ? -1
            : vigil_program_source_index(h->p, vg_json_src_name(s));
  h->err[0] = 0;
  h->have_first = false;
  h->first_ts = 0;
  return VIGIL_OK;
}

static bool io_event(unsigned type) {
  if (type >= VG_EVENT_MAX)
    return false;
  const vg_event_info *ei = &vg_event_table[type];
  /* libsinsp's io_sc_set (EC_IO_* categories) minus the state set */
  return (ei->category & 32u) && !(ei->flags & VG_EF_MODIFIES_STATE);
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

vigil_status vg_run_host_next(vg_run_host *h, vg_run_result *res) {
  memset(res, 0, sizeof *res);
  res->hits = h->hits;
  int sidx = -1;
  uint32_t evtype = 0;
  if (h->sys) {
    vigil_event *e = NULL;
    vigil_status st = vg_sys_source_next(h->sys, &e);
    if (st != VIGIL_OK) {
      snprintf(h->err, sizeof h->err, "%s", vg_sys_source_error(h->sys));
      return st;
    }
    h->sys_ev = e;
    h->epoch++;
    if (!e) {
      res->eof = true;
      return VIGIL_OK;
    }
    res->source = "syscall";
    evtype = e->evtype;
    if (!h->have_first) {
      h->have_first = cur_time(h, &h->first_ts);
    }
    sidx = h->sys_sidx;
    if (h->skip_io && io_event(evtype))
      return VIGIL_OK;
  } else if (h->jr) {
    vg_json_event *je = NULL;
    vigil_status st = vg_json_reader_next(h->jr, &je);
    if (st != VIGIL_OK) {
      snprintf(h->err, sizeof h->err, "%s", vg_json_reader_error(h->jr));
      h->jev = NULL;
      return st;
    }
    h->epoch++;
    h->jev = je;
    if (!je) {
      res->eof = true;
      return VIGIL_OK;
    }
    vg_json_host_set_event(h->jh, je);
    res->source = vg_json_src_name(je->src);
    res->ts = je->has_ts ? je->ts : now_ns();
    if (!h->have_first) {
      h->first_ts = res->ts;
      h->have_first = true;
    }
    h->cur_ts = res->ts;
    sidx = je->src < VG_JSRC__COUNT ? h->json_sidx[je->src] : -1;
  } else {
    res->eof = true;
    return VIGIL_OK;
  }
  res->evaluated = true;
  if (sidx < 0 || (size_t)sidx >= h->nsrc)
    return VIGIL_OK;
  const dispatch *d = &h->disp[sidx];
  const uint32_t *list = d->list;
  size_t n = d->nlist;
  if (d->syscall) {
    if (evtype >= VG_EVENT_MAX)
      return VIGIL_OK;
    list = d->list + d->off[evtype];
    n = d->off[evtype + 1] - d->off[evtype];
  }
  h->ev.source = (uint32_t)sidx;
  h->ev.evtype = evtype;
  if (n) {
    /* one VM epoch for the event: rules share their common predicates */
    res->eval_status =
        vigil_vm_eval_rules(h->vm, &h->ev, list, n, h->first_match);
    size_t nm = 0;
    const uint32_t *ml = vigil_vm_matches(h->vm, &nm);
    for (size_t i = 0; i < nm; i++)
      h->hits[res->nhits++] = ml[i];
  }
  /* the capture's time is only extracted for events that alert */
  if (res->nhits && h->sys && h->f_rawtime >= 0) {
    const vg_value *v;
    size_t k = 0;
    if (host_extract(h, (uint32_t)h->f_rawtime, &v, &k) == VIGIL_OK && k)
      res->ts = v[0].v.u;
  }
  return VIGIL_OK;
}

/* ---- rendering ---------------------------------------------------------- */

static void put_u64(vg_run_buf *b, uint64_t u) {
  char t[24];
  int k = snprintf(t, sizeof t, "%llu", (unsigned long long)u);
  vg_run_buf_put(b, t, (size_t)k);
}

/* One JSON-source value as text. */
static void json_value_text(vg_run_buf *b, const vg_value *v) {
  switch (v->type) {
  case VG_FT_UINT64: case VG_FT_UINT32: case VG_FT_UINT16: case VG_FT_UINT8:
  case VG_FT_ABSTIME: case VG_FT_RELTIME:
    put_u64(b, v->v.u);
    break;
  case VG_FT_INT64: case VG_FT_INT32: case VG_FT_INT16: case VG_FT_INT8: {
    char t[24];
    int k = snprintf(t, sizeof t, "%lld", (long long)v->v.i);
    vg_run_buf_put(b, t, (size_t)k);
    break;
  }
  case VG_FT_BOOL:
    vg_run_buf_puts(b, v->v.b ? "true" : "false");
    break;
  default:
    vg_run_buf_put(b, v->v.s.p, v->v.s.n);
    break;
  }
}

/*
 * The text of field fi for the current event into h->tmp-backed buffer
 * val (reset first). Returns false when the field has no value.
 */
static bool field_text(vg_run_host *h, uint32_t fi, vg_run_buf *val) {
  val->len = 0;
  if (val->p)
    val->p[0] = 0;
  hfield *f = &h->f[fi];
  if (f->none)
    return false;
  if (!f->json && !f->gen) {
    if (!h->sys || !h->sys_ev)
      return false;
    if (!vg_sys_source_render(h->sys, f->bid, h->tmp, sizeof h->tmp))
      return false;
    vg_run_buf_puts(val, h->tmp);
    return true;
  }
  const vg_value *v;
  size_t n = 0;
  if (host_extract(h, fi, &v, &n) != VIGIL_OK || n == 0)
    return false;
  if (f->is_list)
    vg_run_buf_put(val, "(", 1);
  for (size_t i = 0; i < n; i++) {
    if (i)
      vg_run_buf_put(val, ",", 1);
    json_value_text(val, &v[i]);
  }
  if (f->is_list)
    vg_run_buf_put(val, ")", 1);
  return true;
}

/* A double as Falco's JSON library (nlohmann) writes it: the shortest
 * digits that read back as the same value, in plain notation with ".0" on
 * integral values when the decimal exponent is in [-4, 15), else as
 * d.ddde+XX; NaN and infinities as null. */
static void put_json_double(vg_run_buf *out, double d) {
  char t[48], dig[24], o[64];
  if (d != d || d > 1.7976931348623157e308 || d < -1.7976931348623157e308) {
    vg_run_buf_puts(out, "null");
    return;
  }
  if (d == 0) {
    vg_run_buf_puts(out, signbit(d) ? "-0.0" : "0.0");
    return;
  }
  int p;
  for (p = 0; p < 17; p++) {
    snprintf(t, sizeof t, "%.*e", p, d);
    if (strtod(t, NULL) == d)
      break;
  }
  /* t is [-]D[.DDD]e[+-]XX: split into digits and exponent */
  const char *q = t;
  size_t o_len = 0, k = 0;
  if (*q == '-')
    o[o_len++] = *q++;
  for (; *q && *q != 'e'; q++)
    if (*q != '.' && k < sizeof dig - 1)
      dig[k++] = *q;
  dig[k] = 0;
  while (k > 1 && dig[k - 1] == '0')
    dig[--k] = 0;
  int n = (int)strtol(q + 1, NULL, 10) + 1; /* digits before the point */
  size_t room = sizeof o - 1;
  if ((int)k <= n && n <= 15) {
    for (size_t i = 0; i < k && o_len < room; i++)
      o[o_len++] = dig[i];
    for (int i = (int)k; i < n && o_len < room; i++)
      o[o_len++] = '0';
    o_len += (size_t)snprintf(o + o_len, sizeof o - o_len, ".0");
  } else if (n > 0 && n <= 15) {
    for (int i = 0; i < (int)k && o_len < room; i++) {
      if (i == n)
        o[o_len++] = '.';
      o[o_len++] = dig[i];
    }
  } else if (n > -4 && n <= 0) {
    o_len += (size_t)snprintf(o + o_len, sizeof o - o_len, "0.");
    for (int i = 0; i < -n && o_len < room; i++)
      o[o_len++] = '0';
    for (size_t i = 0; i < k && o_len < room; i++)
      o[o_len++] = dig[i];
  } else {
    o[o_len++] = dig[0];
    if (k > 1) {
      o[o_len++] = '.';
      for (size_t i = 1; i < k && o_len < room; i++)
        o[o_len++] = dig[i];
    }
    int e = n - 1;
    o_len += (size_t)snprintf(o + o_len, sizeof o - o_len, "e%c%02d",
                              e < 0 ? '-' : '+', e < 0 ? -e : e);
  }
  if (o_len > room)
    o_len = room;
  o[o_len] = 0;
  vg_run_buf_puts(out, o);
}

static void field_json(vg_run_host *h, uint32_t fi, vg_run_buf *out,
                       vg_run_buf *val) {
  hfield *f = &h->f[fi];
  if (f->none) {
    vg_run_buf_puts(out, "null");
    return;
  }
  if (f->rawts) {
    uint64_t ts = 0;
    bool have = false;
    if (f->json) {
      have = h->jev != NULL;
      ts = h->cur_ts;
    } else if (h->f_rawtime >= 0) {
      const vg_value *v;
      size_t n = 0;
      have = host_extract(h, (uint32_t)h->f_rawtime, &v, &n) == VIGIL_OK &&
             n > 0;
      if (have)
        ts = v[0].v.u;
    }
    if (have)
      put_u64(out, ts);
    else
      vg_run_buf_puts(out, "null");
    return;
  }
  if (f->json || f->gen) {
    const vg_value *v;
    size_t n = 0;
    if (host_extract(h, fi, &v, &n) != VIGIL_OK || n == 0) {
      vg_run_buf_puts(out, "null");
      return;
    }
    if (f->is_list)
      vg_run_buf_put(out, "[", 1);
    for (size_t i = 0; i < n; i++) {
      if (i)
        vg_run_buf_put(out, ",", 1);
      val->len = 0;
      json_value_text(val, &v[i]);
      bool num = v[i].type != VG_FT_CHARBUF && v[i].type != VG_FT_BYTEBUF &&
                 v[i].type != VG_FT_FSPATH;
      if (num)
        vg_run_buf_put(out, val->p, val->len);
      else
        vg_run_buf_json_str(out, val->p, val->len);
    }
    if (f->is_list)
      vg_run_buf_put(out, "]", 1);
    return;
  }
  /* syscall fields, as libsinsp's tojson writes them: by type and print
   * format, numbers from the typed value even where the text is padded */
  if (f->sjk == VG_SJ_NULL) {
    vg_run_buf_puts(out, "null");
    return;
  }
  if (f->sjk == VG_SJ_NUMBER || f->sjk == VG_SJ_DOUBLE ||
      f->sjk == VG_SJ_LIST) {
    const vg_value *v;
    size_t n = 0;
    /* an empty list is null too: libsinsp appends nothing to its null */
    if (host_extract(h, fi, &v, &n) != VIGIL_OK || n == 0) {
      vg_run_buf_puts(out, "null");
      return;
    }
    if (f->sjk == VG_SJ_LIST) {
      vg_run_buf_put(out, "[", 1);
      for (size_t i = 0; i < n; i++) {
        if (i)
          vg_run_buf_put(out, ",", 1);
        vg_run_buf_json_str(out, v[i].v.s.p, v[i].v.s.n);
      }
      vg_run_buf_put(out, "]", 1);
    } else if (v[0].type == VG_FT_DOUBLE) {
      put_json_double(out, v[0].v.d);
    } else {
      val->len = 0;
      json_value_text(val, &v[0]);
      vg_run_buf_put(out, val->p, val->len);
    }
    return;
  }
  if (!field_text(h, fi, val)) {
    vg_run_buf_puts(out, "null");
    return;
  }
  if (f->sjk == VG_SJ_BOOL &&
      (!strcmp(val->p, "true") || !strcmp(val->p, "false")))
    vg_run_buf_put(out, val->p, val->len);
  else
    vg_run_buf_json_str(out, val->p, val->len);
}

/* A template's text for the current event appended to out. */
static void render_text(vg_run_host *h, const trule *r, vg_run_buf *out,
                        vg_run_buf *val) {
  vg_run_buf_put(out, "", 0);
  for (size_t i = 0; i < r->npieces; i++) {
    const tpiece *pc = &r->pieces[i];
    vg_run_buf_put(out, r->text + pc->lit_off, pc->lit_len);
    if (pc->field < 0)
      continue;
    bool have = field_text(h, (uint32_t)pc->field, val);
    const char *s = have ? val->p : "<NA>";
    size_t n = have ? val->len : 4;
    if (pc->width) {
      size_t w = pc->width;
      size_t k = n < w ? n : w;
      put_escaped(out, (const uint8_t *)s, k, false);
      for (; k < w; k++)
        vg_run_buf_put(out, " ", 1);
    } else {
      put_escaped(out, (const uint8_t *)s, n, false);
    }
  }
}

/* Order of two output_fields keys (byte order, shorter first). */
static int key_cmp(const char *a, size_t al, const char *b, size_t bl) {
  int c = memcmp(a, b, al < bl ? al : bl);
  return c ? c : (al > bl) - (al < bl);
}

/* The JSON value of extra field x for the current event into h->fj. */
static void xfield_json(vg_run_host *h, const txf *x, vg_run_buf *val) {
  if (x->raw) {
    const tpiece *pc = x->t.npieces ? &x->t.pieces[0] : NULL;
    if (pc && pc->field >= 0)
      field_json(h, (uint32_t)pc->field, &h->fj, val);
    else
      vg_run_buf_puts(&h->fj, "null");
    return;
  }
  vg_run_buf t = {0};
  render_text(h, &x->t, &t, val);
  vg_run_buf_json_str(&h->fj, t.p ? t.p : "", t.len);
  vg_run_buf_fini(&t);
}

vigil_status vg_run_host_render(vg_run_host *h, size_t rule,
                                const char **text, const char **fields_json) {
  if (!h || rule >= h->nrules)
    return VIGIL_E_INVAL;
  const trule *r = &h->rules[rule];
  vg_run_buf val = h->val;
  h->out.len = 0;
  render_text(h, r, &h->out, &val);
  bool ok = h->out.p != NULL;
  if (fields_json) {
    /* Falco merges the fields of its "%evt.time: " prefix (the raw event
     * time) into the rule's; keys come out sorted */
    const char *tk = h->time_iso ? "evt.time.iso8601" : "evt.time";
    size_t tkl = strlen(tk);
    bool tdone = false;
    uint64_t ts = 0;
    bool have_ts = cur_time(h, &ts);
    h->fj.len = 0;
    vg_run_buf_put(&h->fj, "{", 1);
    /* merge of three sorted key lists: the template's, the time key, the
     * extra fields; on equal keys the later one wins (extra over time
     * over template), as Falco sets them in that order */
    size_t k = 0, x = 0;
    for (;;) {
      const tpiece *pc = k < r->nkeys ? &r->pieces[r->keys[k]] : NULL;
      const txf *xe = x < r->nxf ? &r->xf[x] : NULL;
      const char *bk = NULL;
      size_t bl = 0;
      int which = -1;
      if (pc) {
        bk = r->text + pc->key_off;
        bl = pc->key_len;
        which = 0;
      }
      if (!tdone && (which < 0 || key_cmp(tk, tkl, bk, bl) <= 0)) {
        bk = tk;
        bl = tkl;
        which = 1;
      }
      if (xe && (which < 0 ||
                 key_cmp(xe->name, strlen(xe->name), bk, bl) <= 0)) {
        bk = xe->name;
        bl = strlen(xe->name);
        which = 2;
      }
      if (which < 0)
        break;
      if (pc && which != 0 &&
          !key_cmp(r->text + pc->key_off, pc->key_len, bk, bl))
        k++;
      if (!tdone && which == 2 && !key_cmp(tk, tkl, bk, bl))
        tdone = true;
      if (h->fj.len > 1)
        vg_run_buf_put(&h->fj, ",", 1);
      vg_run_buf_json_str(&h->fj, bk, bl);
      vg_run_buf_put(&h->fj, ":", 1);
      if (which == 0) {
        field_json(h, (uint32_t)pc->field, &h->fj, &val);
        k++;
      } else if (which == 1) {
        tdone = true;
        if (have_ts)
          put_u64(&h->fj, ts);
        else
          vg_run_buf_puts(&h->fj, "null");
      } else {
        xfield_json(h, xe, &val);
        x++;
      }
    }
    ok = vg_run_buf_put(&h->fj, "}", 1) && ok;
    *fields_json = h->fj.p;
  }
  h->val = val; /* keep the grown buffer for the next render */
  *text = h->out.p ? h->out.p : "";
  return ok ? VIGIL_OK : VIGIL_E_NOMEM;
}
