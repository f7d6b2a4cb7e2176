#!/usr/bin/env python3
"""run_fields.py - compare `vigil dump` with libsinsp's field values.

For every capture with a conformance/fields/<capture>.txt, runs
`vigil dump -p "$(cat FORMAT)" CAPTURE` and compares the lines by evt.num.
Prints per-capture agreement and per-field disagreement counts. Exit 0 when
everything agrees, 1 otherwise, 77 when the conformance data is absent.
"""
import argparse
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--only")
    args = ap.parse_args()
    fdir = os.path.join(args.shared, "conformance", "fields")
    cdir = os.path.join(args.shared, "conformance", "captures")
    fmt_path = os.path.join(fdir, "FORMAT")
    if not os.path.exists(fmt_path) or not os.path.exists(args.vigil):
        print("conformance fields data or vigil binary missing: skipped")
        return 77
    fmt = open(fmt_path).read().strip()
    names = [t.lstrip("*%") for t in fmt.split("|")]
    tot = good = 0
    bad = {}
    for f in sorted(os.listdir(fdir)):
        if not f.endswith(".txt"):
            continue
        if args.only and args.only not in f:
            continue
        cap = os.path.join(cdir, f[:-4] + ".scap")
        want = {}
        with open(os.path.join(fdir, f), encoding="utf-8",
                  errors="replace") as fh:
            for line in fh:
                line = line.rstrip("\n")
                if "|" in line:
                    want[line.split("|", 1)[0]] = line.split("|")
        p = subprocess.run([args.vigil, "dump", "-p", fmt, cap],
                           capture_output=True, timeout=120)
        out = p.stdout.decode("utf-8", errors="replace")
        have = {}
        for line in out.splitlines():
            if "|" in line:
                have[line.split("|", 1)[0]] = line.split("|")
        nums = set(want) | set(have)
        g = 0
        fb = {}
        for n in nums:
            w, h = want.get(n), have.get(n)
            if w == h:
                g += 1
                continue
            for i, name in enumerate(names):
                if (w is None or h is None or i >= len(h) or i >= len(w)
                        or h[i] != w[i]):
                    fb[name] = fb.get(name, 0) + 1
                    bad[name] = bad.get(name, 0) + 1
        tot += len(nums)
        good += g
        worst = sorted(fb.items(), key=lambda kv: -kv[1])[:5]
        print("%-28s %5d/%-5d %s" % (f[:-4], g, len(nums),
              " ".join("%s(%d)" % kv for kv in worst)))
        if p.returncode != 0:
            print("  exit %d: %s" % (p.returncode,
                  p.stderr.decode(errors="replace").strip()[:300]))
    worst = sorted(bad.items(), key=lambda kv: -kv[1])
    print("total %d/%d events agree; per field: %s" % (
        good, tot, " ".join("%s(%d)" % kv for kv in worst) or "-"))
    return 0 if good == tot else 1


if __name__ == "__main__":
    sys.exit(main())
