#!/usr/bin/env bash
# tests/run-tests.sh — the README's test command and the body of .ci/run:
# installs what is missing, then configures, builds and runs CTest twice —
# a normal build (warnings as errors) and an ASan+UBSan build.  Benchmarks
# (label bench) are not part of this run; tests/bench/run does them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash docker/deps.sh test

jobs=$(nproc 2>/dev/null || echo 2)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_suite() {
  local dir=$1; shift
  echo "== configure $dir ($*)"
  cmake -S . -B "$dir" -DDAST_WERROR=ON "$@" >/dev/null
  echo "== build $dir"
  cmake --build "$dir" -j "$jobs" 2>&1 | grep -E 'warning|error|Error' || true
  cmake --build "$dir" -j "$jobs" >/dev/null
  echo "== test $dir"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" -LE 'bench' ${DAST_CTEST_ARGS:-})
}

run_suite build
run_suite build-asan -DDASTGATE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
echo "== all test suites passed"
