import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from '../metrics.ts';

/**
 * Times every REST response by method, route template (`/api/rooms/:roomId/messages`, never the ids in
 * the path; `unmatched` when no route matched) and status: the REST half of the RED metrics.
 */
export function recordRequestMetrics(app: FastifyInstance, duration: GatewayMetrics['httpRequestDuration']): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}
