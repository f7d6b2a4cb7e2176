/*
 * syscall_fields.h - extractors for libsinsp's syscall fields (evt.*,
 * proc.*, thread.*, user.*, fd.*), rendered as libsinsp renders them.
 * Owned by the scap slice.
 *
 * Extractors never touch a state table directly: they read the current
 * event, its thread and its fd through vg_sys_accessor, so the same code
 * runs over vigil's own capture state (vg_sys_accessor_for_state) or over
 * Falco's thread/fd tables fed by the plugin glue. Extraction allocates
 * nothing; text goes into a caller buffer.
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
} vg_sys_accessor;

/* An accessor over vigil's own capture state. */
void vg_sys_accessor_for_state(vg_sys_accessor *a, vg_sysstate *s);

/* A parsed field reference: field id plus optional argument. */
typedef struct vg_field_ref {
  int id;
  int64_t argn;      /* [N] argument, or -1 */
  char argname[64];  /* .NAME / [NAME] argument, or "" */
} vg_field_ref;

/* Parses the field at the start of TEXT (e.g. "proc.aname[2]"); on success
 * sets *used to the bytes consumed. VIGIL_E_NOTFOUND when no known field
 * starts there. */
vigil_status vg_field_parse(const char *text, vg_field_ref *out, size_t *used);

/* Renders the field of the current event into buf (NUL-terminated,
 * truncated to len). Returns 1 when the field has a value, 0 when not
 * (libsinsp prints <NA> then). */
int vg_field_render(const vg_sys_accessor *a, const vg_field_ref *f,
                    char *buf, size_t len);

/* The value type of a field (vg_ftype, as in the field catalog). */
vg_ftype vg_field_type(const vg_field_ref *f);

/*
 * Typed extraction for the evaluator: writes up to max values to out and
 * their count to *n (0: no value). Strings are written into scratch[0..cap)
 * and *used tells how many bytes were taken, so the caller can give each
 * field of an event its own part of one buffer; values stay valid while
 * that storage and the current event do. Fields matched "for any" (ancestor
 * names without an index, fd.ip/fd.port/fd.net) give several values.
 * VIGIL_E_LIMIT when max or cap is too small.
 */
vigil_status vg_field_extract(const vg_sys_accessor *a, const vg_field_ref *f,
                              vg_value *out, size_t max, size_t *n,
                              uint8_t *scratch, size_t cap, size_t *used);

#endif
