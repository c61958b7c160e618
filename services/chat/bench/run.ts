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
import { subjects, type NatsRequests, type NatsRequestSubject } from '@chatrt/contracts';
import { createLogger, createPool, request, type NatsConnection, type Pool } from '@chatrt/service-kit';
import { connect } from '@nats-io/transport-node';
import { startEmbeddedPostgres, startNatsServer } from '@chatrt/harness';
import { loadChatConfig, startChat } from '../src/index.ts';
import { bulkLoadRoom } from './bulk-load.ts';
import { cpuTimes, percentile, type CpuSample } from './measure.ts';
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
  print('appends across rooms', await measured(chat.opsPort, db, () => drive(nc, spread, seconds)));

  // One hot room, 50 members sending at once.
  const creator = randomUUID();
  const members = Array.from({ length: hotSenders }, () => randomUUID());
  const hot = ok(await call(nc, subjects.chatCreateRoom, { actorId: creator, name: 'hot', memberIds: members })).room;
  const hotLoops = members.map((actorId) => () => ({ roomId: hot.id, actorId }));
  await drive(nc, hotLoops, 1);
  print('appends on one hot room', await measured(chat.opsPort, db, () => drive(nc, hotLoops, seconds)));

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

/** Who sends where on a loop's n-th request. */
type Loop = (n: number) => Rooms;

interface Rooms {
  roomId: string;
  actorId: string;
}

async function createRooms(nats: NatsConnection, count: number): Promise<Rooms[]> {
  const rooms: Rooms[] = [];
  for (let i = 0; i < count; i += 200) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(200, count - i) }, async () => {
        const actorId = randomUUID();
        const { room } = ok(
          await call(nats, subjects.chatCreateRoom, { actorId, name: 'bench', memberIds: [randomUUID()] }),
        );
        return { roomId: room.id, actorId };
      }),
    );
    rooms.push(...batch);
  }
  return rooms;
}

/** Runs each loop (one in-flight request each) for `secs`; returns acknowledged sends per second. */
async function drive(nats: NatsConnection, loops: Loop[], secs: number) {
  const deadline = performance.now() + secs * 1000;
  const started = performance.now();
  let acked = 0;
  let failed = 0;
  const replyMs: number[] = [];
  await Promise.all(
    loops.map(async (target, i) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const { roomId, actorId } = target(n);
        const t0 = performance.now();
        const reply = await call(nats, subjects.chatSendMessage, {
          actorId,
          roomId,
          message: `message ${n} from loop ${i}`,
          clientMessageId: `${i}-${n}-${t0}`,
        });
        replyMs.push(performance.now() - t0);
        if (reply.ok) acked++;
        else failed++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    persistedPerSecond: Math.round(acked / elapsed),
    failed,
    replyMsP50: round(percentile(replyMs, 0.5)),
    replyMsP99: round(percentile(replyMs, 0.99)),
  };
}

/** Runs `work` and adds the batch sizes and CPU time it caused. */
async function measured<T extends object>(opsPort: number, pool: Pool, work: () => Promise<T>) {
  const before = { batches: await batchStats(opsPort), cpu: await cpuTimes(dir), wal: await walStats(pool) };
  const started = performance.now();
  const result = await work();
  const elapsed = (performance.now() - started) / 1000;
  const after = { batches: await batchStats(opsPort), cpu: await cpuTimes(dir), wal: await walStats(pool) };
  const batches = after.batches.count - before.batches.count;
  const ours =
    after.cpu.node -
    before.cpu.node +
    (after.cpu.postgres - before.cpu.postgres) +
    (after.cpu.natsServer - before.cpu.natsServer);
  const persisted = 'persistedPerSecond' in result ? Number(result.persistedPerSecond) * elapsed : 0;
  return {
    ...result,
    cpuMicrosPerMessage: persisted > 0 ? Math.round((ours / persisted) * 1e6) : undefined,
    transactionsPerSecond: Math.round(batches / elapsed),
    meanBatchSize: round((after.batches.sum - before.batches.sum) / Math.max(1, batches)),
    walFlushesPerSecond: Math.round((after.wal.syncs - before.wal.syncs) / elapsed),
    cpuCores: cpuShare(before.cpu, after.cpu, elapsed),
  };
}

function cpuShare(before: CpuSample, after: CpuSample, elapsed: number) {
  const share = (key: keyof CpuSample) => round((after[key] - before[key]) / elapsed);
  return {
    allBusy: share('busy'),
    node: share('node'),
    postgres: share('postgres'),
    natsServer: share('natsServer'),
    otherProcesses: round(
      share('busy') - share('node') - share('postgres') - share('natsServer') - share('softirq') - share('steal'),
    ),
    softirq: share('softirq'),
    steal: share('steal'),
    iowait: share('iowait'),
  };
}

async function batchStats(opsPort: number): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  const value = (name: string) =>
    Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((line) => line.startsWith(name)) ?? '')?.[2] ?? 0);
  return { sum: value('chat_commit_batch_size_sum'), count: value('chat_commit_batch_size_count') };
}

/** WAL fsyncs so far (Postgres 18 counts them in pg_stat_io). */
async function walStats(pool: Pool): Promise<{ syncs: number }> {
  const { rows } = await pool.query<{ syncs: string }>(
    `SELECT coalesce(sum(fsyncs), 0) AS syncs FROM pg_stat_io WHERE object = 'wal'`,
  );
  return { syncs: Number(rows[0]?.syncs ?? 0) };
}

async function relayCatchUp(pool: Pool) {
  const started = performance.now();
  const pending = async () =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM chat.outbox')).rows[0]?.n ?? 0);
  const initially = await pending();
  let left = initially;
  while (left > 0 && performance.now() - started < 120_000) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = await pending();
  }
  return { pendingAtEnd: initially, secondsToDrain: round((performance.now() - started) / 1000), left };
}

async function latencies(query: () => Promise<{ ok: boolean }>, count: number) {
  for (let i = 0; i < 50; i++) ok(await query());
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    ok(await query());
    ms.push(performance.now() - t0);
  }
  return {
    samples: count,
    p50ms: round(percentile(ms, 0.5)),
    p99ms: round(percentile(ms, 0.99)),
    maxMs: round(Math.max(...ms)),
  };
}

async function postgresSettings(pool: Pool): Promise<Record<string, string>> {
  const names = [
    'server_version',
    'shared_buffers',
    'synchronous_commit',
    'fsync',
    'wal_sync_method',
    'full_page_writes',
    'wal_level',
    'wal_buffers',
    'max_wal_size',
    'commit_delay',
    'work_mem',
  ];
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1) ORDER BY name`,
    [names],
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
}

async function plans(pool: Pool, roomId: string): Promise<Record<string, string>> {
  const explain = async (sql: string, values: unknown[]) =>
    (await pool.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY ON) ${sql}`, values)).rows
      .map((r: Record<string, string>) => Object.values(r)[0])
      .filter((line) => /Scan|Execution Time|Buffers: shared/.test(line!))
      .map((line) => line!.trim())
      .join(' | ');
  return {
    historyBefore: await explain(
      'SELECT * FROM chat.messages WHERE room_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT 51',
      [roomId, 500_000],
    ),
    updatesPage: await explain(
      `SELECT e.seq, m.message FROM chat.events e LEFT JOIN chat.messages m ON e.type IN ('MessageSent', 'MessageEdited') AND m.id = (e.data->>'messageId')::uuid
       WHERE e.room_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT 501`,
      [roomId, 500_000],
    ),
  };
}

function randomSeq(max: number): number {
  return 4 + Math.floor(Math.random() * (max - 4));
}

function call<S extends NatsRequestSubject>(
  nats: NatsConnection,
  subject: S,
  payload: NatsRequests[S]['request'],
): Promise<NatsRequests[S]['reply']> {
  return request(nats, subject, payload, 30_000);
}

function ok<R extends { ok: boolean }>(reply: R): Extract<R, { ok: true }> {
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply)}`);
  return reply as Extract<R, { ok: true }>;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function print(title: string, value: object): void {
  console.log(`${title}: ${JSON.stringify(value)}`);
}
