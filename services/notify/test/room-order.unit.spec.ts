import { describe, it, expect } from 'vitest';
import { MAX_ACK_WAIT_MS, MAX_ORDER_WAITS, mayApplyInOrder } from '../src/domain/room-order.ts';
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
    expect([1, 2, 3, 4, 5, 6, 7, 100].map((n) => retryDelayMs(n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('retries an event waiting for its room’s earlier events sooner, and at least every second', () => {
    expect([1, 2, 3, 4, 5, 20, 100].map((n) => retryDelayMs(n, true))).toEqual([
      100, 200, 400, 800, 1_000, 1_000, 1_000,
    ]);
  });

  it('waits for a predecessor held by a dead instance (back after the ack wait) well before giving up on order', () => {
    const waited = Array.from({ length: MAX_ORDER_WAITS }, (_, i) => retryDelayMs(i + 1, true)).reduce(
      (a, b) => a + b,
      0,
    );
    expect(waited).toBeGreaterThan(3 * MAX_ACK_WAIT_MS);
  });
});
