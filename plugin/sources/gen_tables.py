#!/usr/bin/env python3
"""gen_tables.py - turn plugin/sources/data/*.txt into C tables.

Reads events.txt, syscalls.txt, flags.txt and converter.txt (our own
tab-separated formats, see the header comment of each file) and writes
vg_tables.h and vg_tables.c into the output directory. Run by CMake at build
time; the output is deterministic (same input, same bytes).

usage: gen_tables.py DATA_DIR OUT_DIR
"""
import os
import sys

PT = ["NONE", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32",
      "UINT64", "CHARBUF", "BYTEBUF", "ERRNO", "SOCKADDR", "SOCKTUPLE", "FD",
      "PID", "FDLIST", "FSPATH", "SYSCALLID", "SIGTYPE", "RELTIME", "ABSTIME",
      "PORT", "L4PROTO", "SOCKFAMILY", "BOOL", "IPV4ADDR", "DYN", "FLAGS8",
      "FLAGS16", "FLAGS32", "UID", "GID", "DOUBLE", "SIGSET", "CHARBUFARRAY",
      "CHARBUF_PAIR_ARRAY", "IPV4NET", "IPV6ADDR", "IPV6NET", "IPADDR",
      "IPNET", "MODE", "FSRELPATH", "ENUMFLAGS8", "ENUMFLAGS16",
      "ENUMFLAGS32", "FD32", "PID32"]
PF = {"NA": 0, "DEC": 1, "HEX": 2, "10_PADDED_DEC": 3, "ID": 4, "DIR": 5,
      "OCT": 6}
EC = {"EC_UNKNOWN": 0, "EC_OTHER": 1, "EC_FILE": 2, "EC_NET": 3, "EC_IPC": 4,
      "EC_MEMORY": 5, "EC_PROCESS": 6, "EC_SLEEP": 7, "EC_SYSTEM": 8,
      "EC_SIGNAL": 9, "EC_USER": 10, "EC_TIME": 11, "EC_PROCESSING": 12,
      "EC_IO_READ": 32, "EC_IO_WRITE": 33, "EC_IO_OTHER": 34,
      "EC_WAIT": 1 << 6, "EC_SCHEDULER": 1 << 7, "EC_INTERNAL": 1 << 8,
      "EC_SYSCALL": 1 << 9, "EC_TRACEPOINT": 1 << 10, "EC_PLUGIN": 1 << 11,
      "EC_METAEVENT": 1 << 12, "EC_ITER": 1 << 13}
EF = {"EF_NONE": 0, "EF_CREATES_FD": 1, "EF_DESTROYS_FD": 2,
      "EF_USES_FD": 4, "EF_READS_FROM_FD": 8, "EF_WRITES_TO_FD": 16,
      "EF_MODIFIES_STATE": 32, "EF_UNUSED": 64, "EF_WAITS": 128,
      "EF_SKIPPARSERESET": 256, "EF_OLD_VERSION": 512,
      "EF_LARGE_PAYLOAD": 2048, "EF_CONVERTER_MANAGED": 4096}
ACTIONS = {"store": 1, "store-and-pass": 2, "pass": 3, "add-params": 4,
           "change-type": 5}
SRC = {"old": 1, "enter": 2, "enter?": 3, "empty": 4, "default": 5,
       "callback?": 6}


def rows(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            yield line.split("\t")


def cstr(s):
    out = '"'
    for ch in s:
        if ch in '"\\':
            out += "\\" + ch
        elif 32 <= ord(ch) < 127:
            out += ch
        else:
            out += "\\%03o" % ord(ch)
    return out + '"'


def bits(spec, table):
    v = 0
    for part in spec.split("|"):
        v |= table[part]
    return v


def main():
    data, out = sys.argv[1], sys.argv[2]
    # Flag tables, in file order; rows keep their order within a table.
    ftabs = {}
    forder = []
    for r in rows(os.path.join(data, "flags.txt")):
        t, name, val, kind = r[0], r[1], int(r[2]), r[3]
        if t not in ftabs:
            ftabs[t] = {"kind": kind, "e": []}
            forder.append(t)
        ftabs[t]["e"].append((name, val))
    fidx = {t: i for i, t in enumerate(forder)}

    events = {}
    enums = {}
    for r in rows(os.path.join(data, "events.txt")):
        code = int(r[0])
        params = []
        if r[6] != "-":
            for p in r[6].split(";"):
                f = p.split(":")
                extra = f[3] if len(f) > 3 else ""
                dirfd, names, dyn = -1, -1, 0
                if extra.startswith("dirfd="):
                    dirfd = int(extra[6:])
                elif extra.startswith("names="):
                    names = fidx.get(extra[6:], -1)
                elif extra.startswith("dyn="):
                    dyn = {"sockopt_dynamic_param": 1,
                           "ptrace_dynamic_param": 2,
                           "bpf_dynamic_param": 3,
                           "keyctl_dynamic_param": 4}.get(
                               extra[4:].split("/")[0], 0)
                params.append((f[0], PT.index(f[1]), PF[f[2]], dirfd, names,
                               dyn))
        events[code] = (r[1], r[2], r[3], bits(r[4], EC), bits(r[5], EF),
                        params)
        enums[r[3]] = code
    nev = max(events) + 1

    scs = {}
    x86 = {}
    for r in rows(os.path.join(data, "syscalls.txt")):
        code = int(r[0])
        scs[code] = r[1]
        if r[6] != "-":
            for n in r[6].split(","):
                x86.setdefault(int(n), code)
    nsc = max(scs) + 1
    nx86 = max(x86) + 1 if x86 else 1

    conv = []
    for r in rows(os.path.join(data, "converter.txt")):
        srcs = []
        if r[4] != "-":
            for s in r[4].split():
                if s in SRC:
                    srcs.append((SRC[s], 0))
                elif s.startswith("old"):
                    srcs.append((SRC["old"], int(s[3:])))
                elif s.startswith("enter") and s.endswith("?"):
                    srcs.append((SRC["enter?"], int(s[5:-1])))
                elif s.startswith("enter"):
                    srcs.append((SRC["enter"], int(s[5:])))
                else:
                    raise SystemExit("converter.txt: bad source " + s)
        res = enums[r[3]] if r[3] != "-" else 0xFFFF
        conv.append((int(r[0]), int(r[1]), ACTIONS[r[2]], res, srcs))
    conv.sort(key=lambda c: (c[0], c[1]))  # binary-searched by the reader

    names = {"errno": {}, "signal": {}}
    for r in rows(os.path.join(data, "names.txt")):
        names[r[0]].setdefault(int(r[2]), r[1])
    nerr = max(names["errno"]) + 1
    nsig = max(names["signal"]) + 1

    h = []
    h.append("/* Generated by plugin/sources/gen_tables.py: do not edit. */")
    h.append("#ifndef VG_TABLES_H\n#define VG_TABLES_H\n#include <stdint.h>\n")
    for i, n in enumerate(PT):
        h.append("#define VG_PT_%s %d" % (n, i))
    for n, v in PF.items():
        h.append("#define VG_PF_%s %d" % (n, v))
    for n, v in EC.items():
        h.append("#define VG_%s %d" % (n, v))
    for n, v in EF.items():
        h.append("#define VG_%s %d" % (n, v))
    for n, v in ACTIONS.items():
        h.append("#define VG_CONV_%s %d" % (n.upper().replace("-", "_"), v))
    for n, v in SRC.items():
        h.append("#define VG_CSRC_%s %d" % (
            n.upper().replace("?", "_OPT"), v))
    for n, c in sorted(enums.items(), key=lambda kv: kv[1]):
        h.append("#define VG_%s %d" % (n, c))
    h.append("#define VG_EVENT_MAX %d" % nev)
    h.append("#define VG_SC_MAX %d" % nsc)
    h.append("#define VG_X86_64_NR_MAX %d" % nx86)
    h.append("#define VG_FLAG_TABLES %d" % len(forder))
    h.append("#define VG_CONV_ROWS %d" % len(conv))
    h.append("#define VG_ERRNO_MAX %d" % nerr)
    h.append("#define VG_SIGNAL_MAX %d" % nsig)
    h.append("""
typedef struct vg_param_info {
  const char *name;
  uint8_t type;   /* VG_PT_* */
  uint8_t fmt;    /* VG_PF_* */
  int8_t dirfd;   /* index of the dirfd parameter, or -1 */
  uint8_t dyn;    /* dynamic table: 1 sockopt, 2 ptrace, 3 bpf, 4 keyctl */
  int16_t names;  /* index into vg_flag_tables, or -1 */
} vg_param_info;

typedef struct vg_event_info {
  const char *name;
  const char *enum_name;
  uint32_t category; /* VG_EC_* bits */
  uint32_t flags;    /* VG_EF_* bits */
  uint16_t nparams;
  const vg_param_info *params;
} vg_event_info;

typedef struct vg_flag_entry {
  const char *name;
  uint32_t value;
} vg_flag_entry;

typedef struct vg_flag_table {
  const char *name;
  uint8_t is_enum;
  uint16_t n;
  const vg_flag_entry *e;
} vg_flag_table;

/* One converter row; src[i] = kind << 8 | parameter index. */
typedef struct vg_conv_row {
  uint16_t code;
  uint8_t nparams;
  uint8_t action;   /* VG_CONV_* */
  uint16_t result;  /* new type for change-type, else 0xFFFF */
  uint8_t nsrc;
  const uint16_t *src;
} vg_conv_row;

extern const vg_event_info vg_event_table[VG_EVENT_MAX];
extern const char *const vg_sc_names[VG_SC_MAX];
extern const int16_t vg_sc_by_x86_64[VG_X86_64_NR_MAX];
extern const vg_flag_table vg_flag_tables[VG_FLAG_TABLES];
extern const vg_conv_row vg_conv_rows[VG_CONV_ROWS];
/* errno/signal names by number; NULL where libsinsp has no name */
extern const char *const vg_errno_names[VG_ERRNO_MAX];
extern const char *const vg_signal_names[VG_SIGNAL_MAX];

#endif""")

    c = []
    c.append("/* Generated by plugin/sources/gen_tables.py: do not edit. */")
    c.append('#include <stddef.h>\n#include "vg_tables.h"\n')
    for code in range(nev):
        if code in events and events[code][5]:
            c.append("static const vg_param_info p_%d[] = {" % code)
            for p in events[code][5]:
                c.append("  {%s, %d, %d, %d, %d, %d}," % (
                    cstr(p[0]), p[1], p[2], p[3], p[5], p[4]))
            c.append("};")
    c.append("const vg_event_info vg_event_table[VG_EVENT_MAX] = {")
    for code in range(nev):
        if code in events:
            e = events[code]
            c.append("  {%s, %s, %du, %du, %d, %s}," % (
                cstr(e[0]), cstr(e[2]), e[3], e[4], len(e[5]),
                ("p_%d" % code) if e[5] else "NULL"))
        else:
            c.append('  {"NA", "", 0u, %du, 0, NULL},' % EF["EF_UNUSED"])
    c.append("};\n")
    c.append("const char *const vg_sc_names[VG_SC_MAX] = {")
    for code in range(nsc):
        c.append("  %s," % cstr(scs.get(code, "unknown")))
    c.append("};\n")
    c.append("const int16_t vg_sc_by_x86_64[VG_X86_64_NR_MAX] = {")
    c.append("  " + ", ".join(str(x86.get(i, -1)) for i in range(nx86)))
    c.append("};\n")
    for i, t in enumerate(forder):
        c.append("static const vg_flag_entry f_%d[] = {" % i)
        for name, val in ftabs[t]["e"]:
            c.append("  {%s, %du}," % (cstr(name), val))
        c.append("};")
    c.append("const vg_flag_table vg_flag_tables[VG_FLAG_TABLES] = {")
    for i, t in enumerate(forder):
        c.append("  {%s, %d, %d, f_%d}," % (
            cstr(t), 1 if ftabs[t]["kind"] == "enum" else 0,
            len(ftabs[t]["e"]), i))
    c.append("};\n")
    for i, r in enumerate(conv):
        if r[4]:
            c.append("static const uint16_t c_%d[] = {%s};" % (
                i, ", ".join(str(k << 8 | n) for k, n in r[4])))
    for kind, n in (("errno", nerr), ("signal", nsig)):
        c.append("const char *const vg_%s_names[VG_%s_MAX] = {" % (
            kind, kind.upper()))
        for i in range(n):
            v = names[kind].get(i)
            c.append("  %s," % (cstr(v) if v else "NULL"))
        c.append("};\n")
    c.append("const vg_conv_row vg_conv_rows[VG_CONV_ROWS] = {")
    for i, r in enumerate(conv):
        c.append("  {%d, %d, %d, %d, %d, %s}," % (
            r[0], r[1], r[2], r[3], len(r[4]),
            ("c_%d" % i) if r[4] else "NULL"))
    c.append("};")

    os.makedirs(out, exist_ok=True)
    for name, text in (("vg_tables.h", h), ("vg_tables.c", c)):
        path = os.path.join(out, name)
        body = "\n".join(text) + "\n"
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                old = f.read()
        if old != body:
            with open(path, "w", encoding="utf-8") as f:
                f.write(body)


if __name__ == "__main__":
    main()
