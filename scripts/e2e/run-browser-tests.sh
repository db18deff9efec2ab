#!/usr/bin/env bash
# Browser suites: builds the pages, then runs every test/e2e/**/*.test.ts with mocha in Debian's
# Chromium (playwright-core, no downloaded browser). Screenshots land in test-results/screenshots/.
# Extra arguments go to mocha, e.g. `npm run test:browser -- --grep "live view"`.
set -euo pipefail
cd "$(dirname "$0")/../.."

export HARDHAT_TELEMETRY_DISABLED=1
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "browser tests: Chromium not found at $CHROMIUM_PATH (apt-get install -y chromium, or set CHROMIUM_PATH)" >&2
  exit 1
fi
export CHROMIUM_PATH

npm run --silent build:web
mkdir -p test-results/screenshots
exec npx mocha --timeout 180000 "test/e2e/**/*.test.ts" "$@"
