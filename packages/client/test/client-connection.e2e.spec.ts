import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Message, MessagePage, Room, RoomEvents } from '@chatrt/contracts';
import { TcpProxy, type ChatUser } from '@chatrt/harness';
import { diagnostics, type ChatClient, type ConnectionStatus } from '../src/index.ts';
import { assertGapless, clientFor, fastTimings, texts, until, testStackSuite } from './support/e2e.ts';

describe('ChatClient against the real stack: connect, resume, fallback, REST-only, no session', () => {
  // Bob's bursts would meet the default send limit of this shared stack; limits have their own suite (client-limits).
  const suite = testStackSuite({ RATE_LIMIT_MESSAGES_PER_SECOND: '1000', RATE_LIMIT_BURST: '1000' });
  let alice: ChatUser, bob: ChatUser;
  let room: Room;
  const clients: ChatClient[] = [];
  const proxies: TcpProxy[] = [];

  /** Bob posts over REST (the gateway he is configured for) and returns the stored message. */
  async function bobSays(text: string): Promise<Message> {
    const res = await bob.http<Message>('POST', '/chat/messages', { roomId: room.id, message: text });
    if (res.status !== 201) throw new Error(`bob could not send: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function history(): Promise<Message[]> {
    return (await bob.http<MessagePage>('GET', `/chat/messages?roomId=${room.id}&limit=200`)).body.messages;
  }

  function recordStatuses(client: ChatClient): ConnectionStatus[] {
    const seen: ConnectionStatus[] = [];
    client.on('status', (s) => seen.push(s));
    return seen;
  }

  beforeAll(async () => {
    alice = await suite.env.signedUpUser();
    bob = await suite.env.signedUpUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'client e2e', memberIds: [bob.id] })).body;
  });

  afterAll(async () => {
    for (const client of clients) await client.stop();
    for (const proxy of proxies) await proxy.stop();
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
      await until(store, () => store.get().some((m) => m.id === live.id), 'bob’s live message');

      const states: string[] = [];
      const socket = client.chatSocket!;
      // The client asks for batched delivery by default: room events come in `roomEvents` frames.
      const liveCopy = new Promise<Message>((resolve) => {
        const onBatch = ({ events }: RoomEvents) => {
          const copy = events.find((e) => e.event === 'message' && e.payload.senderId === alice.id);
          if (copy?.event !== 'message') return;
          socket.off('roomEvents', onBatch);
          resolve(copy.payload);
        };
        socket.on('roomEvents', onBatch);
      });
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
      await until(store, () => store.get().some((m) => m.id === whileStopped.id), 'the message sent while stopped');
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
      await until(store, () => burst.every((m) => store.get().some((e) => e.id === m.id)), 'the burst');
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

  it('after the gateway stops and starts again, rejoins from its last seq: every message once, in order', async () => {
    const { client } = await clientFor(suite.env, alice, fastTimings);
    clients.push(client);
    const statuses = recordStatuses(client);
    await client.start();
    await client.waitForStatus('connected');
    await client.joinRoom(room.id);
    const store = client.room(room.id);
    const seenBefore = store.get().length;

    // Bob keeps talking through a second gateway while the client's gateway is down.
    const extra = await suite.env.stack.addGateway();
    const mainApi = bob.config.apiUrl;
    bob.config = { ...bob.config, apiUrl: `${extra.urls.api}/api` };
    try {
      await suite.env.stack.stopService('gateway');
      await client.waitForStatus(['connecting', 'fallback']);
      const whileDown: Message[] = [];
      for (let i = 0; i < 5; i++) whileDown.push(await bobSays(`while down ${i}`));
      await suite.env.stack.startService('gateway');
      await client.waitForStatus('connected', 60_000);
      await until(
        store,
        () => whileDown.every((m) => store.get().some((e) => e.id === m.id)),
        'the messages sent while down',
      );
      const after = await bobSays('after the restart');
      await until(store, () => store.get().some((e) => e.id === after.id), 'a live message after the restart');
    } finally {
      bob.config = { ...bob.config, apiUrl: mainApi };
      await extra.stop();
    }
    assertGapless(client, room.id);
    const all = await history();
    expect(store.get().map((m) => m.id)).toEqual(all.slice(-store.get().length).map((m) => m.id));
    expect(store.get().length).toBe(seenBefore + 6);
    expect(statuses.at(-1)).toBe('connected');
    await client.stop();
  });

  it(
    'falls back to REST when the socket server is unreachable (send, polled ' + 'receive) and returns to sockets',
    async () => {
      const proxy = await TcpProxy.start(suite.env.stack.ports.socket);
      proxies.push(proxy);
      const { client, logger } = await clientFor(suite.env, alice, { ...fastTimings, socketUrl: proxy.url });
      clients.push(client);
      await client.start();
      await client.waitForStatus('connected');
      await client.joinRoom(room.id);
      const store = client.room(room.id);

      proxy.cut();
      await client.waitForStatus('fallback');
      expect(logger.texts('error')).toContain(diagnostics.failed(5));
      expect(logger.texts('warn')).toContain('[Socket] WebSocket unavailable, using HTTP fallback');

      const polled = await bobSays('polled over REST');
      await until(store, () => store.get().some((m) => m.id === polled.id), 'a message polled over REST');
      const overRest = client.send(room.id, 'sent over REST');
      const stored = await overRest.settled();
      expect((await history()).filter((m) => m.clientMessageId === overRest.clientMessageId)).toEqual([stored]);
      expect(client.status).toBe('fallback');

      proxy.restore();
      await client.waitForStatus('connected');
      const live = await bobSays('live again');
      await until(store, () => store.get().some((m) => m.id === live.id), 'a live message after the fallback');
      assertGapless(client, room.id);
      const ids = store.get().map((m) => m.id);
      expect(ids.filter((id) => id === polled.id || id === stored.id || id === live.id)).toHaveLength(3);
      await client.stop();
    },
  );

  it('runs REST-only when sockets are disabled (NEXT_PUBLIC_ENABLE_SOCKET_IO=false)', async () => {
    const { client, logger } = await clientFor(suite.env, alice, {
      ...fastTimings,
      env: { NEXT_PUBLIC_ENABLE_SOCKET_IO: 'false' },
    });
    clients.push(client);
    const statuses = recordStatuses(client);
    await client.start();
    await client.waitForStatus('fallback');
    expect(client.chatSocket).toBeUndefined();
    expect(logger.texts().some((t) => t.startsWith('[Socket] Connecting'))).toBe(false);
    expect(logger.texts('warn')).toContain(diagnostics.fallback);

    // Polled first, and refused below: the rooms after it must go on being polled.
    const leaving = (await bob.http<Room>('POST', '/chat/rooms', { name: 'leaving', memberIds: [alice.id] })).body;
    await client.joinRoom(leaving.id);
    await client.joinRoom(room.id);
    const store = client.room(room.id);
    const polled = await bobSays('to the REST-only client');
    await until(store, () => store.get().some((m) => m.id === polled.id), 'a polled message');
    const sent = await client.send(room.id, 'from the REST-only client').settled();
    expect(store.get().filter((m) => m.id === sent.id)).toHaveLength(1);

    // Edits and deletions arrive without a socket too: polling reads the same room updates.
    const edited = await bob.http<Message>('PATCH', `/chat/messages/${polled.id}`, { message: 'edited while polling' });
    expect(edited.status).toBe(200);
    await until(
      store,
      () => store.get().find((m) => m.id === polled.id)?.text === 'edited while polling',
      'an edit polled over REST',
    );
    const doomed = await bobSays('deleted while polling');
    expect((await bob.http('DELETE', `/chat/messages/${doomed.id}`)).status).toBe(200);
    await until(
      store,
      () => store.get().find((m) => m.id === doomed.id)?.deleted === true,
      'a deletion polled over REST',
    );

    // Removed from a room: it is reported and dropped, and the other room is still polled.
    const refused = new Promise<[string, string]>((resolve) =>
      client.on('roomRefused', (roomId, err) => {
        resolve([roomId, err.code]);
      }),
    );
    const reported = new Promise<string>((resolve) =>
      client.on('error', (err) => {
        resolve(err.code);
      }),
    );
    expect((await bob.http('DELETE', `/chat/rooms/${leaving.id}/members`, { userId: alice.id })).status).toBe(200);
    expect(await refused).toEqual([leaving.id, 'FORBIDDEN']);
    expect(await reported).toBe('FORBIDDEN');
    expect(client.joinedRooms()).toEqual([room.id]);
    const later = await bobSays('still polled after the refusal');
    await until(
      store,
      () => store.get().some((m) => m.id === later.id),
      'a message polled after another room was refused',
    );
    expect((await client.listRooms()).map((r) => r.id)).toContain(room.id);
    expect(statuses).toEqual(['fallback']);
    await client.stop();
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
