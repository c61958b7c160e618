import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { subjects, type Notification } from '@chatrt/contracts';
import { notifySuite } from './notify-suite.ts';
import { RoomEvents } from './room-events.ts';

describe('notify marks read, pages and validates queries', () => {
  const suite = notifySuite();

  it('marks read by ids and all, publishing each change, and the next message starts a new notification', async () => {
    const [author, ann, eve] = [
      await suite.fx.register('author'),
      await suite.fx.register('ann'),
      await suite.fx.register('eve'),
    ];
    const room = new RoomEvents();
    for (const user of [author, ann, eve]) await suite.fx.publish(room.memberAdded(user.id));
    await suite.fx.publish(room.messageSent(author.id, `hey @${ann.username}`));
    await suite.fx.idle();
    const [message, mention] = await suite.fx.list(ann.id);
    const [eveMessage] = await suite.fx.list(eve.id);
    if (!message || !mention || !eveMessage) throw new Error('expected notifications');
    expect([message.type, mention.type]).toEqual(['message', 'mention']);

    const annInbox = await suite.fx.inbox(ann.id);
    try {
      // Eve's notification id and an unknown one are ignored, not errors.
      const marked = await suite.fx.call(subjects.notifyMarkRead, {
        userId: ann.id,
        ids: [message.id, eveMessage.id, randomUUID()],
      });
      expect(marked).toEqual({ ok: true, updated: 1 });
      const [readLive] = await annInbox.until((r) => r.length === 1);
      expect(readLive).toMatchObject({ id: message.id, read: true, count: 1, cursor: 3 });
      expect(await suite.fx.call(subjects.notifyMarkRead, { userId: ann.id, ids: [message.id] })).toEqual({
        ok: true,
        updated: 0,
      });
      expect((await suite.fx.list(eve.id))[0]).toMatchObject({ id: eveMessage.id, read: false });

      const next = room.messageSent(author.id, 'anyone?');
      await suite.fx.publish(next);
      const live = await annInbox.until((r) => r.length === 2);
      expect(live[1]).toMatchObject({
        type: 'message',
        count: 1,
        messageId: next.data.messageId,
        read: false,
        cursor: 4,
      });
      expect(live[1]?.id).not.toBe(message.id);

      expect(await suite.fx.call(subjects.notifyMarkRead, { userId: ann.id, all: true })).toEqual({
        ok: true,
        updated: 2,
      });
      const afterAll = await annInbox.until((r) => r.length === 4);
      expect(afterAll.slice(2).map((n) => [n.read, n.cursor])).toEqual([
        [true, 5],
        [true, 6],
      ]);
      expect(await suite.fx.list(ann.id, { unread: true })).toEqual([]);
      expect(await suite.fx.list(ann.id)).toHaveLength(3);

      expect(await suite.fx.call(subjects.notifyMarkRead, { userId: ann.id })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });

      const metrics = await (await fetch(`http://127.0.0.1:${suite.fx.notifyOpsPort}/metrics`)).text();
      expect(metrics).toMatch(/notify_notifications_marked_read_total\{[^}]*\} [3-9]/);
      expect(metrics).toMatch(/notify_notifications_total\{[^}]*type="mention"[^}]*change="created"[^}]*\} [1-9]/);
      expect(metrics).toMatch(/notify_notifications_total\{[^}]*type="message"[^}]*change="updated"[^}]*\} [1-9]/);
    } finally {
      annInbox.close();
    }
  });

  it('pages list (newest first) and changes (ascending, each notification once at its latest cursor)', async () => {
    const [author, ann] = [await suite.fx.register('author'), await suite.fx.register('ann')];
    const rooms = Array.from({ length: 5 }, () => new RoomEvents());
    for (const room of rooms) {
      for (const user of [author, ann]) await suite.fx.publish(room.memberAdded(user.id));
      await suite.fx.publish(room.messageSent(author.id, 'hi'));
    }
    // The first room's notification moves from cursor 1 to cursor 6.
    await suite.fx.publish(rooms[0]!.messageSent(author.id, 'again'));
    await suite.fx.idle();

    const cursorsOf = (notifications: Notification[]) => notifications.map((n) => n.cursor);
    const list = async (extra: { before?: number; unread?: boolean }) => {
      const reply = await suite.fx.call(subjects.notifyList, { userId: ann.id, limit: 2, ...extra });
      if (!reply.ok) throw new Error(reply.error.message);
      return { cursors: cursorsOf(reply.page.notifications), hasMore: reply.page.hasMore };
    };
    expect(await list({})).toEqual({ cursors: [6, 5], hasMore: true });
    expect(await list({ before: 5 })).toEqual({ cursors: [4, 3], hasMore: true });
    expect(await list({ before: 3 })).toEqual({ cursors: [2], hasMore: false });

    const changes = async (afterCursor: number) => {
      const reply = await suite.fx.call(subjects.notifyChanges, { userId: ann.id, afterCursor, limit: 3 });
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
    const marked = await suite.fx.call(subjects.notifyMarkRead, { userId: ann.id, ids: [all[0]!.id] });
    expect(marked).toEqual({ ok: true, updated: 1 });
    expect(await list({ unread: true })).toEqual({ cursors: [6, 5], hasMore: true });
    expect(await list({ unread: true, before: 4 })).toEqual({ cursors: [3], hasMore: false });
    expect(cursorsOf((await changes(6)).notifications)).toEqual([7]);
    expect(await changes(7)).toEqual({ notifications: [], hasMore: false });
  });

  it('rejects queries outside the contract', async () => {
    expect(await suite.fx.call(subjects.notifyList, { userId: 'not-a-uuid' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await suite.fx.call(subjects.notifyList, { userId: randomUUID(), limit: 201 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(
      await suite.fx.call(subjects.notifyChanges, { userId: randomUUID(), afterCursor: 0, limit: 501 }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
  });
});
