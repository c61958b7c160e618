// Where one hot room's append time goes: drives the event store directly (no NATS) with N concurrent
// senders into one room on an embedded Postgres (fsync on) and times every statement of each batch.
// Knobs (env): PROFILE_SECONDS (5), PROFILE_SENDERS (50).
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, createPool, migrate } from '@chatrt/service-kit';
import { startEmbeddedPostgres } from '@chatrt/harness';
import { startInstance } from '../test/support.ts';
import { percentile } from './measure.ts';

const seconds = Number(process.env['PROFILE_SECONDS'] ?? 5);
const senders = Number(process.env['PROFILE_SENDERS'] ?? 50);
const log = createLogger('append-profile', 'warn');
const dir = await mkdtemp(join(tmpdir(), 'append-profile-'));
await chmod(dir, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), persistent: false });
try {
  await migrate(postgres.url, { schema: 'chat', dir: fileURLToPath(new URL('../migrations', import.meta.url)), log });
  const pool = createPool(postgres.url, log, 4);
  const timings = new Map<string, number[]>();
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { query: unknown }).query = async (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text);
      const name = text.replace(/\s+/g, ' ').trim().slice(0, 60);
      const t0 = performance.now();
      try {
        return await query(...args);
      } finally {
        const list = timings.get(name) ?? [];
        list.push(performance.now() - t0);
        timings.set(name, list);
      }
    };
  });
  const batches: number[] = [];
  const { handlers } = startInstance(pool, {
    groupCommit: { maxBatchSize: 200, maxWaitMs: 0, concurrency: 4 },
    onBatch: (_, c) => batches.push(c.seconds * 1000),
  });
  const members = Array.from({ length: senders }, () => randomUUID());
  const { room } = (await handlers.createRoom({ actorId: members[0]!, name: 'hot', memberIds: members.slice(1) })) as {
    room: { id: string };
  };
  timings.clear();
  batches.length = 0;
  let acked = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    members.map(async (actorId, i) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const reply = await handlers.sendMessage({
          actorId,
          roomId: room.id,
          message: `m ${n}`,
          clientMessageId: `${i}-${n}`,
        });
        if (reply.ok) acked++;
      }
    }),
  );
  console.log(
    JSON.stringify({
      senders,
      perSecond: Math.round(acked / seconds),
      batches: batches.length,
      batchMs: { p50: percentile(batches, 0.5), p99: percentile(batches, 0.99) },
    }),
  );
  const rows = [...timings].map(([name, ms]) => ({
    name,
    count: ms.length,
    meanMs: ms.reduce((a, b) => a + b, 0) / ms.length,
    totalMs: ms.reduce((a, b) => a + b, 0),
  }));
  for (const row of rows.sort((a, b) => b.totalMs - a.totalMs)) {
    const [total, count, mean] = [row.totalMs.toFixed(0), String(row.count), row.meanMs.toFixed(2)];
    console.log(`${total.padStart(7)} ms ${count.padStart(6)}× ${mean.padStart(6)} ms  ${row.name}`);
  }
  await pool.end();
} finally {
  await postgres.stop();
  await rm(dir, { recursive: true, force: true });
}
