import type { Message } from '@chatrt/contracts';
import { messageColumns, rowToMessage, type MessageRow } from '../projections/messages.ts';
import { prepared, type Queryable } from './sql.ts';

/** SendMessage's idempotency key: one message per (room, sender, clientMessageId). */
export interface IdempotencyKey {
  roomId: string;
  actorId: string;
  clientMessageId: string;
}

/** A key as a map key. */
export function idempotencyKeyOf(key: IdempotencyKey): string {
  return `${key.roomId}/${key.actorId}/${key.clientMessageId}`;
}

/**
 * The stored messages (current state) for idempotency keys, in one query through the key's unique
 * index on `chat.events`. Keys never used are missing from the map.
 */
export async function findStoredMessages(
  db: Queryable,
  keys: readonly IdempotencyKey[],
): Promise<Map<string, Message>> {
  if (keys.length === 0) return new Map();
  const { rows } = await db.query<MessageRow & { actor_id: string }>(
    prepared(
      `SELECT e.actor_id, ${messageColumns
        .split(', ')
        .map((c) => `m.${c}`)
        .join(', ')}
     FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS k(room_id, actor_id, client_message_id)
     JOIN chat.events e
       ON e.room_id = k.room_id AND e.actor_id = k.actor_id AND e.client_message_id = k.client_message_id
     JOIN chat.messages m ON m.id = (e.data->>'messageId')::uuid`,
      [keys.map((k) => k.roomId), keys.map((k) => k.actorId), keys.map((k) => k.clientMessageId)],
    ),
  );
  return new Map(
    rows.map((row) => [
      idempotencyKeyOf({ roomId: row.room_id, actorId: row.actor_id, clientMessageId: row.client_message_id }),
      rowToMessage(row),
    ]),
  );
}
