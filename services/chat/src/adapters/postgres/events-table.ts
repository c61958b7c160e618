import type { RecordedRoomEvent } from '../../domain/index.ts';
import { prepared, toNumber, type Queryable } from './sql.ts';

/** A `chat.events` row as read for the wire shape. */
export interface EventRow {
  room_id: string;
  seq: string;
  type: RecordedRoomEvent['type'];
  data: unknown;
  event_id: string;
  occurred_at: Date;
  actor_id: string;
}

/** The columns `toRecordedEvent` needs. */
export const eventColumns = 'room_id, seq, type, data, event_id, occurred_at, actor_id';

/**
 * Appends events and their outbox rows in one statement, skipping any row that meets a unique key
 * (another writer's seq, or a stored idempotency key): returns the ids of the events it did insert, so
 * the caller sees exactly which commands lost a race. The outbox insert fires the NOTIFY that wakes
 * the relay once the transaction commits (see the migration). Each room's rows are inserted in seq
 * order, so within a room a later event always has a larger position.
 */
export async function appendEvents(db: Queryable, events: readonly RecordedRoomEvent[]): Promise<Set<string>> {
  const rows = events.map((event) => ({
    event_id: event.metadata.eventId,
    room_id: event.roomId,
    seq: event.seq,
    type: event.type,
    data: event.data,
    actor_id: event.metadata.actorId,
    client_message_id: event.type === 'MessageSent' ? event.data.clientMessageId : null,
    occurred_at: event.metadata.occurredAt,
  }));
  const { rows: inserted } = await db.query<{ event_id: string }>(
    prepared(
      `WITH appended AS (
       INSERT INTO chat.events (event_id, room_id, seq, type, data, actor_id, client_message_id, occurred_at)
       SELECT event_id, room_id, seq, type, data, actor_id, client_message_id, occurred_at
       FROM jsonb_to_recordset($1::jsonb) AS e(event_id uuid, room_id uuid, seq bigint, type text, data jsonb,
                                              actor_id uuid, client_message_id text, occurred_at timestamptz)
       ORDER BY room_id, seq
       ON CONFLICT DO NOTHING
       RETURNING position, event_id
     ), queued AS (
       INSERT INTO chat.outbox (position) SELECT position FROM appended
     )
     SELECT event_id FROM appended`,
      [JSON.stringify(rows)],
    ),
  );
  return new Set(inserted.map((row) => row.event_id));
}

/** A committed event still to be published, with its outbox position. */
export type OutboxRow = EventRow & { position: string };

/**
 * The first `limit` events of the outbox in commit-position order. The positions are read first and their
 * events then by key: written as a join, the planner merged the outbox with chat.events from its first row,
 * so each relay round read the whole store (2–3 ms at 7,000 events, growing with every event kept).
 */
export async function readOutboxBatch(db: Queryable, limit: number): Promise<OutboxRow[]> {
  const { rows } = await db.query<OutboxRow>(prepared(outboxBatchSql, [limit]));
  return rows;
}

/** The statement of `readOutboxBatch` (`$1`: the limit). */
export const outboxBatchSql = `SELECT e.position, ${eventColumns} FROM chat.events e
  WHERE e.position = ANY (ARRAY(SELECT position FROM chat.outbox ORDER BY position LIMIT $1))
  ORDER BY e.position`;

/** Rebuilds the wire shape of a stored event from its row. */
export function toRecordedEvent(row: EventRow): RecordedRoomEvent {
  return {
    type: row.type,
    roomId: row.room_id,
    seq: toNumber(row.seq),
    data: row.data,
    metadata: { eventId: row.event_id, occurredAt: row.occurred_at.toISOString(), actorId: row.actor_id },
  } as RecordedRoomEvent;
}

/** A position in the (room_id, seq) order of the whole store. */
export interface StreamCursor {
  roomId: string;
  seq: number;
}

/**
 * Reads up to `limit` events after `cursor` in (room_id, seq) order: an index range scan, so a replay
 * of the whole store reads each room's events in seq order without a sort or a snapshot.
 */
export async function readEventsInRoomOrder(
  db: Queryable,
  cursor: StreamCursor | undefined,
  limit: number,
): Promise<RecordedRoomEvent[]> {
  const { rows } = cursor
    ? await db.query<EventRow>(
        `SELECT ${eventColumns} FROM chat.events
         WHERE (room_id, seq) > ($1::uuid, $2::bigint) ORDER BY room_id, seq LIMIT $3`,
        [cursor.roomId, cursor.seq, limit],
      )
    : await db.query<EventRow>(`SELECT ${eventColumns} FROM chat.events ORDER BY room_id, seq LIMIT $1`, [limit]);
  return rows.map(toRecordedEvent);
}
