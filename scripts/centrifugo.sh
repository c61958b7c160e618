#!/usr/bin/env bash
# Builds Centrifugo (the peer the benchmark compares the gateway with, `npm run bench -- --peers`) from the Go
# module proxy into the tools cache, once, and prints the binary's path on stdout. Called by the bench when it
# needs Centrifugo; the first build takes about 7 minutes on this project's 2-core machines, later calls only check.
set -euo pipefail

CENTRIFUGO_VERSION=v6.9.1
TOOLS_DIR="${CHAT_TOOLS_DIR:-$HOME/.cache/chat-realtime/tools}"
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
bin_dir="$TOOLS_DIR/centrifugo-$CENTRIFUGO_VERSION"
bin="$bin_dir/centrifugo"

if [ ! -x "$bin" ]; then
  if [ ! -x "$GO" ]; then
    echo "[centrifugo] no Go toolchain (looked for go on PATH and $GO): cannot build Centrifugo" >&2
    exit 1
  fi
  echo "[centrifugo] building Centrifugo $CENTRIFUGO_VERSION with go install into $bin_dir (about 7 minutes)" >&2
  # Built into a temporary folder and moved in whole, so an interrupted build leaves no half-written binary.
  partial="$(mktemp -d "$TOOLS_DIR/.centrifugo-build.XXXXXX")"
  trap 'rm -rf "$partial"' EXIT
  # The version is stamped as Centrifugo's release builds do (`centrifugo version` says 0.0.0 otherwise).
  CGO_ENABLED=0 GOBIN="$partial" GOFLAGS=-mod=mod nice "$GO" install -trimpath \
    -ldflags "-s -w -X github.com/centrifugal/centrifugo/v6/internal/build.Version=${CENTRIFUGO_VERSION#v}" \
    "github.com/centrifugal/centrifugo/v6@$CENTRIFUGO_VERSION" >&2
  mkdir -p "$bin_dir"
  mv "$partial/centrifugo" "$bin"
fi
echo "$bin"
