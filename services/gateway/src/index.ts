import type { Server as HttpServer } from 'node:http';
import type { components } from '@chatrt/contracts';
import { connectNats, Lifecycle, type Logger } from '@chatrt/service-kit';
import type { GatewayConfig } from './config.ts';
import { natsBackend } from './adapters/backend.ts';
import { createTokenVerifier } from './adapters/token-verifier.ts';
import { createHttpApp } from './adapters/http/server.ts';
import { createSocketServer } from './adapters/socket/server.ts';
import { RoomFeed } from './adapters/socket/room-feed.ts';

export { loadGatewayConfig, type GatewayConfig } from './config.ts';

type GatewayHealth = components['schemas']['GatewayHealth'];

/** A running gateway; ports are the bound ones (useful when configured as 0). */
export interface Gateway {
  httpPort: number;
  socketPort: number | undefined;
  close(): Promise<void>;
}

/** Starts the public edge: REST on config.httpPort and, unless disabled, Socket.IO on config.socketPort. */
export async function startGateway(config: GatewayConfig, log: Logger): Promise<Gateway> {
  const lifecycle = new Lifecycle(log);
  try {
    const nc = lifecycle.add('nats', await connectNats(config.natsUrl, 'gateway', log), (c) => c.drain());
    const backend = natsBackend(nc, config.requestTimeoutMs);
    const verifier = createTokenVerifier(backend, log);
    await verifier.refresh().catch((err: unknown) => log.warn({ err }, 'auth keys not loaded yet; will retry on first use'));

    const health = (service: string, port: number) => async (): Promise<GatewayHealth> => {
      const checks: Record<string, string> = {
        nats: nc.isClosed() ? 'closed' : 'ok',
        authKeys: verifier.ready() ? 'ok' : 'not loaded',
      };
      if (!verifier.ready()) await verifier.refresh().then(() => (checks['authKeys'] = 'ok'), () => {});
      const ok = Object.values(checks).every((v) => v === 'ok');
      return { status: ok ? 'ok' : 'unavailable', service, uptime: process.uptime(), port, environment: config.environment, checks };
    };

    let socketPort: number | undefined;
    if (config.socketEnabled) {
      const feed = new RoomFeed(nc, log);
      let boundSocketPort = config.socketPort;
      const socket = createSocketServer({
        backend,
        verifier,
        feed,
        log,
        path: config.socketPath,
        allowedOrigins: config.allowedOrigins,
        maxPayloadBytes: config.maxPayloadBytes,
        health: () => health('websocket', boundSocketPort)(),
      });
      boundSocketPort = await listen(socket.http, config.socketPort);
      socketPort = boundSocketPort;
      lifecycle.add('socket.io', socket.io, (io) => io.close());
      log.info({ port: socketPort, path: config.socketPath }, 'Socket.IO listening');
    }

    let boundHttpPort = config.httpPort;
    const app = createHttpApp({
      backend,
      verifier,
      log,
      maxPayloadBytes: config.maxPayloadBytes,
      secureCookies: config.secureCookies,
      health: () => health('api', boundHttpPort)(),
    });
    await app.listen({ port: config.httpPort, host: '0.0.0.0' });
    boundHttpPort = (app.server.address() as { port: number }).port;
    lifecycle.add('http', app, (a) => a.close());
    log.info({ port: boundHttpPort }, 'REST listening');

    return { httpPort: boundHttpPort, socketPort, close: () => lifecycle.shutdown() };
  } catch (err) {
    await lifecycle.shutdown();
    throw err;
  }
}

function listen(server: HttpServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve((server.address() as { port: number }).port));
  });
}
