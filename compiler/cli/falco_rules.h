/*
 * falco_rules.h - the Falco rules file that forwards a compiled pack's
 * rules to the vigil plugin (`vigil compile --falco-rules FILE`). Owner:
 * falco.
 */
#ifndef VG_CLI_FALCO_RULES_H
#define VG_CLI_FALCO_RULES_H

#include <stddef.h>

/* Writes the rules file for pack[0..len) to path. Returns 0, or -1 with a
 * message in err. */
int vg_write_falco_rules(const char *path, const void *pack, size_t len,
                         char *err, size_t errsz);

#endif
