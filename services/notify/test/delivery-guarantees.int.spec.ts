import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { streams, type ChatEvents } from '@chatrt/contracts';
import { RoomEvents } from './room-events.ts';
import { NotifyFixture, eventually } from './support.ts';

describe('notify applies every chat event once, across restarts, replays and outages', () => {
  let fx: NotifyFixture;

  beforeAll(async () => {
    fx = await NotifyFixture.start();
    return () => fx.close();
  });

  it('catches up after a restart with every notification exactly once', async () => {
    const [author, ann, bob] = [await fx.register('author'), await fx.register('ann'), await fx.register('bob')];
    const room = new RoomEvents();
    for (const user of [author, ann, bob]) await fx.publish(room.memberAdded(user.id));
    await fx.publish(room.messageSent(author.id, 'before the restart'));
    await fx.idle();

    await fx.stopNotify();
    const whileDown = [
      room.messageSent(author.id, `@${ann.username} are you there?`),
      room.messageSent(bob.id, 'she is away'),
      room.messageSent(author.id, `ok @${bob.username} @${ann.username}`),
    ];
    for (const event of whileDown) await fx.publish(event);
    // A replay of an event applied before the restart, under another message id.
    await fx.publish(whileDown[0]!, randomUUID());

    const annInbox = await fx.inbox(ann.id);
    try {
      await fx.startNotify();
      await fx.idle();
      const annList = await fx.list(ann.id);
      expect(annList.map((n) => [n.type, n.count ?? null, n.messageId, n.cursor])).toEqual([
        ['message', 4, whileDown[2]!.data.messageId, 6],
        ['mention', null, whileDown[2]!.data.messageId, 5],
        ['mention', null, whileDown[0]!.data.messageId, 2],
      ]);
      expect((await fx.list(bob.id)).map((n) => [n.type, n.count ?? null, n.cursor])).toEqual([
        ['message', 3, 4],
        ['mention', null, 3],
      ]);
      expect((await fx.list(author.id)).map((n) => [n.type, n.count ?? null])).toEqual([['message', 1]]);
      // The replayed event re-published what it produced, as it is now; nothing was created twice.
      await annInbox.until((live) =>
        live.some((n) => n.type === 'mention' && n.messageId === whileDown[0]!.data.messageId),
      );
      const { rows } = await fx.pool.query('SELECT count(*)::int AS n FROM notify.notifications WHERE room_id = $1', [
        room.roomId,
      ]);
      expect(rows[0]).toEqual({ n: 6 });
    } finally {
      annInbox.close();
    }
  });

  it('re-publishes the current state of what a redelivered or replayed event produced, creating nothing', async () => {
    const [author, ann] = [await fx.register('author'), await fx.register('ann')];
    const room = new RoomEvents();
    for (const user of [author, ann]) await fx.publish(room.memberAdded(user.id));
    const first = room.messageSent(author.id, `@${ann.username} first`);
    const second = room.messageSent(author.id, 'second');
    await fx.publish(first);
    await fx.publish(second);
    await fx.idle();
    const before = await fx.list(ann.id);
    expect(before.map((n) => [n.type, n.count ?? null, n.cursor])).toEqual([
      ['message', 2, 3],
      ['mention', null, 1],
    ]);

    const annInbox = await fx.inbox(ann.id);
    try {
      // The same event under another Nats-Msg-Id: JetStream stores it again, notify must not apply it again.
      await fx.publish(first, randomUUID());
      const live = await annInbox.until((r) => r.length === 2);
      expect(live.toSorted((a, b) => b.cursor - a.cursor)).toEqual(before);
      await fx.idle();
      expect(await fx.list(ann.id)).toEqual(before);
      const { rows } = await fx.pool.query(
        'SELECT count(*)::int AS n FROM notify.processed_events WHERE event_id = $1',
        [first.metadata.eventId],
      );
      expect(rows[0]).toEqual({ n: 1 });
    } finally {
      annInbox.close();
    }
  });

  it('applies each room in order, with exact counts and gap-free cursors, when two instances share the consumer (one pinned, one standing by)', async () => {
    const [author, ann, bob] = [await fx.register('author'), await fx.register('ann'), await fx.register('bob')];
    const rooms = Array.from({ length: 10 }, () => new RoomEvents());
    // Each room's story; membership changes between messages, so applying a room out of order shows.
    const timelines = rooms.map((room) => [
      room.memberAdded(author.id),
      room.memberAdded(ann.id),
      room.messageSent(author.id, `@${ann.username} one`),
      room.memberAdded(bob.id),
      room.messageSent(author.id, 'two'),
      room.messageSent(author.id, `@${ann.username} @${bob.username} three`),
      room.memberRemoved(ann.id),
      room.messageSent(author.id, `@${ann.username} four`),
      room.messageSent(author.id, 'five'),
    ]);
    const second = await fx.startExtraNotify();
    try {
      for (let step = 0; step < timelines[0]!.length; step += 1) {
        for (const timeline of timelines) await fx.publish(timeline[step]!);
      }
      await fx.idle(60_000);
    } finally {
      await second.close();
    }
    const expected = new Map([
      [ann.id, { count: 3, lastMessage: 5, mentions: 2 }],
      [bob.id, { count: 4, lastMessage: 8, mentions: 1 }],
    ]);
    for (const [userId, { count, lastMessage, mentions }] of expected) {
      const notifications = await fx.list(userId);
      const messages = notifications.filter((n) => n.type === 'message');
      expect(messages.map((n) => n.count)).toEqual(rooms.map(() => count));
      const lastIds = new Set(
        timelines.map((t) => (t[lastMessage] as Extract<ChatEvents, { type: 'MessageSent' }>).data.messageId),
      );
      for (const n of messages) expect(lastIds.has(n.messageId ?? '')).toBe(true);
      expect(notifications.filter((n) => n.type === 'mention')).toHaveLength(rooms.length * mentions);
      // Every change took the user's next cursor: the counter equals the number of changes, the newest holds it.
      const changes = rooms.length * (count + mentions);
      const { rows } = await fx.pool.query(
        'SELECT last_cursor::int AS last FROM notify.user_cursors WHERE user_id = $1',
        [userId],
      );
      expect(rows[0]).toEqual({ last: changes });
      expect(notifications[0]?.cursor).toBe(changes);
    }
  });

  it("applies a room's event stored after later ones (a pipelined relay's retry) in seq order, within seconds", async () => {
    const [author, ann, bob] = [await fx.register('author'), await fx.register('ann'), await fx.register('bob')];
    const room = new RoomEvents();
    await fx.publish(room.memberAdded(author.id));
    await fx.publish(room.memberAdded(ann.id));
    // The relay's publish of bob joining failed; the two mentions after it were stored, and it comes next round.
    const bobJoins = room.memberAdded(bob.id);
    const mentions = [
      room.messageSent(author.id, `@${bob.username} @${ann.username} one`),
      room.messageSent(author.id, `@${bob.username} two`),
    ];
    const deferredBefore = await deferredEvents(fx);
    for (const event of mentions) await fx.publish(event);
    // Held back until each waited five times: their retry delay has grown to its cap by then.
    await eventually(
      () => deferredEvents(fx),
      (deferred) => deferred >= deferredBefore + 2 * 5,
      20_000,
    );
    const late = Date.now();
    await fx.publish(bobJoins);
    const bobMentions = await eventually(
      async () => (await fx.list(bob.id)).filter((n) => n.type === 'mention'),
      (found) => found.length === 2,
      10_000,
    );
    // Applied in seq order (bob was a member when named), soon after the late event, not tens of seconds later.
    expect(Date.now() - late).toBeLessThan(3_000);
    expect(bobMentions.map((n) => n.messageId).sort()).toEqual(mentions.map((m) => m.data.messageId).sort());
    expect((await fx.list(ann.id)).filter((n) => n.type === 'mention').map((n) => n.messageId)).toEqual([
      mentions[0]!.data.messageId,
    ]);
  });

  it('holds a mention unacknowledged while auth is down, and applies it in room order once auth is back', async () => {
    const [author, ann] = [await fx.register('author'), await fx.register('ann')];
    const room = new RoomEvents();
    for (const user of [author, ann]) await fx.publish(room.memberAdded(user.id));
    await fx.idle();
    const redeliveredBefore = (await fx.jsm.consumers.info(streams.chatEvents, fx.consumerName)).num_redelivered;

    const annInbox = await fx.inbox(ann.id);
    await fx.stopAuth();
    try {
      const mention = room.messageSent(author.id, `ping @${ann.username}`);
      await fx.publish(mention);
      // Ann leaves right after: the retried mention must still see her as the member she was.
      await fx.publish(room.memberRemoved(ann.id));
      // The lookup fails, the event is nak'ed and comes back; the removal waits behind it.
      await eventually(
        () => fx.jsm.consumers.info(streams.chatEvents, fx.consumerName),
        (now) => now.num_redelivered > redeliveredBefore && now.num_ack_pending === 2,
      );
      expect(annInbox.received).toEqual([]);
      expect(await fx.list(ann.id)).toEqual([]);

      await fx.startAuth();
      const live = await annInbox.until((r) => r.length === 2, 20_000);
      expect(live.map((n) => [n.type, n.messageId]).sort()).toEqual([
        ['mention', mention.data.messageId],
        ['message', mention.data.messageId],
      ]);
      await fx.idle(30_000);
      expect(await fx.list(ann.id)).toHaveLength(2);
      const { rows } = await fx.pool.query('SELECT user_id FROM notify.room_members WHERE room_id = $1', [room.roomId]);
      expect(rows).toEqual([{ user_id: author.id }]);
    } finally {
      annInbox.close();
      await fx.startAuth();
    }
  });
});

/** How often notify deferred a chat event to wait for its room's earlier ones, from its /metrics. */
async function deferredEvents(fx: NotifyFixture): Promise<number> {
  const metrics = await (await fetch(`http://127.0.0.1:${fx.notifyOpsPort}/metrics`)).text();
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith('notify_chat_events_total{') && l.includes('outcome="deferred"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}
