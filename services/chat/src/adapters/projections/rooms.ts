import {
  assertNever,
  foldMembership,
  membershipChange,
  type MembershipOp,
  type RecordedRoomEvent,
  type RoomState,
} from '../../domain/index.ts';
import { prepared, toNumber, type Queryable, type SqlStatement } from '../postgres/sql.ts';
import { liveSchema, type Projection } from './projection.ts';

interface RoomChange {
  created: { name: string; creatorId: string; createdAt: string } | undefined;
  membership: MembershipOp[];
  lastSeq: number;
  /** Messages sent minus messages deleted. */
  liveDelta: number;
}

/**
 * `rooms`: one row per room with its creator, members, last seq and count of non-deleted messages.
 * Commands decide against this row, so it changes in the same transaction as the room's events.
 */
export const roomsProjection: Projection = {
  name: 'rooms',
  tables: ['rooms'],
  apply(events, schema) {
    const changes = new Map<string, RoomChange>();
    for (const event of events) {
      let change = changes.get(event.roomId);
      if (!change) {
        change = { created: undefined, membership: [], lastSeq: 0, liveDelta: 0 };
        changes.set(event.roomId, change);
      }
      change.lastSeq = Math.max(change.lastSeq, event.seq);
      foldEvent(change, event);
    }
    const created = [...changes].flatMap(([id, change]) =>
      change.created ? [{ id, change, room: change.created }] : [],
    );
    const updated = [...changes].filter(([, change]) => !change.created);
    const statements: SqlStatement[] = [];
    if (created.length > 0) {
      statements.push({
        text: `INSERT INTO ${schema}.rooms (id, name, creator_id, member_ids, created_at, last_seq, live_count)
               SELECT id, name, creator_id, member_ids, created_at, last_seq, live_count
               FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, name text, creator_id uuid, member_ids uuid[],
                                                       created_at timestamptz, last_seq bigint, live_count bigint)`,
        values: [
          JSON.stringify(
            created.map(({ id, change, room }) => ({
              id,
              name: room.name,
              creator_id: room.creatorId,
              member_ids: foldMembership([], change.membership),
              created_at: room.createdAt,
              last_seq: change.lastSeq,
              live_count: change.liveDelta,
            })),
          ),
        ],
      });
    }
    if (updated.length > 0) {
      statements.push({
        // The domain's membership rule (domain/membership.ts) applied as its net change, in SQL: one
        // statement updates every room of the batch without reading the lists back first. Drop the
        // removed, then append the (re-)added who are not still there; membership-rule.int.spec.ts
        // holds this equal to the domain's fold.
        text: `UPDATE ${schema}.rooms r SET
                 member_ids = CASE WHEN cardinality(c.removed) + cardinality(c.appended) = 0 THEN r.member_ids ELSE
                   (SELECT coalesce(array_agg(m ORDER BY i), '{}') FROM unnest(r.member_ids) WITH ORDINALITY AS t(m, i)
                    WHERE m <> ALL (c.removed))
                   || (SELECT coalesce(array_agg(a ORDER BY j), '{}') FROM unnest(c.appended) WITH ORDINALITY AS u(a, j)
                       WHERE NOT (a = ANY (r.member_ids) AND a <> ALL (c.removed)))
                 END,
                 last_seq = GREATEST(r.last_seq, c.last_seq),
                 live_count = r.live_count + c.live_delta
               FROM jsonb_to_recordset($1::jsonb)
                 AS c(id uuid, removed uuid[], appended uuid[], last_seq bigint, live_delta bigint)
               WHERE r.id = c.id`,
        values: [
          JSON.stringify(
            updated.map(([id, change]) => ({
              id,
              ...membershipChange(change.membership),
              last_seq: change.lastSeq,
              live_delta: change.liveDelta,
            })),
          ),
        ],
      });
    }
    return statements;
  },
};

function foldEvent(change: RoomChange, event: RecordedRoomEvent): void {
  switch (event.type) {
    case 'RoomCreated':
      change.created = {
        name: event.data.name,
        creatorId: event.metadata.actorId,
        createdAt: event.metadata.occurredAt,
      };
      return;
    case 'MemberAdded':
      change.membership.push({ userId: event.data.userId, added: true });
      return;
    case 'MemberRemoved':
      change.membership.push({ userId: event.data.userId, added: false });
      return;
    case 'MessageSent':
      change.liveDelta += 1;
      return;
    case 'MessageDeleted':
      change.liveDelta -= 1;
      return;
    case 'MessageEdited':
    case 'ReadMarkerMoved':
      return;
    default:
      assertNever(event);
  }
}

interface RoomRow {
  id: string;
  name: string;
  creator_id: string;
  member_ids: string[];
  created_at: Date;
  last_seq: string;
}

const roomColumns = 'id, name, creator_id, member_ids, created_at, last_seq';

/** Loads a room's current state from its row (absent when the room does not exist), without messages or markers. */
export async function readRoomState(db: Queryable, roomId: string): Promise<RoomState> {
  return (await readRoomStates(db, [roomId])).get(roomId) ?? { status: 'absent', lastSeq: 0 };
}

/** Loads several rooms' rows in one query; rooms that do not exist are missing from the map. */
export async function readRoomStates(db: Queryable, roomIds: readonly string[]): Promise<Map<string, RoomState>> {
  const { rows } = await db.query<RoomRow>(
    prepared(`SELECT ${roomColumns} FROM ${liveSchema}.rooms WHERE id = ANY($1::uuid[])`, [roomIds]),
  );
  return new Map(rows.map((row) => [row.id, toRoomState(row)]));
}

function toRoomState(row: RoomRow): RoomState {
  return {
    status: 'active',
    id: row.id,
    name: row.name,
    creatorId: row.creator_id,
    memberIds: row.member_ids,
    createdAt: row.created_at.toISOString(),
    lastSeq: toNumber(row.last_seq),
    messages: new Map(),
    readMarkers: new Map(),
  };
}
