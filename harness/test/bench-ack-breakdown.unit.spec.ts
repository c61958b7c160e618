import { describe, expect, it } from 'vitest';
import { histogramBuckets, quantileMs } from '../bench/ack-breakdown.ts';

const exposition = (counts: Record<string, number>, other = 0) =>
  [
    '# TYPE socket_ack_duration_seconds histogram',
    ...Object.entries(counts).map(
      ([le, count]) => `socket_ack_duration_seconds_bucket{le="${le}",namespace="/chat",event="sendMessage"} ${count}`,
    ),
    `socket_ack_duration_seconds_bucket{le="+Inf",namespace="/chat",event="joinRoom"} ${other}`,
  ].join('\n');

describe("the ack breakdown's reading of a histogram", () => {
  it('sums the buckets of the series carrying the labels asked for, and only those', () => {
    const buckets = histogramBuckets(exposition({ '0.005': 3, '+Inf': 4 }, 99), 'socket_ack_duration_seconds', {
      event: 'sendMessage',
    });
    expect([...buckets]).toEqual([
      [0.005, 3],
      [Infinity, 4],
    ]);
  });

  it('takes quantiles of what was observed between two readings, interpolating within a bucket', () => {
    const read = (counts: Record<string, number>) =>
      histogramBuckets(exposition(counts), 'socket_ack_duration_seconds', { event: 'sendMessage' });
    const before = read({ '0.01': 100, '0.02': 100, '+Inf': 100 });
    // Since then: 50 observations ≤ 10 ms, 50 in (10, 20] ms.
    const after = read({ '0.01': 150, '0.02': 200, '+Inf': 200 });
    expect(quantileMs(before, after, 0.5)).toEqual({ count: 100, ms: 10 });
    expect(quantileMs(before, after, 0.75)).toEqual({ count: 100, ms: 15 });
    expect(quantileMs(before, after, 0.99).ms).toBeCloseTo(19.8, 5);
  });

  it('reports the last finite bound for a quantile beyond it, and 0 when nothing was observed', () => {
    const read = (counts: Record<string, number>) =>
      histogramBuckets(exposition(counts), 'socket_ack_duration_seconds', { event: 'sendMessage' });
    const before = read({ '0.01': 0, '+Inf': 0 });
    expect(quantileMs(before, read({ '0.01': 1, '+Inf': 10 }), 0.99)).toEqual({ count: 10, ms: 10 });
    expect(quantileMs(before, before, 0.5)).toEqual({ count: 0, ms: 0 });
  });
});
