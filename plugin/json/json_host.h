/*
 * json_host.h - glue between the JSON event sources and an evaluator that
 * reads fields through a callback by small integer ids (the VM's
 * vigil_event_ops.extract has exactly the signature of
 * vg_json_host_extract). The host binds field references once ("name" or
 * "name[arg]", as written in rules), then per event points itself at the
 * current event; extracted values and the bytes they point to stay valid
 * until the next vg_json_host_set_event (so several fields of one event can
 * be held at once). Storage grows in blocks the host keeps across events:
 * after warm-up, extraction does not allocate.
 *
 * Owner: jsonsrc. One host per thread.
 */
#ifndef VG_JSON_HOST_H
#define VG_JSON_HOST_H

#include <stdint.h>

#include "json/json_fields.h"

typedef struct vg_json_host vg_json_host;

vg_json_host *vg_json_host_new(void); /* NULL when out of memory */
void vg_json_host_free(vg_json_host *h);

/*
 * Binds a field reference; *bind_id receives its id (0, 1, 2, ... in bind
 * order). The reference is copied. Errors: VIGIL_E_NOTFOUND (not a JSON
 * source field), VIGIL_E_SYNTAX (bad argument), VIGIL_E_NOMEM; message in
 * err.
 */
vigil_status vg_json_host_bind(vg_json_host *h, const char *ref,
                               uint32_t *bind_id, char *err, size_t errsz);

/* Makes ev (owned by its reader) the current event and releases the values
 * extracted for the previous one. */
void vg_json_host_set_event(vg_json_host *h, const vg_json_event *ev);

/*
 * Extracts bound field bind_id of the current event (ctx is the host): *n
 * values at *vals, n == 0 when the field has no value. VIGIL_E_INVAL for an
 * unknown id or no current event, VIGIL_E_NOMEM.
 */
vigil_status vg_json_host_extract(void *ctx, uint32_t bind_id,
                                  const vg_value **vals, size_t *n);

#endif
