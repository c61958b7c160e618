import type { Message } from '@chatrt/contracts';
import type { CommandRequest } from '../../../application/ports.ts';
import { absentRoom, type MessageState, type RoomState } from '../../../domain/index.ts';
import { readMessageStates } from '../../projections/messages.ts';
import { markerKey, readMarkers } from '../../projections/room-members.ts';
import { readRoomStates } from '../../projections/rooms.ts';
import { findStoredMessages, type IdempotencyKey } from '../idempotency.ts';
import type { Queryable } from '../sql.ts';

/**
 * The write-side snapshot a batch is decided against: each room's state as its read-model rows hold it
 * (updated in the same transaction as the room's events, so they are the room's current state, not a
 * lagging copy), plus the stored messages answering the idempotency keys asked for.
 */
export interface WriteSideSnapshot {
  /** Every room of the batch; a room without events is `absentRoom`. */
  rooms: Map<string, RoomState>;
  /** Stored messages by idempotency key (see idempotencyKeyOf). */
  storedMessages: Map<string, Message>;
}

/**
 * Loads, inside the batch's transaction, what its commands need: the rooms' rows, and the messages,
 * read markers and stored idempotency keys only when some command needs them (O(1) per command,
 * never a room's history).
 */
export async function loadWriteSideSnapshot(
  db: Queryable,
  requests: readonly CommandRequest[],
  keys: readonly IdempotencyKey[],
): Promise<WriteSideSnapshot> {
  const roomIds = [...new Set(requests.map((r) => r.roomId))];
  const messageIds = [...new Set(requests.flatMap((r) => (r.messageId ? [r.messageId] : [])))];
  const readers = requests.flatMap((r) => (r.readerId ? [{ roomId: r.roomId, userId: r.readerId }] : []));
  const rows = await readRoomStates(db, roomIds);
  const messages = messageIds.length > 0 ? await readMessageStates(db, messageIds) : new Map<string, MessageState>();
  const markers = readers.length > 0 ? await readMarkers(db, readers) : new Map<string, number>();
  const storedMessages = await findStoredMessages(db, keys);

  const rooms = new Map<string, RoomState>();
  for (const roomId of roomIds) {
    const room = rows.get(roomId) ?? absentRoom;
    if (room.status === 'absent') {
      rooms.set(roomId, room);
      continue;
    }
    rooms.set(roomId, {
      ...room,
      messages: new Map([...messages].filter(([, m]) => m.roomId === roomId)),
      readMarkers: new Map(
        readers
          .filter((r) => r.roomId === roomId)
          .map((r) => [r.userId, markers.get(markerKey(roomId, r.userId)) ?? 0]),
      ),
    });
  }
  return { rooms, storedMessages };
}
