/*
 * json_okta.h - Okta log events as the okta plugin sees them: each input
 * object is decoded into the plugin's fixed LogEvent record (Go
 * encoding/json rules: keys matched exactly, else case-insensitively; null
 * and wrongly typed values leave the zero value) and re-encoded, so the
 * event payload is the plugin's own re-serialisation (omitempty members
 * dropped, unknown members gone). Also the MFA counter cache behind
 * okta.mfa.*.countlast. Internal to plugin/json. Owner: jsonsrc.
 */
#ifndef VG_JSON_OKTA_H
#define VG_JSON_OKTA_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* A new reference to the canonical record of in (an object), or NULL when
 * out of memory. */
json_t *vg_okta_normalize(const json_t *in);

/* Per-reader MFA cache: eventType:actor.id -> recent event timestamps. */
typedef struct vg_okta_cache vg_okta_cache;
vg_okta_cache *vg_okta_cache_new(void);
void vg_okta_cache_free(vg_okta_cache *c);

/*
 * Records the canonical event rec with timestamp ts, as the plugin does when
 * it first extracts from an event: only user.mfa.okta_verify.deny_push
 * events and failed user.authentication.auth_via_mfa events count. Points
 * list (count in n) at the key's timestamps (the cache's storage, valid until
 * the next call) or 0 entries for other events. Returns 0, or -1 out of memory.
 */
int vg_okta_cache_note(vg_okta_cache *c, const json_t *rec, uint64_t ts,
                       const uint64_t **list, size_t *n);

#endif
