#!/usr/bin/env bash
# tests/bench/engine.sh BUILD_DIR [TOTAL] — engine throughput beside wrk.
# Starts a private nginx on 127.0.0.1 serving small static pages, runs wrk
# and bench_engine at 8 and 64 connections against the same page, and prints
# a table: requests/s, ratio to wrk, CPU µs per request, peak RSS, and RSS
# after 20k requests vs at the end (flat memory).  Needs nginx-light and wrk
# (bash docker/deps.sh bench).  Everything stops by itself.
set -euo pipefail
build=${1:-build}
total=${2:-200000}
here=$(cd "$(dirname "$0")" && pwd)
command -v nginx >/dev/null || { echo "engine.sh: nginx not installed (bash docker/deps.sh bench)"; exit 2; }
command -v wrk >/dev/null || { echo "engine.sh: wrk not installed (bash docker/deps.sh bench)"; exit 2; }
tmp=$(mktemp -d)
trap 'kill $(cat "$tmp/nginx.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/www" "$tmp/logs"
chmod 755 "$tmp" "$tmp/www"
head -c 2048 /dev/zero | tr '\0' 'x' > "$tmp/www/index.html"
chmod 644 "$tmp/www/index.html"
port=$((20000 + RANDOM % 20000))
cat > "$tmp/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; root $tmp/www; }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" 2>/dev/null
sleep 0.5
url="http://127.0.0.1:$port/index.html"
printf '%-6s %12s %12s %7s %10s %12s %12s %12s\n' conns wrk_rps dast_rps ratio cpu_us/req peak_rss_kb rss_20k_kb rss_end_kb
for c in 8 64; do
  wrk_rps=$(wrk -t1 -c$c -d5s "$url" | awk '/Requests\/sec/ {print int($2)}')
  out=$("$build/tests/bench/bench_engine" "$url" "$total" "$c")
  get() { echo "$out" | tr ' ' '\n' | awk -F= -v k="$1" '$1==k {print $2}'; }
  rps=$(get rps)
  ratio=$(awk -v a="$rps" -v b="$wrk_rps" 'BEGIN { printf "%.2f", a / b }')
  printf '%-6s %12s %12s %7s %10s %12s %12s %12s\n' "$c" "$wrk_rps" "$rps" "$ratio" "$(get cpu_us_per_req)" "$(get peak_rss_kb)" "$(get rss_20k_kb)" "$(get rss_end_kb)"
done
