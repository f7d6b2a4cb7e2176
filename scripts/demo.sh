#!/usr/bin/env bash
# vigil's main job on what the repository ships: lint the example rule pack
# (clean), then a deliberately broken file (a diagnostic with a caret).
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null &&
  cmake --build build -j"$(nproc)" >/dev/null || exit 2
set -x
./build/vigil lint rules/
./build/vigil lint rules/examples/broken_rules.yaml
{ set +x; } 2>/dev/null
echo "(the second lint is expected to report an error and exit 1)"
