import { describe, it, expect } from 'vitest';
import type { SessionToken } from '@chatrt/contracts';
import { backoffDelay, RateLimitGate, silentLogger } from '../src/index.ts';
import { SessionTokens } from '../src/token.ts';
import { ManualClock } from './support/manual-clock.ts';

describe('backoffDelay', () => {
  const ops = { baseMs: 1000, maxMs: 5000 };

  it('follows the ops doc: 1 s doubling, capped at the maximum', () => {
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, ops, () => 0.5))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('spreads each delay by at most ± the randomization factor', () => {
    expect(backoffDelay(0, ops, () => 0)).toBe(500);
    expect(backoffDelay(0, ops, () => 1)).toBe(1500);
    expect(backoffDelay(1, { ...ops, randomization: 0 }, () => 0)).toBe(2000);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(2, ops);
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(5000);
    }
  });
});

describe('RateLimitGate', () => {
  it('blocks for retryAfter seconds, counts down each second, then opens and says so once', async () => {
    const clock = new ManualClock();
    const gate = new RateLimitGate(clock);
    const seen: number[] = [];
    let ends = 0;
    gate.subscribe(() => seen.push(gate.get().secondsLeft));
    gate.onEnd(() => ends++);
    expect(gate.get().blocked).toBe(false);

    gate.block(3);
    let opened = false;
    const waiting = gate.wait().then(() => (opened = true));
    expect(gate.get()).toEqual({ blocked: true, secondsLeft: 3, until: clock.now() + 3000 });
    clock.advance(999);
    expect(gate.get().secondsLeft).toBe(3);
    clock.advance(1);
    expect(gate.get().secondsLeft).toBe(2);
    clock.advance(1500);
    expect(gate.get().secondsLeft).toBe(1);
    await Promise.resolve();
    expect(opened).toBe(false);
    clock.advance(500);
    await waiting;
    expect(gate.get()).toEqual({ blocked: false, secondsLeft: 0, until: undefined });
    expect(seen).toEqual([3, 2, 1, 0]);
    expect(ends).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('extends a block but never shortens it', () => {
    const clock = new ManualClock();
    const gate = new RateLimitGate(clock);
    gate.block(5);
    gate.block(2);
    expect(gate.get().secondsLeft).toBe(5);
    clock.advance(1000);
    gate.block(10);
    expect(gate.get().secondsLeft).toBe(10);
    clock.advance(10_000);
    expect(gate.get().blocked).toBe(false);
  });

  it('wait() resolves at once when open', async () => {
    await new RateLimitGate(new ManualClock()).wait();
  });
});

describe('SessionTokens', () => {
  function source(clock: ManualClock, lifeMs: number) {
    let issued = 0;
    let answer: 'token' | 'none' | 'down' = 'token';
    return {
      get issued() {
        return issued;
      },
      set(next: typeof answer) {
        answer = next;
      },
      sessionToken(): Promise<SessionToken | null> {
        if (answer === 'down') return Promise.reject(new Error('network down'));
        if (answer === 'none') return Promise.resolve(null);
        issued++;
        const payload = btoa(JSON.stringify({ sub: 'user-1', n: issued })).replace(/=+$/, '');
        const expiresAt = new Date(clock.now() + lifeMs).toISOString();
        return Promise.resolve({ token: `h.${payload}.s${issued}`, expiresAt });
      },
    };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('reuses a token until 80% of its life, then fetches a new one; reads the user from it', async () => {
    const clock = new ManualClock();
    const src = source(clock, 10_000);
    const tokens = new SessionTokens({ source: src, refreshRatio: 0.8, retryMaxMs: 1000, logger: silentLogger, clock });
    const first = await tokens.get();
    expect(tokens.userId).toBe('user-1');
    clock.advance(7_999);
    expect(await tokens.get()).toBe(first);
    clock.advance(1);
    expect(await tokens.get()).not.toBe(first);
    expect(src.issued).toBe(2);
  });

  it('refreshes by itself at 80% of each token life and reports a lost session', async () => {
    const clock = new ManualClock();
    const src = source(clock, 5_000);
    const tokens = new SessionTokens({ source: src, refreshRatio: 0.8, retryMaxMs: 1000, logger: silentLogger, clock });
    let lost = 0;
    tokens.onLost(() => lost++);
    await tokens.get();
    tokens.startAutoRefresh();
    for (const expected of [2, 3, 4]) {
      clock.advance(4_000);
      await settle();
      expect(src.issued).toBe(expected);
    }
    src.set('none');
    clock.advance(4_000);
    await settle();
    expect(lost).toBe(1);
    expect(tokens.current).toBeUndefined();
    tokens.stop();
  });

  it(
    'retries a failed refresh with backoff and keeps the old token meanwhile; ' + 'invalidate() forces a fetch',
    async () => {
      const clock = new ManualClock();
      const src = source(clock, 5_000);
      const tokens = new SessionTokens({
        source: src,
        refreshRatio: 0.8,
        retryMaxMs: 1000,
        logger: silentLogger,
        clock,
      });
      const first = await tokens.get();
      tokens.startAutoRefresh();
      src.set('down');
      clock.advance(4_000);
      await settle();
      expect(tokens.current).toBe(first);
      src.set('token');
      clock.advance(1_000);
      await settle();
      expect(src.issued).toBe(2);
      tokens.invalidate();
      await tokens.get();
      expect(src.issued).toBe(3);
      tokens.stop();
    },
  );
});
