import { assertNever, type RecordedRoomEvent, type RoomState } from '../../domain/index.ts';
import { toNumber, type Queryable, type SqlStatement } from '../postgres/sql.ts';
import type { Projection } from './projection.ts';

interface RoomChange {
  created: { name: string; createdAt: string } | undefined;
  addedMembers: string[];
  lastSeq: number;
}

/**
 * `chat.rooms`: one row per room with its members and last seq. Commands decide against this row, so it
 * must change in the same transaction as the room's events.
 */
export const roomsProjection: Projection = {
  name: 'rooms',
  apply(events) {
    const changes = new Map<string, RoomChange>();
    for (const event of events) {
      const change = changes.get(event.roomId) ?? { created: undefined, addedMembers: [], lastSeq: 0 };
      changes.set(event.roomId, change);
      change.lastSeq = Math.max(change.lastSeq, event.seq);
      foldEvent(change, event);
    }
    return [...changes].map(([roomId, change]): SqlStatement =>
      change.created
        ? {
            text: `INSERT INTO chat.rooms (id, name, member_ids, created_at, last_seq) VALUES ($1, $2, $3::uuid[], $4, $5)`,
            values: [roomId, change.created.name, change.addedMembers, change.created.createdAt, change.lastSeq],
          }
        : {
            text: `UPDATE chat.rooms SET member_ids = member_ids || $2::uuid[], last_seq = GREATEST(last_seq, $3) WHERE id = $1`,
            values: [roomId, change.addedMembers, change.lastSeq],
          },
    );
  },
};

function foldEvent(change: RoomChange, event: RecordedRoomEvent): void {
  switch (event.type) {
    case 'RoomCreated':
      change.created = { name: event.data.name, createdAt: event.metadata.occurredAt };
      return;
    case 'MemberAdded':
      change.addedMembers.push(event.data.userId);
      return;
    case 'MessageSent':
      return;
    default:
      assertNever(event);
  }
}

interface RoomRow {
  id: string;
  name: string;
  member_ids: string[];
  created_at: Date;
  last_seq: string;
}

/** Loads a room's current state from its row (absent when the room does not exist). */
export async function readRoomState(db: Queryable, roomId: string): Promise<RoomState> {
  const { rows } = await db.query<RoomRow>(
    `SELECT id, name, member_ids, created_at, last_seq FROM chat.rooms WHERE id = $1`,
    [roomId],
  );
  const row = rows[0];
  if (!row) return { status: 'absent', lastSeq: 0 };
  return {
    status: 'active',
    id: row.id,
    name: row.name,
    memberIds: row.member_ids,
    createdAt: row.created_at.toISOString(),
    lastSeq: toNumber(row.last_seq),
  };
}
