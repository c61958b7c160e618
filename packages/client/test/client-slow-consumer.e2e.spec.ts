import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '@chatrt/contracts';
import { TcpProxy, type ChatSocket, type ChatUser } from '@chatrt/harness';
import type { ChatClient } from '../src/index.ts';
import { assertGapless, clientFor, fastTimings, until, testStackSuite } from './support/e2e.ts';

/** Packets the gateway queues for one connection before dropping it (small, so the test fills it fast). */
const maxBufferedPackets = 200;
/** A long backlog of large messages: megabytes to replay. */
const backlog = 3_000;
const padding = 'x'.repeat(3_900);

describe('clients that do not keep up (gateway queue bounded at 200 packets, replay pages of 50)', () => {
  const suite = testStackSuite({
    SOCKET_MAX_BUFFERED_PACKETS: String(maxBufferedPackets),
    REPLAY_PAGE_SIZE: '50',
    RATE_LIMIT_MESSAGES_PER_SECOND: '10000',
    RATE_LIMIT_BURST: '100000',
  });
  let alice: ChatUser, bob: ChatUser;
  let room: Room;
  let bobSocket: ChatSocket | undefined;
  let proxy: TcpProxy | undefined;
  let client: ChatClient | undefined;

  /** Bob sends `count` large messages, 100 at a time; returns their ids. */
  async function bobSends(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, count - i) }, async () => {
          const ack = await bobSocket!.emitWithAck('sendMessage', {
            roomId: room.id,
            message: padding,
            clientMessageId: randomUUID(),
          });
          if (!ack.ok) throw new Error(JSON.stringify(ack.error));
          return ack.message.id;
        }),
      );
      ids.push(...batch);
    }
    return ids;
  }

  /** Whether every id is in the list: checked on each store change, so linear (thousands of messages here). */
  function hasAll(list: readonly { id?: string }[], ids: readonly string[]): boolean {
    const present = new Set(list.map((m) => m.id));
    return ids.every((id) => present.has(id));
  }

  async function droppedSoFar(): Promise<number> {
    const text = await (await fetch(`${suite.env.stack.urls.socket}/metrics`)).text();
    const sample = /^socket_slow_consumers_dropped_total(?:\{[^}]*\})? (\d+)$/m.exec(text);
    if (!sample) throw new Error('socket_slow_consumers_dropped_total is not exported');
    return Number(sample[1]);
  }

  beforeAll(async () => {
    alice = await suite.env.signedUpUser();
    bob = await suite.env.signedUpUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'firehose', memberIds: [bob.id] })).body;
    bobSocket = await bob.connectChat();
    proxy = await TcpProxy.start(suite.env.stack.ports.socket);
  });

  afterAll(async () => {
    await client?.stop();
    bobSocket?.disconnect();
    await proxy?.stop();
  });

  it(
    'is disconnected instead of queueing without end, and resumes every message once when it reads again',
    { timeout: 120_000 },
    async () => {
      ({ client } = await clientFor(suite.env, alice, { ...fastTimings, socketUrl: proxy!.url }));
      await client.start();
      await client.waitForStatus('connected');
      await client.joinRoom(room.id);
      const store = client.room(room.id);
      proxy!.pause();

      // Large messages fill the socket buffers between gateway and client quickly; past them the gateway's queue.
      const sent: string[] = [];
      const dropsBefore = await droppedSoFar();
      while ((await droppedSoFar()) === dropsBefore) {
        expect(sent.length, 'the gateway never dropped the stalled connection').toBeLessThan(6_000);
        sent.push(...(await bobSends(100)));
      }
      expect(await droppedSoFar()).toBe(dropsBefore + 1);
      // The sender, who keeps up, was not touched.
      expect(bobSocket!.connected).toBe(true);

      proxy!.resume();
      await until(store, () => hasAll(store.get(), sent), `all ${sent.length} messages after resuming`, 60_000);
      assertGapless(client, room.id);
      const received = store.get().filter((m) => m.id !== undefined && sent.includes(m.id));
      expect(received).toHaveLength(sent.length);
      expect(client.status).toBe('connected');
      await client.stop();
    },
  );

  it(
    'catching up on a long backlog over a slow link is paced to the link, not dropped',
    { timeout: 120_000 },
    async () => {
      ({ client } = await clientFor(suite.env, alice, { ...fastTimings, socketUrl: proxy!.url }));
      await client.start();
      await client.waitForStatus('connected');
      await client.joinRoom(room.id);
      const store = client.room(room.id);
      await client.stop();

      const missed = await bobSends(backlog);
      // About 12 MB to replay at 3 MB/s: past the socket buffers, far more than the queue bound if the replay did not
      // wait.
      proxy!.throttle(3_000_000);
      const dropsBefore = await droppedSoFar();
      await client.start();
      await until(store, () => hasAll(store.get(), missed), `the ${backlog} missed messages`, 60_000);
      assertGapless(client, room.id);
      expect(store.get().filter((m) => m.id !== undefined && missed.includes(m.id))).toHaveLength(backlog);
      expect(await droppedSoFar()).toBe(dropsBefore);
    },
  );
});
