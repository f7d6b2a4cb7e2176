#!/usr/bin/env bash
# Runs every libFuzzer binary of a VIGIL_FUZZ build for SECONDS each, on a
# scratch copy of its seeds (new inputs never land in the source tree).
# Usage: run_fuzzers.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=$1
secs=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
status=0
for bin in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  short=${name#fuzz_}
  work=$(mktemp -d)
  [ -d "$here/seeds/$short" ] && cp -r "$here/seeds/$short/." "$work/"
  dict=()
  [ -f "$here/$short.dict" ] && dict=(-dict="$here/$short.dict")
  echo "-- $name for ${secs}s"
  if ! "$bin" "${dict[@]}" -max_total_time="$secs" -rss_limit_mb=2048 \
       -timeout=10 -print_final_stats=1 -artifact_prefix="$work/" "$work" \
       2>"$work/log"; then
    tail -40 "$work/log"
    echo "$name: FAILED (artifacts in $work)"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$work/log" | tail -2
    rm -rf "$work"
  fi
done
exit $status
