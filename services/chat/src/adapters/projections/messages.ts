import type { Message, MessagePage } from '@chatrt/contracts';
import { assertNever, type RecordedRoomEvent } from '../../domain/index.ts';
import { toNumber, type Queryable } from '../postgres/sql.ts';
import type { Projection } from './projection.ts';

/** `chat.messages`: the history of every room, one row per MessageSent, keyed by (room_id, seq). */
export const messagesProjection: Projection = {
  name: 'messages',
  apply(events) {
    const rows = events.flatMap((event) => messageRow(event));
    if (rows.length === 0) return [];
    return [
      {
        text: `INSERT INTO chat.messages (id, room_id, seq, sender_id, message, client_message_id, created_at)
               SELECT id, room_id, seq, sender_id, message, client_message_id, created_at
               FROM jsonb_to_recordset($1::jsonb) AS m(id uuid, room_id uuid, seq bigint, sender_id uuid,
                                                     message text, client_message_id text, created_at timestamptz)`,
        values: [JSON.stringify(rows)],
      },
    ];
  },
};

function messageRow(event: RecordedRoomEvent): object[] {
  switch (event.type) {
    case 'MessageSent':
      return [
        {
          id: event.data.messageId,
          room_id: event.roomId,
          seq: event.seq,
          sender_id: event.data.senderId,
          message: event.data.message,
          client_message_id: event.data.clientMessageId,
          created_at: event.metadata.occurredAt,
        },
      ];
    case 'RoomCreated':
    case 'MemberAdded':
      return [];
    default:
      return assertNever(event);
  }
}

/** Which slice of a room's history to read; at most one of `before` / `after` drives the direction. */
export interface PageRequest {
  /** Only messages with seq < before, the newest of them. */
  before?: number | undefined;
  /** Only messages with seq > after, the oldest of them. */
  after?: number | undefined;
  limit: number;
}

interface MessageRow {
  id: string;
  room_id: string;
  seq: string;
  sender_id: string;
  message: string;
  client_message_id: string;
  created_at: Date;
}

const columns = 'id, room_id, seq, sender_id, message, client_message_id, created_at';

/**
 * Reads one page of a room's history, ascending by seq. Forward (`after`) pages read the oldest matching
 * rows; otherwise the newest, below `before` if given. Each shape is a range scan on (room_id, seq) that
 * stops after limit + 1 rows, whatever the room's size; the extra row only answers `hasMore`.
 */
export async function listMessages(db: Queryable, roomId: string, page: PageRequest): Promise<MessagePage> {
  const forward = page.after !== undefined;
  const values: unknown[] = [roomId, page.limit + 1];
  const bounds = [
    ...(page.after === undefined ? [] : [`seq > $${values.push(page.after)}`]),
    ...(page.before === undefined ? [] : [`seq < $${values.push(page.before)}`]),
  ];
  const { rows } = await db.query<MessageRow>(
    `SELECT ${columns} FROM chat.messages
     WHERE ${['room_id = $1', ...bounds].join(' AND ')}
     ORDER BY seq ${forward ? 'ASC' : 'DESC'} LIMIT $2`,
    values,
  );
  const hasMore = rows.length > page.limit;
  const slice = rows.slice(0, page.limit).map(toMessage);
  return { messages: forward ? slice : slice.reverse(), hasMore };
}

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    roomId: row.room_id,
    seq: toNumber(row.seq),
    senderId: row.sender_id,
    message: row.message,
    clientMessageId: row.client_message_id,
    createdAt: row.created_at.toISOString(),
  };
}
