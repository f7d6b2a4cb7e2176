/*
 * disasm.c - human-readable views of a loaded pack: the full listing of
 * `vigil disasm` (tables, then each rule's code with operands resolved to
 * names and values) and the summary of `vigil info`. Output is stable, so
 * golden tests diff it.
 */
#include <stdio.h>
#include <string.h>

#include "back/back.h"
#include "util/buf.h"
#include "vm/pack.h"

static const char *const prio_names[8] = {
    "EMERGENCY", "ALERT",  "CRITICAL",      "ERROR",
    "WARNING",   "NOTICE", "INFORMATIONAL", "DEBUG"};

static const char *sec_kind(uint32_t k) {
  static const char *const n[] = {"?",       "STR",   "CONST", "SET",
                                  "PATTERN", "FIELD", "RULE",  "CODE",
                                  "DEBUG",   "XFIELD"};
  return k < sizeof n / sizeof *n ? n[k] : "?";
}

/* Type names as libsinsp prints them (local copy: the disassembler must
 * not depend on the compile-time catalog). */
static const char *ftname(vg_ftype t) {
  static const char *const n[] = {
    "NONE", "INT8", "INT16", "INT32", "INT64",
    "UINT8", "UINT16", "UINT32", "UINT64", "CHARBUF",
    "BYTEBUF", "ERRNO", "SOCKADDR", "SOCKTUPLE", "FD",
    "PID", "FDLIST", "FSPATH", "SYSCALLID", "SIGTYPE",
    "RELTIME", "ABSTIME", "PORT", "L4PROTO", "SOCKFAMILY",
    "BOOL", "IPV4ADDR", "DYN", "FLAGS8", "FLAGS16",
    "FLAGS32", "UID", "GID", "DOUBLE", "SIGSET",
    "CHARBUFARRAY", "CHARBUF_PAIR_ARRAY", "IPV4NET", "IPV6ADDR", "IPV6NET",
    "IPADDR", "IPNET", "MODE", "FSRELPATH", "ENUMFLAGS8",
    "ENUMFLAGS16", "ENUMFLAGS32"};
  return (unsigned)t < sizeof n / sizeof *n ? n[t] : "?";
}

static void quoted(vg_buf *o, const uint8_t *p, size_t n) {
  vg_buf_putc(o, '"');
  for (size_t i = 0; i < n; i++) {
    uint8_t c = p[i];
    if (c == '"' || c == '\\')
      vg_buf_printf(o, "\\%c", c);
    else if (c < 0x20 || c == 0x7f)
      vg_buf_printf(o, "\\x%02x", c);
    else
      vg_buf_putc(o, (char)c);
  }
  vg_buf_putc(o, '"');
}

static void value(vg_buf *o, const vg_value *v) {
  switch (v->type) {
  case VG_FT_CHARBUF:
  case VG_FT_FSPATH:
  case VG_FT_FSRELPATH:
  case VG_FT_BYTEBUF:
    quoted(o, v->v.s.p, v->v.s.n);
    break;
  case VG_FT_BOOL:
    vg_buf_puts(o, v->v.b ? "true" : "false");
    break;
  case VG_FT_DOUBLE:
    vg_buf_printf(o, "%g", v->v.d);
    break;
  case VG_FT_IPV4ADDR:
  case VG_FT_IPV6ADDR:
  case VG_FT_IPADDR:
  case VG_FT_IPV4NET:
  case VG_FT_IPV6NET:
  case VG_FT_IPNET:
    if (!v->v.ip.v6) {
      vg_buf_printf(o, "%u.%u.%u.%u", v->v.ip.addr[0], v->v.ip.addr[1],
                    v->v.ip.addr[2], v->v.ip.addr[3]);
    } else {
      for (int i = 0; i < 16; i += 2)
        vg_buf_printf(o, "%s%x", i ? ":" : "",
                      (unsigned)(v->v.ip.addr[i] << 8 | v->v.ip.addr[i + 1]));
    }
    vg_buf_printf(o, "/%u", v->v.ip.prefix);
    break;
  case VG_FT_INT8:
  case VG_FT_INT16:
  case VG_FT_INT32:
  case VG_FT_INT64:
  case VG_FT_ERRNO:
  case VG_FT_FD:
  case VG_FT_PID:
    vg_buf_printf(o, "%lld", (long long)v->v.i);
    break;
  default:
    vg_buf_printf(o, "%llu", (unsigned long long)v->v.u);
    break;
  }
  vg_buf_printf(o, ":%s", ftname(v->type));
}

static void field_name(vg_buf *o, const vigil_program *p, uint32_t i) {
  const vg_pfield *f = &p->fields[i];
  vg_buf_puts(o, vg_pack_str(p, f->name));
  if (f->arg != VIGIL_PACK_NONE)
    vg_buf_printf(o, "[%s]", vg_pack_str(p, f->arg));
}

static void set_elems(vg_buf *o, const vigil_program *p, uint32_t s) {
  const vg_pset *set = &p->sets[s];
  vg_buf_printf(o, "set %u (", (unsigned)s);
  for (uint32_t j = 0; j < set->n; j++) {
    if (j == 8) {
      vg_buf_printf(o, ", ... %u more", (unsigned)(set->n - 8));
      break;
    }
    if (j)
      vg_buf_puts(o, ", ");
    if (set->kind == VG_SET_PATTERN) {
      const vg_pstr *src = &p->strs[p->pats[set->ids[j]].src];
      quoted(o, (const uint8_t *)src->p, src->n);
    } else {
      value(o, &p->consts[set->ids[j]]);
    }
  }
  vg_buf_putc(o, ')');
}

static void pattern(vg_buf *o, const vigil_program *p, uint32_t i) {
  static const char *const k[] = {"?", "regex", "glob", "iglob"};
  const vg_ppat *pt = &p->pats[i];
  const vg_pstr *src = &p->strs[pt->src];
  vg_buf_printf(o, "%s ", k[pt->kind <= 3 ? pt->kind : 0]);
  quoted(o, (const uint8_t *)src->p, src->n);
}

static void insn(vg_buf *o, const vigil_program *p, uint32_t pc) {
  uint32_t w = p->code[pc], op = VG_INS_OP(w), arg = VG_INS_ARG(w);
  char name[32];
  size_t i;
  const char *nm = op < VG_I__COUNT ? vg_opcode_names[op] : "?";
  for (i = 0; nm[i] && i + 1 < sizeof name; i++)
    name[i] = (char)(nm[i] >= 'A' && nm[i] <= 'Z' ? nm[i] + 32 : nm[i]);
  name[i] = 0;
  vg_buf_printf(o, "  %04u  %-13s", (unsigned)pc, name);
  if (op >= VG_I__COUNT) {
    vg_buf_printf(o, " 0x%06x\n", (unsigned)arg);
    return;
  }
  switch (vg_opcode_args[op]) {
  case VG_ARG_NONE:
    break;
  case VG_ARG_FIELD:
    vg_buf_printf(o, " %-6u ; ", (unsigned)arg);
    field_name(o, p, arg);
    vg_buf_printf(o, " %s%s", ftname(p->fields[arg].type),
                  p->fields[arg].flags & VIGIL_FIELD_LIST ? " list" : "");
    break;
  case VG_ARG_CONST:
    vg_buf_printf(o, " %-6u ; ", (unsigned)arg);
    value(o, &p->consts[arg]);
    break;
  case VG_ARG_SET:
    vg_buf_printf(o, " %-6u ; ", (unsigned)arg);
    set_elems(o, p, arg);
    break;
  case VG_ARG_PAT:
    vg_buf_printf(o, " %-6u ; ", (unsigned)arg);
    pattern(o, p, arg);
    break;
  case VG_ARG_JUMP:
    vg_buf_printf(o, " -> %04u", (unsigned)(pc + 1 + arg));
    break;
  case VG_ARG_MEMO:
    vg_buf_printf(o, " slot %u", (unsigned)(arg & (VG_MEMO_MAX_SLOTS - 1)));
    if (op == VG_I_MEMO_GET)
      vg_buf_printf(o, " -> %04u",
                    (unsigned)(pc + 1 + (arg >> VG_MEMO_SLOT_BITS)));
    break;
  case VG_ARG_OPSET:
    vg_buf_printf(o, " %s ; ",
                  (arg & 31) < VG_PC__COUNT ? vg_pcmp_names[arg & 31] : "?");
    set_elems(o, p, arg >> 5);
    break;
  case VG_ARG_CMPOP:
    vg_buf_printf(o, " %s", arg < VG_PC__COUNT ? vg_pcmp_names[arg] : "?");
    break;
  case VG_ARG_COUNT:
    vg_buf_printf(o, " %u", (unsigned)arg);
    break;
  case VG_ARG_CHAR:
    vg_buf_printf(o, " '%c'", arg >= 0x20 && arg < 0x7f ? (char)arg : '?');
    break;
  }
  /* trim trailing blanks of operand-less lines */
  while (o->len && o->ptr[o->len - 1] == ' ')
    o->ptr[--o->len] = 0;
  vg_buf_putc(o, '\n');
}

static void rule_head(vg_buf *o, const vigil_program *p, uint32_t i) {
  vigil_rule_info ri;
  vigil_program_rule(p, i, &ri);
  vg_buf_printf(o, "rule %u '%s' source=%s priority=%s%s", (unsigned)i,
                ri.name, ri.source, prio_names[ri.priority & 7],
                ri.flags & VIGIL_RULE_ENABLED ? "" : " disabled");
  if (ri.ntags) {
    vg_buf_puts(o, " tags=");
    for (size_t t = 0; t < ri.ntags; t++)
      vg_buf_printf(o, "%s%s", t ? "," : "",
                    vigil_program_rule_tag(p, i, t));
  }
  if (ri.flags & VIGIL_RULE_ALL_EVENTS) {
    vg_buf_puts(o, " events=all");
  } else {
    vg_buf_printf(o, " events=%zu(", ri.nevt);
    for (size_t e = 0; e < ri.nevt && e < 12; e++)
      vg_buf_printf(o, "%s%u", e ? "," : "",
                    vigil_program_rule_evt(p, i, e));
    vg_buf_puts(o, ri.nevt > 12 ? ",...)" : ")");
  }
  vg_buf_putc(o, '\n');
}

void vg_back_disasm(const vigil_program *p, vg_buf *o) {
  vg_buf_printf(o, "; vigil pack %u.%u, %zu bytes, crc32 %08x\n", p->major,
                p->minor, p->len, (unsigned)p->crc);
  vg_buf_printf(o, "; %u strings, %u constants, %u sets, %u patterns, "
                   "%u fields, %u rules, %u instructions, %u memo slots\n",
                (unsigned)p->nstrs, (unsigned)p->nconsts, (unsigned)p->nsets,
                (unsigned)p->npats, (unsigned)p->nfields,
                (unsigned)p->nrules, (unsigned)p->ncode,
                (unsigned)p->nmemo);
  for (uint32_t i = 0; i < p->nfields; i++) {
    vg_buf_printf(o, "field %u ", (unsigned)i);
    field_name(o, p, i);
    vg_buf_printf(o, " %s%s%s%s source=%s\n", ftname(p->fields[i].type),
                  p->fields[i].flags & VIGIL_FIELD_LIST ? " list" : "",
                  p->fields[i].flags & VIGIL_FIELD_ANY ? " any" : "",
                  p->fields[i].flags & VIGIL_FIELD_ENDPOINT ? " endpoint" : "",
                  vg_pack_str(p, p->fields[i].source));
  }
  for (uint32_t i = 0; i < p->nrules; i++) {
    const vg_prule *r = &p->rules[i];
    vg_buf_putc(o, '\n');
    rule_head(o, p, i);
    for (uint32_t pc = r->start; pc < r->start + r->len; pc++)
      insn(o, p, pc);
  }
}

void vg_back_info(const vigil_program *p, const uint8_t *bytes, size_t len,
                  vg_buf *o) {
  vg_buf_printf(o, "format:    vigil pack %u.%u\n", p->major, p->minor);
  vg_buf_printf(o, "size:      %zu bytes\n", len);
  if (p->len != len)
    vg_buf_printf(o, "deflated:  %zu bytes inflated\n", p->len);
  vg_buf_printf(o, "crc32:     %08x (ok)\n", (unsigned)p->crc);
  vg_buf_printf(o, "sections:  %u\n", (unsigned)p->nsec);
  for (uint32_t i = 0; i < p->nsec; i++) {
    /* counts from the (inflated) image the program was loaded from */
    uint32_t cnt = p->sec[i].size >= 4 ? vg_rd_u32le(p->buf + p->sec[i].off)
                                       : 0;
    vg_buf_printf(o, "  %-8s offset %-8u size %-8u entries %u%s\n",
                  sec_kind(p->sec[i].kind), (unsigned)p->sec[i].off,
                  (unsigned)p->sec[i].size, (unsigned)cnt,
                  p->sec[i].flags & VIGIL_SECF_OPTIONAL ? " (optional)" : "");
  }
  vg_buf_printf(o, "sources:  ");
  for (uint32_t i = 0; i < p->nsources; i++)
    vg_buf_printf(o, " %s", p->sources[i].name);
  vg_buf_printf(o, "\nfields:    %u\nmax stack: %u\nmemo slots: %u\n",
                (unsigned)p->nfields, (unsigned)p->max_stack,
                (unsigned)p->nmemo);
  vg_buf_printf(o, "rules:     %u\n", (unsigned)p->nrules);
  for (uint32_t i = 0; i < p->nrules; i++) {
    vg_buf_puts(o, "  ");
    rule_head(o, p, i);
  }
  (void)len;
}
