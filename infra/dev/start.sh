#!/usr/bin/env bash
# Runs the whole platform locally: installs what is missing (Node 24, pnpm, PostgreSQL, Redis),
# migrates and seeds Trelleborg + Svedala, then starts the API, the worker and the register
# simulator. Ctrl-C stops everything.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/../.."
source infra/dev/toolchain.sh
bash infra/dev/services.sh
pnpm install --frozen-lockfile --reporter=silent
# Development: notifications are logged (ids only); production points NOTIFY_CHANNEL at the gateway.
export NOTIFY_CHANNEL="${NOTIFY_CHANNEL:-log}"
exec pnpm start
