import { describe, it, expect } from 'vitest';
import { MAX_ORDER_WAITS, mayApplyInOrder } from '../src/domain/room-order.ts';
import { retryDelayMs } from '../src/adapters/chat-events-consumer.ts';

describe('mayApplyInOrder', () => {
  it('applies a room’s next event, and earlier ones (replays, or late after a wait gave up)', () => {
    expect(mayApplyInOrder({ seq: 1, lastApplied: 0, deliveryCount: 1 })).toBe(true);
    expect(mayApplyInOrder({ seq: 8, lastApplied: 7, deliveryCount: 1 })).toBe(true);
    expect(mayApplyInOrder({ seq: 3, lastApplied: 7, deliveryCount: 1 })).toBe(true);
  });

  it('holds an event back while its predecessor is missing, for a bounded number of deliveries', () => {
    expect(mayApplyInOrder({ seq: 9, lastApplied: 7, deliveryCount: 1 })).toBe(false);
    expect(mayApplyInOrder({ seq: 2, lastApplied: 0, deliveryCount: MAX_ORDER_WAITS })).toBe(false);
    expect(mayApplyInOrder({ seq: 9, lastApplied: 7, deliveryCount: MAX_ORDER_WAITS + 1 })).toBe(true);
  });
});

describe('retryDelayMs', () => {
  it('doubles from 1 s per delivery up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 100].map((n) => retryDelayMs(n))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('retries an event waiting for its room’s earlier events sooner', () => {
    expect([1, 2, 3, 9, 20].map((n) => retryDelayMs(n, true))).toEqual([100, 200, 400, 25_600, 30_000]);
  });
});
