import type { Message, MessagePage } from '@chatrt/contracts';
import { assertNever, toMessage, type MessageState, type RecordedRoomEvent } from '../../domain/index.ts';
import type { PageRequest } from '../../application/ports.ts';
import { prepared, toNumber, type Queryable, type SqlStatement } from '../postgres/sql.ts';
import { liveSchema, type Projection } from './projection.ts';

/** A message's row as the projection writes it. */
interface MessageRowChange {
  id: string;
  room_id: string;
  seq: number;
  sender_id: string;
  message: string | null;
  client_message_id: string;
  created_at: string;
  edited_at: string | null;
  deleted: boolean;
  deleted_at: string | null;
}

/** An edit or deletion of a message sent before this run of events. */
interface LaterChange {
  id: string;
  /** Latest edit's text and time, if edited. */
  message: string | null;
  edited_at: string | null;
  deleted: boolean;
  deleted_at: string | null;
}

/**
 * `messages`: every room's history, one row per MessageSent keyed by (room_id, seq), holding the
 * current text (NULL once deleted: a tombstone keeps no text).
 */
export const messagesProjection: Projection = {
  name: 'messages',
  tables: ['messages'],
  apply(events, schema) {
    const sent = new Map<string, MessageRowChange>();
    const later = new Map<string, LaterChange>();
    for (const event of events) foldEvent(sent, later, event);
    const statements: SqlStatement[] = [];
    if (sent.size > 0) {
      statements.push({
        text: `INSERT INTO ${schema}.messages
                 (id, room_id, seq, sender_id, message, client_message_id, created_at, edited_at, deleted, deleted_at)
               SELECT id, room_id, seq, sender_id, message, client_message_id, created_at, edited_at, deleted,
                      deleted_at
               FROM jsonb_to_recordset($1::jsonb) AS m(id uuid, room_id uuid, seq bigint, sender_id uuid, message text,
                 client_message_id text, created_at timestamptz, edited_at timestamptz, deleted boolean,
                 deleted_at timestamptz)`,
        values: [JSON.stringify([...sent.values()])],
      });
    }
    if (later.size > 0) {
      statements.push({
        text: `UPDATE ${schema}.messages m SET
                 message = CASE WHEN c.deleted THEN NULL ELSE coalesce(c.message, m.message) END,
                 edited_at = CASE WHEN c.deleted THEN NULL ELSE coalesce(c.edited_at, m.edited_at) END,
                 deleted = m.deleted OR c.deleted,
                 deleted_at = coalesce(c.deleted_at, m.deleted_at)
               FROM jsonb_to_recordset($1::jsonb)
                 AS c(id uuid, message text, edited_at timestamptz, deleted boolean, deleted_at timestamptz)
               WHERE m.id = c.id`,
        values: [JSON.stringify([...later.values()])],
      });
    }
    return statements;
  },
};

function foldEvent(
  sent: Map<string, MessageRowChange>,
  later: Map<string, LaterChange>,
  event: RecordedRoomEvent,
): void {
  switch (event.type) {
    case 'MessageSent':
      sent.set(event.data.messageId, {
        id: event.data.messageId,
        room_id: event.roomId,
        seq: event.seq,
        sender_id: event.data.senderId,
        message: event.data.message,
        client_message_id: event.data.clientMessageId,
        created_at: event.metadata.occurredAt,
        edited_at: null,
        deleted: false,
        deleted_at: null,
      });
      return;
    case 'MessageEdited': {
      const edit = { message: event.data.message, edited_at: event.metadata.occurredAt };
      const row = sent.get(event.data.messageId);
      if (row) Object.assign(row, edit);
      else later.set(event.data.messageId, { ...pendingChange(later, event.data.messageId), ...edit });
      return;
    }
    case 'MessageDeleted': {
      const tombstone = { message: null, edited_at: null, deleted: true, deleted_at: event.metadata.occurredAt };
      const row = sent.get(event.data.messageId);
      if (row) Object.assign(row, tombstone);
      else later.set(event.data.messageId, { ...pendingChange(later, event.data.messageId), ...tombstone });
      return;
    }
    case 'RoomCreated':
    case 'MemberAdded':
    case 'MemberRemoved':
    case 'ReadMarkerMoved':
      return;
    default:
      assertNever(event);
  }
}

function pendingChange(later: Map<string, LaterChange>, id: string): LaterChange {
  return later.get(id) ?? { id, message: null, edited_at: null, deleted: false, deleted_at: null };
}

/** A `messages` row as read back. */
export interface MessageRow {
  id: string;
  room_id: string;
  seq: string;
  sender_id: string;
  message: string | null;
  client_message_id: string;
  created_at: Date;
  edited_at: Date | null;
  deleted: boolean;
}

/** The columns `toMessageState` needs, for queries that select them. */
export const messageColumns = 'id, room_id, seq, sender_id, message, client_message_id, created_at, edited_at, deleted';

/**
 * Reads one page of a room's history, ascending by seq, tombstones included. Forward (`after`) pages
 * read the oldest matching rows; otherwise the newest, below `before` if given. Each shape is a range
 * scan on (room_id, seq) that stops after limit + 1 rows, whatever the room's size; the extra row only
 * answers `hasMore`.
 */
export async function listMessages(db: Queryable, roomId: string, page: PageRequest): Promise<MessagePage> {
  const forward = page.after !== undefined;
  const values: unknown[] = [roomId, page.limit + 1];
  const bounds = [
    ...(page.after === undefined ? [] : [`seq > $${values.push(page.after)}`]),
    ...(page.before === undefined ? [] : [`seq < $${values.push(page.before)}`]),
  ];
  const { rows } = await db.query<MessageRow>(
    prepared(
      `SELECT ${messageColumns} FROM ${liveSchema}.messages
       WHERE ${['room_id = $1', ...bounds].join(' AND ')}
       ORDER BY seq ${forward ? 'ASC' : 'DESC'} LIMIT $2`,
      values,
    ),
  );
  const hasMore = rows.length > page.limit;
  const slice = rows.slice(0, page.limit).map(rowToMessage);
  return { messages: forward ? slice : slice.reverse(), hasMore };
}

/** Loads messages by id (the ones commands act on); unknown ids are missing from the map. */
export async function readMessageStates(
  db: Queryable,
  messageIds: readonly string[],
): Promise<Map<string, MessageState>> {
  const { rows } = await db.query<MessageRow>(
    prepared(`SELECT ${messageColumns} FROM ${liveSchema}.messages WHERE id = ANY($1::uuid[])`, [messageIds]),
  );
  return new Map(rows.map((row) => [row.id, toMessageState(row)]));
}

/** The room a message belongs to (never changes), or undefined for an unknown message. */
export async function findMessageRoom(db: Queryable, messageId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ room_id: string }>(`SELECT room_id FROM ${liveSchema}.messages WHERE id = $1`, [
    messageId,
  ]);
  return rows[0]?.room_id;
}

/** A stored row as the rules see it. */
function toMessageState(row: MessageRow): MessageState {
  return {
    id: row.id,
    roomId: row.room_id,
    seq: toNumber(row.seq),
    senderId: row.sender_id,
    clientMessageId: row.client_message_id,
    createdAt: row.created_at.toISOString(),
    text: row.message ?? undefined,
    editedAt: row.edited_at?.toISOString(),
    deleted: row.deleted,
  };
}

/** A stored row in its contract shape. */
export function rowToMessage(row: MessageRow): Message {
  return toMessage(toMessageState(row));
}
