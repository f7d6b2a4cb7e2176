/*
 * falco_users.h - user and group names for user.name, group.name,
 * user.homedir, user.shell inside Falco. Falco's state tables carry only
 * uids and gids (plugin-abi.md 7.7), so the plugin reads the host's
 * passwd and group files once, at init, into a sorted in-memory table.
 * Owner: falco.
 */
#ifndef VG_FALCO_USERS_H
#define VG_FALCO_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sources/sysstate.h"

typedef struct vg_fusers {
  vg_user *v; /* sorted by id; the first entry of an id wins */
  size_t n;
  char *text; /* the file's bytes, which the entries point into */
} vg_fusers;

/*
 * Loads a passwd file (is_group false: name:pw:uid:gid:gecos:home:shell)
 * or a group file (name:pw:gid:members) into u, which must be zeroed.
 * Malformed lines are skipped; files larger than 16 MiB or with more than
 * 1M lines are read up to that size. A missing file leaves u empty and
 * returns true; false only when out of memory.
 */
bool vg_fusers_load(vg_fusers *u, const char *path, bool is_group);
void vg_fusers_fini(vg_fusers *u);
/* The entry for id, or NULL. */
const vg_user *vg_fusers_find(const vg_fusers *u, uint32_t id);

#endif
