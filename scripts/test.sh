#!/usr/bin/env bash
# The whole test suite: a release build with ctest, then the same suite
# under AddressSanitizer + UndefinedBehaviorSanitizer, then each fuzz target
# for a bounded time with clang/libFuzzer (VIGIL_FUZZ_SECONDS, default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
jobs=$(nproc)
stages=0

echo "== release build and tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"
stages=$((stages + 1))

echo "== ASan + UBSan build and tests"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DVIGIL_SANITIZE=ON
cmake --build build-asan -j"$jobs"
# The differential VM test runs 1M events in release; 100k under ASan.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
VIGIL_DIFF_EVENTS=${VIGIL_DIFF_EVENTS:-100000} \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"
stages=$((stages + 1))

if [ "${VIGIL_FUZZ_SECONDS:-30}" -gt 0 ] && command -v clang >/dev/null; then
  echo "== libFuzzer targets, ${VIGIL_FUZZ_SECONDS:-30}s each"
  CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DVIGIL_FUZZ=ON \
    -DVIGIL_TESTS=ON
  cmake --build build-fuzz -j"$jobs" --target vigil_fuzz_all
  ./tests/fuzz/run_fuzzers.sh build-fuzz "${VIGIL_FUZZ_SECONDS:-30}"
  stages=$((stages + 1))
fi
# Every stage that ran passed (set -e stops at the first failure).
echo "stages: $stages passed, 0 failed"
