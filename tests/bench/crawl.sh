#!/usr/bin/env bash
# tests/bench/crawl.sh BUILD_DIR [PAGES] — crawler throughput.
# Environment: ROUNDS (default 3), THREADS (dastgate's --threads).
# Generates a static site of PAGES pages (default 10,000; each links to its
# two children in a binary tree plus a few siblings, so every page is
# reachable and the crawl is breadth-first work), serves it from a private
# nginx on 127.0.0.1, runs `dastgate crawl` on it and wrk on one page of the
# same site, and prints: pages found, pages/s (whole process and crawl only),
# their ratios to wrk, peak RSS.
# Needs nginx-light, wrk and GNU time (bash docker/deps.sh bench).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
pages=${2:-10000}
rounds=${ROUNDS:-3}     # rounds; the median is printed last
threads=${THREADS:-}    # --threads for the crawl (default: dastgate's own)
for t in nginx wrk /usr/bin/time; do command -v "$t" >/dev/null || { echo "crawl.sh: $t missing (bash docker/deps.sh bench)"; exit 2; }; done
tmp=$(mktemp -d)
trap 'kill $(cat "$tmp/nginx.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/www/p" "$tmp/logs"
chmod 755 "$tmp" "$tmp/www" "$tmp/www/p"
# Page names are words (letters only), as on a real site: numbered names
# would collapse into one URL template and be bounded as a crawler trap.
awk -v n="$pages" -v dir="$tmp/www/p" '
function word(i,   w, k) { w = ""; for (k = 0; k < 4 || i > 0; k++) { w = sprintf("%c", 97 + i % 26) w; i = int(i / 26) } return w }
BEGIN {
  pad = ""; for (k = 0; k < 30; k++) pad = pad "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n";
  for (i = 0; i < n; i++) {
    f = dir "/" word(i) ".html";
    printf "<!doctype html><html><head><title>Page %d</title></head><body><nav><a href=\"/p/%s.html\">home</a></nav>\n", i, word(0) > f;
    for (c = 2 * i + 1; c <= 2 * i + 2; c++) if (c < n) printf "<a href=\"/p/%s.html\">child %d</a>\n", word(c), c > f;
    for (s = 1; s <= 3; s++) { j = (i * 7 + s * 13) % n; printf "<a href=\"%s.html\">see %d</a>\n", word(j), j > f; }
    printf "%s</body></html>\n", pad > f;
    close(f);
  }
}'
cp "$tmp/www/p/aaaa.html" "$tmp/www/index.html"
chmod -R a+r "$tmp/www"
port=$((20000 + RANDOM % 20000))
cat > "$tmp/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000; default_type text/html;
  server { listen 127.0.0.1:$port; root $tmp/www; } }
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" 2>/dev/null
sleep 0.5
url="http://127.0.0.1:$port/"
# Each round measures wrk and then the crawl, back to back, so both see the
# same machine; the median round is the result (a shared 2-core machine is
# noisy).  Two rates: `pages/s` over the whole process (start-up, crawl,
# writing the 10,000-endpoint JSON inventory, exit), and `crawl_pps` over
# the crawl itself (the report's scan.duration: first request to last
# answer), each with its ratio to wrk.
printf '%-6s %-8s %-8s %-8s %-10s %-10s %-7s %-12s %-8s %-8s %-10s %-7s\n' round pages found seconds pages/s wrk_rps ratio peak_rss_kb threads crawl_s crawl_pps c_ratio
for r in $(seq 1 "$rounds"); do
  wrk_rps=$(wrk -t1 -c16 -d5s "${url}p/aaab.html" | awk '/Requests\/sec/ {print int($2)}')
  rm -f "$tmp/inv.json"
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$tmp/rss" "$build/dastgate" crawl "$url" --max-pages $((pages + 100)) \
    --template-visits 1000 --max-depth 100 --concurrency 16 --per-host 16 --json "$tmp/inv.json" -q \
    ${threads:+--threads "$threads"} >/dev/null || true
  end=$(date +%s.%N)
  found=$(grep -o '"pages": *[0-9]*' "$tmp/inv.json" | head -n1 | grep -o '[0-9]*$' || echo 0)
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  pps=$(awk -v p="$found" -v s="$secs" 'BEGIN { printf "%.0f", p / s }')
  ratio=$(awk -v a="$pps" -v b="$wrk_rps" 'BEGIN { printf "%.2f", a / b }')
  csecs=$(grep -o '"duration": *[0-9.]*' "$tmp/inv.json" | head -n1 | grep -o '[0-9.]*$' || echo 0)
  cpps=$(awk -v p="$found" -v s="$csecs" 'BEGIN { printf "%.0f", (s > 0 ? p / s : 0) }')
  cratio=$(awk -v a="$cpps" -v b="$wrk_rps" 'BEGIN { printf "%.2f", a / b }')
  printf '%-6s %-8s %-8s %-8s %-10s %-10s %-7s %-12s %-8s %-8s %-10s %-7s\n' "$r" "$pages" "$found" "$secs" "$pps" \
    "$wrk_rps" "$ratio" "$(tail -n1 "$tmp/rss")" "${threads:-auto}" "$csecs" "$cpps" "$cratio" | tee -a "$tmp/rows"
done
# medians: of the whole-process ratio (column 7) and of the crawl's (column 12)
for col in 7 12; do
  sort -k$col -n "$tmp/rows" | awk -v n="$rounds" -v c=$col 'NR == int((n + 1) / 2) { $1 = (c == 7 ? "median" : "c_med"); print }' |
    xargs printf '%-6s %-8s %-8s %-8s %-10s %-10s %-7s %-12s %-8s %-8s %-10s %-7s\n'
done
