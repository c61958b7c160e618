import type { AckFailure, NatsRequests, NatsRequestSubject, RateLimitKind } from '@chatrt/contracts';

/**
 * The gateway's only way to reach the services: contract requests over NATS, bounded in time. Any
 * request may be answered UNAVAILABLE (no responder, a timeout), whatever its subject's reply schema says.
 */
export interface Backend {
  request<S extends NatsRequestSubject>(
    subject: S,
    payload: NatsRequests[S]['request'],
  ): Promise<NatsRequests[S]['reply'] | AckFailure>;
}

/** Whether a user may act now, and if not, how many whole seconds to wait. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfter: number };

/** Per-user token buckets, one per kind of client command. */
export interface RateLimiter {
  consume(userId: string, kind: RateLimitKind): RateDecision;
  /** Counts commands the user made elsewhere (another gateway) against their limit here. */
  charge(userId: string, kind: RateLimitKind, count: number): void;
}

/** The transport a client command came in on. */
export type Transport = 'socket' | 'rest';

/** Counts the commands a rate limit refused. */
export interface RateLimitMetrics {
  rateLimited: { inc(labels: { transport: Transport; kind: RateLimitKind }): void };
}

/** A page of stored items after a position: `last` is the highest position it covered. */
export interface Page<Item> {
  items: Item[];
  last: number;
  hasMore: boolean;
}

/** Where a resumed delivery reads what it missed, and what happens when it cannot. */
export interface DeliverySource<Item> {
  /** The stored items after a position, one page. */
  fetchPage(after: number): Promise<Page<Item>>;
  /** A catch-up started by a gap in the live stream failed; the socket now misses something. */
  onCatchUpFailed(err: unknown): void;
}
