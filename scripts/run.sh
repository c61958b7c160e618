#!/usr/bin/env bash
# Entry point for every npm script: provisions the toolchain, installs dependencies when the lockfile
# changed (or on a fresh clone), then runs the given command with Node 24 first on PATH.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=tools.sh
source "$root/scripts/tools.sh"
cd "$root"
# A gateway holds a descriptor per socket: raise the soft limit to the hard one where the shell may.
hard_nofile="$(ulimit -Hn)"
if [ "$hard_nofile" != unlimited ]; then ulimit -n "$hard_nofile" 2>/dev/null || true; fi
stamp=node_modules/.installed-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "[run] installing dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
  cp package-lock.json "$stamp"
fi
exec "$@"
