#!/usr/bin/env bash
# tests/integration/bad_input.sh BUILD_DIR — malformed user input through the
# real binary: every bad flag or file is a one-line error naming the flag or
# file (and position/field where there is one), exit code 3, no request sent
# and no report written (reports are written to a temporary file and renamed).
set -uo pipefail
dg="$(cd "$1" && pwd)/dastgate"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fails=0
pass=0
# expect CODE PATTERN -- ARGS...: runs dastgate ARGS, checks exit code, that
# stderr matches PATTERN, and that no report file appeared.
expect() {
  local code=$1 pat=$2; shift 3
  rm -f out.json out.xml
  "$dg" "$@" > stdout.txt 2> stderr.txt
  local rc=$?
  local msg
  msg=$(cat stderr.txt)
  if [ "$rc" != "$code" ] || ! grep -qE -- "$pat" stderr.txt || [ -e out.json ] || [ -e out.xml ]; then
    echo "FAIL: dastgate $* -> exit $rc (want $code), stderr: $msg"
    fails=$((fails + 1))
  else
    echo "ok   dastgate $* -> $rc: $(head -n1 stderr.txt)"
    pass=$((pass + 1))
  fi
}
printf '{"fail_on": "hgih"' > policy-broken.json
printf '{"classes": {"xss": "hgh"}}' > policy-field.json
printf '[{"fingerprint": 12}]' > supp.json
printf 'not json' > baseline.json
printf '{"openapi": "3.0.0", "paths": {"/x": {"get": {"parameters": [{"in": "query"}]}}}}' > api.json
printf '{"openapi": "3.0.0", "paths": ' > api-trunc.json
printf '{"rate": "fast"}' > cfg.json
mkdir -p checks-bad && printf '{"id": "x", "bogus": 1}' > checks-bad/x.json
T=http://127.0.0.1:9/
expect 3 "unknown option '--bogus'" -- scan --bogus $T --json out.json
expect 3 "--rate 'abc'" -- scan --rate abc $T --json out.json
expect 3 "--concurrency 0: out of range" -- scan --concurrency 0 $T --json out.json
expect 3 "must start with http" -- scan ftp://x/ --json out.json
expect 3 "no target URL" -- scan --json out.json
expect 3 "--include '\\(': bad regex" -- scan --include '(' $T --json out.json
expect 3 "policy-broken.json:1:" -- scan --policy policy-broken.json $T --json out.json
expect 3 "policy-field.json: classes.xss" -- scan --policy policy-field.json $T --json out.json
expect 3 "supp.json" -- scan --suppressions supp.json $T --json out.json
expect 3 "baseline.json" -- scan --baseline baseline.json $T --json out.json
expect 3 "nope.json" -- scan --baseline nope.json $T --json out.json
expect 3 "fail-on" -- scan --fail-on extreme $T --json out.json
expect 3 "api.json" -- scan --openapi api.json --no-crawl $T --json out.json
expect 3 "api-trunc.json: line 1, column" -- scan --openapi api-trunc.json --no-crawl $T --json out.json
expect 3 "cfg.json" -- scan --config cfg.json $T --json out.json
expect 3 "x.json.*bogus" -- scan --checks-dir checks-bad $T --json out.json
expect 3 "needs --openapi or --har" -- scan --no-crawl $T --json out.json
expect 3 "baseline.json" -- report baseline.json --format junit
expect 3 "--format 'pdf'" -- report baseline.json --format pdf
expect 3 "--header: contains a line break" -- scan --header $'X-A: 1\r\nX-Inj: 2' $T --json out.json
expect 3 "--cookie: contains a line break" -- scan --cookie $'a=1\nX-Inj: 2' $T --json out.json
expect 3 "--user-agent: contains a line break" -- scan -A $'ua\r\nX-Inj: 2' $T --json out.json
expect 3 "unknown command" -- frobnicate
echo "$pass passed, $fails failed"
[ "$fails" = 0 ]
