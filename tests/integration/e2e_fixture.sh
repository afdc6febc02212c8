#!/usr/bin/env bash
# tests/integration/e2e_fixture.sh BUILD_DIR MODE — end-to-end accuracy.
# Starts the deliberately vulnerable shop (tests/fixtures/shop) on a free
# 127.0.0.1 port, scans it with dastgate, and compares the JSON report with
# the shop's ground truth (dast-compare-groundtruth prints the per-class
# recall / false-positive table).  MODE:
#   full     full profile: every vulnerability found at its minimum
#            confidence, no confirmed finding on a safe twin, gate = fail (1)
#   passive  passive profile: only passive findings, no attack requests
#   safe     the fixed variant (--safe): gate must pass with exit code 0
# Every report format is also produced and checked for existence.
set -euo pipefail
build=$(cd "$1" && pwd)
mode=${2:-full}
src=$(cd "$(dirname "$0")/../.." && pwd)
shop="$build/tests/fixtures/shop/dast-fixture-shop"
cmp="$build/tests/fixtures/shop/dast-compare-groundtruth"
gt="$src/tests/fixtures/shop/groundtruth.json"
work=$(mktemp -d)
shop_pid=
cleanup() {
  if [ -n "$shop_pid" ]; then kill "$shop_pid" 2>/dev/null || true; wait "$shop_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"

extra=()
[ "$mode" = safe ] && extra=(--safe)
"$shop" --port 0 --quiet "${extra[@]}" > "$work/shop.log" 2>&1 &
shop_pid=$!
url=
for _ in $(seq 1 100); do
  url=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$work/shop.log" | head -n1)
  [ -n "$url" ] && break
  kill -0 "$shop_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || { echo "e2e: the shop did not start"; cat "$work/shop.log"; exit 1; }

profile=full
[ "$mode" = passive ] && profile=passive
set +e
"$build/dastgate" scan "$url/" --profile "$profile" --seed 7 --max-time 240 \
  --login-url "$url/login" --login-data 'username=alice&password=alice123' \
  --json "$work/r.json" --junit "$work/r.xml" --sarif "$work/r.sarif" --html "$work/r.html" --md "$work/r.md"
rc=$?
set -e
echo "e2e: dastgate exit code $rc"
for f in r.json r.xml r.sarif r.html r.md; do
  [ -s "$work/$f" ] || { echo "e2e: report $f missing or empty"; exit 1; }
done
case "$mode" in
  full)
    "$cmp" "$gt" "$work/r.json"
    [ "$rc" = 1 ] || { echo "e2e: expected the gate to fail (exit 1) on the vulnerable shop, got $rc"; exit 1; } ;;
  passive)
    "$cmp" "$gt" "$work/r.json" --passive-only
    [ "$rc" = 0 ] || [ "$rc" = 1 ] || { echo "e2e: passive scan exit $rc"; exit 1; } ;;
  safe)
    "$cmp" "$gt" "$work/r.json" --safe-variant
    [ "$rc" = 0 ] || { echo "e2e: expected the fixed shop to pass the gate (exit 0), got $rc"; exit 1; } ;;
esac
echo "e2e: $mode OK"
