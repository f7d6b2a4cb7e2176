"""vgcase.py - what the python conformance runners share: running vigil,
a case's rules files and engine options as command-line flags, matching
one expected load result entry, the options of a detect case and the
whitespace variants of a condition row.

Imported by tests/conformance/run_*.py (same folder) and by
tests/upstream/run_upstream.py (which puts this folder on sys.path). Not a
runner itself: the name does not match run_*.py, so ctest does not run it.
"""
import json
import os
import subprocess


def run(argv, stdin=None, env=None, timeout=60):
    """(exit code, stdout, stderr) of argv; env adds to the environment;
    a run over timeout seconds gives (124, "", "timeout")."""
    e = dict(os.environ)
    if env:
        e.update(env)
    try:
        p = subprocess.run(argv, input=stdin, capture_output=True,
                           timeout=timeout, env=e)
    except subprocess.TimeoutExpired:
        return 124, "", "timeout"
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def case_files(conf, d, exp):
    """A case's rules files: its shared_rules from CONF/rules, then its own
    .yaml/.yml files in name order."""
    files = [os.path.join(conf, "rules", f)
             for f in exp.get("shared_rules", [])]
    return files + sorted(os.path.join(d, f) for f in os.listdir(d)
                          if f.endswith((".yaml", ".yml")))


def entry_matches(want, got):
    """Whether one load result entry (error or warning) has everything an
    expected entry asks for."""
    if "code" in want and got.get("code") != want["code"]:
        return False
    msg = got.get("message", "")
    if "message" in want and msg.strip() != want["message"].strip():
        return False
    if "message_contains" in want and want["message_contains"] not in msg:
        return False
    ls = (got.get("context") or {}).get("locations") or []
    for k in ("item_type", "item_name"):
        if k in want and not any(l.get(k) == want[k] for l in ls):
            return False
    snip = (got.get("context") or {}).get("snippet", "")
    if "snippet_contains" in want and want["snippet_contains"] not in snip:
        return False
    if "snippet_not_contains" in want and \
            want["snippet_not_contains"] in snip:
        return False
    return True


def engine_flags(exp):
    """The case's engine sources and loaded plugins as lint/describe
    flags."""
    fl = []
    for s in exp.get("engine_sources", []):
        fl += ["--source", s]
    if "loaded_plugins" in exp:
        fl.append("--no-plugins")
        for p in exp["loaded_plugins"]:
            v = p.get("version")
            fl += ["--plugin", p["name"] + ("@" + v if v else "")]
    return fl


def append_output_flags(entries):
    """The engine's append_output list as Falco -o options: the list
    replaces the default one (index 0 first, then appended). extra_fields
    given as a map (engine API) become falco.yaml's list of one-key maps."""
    fl = []
    for i, e in enumerate(entries):
        e = dict(e)
        xf = e.get("extra_fields")
        if isinstance(xf, dict):
            e["extra_fields"] = [{k: v} for k, v in xf.items()]
        fl += ["-o", "append_output[%d]=%s" % (i, json.dumps(e))]
    return fl


def run_flags(opts):
    """A detect case's options as `vigil run` flags."""
    argv = []
    if opts.get("min_priority"):
        argv += ["--min-priority", opts["min_priority"]]
    for t in opts.get("disabled_tags", []):
        argv += ["--disable-tag", t]
    for t in opts.get("enabled_tags", []):
        argv += ["--enable-tag", t]
    for t in opts.get("disabled_rules", []):
        argv += ["--disable-rule", t]
    if opts.get("all_events"):
        argv.append("--all-events")
    for o in opts.get("config_overrides", []):
        argv += ["-o", o]
    return argv


def cond_variants(cond, extra):
    """A parse.tsv condition as the scoreboard tries it: repeated for
    repeat=N, with spaces, newlines and tabs around and between tokens for
    ws-variants."""
    if extra.startswith("repeat="):
        cond = cond * int(extra.split("=")[1])
    variants = [cond]
    if extra == "ws-variants":
        v = " " + cond + " "
        variants += [v, v.replace(" ", "\n"),
                     v.replace(" ", "\n").replace("\n", "\t")]
    return variants


def load_xfail(path):
    """An xfail list (NAME REASON a line, # comments): name -> reason; {}
    when the file is missing."""
    out = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#"):
                parts = line.split(None, 1)
                out[parts[0]] = parts[1] if len(parts) > 1 else ""
    return out


def json_lines(out):
    """The JSON documents of out, one a non-blank line: (docs, None), or
    (None, the first line that is not JSON)."""
    docs = []
    for line in out.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            docs.append(json.loads(line))
        except ValueError:
            return None, line
    return docs, None


def alert_misses(exp, alerts):
    """What alerts miss of a detect case's detect, detect_total,
    detect_counts, detect_level and detect_level_absent: a list of
    reasons (empty when none)."""
    why = []
    counts = {}
    for a in alerts:
        counts[a.get("rule")] = counts.get(a.get("rule"), 0) + 1
    if "detect" in exp and exp["detect"] != bool(alerts):
        why.append("%d alerts, expected detect=%s" % (len(alerts),
                                                      exp["detect"]))
    if "detect_total" in exp and exp["detect_total"] != len(alerts):
        why.append("%d alerts, expected %d" % (len(alerts),
                                               exp["detect_total"]))
    for rule, n in exp.get("detect_counts", {}).items():
        if counts.get(rule, 0) != n:
            why.append("%r fired %d, expected %d" % (rule,
                                                     counts.get(rule, 0), n))
    pris = [str(a.get("priority", "")).lower() for a in alerts]
    for lvl in exp.get("detect_level", []):
        if not any(lvl.lower() in x for x in pris):
            why.append("no alert at %s" % lvl)
    for lvl in exp.get("detect_level_absent", []):
        if any(lvl.lower() in x for x in pris):
            why.append("alert at %s" % lvl)
    return why
