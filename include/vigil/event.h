/*
 * event.h - how the VM reads an event: the host (scap/JSON sources, the
 * Falco plugin glue, `vigil expr --fields`) describes one event as a
 * vigil_event whose accessor extracts field values by the ids its binder
 * gave at load (program.h).
 *
 * Values are vg_value (plugin/vm/value.h: type tag plus number, IP or
 * byte-slice payload). The VM never frees or copies what the accessor
 * returns: the value array and the bytes it points to are owned by the host
 * and must stay valid until vigil_vm_eval returns. The VM calls extract at
 * most once per field per evaluation (memoised), in no particular order,
 * and only for fields some evaluated rule needs.
 */
#ifndef VIGIL_EVENT_H
#define VIGIL_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/status.h"
#include "vm/value.h"

typedef struct vigil_event_ops {
  size_t struct_size; /* sizeof(vigil_event_ops), so the struct can grow */
  /*
   * Extracts field `id` for the current event: sets *vals to n values
   * (n == 0: the field has no value for this event). A non-list field
   * yields one value, except fields the pack marks VIGIL_FIELD_ANY or
   * VIGIL_FIELD_ENDPOINT, which may yield several (ancestors, endpoints).
   * Return VIGIL_OK, or an error, which makes the check false and is
   * reported by vigil_vm_eval after evaluating the other rules.
   */
  vigil_status (*extract)(void *ctx, uint32_t id, const vg_value **vals,
                          size_t *n);
} vigil_event_ops;

typedef struct vigil_event {
  uint32_t source; /* vigil_program_source_index() of the event's source */
  uint32_t evtype; /* event-type code (syscall source); 0 for others */
  const vigil_event_ops *ops;
  void *ctx; /* passed to ops->extract */
} vigil_event;

#endif
