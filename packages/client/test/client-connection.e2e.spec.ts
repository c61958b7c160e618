import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Room } from '@chatrt/contracts';
import type { ChatUser } from '@chatrt/harness';
import { diagnostics, type ChatClient } from '../src/index.ts';
import { assertGapless, clientFor, texts, until, testStackSuite } from './support/e2e.ts';
import { batchedMessageFrom, say, untilListed } from './support/room-traffic.ts';

describe('ChatClient against the real stack: connect, resume, delivery modes, no session', () => {
  // Bob's bursts would meet the default send limit of this shared stack; limits have their own suite (client-limits).
  const suite = testStackSuite({ RATE_LIMIT_MESSAGES_PER_SECOND: '1000', RATE_LIMIT_BURST: '1000' });
  let alice: ChatUser, bob: ChatUser;
  let room: Room;
  const clients: ChatClient[] = [];

  const bobSays = (text: string) => say(bob, room.id, text);

  beforeAll(async () => {
    alice = await suite.env.signedUpUser();
    bob = await suite.env.signedUpUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'client e2e', memberIds: [bob.id] })).body;
  });

  afterAll(async () => {
    for (const client of clients) await client.stop();
  });

  it(
    'connects both namespaces with the ops doc diagnostics, loads history, ' + 'receives live and sends optimistically',
    async () => {
      const before = await bobSays('before alice joined');
      const { client, logger } = await clientFor(suite.env, alice);
      clients.push(client);
      await client.start();
      await client.waitForStatus('connected');
      const socketUrl = suite.env.config().socketUrl;
      await until(client.state, () => client.getSnapshot().notificationsConnected, '/notifications connected');
      expect(logger.texts('info')).toEqual(
        expect.arrayContaining([
          `[Socket] Connecting to ${socketUrl}/chat`,
          `[Socket] Connecting to ${socketUrl}/notifications`,
          `[Socket] Connected to /chat (id: ${client.chatSocket!.id})`,
          `[Socket] Connected to /notifications (id: ${client.notificationsSocket!.id})`,
        ]),
      );
      expect(client.userId).toBe(alice.id);

      await client.joinRoom(room.id);
      expect(texts(client, room.id)).toEqual([before.message]);

      const live = await bobSays('live from bob');
      const store = client.room(room.id);
      await untilListed(client, room.id, live, 'bob’s live message');

      const states: string[] = [];
      // The client asks for batched delivery by default: room events come in `roomEvents` frames.
      const liveCopy = batchedMessageFrom(client.chatSocket!, alice.id);
      const mine = client.send(room.id, 'hello from the SDK');
      mine.onChange((m) => states.push(m.state));
      expect(store.get().at(-1)).toMatchObject({
        key: mine.clientMessageId,
        state: 'sending',
        text: 'hello from the SDK',
      });
      const stored = await mine.settled();
      expect(states).toEqual(['sent']);
      expect(stored).toMatchObject({ senderId: alice.id, clientMessageId: mine.clientMessageId });
      // The live copy of my own message merges into the optimistic one instead of doubling it.
      expect((await liveCopy).id).toBe(stored.id);
      expect(store.resumeSeq).toBe(stored.seq);
      expect(texts(client, room.id)).toEqual([before.message, live.message, 'hello from the SDK']);
      expect(store.get().at(-1)).toMatchObject({ key: mine.clientMessageId, state: 'sent', seq: stored.seq });
      await client.stop();
      expect(client.status).toBe('idle');

      // Started again (as React's StrictMode does), it resumes the room from where it stopped.
      const whileStopped = await bobSays('while stopped');
      await client.start();
      await client.waitForStatus('connected');
      await untilListed(client, room.id, whileStopped, 'the message sent while stopped');
      assertGapless(client, room.id);
      expect(texts(client, room.id)).toEqual([before.message, live.message, 'hello from the SDK', 'while stopped']);
      await client.stop();
    },
  );

  it("batched by default, one frame per event with delivery 'single': both show a burst once and in order", async () => {
    const started = await Promise.all(
      [{}, { delivery: 'single' as const }].map(async (options) => {
        const { client } = await clientFor(suite.env, alice, options);
        clients.push(client);
        await client.start();
        await client.waitForStatus('connected');
        await client.joinRoom(room.id);
        const frames = { roomEvents: 0, message: 0 };
        client.chatSocket!.on('roomEvents', () => (frames.roomEvents += 1));
        client.chatSocket!.on('message', () => (frames.message += 1));
        return { client, frames };
      }),
    );
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => bobSays(`burst ${i}`)));
    for (const { client } of started) {
      const store = client.room(room.id);
      await untilListed(client, room.id, burst, 'the burst');
      assertGapless(client, room.id);
      const seqs = store.get().map((m) => m.seq);
      expect(seqs.slice(-burst.length)).toEqual(burst.map((m) => m.seq).sort((a, b) => a - b));
    }
    const [batched, single] = started;
    expect(batched!.frames.message).toBe(0);
    expect(batched!.frames.roomEvents).toBeGreaterThan(0);
    expect(single!.frames.roomEvents).toBe(0);
    expect(single!.frames.message).toBe(burst.length);
    for (const { client } of started) await client.stop();
  });

  it('without a session: warns, reports unauthenticated and opens no socket', async () => {
    const { client, logger } = await clientFor(suite.env, undefined);
    clients.push(client);
    await client.start();
    expect(client.status).toBe('unauthenticated');
    expect(logger.texts('warn')).toContain(diagnostics.noToken);
    expect(client.chatSocket).toBeUndefined();
    expect(client.notificationsSocket).toBeUndefined();
    expect(logger.texts().some((t) => t.startsWith('[Socket] Connecting'))).toBe(false);
    // A message written meanwhile waits in the outbox; nothing is lost or sent under no identity.
    const pending = client.send(room.id, 'nobody is logged in');
    expect(pending.state).toBe('sending');
    expect(client.outbox.get().size).toBe(1);
    await client.stop();
  });
});
