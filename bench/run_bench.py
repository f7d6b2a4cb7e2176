#!/usr/bin/env python3
"""Benchmark `vigil run` against sysdig on a large synthetic capture.

The capture is synthesised from a real one: its metadata blocks (section
header, machine info, process and fd lists) are kept once and its event
blocks are repeated until the requested number of events is reached, each
round shifted in time so timestamps keep increasing. No CMake needed:

  python3 bench/run_bench.py --vigil build/vigil [--events 2000000]
      [--seed-capture FILE.scap] [--capture OUT.scap] [--runs 5]
      [--rules-dir DIR] [--sysdig /usr/bin/sysdig]

For each of the three Falco packs (falco_rules.yaml, + incubating,
+ sandbox, loaded cumulatively as Falco loads them) it runs
`vigil run --rules ... -- CAPTURE` and, alternating with it,
`sysdig -r CAPTURE "evt.num=0"` (libsinsp reading and parsing every event
with a filter that matches none), and prints the median wall time, events
per second and peak resident memory of each. vigil's times include loading
and compiling the rules; a separate line gives that cost (a run over an
empty capture).
"""
import argparse
import gzip
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time

SHB = 0x0A0D0D0A
EVENT_BLOCKS = {0x204, 0x208, 0x216, 0x217, 0x221, 0x222}


def read_blocks(data):
    """Splits a capture into (type, bytes) blocks (little-endian files)."""
    out = []
    off = 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        if blen < 12 or off + blen > len(data):
            break
        out.append((btype, data[off:off + blen]))
        off += blen
    return out


def synthesise(seed, path, want):
    raw = open(seed, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    blocks = read_blocks(raw)
    first_ev = next((i for i, (t, _) in enumerate(blocks)
                     if t in EVENT_BLOCKS), None)
    if first_ev is None:
        sys.exit("seed capture has no events")
    head = [b for _, b in blocks[:first_ev]]
    evb = [(t, b) for t, b in blocks[first_ev:] if t in EVENT_BLOCKS]
    # an enter event left pending at the end of a round would be paired
    # with the next round's first exit of that thread: drop those
    pending = {}
    for i, (t, b) in enumerate(evb):
        off = 8 + 2 + (4 if t in (0x208, 0x217, 0x222) else 0)
        tid = struct.unpack_from("<q", b, off + 8)[0]
        etype = struct.unpack_from("<H", b, off + 20)[0]
        if etype % 2 == 0:
            pending[tid] = i
        else:
            pending.pop(tid, None)
    drop = set(pending.values())
    evb = [x for i, x in enumerate(evb) if i not in drop]
    evs = [b for _, b in evb]
    types = [t for t, _ in evb]
    ts = [struct.unpack_from("<Q", b, 8 + 2 + (4 if t in (0x208, 0x217, 0x222)
                                                else 0))[0]
          for (t, b) in evb]
    nz = [t for t in ts if t] or [0]
    span = (max(nz) - min(nz)) + 1000
    rounds = max(1, (want + len(evs) - 1) // len(evs))
    with open(path, "wb") as f:
        for b in head:
            f.write(b)
        for r in range(rounds):
            shift = r * span
            for t, b in zip(types, evs):
                tsoff = 8 + 2 + (4 if t in (0x208, 0x217, 0x222) else 0)
                old = struct.unpack_from("<Q", b, tsoff)[0]
                new = (old + shift) & 0xFFFFFFFFFFFFFFFF if old else 0
                f.write(b[:tsoff] + struct.pack("<Q", new)
                        + b[tsoff + 8:])
    return rounds * len(evs)


def measure(argv):
    """Wall time and peak RSS (KiB) of one child; stderr returned too."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    dt = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (p.returncode, " ".join(argv),
                                          err.decode()[-500:]))
    return dt, ru.ru_maxrss, err.decode("utf-8", "replace")


def events_read(err):
    for line in err.splitlines():
        if line.startswith("Events read:"):
            return int(line.split(":")[1])
    return None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vigil", default=os.path.join(here, "..", "build",
                                                    "vigil"))
    ap.add_argument("--sysdig", default="/usr/bin/sysdig")
    ap.add_argument("--shared", default="/work/shared")
    ap.add_argument("--rules-dir")
    ap.add_argument("--seed-capture")
    ap.add_argument("--capture", help="use (or write) this capture")
    ap.add_argument("--events", type=int, default=2000000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    rules_dir = args.rules_dir or os.path.join(args.shared, "corpus", "rules",
                                               "falco")
    seed = args.seed_capture or os.path.join(args.shared, "conformance",
                                             "captures", "ping_sendto.scap")
    empty = os.path.join(args.shared, "conformance", "captures", "empty.scap")
    tmp = None
    cap = args.capture
    if not cap or not os.path.exists(cap):
        if not cap:
            tmp = tempfile.NamedTemporaryFile(suffix=".scap", delete=False)
            cap = tmp.name
            tmp.close()
        n = synthesise(seed, cap, args.events)
        print("capture: %s, %d event blocks from %s (%.1f MB)"
              % (cap, n, os.path.basename(seed),
                 os.path.getsize(cap) / 1e6))
    packs = [["falco_rules.yaml"],
             ["falco_rules.yaml", "falco-incubating_rules.yaml"],
             ["falco_rules.yaml", "falco-incubating_rules.yaml",
              "falco-sandbox_rules.yaml"]]
    sysd = [args.sysdig, "-r", cap, "evt.num=0"]
    have_sysdig = os.path.exists(args.sysdig)
    print("%-44s %9s %12s %10s" % ("run (median of %d)" % args.runs,
                                   "seconds", "events/s", "peak MiB"))
    for pk in packs:
        files = [os.path.join(rules_dir, f) for f in pk]
        vig = [args.vigil, "run", "--rules"] + files + ["--", cap]
        vt, vm, st, sm = [], [], [], []
        nev = None
        for _ in range(args.runs):
            dt, rss, err = measure(vig)
            vt.append(dt)
            vm.append(rss)
            nev = events_read(err)
            if have_sysdig:
                dt, rss, _ = measure(sysd)
                st.append(dt)
                sm.append(rss)
        ct, _, _ = measure([args.vigil, "run", "--rules"] + files
                           + ["--", empty])
        name = "vigil run " + " + ".join(p.replace("_rules.yaml", "")
                                         for p in pk)
        med = statistics.median(vt)
        print("%-44s %9.3f %12.0f %10.1f" % (name, med,
                                             (nev or 0) / med,
                                             statistics.median(vm) / 1024))
        print("%-44s %9.3f" % ("  (of which loading the rules)", ct))
        if have_sysdig:
            med = statistics.median(st)
            print("%-44s %9.3f %12.0f %10.1f" % ("  sysdig -r CAP evt.num=0",
                                                 med, (nev or 0) / med,
                                                 statistics.median(sm) / 1024))
    if tmp:
        os.unlink(cap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
