/*
 * falco_tables.h - the syscall extractors' accessor (vg_sys_accessor, see
 * fields/syscall_fields.h) fed from Falco's state instead of vigil's own
 * capture state: the raw event bytes the host hands to extract_fields,
 * and the host's "threads" table with its "file_descriptors", "args" and
 * "env" subtables, plus the container plugin's "containers" table when
 * that plugin was initialised first, read through the state tables API
 * (plugin-abi.md section 7). Owner: falco.
 *
 * Field handles are obtained once, at plugin_init (the only time the host
 * allows it); missing fields (older Falco versions) are simply absent and
 * read as zero or "". Per event, threads and fds are copied out of the
 * host tables into a fixed pool of slots allocated at creation, keyed by
 * tid (resp. pid and fd number) so that the same thread always gives the
 * same pointer within one event, which the extractors' ancestor walks rely
 * on. No allocation happens per event; host entries are released before
 * the accessor returns. When the pool is exhausted a lookup returns NULL
 * (an ancestor walk then stops early).
 *
 * Not thread-safe: one vg_ftables per plugin state.
 */
#ifndef VG_FALCO_TABLES_H
#define VG_FALCO_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "falco/falco_abi.h"
#include "falco/falco_users.h"
#include "fields/syscall_fields.h"
#include "sources/scap.h"

typedef struct vg_ftables vg_ftables;

/* NULL when out of memory. */
vg_ftables *vg_ftables_new(void);
void vg_ftables_free(vg_ftables *t);

/*
 * Looks up the "threads" table and the field handles. in may be NULL (no
 * state: the accessor then knows no thread). A host without a usable
 * threads table is not an error: *note receives a static explanation (or
 * NULL when everything was found) for the plugin to log.
 */
void vg_ftables_bind(vg_ftables *t, const ss_plugin_init_tables_input *in,
                     ss_plugin_owner_t *owner, const char **note);

/* Whether a threads table was bound. */
int vg_ftables_has_threads(const vg_ftables *t);

/*
 * Parses the raw event (len bytes available at ev, as the host gave it)
 * into *out. Returns 0 when the header or the parameter lengths do not fit
 * in the event.
 */
int vg_falco_parse_event(const uint8_t *ev, size_t avail, vg_evt *out);

/*
 * Starts a new event for the accessor: e stays owned by the caller and
 * must stay valid (with the bytes it points to) until the next call; rd is
 * the reader vtable of the current extract_fields call (NULL: no state).
 * Drops the threads and fds copied for the previous event.
 */
void vg_ftables_begin(vg_ftables *t,
                      const ss_plugin_table_reader_vtable_ext *rd,
                      const vg_evt *e, uint64_t evtnum);

/* Records the fd of an enter event (parse_event), for the exit event of
 * the same thread when it does not carry the fd itself (drivers before
 * event schema 4: close, read, write, ... exits hold only the result). */
void vg_ftables_parse(vg_ftables *t, const vg_evt *e);

/* The user and group tables behind user.name, group.name, ... (owned by
 * the caller, which keeps them alive as long as t; NULL: none). */
void vg_ftables_set_users(vg_ftables *t, const vg_fusers *users,
                          const vg_fusers *groups);

/* The container id of the event's thread ("" for the host), or NULL when
 * there is no thread or the host's table has no container_id field. Valid
 * until the next vg_ftables_begin. */
const char *vg_ftables_container_id(vg_ftables *t);

/*
 * Whether the container plugin's "containers" table was found at bind
 * (column NULL), or found with the given column ("id", "name", "image",
 * "ip", "user", "type"). The table exists only when the container plugin
 * was initialised before this plugin (plugin-abi.md 7.6, 8.2).
 */
int vg_ftables_has_container_column(const vg_ftables *t, const char *column);

/*
 * Splits an image reference as the container plugin does for
 * container.image.repository/tag (parseImageRepoTag: the "@digest" part is
 * dropped, the tag follows the last ':' after the last '/'): the
 * repository is image[0..*repo_len), the tag (*tag)[0..*tag_len), and
 * *digest the text after the first '@' ("" without one). Pointers are into
 * image.
 */
void vg_falco_split_image(const char *image, size_t *repo_len,
                          const char **tag, size_t *tag_len,
                          const char **digest);

/* The accessor; valid as long as t. Its container callback reads the
 * "containers" table (one copy per container id and event). */
const vg_sys_accessor *vg_ftables_accessor(vg_ftables *t);

#endif
