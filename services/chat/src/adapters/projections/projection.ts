import type { RecordedRoomEvent } from '../../domain/index.ts';
import type { Queryable, SqlStatement } from '../postgres/sql.ts';

/**
 * A read model fed by room events. `apply` only builds SQL, so the same code updates the model inside
 * a command's transaction and replays the whole stream in a rebuild.
 */
export interface Projection {
  name: string;
  apply(events: readonly RecordedRoomEvent[]): SqlStatement[];
}

/** Runs every projection's statements for `events` on `db` (a transaction's client). */
export async function runProjections(db: Queryable, projections: readonly Projection[], events: readonly RecordedRoomEvent[]): Promise<void> {
  for (const projection of projections) {
    for (const statement of projection.apply(events)) await db.query(statement.text, statement.values);
  }
}
