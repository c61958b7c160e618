import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { subjects } from '@chatrt/contracts';
import { notifySuite } from './notify-suite.ts';
import { RoomEvents } from './room-events.ts';

describe('notify turns chat events into notifications', () => {
  const suite = notifySuite();

  it(
    'publishes a mention live to the mentioned member, and a message ' + 'notification to every offline member',
    async () => {
      const [author, ann, bob] = [
        await suite.fx.register('author'),
        await suite.fx.register('Ann'),
        await suite.fx.register('bob'),
      ];
      const room = new RoomEvents();
      const [annInbox, bobInbox, authorInbox] = [
        await suite.fx.inbox(ann.id),
        await suite.fx.inbox(bob.id),
        await suite.fx.inbox(author.id),
      ];
      try {
        for (const user of [author, ann, bob]) await suite.fx.publish(room.memberAdded(user.id));
        const sent = room.messageSent(
          author.id,
          `hello @${ann.username.toUpperCase()}, and hi ${bob.username}@example.com`,
        );
        await suite.fx.publish(sent);

        const annLive = await annInbox.until((r) => r.length === 2);
        const mention = annLive.find((n) => n.type === 'mention');
        expect(mention).toEqual({
          id: expect.any(String) as unknown,
          type: 'mention',
          roomId: room.roomId,
          messageId: sent.data.messageId,
          createdAt: sent.metadata.occurredAt,
          updatedAt: sent.metadata.occurredAt,
          read: false,
          cursor: expect.any(Number) as unknown,
        });
        expect(annLive.find((n) => n.type === 'message')).toMatchObject({
          messageId: sent.data.messageId,
          count: 1,
          read: false,
        });
        expect(annLive.map((n) => n.cursor).sort()).toEqual([1, 2]);

        const bobLive = await bobInbox.until((r) => r.length === 1);
        expect(bobLive).toEqual([
          expect.objectContaining({ type: 'message', roomId: room.roomId, count: 1, cursor: 1 }),
        ]);
        await suite.fx.idle();
        expect(authorInbox.received).toEqual([]);
        expect(await suite.fx.list(author.id)).toEqual([]);
        expect(await suite.fx.list(ann.id)).toEqual(annLive.toSorted((a, b) => b.cursor - a.cursor));
      } finally {
        for (const inbox of [annInbox, bobInbox, authorInbox]) inbox.close();
      }
    },
  );

  it('tells a member someone else added to a room, live and once, and nobody who added themselves', async () => {
    const [owner, ann] = [await suite.fx.register('owner'), await suite.fx.register('ann')];
    const room = new RoomEvents();
    const [annInbox, ownerInbox] = [await suite.fx.inbox(ann.id), await suite.fx.inbox(owner.id)];
    try {
      await suite.fx.publish(room.memberAdded(owner.id));
      const added = room.memberAdded(ann.id, owner.id);
      await suite.fx.publish(added);
      // A redelivery (the relay's retry under a new message id) adds nothing.
      await suite.fx.publish(added, randomUUID());

      const [live] = await annInbox.until((r) => r.length >= 1);
      expect(live).toEqual({
        id: expect.any(String) as unknown,
        type: 'addedToRoom',
        roomId: room.roomId,
        actorId: owner.id,
        createdAt: added.metadata.occurredAt,
        updatedAt: added.metadata.occurredAt,
        read: false,
        cursor: 1,
      });
      await suite.fx.idle();
      expect(await suite.fx.list(ann.id)).toEqual([live]);
      expect(ownerInbox.received).toEqual([]);
      expect(await suite.fx.list(owner.id)).toEqual([]);
    } finally {
      for (const inbox of [annInbox, ownerInbox]) inbox.close();
    }
  });

  it('turns an unread mention read when its message is deleted, once, and leaves read ones alone', async () => {
    const [author, ann, bob] = [
      await suite.fx.register('author'),
      await suite.fx.register('ann'),
      await suite.fx.register('bob'),
    ];
    const room = new RoomEvents();
    for (const user of [author, ann, bob]) await suite.fx.publish(room.memberAdded(user.id));
    const sent = room.messageSent(author.id, `@${ann.username} @${bob.username} look`);
    await suite.fx.publish(sent);
    await suite.fx.idle();
    const mentionOf = async (userId: string) => (await suite.fx.list(userId)).find((n) => n.type === 'mention');
    const bobsMention = await mentionOf(bob.id);
    expect(await suite.fx.call(subjects.notifyMarkRead, { userId: bob.id, ids: [bobsMention!.id] })).toEqual({
      ok: true,
      updated: 1,
    });
    const bobRead = await mentionOf(bob.id);

    const annInbox = await suite.fx.inbox(ann.id);
    try {
      const deleted = room.messageDeleted(author.id, sent.data.messageId);
      await suite.fx.publish(deleted);
      await suite.fx.publish(deleted, randomUUID());
      const [retracted] = await annInbox.until((r) => r.length >= 1);
      expect(retracted).toMatchObject({
        type: 'mention',
        messageId: sent.data.messageId,
        read: true,
        updatedAt: deleted.metadata.occurredAt,
      });
      await suite.fx.idle();
      expect(await mentionOf(ann.id)).toEqual(retracted);
      expect(await suite.fx.list(ann.id, { unread: true })).toEqual([expect.objectContaining({ type: 'message' })]);
      expect(await mentionOf(bob.id)).toEqual(bobRead);
      // The redelivered deletion re-published the same state; nothing took another cursor.
      expect(new Set(annInbox.received.map((n) => n.cursor))).toEqual(new Set([retracted!.cursor]));
    } finally {
      annInbox.close();
    }
  });

  it(
    'coalesces messages to an offline member into one notification; members ' + 'online anywhere only get mentions',
    async () => {
      const [author, ann, bob] = [
        await suite.fx.register('author'),
        await suite.fx.register('ann'),
        await suite.fx.register('bob'),
      ];
      const room = new RoomEvents();
      const annInbox = await suite.fx.inbox(ann.id);
      try {
        for (const user of [author, ann, bob]) await suite.fx.publish(room.memberAdded(user.id));
        // Bob has the room open on one gateway; another gateway serving the room has nobody of ours.
        await suite.fx.announce({ gatewayId: 'gw-a', roomId: room.roomId, userIds: [bob.id], sync: false });
        await suite.fx.announce({ gatewayId: 'gw-b', roomId: room.roomId, userIds: [randomUUID()], sync: true });

        const messages = [
          room.messageSent(author.id, 'one'),
          room.messageSent(author.id, 'two'),
          room.messageSent(author.id, `three, @${bob.username}`),
        ];
        for (const message of messages) await suite.fx.publish(message);

        const live = await annInbox.until((r) => r.length === 3);
        expect(new Set(live.map((n) => n.id)).size).toBe(1);
        expect(live.map((n) => [n.count, n.cursor])).toEqual([
          [1, 1],
          [2, 2],
          [3, 3],
        ]);
        await suite.fx.idle();
        const [annOnly] = await suite.fx.list(ann.id);
        expect(await suite.fx.list(ann.id)).toHaveLength(1);
        expect(annOnly).toMatchObject({
          type: 'message',
          count: 3,
          messageId: messages[2]?.data.messageId,
          read: false,
          cursor: 3,
        });
        expect(annOnly?.createdAt).toBe(messages[0]?.metadata.occurredAt);
        expect(annOnly?.updatedAt).toBe(messages[2]?.metadata.occurredAt);
        expect(await suite.fx.list(bob.id)).toEqual([
          expect.objectContaining({ type: 'mention', messageId: messages[2]?.data.messageId }),
        ]);

        // Bob's gateway lets him go: from now on he is offline like Ann.
        await suite.fx.announce({ gatewayId: 'gw-a', roomId: room.roomId, userIds: [], sync: false });
        await suite.fx.publish(room.messageSent(author.id, 'four'));
        await suite.fx.idle();
        expect((await suite.fx.list(bob.id)).map((n) => n.type)).toEqual(['message', 'mention']);
        expect(await suite.fx.list(ann.id)).toEqual([expect.objectContaining({ count: 4, cursor: 4 })]);
      } finally {
        annInbox.close();
      }
    },
  );

  it('notifies a removed member of nothing, and a name that is not a member of nothing', async () => {
    const [author, ann, outsider] = [
      await suite.fx.register('author'),
      await suite.fx.register('ann'),
      await suite.fx.register('out'),
    ];
    const room = new RoomEvents();
    for (const user of [author, ann]) await suite.fx.publish(room.memberAdded(user.id));
    await suite.fx.publish(room.memberRemoved(ann.id));
    await suite.fx.publish(room.messageSent(author.id, `@${ann.username} @${outsider.username} @${author.username}`));
    await suite.fx.idle();
    expect(await suite.fx.list(ann.id)).toEqual([]);
    expect(await suite.fx.list(outsider.id)).toEqual([]);
    expect(await suite.fx.list(author.id)).toEqual([]);
  });
});
