import type { RoomSummary } from '@chatrt/contracts';
import { assertNever } from '../../domain/index.ts';
import { prepared, toNumber, type Queryable, type SqlStatement } from '../postgres/sql.ts';
import { liveSchema, type Projection } from './projection.ts';

/**
 * `room_members`: one row per (room, user) who ever joined, with membership, read marker and the
 * counters that make a member's unread count arithmetic:
 *
 *   unread = rooms.live_count - own_live - read_live
 *
 * (`own_live`: the user's own non-deleted messages; `read_live`: other users' non-deleted messages at
 * or below the marker). A message costs one counter increment, not one per member; a deletion touches
 * only the members whose marker has passed it; a marker move counts the messages between the old and
 * the new marker, or between the new marker and the head, whichever range is shorter.
 *
 * It reads `rooms` and `messages`, so it must run after their projections. Its statements run in this
 * order, which keeps them right for any cut of the stream: membership, own counters, deletions against
 * the markers as they stood before this run, then marker moves counted against the final state.
 */
export const roomMembersProjection: Projection = {
  name: 'room_members',
  tables: ['room_members'],
  apply(events, schema) {
    const membership = new Map<string, { room_id: string; user_id: string; is_member: boolean }>();
    const sent = new Map<string, { room_id: string; user_id: string; delta: number }>();
    const deleted: string[] = [];
    const markers: MarkerMoves = new Map();
    for (const event of events) {
      switch (event.type) {
        case 'MemberAdded':
        case 'MemberRemoved': {
          const key = `${event.roomId}/${event.data.userId}`;
          membership.set(key, {
            room_id: event.roomId,
            user_id: event.data.userId,
            is_member: event.type === 'MemberAdded',
          });
          // A new member's marker starts at their joining (as the domain's evolve has it): earlier messages are
          // not unread.
          if (event.type === 'MemberAdded') moveMarker(markers, event.roomId, event.data.userId, event.seq);
          break;
        }
        case 'MessageSent': {
          const key = `${event.roomId}/${event.data.senderId}`;
          const row = sent.get(key) ?? { room_id: event.roomId, user_id: event.data.senderId, delta: 0 };
          row.delta += 1;
          sent.set(key, row);
          break;
        }
        case 'MessageDeleted':
          deleted.push(event.data.messageId);
          break;
        case 'ReadMarkerMoved':
          moveMarker(markers, event.roomId, event.data.userId, event.data.readSeq);
          break;
        case 'RoomCreated':
        case 'MessageEdited':
          break;
        default:
          assertNever(event);
      }
    }
    const statements: SqlStatement[] = [];
    if (membership.size > 0) {
      statements.push({
        text: `INSERT INTO ${schema}.room_members (room_id, user_id, is_member, read_seq, own_live, read_live)
               SELECT room_id, user_id, is_member, 0, 0, 0
               FROM jsonb_to_recordset($1::jsonb) AS c(room_id uuid, user_id uuid, is_member boolean)
               ON CONFLICT (room_id, user_id) DO UPDATE SET is_member = EXCLUDED.is_member`,
        values: [JSON.stringify([...membership.values()])],
      });
    }
    if (sent.size > 0 && deleted.length === 0) {
      // The common case, senders only: no lookup of deleted messages' authors.
      statements.push({
        text: `UPDATE ${schema}.room_members rm SET own_live = rm.own_live + s.delta
               FROM jsonb_to_recordset($1::jsonb) AS s(room_id uuid, user_id uuid, delta bigint)
               WHERE rm.room_id = s.room_id AND rm.user_id = s.user_id`,
        values: [JSON.stringify([...sent.values()])],
      });
    } else if (deleted.length > 0) {
      // Senders and authors of deleted messages: their own non-deleted count moves.
      statements.push({
        text: `UPDATE ${schema}.room_members rm SET own_live = rm.own_live + d.delta
               FROM (SELECT room_id, user_id, sum(delta) AS delta FROM (
                       SELECT room_id, user_id, delta
                       FROM jsonb_to_recordset($1::jsonb) AS s(room_id uuid, user_id uuid, delta bigint)
                       UNION ALL
                       SELECT room_id, sender_id, -1 FROM ${schema}.messages WHERE id = ANY ($2::uuid[])
                     ) x GROUP BY room_id, user_id) d
               WHERE rm.room_id = d.room_id AND rm.user_id = d.user_id`,
        values: [JSON.stringify([...sent.values()]), deleted],
      });
    }
    if (deleted.length > 0) {
      // A deleted message other members had already read leaves their read count.
      statements.push({
        text: `UPDATE ${schema}.room_members rm SET read_live = rm.read_live - d.n
               FROM (SELECT r.room_id, r.user_id, count(*) AS n
                     FROM ${schema}.messages m
                     JOIN ${schema}.room_members r
                       ON r.room_id = m.room_id AND r.read_seq >= m.seq AND r.user_id <> m.sender_id
                     WHERE m.id = ANY ($1::uuid[])
                     GROUP BY r.room_id, r.user_id) d
               WHERE rm.room_id = d.room_id AND rm.user_id = d.user_id`,
        values: [deleted],
      });
    }
    if (markers.size > 0) {
      statements.push({
        text: `UPDATE ${schema}.room_members rm SET
                 read_seq = c.read_seq,
                 read_live = CASE WHEN c.read_seq - rm.read_seq <= r.last_seq - c.read_seq
                   THEN rm.read_live + (SELECT count(*) FROM ${schema}.messages m
                                        WHERE m.room_id = rm.room_id AND m.seq > rm.read_seq AND m.seq <= c.read_seq
                                          AND m.sender_id <> rm.user_id AND NOT m.deleted)
                   ELSE r.live_count - rm.own_live - (SELECT count(*) FROM ${schema}.messages m
                                        WHERE m.room_id = rm.room_id AND m.seq > c.read_seq
                                          AND m.sender_id <> rm.user_id AND NOT m.deleted)
                 END
               FROM jsonb_to_recordset($1::jsonb) AS c(room_id uuid, user_id uuid, read_seq bigint), ${schema}.rooms r
               WHERE rm.room_id = c.room_id AND rm.user_id = c.user_id AND r.id = c.room_id
                 AND c.read_seq > rm.read_seq`,
        values: [JSON.stringify([...markers.values()])],
      });
    }
    return statements;
  },
};

type MarkerMoves = Map<string, { room_id: string; user_id: string; read_seq: number }>;

/** Records a marker move of the run; markers only move forward. */
function moveMarker(markers: MarkerMoves, roomId: string, userId: string, seq: number): void {
  const key = `${roomId}/${userId}`;
  markers.set(key, { room_id: roomId, user_id: userId, read_seq: Math.max(markers.get(key)?.read_seq ?? 0, seq) });
}

/** Loads read markers for (room, user) pairs; a pair without a row has read nothing (0). */
export async function readMarkers(
  db: Queryable,
  pairs: readonly { roomId: string; userId: string }[],
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ room_id: string; user_id: string; read_seq: string }>(
    prepared(
      `SELECT rm.room_id, rm.user_id, rm.read_seq FROM ${liveSchema}.room_members rm
     JOIN unnest($1::uuid[], $2::uuid[]) AS p(room_id, user_id) ON rm.room_id = p.room_id AND rm.user_id = p.user_id`,
      [pairs.map((p) => p.roomId), pairs.map((p) => p.userId)],
    ),
  );
  return new Map(rows.map((row) => [markerKey(row.room_id, row.user_id), toNumber(row.read_seq)]));
}

/** Key of a (room, user) pair in `readMarkers`' result. */
export function markerKey(roomId: string, userId: string): string {
  return `${roomId}/${userId}`;
}

interface SummaryRow {
  id: string;
  name: string;
  member_ids: string[];
  created_at: Date;
  last_seq: string;
  unread: string;
}

/** The rooms a user is a member of with their unread counts: one index scan over the user's rows, no message scan. */
export async function listRoomSummaries(db: Queryable, userId: string): Promise<RoomSummary[]> {
  const { rows } = await db.query<SummaryRow>(
    `SELECT r.id, r.name, r.member_ids, r.created_at, r.last_seq, r.live_count - rm.own_live - rm.read_live AS unread
     FROM ${liveSchema}.room_members rm JOIN ${liveSchema}.rooms r ON r.id = rm.room_id
     WHERE rm.user_id = $1 AND rm.is_member
     ORDER BY r.created_at, r.id`,
    [userId],
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    memberIds: row.member_ids,
    createdAt: row.created_at.toISOString(),
    lastSeq: toNumber(row.last_seq),
    unreadCount: toNumber(row.unread),
  }));
}
