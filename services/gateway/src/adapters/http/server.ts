import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import type { Registry } from 'prom-client';
import type { components } from '@chatrt/contracts';
import type { Logger } from '@chatrt/service-kit';
import type { ChatCommands } from '../../application/chat-commands.ts';
import type { Backend } from '../../application/ports.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { RateLimitPolicy } from '../../application/rate-limits.ts';
import type { TokenVerifier } from '../token-verifier.ts';
import type { ConnectionGuard } from '../connection-guard.ts';
import { answerClientError, installErrorHandling, refuseMalformedUrl } from './errors.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import { registerChatRoutes } from './chat-routes.ts';
import { registerNotificationRoutes } from './notification-routes.ts';
import { registerWebApp, type WebAppRuntimeConfig } from './web-app.ts';
import { registerContractDocs } from './contract-docs.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { recordRequestMetrics } from './request-metrics.ts';
import { registerUserRoutes } from './user-routes.ts';

type GatewayHealth = components['schemas']['GatewayHealth'];

/** The REST server on :3000; every route is one in openapi.yaml. */
export function createHttpApp(options: {
  backend: Backend;
  commands: ChatCommands;
  verifier: TokenVerifier;
  rateLimits: RateLimitPolicy;
  metrics: GatewayMetrics;
  registry: Registry;
  log: Logger;
  maxPayloadBytes: number;
  secureCookies: boolean;
  /** Take client addresses from X-Forwarded-For (behind a proxy). */
  trustProxy: boolean;
  /** Caps connections and closes those that never complete a request. */
  connectionGuard: ConnectionGuard;
  health: () => Promise<GatewayHealth>;
  /** Runtime config of the chat page served at /apps/chat/. */
  webApp: WebAppRuntimeConfig;
  /** Origins the page was built to connect to (NEXT_PUBLIC_WS_URL, NEXT_PUBLIC_API_URL), for its CSP. */
  pageConnectOrigins: readonly string[];
}): FastifyInstance {
  // Typed as Fastify's logger so the app's type parameters stay Fastify's defaults, which the route modules take.
  const httpLog: FastifyBaseLogger = options.log.child({ component: 'http' });
  const app = Fastify({
    loggerInstance: httpLog,
    bodyLimit: options.maxPayloadBytes,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy,
    http: options.connectionGuard.serverOptions,
    frameworkErrors: refuseMalformedUrl,
    clientErrorHandler: answerClientError,
  });
  options.connectionGuard.protect(app.server, 'api');
  recordRequestMetrics(app, options.metrics.httpRequestDuration);
  registerSecurityHeaders(app, {
    socketPort: options.webApp.socket.enabled ? options.webApp.socket.port : null,
    connectOrigins: options.pageConnectOrigins,
    https: options.secureCookies,
  });
  void app.register(cookie);
  installErrorHandling(app, options.log);
  app.get('/api/health', async (_req, reply) => {
    const report = await options.health();
    return reply.status(report.status === 'ok' ? 200 : 503).send(report);
  });
  app.get('/api/metrics', async (_req, reply) => {
    return reply
      .status(200)
      .type(options.registry.contentType)
      .send(await options.registry.metrics());
  });
  registerAuthRoutes(app, options.backend, {
    secureCookies: options.secureCookies,
    metrics: options.metrics,
    verifier: options.verifier,
  });
  registerChatRoutes(app, options);
  registerNotificationRoutes(app, options);
  registerUserRoutes(app, options);
  registerWebApp(app, { runtime: options.webApp, log: options.log });
  registerContractDocs(app, { log: options.log });
  return app;
}
