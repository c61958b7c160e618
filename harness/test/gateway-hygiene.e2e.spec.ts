import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { connect, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Room } from '@chatrt/contracts';
import { RoomInbox, eventually, startTestStack, type ChatUser, type TestStack } from '../src/index.ts';

const perAddress = 20;
const total = 60;
const handshakeTimeoutMs = 1500;

/** The value of the series of `name` with these labels (among others) in a Prometheus exposition; 0 when absent. */
function metricValue(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((label) => l.includes(label)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** A raw TCP connection from `localAddress` that never sends a byte; resolves once open, or once refused. */
function idleConnection(port: number, localAddress: string): Promise<{ socket: Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    // Reading is what lets the server's closing reach this side (it answers 408 first).
    socket.resume();
    const closed = new Promise<void>((done) =>
      socket.once('close', () => {
        done();
      }),
    );
    socket.on('error', () => {});
    socket.once('connect', () => {
      resolve({ socket, closed });
    });
    socket.once('close', () => {
      resolve({ socket, closed });
    });
    setTimeout(() => {
      reject(new Error('connect did not settle'));
    }, 5000).unref();
  });
}

/** Whether `closed` settles within `ms`. */
async function closesWithin(closed: Promise<void>, ms: number): Promise<boolean> {
  return Promise.race([
    closed.then(() => true),
    new Promise<boolean>((r) =>
      setTimeout(() => {
        r(false);
      }, ms),
    ),
  ]);
}

describe('gateway hygiene: repeated joins, idle connections, connection caps', () => {
  let env: TestStack;
  let alice: ChatUser;
  let room: Room;
  const opened: Socket[] = [];

  beforeAll(async () => {
    env = await startTestStack({
      MAX_CONNECTIONS_PER_ADDRESS: String(perAddress),
      MAX_CONNECTIONS: String(total),
      HANDSHAKE_TIMEOUT_MS: String(handshakeTimeoutMs),
    });
    return () => env.stop();
  });

  beforeAll(async () => {
    alice = await env.signedUpUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'hygiene' })).body;
  });

  afterAll(() => {
    for (const socket of opened) socket.destroy();
  });

  const metrics = async () => (await fetch(`${env.stack.urls.socket}/metrics`)).text();

  it('concurrent joins of a room on one socket: each event once, one listener, none after leaving', async () => {
    const socket = await alice.connectChat();
    const inbox = new RoomInbox(socket);
    const acks = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        socket.emitWithAck('joinRoom', { roomId: room.id, ...(i % 2 ? { afterSeq: 0 } : {}) }),
      ),
    );
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(metricValue(await metrics(), 'gateway_feed_listeners', { feed: 'room' })).toBe(1);

    const first = await alice.http('POST', '/chat/messages', {
      roomId: room.id,
      message: 'once',
      clientMessageId: randomUUID(),
    });
    const barrier = await alice.http('POST', '/chat/messages', {
      roomId: room.id,
      message: 'barrier',
      clientMessageId: randomUUID(),
    });
    expect([first.status, barrier.status]).toEqual([201, 201]);
    await inbox.waitFor(() => inbox.messages.some((m) => m.message === 'barrier'), 'the barrier message');
    expect(inbox.messages.filter((m) => m.message === 'once')).toHaveLength(1);
    const messageSeqs = inbox.messages.map((m) => m.seq);
    expect(messageSeqs).toEqual([...new Set(messageSeqs)]);

    socket.disconnect();
    await eventually(metrics, (text) => metricValue(text, 'gateway_feed_listeners', { feed: 'room' }) === 0);
  });

  it('concurrent subscribes on one /notifications socket: each notification once, one listener', async () => {
    const bob = await env.signedUpUser();
    const socket = await alice.connectNotifications();
    const received: { id: string; cursor: number }[] = [];
    socket.on('notification', (n) => received.push(n));
    // Within the subscribe burst (RATE_LIMIT_SUBSCRIBES_BURST), so every one is let through and races the others.
    const acks = await Promise.all(Array.from({ length: 15 }, () => socket.emitWithAck('subscribe', {})));
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(metricValue(await metrics(), 'gateway_feed_listeners', { feed: 'notifications' })).toBe(1);
    const before = received.length;

    for (const name of ['first', 'second']) {
      expect((await bob.http('POST', '/chat/rooms', { name, memberIds: [alice.id] })).status).toBe(201);
    }
    await eventually(
      () => received.length,
      (count) => count >= before + 2,
    );
    const latest = received.slice(before);
    expect(new Set(latest.map((n) => n.id)).size).toBe(latest.length);

    socket.disconnect();
    await eventually(metrics, (text) => metricValue(text, 'gateway_feed_listeners', { feed: 'notifications' }) === 0);
  });

  it('closes connections that never send a request, and caps one address without locking out others', async () => {
    const port = env.stack.ports.socket;
    const attempts = await Promise.all(
      Array.from({ length: perAddress + 10 }, () => idleConnection(port, '127.0.0.2')),
    );
    opened.push(...attempts.map((a) => a.socket));
    // Everything past the per-address cap is closed on arrival.
    const refusedAtOnce = (await Promise.all(attempts.map((a) => closesWithin(a.closed, 500)))).filter(Boolean).length;
    expect(refusedAtOnce).toBeGreaterThanOrEqual(10);
    expect(
      metricValue(await metrics(), 'gateway_connections_refused_total', { server: 'socket', reason: 'per_address' }),
    ).toBeGreaterThanOrEqual(10);

    // Another address is served meanwhile, on both servers.
    expect((await fetch(`${env.stack.urls.socket}/health`)).status).toBe(200);
    expect((await fetch(`${env.stack.urls.api}/api/health`)).status).toBe(200);
    const bystander = await alice.connectChat();
    expect((await bystander.emitWithAck('ping', {})).ok).toBe(true);
    bystander.disconnect();

    // The idle ones are closed once the handshake timeout passes, and the address may connect again.
    const allClosed = await closesWithin(
      Promise.all(attempts.map((a) => a.closed)).then(() => undefined),
      handshakeTimeoutMs + 3000,
    );
    expect(allClosed).toBe(true);
    // The gateway counts a connection gone once its own side has closed, a moment after this side saw it.
    const admittedAgain = await eventually(
      async () => {
        const again = await idleConnection(port, '127.0.0.2');
        opened.push(again.socket);
        const stays = !(await closesWithin(again.closed, 300));
        again.socket.destroy();
        return stays;
      },
      (stays) => stays,
      5000,
    );
    expect(admittedAgain).toBe(true);
  });

  it('refuses connections past the total cap, logs it, and serves again once they go', async () => {
    const port = env.stack.ports.api;
    const addresses = ['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'];
    const attempts = (
      await Promise.all(
        addresses.map((address) =>
          Promise.all(Array.from({ length: perAddress }, () => idleConnection(port, address))),
        ),
      )
    ).flat();
    opened.push(...attempts.map((a) => a.socket));
    const refusedAtOnce = (await Promise.all(attempts.map((a) => closesWithin(a.closed, 500)))).filter(Boolean).length;
    expect(refusedAtOnce).toBeGreaterThanOrEqual(attempts.length - total);

    // Metrics are read once the idle connections are gone: until then this client would be refused too.
    await Promise.all(attempts.map((a) => a.closed));
    const health = await eventually(
      () =>
        fetch(`${env.stack.urls.api}/api/health`).then(
          (res) => res.status,
          () => 0,
        ),
      (status) => status === 200,
      5000,
    );
    expect(health).toBe(200);
    expect(
      metricValue(await metrics(), 'gateway_connections_refused_total', { server: 'api', reason: 'total' }),
    ).toBeGreaterThan(0);
    expect(env.stack.logs('gateway').some((line) => line.includes('connection cap reached'))).toBe(true);
  });
});
