import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { subjects } from '@chatrt/contracts';
import { createLogger, createMetricsRegistry, createPool, migrate } from '@chatrt/service-kit';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { OutboxRelay } from '../src/adapters/jetstream/outbox-relay.ts';
import { outboxBatchSql } from '../src/adapters/postgres/events-table.ts';
import { createChatMetrics } from '../src/adapters/metrics.ts';
import { chatProjections } from '../src/adapters/projections/index.ts';
import type { Projection } from '../src/adapters/projections/projection.ts';
import {
  call,
  createRoom,
  eventually,
  ok,
  readRoomStream,
  startInstance,
  startTestChat,
  storedInStream,
  type TestChat,
} from './support.ts';

let t: TestChat;
let js: JetStreamClient;

beforeAll(async () => {
  t = await startTestChat();
  js = jetstream(t.nc);
  return () => t.close();
});

const readStream = (roomId: string, count: number) => readRoomStream(t.nc, roomId, count);
const storedCount = (roomId: string) => storedInStream(t.nc, roomId);

async function eventIds(roomId: string): Promise<string[]> {
  const { rows } = await t.db.query<{ event_id: string }>(
    'SELECT event_id FROM chat.events WHERE room_id = $1 ORDER BY seq',
    [roomId],
  );
  return rows.map((r) => r.event_id);
}

async function unpublished(roomId: string): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM chat.outbox o JOIN chat.events e USING (position) WHERE e.room_id = $1',
    [roomId],
  );
  return rows[0]?.n ?? 0;
}

describe('outbox relay to JetStream', () => {
  it("reads a round's events by key: its cost does not grow with the events the store holds", async () => {
    const client = await t.db.connect();
    try {
      // Everything here is rolled back: other test files share this database (the rebuild verifies all of it),
      // and the running relay neither sees nor publishes rows this transaction has not committed.
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO chat.events (event_id, room_id, seq, type, data, actor_id, client_message_id, occurred_at)
         SELECT gen_random_uuid(), $1, s, 'MessageSent', '{}', $2, NULL, now() FROM generate_series(1, 20000) AS s`,
        [randomUUID(), randomUUID()],
      );
      await client.query('ANALYZE chat.events');
      await client.query('INSERT INTO chat.outbox (position) SELECT max(position) FROM chat.events');
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: Record<string, number> }] }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${outboxBatchSql}`,
        [500],
      );
      const plan = rows[0]!['QUERY PLAN'][0].Plan;
      // Other files' events may be waiting in the outbox too: a few rows, each a few pages.
      expect(plan['Actual Rows']).toBeGreaterThanOrEqual(1);
      // Scanning the store from its first event read hundreds of pages.
      expect(plan['Shared Hit Blocks']! + plan['Shared Read Blocks']!).toBeLessThan(60);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('publishes every committed event once, in seq order, with its event id as Nats-Msg-Id', async () => {
    const senders = [randomUUID(), randomUUID(), randomUUID()];
    const room = await createRoom(t.nc, senders[0]!, senders);
    await Promise.all(
      senders.map(async (actorId) => {
        for (let i = 0; i < 10; i++)
          ok(await call(t.nc, subjects.chatSendMessage, { actorId, roomId: room.id, message: `m${i}` }));
      }),
    );
    const lastSeq = room.lastSeq + 30;
    const received = await readStream(room.id, lastSeq);
    expect(received.map((r) => r.event.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    expect(received.map((r) => r.event.metadata.eventId)).toEqual(await eventIds(room.id));
    expect(received.every((r) => r.msgId === r.event.metadata.eventId)).toBe(true);
    expect(received[0]!.event).toMatchObject({ type: 'RoomCreated', roomId: room.id, seq: 1, data: { name: 'room' } });
    expect(received.at(-1)!.event).toMatchObject({ type: 'MessageSent', seq: lastSeq });
    await eventually(
      () => unpublished(room.id),
      (n) => n === 0,
    );
    expect(await storedCount(room.id)).toBe(lastSeq);
  });

  it('stores nothing twice when events are published again (a crash between PubAck and delete)', async () => {
    const alice = randomUUID();
    const room = await createRoom(t.nc, alice);
    ok(await call(t.nc, subjects.chatSendMessage, { actorId: alice, roomId: room.id, message: 'hi' }));
    const [first] = await readStream(room.id, 3);
    await eventually(
      () => unpublished(room.id),
      (n) => n === 0,
    );

    const ack = await js.publish(subjects.chatEvents(room.id), JSON.stringify(first!.event), {
      msgID: first!.event.metadata.eventId,
    });
    expect(ack.duplicate).toBe(true);

    // Put the room's published events back into the outbox, as if the relay died before deleting them.
    await t.db.query('INSERT INTO chat.outbox (position) SELECT position FROM chat.events WHERE room_id = $1', [
      room.id,
    ]);
    await eventually(
      () => unpublished(room.id),
      (n) => n === 0,
    );
    expect(await storedCount(room.id)).toBe(3);
  });

  it('publishes an event whose transaction commits after later positions were already published', async () => {
    // A projection that waits on an advisory lock held by the test keeps one command's transaction open.
    const gate = Math.floor(Math.random() * 1_000_000_000);
    const gated: Projection = {
      name: 'gate',
      tables: [],
      apply: () => [{ text: 'SELECT pg_advisory_xact_lock($1)', values: [gate] }],
    };
    const slowChat = startInstance(t.db, { projections: [...chatProjections, gated] }).handlers;
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

      const fast = await createRoom(t.nc, randomUUID());
      await readStream(fast.id, 2);

      await holder.query('SELECT pg_advisory_unlock($1)', [gate]);
      const { room } = ok(await slow);
      const { rows } = await t.db.query<{ late: string; early: string }>(
        `SELECT (SELECT max(position) FROM chat.events WHERE room_id = $1) AS late,
                (SELECT min(position) FROM chat.events WHERE room_id = $2) AS early`,
        [room.id, fast.id],
      );
      expect(BigInt(rows[0]!.late)).toBeLessThan(BigInt(rows[0]!.early));
      const received = await readStream(room.id, 2);
      expect(received.map((r) => r.event.seq)).toEqual([1, 2]);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
  });
});

describe('pipelined publication', () => {
  it("stores every event once when a publish in the middle of a room's pipeline fails; the stream may hold it after later ones", async () => {
    // A database of its own, so that only this test's relay publishes its outbox.
    const log = createLogger('relay-pipeline-test', 'silent');
    const admin = createPool(t.poolUrl, log, 1);
    const database = `chat_relay_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(t.poolUrl);
    url.pathname = `/${database}`;
    const databaseUrl = url.toString();
    await migrate(databaseUrl, { schema: 'chat', dir: fileURLToPath(new URL('../migrations', import.meta.url)), log });
    const db = createPool(databaseUrl, log, 4);
    let relay: OutboxRelay | undefined;
    try {
      // Two rooms' events interleave in the outbox, all committed before the relay starts.
      const { handlers } = startInstance(db);
      const alice = randomUUID();
      const rooms = [
        ok(await handlers.createRoom({ actorId: alice, name: 'a' })).room,
        ok(await handlers.createRoom({ actorId: alice, name: 'b' })).room,
      ];
      for (let i = 0; i < 20; i++) {
        for (const room of rooms) ok(await handlers.sendMessage({ actorId: alice, roomId: room.id, message: `m${i}` }));
      }
      const { rows: events } = await db.query<{ room_id: string; seq: number; event_id: string }>(
        'SELECT room_id, seq::int AS seq, event_id FROM chat.events ORDER BY position',
      );
      const [failingRoom, otherRoom] = rooms as [(typeof rooms)[0], (typeof rooms)[0]];
      const failing = events.find((e) => e.room_id === failingRoom.id && e.seq === 10)!;

      // JetStream itself refuses that event once (it is told to expect another stream); the room's later
      // publishes are already on the wire when the refusal comes back.
      let refused = false;
      let refusalSettled = false;
      const sentBeforeRefusal: string[] = [];
      const real = jetstream(t.nc);
      const js = new Proxy(real, {
        get(target, key, receiver) {
          if (key !== 'publish') return Reflect.get(target, key, receiver) as unknown;
          return (subject: string, payload: string, options: Parameters<JetStreamClient['publish']>[2]) => {
            if (refused && !refusalSettled) sentBeforeRefusal.push(options?.msgID ?? '');
            if (options?.msgID !== failing.event_id || refused) return real.publish(subject, payload, options);
            refused = true;
            return real
              .publish(subject, payload, { ...options, expect: { streamName: 'NOT_CHAT_EVENTS' } })
              .finally(() => {
                refusalSettled = true;
              });
          };
        },
      });
      relay = new OutboxRelay({
        databaseUrl,
        js,
        log,
        metrics: createChatMetrics(createMetricsRegistry('relay-pipeline')),
        pollIntervalMs: 100,
        lockRetryMs: 50,
        maxInFlightPerRoom: 128,
      });
      relay.start();
      await eventually(
        () => db.query<{ n: number }>('SELECT count(*)::int AS n FROM chat.outbox').then((r) => r.rows[0]!.n),
        (n) => n === 0,
      );

      expect(refused).toBe(true);
      expect(sentBeforeRefusal.length).toBeGreaterThan(0);
      for (const room of rooms) {
        const expected = events.filter((e) => e.room_id === room.id);
        const stored = await readStream(room.id, expected.length);
        // Each event once, none missing, each with its event id as Nats-Msg-Id.
        expect(await storedCount(room.id)).toBe(expected.length);
        expect(stored.every((r) => r.msgId === r.event.metadata.eventId)).toBe(true);
        const bySeq = [...stored].sort((a, b) => a.event.seq - b.event.seq);
        expect(bySeq.map((r) => r.event.metadata.eventId)).toEqual(expected.map((e) => e.event_id));
        const streamOrder = stored.map((r) => r.event.seq);
        if (room === otherRoom) expect(streamOrder).toEqual(expected.map((e) => e.seq));
        // The refused event was stored in the next round, after the room's later events of its round.
        else expect(streamOrder.indexOf(failing.seq)).toBeGreaterThan(streamOrder.indexOf(failing.seq + 1));
      }
    } finally {
      await relay?.close();
      await db.end();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  });
});
