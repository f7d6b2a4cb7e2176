/*
 * litconv.h - literal conversion used by the back end (see litconv.c);
 * same contract as vg_value_parse in plugin/vm/value.h.
 */
#ifndef VG_BACK_LITCONV_H
#define VG_BACK_LITCONV_H

#include "vm/value.h"

vigil_status vg_back_lit_parse(vg_ftype t, const char *text, size_t len,
                               bool is_bytes_op, uint8_t *scratch,
                               vg_value *out, char *err, size_t errsz);

#endif
