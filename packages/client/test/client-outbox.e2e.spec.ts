import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message, MessagePage, Room } from '@chatrt/contracts';
import { TcpProxy, type ChatUser } from '@chatrt/harness';
import { ManualNetwork, type ChatClient, type ChatClientError } from '../src/index.ts';
import { FileOutboxStore } from '../src/node/index.ts';
import { assertGapless, clientFor, fastTimings, until, testStackSuite } from './support/e2e.ts';

describe('ChatClient outbox and notifications against the real stack', () => {
  const suite = testStackSuite();
  let alice: ChatUser, bob: ChatUser;
  let room: Room;
  let dataDir: string;
  const clients: ChatClient[] = [];
  const proxies: TcpProxy[] = [];

  async function history(): Promise<Message[]> {
    return (await bob.http<MessagePage>('GET', `/chat/messages?roomId=${room.id}&limit=200`)).body.messages;
  }

  beforeAll(async () => {
    alice = await suite.env.signedUpUser();
    bob = await suite.env.signedUpUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'outbox', memberIds: [bob.id] })).body;
    dataDir = await mkdtemp(join(tmpdir(), 'client-outbox-'));
  });

  afterAll(async () => {
    for (const client of clients) await client.stop();
    for (const proxy of proxies) await proxy.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'delivers messages written offline exactly once each, in order, across a ' + 'page reload and a racing retry',
    async () => {
      const proxy = await TcpProxy.start(suite.env.stack.ports.socket);
      proxies.push(proxy);
      const network = new ManualNetwork(true);
      const outboxFile = join(dataDir, 'alice-outbox.json');
      const options = { ...fastTimings, socketUrl: proxy.url, network };

      // First page: connected, then the device goes offline and the user writes three messages.
      const first = (await clientFor(suite.env, alice, { ...options, outboxStore: new FileOutboxStore(outboxFile) }))
        .client;
      clients.push(first);
      await first.start();
      await first.waitForStatus('connected');
      await first.joinRoom(room.id);
      network.set(false);
      proxy.cut();
      await first.waitForStatus('offline');
      const written = ['offline 1', 'offline 2', 'offline 3'].map((text) => first.send(room.id, text));
      expect(written.map((m) => m.state)).toEqual(['sending', 'sending', 'sending']);
      expect(
        first
          .room(room.id)
          .get()
          .slice(-3)
          .map((m) => [m.text, m.state]),
      ).toEqual([
        ['offline 1', 'sending'],
        ['offline 2', 'sending'],
        ['offline 3', 'sending'],
      ]);
      // An earlier attempt of the first message got through before the page died (its ack was lost).
      const raced = await alice.http<Message>('POST', '/chat/messages', {
        roomId: room.id,
        message: 'offline 1',
        clientMessageId: written[0]!.clientMessageId,
      });
      expect(raced.status).toBe(201);
      await first.stop();

      // The page is reloaded while still offline: the outbox comes back from the file and more is written.
      const second = (await clientFor(suite.env, alice, { ...options, outboxStore: new FileOutboxStore(outboxFile) }))
        .client;
      clients.push(second);
      await second.start();
      expect(second.status).toBe('offline');
      expect(second.outbox.get().size).toBe(3);
      await second.joinRoom(room.id);
      const more = ['offline 4', 'offline 5'].map((text) => second.send(room.id, text));
      expect(second.outbox.items().map((i) => i.message)).toEqual([
        'offline 1',
        'offline 2',
        'offline 3',
        'offline 4',
        'offline 5',
      ]);

      // Back online: everything is flushed in order, the raced one is not stored twice.
      proxy.restore();
      network.set(true);
      await second.waitForStatus('connected');
      await Promise.all(more.map((m) => m.settled()));
      await until(second.outbox, () => second.outbox.get().size === 0, 'an empty outbox');
      const stored = (await history()).filter((m) => m.message?.startsWith('offline '));
      expect(stored.map((m) => m.message)).toEqual(['offline 1', 'offline 2', 'offline 3', 'offline 4', 'offline 5']);
      expect(stored[0]).toEqual(raced.body);
      const store = second.room(room.id);
      await until(
        store,
        () =>
          store
            .get()
            .filter((m) => m.text?.startsWith('offline '))
            .every((m) => m.state === 'sent'),
        'all sent',
      );
      expect(
        store
          .get()
          .filter((m) => m.text?.startsWith('offline '))
          .map((m) => m.text),
      ).toEqual(stored.map((m) => m.message));
      assertGapless(second, room.id);
      // Nothing is left in the file for a later page once the removals are written.
      await second.outbox.flushed();
      expect(await new FileOutboxStore(outboxFile).load()).toEqual([]);
      await second.stop();
    },
  );

  it('refuses a message visibly when the outbox is full, and sends it on retry once there is room', async () => {
    const network = new ManualNetwork(false);
    const { client } = await clientFor(suite.env, alice, { ...fastTimings, network, outboxCapacity: 2 });
    clients.push(client);
    const errors: ChatClientError[] = [];
    client.on('error', (e) => errors.push(e));
    await client.start();
    await client.waitForStatus('offline');
    await client.joinRoom(room.id);
    const kept = [client.send(room.id, 'full 1'), client.send(room.id, 'full 2')];
    const refused = client.send(room.id, 'full 3');
    expect(refused.state).toBe('failed');
    expect(refused.error?.code).toBe('OUTBOX_FULL');
    expect(errors.map((e) => e.code)).toEqual(['OUTBOX_FULL']);
    expect(client.getSnapshot().outbox).toEqual({ size: 2, capacity: 2, full: true });
    expect(client.room(room.id).get().at(-1)).toMatchObject({ text: 'full 3', state: 'failed' });

    network.set(true);
    await client.waitForStatus('connected');
    await Promise.all(kept.map((m) => m.settled()));
    refused.retry();
    expect(refused.state).toBe('sending');
    await refused.settled();
    const stored = (await history()).filter((m) => m.message?.startsWith('full '));
    expect(stored.map((m) => m.message)).toEqual(['full 1', 'full 2', 'full 3']);
    await client.stop();
  });

  it(
    'fails a message the server refuses (not a member) with retry available, ' + 'without blocking later ones',
    async () => {
      const carol = await suite.env.signedUpUser();
      const { client } = await clientFor(suite.env, carol, fastTimings);
      clients.push(client);
      await client.start();
      await client.waitForStatus('connected');
      const own = (await carol.http<Room>('POST', '/chat/rooms', { name: 'carol only' })).body;
      const refused = client.send(room.id, 'let me in');
      const fine = client.send(own.id, 'in my own room');
      await expect(refused.settled()).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(refused.state).toBe('failed');
      expect((await fine.settled()).roomId).toBe(own.id);
      await client.stop();
    },
  );

  it('receives notifications live and, after an outage, resumes from its cursor without repeats', async () => {
    const proxy = await TcpProxy.start(suite.env.stack.ports.socket);
    proxies.push(proxy);
    const { client } = await clientFor(suite.env, alice, { ...fastTimings, socketUrl: proxy.url });
    clients.push(client);
    const received: string[] = [];
    client.on('notification', (n) => received.push(`${n.id}@${n.cursor}`));
    await client.start();
    await client.waitForStatus('connected');
    await until(client.state, () => client.getSnapshot().notificationsConnected, '/notifications connected');

    const mention = async (text: string) => {
      const res = await bob.http<Message>('POST', '/chat/messages', { roomId: room.id, message: text });
      expect(res.status).toBe(201);
      return res.body;
    };
    const first = await mention(`hi @${alice.username}`);
    await until(
      client.notifications,
      () => client.notifications.get().notifications.some((n) => n.messageId === first.id),
      'the first mention',
    );
    const unreadBefore = client.getSnapshot().unreadCount;
    expect(unreadBefore).toBeGreaterThanOrEqual(1);

    proxy.cut();
    await client.waitForStatus(['connecting', 'fallback']);
    const second = await mention(`again @${alice.username}`);
    proxy.restore();
    await client.waitForStatus('connected');
    await until(
      client.notifications,
      () => client.notifications.get().notifications.some((n) => n.messageId === second.id),
      'the mention sent during the outage',
    );
    expect(new Set(received).size).toBe(received.length);
    expect(client.notifications.cursor).toBe(
      Math.max(...client.notifications.get().notifications.map((n) => n.cursor)),
    );

    const updated = await client.markNotificationsRead('all');
    expect(updated).toBeGreaterThanOrEqual(2);
    await until(client.state, () => client.getSnapshot().unreadCount === 0, 'no unread notifications');
    await client.stop();
  });
});
