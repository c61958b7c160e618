import type { ChatEvents, Notification, NotificationPage } from '@chatrt/contracts';
import { inTransaction, type Pool, type PoolClient } from '@chatrt/service-kit';
import type { MarkReadTarget } from '../domain/mark-read.ts';
import { membershipChange } from '../domain/membership.ts';
import { mayApplyInOrder, WaitForEarlierEvents } from '../domain/room-order.ts';
import type { NotificationChange, UnreadMessageNotification } from '../domain/notifications.ts';

/** A notification with its owner; the wire shape leaves the owner out because the subject names it. */
export interface UserNotification {
  userId: string;
  notification: Notification;
}

/** What a message's notifications are decided from, read inside the event's transaction. */
export interface RoomSnapshot {
  members: string[];
  unread: UnreadMessageNotification[];
}

/** Reads, inside the event's transaction and locking what it returns, what some decisions need. */
export interface DecisionReads {
  /** The room's members and unread `message` notifications. */
  room(): Promise<RoomSnapshot>;
  /** The unread mentions of a message. */
  unreadMentions(messageId: string): Promise<{ id: string; userId: string }[]>;
}

/** Decides an event's notifications from what it reads as stored when the event is applied. */
export type DecideNotifications = (reads: DecisionReads) => Promise<NotificationChange[]>;

/** The outcome of applying one chat event. */
export type ApplyResult = { applied: false } | { applied: true; changed: UserNotification[] };

/** Notifications, room membership and the processed-events ledger in the `notify` schema. */
export interface NotificationStore {
  /** Whether the event has already been applied (a cheap check before asking other services). */
  isProcessed(eventId: string): Promise<boolean>;
  /**
   * Applies a chat event once: its processed_events row, the room's progress, membership change,
   * notification changes and their links commit in one transaction; `decide` runs after the membership
   * change.
   * An event applied before changes nothing and answers `{applied: false}`. Throws WaitForEarlierEvents
   * when the room's previous event is not applied yet (see `mayApplyInOrder`).
   */
  applyOnce(event: ChatEvents, options: { decide: DecideNotifications; newId: () => string; deliveryCount: number }): Promise<ApplyResult>;
  /** The current state of the notifications an applied event created or updated. */
  producedBy(eventId: string): Promise<UserNotification[]>;
  /** A user's notifications newest first (by cursor), optionally only unread or before a cursor. */
  list(query: { userId: string; unread: boolean; before: number | undefined; limit: number }): Promise<NotificationPage>;
  /** A user's notifications changed after a cursor, ascending, each once at its latest cursor. */
  changes(query: { userId: string; afterCursor: number; limit: number }): Promise<NotificationPage>;
  /** Turns the targeted unread notifications of a user read; each takes a new cursor. Returns them. */
  markRead(userId: string, target: MarkReadTarget, now: Date): Promise<UserNotification[]>;
}

interface NotificationRow {
  id: string;
  user_id: string;
  type: Notification['type'];
  room_id: string;
  message_id: string | null;
  actor_id: string | null;
  count: number;
  created_at: Date;
  updated_at: Date;
  read: boolean;
  /** bigint arrives as text. */
  cursor: string;
}

const columns = 'id, user_id, type, room_id, message_id, actor_id, count, created_at, updated_at, read, cursor';

/** The Postgres notification store. */
export function createNotificationStore(pool: Pool): NotificationStore {
  return {
    async isProcessed(eventId) {
      const { rowCount } = await pool.query('SELECT 1 FROM notify.processed_events WHERE event_id = $1', [eventId]);
      return (rowCount ?? 0) > 0;
    },

    applyOnce: (event, { decide, newId, deliveryCount }) =>
      inTransaction(pool, async (client) => {
        const inserted = await client.query(
          'INSERT INTO notify.processed_events (event_id, room_id, seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [event.metadata.eventId, event.roomId, event.seq],
        );
        // Concurrent deliveries of one event meet at this key: the second waits for the first to commit.
        if (inserted.rowCount === 0) return { applied: false } as const;
        await advanceRoom(client, event, deliveryCount);
        await applyMembership(client, event);
        const changes = await decide({
          room: () => roomSnapshot(client, event.roomId),
          unreadMentions: (messageId) => unreadMentions(client, messageId),
        });
        const changed = await applyChanges(client, changes, newId);
        if (changed.length > 0) {
          await client.query(
            'INSERT INTO notify.event_notifications (event_id, notification_id) SELECT $1, unnest($2::uuid[])',
            [event.metadata.eventId, changed.map((c) => c.notification.id)],
          );
        }
        return { applied: true, changed };
      }),

    async producedBy(eventId) {
      const { rows } = await pool.query<NotificationRow>(
        `SELECT ${prefixed('n')} FROM notify.event_notifications l JOIN notify.notifications n ON n.id = l.notification_id
          WHERE l.event_id = $1 ORDER BY n.user_id, n.cursor`,
        [eventId],
      );
      return rows.map(toUserNotification);
    },

    async list({ userId, unread, before, limit }) {
      const { rows } = await pool.query<NotificationRow>(
        `SELECT ${columns} FROM notify.notifications
          WHERE user_id = $1 AND (NOT $2::boolean OR NOT read) AND ($3::bigint IS NULL OR cursor < $3)
          ORDER BY cursor DESC LIMIT $4`,
        [userId, unread, before ?? null, limit + 1],
      );
      return page(rows, limit);
    },

    async changes({ userId, afterCursor, limit }) {
      const { rows } = await pool.query<NotificationRow>(
        `SELECT ${columns} FROM notify.notifications WHERE user_id = $1 AND cursor > $2 ORDER BY cursor LIMIT $3`,
        [userId, afterCursor, limit + 1],
      );
      return page(rows, limit);
    },

    markRead: (userId, target, now) =>
      inTransaction(pool, async (client) => {
        // Locked in cursor order; a row another request turned read meanwhile drops out on re-check.
        const { rows: targets } = await client.query<{ id: string }>(
          `SELECT id FROM notify.notifications
            WHERE user_id = $1 AND NOT read AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))
            ORDER BY cursor FOR UPDATE`,
          [userId, target.kind === 'all' ? null : target.ids],
        );
        if (targets.length === 0) return [];
        const first = await takeCursors(client, new Map([[userId, targets.length]]));
        const start = first.get(userId) ?? 0;
        const { rows } = await client.query<NotificationRow>(
          `UPDATE notify.notifications n
              SET read = true, updated_at = GREATEST(n.updated_at, $3), cursor = t.cursor
             FROM unnest($1::uuid[], $2::bigint[]) AS t(id, cursor)
            WHERE n.id = t.id
        RETURNING ${prefixed('n')}`,
          [targets.map((t) => t.id), targets.map((_, i) => start + i), now],
        );
        return rows.map(toUserNotification).sort(byCursor);
      }),
  };
}

/**
 * Locks the room's progress row until commit, so a room's events are applied one at a time across
 * instances, and records the event's seq; refuses an event whose predecessor is not applied yet.
 */
async function advanceRoom(client: PoolClient, event: ChatEvents, deliveryCount: number): Promise<void> {
  await client.query('INSERT INTO notify.room_progress (room_id, last_seq) VALUES ($1, 0) ON CONFLICT DO NOTHING', [event.roomId]);
  const { rows } = await client.query<{ last_seq: number }>(
    'SELECT last_seq FROM notify.room_progress WHERE room_id = $1 FOR UPDATE',
    [event.roomId],
  );
  const lastApplied = rows[0]?.last_seq ?? 0;
  if (!mayApplyInOrder({ seq: event.seq, lastApplied, deliveryCount })) {
    throw new WaitForEarlierEvents(event.roomId, event.seq, lastApplied);
  }
  if (event.seq > lastApplied) {
    await client.query('UPDATE notify.room_progress SET last_seq = $2 WHERE room_id = $1', [event.roomId, event.seq]);
  }
}

async function applyMembership(client: PoolClient, event: ChatEvents): Promise<void> {
  const change = membershipChange(event);
  if (change.kind === 'added') {
    await client.query('INSERT INTO notify.room_members (room_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      change.roomId,
      change.userId,
    ]);
  } else if (change.kind === 'removed') {
    await client.query('DELETE FROM notify.room_members WHERE room_id = $1 AND user_id = $2', [change.roomId, change.userId]);
  }
}

/** The room's members and their unread `message` notifications, locked until commit. */
async function roomSnapshot(client: PoolClient, roomId: string): Promise<RoomSnapshot> {
  const members = await client.query<{ user_id: string }>('SELECT user_id FROM notify.room_members WHERE room_id = $1', [roomId]);
  const unread = await client.query<{ id: string; user_id: string; message_seq: number }>(
    `SELECT id, user_id, message_seq FROM notify.notifications
      WHERE room_id = $1 AND type = 'message' AND NOT read ORDER BY user_id FOR UPDATE`,
    [roomId],
  );
  return {
    members: members.rows.map((r) => r.user_id),
    unread: unread.rows.map((r) => ({ id: r.id, userId: r.user_id, messageSeq: r.message_seq })),
  };
}

async function unreadMentions(client: PoolClient, messageId: string): Promise<{ id: string; userId: string }[]> {
  const { rows } = await client.query<{ id: string; user_id: string }>(
    `SELECT id, user_id FROM notify.notifications
      WHERE message_id = $1 AND type = 'mention' AND NOT read ORDER BY user_id FOR UPDATE`,
    [messageId],
  );
  return rows.map((r) => ({ id: r.id, userId: r.user_id }));
}

/** Writes the changes (each with its user's next cursor, in order); returns the rows as they are now. */
async function applyChanges(client: PoolClient, changes: NotificationChange[], newId: () => string): Promise<UserNotification[]> {
  if (changes.length === 0) return [];
  const perUser = new Map<string, number>();
  for (const change of changes) perUser.set(change.userId, (perUser.get(change.userId) ?? 0) + 1);
  const next = await takeCursors(client, perUser);
  const cursorOf = (userId: string): number => {
    const cursor = next.get(userId) ?? 0;
    next.set(userId, cursor + 1);
    return cursor;
  };
  const creates = [];
  const coalesces = [];
  const retracts = [];
  for (const change of changes) {
    if (change.kind === 'create') creates.push({ ...change, id: newId(), cursor: cursorOf(change.userId) });
    else if (change.kind === 'coalesce') coalesces.push({ ...change, cursor: cursorOf(change.userId) });
    else retracts.push({ ...change, cursor: cursorOf(change.userId) });
  }
  const rows: NotificationRow[] = [];
  if (creates.length > 0) {
    const inserted = await client.query<NotificationRow>(
      `INSERT INTO notify.notifications
              (id, user_id, type, room_id, message_id, message_seq, actor_id, count, created_at, updated_at, read, cursor)
       SELECT id, user_id, type, room_id, message_id, message_seq, actor_id, 1, at, at, false, cursor
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::int[], $7::uuid[], $8::timestamptz[], $9::bigint[])
           AS t(id, user_id, type, room_id, message_id, message_seq, actor_id, at, cursor)
       RETURNING ${columns}`,
      [
        creates.map((c) => c.id),
        creates.map((c) => c.userId),
        creates.map((c) => c.type),
        creates.map((c) => c.roomId),
        creates.map((c) => (c.type === 'addedToRoom' ? null : c.messageId)),
        creates.map((c) => (c.type === 'addedToRoom' ? null : c.messageSeq)),
        creates.map((c) => (c.type === 'addedToRoom' ? c.actorId : null)),
        creates.map((c) => c.at),
        creates.map((c) => c.cursor),
      ],
    );
    rows.push(...inserted.rows);
  }
  if (coalesces.length > 0) {
    const updated = await client.query<NotificationRow>(
      `UPDATE notify.notifications n
          SET count = n.count + 1,
              message_id = COALESCE(t.message_id, n.message_id),
              message_seq = COALESCE(t.message_seq, n.message_seq),
              updated_at = GREATEST(n.updated_at, t.at),
              cursor = t.cursor
         FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[], $5::bigint[]) AS t(id, message_id, message_seq, at, cursor)
        WHERE n.id = t.id
    RETURNING ${prefixed('n')}`,
      [
        coalesces.map((c) => c.id),
        coalesces.map((c) => c.latest?.messageId ?? null),
        coalesces.map((c) => c.latest?.messageSeq ?? null),
        coalesces.map((c) => c.at),
        coalesces.map((c) => c.cursor),
      ],
    );
    rows.push(...updated.rows);
  }
  if (retracts.length > 0) {
    const updated = await client.query<NotificationRow>(
      `UPDATE notify.notifications n
          SET read = true, updated_at = GREATEST(n.updated_at, t.at), cursor = t.cursor
         FROM unnest($1::uuid[], $2::timestamptz[], $3::bigint[]) AS t(id, at, cursor)
        WHERE n.id = t.id
    RETURNING ${prefixed('n')}`,
      [retracts.map((c) => c.id), retracts.map((c) => c.at), retracts.map((c) => c.cursor)],
    );
    rows.push(...updated.rows);
  }
  return rows.map(toUserNotification).sort(byCursor);
}

/**
 * Reserves `count` consecutive cursors per user; returns each user's first. Users are locked in id
 * order (every transaction does the same), and the row lock is held to commit, which keeps cursors
 * gap-free and makes them commit in order.
 */
async function takeCursors(client: PoolClient, counts: Map<string, number>): Promise<Map<string, number>> {
  const users = [...counts.keys()].sort();
  const { rows } = await client.query<{ user_id: string; last_cursor: string }>(
    `INSERT INTO notify.user_cursors AS c (user_id, last_cursor)
     SELECT user_id, n FROM unnest($1::uuid[], $2::bigint[]) AS t(user_id, n) ORDER BY user_id
     ON CONFLICT (user_id) DO UPDATE SET last_cursor = c.last_cursor + EXCLUDED.last_cursor
     RETURNING user_id, last_cursor`,
    [users, users.map((u) => counts.get(u) ?? 0)],
  );
  return new Map(rows.map((r) => [r.user_id, Number(r.last_cursor) - (counts.get(r.user_id) ?? 0) + 1]));
}

function page(rows: NotificationRow[], limit: number): NotificationPage {
  return { notifications: rows.slice(0, limit).map((row) => toUserNotification(row).notification), hasMore: rows.length > limit };
}

function toUserNotification(row: NotificationRow): UserNotification {
  return {
    userId: row.user_id,
    notification: {
      id: row.id,
      type: row.type,
      roomId: row.room_id,
      ...(row.message_id !== null ? { messageId: row.message_id } : {}),
      ...(row.actor_id !== null ? { actorId: row.actor_id } : {}),
      ...(row.type === 'message' ? { count: row.count } : {}),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      read: row.read,
      cursor: Number(row.cursor),
    },
  };
}

function byCursor(a: UserNotification, b: UserNotification): number {
  return a.userId === b.userId ? a.notification.cursor - b.notification.cursor : a.userId < b.userId ? -1 : 1;
}

function prefixed(alias: string): string {
  return columns
    .split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');
}
