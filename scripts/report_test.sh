#!/usr/bin/env bash
# The HTML report in a real browser: runs `weaklink assess --demo`, then web/test/report_test.mjs
# (ajv schema validation of report.json; headless Chromium: no console errors, no network, charts
# and body figure drawn; a screenshot). Registered with CTest; exits 77 (skipped) when Node.js,
# web/node_modules or Chromium are missing, except under CI=true, where that is a failure.
# Usage: bash scripts/report_test.sh WEAKLINK_BINARY OUTPUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
weaklink=$1
out=$2
chromium=${CHROMIUM:-/usr/bin/chromium}
missing=""
command -v node >/dev/null || missing="node"
[ -d web/node_modules/playwright-core ] || missing="$missing web/node_modules (npm ci in web/)"
[ -x "$chromium" ] || missing="$missing chromium"
if [ -n "$missing" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "CI=true but missing: $missing" >&2
    exit 1
  fi
  echo "skipped: missing $missing (bash scripts/test.sh installs them)"
  exit 77
fi
rm -rf "$out"
"$weaklink" assess --demo -o "$out" >"$out.log" 2>&1 || { cat "$out.log"; exit 1; }
CHROMIUM="$chromium" node web/test/report_test.mjs "$out/report.html" "$out/report.json" docs/assessment.schema.json "$out/screenshot.png"
