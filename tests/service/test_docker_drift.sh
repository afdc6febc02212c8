#!/usr/bin/env bash
# tests/service/test_docker_drift.sh — no Docker engine runs on the build
# machines, so this checks docker/Dockerfile statically:
#   - two stages: build on debian:bookworm, run on debian:bookworm-slim;
#   - each stage COPYs docker/deps.sh and RUNs it (build set / runtime set),
#     and no stage installs packages by name any other way (apt-get/apt/dpkg/
#     pip/npm/apk, curl|sh);
#   - the runtime stage runs as a non-root user, ENTRYPOINT ["dastgate"],
#     has a HEALTHCHECK, sets DASTGATE_CHECKS_DIR and writes to /reports;
#   - deps.sh's runtime set has no compilers or -dev packages.
# Then it proves it can fail: mutated copies of the Dockerfile (deps.sh
# dropped, a package installed by name, root user) must be rejected.
#
# usage: test_docker_drift.sh [REPO_ROOT]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
dockerfile=$root/docker/Dockerfile
deps=$root/docker/deps.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Joins continuation lines and drops comments, one instruction per line.
instructions() {
  sed -e 's/[[:space:]]*#.*$//' "$1" | awk '
    { line = line $0 }
    /\\$/ { sub(/\\$/, " ", line); next }
    { if(line ~ /[^[:space:]]/) print line; line = "" }'
}

fail() { echo "  $*" >&2; return 1; }

# Checks one Dockerfile; prints why and returns 1 on the first violation.
check() {
  local f=$1 ins
  ins=$(instructions "$f")
  local froms
  froms=$(grep -ciE '^[[:space:]]*FROM[[:space:]]' <<<"$ins" || true)
  [ "$froms" = 2 ] || { fail "expected 2 stages (build, runtime), found $froms"; return 1; }
  grep -qiE '^[[:space:]]*FROM[[:space:]]+debian:bookworm[[:space:]]+AS[[:space:]]+build' <<<"$ins" ||
    { fail "first stage must be 'FROM debian:bookworm AS build'"; return 1; }
  # split into stages
  awk -v dir="$tmp" 'BEGIN{n=0} toupper($1)=="FROM"{n++} {print > (dir "/stage" n)}' <<<"$ins"
  grep -qiE '^[[:space:]]*FROM[[:space:]]+debian:bookworm-slim' "$tmp/stage2" ||
    { fail "runtime stage must be FROM debian:bookworm-slim"; return 1; }
  local n set
  for n in 1 2; do
    set=$([ $n = 1 ] && echo build || echo runtime)
    local dest
    dest=$(awk 'toupper($1)=="COPY" && $2=="docker/deps.sh" {print $3}' "$tmp/stage$n" | head -n1)
    [ -n "$dest" ] || { fail "stage $n ($set) does not COPY docker/deps.sh"; return 1; }
    grep -qE "^[[:space:]]*RUN[[:space:]]+bash[[:space:]]+${dest//\//\\/}[[:space:]]+$set([[:space:]]|$)" "$tmp/stage$n" ||
      { fail "stage $n does not RUN 'bash $dest $set'"; return 1; }
    if grep -qiE '(^|[;&|[:space:]])(apt-get|apt|aptitude)[[:space:]]+([^;&|]*[[:space:]])?install([[:space:]]|$)|dpkg[[:space:]]+(-i|--install)|apk[[:space:]]+add|pip3?[[:space:]]+install|npm[[:space:]]+(i|install|ci)([[:space:]]|$)|(curl|wget)[^|]*\|[[:space:]]*(ba|z)?sh' "$tmp/stage$n"; then
      fail "stage $n ($set) installs packages outside docker/deps.sh:"
      grep -iE 'install|dpkg|apk|(curl|wget).*\|' "$tmp/stage$n" | sed 's/^/    /' >&2
      return 1
    fi
  done
  local user
  user=$(awk 'toupper($1)=="USER"{u=$2} END{print u}' "$tmp/stage2")
  [ -n "$user" ] && [ "$user" != root ] && [ "$user" != 0 ] && [ "${user%%:*}" != 0 ] ||
    { fail "runtime stage must end with a non-root USER (got '${user:-none}')"; return 1; }
  grep -qE '^[[:space:]]*ENTRYPOINT[[:space:]]+\[[[:space:]]*"dastgate"[[:space:]]*\]' "$tmp/stage2" ||
    { fail 'runtime stage needs ENTRYPOINT ["dastgate"]'; return 1; }
  grep -qiE '^[[:space:]]*HEALTHCHECK[[:space:]].*serve' "$tmp/stage2" ||
    { fail "runtime stage needs a HEALTHCHECK for serve"; return 1; }
  grep -qE '^[[:space:]]*ENV[[:space:]]+DASTGATE_CHECKS_DIR[= ]' "$tmp/stage2" ||
    { fail "runtime stage must set DASTGATE_CHECKS_DIR"; return 1; }
  grep -qE '/reports' "$tmp/stage2" || { fail "runtime stage must provide /reports"; return 1; }
  rm -f "$tmp"/stage*
  return 0
}

echo "== docker/Dockerfile"
check "$dockerfile" || { echo "FAIL: $dockerfile drifted from docker/deps.sh policy" >&2; exit 1; }

echo "== docker/deps.sh runtime set"
runtime=$(bash "$deps" --print runtime)
[ -n "$runtime" ] || { echo "FAIL: deps.sh prints no runtime set" >&2; exit 1; }
for p in $runtime; do
  case "$p" in
    *-dev|build-essential|gcc*|clang*|cmake|make|pkg-config)
      echo "FAIL: runtime set contains build tool or -dev package '$p'" >&2; exit 1 ;;
  esac
done

echo "== the check rejects drift (mutants)"
mutate() { # name, sed/awk program producing the mutant on stdout
  local name=$1; shift
  "$@" "$dockerfile" >"$tmp/Dockerfile.$name"
  if check "$tmp/Dockerfile.$name" 2>"$tmp/why"; then
    echo "FAIL: mutant '$name' was not rejected" >&2
    exit 1
  fi
  echo "  rejected: $name ($(head -n1 "$tmp/why" | sed "s/^ *//"))"
}
mutate no-deps-runtime awk '/deps.sh runtime/ {print "RUN true"; next} {print}'
mutate apt-in-runtime awk '{print} /deps.sh runtime/ {print "RUN apt-get update && apt-get install -y --no-install-recommends curl"}'
mutate apt-continued awk '{print} /deps.sh runtime/ {print "RUN apt-get update \\"; print " && apt-get -y install \\"; print "   curl"}'
mutate pip-in-build awk '{print} /deps.sh build/ {print "RUN pip install requests"}'
mutate root-user sed -e 's/^USER dastgate/USER root/'
mutate fat-runtime sed -e 's/debian:bookworm-slim/debian:bookworm/'
mutate no-entrypoint sed -e '/^ENTRYPOINT/d'
echo "ok: Dockerfile uses docker/deps.sh only"
