import { describe, it, expect, beforeAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Notification, NotificationPage, Room } from '@chatrt/contracts';
import {
  eventually,
  startTestStack,
  type ChatSocket,
  type ChatUser,
  type NotificationsSocket,
  type TestStack,
} from '../src/index.ts';

/** Collects `notification` events and keeps the latest state of each notification by id. */
function collect(socket: NotificationsSocket) {
  const received: Notification[] = [];
  socket.on('notification', (n) => received.push(n));
  return {
    received,
    latest: () => new Map(received.map((n) => [n.id, n])),
    async waitFor(done: (all: Notification[]) => boolean, what: string, timeoutMs = 10_000) {
      await eventually(() => received, done, timeoutMs).catch((err: unknown) => {
        throw new Error(`no ${what} within ${timeoutMs} ms`, { cause: err });
      });
    },
  };
}

describe('notifications: mentions, coalesced unread messages and invitations, over REST and live', () => {
  let env: TestStack;
  let alice: ChatUser, bob: ChatUser;
  let room: Room;
  let aliceSocket: ChatSocket;

  async function say(text: string) {
    const ack = await aliceSocket.emitWithAck('sendMessage', {
      roomId: room.id,
      message: text,
      clientMessageId: randomUUID(),
    });
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));
    return ack.message;
  }

  async function bobsNotifications(query = ''): Promise<Notification[]> {
    const res = await bob.http<NotificationPage>('GET', `/notifications${query}`);
    expect(res.status).toBe(200);
    return res.body.notifications;
  }

  beforeAll(async () => {
    env = await startTestStack({ PRESENCE_HEARTBEAT_MS: '500' });
    return () => env.stop();
  });

  beforeAll(async () => {
    alice = await env.signedUpUser();
    bob = await env.signedUpUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'notify me', memberIds: [bob.id] })).body;
    aliceSocket = await alice.connectChat();
    await aliceSocket.emitWithAck('joinRoom', { roomId: room.id });
  });

  it('notifies an offline member once per room (coalesced), once per mention, and of being added', async () => {
    const first = await say(`hello @${bob.username}`);
    await say('second');
    const third = await say('third');
    const all = await eventually(
      () => bobsNotifications(),
      (list) => list.some((n) => n.type === 'message' && n.count === 3) && list.some((n) => n.type === 'mention'),
    );
    const mentions = all.filter((n) => n.type === 'mention');
    const messages = all.filter((n) => n.type === 'message');
    expect(mentions).toHaveLength(1);
    expect(mentions[0]).toMatchObject({ roomId: room.id, messageId: first.id, read: false });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ roomId: room.id, messageId: third.id, count: 3, read: false });
    // Alice created the room with Bob in it; she added herself, so only Bob hears of it.
    expect(all.filter((n) => n.type === 'addedToRoom')).toEqual([
      expect.objectContaining({ roomId: room.id, actorId: alice.id, read: false }) as unknown,
    ]);
    expect(await alice.http<NotificationPage>('GET', '/notifications').then((r) => r.body.notifications)).toEqual([]);
  });

  it('replays on subscribe, then pushes live to every socket of the user, across gateways', async () => {
    const second = await env.stack.addGateway();
    const one = await bob.connectNotifications();
    const two = await bob.connectNotifications({ socketUrl: second.urls.socket });
    const [inboxOne, inboxTwo] = [collect(one), collect(two)];
    const subscribed = await one.emitWithAck('subscribe', { afterCursor: 0 });
    expect(subscribed).toMatchObject({ ok: true, cursor: expect.any(Number) as unknown });
    expect((await two.emitWithAck('subscribe', {})).ok).toBe(true);
    expect([...inboxOne.latest().values()].map((n) => n.type).sort()).toEqual(['addedToRoom', 'mention', 'message']);

    const mention = await say(`@${bob.username} are you there?`);
    for (const inbox of [inboxOne, inboxTwo]) {
      await inbox.waitFor((all) => all.some((n) => n.type === 'mention' && n.messageId === mention.id), 'live mention');
    }
    const cursors = inboxOne.received.map((n) => n.cursor);
    expect(cursors).toEqual([...new Set(cursors)].sort((a, b) => a - b));
    await second.stop();
  });

  it('marks read by id and all; the next message starts a new unread notification', async () => {
    const unread = await bobsNotifications('?unread=true');
    const [someId] = unread.map((n) => n.id);
    expect((await bob.http('POST', '/notifications/read', { ids: [someId] })).body).toEqual({ updated: 1 });
    expect((await bob.http('POST', '/notifications/read', { all: true })).body).toEqual({ updated: unread.length - 1 });
    expect(await bobsNotifications('?unread=true')).toEqual([]);
    expect((await bob.http('POST', '/notifications/read', {})).status).toBe(400);

    const next = await say('after reading');
    const fresh = await eventually(
      () => bobsNotifications('?unread=true'),
      (list) => list.length === 1,
    );
    expect(fresh[0]).toMatchObject({ type: 'message', count: 1, messageId: next.id, read: false });
  });

  it('sends no unread-message notification to a member who has the room open on a gateway', async () => {
    await bob.http('POST', '/notifications/read', { all: true });
    const presence = new Promise<void>((resolve) =>
      aliceSocket.on('presence', (p) => {
        if (p.onlineUserIds.includes(bob.id)) resolve();
      }),
    );
    const bobChat = await bob.connectChat();
    await bobChat.emitWithAck('joinRoom', { roomId: room.id });
    // The gateway announced bob on NATS before acking his join; the message below travels chat → outbox →
    // JetStream → notify, a longer path than that announcement to notify.
    await presence;
    await say('bob is here');
    const mention = await say(`@${bob.username} ping`);
    const unread = await eventually(
      () => bobsNotifications('?unread=true'),
      (list) => list.some((n) => n.messageId === mention.id),
    );
    expect(unread.map((n) => n.type)).toEqual(['mention']);
    bobChat.disconnect();
  });
});
