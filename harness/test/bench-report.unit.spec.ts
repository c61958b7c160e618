import { describe, expect, it } from 'vitest';
import { highestSustained, type AckPoint } from '../bench/report-measures.ts';

const point = (offeredPerSecond: number, p99: number, extra: Partial<AckPoint> = {}): AckPoint => ({
  offeredPerSecond,
  sentPerSecond: offeredPerSecond,
  failed: 0,
  ackMs: { count: 1, p50: p99 / 2, p90: p99, p99, p999: p99, max: p99 },
  ...extra,
});

describe('the highest rate sustained with p99 ≤ 50 ms', () => {
  it('is the highest offered rate whose p99 stayed at or under the bound', () => {
    expect(highestSustained([point(250, 10), point(500, 50), point(1000, 51)], 50)).toBe(500);
  });

  it('does not count a rate where sends were refused or the generator fell behind', () => {
    expect(
      highestSustained([point(250, 10), point(500, 20, { failed: 1 }), point(1000, 30, { sentPerSecond: 900 })], 50),
    ).toBe(250);
  });

  it('is 0 when no rate met it', () => {
    expect(highestSustained([point(250, 60)], 50)).toBe(0);
  });
});
