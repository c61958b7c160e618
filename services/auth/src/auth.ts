import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  connectNats,
  createHandlerMetrics,
  createMetricsRegistry,
  natsHealthCheck,
  openDatabase,
  postgresHealthCheck,
  serveOps,
  startService,
  type Logger,
} from '@chatrt/service-kit';
import type { AuthConfig } from './config.ts';
import { createAuthService, type AuthService } from './application/auth-service.ts';
import { createAuthMetrics } from './adapters/metrics.ts';
import { startAuthResponders } from './adapters/nats-responders.ts';
import { createPasswordHasher } from './adapters/password-hasher.ts';
import { createLoginThrottle } from './adapters/login-throttle.ts';
import { createPostgresAuthStore } from './adapters/postgres-store.ts';
import { natsRevocationPublisher } from './adapters/revocation-publisher.ts';
import { sessionIds } from './adapters/session-ids.ts';
import { createTokenSigner } from './adapters/token-signer.ts';

const SERVICE = 'auth';
const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/** A started auth service. */
export interface RunningAuth {
  /** The port the ops server (/health, /metrics) actually listens on. */
  opsPort: number;
  /** Stops taking requests, then releases NATS and Postgres; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Starts the auth service: migrations, Postgres pool, NATS, responders, ops server. If a step fails,
 * whatever already started is closed before the error is rethrown.
 */
export function startAuth(config: AuthConfig, log: Logger): Promise<RunningAuth> {
  return startService(log, async (lifecycle) => {
    const pool = await openDatabase(lifecycle, {
      databaseUrl: config.databaseUrl,
      schema: SERVICE,
      migrationsDir,
      log,
    });
    const passwords = await createPasswordHasher();
    const signer = await createTokenSigner(config.signingKey);
    log.info({ kid: signer.kid }, 'session token signing key loaded');

    const nc = lifecycle.add('nats', await connectNats(config.natsUrl, SERVICE, log), (c) => c.drain());
    const registry = createMetricsRegistry(SERVICE);
    const service = createAuthService({
      store: createPostgresAuthStore(pool),
      passwords,
      signer,
      sessionIds,
      throttle: createLoginThrottle(pool, config.login),
      revocations: natsRevocationPublisher(nc, log),
      metrics: createAuthMetrics(registry),
      clock: () => new Date(),
      newId: randomUUID,
      sessionTtlSeconds: config.sessionTtlSeconds,
      sessionTokenTtlSeconds: config.sessionTokenTtlSeconds,
      log,
    });
    lifecycle.add('responders', startAuthResponders(nc, service, log, createHandlerMetrics(registry)), (r) =>
      r.close(),
    );
    lifecycle.add('session purge', schedulePurge(service, log), clearInterval);

    const opsPort = await serveOps(lifecycle, {
      port: config.opsPort,
      service: SERVICE,
      checks: {
        postgres: postgresHealthCheck(pool),
        nats: natsHealthCheck(nc),
      },
      registry,
      log,
    });
    return { opsPort };
  });
}

const purgeIntervalMs = 60 * 60 * 1000;

/** Deletes expired sessions and stale login records hourly (they count no more; this keeps the tables small). */
function schedulePurge(service: AuthService, log: Logger): NodeJS.Timeout {
  const timer = setInterval(() => {
    service.purgeExpired().then(
      (deleted) => {
        if (deleted > 0) log.info({ deleted }, 'expired sessions and login records deleted');
      },
      (err: unknown) => {
        log.error({ err }, 'deleting expired sessions failed; will retry next hour');
      },
    );
  }, purgeIntervalMs);
  timer.unref();
  return timer;
}
