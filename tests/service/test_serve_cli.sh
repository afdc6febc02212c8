#!/usr/bin/env bash
# tests/service/test_serve_cli.sh — the `dastgate serve` / `dastgate submit`
# binaries end to end on 127.0.0.1 with the real scan against the fixture
# shop: start-up refusals, --healthcheck, auth, a submitted scan reaching a
# final state with its verdict and report, allowlist refusal (exit 3),
# SIGTERM shutdown (exit 0) and a restart that keeps what finished.
#
# usage: test_serve_cli.sh /path/to/dastgate /path/to/dast-fixture-shop
set -euo pipefail
dastgate=${1:?usage: test_serve_cli.sh DASTGATE SHOP}
shop=${2:?usage: test_serve_cli.sh DASTGATE SHOP}
tmp=$(mktemp -d)
shop_pid=
serve_pid=
cleanup() {
  for p in $serve_pid $shop_pid; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$tmp/serve.err" ] && sed 's/^/  serve: /' "$tmp/serve.err" >&2; exit 1; }

"$shop" --port 0 --quiet >"$tmp/shop.out" 2>"$tmp/shop.err" &
shop_pid=$!
for _ in $(seq 1 100); do grep -q '^listening on' "$tmp/shop.out" && break; sleep 0.1; done
target=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$tmp/shop.out")
[ -n "$target" ] || fail "the shop did not start"
allow="^${target//./\\.}/"

echo "== start-up refusals"
set +e
"$dastgate" serve --listen 127.0.0.1:0 --db "$tmp/x.db" --allow-target "$allow" 2>"$tmp/err"
rc=$?
[ $rc = 3 ] && grep -q token "$tmp/err" || fail "no token: expected exit 3 naming the token, got $rc"
DASTGATE_TOKEN=abcdefabcdefabcdef "$dastgate" serve --listen 127.0.0.1:0 --db "$tmp/x.db" 2>"$tmp/err"
rc=$?
[ $rc = 3 ] && grep -q allow-target "$tmp/err" || fail "no allowlist: expected exit 3, got $rc"
"$dastgate" serve --listen 0.0.0.0:0 --db "$tmp/x.db" --allow-target "$allow" --insecure-no-auth 2>"$tmp/err"
rc=$?
[ $rc = 3 ] && grep -q loopback "$tmp/err" || fail "--insecure-no-auth off loopback: expected exit 3, got $rc"
set -e

start_serve() {
  rm -f "$tmp/port"
  "$dastgate" serve --listen 127.0.0.1:0 --port-file "$tmp/port" --db "$tmp/svc.db" \
    --token-file "$tmp/token" --allow-target "$allow" --max-parallel 2 --max-scan-time 120 \
    2>"$tmp/serve.err" &
  serve_pid=$!
  for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  [ -s "$tmp/port" ] || fail "serve did not start"
  port=$(cat "$tmp/port")
  api="http://127.0.0.1:$port"
}

head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/token"
chmod 600 "$tmp/token"
token=$(cat "$tmp/token")
start_serve

echo "== healthcheck and auth"
"$dastgate" serve --healthcheck --listen "127.0.0.1:$port" || fail "--healthcheck on a live service"
if "$dastgate" serve --healthcheck --listen 127.0.0.1:1 2>/dev/null; then fail "--healthcheck on nothing"; fi
code=$(curl -s -o /dev/null -w '%{http_code}' "$api/api/v1/scans")
[ "$code" = 401 ] || fail "no token: expected 401, got $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$api/api/v1/scans")
[ "$code" = 200 ] || fail "with token: expected 200, got $code"

echo "== submit --wait"
set +e
"$dastgate" submit --server "$api" --token-file "$tmp/token" --wait --poll-interval 0.2 \
  --profile passive --max-time 60 --json "$tmp/r.json" --junit "$tmp/r.xml" "$target/" \
  >"$tmp/submit.out" 2>"$tmp/submit.err"
rc=$?
set -e
id=$(head -n1 "$tmp/submit.out")
[ -n "$id" ] || fail "submit printed no scan id: $(cat "$tmp/submit.err")"
case $rc in 0|1|2) ;; *) fail "submit: unexpected exit $rc: $(cat "$tmp/submit.err")" ;; esac
scan=$(curl -s -H "Authorization: Bearer $token" "$api/api/v1/scans/$id")
grep -qE '"status":"(done|failed)"' <<<"$scan" || fail "scan not final: $scan"
gate=$(curl -s -H "Authorization: Bearer $token" "$api/api/v1/scans/$id/gate")
want=$(sed -n 's/.*"exit_code":\([0-9]*\).*/\1/p' <<<"$gate")
[ "$rc" = "$want" ] || [ "$rc" = 2 ] || fail "submit exit $rc but the gate says $want"
if grep -q '"status":"done"' <<<"$scan"; then
  [ -s "$tmp/r.json" ] && [ -s "$tmp/r.xml" ] || fail "reports not downloaded"
fi

echo "== target outside the allowlist"
set +e
"$dastgate" submit --server "$api" --token-file "$tmp/token" --wait "http://127.0.0.1:1/" \
  >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ $rc = 3 ] && grep -q "not an allowed target" "$tmp/err" || fail "outside allowlist: expected 3, got $rc"

echo "== SIGTERM and restart"
kill -TERM "$serve_pid"
set +e
wait "$serve_pid"
rc=$?
set -e
serve_pid=
[ $rc = 0 ] || fail "serve exited $rc on SIGTERM"
start_serve
scan2=$(curl -s -H "Authorization: Bearer $token" "$api/api/v1/scans/$id")
[ "$(sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$scan2")" = \
  "$(sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$scan")" ] || fail "scan changed across restart: $scan2"
echo "ok: serve/submit binaries"
