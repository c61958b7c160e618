// Issue 14: postgres.js against pg on the append path. Replays the statements of a group-commit batch of
// sends (the service's own SQL texts, built by its own functions) on an embedded Postgres (fsync on) in three
// modes: pg one statement after another (what the service does), postgres.js one after another (the driver's
// own cost), and postgres.js pipelined (the room read, then the insert, the projections and the checkpoint in one
// flight). Each of WRITERS concurrent writers owns its rooms; a transaction holds BATCH sends. Scenario "hot":
// one room per writer, every send in it; "spread": 100 rooms, each send of a batch in another room.
// Pipelining assumes the insert meets no conflicting row: the service reads which events the insert stored
// (RETURNING) before it applies the projections, so it would have to check that before COMMIT instead.
// Knobs (env): DRIVER_TRANSACTIONS (1000 per cell), DRIVER_WRITERS (2), DRIVER_BATCHES (1,4,16).
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgresJs from 'postgres';
import { createLogger, createPool, migrate, type Pool } from '@chatrt/service-kit';
import { cpuMsOfTrees, startEmbeddedPostgres } from '@chatrt/harness';
import { recordEvents, type RecordedRoomEvent } from '../src/domain/index.ts';
import { appendEvents } from '../src/adapters/postgres/events-table.ts';
import { prepared, type Queryable, type SqlStatement } from '../src/adapters/postgres/sql.ts';
import { chatProjections } from '../src/adapters/projections/index.ts';
import { checkpointStatement, liveSchema } from '../src/adapters/projections/projection.ts';
import { readRoomStates } from '../src/adapters/projections/rooms.ts';
import { appendSavepoint } from '../src/adapters/postgres/event-store/append-with-retry.ts';
import { startInstance } from '../test/support.ts';
import { percentile } from './measure.ts';

const transactions = Number(process.env['DRIVER_TRANSACTIONS'] ?? 1000);
const writers = Number(process.env['DRIVER_WRITERS'] ?? 2);
const batchSizes = (process.env['DRIVER_BATCHES'] ?? '1,4,16').split(',').map(Number);
const spreadRooms = 100;
const warmup = 20;

type Sql = ReturnType<typeof postgresJs>;

interface Room {
  id: string;
  senderId: string;
}

/**
 * Captures the statement a service function would run, to replay it with any driver. The functions used here
 * call `query` before their first await, so the statement is there when `build` returns.
 */
function captured(build: (db: Queryable) => Promise<unknown>): SqlStatement {
  let statement: SqlStatement | undefined;
  const recorder = {
    query: (config: { text: string; values: unknown[] }) => {
      statement = { text: config.text, values: config.values };
      return Promise.resolve({ rows: [] });
    },
  };
  // The recorder only needs the `query(config)` form the service's functions use.
  void build(recorder as unknown as Queryable);
  if (!statement) throw new Error('the service function ran no statement');
  return statement;
}

/** The batch's writes after the room read, in the service's order: insert, projections, checkpoint. */
function writeStatements(rooms: readonly Room[], lastSeqs: ReadonlyMap<string, number>): SqlStatement[] {
  const occurredAt = new Date().toISOString();
  const seqs = new Map(lastSeqs);
  const events: RecordedRoomEvent[] = rooms.flatMap((room) => {
    const lastSeq = seqs.get(room.id) ?? 0;
    seqs.set(room.id, lastSeq + 1);
    const messageId = randomUUID();
    return recordEvents(
      [
        {
          type: 'MessageSent',
          data: { messageId, senderId: room.senderId, message: `m ${messageId}`, clientMessageId: messageId },
        },
      ],
      { roomId: room.id, actorId: room.senderId, lastSeq, occurredAt, newId: randomUUID },
    );
  });
  return [
    captured((db) => appendEvents(db, events)),
    ...chatProjections.flatMap((projection) => projection.apply(events, liveSchema)),
    checkpointStatement(chatProjections, events, liveSchema),
  ];
}

const roomRead = (roomIds: readonly string[]) => captured((db) => readRoomStates(db, roomIds));

/** Room ids to last seqs, from the rows of `readRoomStates`'s statement. */
function lastSeqsOf(rows: readonly { id: string; last_seq: string }[]): Map<string, number> {
  return new Map(rows.map((row) => [row.id, Number(row.last_seq)]));
}

type Transaction = (rooms: readonly Room[]) => Promise<void>;

/** pg as the service drives it: BEGIN and the savepoint in one round trip, then each statement named, in turn. */
function pgTransaction(pool: Pool): Transaction {
  return async (rooms) => {
    const client = await pool.connect();
    try {
      await client.query(`BEGIN; SAVEPOINT ${appendSavepoint}`);
      const read = roomRead(rooms.map((room) => room.id));
      const { rows } = await client.query<{ id: string; last_seq: string }>(prepared(read.text, read.values));
      for (const statement of writeStatements(rooms, lastSeqsOf(rows)))
        await client.query(prepared(statement.text, statement.values));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  };
}

/**
 * postgres.js, one statement after another (`pipelined` false) or every write in one flight. The savepoint goes
 * in the same flight as the room read, as pg sends it with BEGIN: the same round trips as pg when sequential.
 */
function postgresJsTransaction(sql: Sql, pipelined: boolean): Transaction {
  const run = (tx: Pick<Sql, 'unsafe'>, statement: SqlStatement) =>
    tx.unsafe(statement.text, statement.values as postgresJs.ParameterOrJSON<never>[], { prepare: true });
  return async (rooms) => {
    await sql.begin(async (tx) => {
      void run(tx, { text: `SAVEPOINT ${appendSavepoint}`, values: [] });
      const rows = await run(tx, roomRead(rooms.map((room) => room.id)));
      const writes = writeStatements(rooms, lastSeqsOf(rows as unknown as { id: string; last_seq: string }[]));
      if (pipelined) await Promise.all(writes.map((statement) => run(tx, statement)));
      else for (const statement of writes) await run(tx, statement);
    });
  };
}

interface Cell {
  scenario: string;
  mode: string;
  batch: number;
  p50Ms: number;
  p99Ms: number;
  txPerSecond: number;
  benchCpuMsPerMessage: number;
  postgresCpuMsPerMessage: number;
}

const log = createLogger('driver-compare', 'warn');
const dir = await mkdtemp(join(tmpdir(), 'driver-compare-'));
await chmod(dir, 0o755);
const embedded = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), persistent: false });
try {
  const postgresPid = embedded.pid;
  if (postgresPid === undefined) throw new Error('the embedded Postgres has no pid');
  await migrate(embedded.url, { schema: 'chat', dir: fileURLToPath(new URL('../migrations', import.meta.url)), log });
  const pool = createPool(embedded.url, log, writers);
  const sql = postgresJs(embedded.url, {
    max: writers,
    onnotice: () => {},
    // The service's statements take JSON already serialised (`$1::jsonb` with a string): send it as it is.
    types: {
      jsonText: {
        to: 3802,
        from: [114, 3802],
        serialize: (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value)),
        parse: (text: string) => JSON.parse(text) as unknown,
      },
    },
  });
  try {
    const { handlers } = startInstance(pool);
    const newRoom = async (): Promise<Room> => {
      const senderId = randomUUID();
      const reply = (await handlers.createRoom({ actorId: senderId, name: 'bench', memberIds: [] })) as {
        room: { id: string };
      };
      return { id: reply.room.id, senderId };
    };
    const hotRooms = await Promise.all(Array.from({ length: writers }, newRoom));
    const spread = await Promise.all(Array.from({ length: spreadRooms }, newRoom));
    const scenarios = {
      // Writer w's batch: its one room, `batch` times, or `batch` rooms of its share of the 100.
      hot: (writer: number, batch: number) => Array.from({ length: batch }, () => hotRooms[writer]!),
      spread: (writer: number, batch: number, n: number) => {
        const share = spread.filter((_, index) => index % writers === writer);
        return Array.from({ length: batch }, (_, i) => share[(n * batch + i) % share.length]!);
      },
    };
    const modes: Record<string, Transaction> = {
      pg: pgTransaction(pool),
      'postgres.js': postgresJsTransaction(sql, false),
      'postgres.js pipelined': postgresJsTransaction(sql, true),
    };

    const cells: Cell[] = [];
    let rotation = 0;
    let sent = 0;
    for (const [scenario, roomsOf] of Object.entries(scenarios)) {
      for (const batch of batchSizes) {
        // The modes take turns, in a rotating order, so drift on the machine does not favour one.
        const names = Object.keys(modes);
        const order = names.map((_, i) => names[(i + rotation) % names.length]!);
        rotation++;
        for (const mode of order) {
          const transaction = modes[mode]!;
          const perWriter = Math.ceil(transactions / writers);
          const drive = (count: number, sink?: number[]) =>
            Promise.all(
              Array.from({ length: writers }, async (_, writer) => {
                for (let n = 0; n < count; n++) {
                  const t0 = performance.now();
                  await transaction(roomsOf(writer, batch, n));
                  sent += batch;
                  sink?.push(performance.now() - t0);
                }
              }),
            );
          await drive(warmup);
          const latencies: number[] = [];
          const [cpu0, pg0, t0] = [process.cpuUsage(), await cpuMsOfTrees([postgresPid]), performance.now()];
          await drive(perWriter, latencies);
          const seconds = (performance.now() - t0) / 1000;
          const cpu = process.cpuUsage(cpu0);
          const postgresCpuMs = (await cpuMsOfTrees([postgresPid])) - pg0;
          const messages = latencies.length * batch;
          cells.push({
            scenario,
            mode,
            batch,
            p50Ms: percentile(latencies, 0.5),
            p99Ms: percentile(latencies, 0.99),
            txPerSecond: latencies.length / seconds,
            benchCpuMsPerMessage: (cpu.user + cpu.system) / 1000 / messages,
            postgresCpuMsPerMessage: postgresCpuMs / messages,
          });
        }
      }
    }
    // Every mode must have written what the service would: a message row for each send.
    const { rows } = await pool.query<{ count: string }>('SELECT count(*) FROM chat.messages');
    if (Number(rows[0]?.count) !== sent) throw new Error(`${sent} sends, but ${rows[0]?.count} message rows`);
    console.log(`${writers} writers, ${transactions} transactions per cell (after ${warmup} per writer of warm-up)`);
    console.log(
      'scenario batch mode                   p50 ms  p99 ms    tx/s   msg/s  bench CPU ms/msg  PG CPU ms/msg',
    );
    for (const cell of cells.sort(
      (a, b) => a.scenario.localeCompare(b.scenario) || a.batch - b.batch || a.mode.localeCompare(b.mode),
    )) {
      console.log(
        [
          cell.scenario.padEnd(8),
          String(cell.batch).padStart(5),
          cell.mode.padEnd(22),
          cell.p50Ms.toFixed(2).padStart(7),
          cell.p99Ms.toFixed(2).padStart(7),
          cell.txPerSecond.toFixed(0).padStart(7),
          (cell.txPerSecond * cell.batch).toFixed(0).padStart(7),
          cell.benchCpuMsPerMessage.toFixed(3).padStart(17),
          cell.postgresCpuMsPerMessage.toFixed(3).padStart(14),
        ].join(' '),
      );
    }
  } finally {
    await sql.end();
    await pool.end();
  }
} finally {
  await embedded.stop();
  await rm(dir, { recursive: true, force: true });
}
