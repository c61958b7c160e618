import type { RecordedRoomEvent } from '../../domain/index.ts';
import { prepared, type Queryable, type SqlStatement } from '../postgres/sql.ts';

/** The Postgres schema the live read models are in. */
export const liveSchema = 'chat';

/**
 * A read model fed by room events. `apply` only builds SQL, so the same code updates the model inside
 * a command's transaction and replays the whole stream in a rebuild (into another schema).
 *
 * Contract: `events` hold each room's events in seq order, continuing exactly after what the model
 * has applied; the result must not depend on how the stream is cut into calls (one command, a group
 * commit batch, or a rebuild chunk of thousands of events all give the same rows).
 */
export interface Projection {
  name: string;
  /** Tables the projection owns in its schema: a rebuild recreates and swaps exactly these. */
  tables: readonly string[];
  apply(events: readonly RecordedRoomEvent[], schema: string): SqlStatement[];
}

/** Where every projection records, per room, the seq it has applied up to. */
export const checkpointsTable = 'projection_checkpoints';

/**
 * Runs every projection's statements for `events` on `db` (a transaction's client), in the order given
 * (later projections may read earlier ones' tables), then records each projection's per-room checkpoint.
 */
export async function runProjections(
  db: Queryable,
  projections: readonly Projection[],
  events: readonly RecordedRoomEvent[],
  schema = liveSchema,
): Promise<void> {
  if (events.length === 0) return;
  for (const projection of projections) {
    for (const statement of projection.apply(events, schema))
      await db.query(prepared(statement.text, statement.values));
  }
  const checkpoint = checkpointStatement(projections, events, schema);
  await db.query(prepared(checkpoint.text, checkpoint.values));
}

/** Upserts each room's {projection: highest seq applied} for every room in `events`, one row per room. */
export function checkpointStatement(
  projections: readonly Projection[],
  events: readonly RecordedRoomEvent[],
  schema: string,
): SqlStatement {
  const lastSeqs = new Map<string, number>();
  for (const event of events) lastSeqs.set(event.roomId, Math.max(lastSeqs.get(event.roomId) ?? 0, event.seq));
  const rooms = [...lastSeqs.keys()];
  return {
    // Checkpoints only move forward: each run continues exactly after the last one.
    text: `INSERT INTO ${schema}.${checkpointsTable} (room_id, seqs)
           SELECT r.room_id, (SELECT jsonb_object_agg(p.name, r.seq) FROM unnest($3::text[]) AS p(name))
           FROM unnest($1::uuid[], $2::bigint[]) AS r(room_id, seq)
           ON CONFLICT (room_id) DO UPDATE SET seqs = ${checkpointsTable}.seqs || EXCLUDED.seqs`,
    values: [rooms, rooms.map((room) => lastSeqs.get(room)), projections.map((p) => p.name)],
  };
}
