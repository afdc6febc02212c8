#!/usr/bin/env bash
# tests/bench/scan.sh BUILD_DIR [PROFILE] — whole-scan benchmark of the
# fixture shop: wall time, requests, requests/s, peak RSS and findings, as a
# table.  Goal (issue "Fixture"): full profile under 30 s, peak RSS < 64 MB.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
profile=${2:-full}
shop="$build/tests/fixtures/shop/dast-fixture-shop"
tmp=$(mktemp -d)
chmod 755 "$tmp"
"$shop" --port 0 --quiet > "$tmp/shop.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do
  url=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$tmp/shop.log" | head -n1)
  [ -n "$url" ] && break; sleep 0.1
done
start=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$tmp/rss" "$build/dastgate" scan "$url/" --profile "$profile" --seed 7 \
  --login-url "$url/login" --login-data 'username=alice&password=alice123' --json "$tmp/r.json" -q || true
end=$(date +%s.%N)
num() { grep -o "\"$1\": *[0-9.]*" "$tmp/r.json" | head -n1 | grep -o '[0-9.]*$' || echo 0; }
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
reqs=$(num requests)
findings=$(grep -c '"fingerprint"' "$tmp/r.json" || true)
printf '%-9s %-8s %-9s %-8s %-12s %-8s\n' profile seconds requests req/s peak_rss_kb findings
printf '%-9s %-8s %-9s %-8s %-12s %-8s\n' "$profile" "$secs" "$reqs" "$(awk -v r="$reqs" -v s="$secs" 'BEGIN { printf "%.0f", r / s }')" "$(tail -n1 "$tmp/rss")" "$findings"
