/*
 * program.h - the compiled rules pack: its file format and the loader that
 * turns pack bytes into an immutable, verified vigil_program. This is the
 * only thing the compile side and the evaluation side share.
 *
 * File layout (all integers little-endian, fixed width, no pointers, no
 * padding; read with explicit byte readers, never by casting to structs):
 *
 *   0  u8[8]  magic "\x89VGP\r\n\x1a\n" (PNG-style: catches text-mode
 *             damage and 7-bit transfers)
 *   8  u16    major version (VIGIL_PACK_MAJOR; another major is rejected
 *             with VIGIL_E_VERSION)
 *  10  u16    minor version (additions readers may ignore; the writer
 *             puts 2 only when an XFIELD section is present, else 1)
 *  12  u32    flags: VIGIL_PACK_F_DEFLATE (1.1) or 0; other bits must be 0
 *  16  u32    total size of the file in bytes
 *  20  u32    CRC-32 (zlib's polynomial) of bytes [24, total size)
 *  24  u32    number of sections
 *
 * With VIGIL_PACK_F_DEFLATE (minor 1 and later) the bytes after the
 * header's first 24 are stored compressed: bytes [24, 28) hold the size U
 * of the uncompressed image (at most VIGIL_PACK_MAX_IMAGE) and bytes [28,
 * total size) a zlib stream that inflates to exactly U - 24 bytes: image
 * bytes [24, U), i.e. the section count, the section table and the
 * sections, with offsets relative to the image. The CRC covers the stored
 * (compressed) bytes. A 1.0 reader rejects such a pack ("unknown header
 * flags"); uncompressed packs are unchanged from 1.0.
 *  28  section table: per section {u32 kind, u32 flags, u32 offset,
 *      u32 size}; bit 0 of flags = optional (an unknown optional section is
 *      skipped, an unknown required one is rejected). Sections lie inside
 *      the file, after the table, and do not overlap.
 *
 * Section contents (each starts with u32 count unless stated otherwise; a
 * "string id" indexes STR, VIGIL_PACK_NONE (0xffffffff) means absent):
 *
 *   STR      count, u32 offsets[count] relative to the data area that
 *            follows; entry i spans [offsets[i], offsets[i+1]) or to the end
 *            of the section for the last one, and ends with a NUL byte that
 *            is not part of the string. Strings may contain NUL bytes and
 *            arbitrary bytes (buffer constants); every string used as a name
 *            or pattern must be valid UTF-8 without NUL.
 *   CONST    count records of 20 bytes: u8 ftype (vg_ftype), u8 v6, u8
 *            prefix, u8 0, u8 payload[16]: integers/bool as u64 (signed
 *            values two's complement), DOUBLE as its IEEE bits, IPs as 16
 *            address bytes, strings/buffers as a u32 string id.
 *   SET      count, then per set: u8 elem kind (0 = constants, 1 =
 *            patterns), u8 ftype, u16 0, u32 n, u32 ids[n].
 *   PATTERN  count records of 8 bytes: u8 kind (1 regex, 2 glob, 3 iglob),
 *            u8 0, u16 0, u32 string id of the source text; compiled at load.
 *   FIELD    count records of 16 bytes: u32 name string id, u32 argument
 *            string id or NONE, u8 ftype (after nothing: the raw field), u8
 *            flags (VIGIL_FIELD_*), u16 0, u32 source string id. Bound to
 *            the host's extractors at load by the binder callback.
 *   RULE     count, then per rule: u32 name, u32 source, u32 output, u32
 *            description (string ids; packs built by vg_pack_rules leave
 *            the description out, NONE: it is not needed to evaluate), u8
 *            priority (0 emergency .. 7 debug), u8 flags (VIGIL_RULE_*),
 *            u16 0, u32 code start, u32 code length (instruction indices
 *            into CODE), u32 ntags, u32 tags[ntags], u32 nevt, u16 evt
 *            codes[nevt] (strictly increasing; ignored with
 *            VIGIL_RULE_ALL_EVENTS).
 *   CODE     count, then count u32 instructions: op:8 (low byte) | arg:24.
 *   DEBUG    optional: count records of 12 bytes {u32 pc, u32 start, u32
 *            end}: the condition byte span an instruction came from (not
 *            written by vg_pack_rules, which builds rules packs).
 *   XFIELD   optional (minor 2 and later; written only when some rule has
 *            one): count records of 16 bytes {u32 rule index, u32 name
 *            string id, u32 format string id, u32 raw (0 or 1)}, rule
 *            indices non-decreasing: the extra output fields of Falco's
 *            append_output (vigil_extra_field in compiler.h), added to the
 *            alert's output_fields. A reader that skips it loses only them.
 *
 * Same input, same bytes: the compiler emits sections in kind order and
 * interns strings and constants in first-use order.
 */
#ifndef VIGIL_PROGRAM_H
#define VIGIL_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/vigil.h"

#define VIGIL_PACK_MAGIC "\x89VGP\r\n\x1a\n"
#define VIGIL_PACK_MAGIC_LEN 8
#define VIGIL_PACK_MAJOR 1
#define VIGIL_PACK_MINOR 2
#define VIGIL_PACK_HEADER_SIZE 28
#define VIGIL_PACK_SECTION_SIZE 16
#define VIGIL_PACK_NONE 0xffffffffu
#define VIGIL_PACK_F_DEFLATE 1u
#define VIGIL_PACK_MAX_IMAGE (64u << 20) /* inflated size limit */

typedef enum vigil_section_kind {
  VIGIL_SEC_STR = 1,
  VIGIL_SEC_CONST = 2,
  VIGIL_SEC_SET = 3,
  VIGIL_SEC_PATTERN = 4,
  VIGIL_SEC_FIELD = 5,
  VIGIL_SEC_RULE = 6,
  VIGIL_SEC_CODE = 7,
  VIGIL_SEC_DEBUG = 8,
  VIGIL_SEC_XFIELD = 9
} vigil_section_kind;

#define VIGIL_SECF_OPTIONAL 1u

/* FIELD record flags. */
enum {
  VIGIL_FIELD_LIST = 1u << 0,    /* the field yields a list of values */
  VIGIL_FIELD_ANY = 1u << 1,     /* several values: a check is true when it
                                    holds for any one (proc.aname w/o arg) */
  VIGIL_FIELD_ENDPOINT = 1u << 2 /* like ANY, but '!=' needs every value to
                                    differ (fd.ip, fd.net, fd.port, ...) */
};

/* RULE record flags. */
enum {
  VIGIL_RULE_ENABLED = 1u << 0,
  VIGIL_RULE_ALL_EVENTS = 1u << 1 /* evaluated for every event type */
};

/* PATTERN kinds. */
enum { VIGIL_PAT_REGEX = 1, VIGIL_PAT_GLOB = 2, VIGIL_PAT_IGLOB = 3 };

typedef struct vigil_program vigil_program;

/*
 * The binder maps a FIELD record to the host's extractor id, which the VM
 * later passes to the event accessor (event.h). source is the rule source
 * the field was resolved for, arg is NULL without an argument, type is the
 * vg_ftype the compiler assumed. Return VIGIL_OK and set *id, or an error
 * (typically VIGIL_E_NOTFOUND), which fails the load; write a reason into
 * err (errsz bytes) if useful. With a NULL binder, field i gets id i.
 */
typedef vigil_status (*vigil_field_binder)(void *ud, const char *source,
                                           const char *name, const char *arg,
                                           uint32_t type, uint32_t flags,
                                           uint32_t *id, char *err,
                                           size_t errsz);

/*
 * Loads and verifies a pack. The bytes are copied; the caller keeps
 * ownership of bytes. On success *out is a program the caller frees with
 * vigil_program_free; it is immutable and may be shared by threads, each
 * with its own vigil_vm. On failure returns VIGIL_E_FORMAT, VIGIL_E_VERSION,
 * VIGIL_E_CORRUPT (CRC), VIGIL_E_NOTFOUND (binder), VIGIL_E_NOMEM, ...,
 * writes a message (e.g. "rule 'x': jump out of range at PC 12") into err
 * (NUL-terminated when errsz > 0) and leaves *out untouched.
 */
VIGIL_API vigil_status vigil_program_load(const void *bytes, size_t len,
                                          vigil_field_binder binder,
                                          void *binder_ud,
                                          vigil_program **out, char *err,
                                          size_t errsz);
VIGIL_API void vigil_program_free(vigil_program *p);

/* Read-only accessors. Returned strings live as long as the program. */
typedef struct vigil_rule_info {
  const char *name;
  const char *source;
  const char *output;
  const char *desc;
  unsigned priority; /* 0 emergency .. 7 debug */
  unsigned flags;    /* VIGIL_RULE_* */
  uint32_t code_start, code_len;
  size_t ntags;
  size_t nevt; /* event-type codes, see vigil_program_rule_evt */
} vigil_rule_info;

VIGIL_API size_t vigil_program_nrules(const vigil_program *p);
VIGIL_API void vigil_program_rule(const vigil_program *p, size_t i,
                                  vigil_rule_info *out);
VIGIL_API const char *vigil_program_rule_tag(const vigil_program *p,
                                             size_t rule, size_t i);
VIGIL_API unsigned vigil_program_rule_evt(const vigil_program *p, size_t rule,
                                          size_t i);
/* A rule's append_output extra fields (XFIELD): the count, and field i's
 * name, with its format in *format and whether it is raw (the field's own
 * value, format "%name") in *raw. */
VIGIL_API size_t vigil_program_rule_nxfields(const vigil_program *p,
                                             size_t rule);
VIGIL_API const char *vigil_program_rule_xfield(const vigil_program *p,
                                                size_t rule, size_t i,
                                                const char **format,
                                                bool *raw);
/* Distinct rule sources in first-appearance order; events name theirs by
 * this index (vigil_event.source). Returns -1 for an unknown source. */
VIGIL_API size_t vigil_program_nsources(const vigil_program *p);
VIGIL_API const char *vigil_program_source(const vigil_program *p, size_t i);
VIGIL_API int vigil_program_source_index(const vigil_program *p,
                                         const char *name);
/* Fields the program reads, with the id the binder gave them. */
VIGIL_API size_t vigil_program_nfields(const vigil_program *p);
VIGIL_API const char *vigil_program_field_name(const vigil_program *p,
                                               size_t i, const char **arg,
                                               uint32_t *type);

/* Whether rule's code reads field i (a FIELD instruction inside the rule's
 * code range; shared subexpressions are inlined in every rule using them,
 * so this covers every field the rule can ever extract). Both indices must
 * be in range (false otherwise). */
VIGIL_API bool vigil_program_rule_reads_field(const vigil_program *p,
                                              size_t rule, size_t field);

/* Checksum helper (zlib-compatible CRC-32), used by the writer too. */
VIGIL_API uint32_t vigil_crc32(uint32_t crc, const void *p, size_t n);

#endif
