#!/usr/bin/env bash
# Runs oasdiff (the OpenAPI diff behind `npm run contracts:breaking`) with the given arguments. Builds the pinned
# version from the Go module proxy into the tools cache when it is absent (about 30 s, once); never uses its
# upload options. `scripts/oasdiff.sh --path` prints the binary's path instead of running it.
set -euo pipefail
OASDIFF_VERSION="${OASDIFF_VERSION:-v1.37.0}"
TOOLS_DIR="${CHAT_TOOLS_DIR:-$HOME/.cache/chat-realtime/tools}"
bin="$TOOLS_DIR/oasdiff-$OASDIFF_VERSION/oasdiff"
if [ ! -x "$bin" ]; then
  go_bin="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
  echo "[tools] building oasdiff $OASDIFF_VERSION from the Go module proxy" >&2
  GOBIN="$(dirname "$bin")" CGO_ENABLED=0 GOFLAGS=-mod=mod nice "$go_bin" install -trimpath \
    -ldflags "-s -w -X github.com/oasdiff/oasdiff/build.Version=${OASDIFF_VERSION#v}" \
    "github.com/oasdiff/oasdiff@$OASDIFF_VERSION" >&2
fi
if [ "${1:-}" = --path ]; then echo "$bin"; exit 0; fi
exec "$bin" "$@"
