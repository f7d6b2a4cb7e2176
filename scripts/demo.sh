#!/usr/bin/env bash
# vigil's main job on what the repository ships: lint the example rule pack
# (clean) and a deliberately broken file (a diagnostic with a caret), then
# evaluate the pack over a synthetic capture made by vigil-capgen (process
# trees, shells in containers, sensitive file opens, ...).
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null &&
  cmake --build build -j"$(nproc)" >/dev/null || exit 2
cap=$(mktemp --suffix=.scap)
trap 'rm -f "$cap"' EXIT
set -x
./build/vigil lint rules/
./build/vigil lint rules/examples/broken_rules.yaml
./build/vigil-capgen -n 200k -s 7 -q "$cap"
./build/vigil run --rules rules/ -- "$cap"
