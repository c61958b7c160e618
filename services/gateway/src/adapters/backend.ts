import type { NatsRequests, NatsRequestSubject } from '@chatrt/contracts';
import { request, type NatsConnection } from '@chatrt/service-kit';
import type { GatewayMetrics } from './metrics.ts';

/** The gateway's only way to reach the services: contract requests over NATS, bounded in time. */
export interface Backend {
  request<S extends NatsRequestSubject>(subject: S, payload: NatsRequests[S]['request']): Promise<NatsRequests[S]['reply']>;
}

export function natsBackend(nc: NatsConnection, timeoutMs: number, metrics: GatewayMetrics): Backend {
  return {
    async request(subject, payload) {
      const stop = metrics.natsRequestDuration.startTimer({ subject });
      const reply = await request(nc, subject, payload, timeoutMs);
      stop({ outcome: 'ok' in reply && reply.ok === false ? reply.error.code : 'ok' });
      return reply;
    },
  };
}
