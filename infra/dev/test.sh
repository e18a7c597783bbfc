#!/usr/bin/env bash
# Runs every test against real PostgreSQL and Redis (installed and started when missing),
# then prints one plain "N passed, N failed" line summed over all packages.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/../.."
source infra/dev/toolchain.sh
bash infra/dev/services.sh
pnpm install --frozen-lockfile --reporter=silent
find . -name .vitest-report.json -not -path '*/node_modules/*' -delete
status=0
pnpm test || status=$?
node infra/dev/summarise-tests.mjs || status=1
exit $status
