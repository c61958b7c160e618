import type { RateLimitKind } from '@chatrt/contracts';
import type { RateLimiter } from '../application/ports.ts';
import { TokenBuckets, type BucketLimit } from '../domain/token-bucket.ts';

/** Every kind of client command with a per-user limit. */
export const rateLimitKinds = [
  'send',
  'createRoom',
  'edit',
  'join',
  'membership',
  'read',
  'subscribe',
  'typing',
] as const satisfies readonly RateLimitKind[];

/** A limit per kind. */
export type RateLimits = Record<RateLimitKind, BucketLimit>;

/** How often buckets that refilled completely are forgotten, in millis. */
const sweepIntervalMs = 60_000;

/**
 * Per-user token buckets, one per kind, shared by all of a user's sockets and REST calls on this
 * gateway (`shareAcrossGateways` extends them to every gateway). `now` is injectable for tests.
 */
export function createRateLimiter(limits: RateLimits, now: () => number = Date.now): RateLimiter {
  const buckets = new Map(rateLimitKinds.map((kind) => [kind, new TokenBuckets(limits[kind])]));
  const bucketsOf = (kind: RateLimitKind) => {
    const bucket = buckets.get(kind);
    if (!bucket) throw new Error(`no rate limit for '${kind}'`);
    return bucket;
  };
  let lastSweep = now();
  const sweepNow = (at: number) => {
    if (at - lastSweep < sweepIntervalMs) return;
    lastSweep = at;
    for (const bucket of buckets.values()) bucket.sweep(at);
  };
  return {
    consume(userId, kind) {
      const at = now();
      sweepNow(at);
      const result = bucketsOf(kind).take(userId, at);
      return result.allowed
        ? result
        : { allowed: false, retryAfter: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) };
    },
    charge(userId, kind, count) {
      bucketsOf(kind).charge(userId, count, now());
    },
  };
}
