#!/usr/bin/env bash
# tests/run-tests.sh — the README's test command and the body of .ci/run:
# installs what is missing, then configures, builds and runs CTest twice —
# a normal build (warnings as errors) and an ASan+UBSan build — and runs
# every libFuzzer target briefly in a clang fuzz build.  Benchmarks (label
# bench) are not part of this run: tests/bench/*.sh do them.
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
echo "== static analysis (clang-tidy, cppcheck, banned functions; fails on new warnings)"
bash tests/lint/run-analysis.sh build
run_suite build-asan -DDASTGATE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug

# every libFuzzer target briefly (label fuzz; ASan+UBSan; clang)
echo "== configure build-fuzz (clang, -DDAST_FUZZ=ON)"
CC=clang cmake -S . -B build-fuzz -DDAST_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
echo "== build build-fuzz"
cmake --build build-fuzz -j "$jobs" >/dev/null
echo "== fuzz build-fuzz"
(cd build-fuzz && ctest --output-on-failure -j "$jobs" -L fuzz)
echo "== all test suites passed"
