#!/usr/bin/env bash
# Proves the chaos suite catches a broken build: builds chat-realtime/chat:acks-without-commit from the local chat
# image with sendMessage patched to answer ok when its append fails (harness/chaos/broken-build), runs the
# Postgres-restarted scenario with CHAT_IMAGE pointing at it, and succeeds only if that scenario FAILS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/images.sh
broken=chat-realtime/chat:acks-without-commit
docker build --quiet --tag "$broken" --file - harness/chaos/broken-build <<'DOCKERFILE'
FROM chat-realtime/chat:local
COPY acks-without-commit.cjs /tmp/
USER root
RUN node /tmp/acks-without-commit.cjs services/chat/src/application/chat-service.ts
USER node
DOCKERFILE
log="$(mktemp)"
# CI= keeps vitest from overwriting the chaos report .ci/run counts.
if CI= CHAT_IMAGE="$broken" npx vitest run --config vitest.chaos.config.ts harness/chaos/postgres-restarted.chaos.spec.ts >"$log" 2>&1; then
  cat "$log"
  echo "the chaos suite PASSED against $broken: it does not catch an ok that was never committed" >&2
  exit 1
fi
grep -E 'acked ok|lost|FAIL' "$log" | head -20
echo "as it should, the chaos suite failed against $broken"
