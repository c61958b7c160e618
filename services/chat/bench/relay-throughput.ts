// How fast the outbox relay empties a backlog: commits RELAY_EVENTS events (in RELAY_ROOMS rooms, rows
// interleaved) straight into chat.events and chat.outbox, then starts a relay on an embedded Postgres
// and nats-server and times until the outbox is empty and the stream holds every event. Repeats
// RELAY_ROUNDS times on fresh rooms. RELAY_IN_FLIGHT: publishes of one room awaiting their PubAck (1).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, createMetricsRegistry, createPool, migrate } from '@chatrt/service-kit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { streams } from '@chatrt/contracts';
import { startEmbeddedPostgres, startNatsServer } from '@chatrt/harness';
import { OutboxRelay } from '../src/adapters/jetstream/outbox-relay.ts';
import { connectRelayNats } from '../src/adapters/jetstream/relay-connection.ts';
import { ensureChatEventsStream } from '../src/adapters/jetstream/stream.ts';
import { createChatMetrics } from '../src/adapters/metrics.ts';

const events = Number(process.env['RELAY_EVENTS'] ?? 20_000);
const roomCount = Number(process.env['RELAY_ROOMS'] ?? 1);
const rounds = Number(process.env['RELAY_ROUNDS'] ?? 3);
const maxInFlightPerRoom = Number(process.env['RELAY_IN_FLIGHT'] ?? 1);
const log = createLogger('relay-bench', 'warn');
const dir = await mkdtemp(join(tmpdir(), 'relay-bench-'));
await chmod(dir, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), persistent: false });
const nats = await startNatsServer({ dataDir: join(dir, 'nats') });
try {
  await migrate(postgres.url, { schema: 'chat', dir: fileURLToPath(new URL('../migrations', import.meta.url)), log });
  const db = createPool(postgres.url, log, 2);
  const nc = await connectRelayNats(nats.url, log);
  await ensureChatEventsStream(nc, log, { replicas: 1 });
  const jsm = await jetstreamManager(nc);
  for (let round = 1; round <= rounds; round++) {
    await db.query(
      `WITH rooms AS (SELECT gen_random_uuid() AS room_id, r FROM generate_series(0, $2::int - 1) AS r),
            appended AS (
              INSERT INTO chat.events (event_id, room_id, seq, type, data, actor_id, client_message_id, occurred_at)
              SELECT gen_random_uuid(), rooms.room_id, s / $2::int + 1, 'MessageSent',
                     jsonb_build_object('messageId', gen_random_uuid(), 'senderId', rooms.room_id,
                                        'message', 'message number ' || s, 'clientMessageId', 'c' || s),
                     rooms.room_id, 'c' || s, now()
              FROM generate_series(0, $1::int - 1) AS s JOIN rooms ON rooms.r = s % $2::int
              ORDER BY s
              RETURNING position)
       INSERT INTO chat.outbox (position) SELECT position FROM appended`,
      [events, roomCount],
    );
    const before = (await jsm.streams.info(streams.chatEvents)).state.messages;
    const relay = new OutboxRelay({
      databaseUrl: postgres.url,
      js: jetstream(nc),
      log,
      metrics: createChatMetrics(createMetricsRegistry('relay-bench')),
      pollIntervalMs: 1000,
      lockRetryMs: 100,
      maxInFlightPerRoom,
    });
    const started = performance.now();
    relay.start();
    for (;;) {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM chat.outbox');
      if (rows[0]!.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    await relay.close();
    const stored = (await jsm.streams.info(streams.chatEvents)).state.messages - before;
    console.log(
      JSON.stringify({
        round,
        events,
        rooms: roomCount,
        inFlightPerRoom: maxInFlightPerRoom,
        stored,
        seconds: Math.round(seconds * 100) / 100,
        eventsPerSecond: Math.round(events / seconds),
      }),
    );
  }
  await nc.drain();
  await db.end();
} finally {
  await nats.stop();
  await postgres.stop();
  await rm(dir, { recursive: true, force: true });
}
