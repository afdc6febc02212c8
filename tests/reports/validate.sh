#!/bin/sh
# validate.sh SCHEMA DOCUMENT — JSON Schema validation for the report tests.
# Installs the validators (ajv, ajv-draft-04, ajv-formats; see package.json)
# into tests/reports/node_modules on first use.  Exit codes: 0 valid,
# 1 invalid, 77 skipped (node/npm unavailable or the install failed).
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1; then
  echo "validate.sh: node not found, schema validation skipped" >&2
  exit 77
fi
if [ ! -d "$here/node_modules/ajv-draft-04" ] || [ ! -d "$here/node_modules/ajv-formats" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "validate.sh: npm not found, schema validation skipped" >&2
    exit 77
  fi
  # a lock directory so parallel tests don't install twice at once
  lock="$here/.install.lock"
  i=0
  while ! mkdir "$lock" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 120 ] && { echo "validate.sh: waiting for npm install timed out" >&2; exit 77; }
    sleep 1
  done
  if [ ! -d "$here/node_modules/ajv-formats" ]; then
    npm install --no-audit --no-fund --silent --prefix "$here" >&2 || {
      rmdir "$lock"; echo "validate.sh: npm install failed, schema validation skipped" >&2; exit 77; }
  fi
  rmdir "$lock"
fi
exec node "$here/validate.js" "$1" "$2"
