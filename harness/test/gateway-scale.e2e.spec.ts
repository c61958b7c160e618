import { describe, it, expect, beforeAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import {
  subjects,
  type GatewayUsage,
  type Presence,
  type RateLimitKind,
  type Room,
  type Typing,
} from '@chatrt/contracts';
import {
  eventually,
  RoomInbox,
  startTestStack,
  type ChatSocket,
  type ChatUser,
  type ExtraGateway,
  type TestStack,
} from '../src/index.ts';

/** Collects `presence` events and waits for a given online set. */
function presenceOf(socket: ChatSocket) {
  const seen: Presence[] = [];
  socket.on('presence', (p) => seen.push(p));
  return {
    seen,
    async waitFor(userIds: string[], timeoutMs = 10_000): Promise<void> {
      const want = JSON.stringify([...userIds].sort());
      await eventually(
        () => seen.at(-1),
        (last) => JSON.stringify(last?.onlineUserIds) === want,
        timeoutMs,
      );
    },
  };
}

/** Watches `gateway.usage`: resolves once the gateways shared `count` let-through commands of a user's `kind`. */
async function usageShared(natsUrl: string, userId: string, kind: RateLimitKind, count: number) {
  const nc = await connect({ servers: natsUrl });
  let shared = 0;
  let reached: () => void = () => {};
  const done = new Promise<void>((resolve) => (reached = resolve));
  nc.subscribe(subjects.gatewayUsage, {
    callback: (_err, msg) => {
      for (const usage of msg.json<GatewayUsage>().usage)
        if (usage.userId === userId && usage.kind === kind) shared += usage.count;
      if (shared >= count) reached();
    },
  });
  await nc.flush();
  return {
    async wait(timeoutMs = 10_000): Promise<void> {
      const timer = setTimeout(() => {
        reached();
      }, timeoutMs);
      await done;
      clearTimeout(timer);
      await nc.close();
      if (shared < count)
        throw new Error(`only ${shared} of ${count} ${kind} shared on gateway.usage within ${timeoutMs} ms`);
    },
  };
}

describe('several gateways: messages, typing and presence across them; graceful shutdown', () => {
  let env: TestStack;
  let second: ExtraGateway;
  let alice: ChatUser, bob: ChatUser;
  let room: Room;

  beforeAll(async () => {
    env = await startTestStack({
      PRESENCE_HEARTBEAT_MS: '500',
      // Token buckets refill while the test waits for the gateways to share: slow refills keep the limits reached.
      RATE_LIMIT_MESSAGES_PER_SECOND: '0.5',
      RATE_LIMIT_CREATE_ROOM_PER_SECOND: '0.1',
      RATE_LIMIT_CREATE_ROOM_BURST: '5',
    });
    return () => env.stop();
  });

  beforeAll(async () => {
    second = await env.stack.addGateway();
    alice = await env.signedUpUser();
    bob = await env.signedUpUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'across', memberIds: [bob.id] })).body;
  });

  it('clients on different gateways see each other’s messages, typing and presence', async () => {
    const aliceSocket = await alice.connectChat();
    const alicePresence = presenceOf(aliceSocket);
    const aliceInbox = new RoomInbox(aliceSocket);
    expect((await aliceSocket.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);
    await alicePresence.waitFor([alice.id]);

    const bobSocket = await bob.connectChat({ socketUrl: second.urls.socket });
    const bobInbox = new RoomInbox(bobSocket);
    const bobPresence = presenceOf(bobSocket);
    expect((await bobSocket.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);
    await bobPresence.waitFor([alice.id, bob.id]);
    await alicePresence.waitFor([alice.id, bob.id]);

    const fromAlice = await aliceSocket.emitWithAck('sendMessage', {
      roomId: room.id,
      message: 'hi from gateway 1',
      clientMessageId: randomUUID(),
    });
    const fromBob = await bobSocket.emitWithAck('sendMessage', {
      roomId: room.id,
      message: 'hi from gateway 2',
      clientMessageId: randomUUID(),
    });
    if (!fromAlice.ok || !fromBob.ok) throw new Error('send failed');
    expect(await bobInbox.waitForMessages(2)).toEqual([fromAlice.message, fromBob.message]);
    expect(await aliceInbox.waitForMessages(2)).toEqual([fromAlice.message, fromBob.message]);

    const typingSeen: Typing[] = [];
    const ownTyping: Typing[] = [];
    aliceSocket.on('typing', (t) => typingSeen.push(t));
    bobSocket.on('typing', (t) => ownTyping.push(t));
    expect(await bobSocket.emitWithAck('typing', { roomId: room.id, isTyping: true })).toEqual({ ok: true });
    await eventually(
      () => typingSeen.length,
      (count) => count > 0,
      5000,
    );
    expect(typingSeen).toEqual([{ roomId: room.id, userId: bob.id, isTyping: true }]);
    expect(ownTyping).toEqual([]);

    const outsider = await (await env.signedUpUser()).connectChat();
    expect(await outsider.emitWithAck('typing', { roomId: room.id, isTyping: true })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    bobSocket.disconnect();
    await alicePresence.waitFor([alice.id]);
    aliceSocket.disconnect();
  });

  it("one user's send limit spans the gateways (burst 10)", async () => {
    const carol = await env.signedUpUser();
    const own = (await carol.http<Room>('POST', '/chat/rooms', { name: 'limits' })).body;
    const here = await carol.connectChat();
    const there = await carol.connectChat({ socketUrl: second.urls.socket });
    const send = (socket: ChatSocket) =>
      socket.emitWithAck('sendMessage', { roomId: own.id, message: 'burst', clientMessageId: randomUUID() });
    // The first gateway shares what it let through every 50 ms on gateway.usage; the second then counts it too.
    const sharing = await usageShared(env.stack.urls.natsUrl, carol.id, 'send', 10);
    for (let i = 0; i < 10; i++) expect((await send(here)).ok).toBe(true);
    await sharing.wait();
    const refused = await send(there);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) as unknown },
    });
    const overRest = await fetch(`${second.urls.api}/api/chat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${(await carol.sessionToken()).token}` },
      body: JSON.stringify({ roomId: own.id, message: 'burst' }),
    });
    expect(overRest.status).toBe(429);
    here.disconnect();
    there.disconnect();
  });

  it("one user's room-creation limit spans the gateways too (burst 5), from REST to socket", async () => {
    const dave = await env.signedUpUser();
    const sharing = await usageShared(env.stack.urls.natsUrl, dave.id, 'createRoom', 5);
    for (let i = 0; i < 5; i++)
      expect((await dave.http('POST', '/chat/rooms', { name: `room ${i}` })).status).toBe(201);
    // The first gateway shares what it let through every 50 ms on gateway.usage; the second then counts it too.
    await sharing.wait();
    const there = await dave.connectChat({ socketUrl: second.urls.socket });
    expect(await there.emitWithAck('createRoom', { name: 'one too many' })).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) as unknown },
    });
    there.disconnect();
  });

  it('forgets the users of a gateway that stops, and tells its clients to reconnect before closing', async () => {
    const aliceSocket = await alice.connectChat();
    const alicePresence = presenceOf(aliceSocket);
    await aliceSocket.emitWithAck('joinRoom', { roomId: room.id });
    const bobSocket = await bob.connectChat({ socketUrl: second.urls.socket });
    await bobSocket.emitWithAck('joinRoom', { roomId: room.id });
    await alicePresence.waitFor([alice.id, bob.id]);

    const shutdown = new Promise<{ code: string; reconnectAfterMs: number }>((resolve) =>
      bobSocket.once('serverShutdown', resolve),
    );
    const closed = new Promise<string>((resolve) => bobSocket.once('disconnect', resolve));
    await second.stop();
    expect(await shutdown).toMatchObject({ code: 'UNAVAILABLE', reconnectAfterMs: expect.any(Number) as unknown });
    // A transport close (not a server-side disconnect) is what makes Socket.IO clients reconnect by themselves.
    expect(await closed).toBe('transport close');
    await alicePresence.waitFor([alice.id]);
    aliceSocket.disconnect();
  });

  it('a client with automatic reconnection comes back by itself after its gateway restarts', async () => {
    const aliceSocket = await alice.connectChat({ reconnection: true });
    const reconnected = new Promise<void>((resolve) =>
      aliceSocket.io.once('reconnect', () => {
        resolve();
      }),
    );
    await env.stack.stopService('gateway');
    await env.stack.startService('gateway');
    await reconnected;
    expect(await aliceSocket.emitWithAck('ping', {})).toMatchObject({ ok: true });
    aliceSocket.disconnect();
  });
});
