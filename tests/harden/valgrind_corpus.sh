#!/usr/bin/env bash
# valgrind memcheck over the corpus: vigil lint, compile and run (captures
# and JSON events) must report no memory error and no leak. Registered in
# ctest for builds without sanitizers (valgrind and ASan do not mix).
# Usage: valgrind_corpus.sh VIGIL SHARED_DIR. Exit 77 = skipped.
set -u
vigil=$1
shared=$2
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 77; }
rules=$shared/corpus/rules
[ -d "$rules" ] || { echo "no corpus"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
vg=(valgrind --tool=memcheck --leak-check=full --error-exitcode=99 -q
    --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible)
fail=0
check() { # name, command...
  local name=$1
  shift
  "${vg[@]}" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ $rc -eq 99 ] || grep -q '^==[0-9]*==' "$work/err"; then
    echo "FAIL $name"
    grep '^==' "$work/err" | head -40
    fail=1
  else
    echo "ok   $name (exit $rc)"
  fi
}
falco=("$rules"/falco/falco_rules.yaml "$rules"/falco/falco-incubating_rules.yaml
       "$rules"/falco/falco-sandbox_rules.yaml)
check "lint falco" "$vigil" lint "${falco[@]}"
check "lint --format json plugins" "$vigil" lint --format json "$rules"/plugins
check "compile falco" "$vigil" compile -o "$work/falco.vpk" "${falco[@]}"
check "compile k8s" "$vigil" compile -o "$work/k8s.vpk" \
  "$rules"/plugins/k8s_audit_rules.yaml
caps=$(ls "$shared"/conformance/captures/*.scap 2>/dev/null | head -4)
events=$(ls "$shared"/conformance/events/*.json 2>/dev/null | head -20)
if [ -n "$caps" ]; then
  check "run pack over captures" "$vigil" run --pack "$work/falco.vpk" $caps
  check "run rules over a capture" "$vigil" run --format json \
    --rules "$rules"/falco/falco_rules.yaml $(echo $caps | cut -d' ' -f1)
fi
if [ -n "$events" ]; then
  check "run k8s pack over events" "$vigil" run --pack "$work/k8s.vpk" $events
fi
exit $fail
