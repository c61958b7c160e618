#!/usr/bin/env bash
# `npm test` (through scripts/run.sh): the typecheck and the lint, then every suite: the process suite, the compose suite and
# the chaos suite. Each suite runs even when an earlier one failed, so one run reports everything; the exit
# status is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run typecheck || exit 1
npm run lint:run || exit 1
status=0
vitest run || status=1
npm run test:compose:run || status=1
npm run test:chaos:run || status=1
exit "$status"
