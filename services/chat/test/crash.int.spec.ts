import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, createMetricsRegistry, createPool, type Pool } from '@chatrt/service-kit';
import { jetstream } from '@nats-io/jetstream';
import { OutboxRelay } from '../src/adapters/jetstream/outbox-relay.ts';
import { createChatMetrics } from '../src/adapters/metrics.ts';
import { eventually, readRoomStream, startTestChat, storedInStream, type TestChat } from './support.ts';

// Exactly-once publication across a crash: a writer process commits events and is SIGKILLed before
// its relay could publish any; a fresh relay then publishes each committed event once, in seq order,
// and nothing of a rolled-back or never-committed transaction. Runs on a database of its own so the
// relays of other test files (one lock per database) stay out of it.

const log = createLogger('chat-crash-test', 'silent');
const relayLock = 'chat.outbox-relay';
let t: TestChat;
let admin: Pool;
let database: string;
let databaseUrl: string;

// One hook per resource: each returns its teardown, and teardowns run in reverse, only for what started.
beforeAll(async () => {
  t = await startTestChat();
  return () => t.close();
});

beforeAll(() => {
  admin = createPool(t.poolUrl, log, 2);
  return () => admin.end();
});

beforeAll(async () => {
  database = `chat_crash_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(t.poolUrl);
  url.pathname = `/${database}`;
  databaseUrl = url.toString();
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  };
});

/** The child's stdout as a queue of JSON lines. */
function lines(child: ChildProcess): () => Promise<Record<string, unknown>> {
  const queue: Record<string, unknown>[] = [];
  const waiters: ((line: Record<string, unknown>) => void)[] = [];
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => {
      reject(new Error(`writer exited (${code ?? signal})`));
    }),
  );
  exited.catch(() => {});
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else queue.push(line);
  });
  return () => {
    const next = queue.shift();
    if (next) return Promise.resolve(next);
    return Promise.race([new Promise<Record<string, unknown>>((resolve) => waiters.push(resolve)), exited]);
  };
}

describe('publication across a crash', () => {
  it('publishes every committed event exactly once, in seq order, and nothing uncommitted', async () => {
    const db = createPool(databaseUrl, log, 4);
    const holder = await db.connect();
    const gate = Math.floor(Math.random() * 1_000_000_000);
    let child: ChildProcess | undefined;
    let relay: OutboxRelay | undefined;
    try {
      // The relay lock is taken here first, so the writer's own relay never gets to publish.
      await holder.query('SELECT pg_advisory_lock(hashtext($1)), pg_advisory_lock($2)', [relayLock, gate]);
      child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url))], {
        env: { ...process.env, DATABASE_URL: databaseUrl, NATS_URL: inject('natsUrl'), CRASH_GATE: String(gate) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const next = lines(child);
      const committed = await next();
      expect(committed['step']).toBe('committed');
      expect(committed['failed']).toContain('division by zero');
      const rooms = committed['rooms'] as string[];
      expect(await next()).toEqual({ step: 'hanging' });
      // The last transaction has inserted its events and waits on the gate, uncommitted.
      await eventually(
        async () =>
          (
            await holder.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_locks
               WHERE locktype = 'advisory' AND NOT granted AND objid::bigint = $1`,
              [gate],
            )
          ).rows[0]?.n ?? 0,
        (n) => n > 0,
      );
      const stored = await storedEvents(db);
      expect(stored.length).toBeGreaterThan(60);
      expect(await count(db, 'SELECT count(*)::int AS n FROM chat.outbox')).toBe(stored.length);

      child.kill('SIGKILL');
      await new Promise((resolve) => {
        if (child!.exitCode !== null || child!.signalCode !== null) resolve(undefined);
        else child!.once('exit', resolve);
      });
      // Let the orphaned transaction run on: its next read finds the client gone and it rolls back.
      await holder.query('SELECT pg_advisory_unlock($1)', [gate]);
      await eventually(
        () =>
          count(
            db,
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
          ),
        (n) => n === 0,
      );
      expect(await storedEvents(db)).toEqual(stored);
      expect(stored.some((e) => JSON.stringify(e.data).includes('doomed'))).toBe(false);

      // A fresh relay takes over once the lock is free.
      await holder.query('SELECT pg_advisory_unlock(hashtext($1))', [relayLock]);
      relay = new OutboxRelay({
        databaseUrl,
        js: jetstream(t.nc),
        log,
        metrics: createChatMetrics(createMetricsRegistry('crash-relay')),
        pollIntervalMs: 100,
        lockRetryMs: 50,
      });
      relay.start();
      await eventually(
        () => count(db, 'SELECT count(*)::int AS n FROM chat.outbox'),
        (n) => n === 0,
      );

      for (const roomId of rooms) {
        const expected = stored.filter((e) => e.room_id === roomId);
        const received = await readRoomStream(t.nc, roomId, expected.length);
        expect(received.map((r) => r.event.seq)).toEqual(expected.map((_, i) => i + 1));
        expect(received.map((r) => r.event.metadata.eventId)).toEqual(expected.map((e) => e.event_id));
        expect(
          received.every((r) => r.msgId === r.event.metadata.eventId && !JSON.stringify(r.event).includes('doomed')),
        ).toBe(true);
        expect(await storedInStream(t.nc, roomId)).toBe(expected.length);
      }
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await relay?.close();
      await holder.query('SELECT pg_advisory_unlock_all()').catch(() => {});
      holder.release();
      await db.end();
    }
  });
});

async function count(db: Pool, sql: string): Promise<number> {
  return (await db.query<{ n: number }>(sql)).rows[0]?.n ?? 0;
}

type StoredEvent = { room_id: string; seq: string; event_id: string; data: unknown };
async function storedEvents(db: Pool): Promise<StoredEvent[]> {
  return (await db.query<StoredEvent>('SELECT room_id, seq, event_id, data FROM chat.events ORDER BY room_id, seq'))
    .rows;
}
