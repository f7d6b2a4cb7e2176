#!/usr/bin/env python3
"""Golden test runner for `vigil lint` text diagnostics.

For every NAME.yaml in --dir: runs `vigil lint NAME.yaml` (text format) from
inside that folder, so file names in the output are relative, and compares
standard output plus the exit status with NAME.expected. With
VIGIL_UPDATE_GOLDEN=1 in the environment the expectations are rewritten.
A first line `# args: ...` in NAME.yaml gives the lint arguments instead,
`{}` standing for NAME.yaml (e.g. `# args: {} NAME_b.yaml` for two files).
"""
import argparse, difflib, os, subprocess, sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--dir", required=True)
    a = ap.parse_args()
    update = os.environ.get("VIGIL_UPDATE_GOLDEN") == "1"
    vigil = os.path.abspath(a.vigil)
    bad = 0
    n = 0
    for f in sorted(os.listdir(a.dir)):
        if not f.endswith(".yaml"):
            continue
        n += 1
        path = os.path.join(a.dir, f)
        args = [f]
        with open(path, encoding="utf-8", errors="replace") as fh:
            first = fh.readline()
        if first.startswith("# args:"):
            args = [f if x == "{}" else x
                    for x in first[len("# args:"):].split()]
        p = subprocess.run([vigil, "lint"] + args, cwd=a.dir,
                           capture_output=True, timeout=60)
        got = p.stdout.decode("utf-8", "replace") + "[exit %d]\n" % p.returncode
        exp_path = path[:-5] + ".expected"
        if update:
            with open(exp_path, "w", encoding="utf-8") as fh:
                fh.write(got)
            continue
        try:
            want = open(exp_path, encoding="utf-8").read()
        except OSError:
            print("MISSING %s" % exp_path)
            bad += 1
            continue
        if got != want:
            bad += 1
            print("FAIL %s" % f)
            sys.stdout.writelines(difflib.unified_diff(
                want.splitlines(True), got.splitlines(True),
                "expected", "got"))
    if update:
        print("updated %d golden files" % n)
        return 0
    print("%d/%d golden files match" % (n - bad, n))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
