/*
 * syscall_source.h - the syscall event source for the evaluator: a capture
 * file read through the scap reader, the syscall state updated event by
 * event, and the field extractors bound by name, presented as vigil_event
 * (include/vigil/event.h) for vigil_vm_eval. Owned by the scap slice.
 *
 * Only the events libsinsp would show are returned (converter-consumed and
 * TOCTOU enter events are parsed for state, not returned). Field values are
 * extracted lazily, at most once per event (memoised), into storage that
 * was allocated when the field was bound: the per-event path allocates
 * nothing. Values stay valid until the next vg_sys_source_next call.
 * Not thread-safe: one source per thread.
 */
#ifndef VG_FIELDS_SYSCALL_SOURCE_H
#define VG_FIELDS_SYSCALL_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "fields/syscall_fields.h"
#include "vigil/event.h"

typedef struct vg_sys_source vg_sys_source;

/* Opens a capture ("-" = standard input). *out is owned by the caller. */
vigil_status vg_sys_source_open(const char *path, vg_sys_source **out,
                                char *err, size_t errlen);
void vg_sys_source_free(vg_sys_source *s);

/* Binds a field by its full name ("proc.aname[2]", "evt.arg.flags") and
 * returns its id for vigil_event_ops.extract; binding the same text twice
 * gives the same id. VIGIL_E_NOTFOUND for unknown fields. Bind before
 * reading events: fd.name_changed needs state kept from the event after
 * its binding on. */
vigil_status vg_sys_source_bind(vg_sys_source *s, const char *name,
                                uint32_t *id);

/* The next shown event, or *ev == NULL at the end of the capture. On error
 * the message (with byte offset and block) is in vg_sys_source_error and
 * the events before it have been returned. ev->source is 0; the caller
 * sets the program's source index. The event stays valid until the next
 * call. */
vigil_status vg_sys_source_next(vg_sys_source *s, vigil_event **ev);

/* The number libsinsp gives the current event (evt.num). */
uint64_t vg_sys_source_num(const vg_sys_source *s);

/* Renders a bound field of the current event as libsinsp prints it;
 * returns 0 when it has no value. */
int vg_sys_source_render(vg_sys_source *s, uint32_t id, char *buf,
                         size_t len);

const char *vg_sys_source_error(const vg_sys_source *s);

#endif
