/*
 * cmp.h - evaluation-time comparison semantics (rules-language.md 8.1-8.6):
 * how an extracted field value is compared with converted constants or
 * with another field's values, as libsinsp does it. Owned by vmops.
 *
 * Three layers:
 *   1. vg_cmp_values(): one operator on two vg_value operands of the same
 *      field type (libsinsp's flt_compare). No regex, pmatch or sets.
 *   2. Precompiled right-hand sides: vg_regex (RE2-POSIX syntax run on
 *      pcre2), vg_pmatch (path-prefix set), vg_valset (hashed constant
 *      set). Built once at load time (they allocate); lookups never do.
 *   3. vg_check: one whole comparison "<lhs> <op> [<mod>] <constants>"
 *      built once from converted constants, evaluated per event with
 *      vg_check_eval(). Field-to-field comparisons use
 *      vg_cmp_fields(), which needs no precompiled state.
 *
 * Missing values (8.1): the caller passes the extracted values as an array
 * and a count. A count of 0 means "no value" and every evaluation function
 * returns false for it, whatever the operator (including '!=', 'exists',
 * 'in' and every modifier); 'not' is the caller's business. A list-valued
 * field that yields zero elements is passed with count 0 as well.
 *
 * Value representation (see value.h): numbers in .i (signed types) or .u
 * (unsigned types, times, flags, ports, ...), DOUBLE in .d, BOOL in .b,
 * IP addresses in .ip with prefix 32/128 (an IPNET-typed field's extracted
 * value is an address; its constants are networks), strings and buffers in
 * .s as (pointer, length) without any NUL-termination requirement. String
 * types (CHARBUF, FSPATH, FSRELPATH) compare with C-string semantics: only
 * the bytes before the first NUL count for '=', ordering, contains,
 * startswith, endswith, glob. As in libsinsp, set lookups ('in',
 * 'intersects', '= anyof', '!= allof'), 'pmatch' and 'regex' use the value's
 * bytes with trailing NULs stripped instead. BYTEBUF is NUL-safe throughout.
 * Numbers are compared in the field's width and signedness (the value is
 * narrowed to the type's width first, like libsinsp's flt_cast).
 *
 * An IPNET-typed field (fd.net) extracts an address: callers converting a
 * left-hand value from text (vigil expr --fields) parse it as an address
 * (IPADDR rules), not as a network.
 *
 * glob, iglob and pmatch use fnmatch(3), whose character handling follows
 * LC_CTYPE: the process must keep the default "C" locale (as Falco does)
 * for byte-wise matching of non-ASCII values.
 *
 * Thread-safety: vg_regex, vg_pmatch, vg_valset and vg_check are immutable
 * after construction and may be shared by threads; every per-evaluation
 * mutable thing lives in a vg_cmp_scratch, one per thread.
 */
#ifndef VG_CMP_H
#define VG_CMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/fieldtypes.h"
#include "vigil/status.h"
#include "vm/value.h"

/* Comparison operators (8.4). The numbering is internal; use the names. */
typedef enum vg_cmpop {
  VG_CMP_EQ = 0, /* '=' and '==' */
  VG_CMP_NE,     /* '!=' */
  VG_CMP_LT,     /* '<' */
  VG_CMP_LE,     /* '<=' */
  VG_CMP_GT,     /* '>' */
  VG_CMP_GE,     /* '>=' */
  VG_CMP_CONTAINS,
  VG_CMP_ICONTAINS,
  VG_CMP_BCONTAINS,
  VG_CMP_STARTSWITH,
  VG_CMP_BSTARTSWITH,
  VG_CMP_ENDSWITH,
  VG_CMP_GLOB,
  VG_CMP_IGLOB,
  VG_CMP_REGEX,
  VG_CMP_PMATCH,
  VG_CMP_IN,
  VG_CMP_INTERSECTS,
  VG_CMP_EXISTS,
  VG_CMP__COUNT
} vg_cmpop;

/* List modifiers (7.6, 8.5). Same numbering as the AST's vg_mod, but
 * separate names: plugin/ cannot include compiler headers, and code that
 * includes both must not see clashing enumerators. */
typedef enum vg_cmpmod {
  VG_CMPMOD_NONE = 0,
  VG_CMPMOD_ONEOF,
  VG_CMPMOD_ANYOF,
  VG_CMPMOD_ALLOF
} vg_cmpmod;

/* Operator text as written in conditions ("=", "contains", ...); the
 * canonical text for VG_CMP_EQ is "=". Never NULL. */
const char *vg_cmpop_str(vg_cmpop op);
/* libsinsp's upper-case name ("EQ", "PMATCH", ...) used in some messages. */
const char *vg_cmpop_name(vg_cmpop op);
/* Parses operator text ("=", "==", "icontains", ...); false if unknown. */
bool vg_cmpop_parse(const char *s, size_t n, vg_cmpop *out);
/* Parses "oneof" / "anyof" / "allof"; false if unknown. */
bool vg_cmpmod_parse(const char *s, size_t n, vg_cmpmod *out);
const char *vg_cmpmod_str(vg_cmpmod mod); /* "" for VG_CMPMOD_NONE */

/*
 * Admissibility of an operator for a field type (8.2). Returns true if
 * accepted; otherwise writes libsinsp's reason to err (NUL-terminated when
 * errsz > 0), e.g. "'contains' operator not supported for numeric
 * filters", "'<' with modifier not supported for ip address and network
 * filters", "list filters are not supported for type 'INT32'". The caller
 * prefixes "filter error: " where the spec says so.
 */
bool vg_cmp_supported(vg_ftype t, bool is_list, vg_cmpop op, vg_cmpmod mod,
                      char *err, size_t errsz);

/* The type to convert a left-hand (extracted) value's text with, for a
 * field of type t: the address type for network types (IPNET -> IPADDR,
 * IPV4NET -> IPV4ADDR, IPV6NET -> IPV6ADDR), t itself otherwise. */
vg_ftype vg_cmp_lhs_type(vg_ftype t);

/* ------------------------------------------------------------------ */
/* Per-thread scratch                                                  */

/*
 * Mutable state used while comparing: pcre2 match data, match context
 * (match limits) and JIT stack, and a byte buffer for NUL-terminated copies
 * (fnmatch) and UTF-8-sanitized regex subjects. The buffer starts at
 * VG_CMP_SCRATCH_INIT bytes and grows only when a value longer than any
 * before needs a copy (a cold path; libsinsp grows its storage the same
 * way). If a comparison cannot be evaluated (out of memory while growing,
 * regex match limit hit), it evaluates to false and 'err' is set to the
 * first such status until the caller resets it to VIGIL_OK.
 */
#define VG_CMP_SCRATCH_INIT 4096

typedef struct vg_cmp_scratch {
  void *md;        /* pcre2_match_data_8 * */
  void *mctx;      /* pcre2_match_context_8 * */
  void *jit_stack; /* pcre2_jit_stack_8 * or NULL */
  uint8_t *buf;
  size_t cap;
  vigil_status err;
} vg_cmp_scratch;

/* _init allocates; returns VIGIL_E_NOMEM on failure (then _fini is still
 * safe to call). _fini frees everything and may be called on a zeroed
 * struct. */
vigil_status vg_cmp_scratch_init(vg_cmp_scratch *scr);
void vg_cmp_scratch_fini(vg_cmp_scratch *scr);

/* ------------------------------------------------------------------ */
/* Layer 1: one value against one value                                */

/*
 * a <op> b for two values of field type t (a->type and b->type are not
 * consulted: t decides). op is one of EQ NE LT LE GT GE CONTAINS ICONTAINS
 * BCONTAINS STARTSWITH BSTARTSWITH ENDSWITH GLOB IGLOB; IN and INTERSECTS
 * behave as EQ; EXISTS is true. REGEX and PMATCH need compiled right-hand
 * sides (vg_regex_match, vg_pmatch_match) and return false here.
 * IP rules: an address of one family never equals one of the other (then
 * only '!=' is true); for IPV4NET/IPV6NET/IPNET, a is an address and b a
 * network, '=' meaning CIDR membership. An operator not admissible for t
 * returns false. scr is used for glob/iglob copies; it may be NULL for
 * other operators.
 */
bool vg_cmp_values(vg_cmpop op, vg_ftype t, const vg_value *a,
                   const vg_value *b, vg_cmp_scratch *scr);

/* ------------------------------------------------------------------ */
/* Layer 2: regular expressions (RE2 POSIX syntax on pcre2)            */

typedef struct vg_regex vg_regex;

/*
 * Translates an RE2 pattern (POSIX-syntax mode, as libsinsp compiles it)
 * into an equivalent PCRE2 pattern anchored at both ends, or rejects it
 * with RE2's error text: on VIGIL_E_SYNTAX, err receives
 * "invalid regex pattern: <reason>", e.g. "invalid regex pattern: invalid
 * escape sequence: \d" or "invalid regex pattern: no argument for
 * repetition operator: ?" (for "(?i)" and "(?:"). On success *out is a
 * malloc'd NUL-terminated string the caller frees with free(); *outn is its
 * length. VIGIL_E_NOMEM on allocation failure.
 */
vigil_status vg_regex_translate(const char *pat, size_t n, char **out,
                                size_t *outn, char *err, size_t errsz);

/* Validates and compiles (with JIT when available). *out is owned by the
 * caller, freed with vg_regex_free. Errors as vg_regex_translate. */
vigil_status vg_regex_new(const char *pat, size_t n, vg_regex **out, char *err,
                          size_t errsz);
void vg_regex_free(vg_regex *re);

/* True if the whole of s[0..n) matches. Invalid UTF-8 in s is replaced by
 * U+FFFD (maximal subparts) before matching, as libsinsp does. No
 * allocation unless the sanitized copy outgrows scr->buf. */
bool vg_regex_match(const vg_regex *re, const uint8_t *s, size_t n,
                    vg_cmp_scratch *scr);

/* Replaces invalid UTF-8 sequences by U+FFFD (EF BF BD), one per maximal
 * subpart (Unicode 3.9). Writes to out (capacity cap, which 3 * n always
 * satisfies) and returns the output length, or SIZE_MAX if cap is too
 * small. Exposed for tests. */
size_t vg_utf8_sanitize(const uint8_t *s, size_t n, uint8_t *out, size_t cap);

/* ------------------------------------------------------------------ */
/* Layer 2: path-prefix sets (pmatch)                                  */

typedef struct vg_pmatch vg_pmatch;

/* An empty set; paths are added with vg_pmatch_add. Owned by the caller,
 * freed with vg_pmatch_free. The set copies what it needs. */
vigil_status vg_pmatch_new(vg_pmatch **out);
vigil_status vg_pmatch_add(vg_pmatch *pm, const uint8_t *path, size_t n);
void vg_pmatch_free(vg_pmatch *pm);
/* True if some added path's components are a prefix of path's components
 * (8.4 'pmatch'). Glob components use fnmatch(3) without flags; scr holds
 * the NUL-terminated component copy. */
bool vg_pmatch_match(const vg_pmatch *pm, const uint8_t *path, size_t n,
                     vg_cmp_scratch *scr);

/* ------------------------------------------------------------------ */
/* Layer 2: hashed constant sets (in, intersects, = anyof, != allof)   */

typedef struct vg_valset vg_valset;

/* A set of values of field type t. Elements are keyed by their bytes in
 * the type's width (strings: trailing NULs stripped), like libsinsp's
 * filter_value_t sets. Network types (IPV4NET, IPV6NET, IPNET) are kept as
 * a list and matched by CIDR membership. The set copies the bytes. */
vigil_status vg_valset_new(vg_ftype t, vg_valset **out);
vigil_status vg_valset_add(vg_valset *set, const vg_value *v);
void vg_valset_free(vg_valset *set);
size_t vg_valset_count(const vg_valset *set);
/* Membership of v (no allocation). */
bool vg_valset_contains(const vg_valset *set, const vg_value *v);

/* ------------------------------------------------------------------ */
/* Layer 3: one whole comparison against constants                     */

typedef struct vg_check vg_check;

/*
 * Builds the evaluator of "<field of type t> <op> [<mod>] <rhs...>".
 * is_list: the left-hand side is a list-valued field (after transformers).
 * rhs[0..nrhs) are the constants already converted with vg_value_parse for
 * type t (for bcontains/bstartswith: the hex-decoded bytes); for REGEX and
 * PMATCH they are the raw strings (type CHARBUF). Without a modifier, a
 * single constant is expected except for IN, INTERSECTS and PMATCH (lists).
 * Admissibility (vg_cmp_supported) and regex syntax are checked here too:
 * on error returns VIGIL_E_SYNTAX with the reason in err. The check copies
 * everything it needs; rhs may be freed afterwards. Owned by the caller,
 * freed with vg_check_free.
 */
vigil_status vg_check_new(vg_cmpop op, vg_cmpmod mod, vg_ftype t, bool is_list,
                          const vg_value *rhs, size_t nrhs, vg_check **out,
                          char *err, size_t errsz);
void vg_check_free(vg_check *c);

/*
 * Evaluates the check on the extracted left-hand values lhs[0..nlhs):
 * nlhs == 0 is a missing value (false). For a single-valued field nlhs is
 * 1 (more is a caller error and yields false). List fields (8.6): 'in' is
 * true when every element is in the set, 'intersects' when at least one
 * is. No allocation (see vg_cmp_scratch for the cold-path exception).
 */
bool vg_check_eval(const vg_check *c, const vg_value *lhs, size_t nlhs,
                   vg_cmp_scratch *scr);

/*
 * Endpoint fields (fd.ip, fd.net, fd.port, fd.proto; 8.7): evaluates the
 * check on both endpoint values a and b of a connected socket: '!=' (with
 * or without modifier) is true only if it holds for both endpoints, every
 * other operator if it holds for either. For a server socket (one
 * address) the caller uses vg_check_eval on that value instead.
 */
bool vg_check_eval_either(const vg_check *c, const vg_value *a,
                          const vg_value *b, vg_cmp_scratch *scr);

vg_cmpop vg_check_op(const vg_check *c);
vg_cmpmod vg_check_mod(const vg_check *c);

/* ------------------------------------------------------------------ */
/* Field-to-field comparisons (7.9)                                    */

/*
 * lhs <op> [<mod>] val(rhs field) for values of type t, both sides
 * extracted for the same event. Either side empty (count 0) -> false.
 * REGEX and PMATCH are not allowed with a field right-hand side (false).
 * Without a modifier a single-valued comparison uses the first right-hand
 * value; IN/INTERSECTS use all right-hand values as the set (linear scan,
 * no allocation); modifiers combine over all right-hand values.
 */
bool vg_cmp_fields(vg_cmpop op, vg_cmpmod mod, vg_ftype t, bool is_list,
                   const vg_value *lhs, size_t nlhs, const vg_value *rhs,
                   size_t nrhs, vg_cmp_scratch *scr);

#endif
