#!/usr/bin/env bash
# `npm run full`: the whole system in containers. Builds (or finds cached) every image, starts compose.yaml and
# waits until every service is healthy, then prints where things are. Extra arguments go to `docker compose up`
# (e.g. `npm run full -- --scale gateway=3`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/images.sh
docker compose up -d --wait "$@"
docker compose ps --format 'table {{.Service}}\t{{.Status}}\t{{.Ports}}'
host="${BIND_ADDRESS:-127.0.0.1}"
cat <<TEXT

chat page   http://localhost:3000/apps/chat
REST API    http://$host:3000/api   (health: /api/health)
Socket.IO   http://$host:3001       (/chat, /notifications; health: /health)
Prometheus  http://$host:9090
logs        docker compose logs -f gateway
stop        docker compose down      (add -v to delete the data volumes)
TEXT
