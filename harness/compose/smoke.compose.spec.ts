import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Message, MessagePage, Room } from '@chatrt/contracts';
import { ChatUser, RoomInbox, eventually } from '../src/index.ts';
import { ComposeStack } from '../src/compose/compose-stack.ts';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The containerised system as a user runs it (`docker compose up -d --wait` from compose.yaml, images from
 * `npm run images`), driven through the balancer on 127.0.0.1 by real Socket.IO clients.
 */
describe('docker compose: the whole system in containers, through the balancer', () => {
  const stack = new ComposeStack({
    project: 'chatrt-smoke',
    cwd: repositoryRoot,
    endpoints: { api: 'http://127.0.0.1:3000', socket: 'http://127.0.0.1:3001', prometheus: 'http://127.0.0.1:9090' },
  });
  const users: ChatUser[] = [];
  let alice: ChatUser, bob: ChatUser;
  let room: Room;

  const newUser = async () => {
    const user = new ChatUser(stack.clientConfig());
    users.push(user);
    await user.signUp();
    return user;
  };

  const send = async (text: string): Promise<Message> => {
    const sent = await alice.http<Message>('POST', '/chat/messages', {
      roomId: room.id,
      message: text,
      clientMessageId: randomUUID(),
    });
    expect(sent.status).toBe(201);
    return sent.body;
  };

  beforeAll(async () => {
    await stack.down();
    try {
      await stack.up({ gateways: 1 });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await stack.logs()}`, { cause: err });
    }
    alice = await newUser();
    bob = await newUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'compose', memberIds: [bob.id] })).body;
  });

  afterAll(async () => {
    for (const user of users) user.close();
    await stack.down();
  });

  it('answers health on both public ports', async () => {
    for (const url of [`${stack.endpoints.socket}/health`, `${stack.endpoints.api}/api/health`]) {
      const res = await fetch(url);
      expect(res.status, url).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
    }
  });

  it('registers, logs in, connects on /chat, sends, delivers to another client, and serves REST history', async () => {
    const aliceSocket = await alice.connectChat();
    const bobSocket = await bob.connectChat();
    const inbox = new RoomInbox(bobSocket);
    for (const socket of [aliceSocket, bobSocket])
      expect((await socket.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);

    const ack = await aliceSocket.emitWithAck('sendMessage', {
      roomId: room.id,
      message: 'hello from a container',
      clientMessageId: randomUUID(),
    });
    expect(ack.ok).toBe(true);
    await inbox.waitFor(
      () => inbox.messages.some((m) => m.message === 'hello from a container'),
      'the message on the other client',
    );

    const history = await bob.http<MessagePage>('GET', `/chat/messages?roomId=${room.id}`);
    expect(history.status).toBe(200);
    expect(history.body.messages.map((m) => m.message)).toContain('hello from a container');
  });

  it('lets Prometheus scrape the gateway (socket_active_connections)', async () => {
    const socket = await alice.connectChat();
    const series = await eventually(
      () => stack.prometheus('socket_active_connections{namespace="/chat"}'),
      (result) => result.some((s) => Number(s.value[1]) > 0),
      90_000,
    );
    expect(series.length).toBeGreaterThan(0);
    socket.disconnect();
  });

  it('has Prometheus load the six alert rules of deploy/prometheus/alerts.yml', async () => {
    // Prometheus scrapes itself every 15 s; its rule manager reports each loaded group's size.
    const groups = await eventually(
      () => stack.prometheus('prometheus_rule_group_rules{rule_group=~".*alerts.yml;chat-realtime"}'),
      (result) => result.length > 0,
      90_000,
    );
    expect(groups.map((g) => g.value[1])).toEqual(['6']);
  });

  it('scaled to two gateways: clients spread over both chat in one room, and a polling-only client works', async () => {
    await stack.up({ gateways: 2 });
    await eventually(
      () => stack.prometheus('up{job="gateway"} == 1'),
      (result) => result.length === 2,
      90_000,
    );

    // New connections are spread over the gateways; enough of them lands sockets on both.
    const sockets = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? alice : bob).connectChat({ transports: ['websocket'] })),
    );
    const inboxes = sockets.map((socket) => new RoomInbox(socket));
    for (const socket of sockets) expect((await socket.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);
    const pollingOnly = await bob.connectChat({ transports: ['polling'] });
    const pollingInbox = new RoomInbox(pollingOnly);
    expect((await pollingOnly.emitWithAck('joinRoom', { roomId: room.id })).ok).toBe(true);

    const perGateway = await eventually(
      () => stack.prometheus('gateway_feed_listeners{feed="room"} > 0'),
      (result) => result.length === 2,
      90_000,
    );
    expect(perGateway).toHaveLength(2);

    const message = await send('across gateways');
    for (const inbox of [...inboxes, pollingInbox]) {
      await inbox.waitFor(() => inbox.messages.some((m) => m.id === message.id), 'the message on every socket');
    }
    // The polling client keeps working over several round trips, so its requests stick to one gateway.
    for (let i = 0; i < 3; i += 1) expect((await pollingOnly.emitWithAck('ping', {})).ok).toBe(true);
  });
});
