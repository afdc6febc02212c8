#!/usr/bin/env bash
# tests/lint/valgrind-scan.sh BUILD_DIR [shop|chaos] — Valgrind memcheck of
# an end-to-end scan.
#
# Starts a local target on 127.0.0.1 (default: the fixture shop,
# tests/fixtures/shop — crawl, login, attack, findings and every report
# format get exercised; `chaos`: the hostile server, minus its endpoints
# that only stall, so the error paths get exercised) and runs
#
#   valgrind --leak-check=full --errors-for-leak-kinds=definite \
#            --error-exitcode=99 dastgate scan URL ...
#
# PCRE2's JIT is switched off through an LD_PRELOAD shim (nojit.c) because
# memcheck cannot follow JIT-generated code.  Fails (exit 1) on any memcheck error — invalid read/write, use of
# uninitialised values, invalid free, definite leak — printing the first
# ones; "still reachable" and "possibly lost" (library caches, curl's global
# state) are reported in the log but not errors.  The scan budget is
# wall-clock (--max-time), so the run stays bounded although memcheck slows
# the scanner down 20-50x.  BUILD_DIR must be a build without ASan (the two
# do not mix).  Exit 2 when valgrind or the binaries are missing.
set -uo pipefail
[ $# -ge 1 ] || { echo "usage: valgrind-scan.sh BUILD_DIR [shop|chaos]" >&2; exit 2; }
build=$(cd "$1" && pwd)
target=${2:-shop}
command -v valgrind >/dev/null || { echo "valgrind-scan: valgrind not installed" >&2; exit 2; }
if grep -qE '^(DASTGATE_SANITIZE|DAST_FUZZ):BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "valgrind-scan: $build is a sanitizer build; use a plain one (e.g. build)" >&2
  exit 2
fi
dastgate=$build/dastgate
case $target in
  shop) server=("$build/tests/fixtures/shop/dast-fixture-shop" --port 0 --quiet) ;;
  chaos) server=("$build/tests/fixtures/chaos/dast-chaos-server" 0) ;;
  *) echo "valgrind-scan: unknown target '$target' (shop|chaos)" >&2; exit 2 ;;
esac
for f in "$dastgate" "${server[0]}"; do [ -x "$f" ] || { echo "valgrind-scan: $f not built" >&2; exit 2; }; done

work=$(mktemp -d)
chmod 755 "$work"
srv_pid=
cleanup() {
  if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

"${server[@]}" >"$work/server.log" 2>&1 &
srv_pid=$!
url=
for _ in $(seq 1 100); do
  url=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$work/server.log" | head -n1)
  [ -n "$url" ] && break
  kill -0 "$srv_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || { echo "valgrind-scan: target did not start"; cat "$work/server.log"; exit 1; }

args=(scan "$url/" --seed 3 --max-time 90 --json "$work/r.json" --junit "$work/r.xml"
      --sarif "$work/r.sarif" --html "$work/r.html" --md "$work/r.md" -q)
if [ "$target" = shop ]; then
  args+=(--login-url "$url/login" --login-data 'username=alice&password=alice123')
else
  # the endpoints that only make a client wait add nothing under memcheck
  args+=(--timeout 3 --max-depth 3 --exclude '/(hang|slowloris|stall|chunked-forever|huge|many-links|big\.js)')
fi
# PCRE2's JIT code is opaque to memcheck: run the regex interpreter instead
# (tests/lint/nojit.c, see there).
cc -shared -fPIC -O1 -o "$work/nojit.so" "$(dirname "$0")/nojit.c" || exit 2
echo "valgrind-scan: dastgate ${args[*]}"
# A dastgate linked with mimalloc (CMakeLists.txt, DAST_MIMALLOC) gets
# memcheck's own malloc in its place, as glibc's would.
LD_PRELOAD=$work/nojit.so valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite \
  --soname-synonyms='somalloc=libmimalloc.so*' --show-leak-kinds=definite --error-exitcode=99 --num-callers=30 \
  --log-file="$work/vg.log" "$dastgate" "${args[@]}" >"$work/scan.out" 2>"$work/scan.err"
rc=$?
errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$work/vg.log" | tail -n1)
definite=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$work/vg.log" | tail -n1)
echo "valgrind-scan: dastgate exit $rc, memcheck errors ${errors:-?}, definitely lost ${definite:-0} bytes"
if [ "$rc" = 99 ] || [ "${errors:-1}" != 0 ]; then
  echo "valgrind-scan: FAIL — first memcheck reports:"
  grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Mismatched|Syscall|Source and destination|[0-9,]+ bytes in [0-9,]+ blocks are definitely)' -A14 "$work/vg.log" | head -n 80
  exit 1
fi
case $rc in 0|1|2) ;; *) echo "valgrind-scan: FAIL — dastgate exit $rc"; tail -n 20 "$work/scan.err"; exit 1 ;; esac
[ -s "$work/r.json" ] || { echo "valgrind-scan: FAIL — no JSON report"; exit 1; }
echo "valgrind-scan: clean"
