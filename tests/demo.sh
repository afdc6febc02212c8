#!/usr/bin/env bash
# tests/demo.sh [URL] [scan options...] — the README's first command.
# Installs what is missing (Debian 12, root or sudo), builds dastgate, and
# scans URL; with no URL it starts the bundled, deliberately vulnerable demo
# shop on a free 127.0.0.1 port, scans it with the full profile, writes
# report.html, report.junit.xml, report.sarif and report.json in the current
# directory, prints the summary, and stops the shop.  Exit code = the gate's.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(pwd)
bash "$here/docker/deps.sh" build
build="$here/build"
echo "== building dastgate in $build" >&2
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
dastgate="$build/dastgate"
reports=(--html "$out/report.html" --junit "$out/report.junit.xml" --sarif "$out/report.sarif" --json "$out/report.json")

if [ $# -gt 0 ] && [[ "$1" == http* ]]; then
  target=$1; shift
  echo "== scanning $target" >&2
  set +e
  "$dastgate" scan "$target" "${reports[@]}" "$@"
  rc=$?
  set -e
  echo "== reports: $out/report.html report.junit.xml report.sarif report.json (exit code $rc)" >&2
  exit $rc
fi

shop="$build/tests/fixtures/shop/dast-fixture-shop"
[ -x "$shop" ] || { echo "demo: the demo app was not built ($shop)" >&2; exit 2; }
log=$(mktemp)
"$shop" --port 0 --quiet > "$log" 2>&1 &
shop_pid=$!
trap 'kill "$shop_pid" 2>/dev/null || true; wait "$shop_pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 50); do
  url=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$log" | head -n1)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "${url:-}" ] || { echo "demo: the demo app did not start:" >&2; cat "$log" >&2; exit 2; }
echo "== the demo shop (deliberately vulnerable) is running at $url" >&2
echo "== scanning it with the full profile (about a minute)" >&2
set +e
"$dastgate" scan "$url/" --profile full --max-time 120 --login-url "$url/login" \
  --login-data 'username=alice&password=alice123' "${reports[@]}" "$@"
rc=$?
set -e
echo >&2
echo "== reports written: $out/report.html, report.junit.xml, report.sarif, report.json" >&2
if [ "$rc" = 1 ]; then
  echo "== exit code 1: the gate FAILED, as it should — the demo app is vulnerable on purpose." >&2
  echo "   In your pipeline, exit code 1 blocks promotion; 0 passes; 2 means the scan was incomplete." >&2
fi
exit $rc
