#!/usr/bin/env python3
"""Loader conformance: drives `vigil lint` / `vigil describe` exactly as the
scoreboard's check_loader, check_corpus and check_describe do, over
SHARED/conformance/loader, SHARED/corpus/rules and SHARED/conformance/describe.

  run_loader.py --vigil build/vigil --shared ../shared [--verbose] [--only X]

Prints pass/fail counts per group; exit 1 on any failure, 77 when the
conformance folder is missing.
"""
import argparse, json, os, sys, time

import vgcase
from vgcase import append_output_flags, engine_flags, entry_matches, run

CORPUS_SETS = [
    ["falco/falco_rules.yaml"],
    ["falco/falco_rules.yaml", "falco/falco-incubating_rules.yaml"],
    ["falco/falco_rules.yaml", "falco/falco-incubating_rules.yaml",
     "falco/falco-sandbox_rules.yaml"],
    ["plugins/k8s_audit_rules.yaml"],
    ["plugins/aws_cloudtrail_rules.yaml"],
    ["plugins/okta_rules.yaml"],
]
DESCRIBE_SETS = ("events", "condition_fields", "macros", "lists",
                 "exception_names", "output_fields")


def lint_json(vigil, files, extra=()):
    rc, out, err = run([vigil, "lint", "--format", "json"] + list(extra) +
                       list(files))
    try:
        return rc, json.loads(out)["falco_load_results"], err
    except (ValueError, KeyError, TypeError):
        return rc, None, err


def loader_case(vigil, conf, d):
    exp = json.load(open(os.path.join(d, "expect.json")))
    opts = exp.get("options", {})
    if set(opts) - {"append_output"} or "ruleset_steps" in exp:
        return None, "engine options"
    files = [os.path.join(conf, "rules", f) for f in exp.get("shared_rules", [])]
    files += sorted(os.path.join(d, f) for f in os.listdir(d)
                    if f.endswith((".yaml", ".yml")))
    fl = engine_flags(exp) + append_output_flags(opts.get("append_output", []))
    rc, res, err = lint_json(vigil, files, fl)
    if res is None:
        return False, "no JSON result (rc=%d) %s" % (rc, err.strip()[:200])
    errors = [e for r in res for e in r.get("errors", [])]
    warns = [w for r in res for w in r.get("warnings", [])]
    valid = all(r.get("successful") for r in res) and rc == 0
    why = []
    if "valid" in exp and exp["valid"] != valid:
        why.append("valid=%s, expected %s" % (valid, exp["valid"]))
    if "schema_valid" in exp:
        # the case's own files (not shared rules) pass Falco's schema check;
        # a file whose check did not run has no schema_valid key
        own = [r for r in res if os.path.dirname(r.get("name", "")) == d.rstrip("/")]
        sv = all(r.get("schema_valid", True) for r in own)
        if sv != exp["schema_valid"]:
            why.append("schema_valid=%s, expected %s" % (sv, exp["schema_valid"]))
    if "plugin_requirements_ok" in exp and exp["plugin_requirements_ok"] != valid:
        why.append("plugin requirements accepted=%s" % valid)
    for w in exp.get("errors", []):
        if not any(entry_matches(w, g) for g in errors):
            why.append("missing error %s" % json.dumps(w, sort_keys=True))
    for w in exp.get("warnings", []):
        if not any(entry_matches(w, g) for g in warns):
            why.append("missing warning %s" % json.dumps(w, sort_keys=True))
    if "error_count" in exp and exp["error_count"] != len(errors):
        why.append("%d errors, expected %d" % (len(errors), exp["error_count"]))
    if "warning_count" in exp and exp["warning_count"] != len(warns):
        why.append("%d warnings, expected %d" % (len(warns), exp["warning_count"]))
    if "has_warnings" in exp and exp["has_warnings"] != bool(warns):
        why.append("warnings present=%s" % bool(warns))
    # entries are texts or, in some cases, entry patterns
    # (the scoreboard expects texts only)
    for key, got in (("errors_absent", errors), ("warnings_absent", warns)):
        for t in exp.get(key, []):
            if isinstance(t, dict):
                hit = any(entry_matches(t, g) for g in got)
            else:
                hit = any(t in g.get("message", "") for g in got)
            if hit:
                why.append("%s: %r present" % (key, t))
    fx = exp.get("falco_exact")
    if fx:
        for key, got in (("errors", errors), ("warnings", warns)):
            want_codes = sorted(e["code"] for e in fx[key])
            got_codes = sorted(g.get("code", "") for g in got)
            if want_codes != got_codes:
                why.append("%s codes %s, Falco reports %s" % (key, got_codes, want_codes))
    if "files_ok" in exp:
        by = {os.path.basename(r.get("name", "")): r for r in res}
        for f in exp["files_ok"]:
            r = by.get(f)
            if not r or not r.get("successful"):
                why.append("file %s should validate" % f)
    want_c = exp.get("compiled_conditions", {})
    want_o = exp.get("compiled_outputs", {})
    want_x = exp.get("compiled_extra_fields", {})
    if (want_c or want_o or want_x) and valid:
        rc2, out, err2 = run([vigil, "describe", "--format", "json"] + fl + files)
        try:
            rules = {r["info"]["name"]: r for r in json.loads(out).get("rules", [])}
        except (ValueError, KeyError, TypeError):
            rules = None
            why.append("no JSON rule description (rc=%d)" % rc2)
        if rules is not None:
            for name, want in want_c.items():
                got = ((rules.get(name) or {}).get("details") or {}).get("condition_compiled")
                if got != want:
                    why.append("condition_compiled of %r: %r, expected %r" % (name, got, want))
            for name, want in want_o.items():
                got = ((rules.get(name) or {}).get("details") or {}).get("output_compiled")
                if got != want:
                    why.append("output_compiled of %r: %r, expected %r" % (name, got, want))
            for name, want in want_x.items():
                got = ((rules.get(name) or {}).get("details") or {}).get(
                    "extra_output_formatted_fields", {})
                if got != want:
                    why.append("extra_output_formatted_fields of %r: %r, expected %r"
                               % (name, got, want))
    return not why, "; ".join(why)


def load_xfail():
    """Known data problems (see loader_xfail.txt): name -> reason."""
    return vgcase.load_xfail(os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "loader_xfail.txt"))


def check_loader(a, conf):
    root = os.path.join(conf, "loader")
    p = f = s = xf = 0
    fails = []
    xfail = load_xfail()
    for c in sorted(os.listdir(root)):
        d = os.path.join(root, c)
        if a.case and a.case not in c:
            continue
        if not os.path.isfile(os.path.join(d, "expect.json")):
            continue
        ok, why = loader_case(a.vigil, conf, d)
        if ok is None:
            s += 1
        elif ok and c in xfail:
            f += 1
            fails.append((c, "XPASS: listed in loader_xfail.txt but passes"))
        elif ok:
            p += 1
        elif c in xfail:
            xf += 1
            print("  XFAIL loader %s: %s" % (c, xfail[c][:300]))
        else:
            f += 1
            fails.append((c, why))
    for c, why in fails:
        print("  FAIL loader %s: %s" % (c, why[:600]))
    print("loader: %d/%d cases pass (%d skipped, %d known data problems)"
          % (p, p + f + xf, s, xf))
    return f == 0


def check_corpus(a, shared):
    base = os.path.join(shared, "corpus", "rules")
    if not os.path.isdir(base):
        print("corpus: skipped (no corpus)")
        return True
    good = 0
    notes = []
    for st in CORPUS_SETS:
        files = [os.path.join(base, f) for f in st]
        t0 = time.time()
        rc, res, err = lint_json(a.vigil, files)
        dt = (time.time() - t0) * 1000
        nerr = sum(len(r.get("errors", [])) for r in res) if res else -1
        if rc == 0 and res is not None and nerr == 0:
            good += 1
            notes.append("%s %.0fms" % (os.path.basename(st[-1]), dt))
        else:
            notes.append("%s FAIL(rc=%d errors=%s)" % (os.path.basename(st[-1]), rc, nerr))
            if a.verbose and res:
                for r in res:
                    for e in r.get("errors", []):
                        print("  corpus %s: %s %s" % (st[-1], e.get("code"), e.get("message", "")[:200]))
    print("corpus: %d/%d packs clean; %s" % (good, len(CORPUS_SETS), ", ".join(notes)))
    return good == len(CORPUS_SETS)


def check_describe(a, shared, conf):
    ddir = os.path.join(conf, "describe")
    if not os.path.isdir(ddir):
        print("describe: skipped")
        return True
    tot = good = 0
    bad = {}
    for f in sorted(os.listdir(ddir)):
        if not f.endswith(".json"):
            continue
        exp = json.load(open(os.path.join(ddir, f)))
        files = [os.path.join(shared, x) for x in exp["files"]]
        rc, out, err = run([a.vigil, "describe", "--format", "json"] + files)
        try:
            got = {r["info"]["name"]: r for r in json.loads(out)["rules"]}
        except (ValueError, KeyError, TypeError):
            got = {}
        for w in exp["describe"]["rules"]:
            tot += 1
            g = got.get(w["info"]["name"])
            why = []
            if g is None:
                why.append("missing")
            else:
                gd, wd = g.get("details") or {}, w["details"]
                for k in ("condition_compiled", "output_compiled"):
                    if gd.get(k) != wd.get(k):
                        why.append(k)
                for k in DESCRIBE_SETS:
                    if sorted(gd.get(k) or []) != sorted(wd.get(k) or []):
                        why.append(k)
            for k in why:
                bad[k] = bad.get(k, 0) + 1
            good += not why
            if why and a.verbose:
                print("  describe %s / %s: %s" % (f, w["info"]["name"], ", ".join(why)))
    fig = "describe: %d/%d rules described as falco -L does" % (good, tot)
    if bad:
        fig += "; differing: " + ", ".join("%s(%d)" % kv for kv in sorted(bad.items(), key=lambda kv: -kv[1]))
    print(fig)
    return tot > 0 and good == tot


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("--only", help="loader,corpus,describe")
    ap.add_argument("--case", help="substring filter for loader cases")
    a = ap.parse_args()
    conf = os.path.join(a.shared, "conformance")
    if not os.path.isdir(os.path.join(conf, "loader")):
        print("no conformance corpus at %s: skipped" % conf)
        return 77
    only = set(a.only.split(",")) if a.only else {"loader", "corpus", "describe"}
    ok = True
    if "loader" in only:
        ok &= check_loader(a, conf)
    if "corpus" in only:
        ok &= check_corpus(a, a.shared)
    if "describe" in only:
        ok &= check_describe(a, a.shared, conf)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
