#!/usr/bin/env bash
# `npm run load`: installs Artillery into load/node_modules on first use (and when load/package-lock.json
# changes), kept apart from the default install because it is large, then runs one scenario (load/run.ts).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/load"
export ARTILLERY_DISABLE_TELEMETRY=true
stamp=node_modules/.installed-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "[load] installing Artillery (npm ci in load/)" >&2
  # No install scripts: the only ones in the tree download a browser for Artillery's Playwright engine.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund >&2
  cp package-lock.json "$stamp"
fi
cd "$root"
exec node load/run.ts "$@"
