import { request, type NatsConnection } from '@chatrt/service-kit';
import type { Backend } from '../application/ports.ts';
import type { GatewayMetrics } from './metrics.ts';

/** The backend port over NATS: each request timed by subject and outcome. */
export function natsBackend(nc: NatsConnection, timeoutMs: number, metrics: GatewayMetrics): Backend {
  return {
    async request(subject, payload) {
      const stop = metrics.natsRequestDuration.startTimer({ subject });
      const reply = await request(nc, subject, payload, timeoutMs);
      stop({ outcome: 'ok' in reply && !reply.ok ? reply.error.code : 'ok' });
      return reply;
    },
  };
}
