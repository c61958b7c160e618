import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streams, subjects, type ChatEvents, type Room } from '@chatrt/contracts';
import { createLogger } from '@chatrt/service-kit';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { createChatHandlers } from '../src/adapters/chat-handlers.ts';
import { RoomEventStore } from '../src/adapters/postgres/event-store.ts';
import { messagesProjection } from '../src/adapters/projections/messages.ts';
import type { Projection } from '../src/adapters/projections/projection.ts';
import { roomsProjection } from '../src/adapters/projections/rooms.ts';
import { call, eventually, ok, startTestChat, type TestChat } from './support.ts';

let t: TestChat;
let js: JetStreamClient;
let jsm: JetStreamManager;

beforeAll(async () => {
  t = await startTestChat();
  js = jetstream(t.nc);
  jsm = await jetstreamManager(t.nc);
});

afterAll(async () => {
  await t?.close();
});

interface Received {
  event: ChatEvents;
  msgId: string | undefined;
}

/** Reads a room's subject from the start of the stream until `count` events arrived (or fails). */
async function readRoomStream(roomId: string, count: number, timeoutMs = 10_000): Promise<Received[]> {
  const consumer = await js.consumers.get(streams.chatEvents, { filter_subjects: [subjects.chatEvents(roomId)] });
  const messages = await consumer.consume();
  const received: Received[] = [];
  const timer = setTimeout(() => messages.stop(), timeoutMs);
  try {
    for await (const msg of messages) {
      received.push({ event: msg.json<ChatEvents>(), msgId: msg.headers?.get('Nats-Msg-Id') });
      if (received.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
    await messages.close();
  }
  if (received.length < count) throw new Error(`only ${received.length} of ${count} events of room ${roomId} in ${timeoutMs} ms`);
  return received;
}

/** How many messages the stream stores for a room: duplicates would show here. */
async function storedInStream(roomId: string): Promise<number> {
  const subject = subjects.chatEvents(roomId);
  const info = await jsm.streams.info(streams.chatEvents, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

async function eventIds(roomId: string): Promise<string[]> {
  const { rows } = await t.db.query<{ event_id: string }>('SELECT event_id FROM chat.events WHERE room_id = $1 ORDER BY seq', [roomId]);
  return rows.map((r) => r.event_id);
}

async function unpublished(roomId: string): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM chat.outbox o JOIN chat.events e USING (position) WHERE e.room_id = $1',
    [roomId],
  );
  return rows[0]?.n ?? 0;
}

async function createRoom(actorId: string, memberIds: string[] = []): Promise<Room> {
  return ok(await call(t.nc, subjects.chatCreateRoom, { actorId, name: 'relayed', memberIds })).room;
}

describe('outbox relay to JetStream', () => {
  it('publishes every committed event once, in seq order, with its event id as Nats-Msg-Id', async () => {
    const senders = [randomUUID(), randomUUID(), randomUUID()];
    const room = await createRoom(senders[0]!, senders);
    await Promise.all(
      senders.map(async (actorId) => {
        for (let i = 0; i < 10; i++) ok(await call(t.nc, subjects.chatSendMessage, { actorId, roomId: room.id, message: `m${i}` }));
      }),
    );
    const lastSeq = room.lastSeq + 30;
    const received = await readRoomStream(room.id, lastSeq);
    expect(received.map((r) => r.event.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    expect(received.map((r) => r.event.metadata.eventId)).toEqual(await eventIds(room.id));
    expect(received.every((r) => r.msgId === r.event.metadata.eventId)).toBe(true);
    expect(received[0]!.event).toMatchObject({ type: 'RoomCreated', roomId: room.id, seq: 1, data: { name: 'relayed' } });
    expect(received.at(-1)!.event).toMatchObject({ type: 'MessageSent', seq: lastSeq });
    await eventually(() => unpublished(room.id), (n) => n === 0);
    expect(await storedInStream(room.id)).toBe(lastSeq);
  });

  it('stores nothing twice when events are published again (a crash between PubAck and delete)', async () => {
    const alice = randomUUID();
    const room = await createRoom(alice);
    ok(await call(t.nc, subjects.chatSendMessage, { actorId: alice, roomId: room.id, message: 'hi' }));
    const [first] = await readRoomStream(room.id, 3);
    await eventually(() => unpublished(room.id), (n) => n === 0);

    const ack = await js.publish(subjects.chatEvents(room.id), JSON.stringify(first!.event), { msgID: first!.event.metadata.eventId });
    expect(ack.duplicate).toBe(true);

    // Put the room's published events back into the outbox, as if the relay died before deleting them.
    await t.db.query('INSERT INTO chat.outbox (position) SELECT position FROM chat.events WHERE room_id = $1', [room.id]);
    await eventually(() => unpublished(room.id), (n) => n === 0);
    expect(await storedInStream(room.id)).toBe(3);
  });

  it('publishes an event whose transaction commits after later positions were already published', async () => {
    // A projection that waits on an advisory lock held by the test keeps one command's transaction open.
    const gate = Math.floor(Math.random() * 1_000_000_000);
    const gated: Projection = { name: 'gate', apply: () => [{ text: 'SELECT pg_advisory_xact_lock($1)', values: [gate] }] };
    const slowChat = createChatHandlers({
      store: new RoomEventStore({
        pool: t.db,
        projections: [roomsProjection, messagesProjection, gated],
        log: createLogger('chat-test', 'silent'),
        newId: randomUUID,
        clock: () => new Date(),
      }),
      pool: t.db,
      policy: { messageMaxLength: 4000 },
      newId: randomUUID,
    });
    const holder = await t.db.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [gate]);
      const slow = slowChat.createRoom({ actorId: randomUUID(), name: 'late' });
      // Wait until the command's transaction has appended its events and blocks on the gate.
      await eventually(
        async () =>
          (
            await t.db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_locks
               WHERE locktype = 'advisory' AND NOT granted AND classid = 0 AND objid::bigint = $1`,
              [gate],
            )
          ).rows[0]?.n ?? 0,
        (n) => n > 0,
      );

      const fast = await createRoom(randomUUID());
      await readRoomStream(fast.id, 2);

      await holder.query('SELECT pg_advisory_unlock($1)', [gate]);
      const { room } = ok(await slow);
      const { rows } = await t.db.query<{ late: string; early: string }>(
        `SELECT (SELECT max(position) FROM chat.events WHERE room_id = $1) AS late,
                (SELECT min(position) FROM chat.events WHERE room_id = $2) AS early`,
        [room.id, fast.id],
      );
      expect(BigInt(rows[0]!.late)).toBeLessThan(BigInt(rows[0]!.early));
      const received = await readRoomStream(room.id, 2);
      expect(received.map((r) => r.event.seq)).toEqual([1, 2]);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
  });
});
