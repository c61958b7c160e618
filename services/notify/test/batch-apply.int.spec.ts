import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { ChatEvents, User } from '@chatrt/contracts';
import { createLogger, createPool, migrate, type Pool } from '@chatrt/service-kit';
import { createNotifyService } from '../src/application/notify-service.ts';
import type { DeliveredEvent, EventOutcome, UserNotification } from '../src/application/ports.ts';
import { PresenceBook } from '../src/domain/presence-book.ts';
import { MAX_ORDER_WAITS, WaitForEarlierEvents } from '../src/domain/room-order.ts';
import { createNotificationStore } from '../src/adapters/postgres/notification-store.ts';
import { RoomEvents } from './room-events.ts';

const log = createLogger('notify-test', 'silent');
const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/** The notify use cases on the real store; users, presence and publishing are in memory. */
function notifyOn(pool: Pool, users: readonly User[]) {
  const published: UserNotification[] = [];
  const service = createNotifyService({
    store: createNotificationStore(pool),
    users: { findByUsernames: (names) => Promise.resolve(users.filter((u) => names.includes(u.username))) },
    presence: new PresenceBook({ expireAfterMs: 60_000 }),
    publisher: {
      publish: (changed) => {
        published.push(...changed);
        return Promise.resolve();
      },
    },
    metrics: { chatEvent: () => {}, projectionLag: () => {}, notification: () => {}, markedRead: () => {} },
    clock: () => new Date(),
    newId: randomUUID,
    log,
  });
  return { service, published };
}

const user = (name: string): User => ({ id: randomUUID(), username: `${name}_${randomUUID().slice(0, 8)}` });
const delivered = (event: ChatEvents, deliveryCount = 1): DeliveredEvent => ({ event, deliveryCount });
const kinds = (outcomes: EventOutcome[]) =>
  outcomes.map((o) => (o.kind !== 'failed' ? o.kind : o.error instanceof WaitForEarlierEvents ? 'waits' : 'failed'));

describe('notify applies a batch of chat events in one transaction, with every guarantee of one at a time', () => {
  let pool: Pool;
  // A batch that fails as a whole is retried event by event, and says so: the happy paths must not take that road.
  const fallback = vi.spyOn(log, 'warn');

  beforeAll(async () => {
    await migrate(inject('databaseUrl'), { schema: 'notify', dir: migrationsDir, log });
    pool = createPool(inject('databaseUrl'), log, 2);
    return () => pool.end();
  });

  afterEach(() => {
    fallback.mockClear();
  });

  async function notificationsOf(userId: string) {
    const { rows } = await pool.query<{ type: string; room_id: string; count: number; cursor: string }>(
      'SELECT type, room_id, count, cursor FROM notify.notifications WHERE user_id = $1 ORDER BY cursor',
      [userId],
    );
    return rows.map((r) => [r.type, r.room_id, r.count, Number(r.cursor)]);
  }

  it('applies an event once when the batch holds it twice, and re-publishes one applied before', async () => {
    const [author, ann] = [user('author'), user('ann')];
    const { service, published } = notifyOn(pool, [author, ann]);
    const room = new RoomEvents();
    const joined = [room.memberAdded(author.id), room.memberAdded(ann.id)];
    const first = room.messageSent(author.id, `hi @${ann.username}`);
    await service.handleChatEvents([...joined, first].map((e) => delivered(e)));
    published.length = 0;

    const second = room.messageSent(author.id, 'two');
    const third = room.messageSent(author.id, 'three');
    const outcomes = await service.handleChatEvents([second, second, first, third].map((e) => delivered(e)));

    expect(kinds(outcomes)).toEqual(['applied', 'duplicate', 'duplicate', 'applied']);
    expect(fallback).not.toHaveBeenCalled();
    expect(await notificationsOf(ann.id)).toEqual([
      ['mention', room.roomId, 1, 1],
      ['message', room.roomId, 3, 4],
    ]);
    // Each change at its own cursor, then what the replayed event produced, as it is now.
    expect(published.map((n) => [n.notification.type, n.notification.count ?? null, n.notification.cursor])).toEqual([
      ['message', 2, 3],
      ['message', 3, 4],
      ['mention', null, 1],
      ['message', 3, 4],
    ]);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM notify.processed_events WHERE event_id = $1', [
      second.metadata.eventId,
    ]);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('applies two rooms interleaved in one batch, each seeing its own earlier events of the batch', async () => {
    const [author, ann, bob] = [user('author'), user('ann'), user('bob')];
    const { service } = notifyOn(pool, [author, ann, bob]);
    const [a, b] = [new RoomEvents(), new RoomEvents()];
    const batch = [
      a.memberAdded(author.id),
      b.memberAdded(author.id),
      a.memberAdded(ann.id),
      b.memberAdded(bob.id),
      a.messageSent(author.id, 'a one'),
      b.messageSent(author.id, `b one @${bob.username}`),
      a.messageSent(author.id, 'a two'),
      b.memberRemoved(bob.id),
      b.messageSent(author.id, `b two @${bob.username}`),
    ];

    const outcomes = await service.handleChatEvents(batch.map((e) => delivered(e)));

    expect(kinds(outcomes)).toEqual(batch.map(() => 'applied'));
    expect(fallback).not.toHaveBeenCalled();
    expect(await notificationsOf(ann.id)).toEqual([['message', a.roomId, 2, 2]]);
    // Bob was named while a member, then removed: the second message and its mention pass him by.
    expect(await notificationsOf(bob.id)).toEqual([
      ['mention', b.roomId, 1, 1],
      ['message', b.roomId, 1, 2],
    ]);
    const { rows } = await pool.query<{ room_id: string; last_seq: number }>(
      'SELECT room_id, last_seq FROM notify.room_progress WHERE room_id = ANY($1) ORDER BY last_seq',
      [[a.roomId, b.roomId]],
    );
    expect(rows).toEqual([
      { room_id: a.roomId, last_seq: 4 },
      { room_id: b.roomId, last_seq: 5 },
    ]);
  });

  it('holds back an event whose predecessor is missing, and its room’s later ones, while the rest of the batch applies', async () => {
    const [author, ann, bob] = [user('author'), user('ann'), user('bob')];
    const { service } = notifyOn(pool, [author, ann, bob]);
    const [a, b] = [new RoomEvents(), new RoomEvents()];
    const [a1, a2, a3, a4, a5] = [
      a.memberAdded(author.id),
      a.memberAdded(ann.id),
      a.memberAdded(bob.id),
      a.messageSent(author.id, 'for ann and bob'),
      a.messageSent(author.id, 'again'),
    ];
    const [b1, b2] = [b.memberAdded(author.id), b.memberAdded(ann.id)];

    // a3 is still on its way: a4 and a5 wait for it, b's events apply.
    const first = await service.handleChatEvents([a1, a2, a4, b1, a5, b2].map((e) => delivered(e)));
    expect(kinds(first)).toEqual(['applied', 'applied', 'waits', 'applied', 'waits', 'applied']);
    expect(fallback).not.toHaveBeenCalled();
    expect(await notificationsOf(bob.id)).toEqual([]);

    const second = await service.handleChatEvents([delivered(a3), delivered(a4, 2), delivered(a5, 2)]);
    expect(kinds(second)).toEqual(['applied', 'applied', 'applied']);
    // Applied in seq order: bob was a member when the messages were applied.
    expect(await notificationsOf(bob.id)).toEqual([['message', a.roomId, 2, 2]]);
    expect(await notificationsOf(ann.id)).toEqual([['message', a.roomId, 2, 2]]);
  });

  it('isolates an event Postgres refuses: the batch is retried event by event and the others apply', async () => {
    const [author, ann] = [user('author'), user('ann')];
    const { service } = notifyOn(pool, [author, ann]);
    const room = new RoomEvents();
    const poison = new RoomEvents().memberAdded(ann.id);
    // The contract allows seqs up to 2^53; the ledger's integer column does not. Delivered often enough that
    // room order gives up waiting for its predecessors.
    Object.assign(poison, { seq: 3_000_000_000 });
    const batch = [
      delivered(room.memberAdded(author.id)),
      delivered(poison, MAX_ORDER_WAITS + 1),
      delivered(room.memberAdded(ann.id)),
      delivered(room.messageSent(author.id, 'still delivered')),
    ];

    const outcomes = await service.handleChatEvents(batch);

    expect(kinds(outcomes)).toEqual(['applied', 'failed', 'applied', 'applied']);
    expect(fallback).toHaveBeenCalledTimes(1);
    expect(await notificationsOf(ann.id)).toEqual([['message', room.roomId, 1, 1]]);
  });

  it('re-publishes, and changes nothing, when a committed batch is redelivered (a crash between commit and ack)', async () => {
    const [author, ann] = [user('author'), user('ann')];
    const { service, published } = notifyOn(pool, [author, ann]);
    const room = new RoomEvents();
    const batch = [
      room.memberAdded(author.id),
      room.memberAdded(ann.id, author.id),
      room.messageSent(author.id, `hi @${ann.username}`),
      room.messageSent(author.id, 'two'),
    ];
    expect(kinds(await service.handleChatEvents(batch.map((e) => delivered(e))))).toEqual(batch.map(() => 'applied'));
    const before = await notificationsOf(ann.id);
    const current = published.filter((n) => n.notification.cursor === 4 || n.notification.type !== 'message');
    published.length = 0;

    const again = await service.handleChatEvents(batch.map((e) => delivered(e, 2)));

    expect(kinds(again)).toEqual(batch.map(() => 'duplicate'));
    expect(await notificationsOf(ann.id)).toEqual(before);
    // What the batch produced, each notification once, as it is now.
    expect(published.toSorted((x, y) => x.notification.cursor - y.notification.cursor)).toEqual(current);
  });
});
