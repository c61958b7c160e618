import type { NotificationPage } from '@chatrt/contracts';
import type { Pool, PoolClient } from '@chatrt/service-kit';
import type { UserNotification } from '../../application/ports.ts';
import type { MarkReadTarget } from '../../domain/mark-read.ts';
import type { NotificationChange, UnreadMessageNotification } from '../../domain/notifications.ts';
import { takeCursors } from './cursors.ts';
import {
  byCursor,
  notificationColumns,
  notificationColumnsOf,
  page,
  toUserNotification,
  type NotificationRow,
} from './notification-rows.ts';

/** The room's unread `message` notifications, locked until commit. */
export async function unreadMessageNotifications(
  client: PoolClient,
  roomId: string,
): Promise<UnreadMessageNotification[]> {
  const { rows } = await client.query<{ id: string; user_id: string; message_seq: number }>(
    `SELECT id, user_id, message_seq FROM notify.notifications
      WHERE room_id = $1 AND type = 'message' AND NOT read ORDER BY user_id FOR UPDATE`,
    [roomId],
  );
  return rows.map((r) => ({ id: r.id, userId: r.user_id, messageSeq: r.message_seq }));
}

/** The unread mentions of a message, locked until commit. */
export async function unreadMentions(client: PoolClient, messageId: string): Promise<{ id: string; userId: string }[]> {
  const { rows } = await client.query<{ id: string; user_id: string }>(
    `SELECT id, user_id FROM notify.notifications
      WHERE message_id = $1 AND type = 'mention' AND NOT read ORDER BY user_id FOR UPDATE`,
    [messageId],
  );
  return rows.map((r) => ({ id: r.id, userId: r.user_id }));
}

/** Writes the changes (each with its user's next cursor, in order); returns the rows as they are now. */
export async function applyChanges(
  client: PoolClient,
  changes: NotificationChange[],
  newId: () => string,
): Promise<UserNotification[]> {
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
              (id, user_id, type, room_id, message_id, message_seq, actor_id, count, created_at, updated_at, read,
               cursor)
       SELECT id, user_id, type, room_id, message_id, message_seq, actor_id, 1, at, at, false, cursor
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::int[], $7::uuid[],
                     $8::timestamptz[], $9::bigint[])
           AS t(id, user_id, type, room_id, message_id, message_seq, actor_id, at, cursor)
       RETURNING ${notificationColumns}`,
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
         FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[], $5::bigint[])
           AS t(id, message_id, message_seq, at, cursor)
        WHERE n.id = t.id
    RETURNING ${notificationColumnsOf('n')}`,
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
    RETURNING ${notificationColumnsOf('n')}`,
      [retracts.map((c) => c.id), retracts.map((c) => c.at), retracts.map((c) => c.cursor)],
    );
    rows.push(...updated.rows);
  }
  return rows.map(toUserNotification).sort(byCursor);
}

/** A user's notifications newest first (by cursor), optionally only unread or before a cursor. */
export async function listNotifications(
  pool: Pool,
  { userId, unread, before, limit }: { userId: string; unread: boolean; before: number | undefined; limit: number },
): Promise<NotificationPage> {
  const { rows } = await pool.query<NotificationRow>(
    `SELECT ${notificationColumns} FROM notify.notifications
      WHERE user_id = $1 AND (NOT $2::boolean OR NOT read) AND ($3::bigint IS NULL OR cursor < $3)
      ORDER BY cursor DESC LIMIT $4`,
    [userId, unread, before ?? null, limit + 1],
  );
  return page(rows, limit);
}

/** A user's notifications changed after a cursor, ascending. */
export async function notificationChanges(
  pool: Pool,
  { userId, afterCursor, limit }: { userId: string; afterCursor: number; limit: number },
): Promise<NotificationPage> {
  const { rows } = await pool.query<NotificationRow>(
    `SELECT ${notificationColumns} FROM notify.notifications
     WHERE user_id = $1 AND cursor > $2 ORDER BY cursor LIMIT $3`,
    [userId, afterCursor, limit + 1],
  );
  return page(rows, limit);
}

/** Turns the targeted unread notifications of a user read, each with a new cursor; returns them. */
export async function markRead(
  client: PoolClient,
  userId: string,
  target: MarkReadTarget,
  now: Date,
): Promise<UserNotification[]> {
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
  RETURNING ${notificationColumnsOf('n')}`,
    [targets.map((t) => t.id), targets.map((_, i) => start + i), now],
  );
  return rows.map(toUserNotification).sort(byCursor);
}
