/*
 * syscall_fields.h - extractors for libsinsp's syscall fields (evt.*,
 * proc.*, thread.*, user.*, fd.*), rendered as libsinsp renders them.
 * Owned by the scap slice.
 *
 * Extractors never touch a state table directly: they read the current
 * event, its thread and its fd through vg_sys_accessor, so the same code
 * runs over vigil's own capture state (vg_sys_accessor_for_state) or over
 * Falco's thread/fd tables fed by the plugin glue. Extraction allocates
 * nothing (text goes into a caller buffer), except container.mount*[KEY],
 * which compiles its key as a regular expression per call, as the
 * container plugin does. Owned by the fields2 work since the scap slice
 * finished.
 */
#ifndef VG_FIELDS_SYSCALL_FIELDS_H
#define VG_FIELDS_SYSCALL_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "sources/sysstate.h"
#include "vm/value.h"

typedef struct vg_sys_accessor {
  void *ctx;
  const vg_evt *(*event)(void *ctx);
  uint64_t (*event_num)(void *ctx);
  /* the event's thread (NULL if none) and any thread by tid */
  vg_thread *(*thread)(void *ctx);
  vg_thread *(*find_thread)(void *ctx, int64_t tid);
  vg_thread *(*main_thread)(void *ctx, vg_thread *t);
  /* the event's fd (NULL if none) and any fd of a thread */
  vg_fdinfo *(*fd)(void *ctx);
  vg_fdinfo *(*get_fd)(void *ctx, vg_thread *t, int64_t fd);
  const vg_user *(*user)(void *ctx, uint32_t uid);
  const vg_user *(*group)(void *ctx, uint32_t gid);
  /* whether an address (network order) belongs to the local machine */
  int (*is_local_addr)(void *ctx, const uint8_t *addr, int is_v6);
  /* whether parsing the current event changed the name of its fd */
  int (*fd_name_changed)(void *ctx);
  /* Optional (NULL: the fields that need them have no value). Container
   * plugin metadata by container id ("" = the host entry), the container
   * the current event announced, the capture's host name, and the time of
   * the first non-meta event (evt.reltime's origin). */
  const vg_container *(*container)(void *ctx, const char *id);
  const vg_container *(*evt_container)(void *ctx);
  const char *(*hostname)(void *ctx);
  uint64_t (*first_ts)(void *ctx);
  /* Optional too: facts from earlier events (previous shown event time,
   * shown-event count, sched_switch run time; see sysstate.h), and the
   * live thread count of a thread group. */
  const vg_sys_evtx *(*evtx)(void *ctx);
  uint64_t (*group_threads)(void *ctx, int64_t pid, int *main_alive);
} vg_sys_accessor;

/* An accessor over vigil's own capture state. */
void vg_sys_accessor_for_state(vg_sys_accessor *a, vg_sysstate *s);

/* A parsed field reference: field id plus optional argument. */
typedef struct vg_sysf_ref {
  int id;
  int64_t argn;      /* [N] argument, or -1 */
  char argname[160]; /* .NAME / [NAME] / [KEY] argument, or "" */
} vg_sysf_ref;

/* Parses the field at the start of TEXT (e.g. "proc.aname[2]"); on success
 * sets *used to the bytes consumed. VIGIL_E_NOTFOUND when no known field
 * starts there. */
vigil_status vg_sysf_parse(const char *text, vg_sysf_ref *out, size_t *used);

/* Renders the field of the current event into buf (NUL-terminated,
 * truncated to len). Returns 1 when the field has a value, 0 when not
 * (libsinsp prints <NA> then). */
int vg_sysf_render(const vg_sys_accessor *a, const vg_sysf_ref *f,
                    char *buf, size_t len);

/* Whether the field needs the fd names from before each event
 * (fd.name_changed; see vg_sys_track_fd_names). */
int vg_sysf_needs_old_fd_name(const vg_sysf_ref *f);

/* The value type of a field (vg_ftype, as in the field catalog). */
vg_ftype vg_sysf_type(const vg_sysf_ref *f);

/* How Falco writes the field in a JSON alert's output_fields (libsinsp's
 * tojson: by type and print format): VG_SJ_NUMBER as the decimal typed
 * value (also when the text is zero-padded), VG_SJ_DOUBLE as a JSON
 * double, VG_SJ_BOOL as true/false, VG_SJ_TS as the raw event time,
 * VG_SJ_NULL always null, VG_SJ_LIST as an array of strings, VG_SJ_STRING
 * as the rendered text. */
enum {
  VG_SJ_STRING,
  VG_SJ_NUMBER,
  VG_SJ_DOUBLE,
  VG_SJ_BOOL,
  VG_SJ_TS,
  VG_SJ_NULL,
  VG_SJ_LIST
};
int vg_sysf_json_kind(const vg_sysf_ref *f);

/*
 * Typed extraction for the evaluator: writes up to max values to out and
 * their count to *n (0: no value). Strings are written into scratch[0..cap)
 * and *used tells how many bytes were taken, so the caller can give each
 * field of an event its own part of one buffer; values stay valid while
 * that storage and the current event do. Fields matched "for any" (ancestor
 * names without an index, fd.ip/fd.port/fd.net) give several values.
 * VIGIL_E_LIMIT when max or cap is too small.
 */
vigil_status vg_sysf_extract(const vg_sys_accessor *a, const vg_sysf_ref *f,
                              vg_value *out, size_t max, size_t *n,
                              uint8_t *scratch, size_t cap, size_t *used);

/* The same with the field's type given (t == vg_sysf_type(f), which a
 * caller extracting the same field for every event can compute once). */
vigil_status vg_sysf_extract_as(const vg_sys_accessor *a,
                                const vg_sysf_ref *f, vg_ftype t,
                                vg_value *out, size_t max, size_t *n,
                                uint8_t *scratch, size_t cap, size_t *used);

/* The same through the text path only (render, then parse the text back):
 * the reference the typed fast path of vg_sysf_extract is tested against. */
vigil_status vg_sysf_extract_text(const vg_sys_accessor *a,
                                   const vg_sysf_ref *f, vg_value *out,
                                   size_t max, size_t *n, uint8_t *scratch,
                                   size_t cap, size_t *used);

#endif
