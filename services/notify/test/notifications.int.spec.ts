import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects, type Notification } from '@chatrt/contracts';
import { NotifyFixture, RoomEvents } from './support.ts';

describe('notify turns chat events into notifications', () => {
  let fx: NotifyFixture;

  beforeAll(async () => {
    fx = await NotifyFixture.start();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('publishes a mention live to the mentioned member, and a message notification to every offline member', async () => {
    const [author, ann, bob] = [await fx.register('author'), await fx.register('Ann'), await fx.register('bob')];
    const room = new RoomEvents();
    const [annInbox, bobInbox, authorInbox] = [
      await fx.inbox(ann.id),
      await fx.inbox(bob.id),
      await fx.inbox(author.id),
    ];
    try {
      for (const user of [author, ann, bob]) await fx.publish(room.memberAdded(user.id));
      const sent = room.messageSent(
        author.id,
        `hello @${ann.username.toUpperCase()}, and hi ${bob.username}@example.com`,
      );
      await fx.publish(sent);

      const annLive = await annInbox.until((r) => r.length === 2);
      const mention = annLive.find((n) => n.type === 'mention');
      expect(mention).toEqual({
        id: expect.any(String),
        type: 'mention',
        roomId: room.roomId,
        messageId: sent.data.messageId,
        createdAt: sent.metadata.occurredAt,
        updatedAt: sent.metadata.occurredAt,
        read: false,
        cursor: expect.any(Number),
      });
      expect(annLive.find((n) => n.type === 'message')).toMatchObject({
        messageId: sent.data.messageId,
        count: 1,
        read: false,
      });
      expect(annLive.map((n) => n.cursor).sort()).toEqual([1, 2]);

      const bobLive = await bobInbox.until((r) => r.length === 1);
      expect(bobLive).toEqual([expect.objectContaining({ type: 'message', roomId: room.roomId, count: 1, cursor: 1 })]);
      await fx.idle();
      expect(authorInbox.received).toEqual([]);
      expect(await fx.list(author.id)).toEqual([]);
      expect(await fx.list(ann.id)).toEqual(annLive.toSorted((a, b) => b.cursor - a.cursor));
    } finally {
      for (const inbox of [annInbox, bobInbox, authorInbox]) inbox.close();
    }
  });

  it('tells a member someone else added to a room, live and once, and nobody who added themselves', async () => {
    const [owner, ann] = [await fx.register('owner'), await fx.register('ann')];
    const room = new RoomEvents();
    const [annInbox, ownerInbox] = [await fx.inbox(ann.id), await fx.inbox(owner.id)];
    try {
      await fx.publish(room.memberAdded(owner.id));
      const added = room.memberAdded(ann.id, owner.id);
      await fx.publish(added);
      // A redelivery (the relay's retry under a new message id) adds nothing.
      await fx.publish(added, randomUUID());

      const [live] = await annInbox.until((r) => r.length >= 1);
      expect(live).toEqual({
        id: expect.any(String),
        type: 'addedToRoom',
        roomId: room.roomId,
        actorId: owner.id,
        createdAt: added.metadata.occurredAt,
        updatedAt: added.metadata.occurredAt,
        read: false,
        cursor: 1,
      });
      await fx.idle();
      expect(await fx.list(ann.id)).toEqual([live]);
      expect(ownerInbox.received).toEqual([]);
      expect(await fx.list(owner.id)).toEqual([]);
    } finally {
      for (const inbox of [annInbox, ownerInbox]) inbox.close();
    }
  });

  it('turns an unread mention read when its message is deleted, once, and leaves read ones alone', async () => {
    const [author, ann, bob] = [await fx.register('author'), await fx.register('ann'), await fx.register('bob')];
    const room = new RoomEvents();
    for (const user of [author, ann, bob]) await fx.publish(room.memberAdded(user.id));
    const sent = room.messageSent(author.id, `@${ann.username} @${bob.username} look`);
    await fx.publish(sent);
    await fx.idle();
    const mentionOf = async (userId: string) => (await fx.list(userId)).find((n) => n.type === 'mention');
    const bobsMention = await mentionOf(bob.id);
    expect(await fx.call(subjects.notifyMarkRead, { userId: bob.id, ids: [bobsMention!.id] })).toEqual({
      ok: true,
      updated: 1,
    });
    const bobRead = await mentionOf(bob.id);

    const annInbox = await fx.inbox(ann.id);
    try {
      const deleted = room.messageDeleted(author.id, sent.data.messageId);
      await fx.publish(deleted);
      await fx.publish(deleted, randomUUID());
      const [retracted] = await annInbox.until((r) => r.length >= 1);
      expect(retracted).toMatchObject({
        type: 'mention',
        messageId: sent.data.messageId,
        read: true,
        updatedAt: deleted.metadata.occurredAt,
      });
      await fx.idle();
      expect(await mentionOf(ann.id)).toEqual(retracted);
      expect(await fx.list(ann.id, { unread: true })).toEqual([expect.objectContaining({ type: 'message' })]);
      expect(await mentionOf(bob.id)).toEqual(bobRead);
      // The redelivered deletion re-published the same state; nothing took another cursor.
      expect(new Set(annInbox.received.map((n) => n.cursor))).toEqual(new Set([retracted!.cursor]));
    } finally {
      annInbox.close();
    }
  });

  it('coalesces messages to an offline member into one notification; members online anywhere only get mentions', async () => {
    const [author, ann, bob] = [await fx.register('author'), await fx.register('ann'), await fx.register('bob')];
    const room = new RoomEvents();
    const annInbox = await fx.inbox(ann.id);
    try {
      for (const user of [author, ann, bob]) await fx.publish(room.memberAdded(user.id));
      // Bob has the room open on one gateway; another gateway serving the room has nobody of ours.
      await fx.announce({ gatewayId: 'gw-a', roomId: room.roomId, userIds: [bob.id], sync: false });
      await fx.announce({ gatewayId: 'gw-b', roomId: room.roomId, userIds: [randomUUID()], sync: true });

      const messages = [
        room.messageSent(author.id, 'one'),
        room.messageSent(author.id, 'two'),
        room.messageSent(author.id, `three, @${bob.username}`),
      ];
      for (const message of messages) await fx.publish(message);

      const live = await annInbox.until((r) => r.length === 3);
      expect(new Set(live.map((n) => n.id)).size).toBe(1);
      expect(live.map((n) => [n.count, n.cursor])).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
      await fx.idle();
      const [annOnly] = await fx.list(ann.id);
      expect(await fx.list(ann.id)).toHaveLength(1);
      expect(annOnly).toMatchObject({
        type: 'message',
        count: 3,
        messageId: messages[2]?.data.messageId,
        read: false,
        cursor: 3,
      });
      expect(annOnly?.createdAt).toBe(messages[0]?.metadata.occurredAt);
      expect(annOnly?.updatedAt).toBe(messages[2]?.metadata.occurredAt);
      expect(await fx.list(bob.id)).toEqual([
        expect.objectContaining({ type: 'mention', messageId: messages[2]?.data.messageId }),
      ]);

      // Bob's gateway lets him go: from now on he is offline like Ann.
      await fx.announce({ gatewayId: 'gw-a', roomId: room.roomId, userIds: [], sync: false });
      await fx.publish(room.messageSent(author.id, 'four'));
      await fx.idle();
      expect((await fx.list(bob.id)).map((n) => n.type)).toEqual(['message', 'mention']);
      expect(await fx.list(ann.id)).toEqual([expect.objectContaining({ count: 4, cursor: 4 })]);
    } finally {
      annInbox.close();
    }
  });

  it('marks read by ids and all, publishing each change, and the next message starts a new notification', async () => {
    const [author, ann, eve] = [await fx.register('author'), await fx.register('ann'), await fx.register('eve')];
    const room = new RoomEvents();
    for (const user of [author, ann, eve]) await fx.publish(room.memberAdded(user.id));
    await fx.publish(room.messageSent(author.id, `hey @${ann.username}`));
    await fx.idle();
    const [message, mention] = await fx.list(ann.id);
    const [eveMessage] = await fx.list(eve.id);
    if (!message || !mention || !eveMessage) throw new Error('expected notifications');
    expect([message.type, mention.type]).toEqual(['message', 'mention']);

    const annInbox = await fx.inbox(ann.id);
    try {
      // Eve's notification id and an unknown one are ignored, not errors.
      const marked = await fx.call(subjects.notifyMarkRead, {
        userId: ann.id,
        ids: [message.id, eveMessage.id, randomUUID()],
      });
      expect(marked).toEqual({ ok: true, updated: 1 });
      const [readLive] = await annInbox.until((r) => r.length === 1);
      expect(readLive).toMatchObject({ id: message.id, read: true, count: 1, cursor: 3 });
      expect(await fx.call(subjects.notifyMarkRead, { userId: ann.id, ids: [message.id] })).toEqual({
        ok: true,
        updated: 0,
      });
      expect((await fx.list(eve.id))[0]).toMatchObject({ id: eveMessage.id, read: false });

      const next = room.messageSent(author.id, 'anyone?');
      await fx.publish(next);
      const live = await annInbox.until((r) => r.length === 2);
      expect(live[1]).toMatchObject({
        type: 'message',
        count: 1,
        messageId: next.data.messageId,
        read: false,
        cursor: 4,
      });
      expect(live[1]?.id).not.toBe(message.id);

      expect(await fx.call(subjects.notifyMarkRead, { userId: ann.id, all: true })).toEqual({ ok: true, updated: 2 });
      const afterAll = await annInbox.until((r) => r.length === 4);
      expect(afterAll.slice(2).map((n) => [n.read, n.cursor])).toEqual([
        [true, 5],
        [true, 6],
      ]);
      expect(await fx.list(ann.id, { unread: true })).toEqual([]);
      expect(await fx.list(ann.id)).toHaveLength(3);

      expect(await fx.call(subjects.notifyMarkRead, { userId: ann.id })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });

      const metrics = await (await fetch(`http://127.0.0.1:${fx.notifyOpsPort}/metrics`)).text();
      expect(metrics).toMatch(/notify_notifications_marked_read_total\{[^}]*\} [3-9]/);
      expect(metrics).toMatch(/notify_notifications_total\{[^}]*type="mention"[^}]*change="created"[^}]*\} [1-9]/);
      expect(metrics).toMatch(/notify_notifications_total\{[^}]*type="message"[^}]*change="updated"[^}]*\} [1-9]/);
    } finally {
      annInbox.close();
    }
  });

  it('notifies a removed member of nothing, and a name that is not a member of nothing', async () => {
    const [author, ann, outsider] = [await fx.register('author'), await fx.register('ann'), await fx.register('out')];
    const room = new RoomEvents();
    for (const user of [author, ann]) await fx.publish(room.memberAdded(user.id));
    await fx.publish(room.memberRemoved(ann.id));
    await fx.publish(room.messageSent(author.id, `@${ann.username} @${outsider.username} @${author.username}`));
    await fx.idle();
    expect(await fx.list(ann.id)).toEqual([]);
    expect(await fx.list(outsider.id)).toEqual([]);
    expect(await fx.list(author.id)).toEqual([]);
  });

  it('pages list (newest first) and changes (ascending, each notification once at its latest cursor)', async () => {
    const [author, ann] = [await fx.register('author'), await fx.register('ann')];
    const rooms = Array.from({ length: 5 }, () => new RoomEvents());
    for (const room of rooms) {
      for (const user of [author, ann]) await fx.publish(room.memberAdded(user.id));
      await fx.publish(room.messageSent(author.id, 'hi'));
    }
    // The first room's notification moves from cursor 1 to cursor 6.
    await fx.publish(rooms[0]!.messageSent(author.id, 'again'));
    await fx.idle();

    const cursorsOf = (notifications: Notification[]) => notifications.map((n) => n.cursor);
    const list = async (extra: { before?: number; unread?: boolean }) => {
      const reply = await fx.call(subjects.notifyList, { userId: ann.id, limit: 2, ...extra });
      if (!reply.ok) throw new Error(reply.error.message);
      return { cursors: cursorsOf(reply.page.notifications), hasMore: reply.page.hasMore };
    };
    expect(await list({})).toEqual({ cursors: [6, 5], hasMore: true });
    expect(await list({ before: 5 })).toEqual({ cursors: [4, 3], hasMore: true });
    expect(await list({ before: 3 })).toEqual({ cursors: [2], hasMore: false });

    const changes = async (afterCursor: number) => {
      const reply = await fx.call(subjects.notifyChanges, { userId: ann.id, afterCursor, limit: 3 });
      if (!reply.ok) throw new Error(reply.error.message);
      return { notifications: reply.page.notifications, hasMore: reply.page.hasMore };
    };
    const first = await changes(0);
    expect({ cursors: cursorsOf(first.notifications), hasMore: first.hasMore }).toEqual({
      cursors: [2, 3, 4],
      hasMore: true,
    });
    const second = await changes(4);
    expect({ cursors: cursorsOf(second.notifications), hasMore: second.hasMore }).toEqual({
      cursors: [5, 6],
      hasMore: false,
    });
    const all = [...first.notifications, ...second.notifications];
    expect(new Set(all.map((n) => n.id)).size).toBe(5);
    expect(all.at(-1)).toMatchObject({ roomId: rooms[0]!.roomId, count: 2 });

    // Marking one read moves it to cursor 7: it leaves the unread list and shows up in changes after 6.
    const marked = await fx.call(subjects.notifyMarkRead, { userId: ann.id, ids: [all[0]!.id] });
    expect(marked).toEqual({ ok: true, updated: 1 });
    expect(await list({ unread: true })).toEqual({ cursors: [6, 5], hasMore: true });
    expect(await list({ unread: true, before: 4 })).toEqual({ cursors: [3], hasMore: false });
    expect(cursorsOf((await changes(6)).notifications)).toEqual([7]);
    expect(await changes(7)).toEqual({ notifications: [], hasMore: false });
  });

  it('rejects queries outside the contract', async () => {
    expect(await fx.call(subjects.notifyList, { userId: 'not-a-uuid' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await fx.call(subjects.notifyList, { userId: randomUUID(), limit: 201 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await fx.call(subjects.notifyChanges, { userId: randomUUID(), afterCursor: 0, limit: 501 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
  });
});
