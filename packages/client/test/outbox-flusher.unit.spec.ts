import { describe, it, expect } from 'vitest';
import type { Message } from '@chatrt/contracts';
import {
  ChatClientError,
  MemoryOutboxStore,
  Outbox,
  RateLimitGate,
  silentLogger,
  type OutboxItem,
} from '../src/index.ts';
import { OutboxFlusher, type SendRoute } from '../src/outbox/outbox-flusher.ts';
import { ManualClock } from './support/manual-clock.ts';

/** A fake server for the flusher: scripted answers per attempt, and a log of every attempt. */
function harness(script: (item: OutboxItem, attempt: number, route: 'socket' | 'rest') => Message | ChatClientError) {
  const clock = new ManualClock();
  const outbox = new Outbox(new MemoryOutboxStore(), 10, silentLogger);
  const gate = new RateLimitGate(clock);
  const attempts: Array<{ id: string; route: string }> = [];
  const sent: string[] = [];
  const failed: Array<{ id: string; code: string }> = [];
  let route: SendRoute = 'socket';
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const wake of [...waiters]) wake();
  };
  const flusher = new OutboxFlusher({
    outbox,
    gate,
    owner: () => 'me',
    route: () => route,
    send(item, via) {
      const n = attempts.filter((a) => a.id === item.clientMessageId).length;
      attempts.push({ id: item.clientMessageId, route: via });
      changed();
      const answer = script(item, n, via);
      return answer instanceof ChatClientError ? Promise.reject(answer) : Promise.resolve(answer);
    },
    onSent: (item) => {
      sent.push(item.clientMessageId);
      changed();
    },
    onFailed: (item, error) => {
      failed.push({ id: item.clientMessageId, code: error.code });
      changed();
    },
    onUnauthenticated: () => {},
    retryDelayMaxMs: 20,
    logger: silentLogger,
  });
  gate.onEnd(() => {
    flusher.kick();
  });
  gate.subscribe(changed);
  const until = (done: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (done()) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        reject(new Error(`timed out waiting for ${what}`));
      }, 5000);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });
  const add = (n: number) =>
    outbox.add({
      clientMessageId: `c${n}`,
      roomId: 'r',
      message: `m${n}`,
      createdAt: new Date().toISOString(),
      ownerId: 'me',
    });
  return {
    clock,
    outbox,
    gate,
    flusher,
    attempts,
    sent,
    failed,
    until,
    add,
    setRoute(next: SendRoute) {
      route = next;
      flusher.kick();
    },
  };
}

const stored = (item: OutboxItem): Message => ({
  id: crypto.randomUUID(),
  roomId: item.roomId,
  seq: 1,
  senderId: 'me',
  message: item.message,
  clientMessageId: item.clientMessageId,
  createdAt: new Date().toISOString(),
  deleted: false,
});

describe('OutboxFlusher', () => {
  it('sends in order, one at a time, retrying a transient failure with the same item before the next', async () => {
    const h = harness((item, attempt) =>
      item.clientMessageId === 'c2' && attempt < 2 ? new ChatClientError('TIMEOUT', 'no ack') : stored(item),
    );
    for (const n of [1, 2, 3]) h.add(n);
    h.flusher.start();
    await h.until(() => h.sent.length === 3, 'three sent');
    expect(h.sent).toEqual(['c1', 'c2', 'c3']);
    expect(h.attempts.map((a) => a.id)).toEqual(['c1', 'c2', 'c2', 'c2', 'c3']);
    expect(h.outbox.get().size).toBe(0);
    h.flusher.stop();
  });

  it('waits while the route says so and sends over whichever route is current', async () => {
    const h = harness((item) => stored(item));
    h.setRoute('wait');
    h.add(1);
    h.flusher.start();
    h.flusher.kick();
    expect(h.attempts).toEqual([]);
    h.setRoute('rest');
    await h.until(() => h.sent.length === 1, 'sent over REST');
    expect(h.attempts).toEqual([{ id: 'c1', route: 'rest' }]);
    h.flusher.stop();
  });

  it(
    'on RATE_LIMITED blocks the gate, holds every queued send until it opens, ' + 'then resends the same item',
    async () => {
      const h = harness((item, attempt) =>
        item.clientMessageId === 'c1' && attempt === 0
          ? new ChatClientError('RATE_LIMITED', 'slow down', { retryAfter: 2 })
          : stored(item),
      );
      h.add(1);
      h.add(2);
      h.flusher.start();
      await h.until(() => h.gate.get().blocked, 'gate blocked');
      expect(h.gate.get().secondsLeft).toBe(2);
      expect(h.attempts).toHaveLength(1);
      h.clock.advance(2000);
      await h.until(() => h.sent.length === 2, 'both sent');
      expect(h.attempts.map((a) => a.id)).toEqual(['c1', 'c1', 'c2']);
      h.flusher.stop();
    },
  );

  it('fails an item the server refuses for good and goes on with the next', async () => {
    const h = harness((item) =>
      item.clientMessageId === 'c1' ? new ChatClientError('FORBIDDEN', 'not a member') : stored(item),
    );
    h.add(1);
    h.add(2);
    h.flusher.start();
    await h.until(() => h.sent.length === 1, 'second sent');
    expect(h.failed).toEqual([{ id: 'c1', code: 'FORBIDDEN' }]);
    expect(h.sent).toEqual(['c2']);
    h.flusher.stop();
  });
});
