import { randomUUID } from 'node:crypto';
import { subjects, type ChatEvents, type components, type Notification } from '@chatrt/contracts';
import { connectNats, createMetricsRegistry, natsHealthCheck, startService, type Logger } from '@chatrt/service-kit';
import type { GatewayConfig } from './config.ts';
import { createChatCommands } from './application/chat-commands.ts';
import { createRateLimitPolicy } from './application/rate-limits.ts';
import { natsBackend } from './adapters/backend.ts';
import { createGatewayMetrics, observeFeeds } from './adapters/metrics.ts';
import { createRateLimiter } from './adapters/rate-limiter.ts';
import { shareAcrossGateways } from './adapters/rate-limit-sharing.ts';
import { createTokenVerifier } from './adapters/token-verifier.ts';
import { ConnectionGuard } from './adapters/connection-guard.ts';
import { watchSessionRevocations } from './adapters/session-revocations.ts';
import { createHttpApp } from './adapters/http/server.ts';
import { SocketServer } from './adapters/socket/server.ts';
import { SubjectFeed } from './adapters/socket/subject-feed.ts';
import { InFlight } from './adapters/socket/in-flight.ts';

type GatewayHealth = components['schemas']['GatewayHealth'];

/** A running gateway; ports are the bound ones (useful when configured as 0). */
export interface Gateway {
  gatewayId: string;
  httpPort: number;
  socketPort: number | undefined;
  close(): Promise<void>;
}

/** Starts the public edge: REST on config.httpPort and, unless disabled, Socket.IO on config.socketPort. */
export function startGateway(config: GatewayConfig, log: Logger): Promise<Gateway> {
  const gatewayId = randomUUID();
  return startService(log, async (lifecycle) => {
    const nc = lifecycle.add('nats', await connectNats(config.natsUrl, `gateway-${gatewayId}`, log), (c) => c.drain());
    const registry = createMetricsRegistry('gateway');
    const metrics = createGatewayMetrics(registry);
    const backend = natsBackend(nc, config.requestTimeoutMs, metrics);
    const revocations = lifecycle.add('session revocations', watchSessionRevocations({ nc, backend, log }), (r) =>
      r.close(),
    );
    const verifier = createTokenVerifier(backend, revocations, log);
    const limiter = lifecycle.add(
      'rate limit sharing',
      shareAcrossGateways(createRateLimiter(config.rateLimits), {
        nc,
        gatewayId,
        log,
        flushIntervalMs: config.rateLimitShareIntervalMs,
      }),
      (l) => l.close(),
    );
    const rateLimits = createRateLimitPolicy(limiter, metrics);
    const commands = createChatCommands({ backend, rateLimits });
    const connectionGuard = new ConnectionGuard(config.connections, { log, refused: metrics.connectionsRefused });
    await verifier.refresh().catch((err: unknown) => {
      log.warn({ err }, 'auth keys not loaded yet; will retry on first use');
    });
    await revocations.start();

    const natsHealth = natsHealthCheck(nc);
    const health = (service: string, port: () => number) => async (): Promise<GatewayHealth> => {
      const nats = natsHealth().then(
        () => 'ok',
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      );
      if (!verifier.ready()) await verifier.refresh().catch(() => {});
      if (!revocations.ready()) await revocations.start();
      const checks: Record<string, string> = {
        nats: await nats,
        authKeys: verifier.ready() ? 'ok' : 'not loaded',
        sessionRevocations: revocations.ready() ? 'ok' : 'not loaded',
      };
      const ok = Object.values(checks).every((v) => v === 'ok');
      return {
        status: ok ? 'ok' : 'unavailable',
        service,
        uptime: process.uptime(),
        port: port(),
        environment: config.environment,
        checks,
      };
    };

    let socketPort: number | undefined;
    if (config.socketEnabled) {
      const roomEvents = new SubjectFeed<ChatEvents>(nc, log, subjects.chatEvents);
      const notifications = new SubjectFeed<Notification>(nc, log, subjects.notifyEvents);
      observeFeeds(registry, { room: roomEvents, notifications });
      const socketServer = new SocketServer({
        nc,
        gatewayId,
        backend,
        commands,
        verifier,
        revocations,
        registry,
        metrics,
        rateLimits,
        roomEvents,
        notifications,
        inFlight: new InFlight(),
        log,
        path: config.socketPath,
        allowedOrigins: config.allowedOrigins,
        maxPayloadBytes: config.maxPayloadBytes,
        maxBufferedPackets: config.maxBufferedPackets,
        batchLimits: config.batchLimits,
        pingIntervalMs: config.pingIntervalMs,
        pingTimeoutMs: config.pingTimeoutMs,
        connectionGuard,
        handshakeTimeoutMs: config.connections.handshakeTimeoutMs,
        presenceHeartbeatMs: config.presenceHeartbeatMs,
        replayPageSize: config.replayPageSize,
        replayMaxConcurrentPages: config.replayMaxConcurrentPages,
        health: health('websocket', () => socketPort ?? config.socketPort),
      });
      socketPort = await socketServer.listen(config.socketPort);
      lifecycle.add('socket.io', socketServer, (s) => s.close(config.shutdownGraceMs));
      log.info({ port: socketPort, path: config.socketPath }, 'Socket.IO listening');
    }

    let httpPort = config.httpPort;
    const app = createHttpApp({
      backend,
      commands,
      verifier,
      rateLimits,
      metrics,
      registry,
      log,
      maxPayloadBytes: config.maxPayloadBytes,
      secureCookies: config.secureCookies,
      trustProxy: config.trustProxy,
      connectionGuard,
      health: health('api', () => httpPort),
      webApp: { socket: { enabled: config.socketEnabled, port: socketPort ?? null, path: config.socketPath } },
      pageConnectOrigins: config.pageConnectOrigins,
    });
    await app.listen({ port: config.httpPort, host: '0.0.0.0' });
    httpPort = (app.server.address() as { port: number }).port;
    lifecycle.add('http', app, (a) => a.close());
    log.info({ port: httpPort }, 'REST listening');

    return { gatewayId, httpPort, socketPort };
  });
}
