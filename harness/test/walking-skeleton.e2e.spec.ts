import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import type { Message, MessagePage, Room } from '@chatrt/contracts';
import { ChatUser, RoomInbox, startTestStack, type ClientConfig, type TestStack } from '../src/index.ts';
import { checkRestExchange, checkSocketFrames } from '../src/client/contract-check.ts';
import { accepted, sendOverSocket } from './support/acks.ts';

describe('walking skeleton: register → token → socket → room → live message → history → restart', () => {
  let env: TestStack;
  let config: ClientConfig;
  const alice = () => users.alice;
  const users = {} as Record<'alice' | 'bob' | 'carol', ChatUser>;
  let room: Room;
  let firstMessage: Message;

  beforeAll(async () => {
    env = await startTestStack();
    return () => env.stop();
  });

  beforeAll(() => {
    config = env.config();
    for (const name of ['alice', 'bob', 'carol'] as const) users[name] = new ChatUser(config);
  });

  afterAll(() => {
    for (const user of Object.values(users)) user.close();
  });

  it('registers, logs in with an HttpOnly SameSite session cookie, and logs out', async () => {
    const probe = new ChatUser(config);
    const registered = await probe.http('POST', '/auth/register', {
      username: probe.username,
      password: probe.password,
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({ id: expect.any(String) as unknown, username: probe.username });

    const taken = await probe.http('POST', '/auth/register', {
      username: probe.username.toUpperCase(),
      password: probe.password,
    });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: { code: 'CONFLICT' } });

    const invalid = await probe.http('POST', '/auth/register', { username: 'x', password: 'short' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });

    const wrong = await probe.http('POST', '/auth/login', { username: probe.username, password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });

    const noSession = await probe.http('GET', '/auth/session-token');
    expect(noSession.status).toBe(401);

    const loggedIn = await probe.http('POST', '/auth/login', { username: probe.username, password: probe.password });
    expect(loggedIn.status).toBe(200);
    const cookie = loggedIn.headers.getSetCookie().find((c) => c.startsWith('sid='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);

    const loggedOut = await probe.http('POST', '/auth/logout');
    expect(loggedOut.status).toBe(204);
    expect(loggedOut.headers.getSetCookie().find((c) => c.startsWith('sid='))).toMatch(/^sid=;/);
    expect((await probe.http('GET', '/auth/session-token', undefined, { cookie: cookie!.split(';')[0]! })).status).toBe(
      401,
    );

    for (const user of Object.values(users)) await user.signUp();
  });

  it('issues a signed session token that lives at most 15 minutes', async () => {
    const { token, expiresAt } = await alice().sessionToken();
    expect(token.split('.')).toHaveLength(3);
    const lifetimeMs = Date.parse(expiresAt) - Date.now();
    expect(lifetimeMs).toBeGreaterThan(0);
    expect(lifetimeMs).toBeLessThanOrEqual(15 * 60 * 1000);
  });

  it('refuses a handshake without a valid token, the error code as message, on both namespaces', async () => {
    for (const [namespace, auth] of [
      ['/chat', {}],
      ['/chat', { token: 'not-a-jwt' }],
      ['/notifications', {}],
      ['/notifications', { token: 'not-a-jwt' }],
    ] as const) {
      const socket = io(`${config.socketUrl}${namespace}`, {
        auth,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      // The refusal's CONNECT_ERROR packet is checked against the spec's connect_error message.
      checkSocketFrames(socket);
      try {
        const err = await new Promise<Error>((resolve, reject) => {
          socket.once('connect_error', resolve);
          socket.once('connect', () => {
            reject(new Error('connected without a valid token'));
          });
        });
        expect(err.message).toBe('UNAUTHENTICATED');
      } finally {
        socket.disconnect();
      }
    }
  });

  it('answers health and metrics on both servers as openapi.yaml describes them', async () => {
    for (const url of [
      `${env.stack.urls.socket}/health`,
      `${env.stack.urls.socket}/metrics`,
      `${env.stack.urls.api}/api/health`,
      `${env.stack.urls.api}/api/metrics`,
    ]) {
      const response = await fetch(url);
      const text = await response.text();
      expect(response.status, url).toBe(200);
      // Recorded and checked by the live contract check like every other exchange of the suites.
      checkRestExchange('GET', url, undefined, response, text);
    }
  });

  it('creates a room over the socket, joins it, and delivers a sent message live to every joined member', async () => {
    const aliceSocket = await alice().connectChat();
    const bobSocket = await users.bob.connectChat();
    const aliceInbox = new RoomInbox(aliceSocket);
    const bobInbox = new RoomInbox(bobSocket);

    room = accepted(await aliceSocket.emitWithAck('createRoom', { name: 'general', memberIds: [users.bob.id] })).room;
    expect(room.memberIds).toEqual([alice().id, users.bob.id]);

    for (const socket of [aliceSocket, bobSocket]) {
      const joined = await socket.emitWithAck('joinRoom', { roomId: room.id });
      expect(joined.ok).toBe(true);
    }

    const clientMessageId = randomUUID();
    firstMessage = await sendOverSocket(aliceSocket, room.id, 'hello bob', clientMessageId);
    expect(firstMessage).toMatchObject({
      roomId: room.id,
      senderId: alice().id,
      message: 'hello bob',
      clientMessageId,
    });
    expect(firstMessage.seq).toBeGreaterThan(room.lastSeq);

    const [received] = await bobInbox.waitForMessages(1);
    expect(received).toEqual(firstMessage);
    expect((await aliceInbox.waitForMessages(1))[0]).toEqual(firstMessage);

    const retried = await aliceSocket.emitWithAck('sendMessage', {
      roomId: room.id,
      message: 'hello bob',
      clientMessageId,
    });
    expect(retried).toEqual({ ok: true, message: firstMessage });
  });

  it('acks members-only and malformed requests with coded errors', async () => {
    const carolSocket = await users.carol.connectChat();
    const refused = await carolSocket.emitWithAck('joinRoom', { roomId: room.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const malformed = await carolSocket.emitWithAck('sendMessage', {
      roomId: 'not-a-uuid',
      message: 'x',
      clientMessageId: 'c',
    });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', path: '/roomId' } });
  });

  it('serves history and accepts sends over REST on the same command path, delivered live to sockets', async () => {
    const notJoinedInbox = new RoomInbox(await alice().connectChat());
    const aliceSocket = await alice().connectChat();
    await aliceSocket.emitWithAck('joinRoom', { roomId: room.id });
    const liveInbox = new RoomInbox(aliceSocket);

    const posted = await users.bob.http<Message>('POST', '/chat/messages', {
      roomId: room.id,
      message: 'hi alice, over REST',
    });
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({
      senderId: users.bob.id,
      seq: firstMessage.seq + 1,
      clientMessageId: expect.any(String) as unknown,
    });
    expect((await liveInbox.waitForMessages(1))[0]).toEqual(posted.body);
    // Only sockets that joined the room receive its messages.
    expect(notJoinedInbox.messages).toEqual([]);

    const historyUrl = `/chat/messages?roomId=${room.id}`;
    const history = await users.bob.http<MessagePage>('GET', historyUrl);
    expect(history.status).toBe(200);
    expect(history.body).toEqual({ messages: [firstMessage, posted.body], hasMore: false });

    const { token } = await users.bob.sessionToken();
    const bearer = { authorization: `Bearer ${token}` };
    const withBearer = await new ChatUser(config).http<MessagePage>('GET', historyUrl, undefined, bearer);
    expect(withBearer.status).toBe(200);
    expect(withBearer.body.messages).toHaveLength(2);

    expect((await new ChatUser(config).http('GET', historyUrl)).status).toBe(401);
    expect((await users.carol.http('GET', historyUrl)).status).toBe(403);
    const intrusion = { roomId: room.id, message: 'let me in' };
    expect((await users.carol.http('POST', '/chat/messages', intrusion)).status).toBe(403);
    const createdOverRest = await users.carol.http<Room>('POST', '/chat/rooms', { name: 'carol only' });
    expect(createdOverRest.status).toBe(201);
    expect(createdOverRest.body.memberIds).toEqual([users.carol.id]);
  });

  it('keeps history, accounts and sessions across a full stop and start of the stack', async () => {
    const before = await alice().http<MessagePage>('GET', `/chat/messages?roomId=${room.id}`);
    for (const user of Object.values(users)) user.close();
    await env.restart();
    config = env.config();
    // The same browser comes back: its session cookie from before the restart still works.
    const returning = alice();
    returning.config = config;
    const after = await returning.http<MessagePage>('GET', `/chat/messages?roomId=${room.id}`);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);

    const socket = await returning.connectChat();
    await socket.emitWithAck('joinRoom', { roomId: room.id });
    const inbox = new RoomInbox(socket);
    const sent = await sendOverSocket(socket, room.id, 'still here');
    expect(sent.seq).toBe(before.body.messages.at(-1)!.seq + 1);
    expect((await inbox.waitForMessages(1))[0]).toEqual(sent);

    const relogin = new ChatUser(config, users.bob.username, users.bob.password);
    expect(
      (await relogin.http('POST', '/auth/login', { username: relogin.username, password: relogin.password })).status,
    ).toBe(200);
  });
});
