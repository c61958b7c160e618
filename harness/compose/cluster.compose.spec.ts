import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Message, MessagePage, NotificationPage, Room } from '@chatrt/contracts';
import { ChatUser, RoomInbox, eventually } from '../src/index.ts';
import { ComposeStack } from '../src/compose/compose-stack.ts';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const messageCount = 150;
/** Every tenth message mentions the receiver, so notify's replicas have work while a node is lost. */
const mentions = (i: number) => i % 10 === 0;

/**
 * The cluster profile (deploy/cluster.env): three NATS nodes with the stream on all three, two replicas each of
 * chat and notify. A writer keeps sending while one NATS node and one chat replica are SIGKILLed; nothing acked
 * is lost or doubled, the reader sees every message once and in order, each mention is notified once.
 */
describe('docker compose, cluster profile: losing a NATS node and a chat replica loses nothing', () => {
  const stack = new ComposeStack({
    project: 'chatrt-cluster',
    cwd: repositoryRoot,
    envFile: 'deploy/cluster.env',
    endpoints: { api: 'http://127.0.0.1:3000', socket: 'http://127.0.0.1:3001', prometheus: 'http://127.0.0.1:9090' },
  });
  const users: ChatUser[] = [];

  beforeAll(async () => {
    await stack.down();
    try {
      await stack.up();
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await stack.logs()}`, { cause: err });
    }
  });

  afterAll(async () => {
    for (const user of users) user.close();
    await stack.down();
  });

  it('runs three NATS nodes and two replicas each of chat and notify', async () => {
    for (const [service, count] of [
      ['nats', 1],
      ['nats-2', 1],
      ['nats-3', 1],
      ['chat', 2],
      ['notify', 2],
    ] as const) {
      expect(await stack.containers(service), service).toHaveLength(count);
    }
  });

  it(
    'keeps every acked message exactly once, in order, live and in history, while a NATS node and a chat replica die',
    { timeout: 300_000 },
    async () => {
      const [alice, bob] = [new ChatUser(stack.clientConfig()), new ChatUser(stack.clientConfig())];
      users.push(alice, bob);
      await alice.signUp();
      await bob.signUp();
      const room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'cluster', memberIds: [bob.id] })).body;
      const reader = await bob.connectChat({ transports: ['websocket'] });
      const inbox = new RoomInbox(reader);
      expect((await reader.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);

      /** Sends until acked, retrying with the same clientMessageId (a retry returns the stored message). */
      const sendUntilAcked = async (i: number): Promise<Message> => {
        const body = {
          roomId: room.id,
          message: mentions(i) ? `@${bob.username} number ${i}` : `number ${i}`,
          clientMessageId: `cluster-${i}-${randomUUID()}`,
        };
        for (let attempt = 0; attempt < 120; attempt += 1) {
          const sent = await alice.http<Message>('POST', '/chat/messages', body).catch(() => undefined);
          if (sent?.status === 201) return sent.body;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        throw new Error(`message ${i} was never acked`);
      };

      const acked: Message[] = [];
      const faults = (async () => {
        await eventually(
          () => acked.length,
          (n) => n >= messageCount / 3,
          60_000,
        );
        const [node] = await stack.containers('nats-2');
        await stack.kill(node!);
        await eventually(
          () => acked.length,
          (n) => n >= (2 * messageCount) / 3,
          120_000,
        );
        const [chatReplica] = await stack.containers('chat');
        await stack.kill(chatReplica!);
      })();
      for (let i = 0; i < messageCount; i += 1) {
        acked.push(await sendUntilAcked(i));
        // A steady writer (about 20 a second), not a flood: the rate limit is not what is tested here.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await faults;

      const ackedIds = acked.map((m) => m.id);
      expect(new Set(ackedIds).size).toBe(messageCount);
      expect(acked.map((m) => m.seq)).toEqual([...acked.map((m) => m.seq)].sort((a, b) => a - b));

      const history = await bob.http<MessagePage>('GET', `/chat/messages?roomId=${room.id}&limit=200`);
      expect(history.status).toBe(200);
      expect(history.body.messages.map((m) => m.id)).toEqual(ackedIds);

      await inbox.waitFor(
        () => ackedIds.every((id) => inbox.messages.some((m) => m.id === id)),
        'every acked message live',
        120_000,
      );
      const received = inbox.messages.map((m) => m.id);
      expect(received).toEqual(ackedIds);

      const mentioned = acked.filter((_, i) => mentions(i)).map((m) => m.id);
      const notified = await eventually(
        async () =>
          (await bob.http<NotificationPage>('GET', '/notifications?limit=200')).body.notifications.filter(
            (n) => n.type === 'mention',
          ),
        (list) => list.length >= mentioned.length,
        120_000,
      );
      expect(notified.map((n) => n.messageId).sort()).toEqual([...mentioned].sort());
    },
  );
});
