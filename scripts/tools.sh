#!/usr/bin/env bash
# Provisions the pinned toolchain this project runs on (Node 24 LTS, nats-server, Prometheus and promtool) into
# a per-user cache, then puts it first on PATH; installs Debian's Chromium for the browser tests. Sourced by every entry point,
# so a fresh machine needs no manual step.
# Idempotent: a second call only checks versions.
set -euo pipefail

TOOLS_DIR="${CHAT_TOOLS_DIR:-$HOME/.cache/chat-realtime/tools}"
NODE_MAJOR=24
NATS_SERVER_VERSION="${NATS_SERVER_VERSION:-v2.12.15}"
mkdir -p "$TOOLS_DIR"

ensure_node() {
  local prefix="$TOOLS_DIR/node$NODE_MAJOR"
  if [ ! -x "$prefix/bin/node" ] || ! "$prefix/bin/node" -v | grep -q "^v$NODE_MAJOR\."; then
    echo "[tools] installing Node $NODE_MAJOR into $prefix" >&2
    rm -rf "$prefix"
    npm install --global --prefix "$prefix" --no-audit --no-fund "node@$NODE_MAJOR" >&2
  fi
  export PATH="$prefix/bin:$PATH"
}

ensure_nats_server() {
  if [ -n "${NATS_SERVER_BIN:-}" ]; then return; fi
  local bin="$TOOLS_DIR/nats-server-$NATS_SERVER_VERSION/nats-server"
  if [ ! -x "$bin" ]; then
    if command -v go >/dev/null 2>&1; then
      echo "[tools] building nats-server $NATS_SERVER_VERSION with go install" >&2
      GOBIN="$(dirname "$bin")" GOFLAGS=-mod=mod go install "github.com/nats-io/nats-server/v2@$NATS_SERVER_VERSION" >&2
    elif command -v nats-server >/dev/null 2>&1; then
      bin="$(command -v nats-server)"
    else
      echo "[tools] installing nats-server from apt" >&2
      apt-get update -qq >&2 && apt-get install -y -qq nats-server >&2
      bin="$(command -v nats-server)"
    fi
  fi
  export NATS_SERVER_BIN="$bin"
}

ensure_prometheus() {
  # The dashboards and alert rules are checked against a real Prometheus (harness/test/prometheus.e2e.spec.ts):
  # Debian's package, unpacked into the cache rather than installed, so no prometheus service starts on the
  # machine (it would take :9090, which compose publishes). Its binaries are static Go programs.
  if [ -n "${PROMETHEUS_BIN:-}" ] && [ -n "${PROMTOOL_BIN:-}" ]; then return; fi
  local dir="$TOOLS_DIR/prometheus-debian"
  if [ ! -x "$dir/usr/bin/prometheus" ] || [ ! -x "$dir/usr/bin/promtool" ]; then
    echo "[tools] unpacking Debian's prometheus package into $dir" >&2
    local download
    download="$(mktemp -d)"
    # A fresh machine's package lists may be empty or old: refresh them (root only) and try again.
    if ! (cd "$download" && apt-get download prometheus >/dev/null 2>&1) \
      && ! { [ "$(id -u)" = 0 ] && apt-get update -qq >&2 && (cd "$download" && apt-get download prometheus >/dev/null 2>&1); }; then
      echo "[tools] cannot fetch Debian's prometheus package (apt-get download prometheus): the Prometheus test will fail" >&2
      rm -rf "$download"
      return
    fi
    rm -rf "$dir"
    dpkg-deb -x "$download"/prometheus_*.deb "$dir"
    rm -rf "$download"
  fi
  export PROMETHEUS_BIN="$dir/usr/bin/prometheus" PROMTOOL_BIN="$dir/usr/bin/promtool"
}

ensure_chromium() {
  # The browser tests drive Debian's Chromium with playwright-core; test tools' own browser downloads are
  # not possible on these machines, so the system package is the browser. The emoji font makes the page's
  # status icons (⏳ ✅ ❌ 🔔) visible in screenshots.
  if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "[tools] installing chromium and fonts-noto-color-emoji from apt (for the browser tests)" >&2
      apt-get update -qq >&2 && apt-get install -y -qq chromium fonts-noto-color-emoji >&2
    else
      echo "[tools] chromium or its emoji font is missing and cannot be installed here (apt-get install chromium fonts-noto-color-emoji)" >&2
    fi
  fi
  export CHROMIUM_BIN=/usr/bin/chromium
}

ensure_node
ensure_nats_server
ensure_prometheus
ensure_chromium
