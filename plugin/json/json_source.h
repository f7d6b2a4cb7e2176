/*
 * json_source.h - readers for the JSON event sources: Kubernetes audit
 * (k8s_audit), CloudTrail (aws_cloudtrail), Okta, GitHub webhooks, GCP audit
 * logs (gcp_auditlog) and generic JSON. A reader turns a byte stream (file,
 * FILE *, memory) into events, one parsed JSON document (a jansson tree) per
 * event, with the event's timestamp as the upstream plugin would set it.
 *
 * Accepted layouts, for every source: one JSON document (pretty-printed or
 * not) or several concatenated ones; JSON lines (one document per line).
 * A document is an event, an array of events, or a source-specific container
 * (a k8s `EventList` with `items`, a CloudTrail `{"Records": [...]}` file).
 * The source is recognised from the first document unless forced.
 *
 * JSON lines are read one line at a time (memory bounded by the longest
 * line); a malformed line is reported and reading can go on with the next
 * line. Any other layout is read document by document, each held whole in
 * memory (bounded by max_doc); a malformed document ends the stream.
 * Documents nest at most 2048 levels (jansson's parser limit): deeper input
 * is an error, never a crash.
 *
 * Events that the upstream plugin would drop (a k8s event without a valid
 * stageTimestamp, a CloudTrail record without eventTime/eventType, ...) are
 * skipped and counted, with a note saying why (vg_json_reader_note).
 *
 * Owner: jsonsrc. Not thread-safe: one reader per thread.
 */
#ifndef VG_JSON_SOURCE_H
#define VG_JSON_SOURCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vigil/status.h"

typedef enum vg_json_src {
  VG_JSRC_NONE = 0, /* not recognised yet / let the reader decide */
  VG_JSRC_K8S_AUDIT,
  VG_JSRC_CLOUDTRAIL,
  VG_JSRC_OKTA,
  VG_JSRC_GITHUB,
  VG_JSRC_GCP,
  VG_JSRC_JSON, /* generic JSON: only json.* / jevt.* fields apply */
  VG_JSRC__COUNT
} vg_json_src;

/* Falco's event source name ("k8s_audit", "aws_cloudtrail", "okta",
 * "github", "gcp_auditlog", "json"); "" for VG_JSRC_NONE. Static. */
const char *vg_json_src_name(vg_json_src s);
/* The source called name (as above), or VG_JSRC_NONE. */
vg_json_src vg_json_src_from_name(const char *name);

/* One event. The reader owns it; it stays valid until the next call of
 * vg_json_reader_next or vg_json_reader_free on the same reader. */
typedef struct vg_json_event {
  json_t *root;    /* the event payload: always a JSON object */
  vg_json_src src; /* the stream's source */
  uint64_t ts;     /* nanoseconds since the epoch (0 when has_ts false) */
  bool has_ts;     /* whether the upstream plugin sets a timestamp */
  uint64_t num;    /* 1-based number of the event in this reader */
  uint64_t offset; /* byte offset of the document holding the event */
  uint64_t line;   /* 1-based line of that document */
  /* okta only: timestamps the upstream MFA counter cache holds for this
   * event's eventType:actor.id key, this event included (ascending order
   * of insertion), or n = 0 when the event is not an MFA failure event. */
  const uint64_t *mfa_ts;
  size_t mfa_n;
} vg_json_event;

typedef struct vg_json_reader vg_json_reader;

typedef struct vg_json_reader_opts {
  vg_json_src force;    /* VG_JSRC_NONE: recognise from the content */
  size_t max_doc;       /* largest document or line, bytes; 0 = 256 MiB */
  size_t k8s_max_event; /* k8saudit maxEventSize; 0 = 262144 as upstream */
} vg_json_reader_opts;

/*
 * Opens a reader on the file at path ("-" reads standard input), plain or
 * gzip-compressed (as CloudTrail's .json.gz logs). opts may be NULL. On
 * failure *out is untouched and err (if errsz > 0) receives a message.
 */
vigil_status vg_json_reader_open_file(const char *path,
                                      const vg_json_reader_opts *opts,
                                      vg_json_reader **out, char *err,
                                      size_t errsz);
/* Same on an open stream, which the reader does not close. */
vigil_status vg_json_reader_open_stream(FILE *f, const char *name,
                                        const vg_json_reader_opts *opts,
                                        vg_json_reader **out);
/* Same on memory the caller keeps alive for the reader's lifetime. */
vigil_status vg_json_reader_open_mem(const void *data, size_t n,
                                     const char *name,
                                     const vg_json_reader_opts *opts,
                                     vg_json_reader **out);
void vg_json_reader_free(vg_json_reader *r);

/*
 * The next event: VIGIL_OK with *ev set, or VIGIL_OK with *ev == NULL at the
 * end of the stream. Errors: VIGIL_E_SYNTAX (malformed JSON), VIGIL_E_LIMIT
 * (document too large), VIGIL_E_IO, VIGIL_E_NOMEM; the message, with the
 * location ("name:LINE:COL: ..."), is in vg_json_reader_error. Events read
 * before an error have been delivered. After a syntax error in JSON-lines
 * input the next call goes on with the following line; after any other error
 * (or a syntax error in other layouts) it returns the end.
 */
vigil_status vg_json_reader_next(vg_json_reader *r, vg_json_event **ev);

/* The stream's source: forced, recognised, or VG_JSRC_NONE before the first
 * document. */
vg_json_src vg_json_reader_source(const vg_json_reader *r);
/* The last error message ("" if none). Owned by the reader. */
const char *vg_json_reader_error(const vg_json_reader *r);
/* Events skipped as the upstream plugin would drop them, and the note on
 * the last one ("" if none). Owned by the reader. */
uint64_t vg_json_reader_skipped(const vg_json_reader *r);
const char *vg_json_reader_note(const vg_json_reader *r);
/* Whether the input is read as JSON lines (known after the first
 * document). */
bool vg_json_reader_lines_mode(const vg_json_reader *r);

/*
 * Recognises the source of one event-bearing document (also used on the
 * first item of an array): k8s_audit (kind Event/EventList, or auditID),
 * aws_cloudtrail (Records, or eventSource+eventName/eventTime), gcp_auditlog
 * (protoPayload, or logName+resource), okta (eventType+actor/published),
 * github (webhook_type, or sender with repository/organization/hook),
 * otherwise json.
 */
vg_json_src vg_json_detect(const json_t *doc);

/* Whether the first bytes of a file look like JSON input (after an optional
 * UTF-8 byte order mark and whitespace, a '{' or '['): lets a caller tell
 * JSON event files from captures. */
bool vg_json_sniff(const void *head, size_t n);

/* ---- rendering (json_render.c) ------------------------------------------ */

/* A bounded output buffer: writes past cap are counted, not stored, so a
 * caller can learn the size it needs (len) and retry. */
typedef struct vg_jbuf {
  uint8_t *p;
  size_t cap;
  size_t len;
} vg_jbuf;

void vg_jbuf_put(vg_jbuf *b, const void *s, size_t n);
void vg_jbuf_putc(vg_jbuf *b, char c);
static inline bool vg_jbuf_ok(const vg_jbuf *b) {
  return b->len <= b->cap;
}

/* Compact JSON text of v as the Go plugins' fastjson MarshalTo prints it
 * (no spaces; strings escaped only when they hold '"', '\\' or control
 * characters, then Go-quoted). Numbers: integers in decimal, reals in the
 * shortest form that reads back exactly. */
void vg_json_render_compact(vg_jbuf *b, const json_t *v);
/* JSON text of v indented with two spaces as Go's json.Indent(..., "",
 * "  ") prints the compact form (json.obj). */
void vg_json_render_indent(vg_jbuf *b, const json_t *v);
/* A JSON string's text as fastjson escapes it, quotes included. */
void vg_json_render_string(vg_jbuf *b, const char *s, size_t n);
/* A float64 as Go's fmt "%v" prints it (okta latitude/longitude). */
void vg_json_render_go_float(vg_jbuf *b, double d);

/* RFC 3339 timestamp (fractional seconds and numeric offsets allowed, as
 * Go's time.Parse(time.RFC3339Nano, ...)) to nanoseconds since the epoch. */
bool vg_json_parse_rfc3339(const char *s, size_t n, int64_t *ns);

#endif
