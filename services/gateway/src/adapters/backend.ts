import type { NatsRequests, NatsRequestSubject } from '@chatrt/contracts';
import { request, type NatsConnection } from '@chatrt/service-kit';

/** The gateway's only way to reach the services: contract requests over NATS, bounded in time. */
export interface Backend {
  request<S extends NatsRequestSubject>(subject: S, payload: NatsRequests[S]['request']): Promise<NatsRequests[S]['reply']>;
}

export function natsBackend(nc: NatsConnection, timeoutMs: number): Backend {
  return { request: (subject, payload) => request(nc, subject, payload, timeoutMs) };
}
