#!/usr/bin/env python3
"""vigil run with all Falco rules vs Debian's sysdig with none, same capture.

Generates a large synthetic capture once with vigil-capgen (cached in a
temporary directory, keyed by the generator binary and its options), then
alternates timed runs of

  vigil run --rules falco_rules.yaml --rules falco-incubating_rules.yaml
            --rules falco-sandbox_rules.yaml CAPTURE
  sysdig -r CAPTURE "evt.num=0"     (libsinsp reads and tracks state,
                                     evaluates a filter that never matches)

and prints the medians of wall time, events per second (event blocks in
the file / wall time, the same numerator for both) and peak RSS, and the
ratio vigil/sysdig of the median wall times (target: <= 1.0).

  python3 tools/capgen/bench_vs_sysdig.py [--build build] [--events 4000000]
      [--seed 1] [--runs 5] [--exit-only] [--gzip N] [--capture FILE]
      [--rules-dir DIR] [--sysdig /usr/bin/sysdig] [--json OUT] [--check]
      [--callgrind N]

With --callgrind N (no timing), `vigil run` runs under valgrind's callgrind
on two captures of the same seed, 1000 and N event blocks, and the script
prints the instructions of the start (rules compiled, 1000 blocks read)
and the instructions per event block beyond them: counts that do not move
with the machine's load, for comparing changes.

If `vigil run` is not available in the build (the placeholder exits 2), only
the sysdig half is measured and the report says so. With --check the exit
status is 1 when the ratio is above 1.0.
"""
import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
PACKS = ["falco_rules.yaml", "falco-incubating_rules.yaml",
         "falco-sandbox_rules.yaml"]


def build_capgen(build, cache):
    """build/vigil-capgen, or a copy compiled from tools/capgen/main.c and
    the static libraries when the CMake target is not wired in yet."""
    exe = os.path.join(build, "vigil-capgen")
    if os.path.exists(exe):
        return exe
    libs = [os.path.join(build, "libvigil_sources.a"),
            os.path.join(build, "libvigil_vm.a")]
    if not all(os.path.exists(l) for l in libs):
        sys.exit("no %s and no static libraries to build it from" % exe)
    exe = os.path.join(cache, "vigil-capgen")
    cmd = ["cc", "-O2", "-std=c11", "-o", exe,
           os.path.join(ROOT, "tools", "capgen", "main.c"),
           "-I", os.path.join(ROOT, "plugin"),
           "-I", os.path.join(ROOT, "include")] + libs + ["-lz", "-lm"]
    subprocess.run(cmd, check=True)
    return exe


def file_key(path):
    h = hashlib.sha1()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()[:12]


def make_capture(capgen, args, cache):
    opts = ["-n", str(args.events), "-s", str(args.seed),
            "-z", str(args.gzip)]
    if args.exit_only:
        opts.append("--exit-only")
    key = hashlib.sha1((file_key(capgen) + " ".join(opts)).encode())
    cap = os.path.join(cache, "capgen-%s.scap" % key.hexdigest()[:16])
    meta = cap + ".json"
    if os.path.exists(cap) and os.path.exists(meta):
        with open(meta) as f:
            return cap, json.load(f)
    t0 = time.monotonic()
    p = subprocess.run([capgen] + opts + [cap + ".tmp"], check=True,
                       stderr=subprocess.PIPE, text=True)
    dt = time.monotonic() - t0
    os.replace(cap + ".tmp", cap)
    info = {"events": args.events, "seed": args.seed, "options": opts,
            "bytes": os.path.getsize(cap), "generate_s": round(dt, 3),
            "summary": p.stderr.strip()}
    with open(meta, "w") as f:
        json.dump(info, f)
    return cap, info


def count_blocks(path):
    """Event blocks in a plain or gzip capture (for --capture files)."""
    import gzip
    import struct
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    n = 0
    with opener(path, "rb") as f:
        while True:
            h = f.read(8)
            if len(h) < 8:
                break
            bt, bl = struct.unpack("<II", h)
            if bt in (0x204, 0x208, 0x216, 0x217, 0x221, 0x222,
                      0x8010ABCD):
                n += 1
            f.seek(bl - 8, 1)
    return n


def measure(argv, ok=(0,)):
    """Wall time (s), peak RSS (KiB), stderr text of one child."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.monotonic() - t0
    rc = os.waitstatus_to_exitcode(status)
    if rc not in ok:
        sys.exit("failed (%d): %s\n%s" % (rc, " ".join(argv),
                                          err.decode()[-800:]))
    return dt, ru.ru_maxrss, err.decode("utf-8", "replace")


def callgrind_ir(argv):
    """Instructions callgrind counts for one run of argv."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        subprocess.run(["valgrind", "--tool=callgrind",
                        "--callgrind-out-file=" + out] + argv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        with open(out, errors="replace") as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    return int(line.split()[1])
    sys.exit("no instruction total in the callgrind output")


def callgrind_report(args, vigil, rules):
    """Start-up instructions and instructions per event block."""
    capgen = build_capgen(args.build, args.cache_dir)
    small = argparse.Namespace(**vars(args))
    small.events = 1000
    big = argparse.Namespace(**vars(args))
    big.events = args.callgrind
    cap_s, _ = make_capture(capgen, small, args.cache_dir)
    cap_b, _ = make_capture(capgen, big, args.cache_dir)
    ir_s = callgrind_ir([vigil, "run"] + rules + [cap_s])
    ir_b = callgrind_ir([vigil, "run"] + rules + [cap_b])
    per = (ir_b - ir_s) / float(args.callgrind - 1000)
    print("callgrind: start %.1f M instructions (rules + 1000 blocks); "
          "%.1f instructions per event block (%d blocks)" %
          (ir_s / 1e6, per, args.callgrind))
    return 0


def vigil_run_available(vigil):
    try:
        p = subprocess.run([vigil, "run", "--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    except OSError:
        return False
    out = p.stdout + p.stderr
    if "not available" in out:  # the placeholder before `vigil run` landed
        return False
    return p.returncode == 0 or "usage" in out.lower()


def main():
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--vigil")
    ap.add_argument("--sysdig", default="/usr/bin/sysdig")
    ap.add_argument("--rules-dir",
                    default="/work/shared/corpus/rules/falco")
    ap.add_argument("--events", type=int, default=4000000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gzip", type=int, default=0)
    ap.add_argument("--exit-only", action="store_true")
    ap.add_argument("--capture", help="use this capture instead")
    ap.add_argument("--cache-dir",
                    default=os.path.join(tempfile.gettempdir(),
                                         "vigil-bench-cache"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 when the ratio is above 1.0")
    ap.add_argument("--callgrind", type=int, metavar="N",
                    help="count instructions under callgrind instead")
    args = ap.parse_args()
    vigil = args.vigil or os.path.join(args.build, "vigil")
    os.makedirs(args.cache_dir, exist_ok=True)
    if args.callgrind:
        if args.callgrind <= 1000:
            sys.exit("--callgrind needs more than 1000 events")
        rules = []
        for p in PACKS:
            rules += ["--rules", os.path.join(args.rules_dir, p)]
        return callgrind_report(args, vigil, rules)

    if args.capture:
        cap = args.capture
        info = {"events": count_blocks(cap), "bytes": os.path.getsize(cap)}
    else:
        capgen = build_capgen(args.build, args.cache_dir)
        cap, info = make_capture(capgen, args, args.cache_dir)
    nev = info["events"]
    print("capture: %s\n  %d event blocks, %.1f MB%s" %
          (cap, nev, info["bytes"] / 1e6,
           ("\n  " + info["summary"]) if info.get("summary") else ""))

    have_vigil = os.path.exists(vigil) and vigil_run_available(vigil)
    have_sysdig = os.path.exists(args.sysdig)
    rules = []
    for p in PACKS:
        rules += ["--rules", os.path.join(args.rules_dir, p)]
    cmds = {}
    if have_vigil:
        cmds["vigil"] = [vigil, "run"] + rules + [cap]
    if have_sysdig:
        cmds["sysdig"] = [args.sysdig, "-r", cap, "evt.num=0"]
    if not cmds:
        sys.exit("neither `vigil run` nor sysdig is available")
    if not have_vigil:
        print("note: `vigil run` is not available in %s: sysdig only"
              % vigil)

    # one untimed run each: page cache warm, rules files read once
    first_err = {}
    for name, argv in cmds.items():
        first_err[name] = measure(argv)[2]
    res = {name: [] for name in cmds}
    order = list(cmds)
    for i in range(args.runs):
        # alternate which tool goes first (ABBA) so drift hits both
        for name in (order if i % 2 == 0 else order[::-1]):
            dt, rss, _ = measure(cmds[name])
            res[name].append((dt, rss))

    out = {"capture": cap, "event_blocks": nev, "runs": args.runs,
           "tools": {}}
    print("\n%-8s %10s %14s %12s   (medians of %d alternating runs)" %
          ("tool", "wall s", "events/s", "peak RSS MB", args.runs))
    for name, rows in res.items():
        wall = statistics.median(r[0] for r in rows)
        rss = statistics.median(r[1] for r in rows)
        out["tools"][name] = {"wall_s": wall, "events_per_s": nev / wall,
                              "peak_rss_kib": rss,
                              "walls": [r[0] for r in rows]}
        print("%-8s %10.3f %14.0f %12.1f" % (name, wall, nev / wall,
                                             rss / 1024.0))
    ratio = None
    if "vigil" in res and "sysdig" in res:
        ratio = (out["tools"]["vigil"]["wall_s"] /
                 out["tools"]["sysdig"]["wall_s"])
        out["ratio"] = ratio
        print("\nratio vigil/sysdig (wall): %.3f  (target <= 1.0: %s)" %
              (ratio, "met" if ratio <= 1.0 else "NOT met"))
    if "vigil" in first_err:
        tail = [l for l in first_err["vigil"].splitlines()
                if not l.startswith("vigil run: warning")]
        print("\nvigil run summary (first run):\n  " +
              "\n  ".join(tail[-16:]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    if args.check and ratio is not None and ratio > 1.0:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
