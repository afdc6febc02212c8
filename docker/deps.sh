#!/usr/bin/env bash
# docker/deps.sh — the one list of Debian packages dastgate needs, used by
# the README's commands, by .ci/run (through tests/run-tests.sh) and by
# docker/Dockerfile, so they cannot drift (tests/integration checks that the
# Dockerfile calls this script).
#
#   bash docker/deps.sh build     # compilers and -dev packages
#   bash docker/deps.sh test      # build + what the tests use
#   bash docker/deps.sh runtime   # shared libraries only (slim image)
#   bash docker/deps.sh --print build   # just print the list
set -euo pipefail

BUILD_PKGS="build-essential cmake pkg-config libcurl4-openssl-dev libevent-dev libxml2-dev libpcre2-dev libjansson-dev libsqlite3-dev libyaml-dev libmimalloc-dev"
# node and npm come with the machine image (tests that need them skip without them)
TEST_PKGS="libxml2-utils clang libclang-rt-14-dev valgrind cppcheck clang-tidy sqlite3 curl time chromium"
BENCH_PKGS="nginx-light wrk"
RUNTIME_PKGS="ca-certificates libcurl4 libevent-2.1-7 libevent-pthreads-2.1-7 libxml2 libpcre2-8-0 libjansson4 libsqlite3-0 libyaml-0-2 libmimalloc2.0"

print=0
if [ "${1:-}" = "--print" ]; then print=1; shift; fi
case "${1:-build}" in
  build) pkgs="$BUILD_PKGS" ;;
  test) pkgs="$BUILD_PKGS $TEST_PKGS" ;;
  bench) pkgs="$BUILD_PKGS $TEST_PKGS $BENCH_PKGS" ;;
  runtime) pkgs="$RUNTIME_PKGS" ;;
  *) echo "docker/deps.sh: unknown set '$1' (build|test|bench|runtime)" >&2; exit 3 ;;
esac
if [ "$print" = 1 ]; then echo "$pkgs"; exit 0; fi

missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
missing=$(echo $missing)
if [ -z "$missing" ]; then exit 0; fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "docker/deps.sh: need root (or sudo) to install: $missing" >&2; exit 2
  fi
fi
echo "== installing Debian packages: $missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
