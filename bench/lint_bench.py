#!/usr/bin/env python3
"""Benchmark of `vigil lint`: wall time and peak memory.

Inputs: Falco's stable + incubating + sandbox packs (from --corpus, default
../shared/corpus/rules), and the same three packs made 10x larger by
replicating every list, macro and rule under new names (references renamed
consistently), written to a temporary folder. Each input is linted --runs
times; the table shows the median wall time and the peak resident memory.

  bench/lint_bench.py [--vigil build/vigil] [--corpus DIR] [--runs 9]
"""
import argparse, os, re, resource, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PACKS = ["falco/falco_rules.yaml", "falco/falco-incubating_rules.yaml",
         "falco/falco-sandbox_rules.yaml"]
ITEM = re.compile(r"^(\s*-\s*(?:list|macro|rule):\s*)(.+?)\s*$")


def event_names():
    """Event and system-call names: macros named like one ('dup') are not
    renamed, since the same word appears as an evt.type value."""
    names = set()
    for f, col in (("plugin/sources/data/events.txt", 1),
                   ("plugin/sources/data/syscalls.txt", 1)):
        for line in open(os.path.join(TOP, f)):
            if line.startswith("#"):
                continue
            cells = line.rstrip("\n").split("\t")
            if len(cells) > col:
                names.add(cells[col])
    return names


def scale(texts, copies):
    """One YAML text holding `copies` renamed copies of all items: every
    list, macro and rule gets a suffix per copy and every reference to a
    list or macro is renamed with it, so the result has `copies` times the
    items and the same structure. required_* items are kept once."""
    evnames = event_names()
    names = set()
    for t in texts:
        for line in t.splitlines():
            m = re.match(r"^\s*-\s*(?:list|macro):\s*(\S+)\s*$", line)
            if m and m.group(1) not in evnames:
                names.add(m.group(1))
    word = re.compile(r"(?<![A-Za-z0-9_.\-/])(" + "|".join(
        sorted(map(re.escape, names), key=len, reverse=True)) +
        r")(?![A-Za-z0-9_.\-/])")
    out = []
    for k in range(copies):
        suf = "_k%d" % k
        for t in texts:
            skip_indent = None
            for line in t.splitlines():
                stripped = line.lstrip()
                indent = len(line) - len(stripped)
                if skip_indent is not None:
                    if stripped and (indent < skip_indent or
                                     (indent == skip_indent and
                                      stripped.startswith("- "))):
                        skip_indent = None
                    else:
                        continue
                if k and stripped.startswith(("- required_engine_version",
                                              "- required_plugin_versions")):
                    skip_indent = indent
                    continue
                m = ITEM.match(line)
                if m and m.group(2) in evnames:
                    out.append(line)
                elif m:
                    out.append(m.group(1) + m.group(2) + suf)
                else:
                    out.append(word.sub(lambda mm: mm.group(1) + suf, line))
            out.append("")
    return "\n".join(out) + "\n"


def measure(argv, runs):
    """Median wall and CPU (user+system) milliseconds, peak RSS MiB."""
    walls, cpus, rss = [], [], 0
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(argv, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
        if p.returncode not in (0, 1):
            sys.exit("lint failed (%d): %s" % (p.returncode, p.stderr[-400:]))
        rss = max(rss, r1.ru_maxrss)
    return (statistics.median(walls) * 1000, statistics.median(cpus) * 1000,
            rss / 1024.0, p.returncode)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vigil", default=os.path.join(TOP, "build", "vigil"))
    ap.add_argument("--corpus", default=os.path.join(TOP, "..", "shared",
                                                     "corpus", "rules"))
    ap.add_argument("--runs", type=int, default=9)
    a = ap.parse_args()
    files = [os.path.join(a.corpus, p) for p in PACKS]
    if not all(os.path.exists(f) for f in files):
        sys.exit("corpus not found under %s" % a.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, "falco_x10.yaml")
        with open(big, "w") as f:
            f.write(scale([open(x).read() for x in files], 10))
        rows = [("stable+incubating+sandbox", files),
                ("same, 10x larger (one file)", [big])]
        print("%-30s %6s %10s %10s %13s %5s" % ("input", "KiB", "wall ms",
                                               "cpu ms", "peak RSS MiB",
                                               "exit"))
        for label, fl in rows:
            kib = sum(os.path.getsize(x) for x in fl) / 1024.0
            # getrusage(CHILDREN) keeps the maximum over all children so far:
            # measure each input in a fresh process to isolate its peak.
            code = ("import sys,resource,subprocess,time,statistics,json\n"
                    "import importlib.util\n"
                    "spec=importlib.util.spec_from_file_location('b',%r)\n"
                    "b=importlib.util.module_from_spec(spec);spec.loader.exec_module(b)\n"
                    "print(json.dumps(b.measure(%r,%d)))\n") % (
                        os.path.abspath(__file__),
                        [a.vigil, "lint", "--format", "json"] + fl, a.runs)
            out = subprocess.run([sys.executable, "-c", code],
                                 capture_output=True, text=True)
            if out.returncode:
                sys.exit(out.stderr)
            ms, cpu, mib, rc = __import__("json").loads(out.stdout)
            print("%-30s %6.0f %10.1f %10.1f %13.1f %5d" % (label, kib, ms,
                                                            cpu, mib, rc))
        print("(medians of %d runs; wall time suffers from other load on "
              "the machine, CPU time much less)" % a.runs)


if __name__ == "__main__":
    main()
