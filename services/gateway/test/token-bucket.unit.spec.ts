import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../src/domain/token-bucket.ts';
import { createRateLimiter, rateLimitKinds, type RateLimits } from '../src/adapters/rate-limiter.ts';

const fiveASecondBurstTen = { perSecond: 5, burst: 10 };

describe('TokenBuckets (GCRA)', () => {
  it('lets a full bucket burst, then refills at the rate', () => {
    const buckets = new TokenBuckets(fiveASecondBurstTen);
    for (let i = 0; i < 10; i++) expect(buckets.take('u', 0)).toEqual({ allowed: true });
    expect(buckets.take('u', 0)).toEqual({ allowed: false, retryAfterMs: 200 });
    expect(buckets.take('u', 199)).toMatchObject({ allowed: false });
    expect(buckets.take('u', 200)).toEqual({ allowed: true });
    expect(buckets.take('other', 200)).toEqual({ allowed: true });
  });

  it('lets a client that sent steadily at 4.5/s send 5 at once (a fixed window refuses it)', () => {
    const buckets = new TokenBuckets(fiveASecondBurstTen);
    let now = 0;
    for (let i = 0; i < 45; i++, now += 1000 / 4.5) expect(buckets.take('u', now).allowed).toBe(true);
    for (let i = 0; i < 5; i++) expect(buckets.take('u', now).allowed).toBe(true);
  });

  it('never lets more than burst + rate × t through in any window t, whatever the arrival pattern', () => {
    const buckets = new TokenBuckets(fiveASecondBurstTen);
    const allowed: number[] = [];
    // Bursty arrivals every 1–37 ms for 30 s: windows at every edge included.
    let seed = 7;
    for (let now = 0; now < 30_000; now += 1 + ((seed = (seed * 48271) % 2147483647) % 37)) {
      if (buckets.take('u', now).allowed) allowed.push(now);
    }
    for (let i = 0; i < allowed.length; i++) {
      for (let j = i; j < allowed.length; j++) {
        const t = (allowed[j]! - allowed[i]!) / 1000;
        expect(j - i + 1).toBeLessThanOrEqual(10 + 5 * t + 1e-9);
      }
    }
    // …and it does let the average through: 10 at first, then 5 a second.
    expect(allowed.length).toBeGreaterThanOrEqual(10 + 5 * 29);
  });

  it('goes below empty when charged with usage from elsewhere, and refuses until refilled past it', () => {
    const buckets = new TokenBuckets(fiveASecondBurstTen);
    buckets.charge('u', 15, 0); // five more than the bucket holds
    expect(buckets.take('u', 0)).toEqual({ allowed: false, retryAfterMs: 1200 });
    expect(buckets.take('u', 1199)).toMatchObject({ allowed: false });
    expect(buckets.take('u', 1200)).toEqual({ allowed: true });
  });

  it('forgets only buckets that are full again', () => {
    const buckets = new TokenBuckets(fiveASecondBurstTen);
    buckets.take('a', 0);
    buckets.charge('b', 10, 0);
    buckets.sweep(200);
    expect(buckets.size).toBe(1);
    buckets.sweep(2000);
    expect(buckets.size).toBe(0);
  });
});

describe('createRateLimiter', () => {
  const limits = Object.fromEntries(rateLimitKinds.map((kind) => [kind, { perSecond: 1, burst: 2 }])) as RateLimits;

  it('keeps one bucket per user and kind, and answers whole seconds to wait', () => {
    let now = 0;
    const limiter = createRateLimiter({ ...limits, join: { perSecond: 0.25, burst: 1 } }, () => now);
    expect(limiter.consume('u', 'join')).toEqual({ allowed: true });
    expect(limiter.consume('u', 'join')).toEqual({ allowed: false, retryAfter: 4 });
    expect(limiter.consume('u', 'send')).toEqual({ allowed: true });
    now = 3_500;
    expect(limiter.consume('u', 'join')).toEqual({ allowed: false, retryAfter: 1 });
    now = 4_000;
    expect(limiter.consume('u', 'join')).toEqual({ allowed: true });
  });

  it('charges another gateway’s usage to the same user and kind only', () => {
    const limiter = createRateLimiter(limits, () => 0);
    limiter.charge('u', 'edit', 2);
    expect(limiter.consume('u', 'edit')).toMatchObject({ allowed: false });
    expect(limiter.consume('u', 'send')).toEqual({ allowed: true });
    expect(limiter.consume('v', 'edit')).toEqual({ allowed: true });
  });
});
