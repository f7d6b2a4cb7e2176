/*
 * json_reader.c - reads JSON event streams (see json_source.h): buffers the
 * input, cuts it into documents with jansson (JSON_DISABLE_EOF_CHECK gives
 * the length of each document, so concatenated and pretty-printed documents
 * need no line structure), switches to line-at-a-time reading for JSON
 * lines, expands containers (EventList, Records, arrays) into events and
 * applies each upstream plugin's acceptance rules.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "json/json_okta.h"
#include "json/json_source.h"

enum { CHUNK = 64 * 1024 };
#define DEFAULT_MAX_DOC ((size_t)256 * 1024 * 1024)
#define DEFAULT_K8S_MAX ((size_t)262144)

typedef struct pend {
  json_t *v;       /* owned reference */
  uint64_t offset; /* where its document starts */
  uint64_t line;
  size_t doc_len; /* length of that document in the input */
} pend;

struct vg_json_reader {
  char *name;
  FILE *f;   /* a caller's stream, or */
  gzFile gz; /* a file we opened: plain or gzip-compressed */
  /* buffer: bytes [beg, end) are unread; buf is ours unless mem */
  uint8_t *buf;
  size_t cap, beg, end;
  bool mem, eof, done;
  uint64_t abs_beg;  /* absolute offset of buf[beg] */
  uint64_t line_beg; /* 1-based line of buf[beg] */
  uint64_t col_beg;  /* 1-based column of buf[beg] */
  int mode;          /* 0 unknown, 1 JSON lines, 2 documents */
  size_t max_doc, k8s_max;
  vg_json_src src;
  bool forced;
  size_t doc_len; /* length of the document being expanded */
  /* events waiting to be delivered */
  pend *pend;
  size_t npend, ipend, cappend;
  vg_json_event cur;
  uint64_t nevents, skipped;
  vg_okta_cache *okta;
  char err[512];
  char note[512];
};

static const char *const src_names[VG_JSRC__COUNT] = {
    "",    "k8s_audit", "aws_cloudtrail", "okta", "github", "gcp_auditlog",
    "json"};

const char *vg_json_src_name(vg_json_src s) {
  return (unsigned)s < VG_JSRC__COUNT ? src_names[s] : "";
}

vg_json_src vg_json_src_from_name(const char *name) {
  for (int i = 1; i < VG_JSRC__COUNT; i++)
    if (name && strcmp(name, src_names[i]) == 0)
      return (vg_json_src)i;
  return VG_JSRC_NONE;
}

/* ---- source recognition ----------------------------------------------------
 */

static bool has(const json_t *o, const char *k) {
  return json_object_get(o, k) != NULL;
}

vg_json_src vg_json_detect(const json_t *doc) {
  if (json_is_array(doc)) {
    for (size_t i = 0; i < json_array_size(doc); i++) {
      const json_t *e = json_array_get(doc, i);
      if (json_is_object(e) || json_is_array(e))
        return vg_json_detect(e);
    }
    return VG_JSRC_JSON;
  }
  if (!json_is_object(doc))
    return VG_JSRC_JSON;
  const char *kind = json_string_value(json_object_get(doc, "kind"));
  if ((kind &&
       (strcmp(kind, "Event") == 0 || strcmp(kind, "EventList") == 0)) ||
      has(doc, "auditID"))
    return VG_JSRC_K8S_AUDIT;
  if (json_is_array(json_object_get(doc, "Records")) ||
      (has(doc, "eventSource") && has(doc, "eventName")))
    return VG_JSRC_CLOUDTRAIL;
  if (has(doc, "protoPayload") || (has(doc, "logName") && has(doc, "resource")))
    return VG_JSRC_GCP;
  if (has(doc, "eventType") && (has(doc, "published") || has(doc, "actor")))
    return VG_JSRC_OKTA;
  if (has(doc, "webhook_type") ||
      (has(doc, "sender") && (has(doc, "repository") ||
                              has(doc, "organization") || has(doc, "hook"))))
    return VG_JSRC_GITHUB;
  return VG_JSRC_JSON;
}

bool vg_json_sniff(const void *head, size_t n) {
  const uint8_t *p = head;
  size_t i = 0;
  if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
    i = 3;
  while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
    i++;
  return i < n && (p[i] == '{' || p[i] == '[');
}

/* ---- opening --------------------------------------------------------------
 */

static vg_json_reader *reader_new(const char *name,
                                  const vg_json_reader_opts *opts) {
  vg_json_reader *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->name = strdup(name ? name : "<input>");
  if (!r->name) {
    free(r);
    return NULL;
  }
  r->line_beg = 1;
  r->col_beg = 1;
  r->max_doc = opts && opts->max_doc ? opts->max_doc : DEFAULT_MAX_DOC;
  r->k8s_max =
      opts && opts->k8s_max_event ? opts->k8s_max_event : DEFAULT_K8S_MAX;
  if (opts && opts->force != VG_JSRC_NONE && opts->force < VG_JSRC__COUNT) {
    r->src = opts->force;
    r->forced = true;
  }
  return r;
}

vigil_status vg_json_reader_open_stream(FILE *f, const char *name,
                                        const vg_json_reader_opts *opts,
                                        vg_json_reader **out) {
  if (!f || !out)
    return VIGIL_E_INVAL;
  vg_json_reader *r = reader_new(name, opts);
  if (!r)
    return VIGIL_E_NOMEM;
  r->f = f;
  *out = r;
  return VIGIL_OK;
}

vigil_status vg_json_reader_open_mem(const void *data, size_t n,
                                     const char *name,
                                     const vg_json_reader_opts *opts,
                                     vg_json_reader **out) {
  if ((!data && n) || !out)
    return VIGIL_E_INVAL;
  vg_json_reader *r = reader_new(name, opts);
  if (!r)
    return VIGIL_E_NOMEM;
  r->buf = (uint8_t *)data; /* never written: mem readers do not fill */
  r->cap = r->end = n;
  r->mem = r->eof = true;
  *out = r;
  return VIGIL_OK;
}

vigil_status vg_json_reader_open_file(const char *path,
                                      const vg_json_reader_opts *opts,
                                      vg_json_reader **out, char *err,
                                      size_t errsz) {
  if (!path || !out)
    return VIGIL_E_INVAL;
  bool std = strcmp(path, "-") == 0;
  /* zlib reads gzip members and passes plain files through unchanged */
  int fd = std ? dup(STDIN_FILENO) : -1;
  gzFile gz = std ? (fd >= 0 ? gzdopen(fd, "rb") : NULL) : gzopen(path, "rb");
  if (!gz) {
    int e = errno;
    if (fd >= 0)
      close(fd);
    if (errsz)
      snprintf(err, errsz, "%s: %s", path, e ? strerror(e) : "cannot open");
    return VIGIL_E_IO;
  }
  vg_json_reader *r = reader_new(std ? "<stdin>" : path, opts);
  if (!r) {
    gzclose(gz);
    if (errsz)
      snprintf(err, errsz, "%s: %s", path, vigil_status_str(VIGIL_E_NOMEM));
    return VIGIL_E_NOMEM;
  }
  r->gz = gz;
  *out = r;
  return VIGIL_OK;
}

static void drop_pending(vg_json_reader *r) {
  for (size_t i = r->ipend; i < r->npend; i++)
    json_decref(r->pend[i].v);
  r->npend = r->ipend = 0;
}

static void release_cur(vg_json_reader *r) {
  json_decref(r->cur.root);
  memset(&r->cur, 0, sizeof r->cur);
}

void vg_json_reader_free(vg_json_reader *r) {
  if (!r)
    return;
  release_cur(r);
  drop_pending(r);
  free(r->pend);
  if (!r->mem)
    free(r->buf);
  if (r->gz)
    gzclose(r->gz);
  vg_okta_cache_free(r->okta);
  free(r->name);
  free(r);
}

vg_json_src vg_json_reader_source(const vg_json_reader *r) {
  return r->src;
}
const char *vg_json_reader_error(const vg_json_reader *r) {
  return r->err;
}
uint64_t vg_json_reader_skipped(const vg_json_reader *r) {
  return r->skipped;
}
const char *vg_json_reader_note(const vg_json_reader *r) {
  return r->note;
}
bool vg_json_reader_lines_mode(const vg_json_reader *r) {
  return r->mode == 1;
}

/* ---- buffer ---------------------------------------------------------------
 */

/* Moves beg forward by n bytes, keeping line/column in step. */
static void advance(vg_json_reader *r, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (r->buf[r->beg + i] == '\n') {
      r->line_beg++;
      r->col_beg = 1;
    } else {
      r->col_beg++;
    }
  }
  r->beg += n;
  r->abs_beg += n;
}

/* Line and column of buf[at] (at >= beg). */
static void locate(const vg_json_reader *r, size_t at, uint64_t *line,
                   uint64_t *col) {
  uint64_t l = r->line_beg, c = r->col_beg;
  for (size_t i = r->beg; i < at && i < r->end; i++) {
    if (r->buf[i] == '\n') {
      l++;
      c = 1;
    } else {
      c++;
    }
  }
  *line = l;
  *col = c;
}

static vigil_status fail_at(vg_json_reader *r, vigil_status st, size_t at,
                            const char *fmt, ...) {
  uint64_t line, col;
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  locate(r, at, &line, &col);
  snprintf(r->err, sizeof r->err, "%s:%llu:%llu: %s", r->name,
           (unsigned long long)line, (unsigned long long)col, msg);
  return st;
}

/* Reads until at least want unread bytes are buffered or the input ends. */
static vigil_status fill(vg_json_reader *r, size_t want) {
  while (!r->eof && r->end - r->beg < want) {
    if (r->cap - r->end < CHUNK) {
      if (r->beg > 0) {
        memmove(r->buf, r->buf + r->beg, r->end - r->beg);
        r->end -= r->beg;
        r->beg = 0;
      }
      if (r->cap - r->end < CHUNK) {
        size_t nc = r->cap ? r->cap * 2 : 4 * CHUNK;
        if (nc < r->end + CHUNK)
          nc = r->end + CHUNK;
        uint8_t *nb = realloc(r->buf, nc);
        if (!nb)
          return VIGIL_E_NOMEM;
        r->buf = nb;
        r->cap = nc;
      }
    }
    size_t room = r->cap - r->end, got;
    if (r->gz) {
      unsigned ask = room > (1u << 30) ? 1u << 30 : (unsigned)room;
      int n = gzread(r->gz, r->buf + r->end, ask);
      if (n < 0) {
        int zerr;
        const char *m = gzerror(r->gz, &zerr);
        snprintf(r->err, sizeof r->err, "%s: read error: %s", r->name,
                 zerr == Z_ERRNO ? strerror(errno) : m);
        return VIGIL_E_IO;
      }
      got = (size_t)n;
    } else {
      got = fread(r->buf + r->end, 1, room, r->f);
      if (got == 0 && ferror(r->f)) {
        snprintf(r->err, sizeof r->err, "%s: read error: %s", r->name,
                 strerror(errno));
        return VIGIL_E_IO;
      }
    }
    r->end += got;
    if (got == 0)
      r->eof = true;
  }
  return VIGIL_OK;
}

static bool is_ws(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skips whitespace (and a UTF-8 byte order mark at the very start). */
static vigil_status skip_ws(vg_json_reader *r) {
  for (;;) {
    if (r->beg == r->end) {
      vigil_status st = fill(r, 1);
      if (st != VIGIL_OK)
        return st;
      if (r->beg == r->end)
        return VIGIL_OK;
    }
    if (r->abs_beg == 0 && r->end - r->beg >= 1 && r->buf[r->beg] == 0xef) {
      vigil_status st = fill(r, 3);
      if (st != VIGIL_OK)
        return st;
      if (r->end - r->beg >= 3 && r->buf[r->beg + 1] == 0xbb &&
          r->buf[r->beg + 2] == 0xbf) {
        r->beg += 3;
        r->abs_beg += 3;
        continue;
      }
    }
    if (!is_ws(r->buf[r->beg]))
      return VIGIL_OK;
    advance(r, 1);
  }
}

/* ---- events -----------------------------------------------------------------
 */

static void note(vg_json_reader *r, uint64_t line, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(r->note, sizeof r->note, "%s:%llu: %s", r->name,
           (unsigned long long)line, msg);
  r->skipped++;
}

static int push(vg_json_reader *r, json_t *v, uint64_t off, uint64_t line) {
  if (r->npend == r->cappend) {
    size_t nc = r->cappend ? r->cappend * 2 : 16;
    pend *np = realloc(r->pend, nc * sizeof *np);
    if (!np)
      return -1;
    r->pend = np;
    r->cappend = nc;
  }
  r->pend[r->npend].v = json_incref(v);
  r->pend[r->npend].offset = off;
  r->pend[r->npend].line = line;
  r->pend[r->npend].doc_len = r->doc_len;
  r->npend++;
  return 0;
}

/* k8saudit's ParseAuditEventsJSON: arrays recurse, an EventList gives its
 * items, an Event itself; anything else fails the whole document. Returns
 * 0, 1 (not recognised) or -1 (out of memory). */
static int k8s_collect(vg_json_reader *r, json_t *v, uint64_t off,
                       uint64_t line) {
  if (json_is_array(v)) {
    for (size_t i = 0; i < json_array_size(v); i++) {
      int rc = k8s_collect(r, json_array_get(v, i), off, line);
      if (rc)
        return rc;
    }
    return 0;
  }
  const char *kind = json_string_value(json_object_get(v, "kind"));
  if (kind && strcmp(kind, "EventList") == 0) {
    json_t *items = json_object_get(v, "items");
    if (json_is_array(items)) {
      for (size_t i = 0; i < json_array_size(items); i++)
        if (push(r, json_array_get(items, i), off, line))
          return -1;
      return 0;
    }
  } else if (kind && strcmp(kind, "Event") == 0) {
    return push(r, v, off, line) ? -1 : 0;
  }
  return 1;
}

/* Queues the events of one document. */
static vigil_status collect(vg_json_reader *r, json_t *doc, uint64_t off,
                            uint64_t line) {
  if (r->src == VG_JSRC_NONE)
    r->src = vg_json_detect(doc);
  r->npend = r->ipend = 0;
  switch (r->src) {
  case VG_JSRC_K8S_AUDIT: {
    int rc = k8s_collect(r, doc, off, line);
    if (rc < 0) {
      drop_pending(r);
      return VIGIL_E_NOMEM;
    }
    if (rc > 0) {
      drop_pending(r);
      note(r, line, "data not recognized as a k8s audit event");
    }
    return VIGIL_OK;
  }
  case VG_JSRC_CLOUDTRAIL: {
    json_t *recs = json_object_get(doc, "Records");
    json_t *list = json_is_array(recs) ? recs : json_is_array(doc) ? doc : NULL;
    if (!list)
      return push(r, doc, off, line) ? VIGIL_E_NOMEM : VIGIL_OK;
    for (size_t i = 0; i < json_array_size(list); i++) {
      json_t *e = json_array_get(list, i);
      if (json_is_object(e) && push(r, e, off, line))
        return VIGIL_E_NOMEM;
    }
    return VIGIL_OK;
  }
  default:
    if (json_is_array(doc)) {
      for (size_t i = 0; i < json_array_size(doc); i++) {
        json_t *e = json_array_get(doc, i);
        if (!json_is_object(e)) {
          note(r, line, "array element %zu is not a JSON object", i);
          continue;
        }
        if (push(r, e, off, line))
          return VIGIL_E_NOMEM;
      }
      return VIGIL_OK;
    }
    return push(r, doc, off, line) ? VIGIL_E_NOMEM : VIGIL_OK;
  }
}

/* A string member's text, or NULL. */
static const char *str_member(const json_t *o, const char *k, size_t *n) {
  const json_t *v = json_object_get(o, k);
  if (!json_is_string(v))
    return NULL;
  *n = json_string_length(v);
  return json_string_value(v);
}

/* Applies the source's acceptance rules and timestamp to a queued item;
 * true when it becomes the current event. */
static vigil_status accept(vg_json_reader *r, pend *p, bool *ok) {
  json_t *v = p->v;
  const char *s;
  size_t n = 0;
  int64_t ns = 0;
  vg_json_event *ev = &r->cur;
  *ok = false;
  memset(ev, 0, sizeof *ev);
  switch (r->src) {
  case VG_JSRC_K8S_AUDIT: {
    if (!json_object_get(v, "stageTimestamp")) {
      note(r, p->line, "can't read stageTimestamp");
      return VIGIL_OK;
    }
    s = str_member(v, "stageTimestamp", &n);
    if (!s || !vg_json_parse_rfc3339(s, n, &ns)) {
      note(r, p->line, "stageTimestamp is not an RFC 3339 time");
      return VIGIL_OK;
    }
    /* the plugin drops events whose re-serialisation exceeds maxEventSize;
     * re-escaping at most triples a text (a 2-byte C1 control becomes
     * \u0085), so small documents need no measuring */
    if (p->doc_len > r->k8s_max / 3) {
      vg_jbuf m = {NULL, 0, 0};
      vg_json_render_compact(&m, v);
      if (m.len > r->k8s_max) {
        note(r, p->line, "event larger than maxEventSize: size=%zu", m.len);
        return VIGIL_OK;
      }
    }
    ev->has_ts = true;
    break;
  }
  case VG_JSRC_CLOUDTRAIL:
    s = str_member(v, "eventTime", &n);
    if (!s || !vg_json_parse_rfc3339(s, n, &ns)) {
      note(r, p->line, "record without a valid eventTime");
      return VIGIL_OK;
    }
    s = str_member(v, "eventType", &n);
    if (!s || strcmp(s, "AwsCloudTrailInsight") == 0) {
      note(r, p->line, s ? "insight record" : "record without eventType");
      return VIGIL_OK;
    }
    ev->has_ts = true;
    break;
  case VG_JSRC_OKTA: {
    json_t *rec = vg_okta_normalize(v);
    if (!rec)
      return VIGIL_E_NOMEM;
    json_decref(p->v);
    p->v = v = rec;
    s = str_member(v, "published", &n);
    if (s && vg_json_parse_rfc3339(s, n, &ns))
      ev->has_ts = true;
    else
      ns = 0;
    if (!r->okta && !(r->okta = vg_okta_cache_new()))
      return VIGIL_E_NOMEM;
    if (vg_okta_cache_note(r->okta, v, (uint64_t)ns, &ev->mfa_ts, &ev->mfa_n))
      return VIGIL_E_NOMEM;
    break;
  }
  case VG_JSRC_GCP:
    s = str_member(v, "timestamp", &n);
    if (s && vg_json_parse_rfc3339(s, n, &ns))
      ev->has_ts = true;
    else
      ns = 0;
    break;
  default:
    break;
  }
  ev->root = v;
  p->v = NULL; /* moved into cur */
  ev->src = r->src;
  ev->ts = ev->has_ts ? (uint64_t)ns : 0;
  ev->num = ++r->nevents;
  ev->offset = p->offset;
  ev->line = p->line;
  *ok = true;
  return VIGIL_OK;
}

/* ---- documents --------------------------------------------------------------
 */

static json_t *load(const uint8_t *p, size_t n, size_t flags, json_error_t *e) {
  json_t *v = json_loadb((const char *)p, n, flags | JSON_ALLOW_NUL, e);
  if (!v && json_error_code(e) == json_error_numeric_overflow)
    v = json_loadb((const char *)p, n,
                   flags | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, e);
  return v;
}

/* Parses the document at beg in document mode (or to find the mode). */
static vigil_status next_doc(vg_json_reader *r, json_t **out) {
  json_error_t e;
  for (;;) {
    size_t avail = r->end - r->beg;
    json_t *v = load(r->buf + r->beg, avail, JSON_DISABLE_EOF_CHECK, &e);
    if (v) {
      size_t used = (size_t)e.position;
      if (used > avail)
        used = avail;
      if (used > r->max_doc) {
        json_decref(v);
        return fail_at(r, VIGIL_E_LIMIT, r->beg,
                       "document larger than %zu bytes", r->max_doc);
      }
      if (r->mode == 0) {
        /* JSON lines when the document sat on one line, alone */
        bool nl = memchr(r->buf + r->beg, '\n', used) != NULL;
        size_t i = r->beg + used;
        for (;;) {
          if (i == r->end) {
            vigil_status st = fill(r, i - r->beg + 1);
            if (st != VIGIL_OK) {
              json_decref(v);
              return st;
            }
            if (i == r->end)
              break;
          }
          if (r->buf[i] == ' ' || r->buf[i] == '\t' || r->buf[i] == '\r') {
            i++;
            continue;
          }
          break;
        }
        r->mode = !nl && (i == r->end || r->buf[i] == '\n') ? 1 : 2;
      }
      advance(r, used);
      r->doc_len = used;
      *out = v;
      return VIGIL_OK;
    }
    if (json_error_code(&e) == json_error_premature_end_of_input && !r->eof) {
      if (avail >= r->max_doc)
        return fail_at(r, VIGIL_E_LIMIT, r->beg,
                       "document larger than %zu bytes", r->max_doc);
      size_t want = avail * 2 < CHUNK ? CHUNK : avail * 2;
      if (want > r->max_doc)
        want = r->max_doc;
      vigil_status st = fill(r, want);
      if (st != VIGIL_OK)
        return st;
      continue;
    }
    size_t at = r->beg + (size_t)e.position;
    return fail_at(r, VIGIL_E_SYNTAX, at > r->end ? r->end : at,
                   "invalid JSON: %s", e.text);
  }
}

/* Parses the next line in JSON-lines mode; *out NULL for a blank line. */
static vigil_status next_line(vg_json_reader *r, json_t **out) {
  json_error_t e;
  const uint8_t *nl;
  *out = NULL;
  for (;;) {
    size_t avail = r->end - r->beg;
    nl = memchr(r->buf + r->beg, '\n', avail);
    if (nl || r->eof)
      break;
    if (avail >= r->max_doc) {
      fail_at(r, VIGIL_E_LIMIT, r->beg, "line longer than %zu bytes",
              r->max_doc);
      r->done = true;
      return VIGIL_E_LIMIT;
    }
    size_t want = avail * 2 < CHUNK ? CHUNK : avail * 2;
    vigil_status st = fill(r, want > r->max_doc ? r->max_doc : want);
    if (st != VIGIL_OK)
      return st;
  }
  size_t len = nl ? (size_t)(nl - (r->buf + r->beg)) : r->end - r->beg;
  if (len > r->max_doc) {
    fail_at(r, VIGIL_E_LIMIT, r->beg, "line longer than %zu bytes", r->max_doc);
    r->done = true;
    return VIGIL_E_LIMIT;
  }
  json_t *v = load(r->buf + r->beg, len, 0, &e);
  vigil_status st = VIGIL_OK;
  if (!v) {
    size_t at = r->beg + (size_t)e.position;
    st = fail_at(r, VIGIL_E_SYNTAX, at > r->beg + len ? r->beg + len : at,
                 "invalid JSON: %s", e.text);
  }
  advance(r, nl ? len + 1 : len);
  r->doc_len = len;
  *out = v;
  return st;
}

vigil_status vg_json_reader_next(vg_json_reader *r, vg_json_event **ev) {
  if (!r || !ev)
    return VIGIL_E_INVAL;
  *ev = NULL;
  release_cur(r);
  r->err[0] = '\0';
  for (;;) {
    while (r->ipend < r->npend) {
      pend *p = &r->pend[r->ipend];
      bool ok;
      vigil_status st = accept(r, p, &ok);
      json_decref(p->v);
      p->v = NULL;
      r->ipend++;
      if (st != VIGIL_OK)
        return st;
      if (ok) {
        *ev = &r->cur;
        return VIGIL_OK;
      }
    }
    r->npend = r->ipend = 0;
    if (r->done)
      return VIGIL_OK;
    vigil_status st = skip_ws(r);
    if (st != VIGIL_OK) {
      r->done = true;
      return st;
    }
    if (r->beg == r->end) {
      r->done = true;
      return VIGIL_OK;
    }
    uint64_t off = r->abs_beg, line = r->line_beg;
    json_t *doc = NULL;
    if (r->mode == 1) {
      st = next_line(r, &doc);
      if (st != VIGIL_OK)
        return st; /* the next call goes on with the next line */
    } else {
      st = next_doc(r, &doc);
      if (st != VIGIL_OK) {
        r->done = true;
        return st;
      }
    }
    if (!doc)
      continue;
    st = collect(r, doc, off, line);
    json_decref(doc);
    if (st != VIGIL_OK) {
      r->done = true;
      return st;
    }
  }
}
