import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Message, Room } from '@chatrt/contracts';
import { TcpProxy, type ChatUser } from '@chatrt/harness';
import { diagnostics, type ChatClient } from '../src/index.ts';
import { assertGapless, clientFor, fastTimings, testStackSuite } from './support/e2e.ts';
import {
  firstErrorCode,
  firstRoomRefusal,
  historyOf,
  recordStatuses,
  say,
  untilListed,
  untilMessage,
} from './support/room-traffic.ts';

describe('ChatClient when sockets fail: gateway restart, REST fallback, REST-only', () => {
  const suite = testStackSuite();
  let alice: ChatUser, bob: ChatUser;
  let room: Room;
  const clients: ChatClient[] = [];
  const proxies: TcpProxy[] = [];

  const bobSays = (text: string) => say(bob, room.id, text);
  const history = () => historyOf(bob, room.id);

  beforeAll(async () => {
    alice = await suite.env.signedUpUser();
    bob = await suite.env.signedUpUser();
    room = (await alice.http<Room>('POST', '/chat/rooms', { name: 'client fallback', memberIds: [bob.id] })).body;
  });

  afterAll(async () => {
    for (const client of clients) await client.stop();
    for (const proxy of proxies) await proxy.stop();
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
      await untilListed(client, room.id, whileDown, 'the messages sent while down');
      const after = await bobSays('after the restart');
      await untilListed(client, room.id, after, 'a live message after the restart');
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
      await untilListed(client, room.id, polled, 'a message polled over REST');
      const overRest = client.send(room.id, 'sent over REST');
      const stored = await overRest.settled();
      expect((await history()).filter((m) => m.clientMessageId === overRest.clientMessageId)).toEqual([stored]);
      expect(client.status).toBe('fallback');

      proxy.restore();
      await client.waitForStatus('connected');
      const live = await bobSays('live again');
      await untilListed(client, room.id, live, 'a live message after the fallback');
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
    await untilListed(client, room.id, polled, 'a polled message');
    const sent = await client.send(room.id, 'from the REST-only client').settled();
    expect(store.get().filter((m) => m.id === sent.id)).toHaveLength(1);

    // Edits and deletions arrive without a socket too: polling reads the same room updates.
    const edited = await bob.http<Message>('PATCH', `/chat/messages/${polled.id}`, { message: 'edited while polling' });
    expect(edited.status).toBe(200);
    await untilMessage(
      client,
      room.id,
      polled.id,
      'an edit polled over REST',
      (m) => m.text === 'edited while polling',
    );
    const doomed = await bobSays('deleted while polling');
    expect((await bob.http('DELETE', `/chat/messages/${doomed.id}`)).status).toBe(200);
    await untilMessage(client, room.id, doomed.id, 'a deletion polled over REST', (m) => m.deleted);

    // Removed from a room: it is reported and dropped, and the other room is still polled.
    const refused = firstRoomRefusal(client);
    const reported = firstErrorCode(client);
    expect((await bob.http('DELETE', `/chat/rooms/${leaving.id}/members`, { userId: alice.id })).status).toBe(200);
    expect(await refused).toEqual([leaving.id, 'FORBIDDEN']);
    expect(await reported).toBe('FORBIDDEN');
    expect(client.joinedRooms()).toEqual([room.id]);
    const later = await bobSays('still polled after the refusal');
    await untilListed(client, room.id, later, 'a message polled after another room was refused');
    expect((await client.listRooms()).map((r) => r.id)).toContain(room.id);
    expect(statuses).toEqual(['fallback']);
    await client.stop();
  });
});
