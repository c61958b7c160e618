import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** Whether a user may send now, and if not, how many seconds to wait. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfter: number };

export interface SendRateLimiter {
  consume(userId: string): Promise<RateDecision>;
  /** Counts sends the user made elsewhere (another gateway) against their limit here. */
  charge(userId: string, count: number): Promise<void>;
}

/**
 * Per-user send limit shared by all of a user's sockets and REST calls on this gateway: up to `burst` sends
 * at once and `perSecond` on average (a window of `burst` sends per `burst / perSecond` seconds).
 * `shareAcrossGateways` extends it to every gateway.
 */
export function createSendRateLimiter(options: { perSecond: number; burst: number }): SendRateLimiter {
  const limiter = new RateLimiterMemory({ keyPrefix: 'send', points: options.burst, duration: options.burst / options.perSecond });
  return {
    async consume(userId) {
      try {
        await limiter.consume(userId);
        return { allowed: true };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { allowed: false, retryAfter: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
    },
    async charge(userId, count) {
      await limiter.penalty(userId, count);
    },
  };
}
