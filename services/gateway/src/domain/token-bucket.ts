/** A bucket's size and refill: `burst` tokens at once, `perSecond` on average. */
export interface BucketLimit {
  perSecond: number;
  burst: number;
}

/** Whether a token was taken, and if not, how long until one is there (millis). */
export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Token buckets keyed by user, as GCRA (the generic cell rate algorithm redis-cell and Envoy use): each
 * key keeps only its theoretical arrival time `tat`, the moment its bucket would be full again. A take
 * at `now` moves `tat` one emission interval (1 / perSecond) later; it is allowed while `tat` stays within
 * `burst` intervals of `now`. So a full bucket lets `burst` through at once, and no window of length t
 * ever lets more than `burst + perSecond × t` through. Charges from elsewhere move `tat` without limit:
 * the bucket can go below empty and refuses until it has refilled past zero. Pure: time is an argument.
 */
export class TokenBuckets {
  readonly #intervalMs: number;
  readonly #capacityMs: number;
  readonly #tats = new Map<string, number>();

  constructor(limit: BucketLimit) {
    this.#intervalMs = 1000 / limit.perSecond;
    this.#capacityMs = limit.burst * this.#intervalMs;
  }

  /** Takes one token from `key`'s bucket at `now` (millis), if there is one. */
  take(key: string, now: number): TakeResult {
    const next = Math.max(this.#tats.get(key) ?? now, now) + this.#intervalMs;
    const excessMs = next - now - this.#capacityMs;
    // A micro-second of slack absorbs float rounding, so a client at exactly the rate is never refused.
    if (excessMs > 0.001) return { allowed: false, retryAfterMs: excessMs };
    this.#tats.set(key, next);
    return { allowed: true };
  }

  /** Removes `count` tokens from `key`'s bucket whatever it holds (usage another gateway let through). */
  charge(key: string, count: number, now: number): void {
    this.#tats.set(key, Math.max(this.#tats.get(key) ?? now, now) + count * this.#intervalMs);
  }

  /** Forgets the buckets that are full again at `now`: they hold nothing a fresh bucket would not. */
  sweep(now: number): void {
    for (const [key, tat] of this.#tats) if (tat <= now) this.#tats.delete(key);
  }

  /** Keys with a bucket that is not full (for tests and metrics). */
  get size(): number {
    return this.#tats.size;
  }
}
