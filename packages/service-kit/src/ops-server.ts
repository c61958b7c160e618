import { createServer, type Server } from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { AddressInfo } from 'node:net';
import type { Lifecycle } from './lifecycle.ts';
import type { Logger } from './logger.ts';
import { uncaughtErrors } from './process-guard.ts';

/** A named readiness check; resolves when the dependency works, rejects otherwise. */
export type HealthCheck = () => Promise<void>;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  service: string;
  uptime: number;
  /** Per check, 'ok' or why it failed. */
  checks: Record<string, string>;
}

/** Runs every check, each bounded in time, and reports the service ready only when all pass. */
export async function checkHealth(service: string, checks: Record<string, HealthCheck>): Promise<HealthReport> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) =>
            setTimeout(() => {
              reject(new Error('timed out after 2s'));
            }, 2000).unref(),
          ),
        ]);
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, err instanceof Error ? err.message : String(err)] as const;
      }
    }),
  );
  const failed = results.some(([, result]) => result !== 'ok');
  return {
    status: failed ? 'unavailable' : 'ok',
    service,
    uptime: process.uptime(),
    checks: Object.fromEntries(results),
  };
}

/** A Prometheus registry with the process's default metrics and uncaught errors, labelled with the service name. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  registry.registerMetric(uncaughtErrors);
  return registry;
}

/** Serves `GET /health` (200 or 503) and `GET /metrics` for a backend service. */
export async function startOpsServer(options: {
  port: number;
  service: string;
  checks: Record<string, HealthCheck>;
  registry: Registry;
  log: Logger;
}): Promise<Server> {
  const server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') {
      void checkHealth(options.service, options.checks).then((report) => {
        send(report.status === 'ok' ? 200 : 503, 'application/json', JSON.stringify(report));
      });
    } else if (req.method === 'GET' && path === '/metrics') {
      void options.registry.metrics().then((body) => {
        send(200, options.registry.contentType, body);
      });
    } else {
      send(
        404,
        'application/json',
        JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${path}` } }),
      );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '0.0.0.0', resolve);
  });
  options.log.info({ port: options.port }, 'ops server listening (/health, /metrics)');
  return server;
}

/** Starts the ops server (see `startOpsServer`), closed by `lifecycle` on shutdown; returns the port it listens on. */
export async function serveOps(lifecycle: Lifecycle, options: Parameters<typeof startOpsServer>[0]): Promise<number> {
  const server = lifecycle.add('ops server', await startOpsServer(options), closeServer);
  return (server.address() as AddressInfo).port;
}

/** Stops an HTTP server, dropping idle keep-alive connections (a metrics scraper) that would hold close() open. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => {
      if (err) reject(err);
      else resolve();
    });
    server.closeAllConnections();
  });
}
