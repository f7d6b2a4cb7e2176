/*
 * pack.h - internal view of a loaded pack (program.h), shared by the
 * loader (loader.c), the verifier (verify.c), the interpreter (interp.c)
 * and the compiler's disassembler. Not part of the public API.
 *
 * Everything here is built once by vigil_program_load and never changes
 * afterwards, so a vigil_program can be shared between threads.
 */
#ifndef VG_PACK_H
#define VG_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/program.h"
#include "vm/value.h"

/* cmp.h objects, by tag only: the compiler includes this header next to
 * front/ast.h, whose enumerators clash with cmp.h's. */
struct vg_valset;
struct vg_pmatch;
struct vg_regex;

/* Opcodes: VG_I_<name> = position in opcodes.def. */
typedef enum vg_opcode {
#define VG_OP(name, arg, pop, push) VG_I_##name,
#include "vm/opcodes.def"
#undef VG_OP
  VG_I__COUNT
} vg_opcode;
_Static_assert(VG_I__COUNT <= 256, "opcodes must fit in 8 bits");

/* Internal opcodes, never in a pack: the interpreter runs xcode, a copy of
 * the verified code in which a FIELD instruction followed by a check has
 * one of these instead of FIELD (loader.c), so that dispatch itself picks
 * the check; the check instruction stays in place after it and is
 * consumed by the handler. */
enum {
  VG_X_FIELD_EQ = VG_I__COUNT, /* FIELD; EQ_K */
  VG_X_FIELD_NE,               /* FIELD; NE_K */
  VG_X_FIELD_SW,               /* FIELD; STARTSWITH_K */
  VG_X_FIELD_K,                /* FIELD; another of EQ_K .. ENDSWITH_K */
  VG_X_FIELD_IN,               /* FIELD; IN_S */
  VG_X_FIELD_SEQ,              /* FIELD; EQ_K of a NUL-free text constant */
  VG_X_FIELD_SNE,              /* FIELD; NE_K of one */
  VG_X_FIELD_SSW,              /* FIELD; STARTSWITH_K of one */
  VG_X_FIELD_BEQ,              /* FIELD; EQ_K of a BOOL constant */
  VG_X_FIELD_ANYSW,            /* FIELD; ANYOF_S startswith, clean set */
  VG_X_FIELD_ANYEW,            /* FIELD; ANYOF_S endswith, clean set */
  VG_X__END
};
_Static_assert(VG_X__END <= 256, "internal opcodes must fit in 8 bits");

typedef enum vg_argkind {
  VG_ARG_NONE,
  VG_ARG_FIELD,
  VG_ARG_CONST,
  VG_ARG_SET,
  VG_ARG_PAT,
  VG_ARG_JUMP,
  VG_ARG_MEMO,
  VG_ARG_OPSET,
  VG_ARG_CMPOP,
  VG_ARG_COUNT,
  VG_ARG_CHAR
} vg_argkind;

/* Comparison operators as encoded in OPSET/CMPOP operands. Part of the
 * format: append only. (Distinct from cmp.h's vg_cmpop, whose numbering
 * is internal; interp.c maps one to the other.) */
typedef enum vg_pcmp {
  VG_PC_EQ = 0,
  VG_PC_NE = 1,
  VG_PC_LT = 2,
  VG_PC_LE = 3,
  VG_PC_GT = 4,
  VG_PC_GE = 5,
  VG_PC_CONTAINS = 6,
  VG_PC_ICONTAINS = 7,
  VG_PC_BCONTAINS = 8,
  VG_PC_STARTSWITH = 9,
  VG_PC_BSTARTSWITH = 10,
  VG_PC_ENDSWITH = 11,
  VG_PC_GLOB = 12,
  VG_PC_IGLOB = 13,
  VG_PC_REGEX = 14,
  VG_PC_IN = 15,
  VG_PC_INTERSECTS = 16,
  VG_PC_PMATCH = 17,
  VG_PC__COUNT
} vg_pcmp;

#define VG_INS(op, arg) ((uint32_t)(op) | ((uint32_t)(arg) << 8))
#define VG_INS_OP(w) ((w)&0xffu)
#define VG_INS_ARG(w) ((w) >> 8)
#define VG_ARG_MAX 0xffffffu
#define VG_MEMO_SLOT_BITS 14
#define VG_MEMO_MAX_SLOTS (1u << VG_MEMO_SLOT_BITS)
#define VG_MEMO_MAX_SKIP ((1u << (24 - VG_MEMO_SLOT_BITS)) - 1)
#define VG_OPSET_MAX_SET ((1u << 19) - 1)

/* Per-opcode facts generated from opcodes.def. */
extern const char *const vg_opcode_names[VG_I__COUNT];
extern const vg_argkind vg_opcode_args[VG_I__COUNT];
extern const char *const vg_opcode_pops[VG_I__COUNT];
extern const char *const vg_opcode_pushes[VG_I__COUNT];
extern const char *const vg_pcmp_names[VG_PC__COUNT];

/* Little-endian readers; the caller has checked the bounds. */
static inline uint16_t vg_rd_u16le(const uint8_t *p) {
  return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t vg_rd_u32le(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
}
static inline uint64_t vg_rd_u64le(const uint8_t *p) {
  return (uint64_t)vg_rd_u32le(p) | ((uint64_t)vg_rd_u32le(p + 4) << 32);
}

typedef struct vg_pstr {
  const char *p; /* NUL-terminated (the NUL in the pack) */
  uint32_t n;
  bool text;     /* valid UTF-8 without NUL */
} vg_pstr;

/* SET kinds */
enum { VG_SET_CONST = 0, VG_SET_PATTERN = 1, VG_SET_PATHS = 2 };

typedef struct vg_pset {
  uint8_t kind;  /* VG_SET_* */
  vg_ftype type;
  uint32_t n;
  const uint32_t *ids; /* const or pattern indices */
  struct vg_valset *vs; /* VG_SET_CONST: hashed membership */
  /* VG_SET_CONST of a string type: one bit per element (vg_pack_bloom of
   * its bytes without trailing NULs), a quick "certainly not in" test */
  bool has_bloom;
  uint64_t bloom[4];
  /* with has_bloom: bit min(n, 63) set for each element length n (without
   * trailing NULs), an even cheaper first test */
  uint64_t lenmask;
  struct vg_pmatch *pm; /* VG_SET_PATHS: path-prefix table */
  /* VG_SET_CONST whose elements are all NUL-free text (kclean): ANYOF_S
   * startswith/endswith run inline (VG_X_FIELD_ANYSW/ANYEW) */
  bool clean;
} vg_pset;

typedef struct vg_ppat {
  uint8_t kind; /* VIGIL_PAT_* */
  uint32_t src; /* string id */
  uint32_t lit; /* glob only: length of the pattern's leading ASCII
                   literal (before any * ? [ \\), which a match must start
                   with: a cheap test before fnmatch */
  struct vg_regex *re; /* regex only */
} vg_ppat;

typedef struct vg_pfield {
  uint32_t name, arg, source; /* string ids; arg may be VIGIL_PACK_NONE */
  vg_ftype type;
  uint8_t flags;
  uint32_t id; /* from the binder */
} vg_pfield;

#define VG_MAX_GUARDS 6

typedef struct vg_prule {
  uint32_t name, source, output, desc;
  uint8_t priority, flags;
  uint32_t start, len;
  uint32_t ntags;
  const uint8_t *tags; /* ntags u32 string ids, in the pack */
  uint32_t nevt;
  const uint8_t *evt; /* nevt u16 codes, in the pack */
  uint32_t src_index; /* into vigil_program.sources */
  uint32_t max_stack; /* verifier fact */
  /* MEMO slots of the rule's leading conjuncts, as far as each is one
   * MEMO_GET block followed by a JF_KEEP to the final RET: if any of them
   * is already known false for the event, the rule is false without
   * running. gafter[g] is where the code goes on when guards 0..g are
   * all true (the pc after guard g's JF_KEEP, with an empty stack), or the
   * final RET's pc when guard g is the last conjunct (the rule is then
   * true): evaluation starts there when they are already known true */
  uint8_t nguards;
  uint16_t guards[VG_MAX_GUARDS];
  uint32_t gafter[VG_MAX_GUARDS];
  /* append_output extra fields: XFIELD records [xf_first, +nxf) */
  uint32_t xf_first, nxf;
} vg_prule;

typedef struct vg_pdebug {
  uint32_t pc, start, end;
} vg_pdebug;

#define VG_DISPATCH_EVT 1024

typedef struct vg_psource {
  const char *name;
  /* rules evaluated for event type e (< VG_DISPATCH_EVT): list[off[e] ..
   * off[e+1]); for larger codes only ALL_EVENTS rules: all[0..nall) */
  uint32_t *off;   /* VG_DISPATCH_EVT + 1 entries */
  uint32_t *list;
  uint32_t *all;
  uint32_t nall;
} vg_psource;

struct vigil_program {
  uint8_t *buf; /* our copy of the pack bytes */
  size_t len;
  uint16_t major, minor;
  uint32_t crc;
  uint32_t nsec;
  struct {
    uint32_t kind, flags, off, size;
  } sec[16];
  vg_pstr *strs;
  uint32_t nstrs;
  vg_value *consts;
  uint8_t *kclean; /* per constant: a string type without NUL bytes */
  uint32_t nconsts;
  vg_pset *sets;
  uint32_t nsets;
  vg_ppat *pats;
  uint32_t npats;
  vg_pfield *fields;
  uint32_t nfields;
  vg_prule *rules;
  uint32_t nrules;
  uint32_t *code;
  uint32_t ncode;
  uint32_t *xcode; /* what the interpreter runs (VG_X_* above) */
  vg_pdebug *debug;
  uint32_t ndebug;
  const uint8_t *xf; /* XFIELD records (16 bytes each), in buf */
  vg_psource *sources;
  uint32_t nsources;
  /* verifier facts for sizing a vigil_vm */
  uint32_t max_stack;
  uint32_t nmemo;
};

/* verify.c: structural checks of the code against the tables. Returns
 * VIGIL_E_FORMAT with "... at PC n" in err. Fills max_stack, nmemo. */
vigil_status vg_pack_verify(vigil_program *p, char *err, size_t errsz);

/* Bloom bit (0..255) of a string set element or value: bytes p[0..n)
 * without trailing NULs, as the value set keys strings. */
static inline unsigned vg_pack_bloom(const uint8_t *p, size_t n) {
  while (n > 0 && p[n - 1] == 0)
    n--;
  uint32_t x = (uint32_t)n * 0x9e3779b1u;
  if (n)
    x ^= (uint32_t)p[0] * 0x85ebca6bu ^ (uint32_t)p[n - 1] * 0xc2b2ae35u ^
         (uint32_t)p[n / 2] * 0x27d4eb2fu;
  x ^= x >> 15;
  x *= 0x2c1b3c6du;
  return (x >> 24) & 255u;
}

/* Bytes of string id s ("" for VIGIL_PACK_NONE or out of range). */
static inline const char *vg_pack_str(const vigil_program *p, uint32_t s) {
  return s < p->nstrs ? p->strs[s].p : "";
}


#endif
