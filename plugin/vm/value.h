/*
 * value.h - typed field values and right-hand literal conversion
 * (rules-language.md 8.3), shared by the compiler (which converts every
 * literal once, at compile time, and reports Falco's exact error texts) and
 * the evaluator (which compares extracted values against converted
 * constants with the semantics of 8.4-8.6; see cmp.h).
 *
 * A vg_value never owns memory: string and buffer values point into the
 * caller's storage (the pack, the event, or the caller's scratch).
 */
#ifndef VG_VALUE_H
#define VG_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/fieldtypes.h"
#include "vigil/status.h"

typedef struct vg_ipnet {
  uint8_t addr[16]; /* network byte order; IPv4 uses the first 4 bytes */
  uint8_t v6;       /* 0 = IPv4, 1 = IPv6 */
  uint8_t prefix;   /* mask length; 32/128 for plain addresses */
} vg_ipnet;

typedef struct vg_value {
  vg_ftype type;
  union {
    int64_t i;  /* signed integer types, narrowed to their width */
    uint64_t u; /* unsigned integer types, flags, times, ports, ... */
    double d;   /* DOUBLE */
    bool b;     /* BOOL */
    vg_ipnet ip; /* IPV4ADDR, IPV6ADDR, IPADDR, *NET */
    struct {
      const uint8_t *p;
      size_t n;
    } s; /* CHARBUF, FSPATH, FSRELPATH, BYTEBUF, ... */
  } v;
} vg_value;

/*
 * Converts the literal text[0..len) for a field of type t compared with
 * operator op (vg_op numbering of compiler/front/ast.h is NOT used here:
 * pass is_bytes_op = true for bcontains/bstartswith, whose literal is hex).
 * Strings and buffers point into text unless hex-decoded, in which case the
 * decoded bytes are written to scratch (at least len/2 bytes) and point
 * there.
 *
 * On failure returns VIGIL_E_SYNTAX and writes Falco's exact message to
 * err (e.g. "abc is not a valid number", "unrecognized IPv4 address x",
 * "filter error: unrecognized boolean value x"); err is always
 * NUL-terminated when errsz > 0.
 */
vigil_status vg_value_parse(vg_ftype t, const char *text, size_t len,
                            bool is_bytes_op, uint8_t *scratch, vg_value *out,
                            char *err, size_t errsz);

/*
 * libsinsp's strict number scan (sscanf "%d%c" / "%u%c" semantics): optional
 * leading blanks, optional sign, decimal digits, and nothing after them.
 * The result is narrowed to bits (8, 16, 32 or 64) as C conversion does; a
 * '-' on an unsigned scan wraps. Text stops at the first NUL byte. Returns
 * false when the text is not such a number.
 */
bool vg_value_scan_num(const char *text, size_t len, bool is_signed,
                       unsigned bits, uint64_t *out);

#endif
