#!/usr/bin/env python3
"""Conformance runner for `vigil run` over conformance/detect/.

Runs every detect case exactly as the scoreboard's check_detect does (same
arguments, same checks) and fails when any countable case fails. Cases the
scoreboard skips (output-format cases, nothing countable) are skipped here
too. Exit 77 when the conformance data is absent.

usage: run_detect.py --vigil PATH --shared DIR [--verbose] [--only CASE,...]
"""
import argparse
import json
import os
import sys

import vgcase
from vgcase import alert_misses, case_files, json_lines, run, run_flags


def data(conf, sub, name):
    return os.path.join(conf, sub, name)


def detect_case(vigil, conf, d):
    exp = json.load(open(os.path.join(d, "expect.json")))
    opts = exp.get("options", {})
    if opts.get("append_output") or "stdout_contains_lines_of" in exp:
        return None, "output-format case"
    checks = [k for k in ("detect", "detect_total", "detect_counts",
                          "detect_level", "detect_level_absent") if k in exp]
    if not checks:
        return None, "nothing countable"
    ev = exp["events"]
    evpath = data(conf, "captures" if ev.endswith(".scap") else "events", ev)
    argv = [vigil, "run", "--format", "json"] + run_flags(opts)
    argv += ["--rules"] + case_files(conf, d, exp) + ["--", evpath]
    rc, out, err = run(argv, env=opts.get("env"))
    if rc != 0:
        return False, "rc=%d %s" % (rc, err.strip()[-200:])
    alerts, bad = json_lines(out)
    if bad is not None:
        return False, "stdout line is not JSON: %r" % bad[:80]
    why = alert_misses(exp, alerts)
    return not why, "; ".join(why)


def load_xfail():
    """Cases whose expectation contradicts their own inputs (see
    detect_xfail.txt): name -> reason. A listed case that passes fails the
    run (XPASS), so the list cannot go stale."""
    return vgcase.load_xfail(os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "detect_xfail.txt"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("--only")
    args = ap.parse_args()
    conf = os.path.join(args.shared, "conformance")
    root = os.path.join(conf, "detect")
    if not os.path.isdir(root) or not os.path.exists(args.vigil):
        print("no detect cases or no vigil binary: skipped")
        return 77
    only = set(args.only.split(",")) if args.only else None
    xfail = load_xfail()
    p = f = s = x = 0
    for c in sorted(os.listdir(root)):
        d = os.path.join(root, c)
        if not os.path.isfile(os.path.join(d, "expect.json")):
            continue
        if only and c not in only:
            continue
        ok, why = detect_case(args.vigil, conf, d)
        if ok is None:
            s += 1
            if args.verbose:
                print("SKIP %s: %s" % (c, why))
        elif ok and c in xfail:
            f += 1
            print("FAIL %s: XPASS: listed in detect_xfail.txt but passes" % c)
        elif ok:
            p += 1
            if args.verbose:
                print("PASS %s" % c)
        elif c in xfail:
            x += 1
            print("XFAIL %s: %s (%s)" % (c, why[:200], xfail[c][:300]))
        else:
            f += 1
            print("FAIL %s: %s" % (c, why[:400]))
    print("detect: %d/%d cases pass (%d skipped, %d known-inconsistent)" %
          (p, p + f + x, s, x))
    return 0 if f == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
