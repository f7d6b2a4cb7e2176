/*
 * transform.h - runtime of the field transformers (rules-language.md 7.8):
 * tolower, toupper, b64, basename, len, join, concat, getopt (and val, the
 * identity). Owned by vmops.
 *
 * Values are vg_value arrays (value.h) with a count; a count of 0 is a
 * missing value, and a transformer applied to a missing value gives a
 * missing value (the caller normally skips the call). Transformers that
 * produce new bytes write them into a caller-provided vg_trbuf, a bump
 * buffer: nothing here allocates. When the buffer is too small a function
 * returns VIGIL_E_LIMIT and leaves its inputs unchanged, so the caller can
 * grow (or reset) the buffer and retry. Results point into the buffer or
 * into the inputs (basename, getopt return views of their input strings),
 * so they live as long as both.
 *
 * Like libsinsp, inputs are taken without trailing NUL bytes (extractors
 * may or may not count a terminator); string results never include one.
 * join/concat append their string inputs up to the first NUL (C strings).
 */
#ifndef VG_TRANSFORM_H
#define VG_TRANSFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/fieldtypes.h"
#include "vigil/status.h"
#include "vm/value.h"

/* Transformer kinds; same order as the AST's vg_tr, under other names (see
 * vg_cmpmod in cmp.h). */
typedef enum vg_trkind {
  VG_TRK_TOLOWER = 0,
  VG_TRK_TOUPPER,
  VG_TRK_B64,
  VG_TRK_BASENAME,
  VG_TRK_LEN,
  VG_TRK_JOIN,
  VG_TRK_CONCAT,
  VG_TRK_GETOPT,
  VG_TRK_VAL,
  VG_TRK__COUNT
} vg_trkind;

/* Name as written in conditions ("tolower", ...); never NULL. */
const char *vg_trkind_name(vg_trkind k);
/* Parses a transformer name; false if unknown. */
bool vg_tr_parse(const char *s, size_t n, vg_trkind *out);

/*
 * Type rule of the one-argument transformers (tolower, toupper, b64,
 * basename, len, val): the result type and list-ness for an input of type
 * t (is_list), or false if the transformer does not accept that input
 * (the caller reports "can't add field transformer: ..."). join and concat
 * give a single CHARBUF; getopt a CHARBUF list, or a single CHARBUF with a
 * selector; they are not covered here.
 */
bool vg_tr_result_type(vg_trkind k, vg_ftype t, bool is_list, vg_ftype *rt,
                       bool *rlist);

/* A bump buffer over caller memory. */
typedef struct vg_trbuf {
  uint8_t *p;
  size_t cap;
  size_t used;
} vg_trbuf;

void vg_trbuf_init(vg_trbuf *b, uint8_t *mem, size_t cap);
/* Forgets every result written so far (per event). */
void vg_trbuf_reset(vg_trbuf *b);

/*
 * Applies a one-argument transformer in place to vals[0..*n) of type t
 * (is_list: a list field). On VIGIL_OK, *present tells whether a value
 * came out: b64 of invalid input, or *n == 0 on entry, gives no value.
 * For len the result is one UINT64 value (the element count for a list,
 * bytes before the first NUL for strings, the length for BYTEBUF) and *n
 * becomes 1; the others keep *n and the type. val returns the input.
 * VIGIL_E_LIMIT: buf too small (inputs untouched). VIGIL_E_INVAL:
 * unsupported kind or type.
 */
vigil_status vg_tr_apply(vg_trkind k, vg_ftype t, bool is_list, vg_value *vals,
                         size_t *n, vg_trbuf *buf, bool *present);

/* Single-value primitives (exposed for tests and for the VM). out must
 * have room for n bytes (case) or (n / 4 + 1) * 3 bytes (b64). */
void vg_tr_case(bool upper, const uint8_t *in, size_t n, uint8_t *out);
/* Standard-alphabet base64 decode, '=' padding optional (at most two),
 * non-zero trailing bits rejected, as libsinsp's decodeWithoutPadding.
 * Returns false on invalid input. */
bool vg_tr_b64_decode(const uint8_t *in, size_t n, uint8_t *out, size_t *outn);
/* View of the text after the last '/'. */
void vg_tr_basename(const uint8_t *in, size_t n, const uint8_t **out,
                    size_t *outn);

/*
 * join(sep, list): the list items (C strings) joined with sep (its bytes
 * without trailing NULs); an empty list gives "". Result: one CHARBUF in
 * *out, bytes in buf.
 */
vigil_status vg_tr_join(const vg_value *sep, const vg_value *items, size_t n,
                        vg_trbuf *buf, vg_value *out);

/* concat(a, b, ...): the arguments (C strings) concatenated. */
vigil_status vg_tr_concat(const vg_value *args, size_t n, vg_trbuf *buf,
                          vg_value *out);

/*
 * getopt(argv, optstring)[selector]: getopt(3)-style scan of short options
 * (7.8). selector < 0: list mode, the results go to out[0..*outn)
 * (option characters, each followed by its value when it takes one; '?'
 * for undeclared options; an empty element for a missing value).
 * selector = a byte value: selector mode, *outn is 1 with the value (or
 * the option character for a flag) of the last occurrence, "" if its
 * value is missing, and *present is false if it does not occur.
 * Results are views of argv's strings or of static strings. outcap must be
 * at least vg_tr_getopt_max_out(argv, argc) (VIGIL_E_LIMIT otherwise).
 */
vigil_status vg_tr_getopt(const vg_value *argv, size_t argc,
                          const vg_value *optstring, int selector,
                          vg_value *out, size_t outcap, size_t *outn,
                          bool *present);
size_t vg_tr_getopt_max_out(const vg_value *argv, size_t argc);

#endif
