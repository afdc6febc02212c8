#!/usr/bin/env bash
# tests/bench/service_load.sh — load benchmark of `dastgate serve` (CTest
# label bench, never in the default run).  Starts the fixture shop and the
# service on 127.0.0.1 (--max-parallel 4), submits N scans (default 50) of
# the shop through the REST API, and while they run keeps probing the API
# (scan status, list, healthz, metrics) to measure its latency under load.
# Prints a table: throughput, queue latency (from each scan's queue_ms),
# API latency p50/p90/p99/max, and whether the p99 < 50 ms goal was met.
#
# usage: service_load.sh /path/to/dastgate /path/to/dast-fixture-shop [SCANS] [PARALLEL]
# Exit 0 when every scan reached a final state, 1 otherwise (the latency goal
# is reported, not enforced: shared CI machines are noisy).
set -euo pipefail
dastgate=${1:?usage: service_load.sh DASTGATE SHOP [SCANS] [PARALLEL]}
shop=${2:?usage: service_load.sh DASTGATE SHOP [SCANS] [PARALLEL]}
scans=${3:-50}
parallel=${4:-4}
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
die() { echo "service_load: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }

# --- the target
"$shop" --port 0 --quiet >"$tmp/shop.out" 2>"$tmp/shop.err" &
pids+=($!)
for _ in $(seq 1 100); do grep -q '^listening on' "$tmp/shop.out" && break; sleep 0.1; done
target=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$tmp/shop.out")
[ -n "$target" ] || die "the shop did not start: $(cat "$tmp/shop.err")"

# --- the service
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/token"
chmod 600 "$tmp/token"
token=$(cat "$tmp/token")
"$dastgate" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --db "$tmp/bench.db" \
  --token-file "$tmp/token" --allow-target "^${target//./\\.}/" --max-parallel "$parallel" \
  --max-queue $((scans + 10)) -q 2>"$tmp/serve.err" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || die "the service did not start: $(cat "$tmp/serve.err")"
api="http://127.0.0.1:$(cat "$tmp/port")"
auth=(-H "Authorization: Bearer $token")

# One timed API call: appends "seconds" to $tmp/lat, prints the body.
timed() {
  curl -sS -o "$tmp/body" -w '%{time_total}\n' "${auth[@]}" "$@" >>"$tmp/lat"
  cat "$tmp/body"
}

# --- submit
body="{\"target\":\"$target/\",\"profile\":\"passive\",\"limits\":{\"max_time\":120}}"
t0=$(now_ms)
: >"$tmp/ids"
for i in $(seq 1 "$scans"); do
  out=$(curl -sS "${auth[@]}" -H 'Content-Type: application/json' -d "$body" "$api/api/v1/scans")
  id=$(sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' <<<"$out")
  [ -n "$id" ] || die "submit $i failed: $out"
  echo "$id" >>"$tmp/ids"
done
t_submitted=$(now_ms)

# --- probe the API while the scans run
: >"$tmp/lat"
deadline=$(( $(now_ms) + 600000 ))
while :; do
  timed "$api/api/v1/scans/$(shuf -n1 "$tmp/ids")" >/dev/null
  timed "$api/api/v1/scans?limit=20" >/dev/null
  timed "$api/healthz" >/dev/null
  timed "$api/metrics" >"$tmp/metrics"
  queued=$(sed -n 's/^dastgate_queue_length \([0-9]*\)$/\1/p' "$tmp/metrics")
  running=$(sed -n 's/^dastgate_running_scans \([0-9]*\)$/\1/p' "$tmp/metrics")
  [ "${queued:-1}" = 0 ] && [ "${running:-1}" = 0 ] && break
  [ "$(now_ms)" -lt "$deadline" ] || die "scans still running after 10 minutes"
  sleep 0.02
done
t_done=$(now_ms)

# --- collect per-scan results
: >"$tmp/queue"
done_n=0
finished=0
other=""
while read -r id; do
  s=$(curl -sS "${auth[@]}" "$api/api/v1/scans/$id")
  st=$(sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$s")
  q=$(sed -n 's/.*"queue_ms":\([0-9]*\).*/\1/p' <<<"$s")
  [ -n "$q" ] && echo "$q" >>"$tmp/queue"
  case "$st" in
    done) done_n=$((done_n + 1)); finished=$((finished + 1)) ;;
    failed|cancelled|interrupted) finished=$((finished + 1)); other="$other $id:$st" ;;
    *) other="$other $id:$st" ;;
  esac
done <"$tmp/ids"

# pct FILE P: the P-th percentile (nearest rank) of the numbers in FILE
pct() { sort -g "$1" | awk -v p="$2" '{v[NR]=$1} END{if(!NR){print "n/a"; exit} i=int((p*NR+99)/100); if(i<1)i=1; print v[i]}'; }
ms() { awk '{printf "%.1f", $1 * 1000}' <<<"$1"; }
elapsed_s=$(awk -v a="$t0" -v b="$t_done" 'BEGIN{printf "%.2f", (b-a)/1000}')
thr=$(awk -v n="$scans" -v s="$elapsed_s" 'BEGIN{printf "%.2f", (s > 0 ? n / s : 0)}')
p99=$(pct "$tmp/lat" 99)
goal=$(awk -v p="$p99" 'BEGIN{print (p < 0.050) ? "met" : "MISSED"}')

printf '\n%-34s %s\n' "dastgate serve load benchmark" "($(date -u +%Y-%m-%dT%H:%M:%SZ))"
printf '%-34s %s\n' "scans submitted / finished / done" "$scans / $finished / $done_n"
printf '%-34s %s\n' "max parallel" "$parallel"
printf '%-34s %s ms\n' "submit phase" "$((t_submitted - t0))"
printf '%-34s %s s\n' "wall time (first submit -> idle)" "$elapsed_s"
printf '%-34s %s scans/s\n' "throughput" "$thr"
printf '%-34s p50 %s  p90 %s  p99 %s  max %s (ms)\n' "queue latency" \
  "$(pct "$tmp/queue" 50)" "$(pct "$tmp/queue" 90)" "$(pct "$tmp/queue" 99)" "$(pct "$tmp/queue" 100)"
printf '%-34s %s calls\n' "API probes during the run" "$(wc -l <"$tmp/lat")"
printf '%-34s p50 %s  p90 %s  p99 %s  max %s (ms)\n' "API latency under load" \
  "$(ms "$(pct "$tmp/lat" 50)")" "$(ms "$(pct "$tmp/lat" 90)")" "$(ms "$p99")" "$(ms "$(pct "$tmp/lat" 100)")"
printf '%-34s %s\n' "goal: API p99 < 50 ms" "$goal"
[ -z "$other" ] || echo "not done (scan outcome, not the service's):$(echo $other | cut -c1-300)"
# the service's job: every scan accepted, run and finished
[ "$finished" = "$scans" ]
