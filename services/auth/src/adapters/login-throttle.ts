import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Pool } from '@chatrt/service-kit';
import type { LoginThrottle } from '../application/ports.ts';

/** Limits on failed logins; see domain/login-policy.ts. */
export interface LoginThrottleOptions {
  /** Failed logins in a row for one username from one address before the pair is paused… */
  maxFailures: number;
  /** …for this many seconds. */
  blockSeconds: number;
  /** Failed logins against existing usernames from one address in a day. */
  maxFailuresPerAddress: number;
  /** Failed logins with usernames that do not exist from one address in a day. */
  maxUnknownUserFailuresPerAddress: number;
}

const day = 24 * 60 * 60;

/**
 * Counts failures per key in Postgres (auth.login_failures, created by a migration), so every auth instance
 * behind every gateway shares one count; the `limit`-th failure blocks the key for `blockSeconds`.
 */
function failureCounter(pool: Pool, keyPrefix: string, limit: number, blockSeconds: number) {
  const limiter = new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    schemaName: 'auth',
    tableName: 'login_failures',
    tableCreated: true,
    // The service's hourly purge deletes expired rows; the library's own timer would outlive the pool.
    clearExpiredByTimeout: false,
    keyPrefix,
    points: limit,
    duration: day,
  });
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
 * The login protection rate-limiter-flexible documents, with the per-address count split in two: failures in
 * a row per (username, address), which a success clears; failures per address a day against existing
 * usernames; and, apart, with unknown usernames, so spraying made-up names cannot hold back real users.
 */
export function createLoginThrottle(pool: Pool, options: LoginThrottleOptions): LoginThrottle {
  const byPair = failureCounter(pool, 'login-user-address', options.maxFailures, options.blockSeconds);
  const byAddressKnown = failureCounter(pool, 'login-address-known', options.maxFailuresPerAddress, day);
  const byAddressUnknown = failureCounter(pool, 'login-address-unknown', options.maxUnknownUserFailuresPerAddress, day);
  const pairKey = (usernameKey: string, address: string) => `${usernameKey}|${address}`;

  return {
    pairWaitMs: (usernameKey, address) => byPair.blockedFor(pairKey(usernameKey, address)),
    async addressWaits(address) {
      const [knownMs, unknownMs] = await Promise.all([
        byAddressKnown.blockedFor(address),
        byAddressUnknown.blockedFor(address),
      ]);
      return { knownMs, unknownMs };
    },
    async failed(usernameKey, address, knownUser, waits) {
      const [counter, blocked] = knownUser
        ? [byAddressKnown, waits.knownMs > 0]
        : [byAddressUnknown, waits.unknownMs > 0];
      // A blocked address is not counted further, so its day is not prolonged attempt by attempt.
      await Promise.all([byPair.fail(pairKey(usernameKey, address)), blocked ? undefined : counter.fail(address)]);
    },
    succeeded: (usernameKey, address) => byPair.clear(pairKey(usernameKey, address)),
  };
}
