/*
 * run_host.h - the host glue between event sources and the VM, shared by
 * `vigil run` and the Falco plugin (owned by the run work).
 *
 * A vg_run_host binds a pack's field references to the extractors of the
 * syscall source (plugin/fields) and of the JSON sources (plugin/json)
 * (a field no extractor provides is bound as never having a value),
 * presents each event to the VM through include/vigil/event.h with
 * per-event memoisation, dispatches the selected rules in load order on
 * the event's source and type (Falco's rule_matching first|all), and
 * renders rule outputs with libsinsp's formatting rules (rules-language.md
 * 9.3): %field tokens take the longest prefix that is a field of the
 * rule's source, an optional width pads or truncates, and a missing value
 * renders <NA> (null in output_fields).
 *
 * Usage:
 *   vg_run_host *h = vg_run_host_new();
 *   vigil_program_load(bytes, len, vg_run_host_binder, h, &p, err, n);
 *   vg_run_host_attach(h, p, err, n);     (templates, rule table)
 *   vg_run_host_select(h, i, false) ...   (filters)
 *   vg_run_host_prepare(h, first_match);  (dispatch lists, VM)
 *   vg_run_host_open(h, path, force, err, n);
 *   while (vg_run_host_next(h, &res) == VIGIL_OK && !res.eof) ...
 *   vg_run_host_close(h);  ... vg_run_host_free(h);
 *
 * One input is open at a time. Not thread-safe: one host per thread. The
 * per-event path (next, extraction, evaluation) allocates nothing once
 * the JSON value blocks are warm; rendering writes into a buffer the host
 * keeps and grows. Every pointer returned stays valid until the next call
 * of vg_run_host_next (match lists, rendered text) or until
 * vg_run_host_free (names). The library never prints.
 */
#ifndef VG_RUN_HOST_H
#define VG_RUN_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/program.h"
#include "vigil/status.h"

typedef struct vg_run_host vg_run_host;

vg_run_host *vg_run_host_new(void); /* NULL when out of memory */
/* Frees the host and its VM; the program stays the caller's. */
void vg_run_host_free(vg_run_host *h);

/*
 * vigil_field_binder for vigil_program_load with ud = the host: looks the
 * field up in the extractors of its source (syscall fields for "syscall",
 * the JSON catalogs otherwise) and records it. A field no extractor
 * provides (the compiler accepted it from its catalog) is recorded as
 * never having a value; see vg_run_host_unprovided.
 */
vigil_status vg_run_host_binder(void *ud, const char *source,
                                const char *name, const char *arg,
                                uint32_t type, uint32_t flags, uint32_t *id,
                                char *err, size_t errsz);

/*
 * Attaches the program the binder was used for (it must outlive the host):
 * parses every rule's output template for its source. extra_output, if
 * non-NULL and non-empty, is appended to every output with one space
 * (Falco's append_output extra_output). All rules start selected as the
 * pack says (enabled flag).
 */
vigil_status vg_run_host_attach(vg_run_host *h, const vigil_program *p,
                                const char *extra_output, char *err,
                                size_t errsz);

/* Rule selection before vg_run_host_prepare. */
void vg_run_host_select(vg_run_host *h, size_t rule, bool on);
bool vg_run_host_selected(const vg_run_host *h, size_t rule);

/* Builds the dispatch lists of the selected rules and the VM. */
vigil_status vg_run_host_prepare(vg_run_host *h, bool first_match);
/* Number of selected rules (after prepare). */
size_t vg_run_host_nselected(const vg_run_host *h);

/* Which time field Falco's output prefix adds to output_fields:
 * evt.time.iso8601 with time_format_iso_8601, else evt.time. */
void vg_run_host_time_iso(vg_run_host *h, bool iso);

/*
 * Syscall event types Falco's default base syscall set leaves out when it
 * captures live (high-volume I/O calls outside libsinsp's state set). With
 * skip_io set, events of those types are read (the state still follows
 * them) but not evaluated. Default: false (every event is evaluated, as
 * Falco does when replaying a capture).
 */
void vg_run_host_skip_io(vg_run_host *h, bool skip_io);

/*
 * Opens an event file: a capture (.scap, plain or gzip) or a JSON event
 * file, told apart by content. force names the JSON source to use (NULL or
 * "": recognise it from the content). Any input already open is closed.
 */
vigil_status vg_run_host_open(vg_run_host *h, const char *path,
                              const char *force, char *err, size_t errsz);
void vg_run_host_close(vg_run_host *h);
/* Whether the open input is a JSON event file (reading may go on after a
 * syntax error in JSON lines). */
bool vg_run_host_is_json(const vg_run_host *h);

typedef struct vg_run_result {
  bool eof;             /* no more events in the input */
  const char *source;   /* the event's source name ("syscall", ...) */
  uint64_t ts;          /* event time, ns since the epoch (captures: set
                           only when the event alerts) */
  bool evaluated;       /* false: the event was read but not evaluated */
  const uint32_t *hits; /* matching rule indices, load order */
  size_t nhits;
  vigil_status eval_status; /* first evaluation error of this event */
} vg_run_result;

/*
 * Reads and evaluates the next event. Returns VIGIL_OK (res->eof at the
 * end) or the reader's error; the message is in vg_run_host_error, and the
 * events before it have been returned.
 */
vigil_status vg_run_host_next(vg_run_host *h, vg_run_result *res);
const char *vg_run_host_error(const vg_run_host *h);
/* Iterates over the fields no extractor provides (they never have a
 * value): start with *i = 0; NULL at the end. */
const char *vg_run_host_unprovided(const vg_run_host *h, size_t *i);
/* Events a JSON reader dropped as the upstream plugin would. */
uint64_t vg_run_host_skipped(const vg_run_host *h);
/* Why the open JSON input last dropped an event ("FILE:LINE: reason", as
 * the source plugin reports it), or "" (also for captures); valid until
 * the input is closed. */
const char *vg_run_host_note(const vg_run_host *h);

/*
 * Renders rule `rule`'s output for the current event. *text: the output as
 * Falco prints it in text (NUL-terminated, control characters escaped,
 * invalid UTF-8 replaced by U+FFFD). *fields_json: the output_fields
 * object as JSON text ({"evt.time":1470327477881785348,"fd.cport":null,
 * "proc.name":"cat",...}: the template's fields plus the time field of
 * Falco's output prefix, keys sorted as Falco prints them), not computed
 * when fields_json is NULL. Both
 * stay valid until the next render or vg_run_host_next.
 */
vigil_status vg_run_host_render(vg_run_host *h, size_t rule,
                                const char **text, const char **fields_json);

/* Appends s[0..n) to out as a JSON string literal (quotes included),
 * escaping as Falco's JSON writer does and replacing invalid UTF-8 with
 * U+FFFD. Returns false when out of memory. */
typedef struct vg_run_buf {
  char *p;
  size_t len, cap;
} vg_run_buf;
bool vg_run_buf_put(vg_run_buf *b, const void *s, size_t n);
bool vg_run_buf_puts(vg_run_buf *b, const char *s);
bool vg_run_buf_json_str(vg_run_buf *b, const void *s, size_t n);
void vg_run_buf_fini(vg_run_buf *b);

/* Priority names as Falco prints them ("Emergency" .. "Debug"), and the
 * number for a name (case-insensitive, "info" accepted), or -1. */
const char *vg_run_priority_name(unsigned prio);
int vg_run_priority_parse(const char *name);

/* Shell-style match of Falco's rule-name wildcards: '*' matches any run of
 * characters, everything else itself. */
bool vg_run_wildcard(const char *pattern, const char *name);

#endif
