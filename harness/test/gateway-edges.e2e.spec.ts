import { describe, it, expect, beforeAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import type { MessagePage, Room } from '@chatrt/contracts';
import { startTestStack, type ChatSocket, type ChatUser, type TestStack } from '../src/index.ts';

const tokenLifetimeSeconds = 5;

function nextEvent<T>(
  socket: { once(event: string, listener: (value: T) => void): unknown },
  event: string,
  timeoutMs = 15_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

describe('gateway edges: rate limits, unknown events, oversized frames, CORS, expiry, outages, metrics', () => {
  let env: TestStack;
  let alice: ChatUser;
  let room: Room;
  let socket: ChatSocket | undefined;

  beforeAll(async () => {
    env = await startTestStack({
      SESSION_TOKEN_TTL_SECONDS: String(tokenLifetimeSeconds),
      NATS_REQUEST_TIMEOUT_MS: '2000',
      LOGIN_MAX_FAILURES: '3',
    });
    return () => env.stop();
  });

  beforeAll(async () => {
    alice = await env.signedUpUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'edges' })).body;
  });

  async function freshSocket(): Promise<ChatSocket> {
    socket?.disconnect();
    socket = await alice.connectChat();
    return socket;
  }

  it('limits a burst per user with retryAfter, stores nothing over it, and accepts after waiting', async () => {
    const s = await freshSocket();
    const send = (i: number) =>
      s.emitWithAck('sendMessage', { roomId: room.id, message: `burst ${i}`, clientMessageId: randomUUID() });
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => send(i)));
    const accepted = burst.filter((a) => a.ok);
    const limited = burst.filter((a) => !a.ok);
    expect(accepted).toHaveLength(10);
    expect(limited).toHaveLength(2);
    for (const ack of limited) {
      expect(ack).toMatchObject({
        ok: false,
        error: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) as unknown },
      });
    }
    const retryAfter = limited[0]!.error.retryAfter!;
    expect(retryAfter).toBeGreaterThanOrEqual(1);

    const rest = await alice.http('POST', '/chat/messages', { roomId: room.id, message: 'over REST too' });
    expect(rest.status).toBe(429);
    expect(Number(rest.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const history = await alice.http<MessagePage>('GET', `/chat/messages?roomId=${room.id}&limit=200`);
    expect(history.body.messages).toHaveLength(10);

    // Waiting out the retryAfter the refusal asked for is what this checks.
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    expect((await send(99)).ok).toBe(true);
  });

  it('acks unknown events with UNKNOWN_EVENT, bad payloads with the path, and answers the heartbeat', async () => {
    const s = await freshSocket();
    const raw = s as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
    expect(await raw.emitWithAck('selfDestruct', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_EVENT' } });
    expect(await raw.emitWithAck('joinRoom', { roomId: room.id, afterSeq: -1 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', path: '/afterSeq' },
    });
    expect(await s.emitWithAck('ping', {})).toEqual({ ok: true, serverTime: expect.any(String) as unknown });
    const notifications = await alice.connectNotifications();
    expect(await notifications.emitWithAck('ping', {})).toEqual({
      ok: true,
      serverTime: expect.any(String) as unknown,
    });
    notifications.disconnect();
  });

  it('drops an oversized frame by closing only that connection; the gateway keeps serving', async () => {
    const victim = await freshSocket();
    const bystander = await alice.connectChat();
    const closed = nextEvent<string>(victim, 'disconnect');
    victim.emit(
      'sendMessage',
      { roomId: room.id, message: 'x'.repeat(200_000), clientMessageId: randomUUID() },
      () => {},
    );
    expect(await closed).toBe('transport close');
    expect(await bystander.emitWithAck('ping', {})).toMatchObject({ ok: true });
    expect((await fetch(`${env.stack.urls.socket}/health`)).status).toBe(200);
    bystander.disconnect();
  });

  it('allows only the configured origins (no wildcard)', async () => {
    const handshake = (origin: string) =>
      fetch(`${env.stack.urls.socket}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
    const allowed = await handshake(new URL(env.stack.urls.api.replace('127.0.0.1', 'localhost')).origin);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(
      new URL(env.stack.urls.api.replace('127.0.0.1', 'localhost')).origin,
    );
    const foreign = await handshake('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('disconnects a socket whose token expired, telling it to refresh, and refuses the stale token', async () => {
    const { token } = await alice.sessionToken();
    const s = await alice.connectChat({ token });
    const expired = nextEvent<{ code: string; message: string }>(
      s,
      'sessionExpired',
      (tokenLifetimeSeconds + 5) * 1000,
    );
    const disconnected = nextEvent<string>(s, 'disconnect', (tokenLifetimeSeconds + 5) * 1000);
    expect(await expired).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await disconnected).toBe('io server disconnect');

    const stale = io(`${env.stack.urls.socket}/chat`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    try {
      expect((await nextEvent<Error>(stale, 'connect_error')).message).toBe('UNAUTHENTICATED');
    } finally {
      stale.disconnect();
    }
  });

  it('answers UNAVAILABLE within the request bound while the chat service is down, and recovers', async () => {
    await env.stack.stopService('chat');
    try {
      const s = await freshSocket();
      const started = Date.now();
      const ack = await s.emitWithAck('sendMessage', {
        roomId: room.id,
        message: 'into the void',
        clientMessageId: randomUUID(),
      });
      expect(ack).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      expect(Date.now() - started).toBeLessThan(2500);
      expect((await alice.http('GET', `/chat/messages?roomId=${room.id}`)).status).toBe(503);
    } finally {
      await env.stack.startService('chat');
    }
    const s = await freshSocket();
    expect(
      (await s.emitWithAck('sendMessage', { roomId: room.id, message: 'back', clientMessageId: randomUUID() })).ok,
    ).toBe(true);
  });

  it('pauses password guessing: after 3 wrong passwords even the right one gets 429 with Retry-After', async () => {
    const target = await env.signedUpUser();
    const login = (password: string) =>
      fetch(`${env.config().apiUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: target.username, password }),
      });
    for (let i = 0; i < 3; i++) expect((await login('wrong-password')).status).toBe(401);
    const paused = await login(target.password);
    expect(paused.status).toBe(429);
    expect(Number(paused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await paused.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) as unknown },
    });
  });

  it('serves health with the ops doc fields and Prometheus metrics with the ops doc names on both ports', async () => {
    const health: unknown = await (await fetch(`${env.stack.urls.socket}/health`)).json();
    expect(health).toMatchObject({
      status: 'ok',
      service: 'websocket',
      uptime: expect.any(Number) as unknown,
      port: env.stack.ports.socket,
      environment: expect.any(String) as unknown,
    });
    await freshSocket();
    for (const url of [`${env.stack.urls.socket}/metrics`, `${env.stack.urls.api}/api/metrics`]) {
      const text = await (await fetch(url)).text();
      expect(text).toMatch(/^socket_active_connections\{namespace="\/chat"[^}]*\} [1-9]/m);
      expect(text).toMatch(/^socket_connections_total\{namespace="\/chat",status="success"[^}]*\} [1-9]/m);
      expect(text).toMatch(/^socket_messages_total\{namespace="\/chat",event="sendMessage"[^}]*\} [1-9]/m);
      for (const name of [
        'gateway_auth_events_total',
        'socket_ack_duration_seconds_bucket',
        'gateway_rate_limited_total',
        'gateway_nats_request_duration_seconds_bucket',
      ]) {
        expect(text).toContain(name);
      }
    }
  });
});
