import type { AckFailure, RateLimitKind } from '@chatrt/contracts';
import { CodedError, failure } from '@chatrt/service-kit';
import type { RateLimiter, RateLimitMetrics, Transport } from './ports.ts';

/** What each kind limits, for the refusal's message. */
const limited: Record<RateLimitKind, string> = {
  send: 'messages',
  createRoom: 'rooms created',
  edit: 'edits and deletions',
  join: 'room joins',
  membership: 'membership changes',
  read: 'read updates',
  subscribe: 'notification subscriptions',
  typing: 'typing signals',
};

/** The per-user rate limits as both transports apply them: one decision, one refusal shape, one metric. */
export interface RateLimitPolicy {
  /**
   * Takes one `kind` token of the user: undefined when allowed, else the RATE_LIMITED failure (the socket's ack,
   * REST's 429).
   */
  check(userId: string, kind: RateLimitKind, transport: Transport): AckFailure | undefined;
  /** The same for a REST-only limit: throws the RATE_LIMITED CodedError (answered 429 with Retry-After). */
  enforce(userId: string, kind: RateLimitKind): void;
}

export function createRateLimitPolicy(limiter: RateLimiter, metrics: RateLimitMetrics): RateLimitPolicy {
  const refusal = (userId: string, kind: RateLimitKind, transport: Transport) => {
    const decision = limiter.consume(userId, kind);
    if (decision.allowed) return undefined;
    metrics.rateLimited.inc({ transport, kind });
    return { message: `too many ${limited[kind]}; retry in ${decision.retryAfter} s`, retryAfter: decision.retryAfter };
  };
  return {
    check(userId, kind, transport) {
      const refused = refusal(userId, kind, transport);
      return refused && failure('RATE_LIMITED', refused.message, { retryAfter: refused.retryAfter });
    },
    enforce(userId, kind) {
      const refused = refusal(userId, kind, 'rest');
      if (refused) throw new CodedError('RATE_LIMITED', refused.message, { retryAfter: refused.retryAfter });
    },
  };
}
