#!/usr/bin/env python3
"""run_upstream.py - vigil against upstream test assertions that the shared
conformance corpus does not carry (see tests/upstream/README.md).

The cases here are our own restatements of tests of falcosecurity/falco,
falcosecurity/testing and falcosecurity/libs (each names its test). They
are driven through the command line the same way the scoreboard drives
the conformance kinds:

  loader/<case>/   `vigil lint --format json` (+ `vigil describe`), as
                   check_loader; also `describe` paths and
                   `enabled_rule_count` (rules whose info.enabled is true)
  detect/<case>/   `vigil run --format json`, as check_detect; also
                   `stdout_regex`, `stderr_regex`, `exit_code`
  parse.tsv        `vigil expr` as check_parse (stage parse/compile),
                   with `warnings=N` counted as run_parse.py does
  ops.tsv          `vigil expr --fields` as check_ops; a left value
                   "client A, server B" is given as the list [A, B] (the
                   field matches either endpoint), "N bytes HH HH ..." as
                   those bytes, "{...}" as that map of field values
  evttypes.tsv     `vigil expr --evttypes --parse-only`
  escaping.tsv     through `vigil expr --parse-only` printing of
                   `a.b = VALUE` (escape, unescape, roundtrip)
  warnings.tsv     warnings `vigil expr` prints on stderr, as run_parse.py
  xfail.txt        NAME REASON: cases whose upstream expectation is
                   stale or not reachable through the CLI (XPASS fails)

Detect cases and loader cases with `shared_rules` read captures, events
and rules files from SHARED/conformance; without --shared they are
skipped.

Usage: run_upstream.py --vigil PATH [--shared DIR] [-v] [--case SUBSTR]
Exit 0 when everything passes, 1 on any failure.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "conformance"))
from vgcase import (alert_misses, append_output_flags,  # noqa: E402
                    cond_variants, engine_flags, entry_matches, json_lines,
                    run, run_flags)
import vgcase  # noqa: E402


def case_files(a, d, exp):
    return vgcase.case_files(os.path.join(a.shared, "conformance"), d, exp)


def unescape(cell):
    out, i = [], 0
    while i < len(cell):
        c = cell[i]
        if c == "\\" and i + 1 < len(cell):
            n = cell[i + 1]
            m = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(n)
            if m:
                out.append(m)
                i += 2
                continue
            if n == "x":
                try:
                    out.append(chr(int(cell[i + 2:i + 4], 16)))
                    i += 4
                    continue
                except ValueError:
                    pass
        out.append(c)
        i += 1
    return "".join(out)


def tsv_rows(name):
    path = os.path.join(HERE, name)
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            rows.append((n, [unescape(c) for c in line.split("\t")]))
    return rows


def load_xfail():
    return vgcase.load_xfail(os.path.join(HERE, "xfail.txt"))


# ------------------------------------------------------------ loader

def walk(doc, path):
    for k in path:
        try:
            doc = doc[k]
        except (KeyError, IndexError, TypeError):
            return None
    return doc


def loader_case(a, d):
    exp = json.load(open(os.path.join(d, "expect.json")))
    if exp.get("shared_rules") and not a.shared:
        return None, "needs --shared"
    opts = exp.get("options", {})
    # ruleset_steps (enable/disable in named rulesets) are engine calls the
    # CLI does not offer: only the state after loading is checked
    files = case_files(a, d, exp)
    # the engine's append_output list, as Falco's -o options
    fl = engine_flags(exp) + append_output_flags(
        opts.get("append_output", []))
    rc, out, err = run([a.vigil, "lint", "--format", "json"] + fl + files)
    try:
        res = json.loads(out)["falco_load_results"]
    except (ValueError, KeyError, TypeError):
        return False, "no JSON result (rc=%d) %s" % (rc, err.strip()[:200])
    errors = [e for r in res for e in r.get("errors", [])]
    warns = [w for r in res for w in r.get("warnings", [])]
    valid = all(r.get("successful") for r in res) and rc == 0
    why = []
    if "valid" in exp and exp["valid"] != valid:
        why.append("valid=%s, expected %s" % (valid, exp["valid"]))
    if "plugin_requirements_ok" in exp and \
            exp["plugin_requirements_ok"] != valid:
        why.append("plugin requirements accepted=%s, expected %s" % (
            valid, exp["plugin_requirements_ok"]))
    if "exit_code" in exp and exp["exit_code"] != rc:
        why.append("exit code %d, expected %d" % (rc, exp["exit_code"]))
    for key, got in (("errors", errors), ("warnings", warns)):
        for w in exp.get(key, []):
            if not any(entry_matches(w, g) for g in got):
                why.append("missing %s %s" % (key[:-1], json.dumps(w)))
        n = key[:-1] + "_count"
        if n in exp and exp[n] != len(got):
            why.append("%d %s, expected %d" % (len(got), key, exp[n]))
        for t in exp.get(key + "_absent", []):
            if any(t in g.get("message", "") for g in got):
                why.append("%s text %r should be absent" % (key, t))
    if "has_warnings" in exp and exp["has_warnings"] != bool(warns):
        why.append("warnings present=%s, expected %s" % (
            bool(warns), exp["has_warnings"]))
    fx = exp.get("falco_exact")
    if fx:
        for key, got in (("errors", errors), ("warnings", warns)):
            want = sorted(e["code"] for e in fx[key])
            have = sorted(g.get("code", "") for g in got)
            if want != have:
                why.append("%s codes %s, Falco reports %s" % (key, have, want))
    need_desc = exp.get("compiled_conditions") or \
        exp.get("compiled_outputs") or exp.get("describe") or \
        "enabled_rule_count" in exp
    if need_desc and valid:
        rc2, out2, _ = run([a.vigil, "describe", "--format", "json"] + fl +
                           files)
        try:
            desc = json.loads(out2)
            rules = {r["info"]["name"]: r for r in desc.get("rules", [])}
        except (ValueError, KeyError, TypeError):
            desc, rules = None, None
            why.append("no JSON rule description (rc=%d)" % rc2)
        if rules is not None:
            for key, det in (("compiled_conditions", "condition_compiled"),
                             ("compiled_outputs", "output_compiled")):
                for name, want in exp.get(key, {}).items():
                    got = ((rules.get(name) or {}).get("details") or
                           {}).get(det)
                    if got != want:
                        why.append("%s of %r: %r, expected %r" % (
                            det, name, got, want))
            for chk in exp.get("describe", []):
                doc = desc
                if chk.get("rule") is not None:
                    r = rules.get(chk["rule"])
                    doc = {"rules": [r] if r else []}
                got = walk(doc, chk["path"])
                if "equals" in chk and got != chk["equals"]:
                    why.append("describe %s: %r, expected %r" % (
                        chk["path"], got, chk["equals"]))
                if "size" in chk and (got is None or
                                      len(got) != chk["size"]):
                    why.append("describe %s: size of %r, expected %d" % (
                        chk["path"], got, chk["size"]))
            if "enabled_rule_count" in exp:
                n = sum(1 for r in rules.values()
                        if (r.get("info") or {}).get("enabled"))
                if n != exp["enabled_rule_count"]:
                    why.append("%d enabled rules, expected %d" % (
                        n, exp["enabled_rule_count"]))
    return not why, "; ".join(why)


# ------------------------------------------------------------ detect

def detect_case(a, d):
    exp = json.load(open(os.path.join(d, "expect.json")))
    if not a.shared:
        return None, "needs --shared"
    opts = exp.get("options", {})
    ev = exp["events"]
    sub = "captures" if ev.endswith(".scap") else "events"
    evpath = os.path.join(a.shared, "conformance", sub, ev)
    argv = [a.vigil, "run", "--format", "json"] + run_flags(opts)
    argv += ["--rules"] + case_files(a, d, exp) + ["--", evpath]
    rc, out, err = run(argv, env=opts.get("env"))
    why = []
    if rc != exp.get("exit_code", 0):
        return False, "rc=%d %s" % (rc, err.strip()[-200:])
    alerts, bad = json_lines(out)
    if bad is not None:
        return False, "stdout line is not JSON: %r" % bad[:80]
    why += alert_misses(exp, alerts)
    for rx in exp.get("stdout_regex", []):
        if not re.search(rx, out, re.M):
            why.append("stdout does not match %r" % rx)
    for rx in exp.get("stderr_regex", []):
        if not re.search(rx, err, re.M):
            why.append("stderr does not match %r" % rx)
    return not why, "; ".join(why)


# ------------------------------------------------------------ conditions

def expr(a, cond, flags=()):
    return run([a.vigil, "expr"] + list(flags) + ["-"],
               stdin=cond.encode("utf-8", "surrogateescape"))


def parse_row(a, r):
    r += [""] * (6 - len(r))
    cond, result, expected, stage, extra = r[:5]
    variants = cond_variants(cond, extra)
    flags = ["--parse-only"] if stage == "parse" else []
    for v in variants:
        rc, out, err = expr(a, v, flags)
        if rc not in (0, 1):
            return False, "rc=%d %s" % (rc, err.strip()[:160])
        if (rc == 0) != (result == "ok"):
            return False, "rc=%d out=%r err=%r" % (rc, out.strip()[:80],
                                                   err.strip()[:160])
        if result == "ok" and extra in ("canonical", "ast") and expected \
                and out.strip() != expected:
            return False, "printed %r, expected %r" % (out.strip(), expected)
        if result == "error" and expected and expected not in err:
            return False, "error %r lacks %r" % (err.strip()[:160], expected)
        if result == "ok" and extra.startswith("warnings="):
            want = int(extra.split("=")[1])
            got = err.count("warning: LOAD_COMPILE_CONDITION")
            if got != want:
                return False, "%d warnings, expected %d: %r" % (
                    got, want, err.strip()[:160])
    return True, ""


FIELD_RE = re.compile(r"[a-z][a-z0-9_]*\.[a-z0-9_.]+(\[[^\]]*\])?")


def ops_row(a, r):
    r += [""] * (7 - len(r))
    ftype, field, left, op, right, expected, cond = r[:7]
    m = FIELD_RE.search(field)
    value = left
    ends = re.match(r"client (\S+), server (\S+)$", left)
    raw = re.match(r"\d+ bytes ((?:[0-9a-f]{2} ?)+)\(", left)
    if left.startswith("{"):  # several fields: their values as a map
        fields = json.loads(left)
        rc, out, err = expr(a, cond, ["--fields", json.dumps(fields)])
        ok = rc == 0 and out.strip() == expected
        return ok, "" if ok else "got rc=%d %r %r" % (
            rc, out.strip()[:40], err.strip()[:160])
    if ends:  # fd.ip / fd.net match either endpoint: both values
        value = [ends.group(1), ends.group(2)]
    elif raw:  # a byte buffer stated as its bytes
        b = bytes.fromhex(raw.group(1))
        if b"\0" in b:
            return None, "NUL bytes cannot be given through --fields"
        value = b.decode("latin-1")
    rc, out, err = expr(a, cond, ["--fields", json.dumps({m.group(0): value})])
    ok = rc == 0 and out.strip() == expected
    return ok, "" if ok else "got rc=%d %r %r" % (rc, out.strip()[:40],
                                                    err.strip()[:160])


def all_event_names(a):
    """Every event type name, from SHARED/spec/events.tsv."""
    if not a.shared:
        return set()
    path = os.path.join(a.shared, "spec", "events.tsv")
    names = set()
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            row = line.rstrip("\n").split("\t")
            if len(row) > 2 and row[0].isdigit():
                names.add(row[2])
    return names


def evttype_row(a, r):
    cond, want = r[0], r[1]
    flags = ["--evttypes", "--parse-only"]
    rc, out, err = expr(a, cond, flags)
    if want == "error":
        return rc == 1, "rc=%d out=%r" % (rc, out.strip()[:80])
    if want == "no-error":
        return rc == 0, "rc=%d %s" % (rc, err.strip()[:160])
    if rc != 0:
        return False, "rc=%d %s" % (rc, err.strip()[:160])
    got = out.strip()
    if want.startswith("same-as:"):
        rc2, out2, _ = expr(a, want[len("same-as:"):], flags)
        ok = rc2 == 0 and set(out2.strip().split(",")) == set(got.split(","))
        return ok, "%r vs %r" % (got[:80], out2.strip()[:80])
    if want in ("all", "none"):
        return got == want, "got %r" % got[:120]
    if want.startswith("all-except:"):
        names = all_event_names(a)
        if not names:
            return None, "needs --shared (spec/events.tsv)"
        exp = names - set(want[len("all-except:"):].split(","))
        return set(got.split(",")) == exp, "got %r" % got[:120]
    return set(got.split(",")) == set(want.split(",")), "got %r" % got[:120]


def value_print(a, raw):
    """vigil's printing of a string value, through `a.b = "..."` with every
    byte written as a \\xHH escape (so the value is exactly raw)."""
    q = "".join("\\x%02x" % ord(c) for c in raw)
    rc, out, _ = expr(a, 'a.b = "%s"' % q, ["--parse-only"])
    out = out.rstrip("\n")
    return out[len("a.b = "):] if rc == 0 and out.startswith("a.b = ") \
        else None


def escaping_row(a, r):
    fn, inp, want = r[0], r[1], r[2]
    if fn == "escape":
        got = value_print(a, inp)
        return got == want, "printed %r, expected %r" % (got, want)
    if fn == "unescape":
        rc, out, err = expr(a, "a.b = " + inp, ["--parse-only"])
        if want == "error":
            return rc == 1, "rc=%d out=%r" % (rc, out.strip())
        got = out.rstrip("\n")[len("a.b = "):] if rc == 0 else None
        exp = value_print(a, want)
        return got is not None and got == exp, "%r vs %r" % (got, exp)
    # roundtrip: the printed form read back prints the same
    p1 = value_print(a, inp)
    if p1 is None:
        return False, "cannot print %r" % inp
    rc, out, _ = expr(a, "a.b = " + p1, ["--parse-only"])
    got = out.rstrip("\n")[len("a.b = "):] if rc == 0 else None
    return got == value_print(a, want), "%r read back as %r" % (p1, got)


def warning_row(a, r):
    rc, out, err = expr(a, r[0])
    warned = "warning: LOAD_UNSAFE_NA_CHECK" in err or \
        "warning: LOAD_DEPRECATED_ITEM" in err
    ok = rc in (0, 1) and warned == (r[1] == "warns")
    return ok, "rc=%d err=%r" % (rc, err.strip()[:160])


# ------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--shared")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--case", help="substring filter on case names/rows")
    a = ap.parse_args()
    if a.shared and not os.path.isdir(os.path.join(a.shared, "conformance")):
        a.shared = None
    xfail = load_xfail()
    total_fail = 0
    groups = []
    for group, fn in (("loader", loader_case), ("detect", detect_case)):
        root = os.path.join(HERE, group)
        items = []
        for c in sorted(os.listdir(root)) if os.path.isdir(root) else []:
            if a.case and a.case not in c:
                continue
            d = os.path.join(root, c)
            if os.path.isfile(os.path.join(d, "expect.json")):
                items.append((group + "/" + c, lambda d=d, fn=fn: fn(a, d)))
        groups.append((group, items))
    for name, fn, width in (("parse.tsv", parse_row, 6),
                            ("ops.tsv", ops_row, 7),
                            ("evttypes.tsv", evttype_row, 2),
                            ("escaping.tsv", escaping_row, 3),
                            ("warnings.tsv", warning_row, 2)):
        items = []
        for n, r in tsv_rows(name):
            key = "%s:%d" % (name, n)
            if a.case and a.case not in key and a.case not in r[0]:
                continue
            items.append((key, lambda r=r, fn=fn: fn(a, list(r))))
        groups.append((name, items))
    for group, items in groups:
        p = f = s = xf = 0
        for key, call in items:
            ok, why = call()
            if ok is None:
                s += 1
            elif key in xfail:
                if ok:
                    f += 1
                    print("  XPASS %s: listed in xfail.txt but passes" % key)
                else:
                    xf += 1
                    if a.verbose:
                        print("  XFAIL %s: %s" % (key, xfail[key][:200]))
            elif ok:
                p += 1
            else:
                f += 1
                print("  FAIL %s: %s" % (key, why[:500]))
        total_fail += f
        print("%-13s %3d passed %3d failed %3d skipped %3d xfail" % (
            group, p, f, s, xf))
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main())
