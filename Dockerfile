# One image per service, each a target of this file: `docker build --target gateway -t chat-realtime/gateway .`
# (scripts/images.sh and compose.yaml build them all). The services run their TypeScript sources directly on
# Node 24 (type stripping, no build step) with production dependencies only, as the non-root `node` user, with
# node as PID 1 so `docker stop`'s SIGTERM reaches the service's graceful shutdown.
ARG NODE_IMAGE=node:24-bookworm-slim

# Every workspace's manifest: npm ci checks the whole lockfile against them.
FROM ${NODE_IMAGE} AS manifests
# Certificate authorities (PEM) that npm must trust besides the public ones, for networks that reach the registry
# through a TLS-inspecting proxy (scripts/images.sh passes the host's locally added ones). Only the install stages
# see them: the service images copy /app alone.
ARG EXTRA_CA_CERTS=""
RUN if [ -n "$EXTRA_CA_CERTS" ]; then printf '%s\n' "$EXTRA_CA_CERTS" >/usr/local/share/npm-extra-ca.pem; fi
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/chat/package.json apps/chat/
COPY apps/docs/package.json apps/docs/
COPY harness/package.json harness/
COPY packages/client/package.json packages/client/
COPY packages/contracts/package.json packages/contracts/
COPY packages/presence/package.json packages/presence/
COPY packages/service-kit/package.json packages/service-kit/
COPY services/auth/package.json services/auth/
COPY services/chat/package.json services/chat/
COPY services/gateway/package.json services/gateway/
COPY services/notify/package.json services/notify/

# Production dependencies only (see the script for why --omit=dev alone is not enough with workspaces).
FROM manifests AS prod-manifests
COPY scripts/images/omit-dev-manifests.cjs /tmp/
RUN node /tmp/omit-dev-manifests.cjs

FROM prod-manifests AS auth-deps
RUN NODE_EXTRA_CA_CERTS="$(ls /usr/local/share/npm-extra-ca.pem 2>/dev/null)" npm ci --omit=dev --no-audit --no-fund --workspace @chatrt/auth && npm cache clean --force

FROM prod-manifests AS chat-deps
RUN NODE_EXTRA_CA_CERTS="$(ls /usr/local/share/npm-extra-ca.pem 2>/dev/null)" npm ci --omit=dev --no-audit --no-fund --workspace @chatrt/chat && npm cache clean --force

FROM prod-manifests AS notify-deps
RUN NODE_EXTRA_CA_CERTS="$(ls /usr/local/share/npm-extra-ca.pem 2>/dev/null)" npm ci --omit=dev --no-audit --no-fund --workspace @chatrt/notify && npm cache clean --force

FROM prod-manifests AS gateway-deps
RUN NODE_EXTRA_CA_CERTS="$(ls /usr/local/share/npm-extra-ca.pem 2>/dev/null)" npm ci --omit=dev --no-audit --no-fund --workspace @chatrt/gateway && npm cache clean --force

# The chat page (Vite), served by the gateway from apps/chat/dist.
FROM manifests AS web-build
RUN NODE_EXTRA_CA_CERTS="$(ls /usr/local/share/npm-extra-ca.pem 2>/dev/null)" npm ci --no-audit --no-fund --ignore-scripts --workspace @chatrt/chat-app
COPY tsconfig.json ./
COPY packages packages
COPY apps/chat apps/chat
RUN npm run build --workspace @chatrt/chat-app

# The contract reference (`npm run docs`: static HTML of both specs), served by the gateway from apps/docs/dist.
FROM manifests AS docs-build
RUN NODE_EXTRA_CA_CERTS="$(ls /usr/local/share/npm-extra-ca.pem 2>/dev/null)" npm ci --no-audit --no-fund --ignore-scripts --workspace @chatrt/docs
COPY asyncapi.yaml openapi.yaml ./
COPY apps/docs apps/docs
RUN npm run build --workspace @chatrt/docs

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
USER node

FROM runtime AS auth
# Where compose mounts the signing key's volume: a fresh volume takes this directory's owner.
USER root
RUN mkdir -p /var/lib/chat-auth && chown node:node /var/lib/chat-auth
USER node
COPY --from=auth-deps /app /app
COPY packages/contracts packages/contracts
COPY packages/service-kit packages/service-kit
COPY services/auth services/auth
ENV OPS_PORT=9101
EXPOSE 9101
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.OPS_PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "services/auth/src/main.ts"]

FROM runtime AS chat
COPY --from=chat-deps /app /app
COPY packages/contracts packages/contracts
COPY packages/service-kit packages/service-kit
COPY services/chat services/chat
ENV OPS_PORT=9102
EXPOSE 9102
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.OPS_PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "services/chat/src/main.ts"]

FROM runtime AS notify
COPY --from=notify-deps /app /app
COPY packages/contracts packages/contracts
COPY packages/presence packages/presence
COPY packages/service-kit packages/service-kit
COPY services/notify services/notify
ENV OPS_PORT=9103
EXPOSE 9103
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.OPS_PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "services/notify/src/main.ts"]

FROM runtime AS gateway
COPY --from=gateway-deps /app /app
COPY packages/contracts packages/contracts
COPY packages/presence packages/presence
COPY packages/service-kit packages/service-kit
COPY services/gateway services/gateway
COPY --from=web-build /app/apps/chat/dist apps/chat/dist
COPY --from=docs-build /app/apps/docs/dist apps/docs/dist
ENV PORT=3000 WEBSOCKET_PORT=3001
EXPOSE 3000 3001
# Ready only when its listeners answer (REST, and Socket.IO unless it is turned off), each checking its dependencies.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const off = ['false', '0'].includes(process.env.NEXT_PUBLIC_ENABLE_SOCKET_IO); const urls = [`http://127.0.0.1:${process.env.PORT}/api/health`, ...(off ? [] : [`http://127.0.0.1:${process.env.WEBSOCKET_PORT}/health`])]; Promise.all(urls.map((u) => fetch(u))).then((rs) => process.exit(rs.every((r) => r.ok) ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "services/gateway/src/main.ts"]
