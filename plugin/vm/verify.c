/*
 * verify.c - the pack verifier, run once by the loader before any
 * evaluation (the BPF model). For every rule's code range it checks: known
 * opcodes; operands inside their tables and of the right kind; jumps
 * forward-only and landing inside the rule (so evaluation terminates);
 * stack depth and entry types (B = boolean, V = values) identical on every
 * path into an instruction; RET reached with exactly one boolean; the last
 * instruction a RET. The interpreter relies on these facts and does no
 * structural checks of its own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/pack.h"

/* Stack entries are tracked as a bit mask (1 = V) so states are cheap to
 * store per instruction; packs needing more depth are rejected. */
#define VG_VERIFY_MAX_DEPTH 64

typedef struct vstate {
  int16_t depth; /* -1: not reached */
  uint64_t types;
} vstate;

static vigil_status vfail(char *err, size_t errsz, const vigil_program *p,
                          const vg_prule *r, uint32_t pc, const char *fmt,
                          ...) __attribute__((format(printf, 6, 7)));
static vigil_status vfail(char *err, size_t errsz, const vigil_program *p,
                          const vg_prule *r, uint32_t pc, const char *fmt,
                          ...) {
  if (err && errsz) {
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(err, errsz, "rule '%s': %s at PC %u", vg_pack_str(p, r->name),
             what, (unsigned)pc);
  }
  return VIGIL_E_FORMAT;
}

static bool pat_kind_ok(vg_opcode op, uint8_t kind) {
  return (op == VG_I_REGEX_P && kind == VIGIL_PAT_REGEX) ||
         (op == VG_I_GLOB_P && kind == VIGIL_PAT_GLOB) ||
         (op == VG_I_IGLOB_P && kind == VIGIL_PAT_IGLOB);
}

static vigil_status verify_rule(vigil_program *p, const vg_prule *r,
                                vstate *st, char *err, size_t errsz) {
  uint32_t end = r->start + r->len;
  for (uint32_t i = 0; i <= r->len; i++)
    st[i].depth = -1, st[i].types = 0;
  st[0].depth = 0;
  uint32_t maxd = 0;
  if (VG_INS_OP(p->code[end - 1]) != VG_I_RET)
    return vfail(err, errsz, p, r, end - 1, "rule does not end in RET");
  for (uint32_t pc = r->start; pc < end; pc++) {
    uint32_t w = p->code[pc], op = VG_INS_OP(w), arg = VG_INS_ARG(w);
    if (op >= VG_I__COUNT)
      return vfail(err, errsz, p, r, pc, "unknown opcode %u", (unsigned)op);
    uint32_t target = 0; /* jump target (absolute), 0 = none */
    bool has_target = false;
    switch (vg_opcode_args[op]) {
    case VG_ARG_NONE:
      if (arg)
        return vfail(err, errsz, p, r, pc, "unexpected operand");
      break;
    case VG_ARG_FIELD:
      if (arg >= p->nfields)
        return vfail(err, errsz, p, r, pc, "field index %u out of range",
                     (unsigned)arg);
      break;
    case VG_ARG_CONST:
      if (arg >= p->nconsts)
        return vfail(err, errsz, p, r, pc, "constant index %u out of range",
                     (unsigned)arg);
      break;
    case VG_ARG_SET:
      if (arg >= p->nsets ||
          p->sets[arg].kind !=
              (op == VG_I_PMATCH_S ? VG_SET_PATHS : VG_SET_CONST))
        return vfail(err, errsz, p, r, pc, "bad set operand %u",
                     (unsigned)arg);
      break;
    case VG_ARG_PAT:
      if (arg >= p->npats || !pat_kind_ok(op, p->pats[arg].kind))
        return vfail(err, errsz, p, r, pc, "bad pattern operand %u",
                     (unsigned)arg);
      break;
    case VG_ARG_JUMP:
      target = pc + 1 + arg;
      has_target = true;
      break;
    case VG_ARG_MEMO: {
      uint32_t skip = arg >> VG_MEMO_SLOT_BITS;
      if (op == VG_I_MEMO_PUT && skip)
        return vfail(err, errsz, p, r, pc, "unexpected skip");
      if (op == VG_I_MEMO_GET) {
        target = pc + 1 + skip;
        has_target = true;
      }
      uint32_t slot = arg & (VG_MEMO_MAX_SLOTS - 1);
      if (slot + 1 > p->nmemo)
        p->nmemo = slot + 1;
      break;
    }
    case VG_ARG_OPSET: {
      uint32_t cop = arg & 31, set = arg >> 5;
      if (cop > VG_PC_REGEX || set >= p->nsets ||
          p->sets[set].kind != (cop == VG_PC_REGEX ? VG_SET_PATTERN
                                                   : VG_SET_CONST))
        return vfail(err, errsz, p, r, pc, "bad operator/set operand");
      if (p->sets[set].kind == VG_SET_PATTERN)
        for (uint32_t j = 0; j < p->sets[set].n; j++)
          if (p->pats[p->sets[set].ids[j]].kind != VIGIL_PAT_REGEX)
            return vfail(err, errsz, p, r, pc, "set of non-regex patterns");
      break;
    }
    case VG_ARG_CMPOP:
      if (arg >= VG_PC__COUNT || arg == VG_PC_REGEX || arg == VG_PC_PMATCH)
        return vfail(err, errsz, p, r, pc, "bad comparison operator %u",
                     (unsigned)arg);
      break;
    case VG_ARG_COUNT:
      if (arg < 1 || arg > VG_VERIFY_MAX_DEPTH)
        return vfail(err, errsz, p, r, pc, "bad count %u", (unsigned)arg);
      break;
    case VG_ARG_CHAR:
      if (arg > 255)
        return vfail(err, errsz, p, r, pc, "bad character operand");
      break;
    }
    if (has_target && (target >= end || target <= pc))
      return vfail(err, errsz, p, r, pc, "jump out of range");

    vstate s = st[pc - r->start];
    if (s.depth < 0)
      continue; /* unreachable: operands checked, no stack to check */

    /* Pop. */
    const char *pop = vg_opcode_pops[op];
    size_t npop = strcmp(pop, "*") ? strlen(pop) : arg;
    if ((size_t)s.depth < npop)
      return vfail(err, errsz, p, r, pc, "stack underflow");
    for (size_t k = 0; k < npop; k++) {
      /* entry k from the top; pop string lists bottom to top */
      bool want_v = strcmp(pop, "*") ? pop[npop - 1 - k] == 'V' : true;
      bool is_v = (s.types >> (s.depth - 1 - k)) & 1;
      if (want_v != is_v)
        return vfail(err, errsz, p, r, pc, "operand type mismatch");
    }
    vstate jump = s; /* state carried to a jump target */
    s.depth = (int16_t)(s.depth - npop);
    s.types &= s.depth ? (~0ull >> (64 - s.depth)) : 0;
    /* JF_KEEP/JT_KEEP: the jump keeps the boolean, so the jump state is
     * the pre-pop one. */
    /* Push. */
    for (const char *q = vg_opcode_pushes[op]; *q; q++) {
      if (s.depth >= VG_VERIFY_MAX_DEPTH)
        return vfail(err, errsz, p, r, pc, "stack too deep");
      if (*q == 'V')
        s.types |= 1ull << s.depth;
      s.depth++;
    }
    if (op == VG_I_MEMO_GET) {
      if (jump.depth >= VG_VERIFY_MAX_DEPTH)
        return vfail(err, errsz, p, r, pc, "stack too deep");
      jump.depth++; /* pushes the memoised boolean on the skip path */
    }
    if ((uint32_t)s.depth > maxd)
      maxd = (uint32_t)s.depth;
    if ((uint32_t)jump.depth > maxd)
      maxd = (uint32_t)jump.depth;
    if (op == VG_I_RET) {
      if (s.depth != 0)
        return vfail(err, errsz, p, r, pc, "RET with %d extra stack entries",
                     s.depth);
      continue; /* no fallthrough */
    }
    if (has_target) {
      vstate *t = &st[target - r->start];
      if (t->depth < 0)
        *t = jump;
      else if (t->depth != jump.depth || t->types != jump.types)
        return vfail(err, errsz, p, r, target, "stack mismatch");
    }
    vstate *n = &st[pc + 1 - r->start];
    if (pc + 1 == end)
      return vfail(err, errsz, p, r, pc, "falls off the end");
    if (n->depth < 0)
      *n = s;
    else if (n->depth != s.depth || n->types != s.types)
      return vfail(err, errsz, p, r, pc + 1, "stack mismatch");
  }
  if (maxd > p->max_stack)
    p->max_stack = maxd;
  return VIGIL_OK;
}

vigil_status vg_pack_verify(vigil_program *p, char *err, size_t errsz) {
  uint32_t maxlen = 0;
  for (uint32_t i = 0; i < p->nrules; i++)
    if (p->rules[i].len > maxlen)
      maxlen = p->rules[i].len;
  vstate *st = malloc(((size_t)maxlen + 1) * sizeof *st);
  if (!st)
    return VIGIL_E_NOMEM;
  vigil_status res = VIGIL_OK;
  for (uint32_t i = 0; i < p->nrules && res == VIGIL_OK; i++) {
    res = verify_rule(p, &p->rules[i], st, err, errsz);
    p->rules[i].max_stack = p->max_stack;
  }
  free(st);
  return res;
}
