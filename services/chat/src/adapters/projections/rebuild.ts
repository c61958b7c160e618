import { inTransaction, type Logger, type Pool, type PoolClient } from '@chatrt/service-kit';
import {
  readEventsInRoomOrder,
  toRecordedEvent,
  eventColumns,
  type EventRow,
  type StreamCursor,
} from '../postgres/events-table.ts';
import { toNumber, type Queryable } from '../postgres/sql.ts';
import { checkpointsTable, liveSchema, runProjections, type Projection } from './projection.ts';
import { chatProjections } from './index.ts';

/** Where the fresh read models are built. */
const buildSchema = 'chat_rebuild';
/** Where the replaced ones go for the moment of the swap. */
const retiredSchema = 'chat_retired';
/** One rebuild at a time per database. */
const rebuildLock = 'chat.rebuild';

/** What to rebuild from where, and how. */
export interface RebuildOptions {
  pool: Pool;
  log: Logger;
  projections?: readonly Projection[];
  /** Events applied per transaction while replaying. */
  chunkSize?: number;
  /** `swap` replaces the live read models; `verify` only compares them with the rebuilt ones. */
  mode?: 'swap' | 'verify';
  /** How long the final step may wait for the live tables' lock, in millis. */
  lockTimeoutMs?: number;
}

/** What a rebuild did. */
export interface RebuildReport {
  /** Events replayed before the final catch-up. */
  replayed: number;
  /** Events applied while the live tables were locked (written during the replay). */
  caughtUp: number;
  /** Verify mode: per table, rows that differ between live and rebuilt (all 0 when equal). Empty when swapping. */
  differences: Record<string, number>;
  swapped: boolean;
}

/**
 * Rebuilds every read model from `chat.events` through the same projection code the commands use.
 * The models are built into fresh tables in `chat_rebuild` (cloned from the live ones, index names
 * included), replaying the store in (room_id, seq) order in chunks. Then, holding the live tables'
 * lock so no command commits meanwhile, each room is caught up from the rebuilt checkpoints to its
 * last stored seq, and the tables are swapped in one transaction: readers see the old models or the
 * new ones, never a half-built one. In `verify` mode the last step compares instead of swapping.
 */
export async function rebuildReadModels(options: RebuildOptions): Promise<RebuildReport> {
  const { pool, log, projections = chatProjections, chunkSize = 5000, mode = 'swap', lockTimeoutMs = 30_000 } = options;
  const tables = [...projections.flatMap((p) => p.tables), checkpointsTable];
  const session = await pool.connect();
  try {
    const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
      rebuildLock,
    ]);
    if (!rows[0]?.locked) throw new Error('another rebuild is running');
    try {
      await createBuildTables(session, tables);
      const replayed = await replay(pool, projections, chunkSize, log);
      log.info({ replayed }, 'replayed the event store; catching up');
      await inTransaction(pool, (client) => catchUp(client, projections));
      const report = await inTransaction(pool, async (client) => {
        await client.query(`SET LOCAL lock_timeout = ${Math.round(lockTimeoutMs)}`);
        await client.query(`LOCK TABLE ${tables.map((t) => `${liveSchema}.${t}`).join(', ')} IN ACCESS EXCLUSIVE MODE`);
        const caughtUp = await catchUp(client, projections);
        const differences =
          mode === 'verify'
            ? await compareTables(
                client,
                tables,
                projections.map((p) => p.name),
              )
            : {};
        if (mode === 'swap') {
          await client.query(`CREATE SCHEMA ${retiredSchema}`);
          for (const table of tables)
            await client.query(`ALTER TABLE ${liveSchema}.${table} SET SCHEMA ${retiredSchema}`);
          for (const table of tables)
            await client.query(`ALTER TABLE ${buildSchema}.${table} SET SCHEMA ${liveSchema}`);
        }
        return { replayed, caughtUp, differences, swapped: mode === 'swap' };
      });
      log.info(report, mode === 'swap' ? 'read models rebuilt and swapped in' : 'read models rebuilt and compared');
      return report;
    } finally {
      await session.query(`DROP SCHEMA IF EXISTS ${retiredSchema} CASCADE`);
      await session.query(`DROP SCHEMA IF EXISTS ${buildSchema} CASCADE`);
      await session.query('SELECT pg_advisory_unlock(hashtext($1))', [rebuildLock]);
    }
  } finally {
    session.release();
  }
}

/** Empty copies of the live tables (columns, defaults, checks, indexes), with the live index names. */
async function createBuildTables(db: Queryable, tables: readonly string[]): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS ${retiredSchema} CASCADE`);
  await db.query(`DROP SCHEMA IF EXISTS ${buildSchema} CASCADE`);
  await db.query(`CREATE SCHEMA ${buildSchema}`);
  for (const table of tables) {
    await db.query(`CREATE TABLE ${buildSchema}.${table} (LIKE ${liveSchema}.${table} INCLUDING ALL)`);
    const live = await indexes(db, liveSchema, table);
    const built = await indexes(db, buildSchema, table);
    // Two passes, so a generated name that equals another index's live name never collides.
    const renames = built.map((index, i) => {
      const twin = live.find((l) => l.shape === index.shape);
      if (!twin) throw new Error(`no live twin for rebuilt index ${index.name} on ${table}`);
      return { from: index.name, temp: `rebuild_${table}_${i}`, to: twin.name };
    });
    for (const r of renames) await db.query(`ALTER INDEX ${buildSchema}.${r.from} RENAME TO ${r.temp}`);
    for (const r of renames) await db.query(`ALTER INDEX ${buildSchema}.${r.temp} RENAME TO ${r.to}`);
  }
}

/** A table's indexes with their definitions minus name and schema, to pair live and rebuilt ones. */
async function indexes(db: Queryable, schema: string, table: string): Promise<{ name: string; shape: string }[]> {
  const { rows } = await db.query<{ name: string; def: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = $1 AND t.relname = $2`,
    [schema, table],
  );
  return rows.map((row) => ({ name: row.name, shape: row.def.replace(/INDEX \S+ ON \S+ /, 'INDEX ON ') }));
}

/** Replays the whole store into the build schema, one transaction per chunk. */
async function replay(pool: Pool, projections: readonly Projection[], chunkSize: number, log: Logger): Promise<number> {
  let cursor: StreamCursor | undefined;
  let replayed = 0;
  for (;;) {
    const events = await readEventsInRoomOrder(pool, cursor, chunkSize);
    const last = events.at(-1);
    if (!last) return replayed;
    await inTransaction(pool, (client) => runProjections(client, projections, events, buildSchema));
    replayed += events.length;
    cursor = { roomId: last.roomId, seq: last.seq };
    if (replayed % (chunkSize * 20) === 0) log.info({ replayed }, 'rebuild progress');
  }
}

/**
 * Applies to the build schema every event stored after its checkpoints. The rooms come from a skip
 * scan of the events key (one probe per room, whatever the store's size), not from the live read
 * model the rebuild may be repairing.
 */
async function catchUp(db: PoolClient, projections: readonly Projection[]): Promise<number> {
  const { rows: behind } = await db.query<{ room_id: string; applied: string }>(
    `WITH RECURSIVE rooms AS (
       (SELECT room_id FROM ${liveSchema}.events ORDER BY room_id LIMIT 1)
       UNION ALL
       SELECT (SELECT e.room_id FROM ${liveSchema}.events e WHERE e.room_id > r.room_id ORDER BY e.room_id LIMIT 1)
       FROM rooms r WHERE r.room_id IS NOT NULL
     )
     SELECT r.room_id, a.seq AS applied
     FROM rooms r
     CROSS JOIN LATERAL (SELECT max(seq) AS seq FROM ${liveSchema}.events e WHERE e.room_id = r.room_id) s
     LEFT JOIN ${buildSchema}.${checkpointsTable} c ON c.room_id = r.room_id
     CROSS JOIN LATERAL (SELECT min(coalesce((c.seqs->>p)::bigint, 0)) AS seq FROM unnest($1::text[]) AS p) a
     WHERE r.room_id IS NOT NULL AND s.seq > a.seq`,
    [projections.map((p) => p.name)],
  );
  if (behind.length === 0) return 0;
  const { rows } = await db.query<EventRow>(
    `SELECT ${eventColumns
      .split(', ')
      .map((c) => `e.${c}`)
      .join(', ')}
     FROM unnest($1::uuid[], $2::bigint[]) AS b(room_id, applied)
     JOIN ${liveSchema}.events e ON e.room_id = b.room_id AND e.seq > b.applied
     ORDER BY e.room_id, e.seq`,
    [behind.map((b) => b.room_id), behind.map((b) => toNumber(b.applied))],
  );
  await runProjections(db, projections, rows.map(toRecordedEvent), buildSchema);
  return rows.length;
}

/**
 * Rows in one version of each table and not in the other (multiset difference both ways). Checkpoints are
 * compared for the rebuilt projections only: a checkpoint kept by a projection outside the set (one since
 * retired, or a test's instrument) does not make the read models differ.
 */
async function compareTables(
  db: Queryable,
  tables: readonly string[],
  projectionNames: readonly string[],
): Promise<Record<string, number>> {
  const rowsOf = (schema: string, table: string) =>
    table === checkpointsTable
      ? `(SELECT room_id,
                 (SELECT coalesce(jsonb_object_agg(k, v), '{}'::jsonb)
                  FROM jsonb_each(seqs) AS kv(k, v) WHERE k = ANY($1::text[])) AS seqs
          FROM ${schema}.${table})`
      : `(TABLE ${schema}.${table})`;
  const differences: Record<string, number> = {};
  for (const table of tables) {
    const live = rowsOf(liveSchema, table);
    const built = rowsOf(buildSchema, table);
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ((${live} EXCEPT ALL ${built}) UNION ALL (${built} EXCEPT ALL ${live})) d`,
      table === checkpointsTable ? [projectionNames] : [],
    );
    differences[table] = rows[0]?.n ?? 0;
  }
  return differences;
}
