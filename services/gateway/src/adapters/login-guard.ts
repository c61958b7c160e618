import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateDecision } from './rate-limiter.ts';

/** Limits on failed logins; see `createLoginGuard`. */
export interface LoginGuardOptions {
  /** Failed logins in a row for one username from one address before it is paused. */
  maxFailures: number;
  /** How long such a pause lasts, in seconds. */
  blockSeconds: number;
  /** Failed logins from one address in a day, whatever the usernames. */
  maxFailuresPerAddress: number;
}

/** Throttles password guessing at the edge. */
export interface LoginGuard {
  /** Whether a login may be tried now (checked before the password is). */
  check(address: string, username: string): Promise<RateDecision>;
  failed(address: string, username: string): Promise<void>;
  succeeded(address: string, username: string): Promise<void>;
}

const day = 24 * 60 * 60;

/** Counts failures per key; the `limit`-th failure blocks the key for `blockSeconds`. */
function failureCounter(keyPrefix: string, limit: number, blockSeconds: number) {
  const limiter = new RateLimiterMemory({ keyPrefix, points: limit, duration: day });
  return {
    /** Millis until the key may try again; 0 when it is not blocked. */
    async blockedFor(key: string): Promise<number> {
      const res = await limiter.get(key);
      // block() records one point more than the limit; counting up to the limit never blocks by itself.
      return res !== null && res.consumedPoints > limit ? res.msBeforeNext : 0;
    },
    async fail(key: string): Promise<void> {
      const res = await limiter.consume(key).catch((rejection: unknown) => {
        if (rejection instanceof RateLimiterRes) return rejection;
        throw rejection;
      });
      if (res.consumedPoints >= limit) await limiter.block(key, blockSeconds);
    },
    async clear(key: string): Promise<void> {
      await limiter.delete(key);
    },
  };
}

/**
 * The login protection rate-limiter-flexible documents: failures in a row per (username, address), which
 * a success clears, and failures per address a day, so one address cannot try many usernames either.
 * Usernames compare case-insensitively, as the auth service does. State is per gateway.
 */
export function createLoginGuard(options: LoginGuardOptions): LoginGuard {
  const byUserAndAddress = failureCounter('login-user-address', options.maxFailures, options.blockSeconds);
  const byAddress = failureCounter('login-address', options.maxFailuresPerAddress, day);
  const userKey = (address: string, username: string) => `${username.toLowerCase()}|${address}`;

  return {
    async check(address, username) {
      const waits = await Promise.all([byUserAndAddress.blockedFor(userKey(address, username)), byAddress.blockedFor(address)]);
      const waitMs = Math.max(...waits);
      return waitMs > 0 ? { allowed: false, retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) } : { allowed: true };
    },
    async failed(address, username) {
      await Promise.all([byUserAndAddress.fail(userKey(address, username)), byAddress.fail(address)]);
    },
    async succeeded(address, username) {
      await byUserAndAddress.clear(userKey(address, username));
    },
  };
}
