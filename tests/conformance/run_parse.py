#!/usr/bin/env python3
"""run_parse.py - drives `vigil expr -` over the condition tables of the
conformance corpus:

  * conditions/parse.tsv, stages parse and compile, exactly as the
    scoreboard's check_parse does (same skipped rows, same variants, same
    pass rule), plus the compiler warning counts of compile rows and of
    the compile-mock rows that use no mock field;
  * conditions/evttypes.tsv through `--evttypes --parse-only`;
  * conditions/warnings.tsv through the warnings vigil prints on stderr.

Usage: run_parse.py --vigil PATH --shared DIR [-v]
Exits 77 when DIR/conformance is missing, 1 on any failure, else 0.
"""
import argparse
import os
import subprocess
import sys

from vgcase import cond_variants


def unescape(cell):
    out, i = [], 0
    while i < len(cell):
        c = cell[i]
        if c == "\\" and i + 1 < len(cell):
            n = cell[i + 1]
            if n == "t":
                out.append("\t"); i += 2; continue
            if n == "n":
                out.append("\n"); i += 2; continue
            if n == "r":
                out.append("\r"); i += 2; continue
            if n == "\\":
                out.append("\\"); i += 2; continue
            if n == "x" and i + 3 < len(cell) + 1:
                try:
                    out.append(chr(int(cell[i + 2:i + 4], 16))); i += 4
                    continue
                except ValueError:
                    pass
        out.append(c); i += 1
    return "".join(out)


def tsv_rows(path):
    if not os.path.exists(path):
        return []
    rows = []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            rows.append([unescape(c) for c in line.split("\t")])
    return rows


class Runner:
    def __init__(self, vigil, verbose):
        self.vigil = vigil
        self.verbose = verbose
        self.fails = {}

    def expr(self, cond, flags=()):
        try:
            p = subprocess.run([self.vigil, "expr"] + list(flags) + ["-"],
                               input=cond.encode("utf-8", "surrogateescape"),
                               capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            return 124, "", "timeout"
        return (p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))

    def fail(self, group, what):
        self.fails.setdefault(group, []).append(what)


def check_parse(r, conf):
    rows = tsv_rows(os.path.join(conf, "conditions", "parse.tsv"))
    res = {"parse": [0, 0], "compile": [0, 0]}
    warn = [0, 0]
    for row in rows:
        row += [""] * (6 - len(row))
        cond, result, expected, stage, extra = row[:5]
        if stage not in ("parse", "compile"):
            continue
        if extra.startswith(("positions", "end=")):
            continue
        variants = cond_variants(cond, extra)
        cond = variants[0]  # (repeated) as the messages show it
        flags = ["--parse-only"] if stage == "parse" else []
        ok = True
        err = out = ""
        for v in variants:
            rc, out, err = r.expr(v, flags)
            if rc not in (0, 1):
                ok = False
            elif (rc == 0) != (result == "ok"):
                ok = False
            elif result == "ok" and extra in ("canonical", "ast") and \
                    expected and out.strip() != expected:
                ok = False
            if not ok:
                break
        res[stage][0 if ok else 1] += 1
        if not ok:
            r.fail(stage, "%r expected %s %r: out=%r err=%r" % (
                cond[:80], result, expected[:60], out.strip()[:80],
                err.strip()[:160]))
        if ok and stage == "compile" and result == "ok" and \
                extra.startswith("warnings="):
            want = int(extra.split("=")[1])
            got = err.count("warning: LOAD_COMPILE_CONDITION")
            warn[0 if got == want else 1] += 1
            if got != want:
                r.fail("compile-warnings", "%r: %d warnings, want %d: %r" % (
                    cond[:80], got, want, err.strip()[:160]))
    # compile-mock rows that use no mock field (c.*)
    for row in rows:
        row += [""] * (6 - len(row))
        cond, result, expected, stage, extra = row[:5]
        if stage != "compile-mock" or "c." in cond:
            continue
        rc, out, err = r.expr(cond)
        want = int(extra.split("=")[1]) if extra.startswith("warnings=") \
            else 0
        got = err.count("warning: LOAD_COMPILE_CONDITION")
        ok = (rc == 0) == (result == "ok") and rc in (0, 1) and \
            (result != "ok" or got == want)
        warn[0 if ok else 1] += 1
        if not ok:
            r.fail("compile-warnings", "%r: rc=%d %d warnings, want %s/%d: "
                   "%r" % (cond[:80], rc, got, result, want,
                           err.strip()[:160]))
    return res, warn


def all_event_names(shared):
    names = set()
    for row in tsv_rows(os.path.join(shared, "spec", "events.tsv")):
        if len(row) > 2 and row[0].isdigit():
            names.add(row[2])
    return names


def check_evttypes(r, conf, shared):
    rows = tsv_rows(os.path.join(conf, "conditions", "evttypes.tsv"))
    allnames = all_event_names(shared)
    flags = ["--evttypes", "--parse-only"]
    p = f = 0

    def names_of(out):
        out = out.strip()
        if out in ("all", "none"):
            return out
        return frozenset(x for x in out.split(",") if x)

    for row in rows:
        cond, exp = row[0], row[1] if len(row) > 1 else ""
        rc, out, err = r.expr(cond, flags)
        got = names_of(out) if rc == 0 else None
        if exp == "error":
            ok = rc == 1
        elif exp == "no-error":
            ok = rc == 0
        elif rc != 0:
            ok = False
        elif exp in ("all", "none"):
            ok = got == exp
        elif exp.startswith("all-except:"):
            want = frozenset(allnames - set(exp[len("all-except:"):]
                                            .split(",")))
            ok = allnames and got == want
        elif exp.startswith("same-as:"):
            rc2, out2, _ = r.expr(exp[len("same-as:"):], flags)
            ok = rc2 == 0 and names_of(out2) == got
        else:
            ok = got == frozenset(exp.split(","))
        p += ok
        f += not ok
        if not ok:
            r.fail("evttypes", "%r expected %r: rc=%d out=%r err=%r" % (
                cond[:80], exp[:60], rc, out.strip()[:80], err.strip()[:120]))
    return p, f


def check_warnings(r, conf):
    rows = tsv_rows(os.path.join(conf, "conditions", "warnings.tsv"))
    p = f = 0
    for row in rows:
        cond, exp = row[0], row[1] if len(row) > 1 else ""
        rc, out, err = r.expr(cond)
        warned = "warning: LOAD_UNSAFE_NA_CHECK" in err or \
            "warning: LOAD_DEPRECATED_ITEM" in err
        ok = rc in (0, 1) and warned == (exp == "warns")
        p += ok
        f += not ok
        if not ok:
            r.fail("warnings", "%r expected %s: rc=%d err=%r" % (
                cond[:80], exp, rc, err.strip()[:160]))
    return p, f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    conf = os.path.join(args.shared, "conformance")
    if not os.path.isdir(os.path.join(conf, "conditions")):
        print("conformance corpus not found; skipping")
        return 77
    r = Runner(args.vigil, args.verbose)
    rc, _, err = r.expr("proc.name = x", ["--parse-only"])
    if rc == 2 and "not available" in err:
        print("vigil expr cannot parse in this build; skipping")
        return 77
    res, warn = check_parse(r, conf)
    ev = check_evttypes(r, conf, args.shared)
    wn = check_warnings(r, conf)
    lines = [
        ("parse.tsv parse rows", res["parse"]),
        ("parse.tsv compile rows", res["compile"]),
        ("compiler warning counts", warn),
        ("evttypes.tsv", list(ev)),
        ("warnings.tsv", list(wn)),
    ]
    bad = 0
    for name, (p, f) in lines:
        print("%-26s %4d passed %4d failed" % (name, p, f))
        bad += f
    limit = None if args.verbose else 15
    for group, items in r.fails.items():
        print("--- %s failures (%d)" % (group, len(items)))
        for it in items[:limit]:
            print("  " + it)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
