// What the bench reads off the service and Postgres around a run: batches, WAL flushes, CPU, the relay, plans.
import type { Pool } from '@chatrt/service-kit';
import { cpuTimes, type CpuSample } from './measure.ts';
import { round } from './load.ts';

/** Runs `work` and adds the batch sizes, WAL flushes and CPU time (of the processes under `dir`) it caused. */
export async function measured<T extends object>(dir: string, opsPort: number, pool: Pool, work: () => Promise<T>) {
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

/** How long the outbox relay takes to publish what the runs left behind (gives up after 120 s). */
export async function relayCatchUp(pool: Pool) {
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

/** The Postgres settings that decide commit cost, as the run saw them. */
export async function postgresSettings(pool: Pool): Promise<Record<string, string>> {
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

/** The plans (scans, buffers, time) of the history and updates queries on the big room. */
export async function plans(pool: Pool, roomId: string): Promise<Record<string, string>> {
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
      `SELECT e.seq, m.message FROM chat.events e
       LEFT JOIN chat.messages m ON e.type IN ('MessageSent', 'MessageEdited') AND m.id = (e.data->>'messageId')::uuid
       WHERE e.room_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT 501`,
      [roomId, 500_000],
    ),
  };
}
