// `npm run bench:chat`: the chat service's throughput and history latency on this machine, through the
// real paths (NATS request → group commit → reply; NATS query → handler → Postgres). Starts its own
// embedded Postgres (fsync and synchronous_commit on) and nats-server in a temp dir.
//
// Knobs (env): BENCH_SECONDS (10), BENCH_ROOMS (1000), BENCH_SENDERS (400), BENCH_HOT_SENDERS (50),
// BENCH_BIG_EVENTS (1000000), BENCH_SAMPLES (2000), plus the service's own COMMIT_* / DATABASE_POOL_SIZE.
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subjects } from '@chatrt/contracts';
import { createLogger, createPool } from '@chatrt/service-kit';
import { connect } from '@nats-io/transport-node';
import { startEmbeddedPostgres, startNatsServer } from '@chatrt/harness';
import { loadChatConfig, startChat } from '../src/index.ts';
import { bulkLoadRoom } from './bulk-load.ts';
import { call, createRooms, drive, latencies, ok, round } from './load.ts';
import { measured, plans, postgresSettings, relayCatchUp } from './observe.ts';
import { answerUsersById } from '../test/fixtures/user-directory-stub.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const seconds = env('BENCH_SECONDS', 10);
const roomCount = env('BENCH_ROOMS', 1000);
const senderCount = env('BENCH_SENDERS', 400);
const hotSenders = env('BENCH_HOT_SENDERS', 50);
const bigEvents = env('BENCH_BIG_EVENTS', 1_000_000);
const samples = env('BENCH_SAMPLES', 2000);

const log = createLogger('chat-bench', process.env['LOG_LEVEL'] ?? 'warn');
const dir = await mkdtemp(join(tmpdir(), 'chat-bench-'));
// Postgres runs as its own user when we are root; it must be able to reach its data dir.
await chmod(dir, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), persistent: false });
const nats = await startNatsServer({ dataDir: join(dir, 'nats') });
const config = loadChatConfig({
  ...process.env,
  DATABASE_URL: postgres.url,
  NATS_URL: nats.url,
  OPS_PORT: '0',
  LOG_LEVEL: 'warn',
});
const chat = await startChat(config, log);
// The load generator's own connection, without nats.js' per-request async stack traces (two Error
// objects per request), so the client's bookkeeping does not eat the CPU the service is measured on.
const nc = await connect({ servers: nats.url, name: 'chat-bench', noAsyncTraces: true });
const db = createPool(postgres.url, log, 2);
// No auth service here: a stand-in says every member exists.
const users = answerUsersById(nc, log);

try {
  print('chat bench', {
    seconds,
    rooms: roomCount,
    senders: senderCount,
    hotSenders,
    bigEvents,
    groupCommit: config.groupCommit,
    pool: config.databasePoolSize,
  });
  print('postgres settings', await postgresSettings(db));

  // Many senders across many rooms: each room's creator sends to it.
  const rooms = await createRooms(nc, roomCount);
  const spread = Array.from(
    { length: senderCount },
    (_, i) => (n: number) => rooms[(i + n * senderCount) % rooms.length]!,
  );
  await drive(nc, spread, 2); // warm-up
  print('appends across rooms', await measured(dir, chat.opsPort, db, () => drive(nc, spread, seconds)));

  // One hot room, 50 members sending at once.
  const creator = randomUUID();
  const members = Array.from({ length: hotSenders }, () => randomUUID());
  const hot = ok(await call(nc, subjects.chatCreateRoom, { actorId: creator, name: 'hot', memberIds: members })).room;
  const hotLoops = members.map((actorId) => () => ({ roomId: hot.id, actorId }));
  await drive(nc, hotLoops, 1);
  print('appends on one hot room', await measured(dir, chat.opsPort, db, () => drive(nc, hotLoops, seconds)));

  print('outbox relay', await relayCatchUp(db));

  // History and resume on a room of 1,000,000 events.
  const loadStart = performance.now();
  const big = await bulkLoadRoom(db, bigEvents);
  print('bulk load', { events: bigEvents, seconds: round((performance.now() - loadStart) / 1000) });
  const pages = {
    latest: () => call(nc, subjects.chatListMessages, { actorId: big.alice, roomId: big.roomId, limit: 50 }),
    beforeDeep: () =>
      call(nc, subjects.chatListMessages, {
        actorId: big.alice,
        roomId: big.roomId,
        before: randomSeq(bigEvents),
        limit: 50,
      }),
    afterDeep: () =>
      call(nc, subjects.chatListMessages, {
        actorId: big.alice,
        roomId: big.roomId,
        after: randomSeq(bigEvents),
        limit: 50,
      }),
    roomUpdates500: () =>
      call(nc, subjects.chatRoomUpdates, {
        actorId: big.alice,
        roomId: big.roomId,
        afterSeq: randomSeq(bigEvents),
        limit: 500,
      }),
    listRooms: () => call(nc, subjects.chatListRooms, { actorId: big.alice }),
  };
  for (const [name, query] of Object.entries(pages)) print(`page latency ${name}`, await latencies(query, samples));
  const catchUp = performance.now();
  let afterSeq = Math.max(0, bigEvents - 100_000);
  let pagesRead = 0;
  for (;;) {
    const { page } = ok(
      await call(nc, subjects.chatRoomUpdates, { actorId: big.alice, roomId: big.roomId, afterSeq, limit: 500 }),
    );
    pagesRead++;
    afterSeq = page.lastSeq;
    if (!page.hasMore) break;
  }
  print('resume 100,000 events behind', { pages: pagesRead, seconds: round((performance.now() - catchUp) / 1000) });
  print('query plans (1M room)', await plans(db, big.roomId));
} finally {
  await users.close();
  await nc.drain();
  await db.end();
  await chat.close();
  await nats.stop();
  await postgres.stop();
  await rm(dir, { recursive: true, force: true });
}

function randomSeq(max: number): number {
  return 4 + Math.floor(Math.random() * (max - 4));
}

function print(title: string, value: object): void {
  console.log(`${title}: ${JSON.stringify(value)}`);
}
