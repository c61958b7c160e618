import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ChatUser, startTestStack, TcpProxy, type ExtraGateway, type TestStack } from '../src/index.ts';

/** What a socket saw at the end of its session: the `sessionExpired` payload, then the disconnect reason. */
function sessionEnd(socket: Socket, timeoutMs = 5_000): Promise<{ expired: unknown; reason: string; afterMs: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`socket not ended within ${timeoutMs} ms`));
    }, timeoutMs);
    let expired: unknown;
    socket.once('sessionExpired', (payload: unknown) => (expired = payload));
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve({ expired, reason, afterMs: Date.now() - started });
    });
  });
}

/** The status of a REST call authenticated by a bearer session token against a gateway's API. */
async function bearerStatus(apiBase: string, token: string): Promise<number> {
  const res = await fetch(`${apiBase}/api/chat/rooms`, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status;
}

/** The error message of a refused handshake, or 'connected'. */
async function handshake(user: ChatUser, token: string, socketUrl: string): Promise<string> {
  try {
    const socket = await user.connectChat({ token, socketUrl });
    socket.disconnect();
    return 'connected';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

describe('logout ends a session everywhere at once; login throttling spans the gateways', () => {
  let env: TestStack;
  let second: ExtraGateway;
  const devices: ChatUser[] = [];

  beforeAll(async () => {
    env = await startTestStack({ LOGIN_MAX_FAILURES: '3' });
    return () => env.stop();
  });

  beforeAll(async () => {
    second = await env.stack.addGateway();
  });

  afterAll(() => {
    for (const device of devices) device.close();
  });

  /** Another login session (another device) of the same user. */
  async function secondDevice(user: ChatUser): Promise<ChatUser> {
    const device = new ChatUser(env.config(), user.username, user.password);
    devices.push(device);
    await device.logIn();
    return device;
  }

  // Its token is refused from then on; the user's other session goes on.
  it('logging out one session disconnects its sockets on every gateway within a second', async () => {
    const laptop = await env.signedUpUser();
    const phone = await secondDevice(laptop);
    const laptopToken = (await laptop.sessionToken()).token;
    const phoneToken = (await phone.sessionToken()).token;
    const laptopSockets = [
      await laptop.connectChat({ token: laptopToken }),
      await laptop.connectNotifications({ token: laptopToken }),
      await laptop.connectChat({ token: laptopToken, socketUrl: second.urls.socket }),
    ];
    const phoneChat = await phone.connectChat({ token: phoneToken, socketUrl: second.urls.socket });
    const phoneNotifications = await phone.connectNotifications({ token: phoneToken });
    for (const api of [env.stack.urls.api, second.urls.api]) expect(await bearerStatus(api, laptopToken)).toBe(200);

    const ended = laptopSockets.map((socket) => sessionEnd(socket));
    expect((await laptop.http('POST', '/auth/logout')).status).toBe(204);
    for (const end of await Promise.all(ended)) {
      expect(end.expired).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(end.reason).toBe('io server disconnect');
      expect(end.afterMs).toBeLessThan(1_000);
    }

    for (const api of [env.stack.urls.api, second.urls.api]) {
      const res = await fetch(`${api}/api/chat/rooms`, { headers: { authorization: `Bearer ${laptopToken}` } });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    }
    expect(await handshake(laptop, laptopToken, second.urls.socket)).toBe('UNAUTHENTICATED');

    expect(phoneChat.connected && phoneNotifications.connected).toBe(true);
    expect(await phoneChat.emitWithAck('ping', {})).toMatchObject({ ok: true });
    expect(await phoneNotifications.emitWithAck('ping', {})).toMatchObject({ ok: true });
    for (const api of [env.stack.urls.api, second.urls.api]) expect(await bearerStatus(api, phoneToken)).toBe(200);

    // A gateway started after the logout learns of it from the auth service before it serves anyone.
    const late = await env.stack.addGateway();
    expect(await bearerStatus(late.urls.api, laptopToken)).toBe(401);
    expect(await handshake(laptop, laptopToken, late.urls.socket)).toBe('UNAUTHENTICATED');
    expect(await bearerStatus(late.urls.api, phoneToken)).toBe(200);
    expect(await handshake(phone, phoneToken, late.urls.socket)).toBe('connected');
  });

  it('logging out everywhere ends every session of the user, and only theirs', async () => {
    const laptop = await env.signedUpUser();
    const phone = await secondDevice(laptop);
    const bystander = await env.signedUpUser();
    const tokens = [(await laptop.sessionToken()).token, (await phone.sessionToken()).token];
    const sockets = [
      await laptop.connectChat({ token: tokens[0] }),
      await phone.connectNotifications({ token: tokens[1], socketUrl: second.urls.socket }),
    ];
    const bystanderSocket = await bystander.connectChat({ socketUrl: second.urls.socket });

    const ended = sockets.map((socket) => sessionEnd(socket));
    expect((await phone.http('POST', '/auth/logout-all')).status).toBe(204);
    for (const end of await Promise.all(ended)) {
      expect(end.expired).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(end.afterMs).toBeLessThan(1_000);
    }
    for (const token of tokens) {
      for (const api of [env.stack.urls.api, second.urls.api]) expect(await bearerStatus(api, token)).toBe(401);
    }
    // The cookies' sessions are gone too: no new tokens for either device.
    expect((await laptop.http('GET', '/auth/session-token')).status).toBe(401);
    expect((await phone.http('GET', '/auth/session-token')).status).toBe(401);
    expect(await bystanderSocket.emitWithAck('ping', {})).toMatchObject({ ok: true });
    expect((await fetch(`${env.stack.urls.api}/api/auth/logout-all`, { method: 'POST' })).status).toBe(401);
  });

  it('a gateway cut off NATS during a logout learns of it when it reconnects, and ends the session there', async () => {
    const natsProxy = await TcpProxy.start(Number(new URL(env.stack.urls.natsUrl).port));
    try {
      // This gateway reaches NATS only through the proxy, so the revocation's publish cannot reach it.
      const cutOff = await env.stack.addGateway({ natsUrl: `nats://127.0.0.1:${natsProxy.port}` });
      const user = await env.signedUpUser();
      const token = (await user.sessionToken()).token;
      const socket = await user.connectChat({ token, socketUrl: cutOff.urls.socket });
      const ended = sessionEnd(socket, 20_000);

      natsProxy.cut();
      expect((await user.http('POST', '/auth/logout')).status).toBe(204);
      expect(socket.connected).toBe(true);
      natsProxy.restore();

      expect((await ended).expired).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(await bearerStatus(cutOff.urls.api, token)).toBe(401);
    } finally {
      await natsProxy.stop();
    }
  });

  it('counts failed logins across gateways: 3 wrong passwords over two gateways pause the username', async () => {
    const target = await env.signedUpUser();
    const login = (api: string, password: string) =>
      fetch(`${api}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: target.username, password }),
      });
    for (const api of [env.stack.urls.api, second.urls.api, env.stack.urls.api])
      expect((await login(api, 'wrong-password')).status).toBe(401);
    const paused = await login(second.urls.api, target.password);
    expect(paused.status).toBe(429);
    expect(Number(paused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await paused.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) as unknown },
    });
  });
});
