#!/usr/bin/env bash
# Runs schemathesis (PyPI, pinned) from its own venv under the tools cache, creating it when absent:
#   bash scripts/schemathesis.sh run <spec> --url … (any `st` arguments).
# Schemathesis 4 sends nothing anywhere but to the API under test (it has no telemetry or upload), so it
# runs offline.
set -euo pipefail

TOOLS_DIR="${CHAT_TOOLS_DIR:-$HOME/.cache/chat-realtime/tools}"
SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
venv="$TOOLS_DIR/schemathesis-$SCHEMATHESIS_VERSION"

if [ ! -x "$venv/bin/st" ]; then
  echo "[tools] installing schemathesis $SCHEMATHESIS_VERSION into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
fi

exec "$venv/bin/st" "$@"
