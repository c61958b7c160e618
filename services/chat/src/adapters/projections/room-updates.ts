import type { RoomUpdate, RoomUpdatePage } from '@chatrt/contracts';
import { assertNever, NotAMemberError, RoomNotFoundError, type RecordedRoomEvent } from '../../domain/index.ts';
import { prepared, toNumber, type Queryable } from '../postgres/sql.ts';
import { liveSchema } from './projection.ts';
import { rowToMessage, type MessageRow } from './messages.ts';

/** A row of the updates query: the room check, then one event (absent when the page is empty). */
interface UpdateRow {
  is_member: boolean;
  seq: string | null;
  type: RecordedRoomEvent['type'] | null;
  occurred_at: Date | null;
  user_id: string | null;
  message_id: string | null;
  /** The edit's text, only when its message is not deleted. */
  edit_text: string | null;
  m_id: string | null;
  m_seq: string | null;
  m_sender_id: string | null;
  m_message: string | null;
  m_client_message_id: string | null;
  m_created_at: Date | null;
  m_edited_at: Date | null;
  m_deleted: boolean | null;
}
/** A row with a seq is an event, whose type and time are NOT NULL columns. */
type EventRow = UpdateRow & { seq: string; type: RecordedRoomEvent['type']; occurred_at: Date };
/** An event joined to its message row, whose NOT NULL columns are then set. */
type JoinedRow = EventRow & {
  m_id: string;
  m_seq: string;
  m_sender_id: string;
  m_client_message_id: string;
  m_created_at: Date;
  m_deleted: boolean;
};
const joined = (row: EventRow): row is JoinedRow => row.m_id !== null;

/** A field of the event's data that its type requires; null means a malformed stored event. */
function required(value: string | null, field: string, row: EventRow): string {
  if (value === null) throw new Error(`${row.type} at seq ${row.seq} has no ${field}`);
  return value;
}

/**
 * A room's updates after `afterSeq`, as members see them now: one query that checks membership and
 * reads up to `limit + 1` events by the (room_id, seq) key, each message event joined to its current row
 * by primary key. Cost is the page, never the room: a client 100,000 events behind pages through in
 * equal steps. Edits of a since-deleted message are left out and their text is never selected.
 */
export async function readRoomUpdates(
  db: Queryable,
  query: { roomId: string; actorId: string; afterSeq: number; limit: number },
): Promise<RoomUpdatePage> {
  const { rows } = await db.query<UpdateRow>(
    prepared(
      `SELECT r.is_member, p.*
     FROM (SELECT $2::uuid = ANY (member_ids) AS is_member FROM ${liveSchema}.rooms WHERE id = $1) r
     LEFT JOIN LATERAL (
       SELECT e.seq, e.type, e.occurred_at, e.data->>'userId' AS user_id, e.data->>'messageId' AS message_id,
              CASE WHEN e.type = 'MessageEdited' AND NOT m.deleted THEN e.data->>'message' END AS edit_text,
              m.id AS m_id, m.seq AS m_seq, m.sender_id AS m_sender_id, m.message AS m_message,
              m.client_message_id AS m_client_message_id, m.created_at AS m_created_at,
              m.edited_at AS m_edited_at, m.deleted AS m_deleted
       FROM ${liveSchema}.events e
       LEFT JOIN ${liveSchema}.messages m
         ON e.type IN ('MessageSent', 'MessageEdited') AND m.id = (e.data->>'messageId')::uuid
       WHERE r.is_member AND e.room_id = $1 AND e.seq > $3
       ORDER BY e.seq
       LIMIT $4
     ) p ON true
     ORDER BY p.seq`,
      [query.roomId, query.actorId, query.afterSeq, query.limit + 1],
    ),
  );
  const first = rows[0];
  if (!first) throw new RoomNotFoundError(query.roomId);
  if (!first.is_member) throw new NotAMemberError(query.roomId);
  const events = rows.filter((row): row is EventRow => row.seq !== null);
  const page = events.slice(0, query.limit);
  const last = page.at(-1);
  return {
    updates: page.flatMap((row) => toUpdate(query.roomId, row)),
    lastSeq: last ? toNumber(last.seq) : query.afterSeq,
    hasMore: events.length > query.limit,
  };
}

function toUpdate(roomId: string, row: EventRow): RoomUpdate[] {
  const seq = toNumber(row.seq);
  switch (row.type) {
    case 'MessageSent':
      return joined(row) ? [{ event: 'message', payload: rowToMessage(messageRow(roomId, row)) }] : [];
    case 'MessageEdited':
      if (row.edit_text === null || row.m_deleted !== false) return [];
      return [
        {
          event: 'messageEdited',
          payload: {
            roomId,
            seq,
            messageId: required(row.message_id, 'messageId', row),
            message: row.edit_text,
            editedAt: row.occurred_at.toISOString(),
          },
        },
      ];
    case 'MessageDeleted':
      return [
        {
          event: 'messageDeleted',
          payload: {
            roomId,
            seq,
            messageId: required(row.message_id, 'messageId', row),
            deletedAt: row.occurred_at.toISOString(),
          },
        },
      ];
    case 'MemberAdded':
      return [{ event: 'memberAdded', payload: { roomId, seq, userId: required(row.user_id, 'userId', row) } }];
    case 'MemberRemoved':
      return [{ event: 'memberRemoved', payload: { roomId, seq, userId: required(row.user_id, 'userId', row) } }];
    case 'RoomCreated':
    case 'ReadMarkerMoved':
      return [];
    default:
      return assertNever(row.type);
  }
}

function messageRow(roomId: string, row: JoinedRow): MessageRow {
  return {
    id: row.m_id,
    room_id: roomId,
    seq: row.m_seq,
    sender_id: row.m_sender_id,
    message: row.m_message,
    client_message_id: row.m_client_message_id,
    created_at: row.m_created_at,
    edited_at: row.m_edited_at,
    deleted: row.m_deleted,
  };
}
