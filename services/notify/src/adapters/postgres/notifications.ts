import type { NotificationPage } from '@chatrt/contracts';
import type { Pool, PoolClient } from '@chatrt/service-kit';
import type { UserNotification } from '../../application/ports.ts';
import type { MarkReadTarget } from '../../domain/mark-read.ts';
import type { NotificationChange } from '../../domain/notifications.ts';
import { takeCursors } from './cursors.ts';
import { foldChanges, type NotificationState } from './notification-writes.ts';
import {
  byCursor,
  notificationColumns,
  notificationColumnsOf,
  page,
  toUserNotification,
  type NotificationRow,
} from './notification-rows.ts';

/** The rooms' unread `message` notifications, locked until commit (by room, then user). */
export async function unreadMessagesOfRooms(
  client: PoolClient,
  roomIds: readonly string[],
): Promise<NotificationState[]> {
  if (roomIds.length === 0) return [];
  const { rows } = await client.query<NotificationRow & { message_seq: number }>({
    name: 'notify-unread-messages-of-rooms',
    text: `SELECT ${notificationColumns}, message_seq FROM notify.notifications
            WHERE room_id = ANY($1::uuid[]) AND type = 'message' AND NOT read
            ORDER BY room_id, user_id FOR UPDATE`,
    values: [roomIds],
  });
  return rows.map((r) => ({ ...r, cursor: Number(r.cursor) }));
}

/** The unread mentions of the messages, locked until commit. */
export async function unreadMentionsOf(
  client: PoolClient,
  messageIds: readonly string[],
): Promise<NotificationState[]> {
  if (messageIds.length === 0) return [];
  const { rows } = await client.query<NotificationRow & { message_seq: number }>({
    name: 'notify-unread-mentions-of',
    text: `SELECT ${notificationColumns}, message_seq FROM notify.notifications
            WHERE message_id = ANY($1::uuid[]) AND type = 'mention' AND NOT read
            ORDER BY message_id, user_id FOR UPDATE`,
    values: [messageIds],
  });
  return rows.map((r) => ({ ...r, cursor: Number(r.cursor) }));
}

/**
 * Writes a batch's changes to the notifications (`stored`: the rows they change, read under lock), each
 * change with its user's next cursor in the batch's order, one write per notification. Returns every
 * change's result, by user and cursor: each is published, so a user's live cursors stay gap-free.
 */
export async function writeChanges(
  client: PoolClient,
  changes: readonly { change: NotificationChange; id: string }[],
  stored: ReadonlyMap<string, NotificationState>,
): Promise<UserNotification[]> {
  if (changes.length === 0) return [];
  const perUser = new Map<string, number>();
  for (const { change } of changes) perUser.set(change.userId, (perUser.get(change.userId) ?? 0) + 1);
  const next = await takeCursors(client, perUser);
  const placed = changes.map(({ change, id }) => {
    const cursor = next.get(change.userId) ?? 0;
    next.set(change.userId, cursor + 1);
    return { change, id, cursor };
  });
  const { versions, inserts, updates } = foldChanges(placed, stored);
  const columns = (rows: NotificationState[]) => [
    rows.map((n) => n.id),
    rows.map((n) => n.message_id),
    rows.map((n) => n.message_seq),
    rows.map((n) => n.count),
    rows.map((n) => n.updated_at),
    rows.map((n) => n.read),
    rows.map((n) => n.cursor),
  ];
  if (inserts.length > 0) {
    await client.query({
      name: 'notify-insert-notifications',
      text: `INSERT INTO notify.notifications
                    (id, message_id, message_seq, count, updated_at, read, cursor, user_id, type, room_id, actor_id,
                     created_at)
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[], $5::timestamptz[], $6::boolean[],
                                  $7::bigint[], $8::uuid[], $9::text[], $10::uuid[], $11::uuid[], $12::timestamptz[])`,
      values: [
        ...columns(inserts),
        inserts.map((n) => n.user_id),
        inserts.map((n) => n.type),
        inserts.map((n) => n.room_id),
        inserts.map((n) => n.actor_id),
        inserts.map((n) => n.created_at),
      ],
    });
  }
  if (updates.length > 0) {
    await client.query({
      name: 'notify-update-notifications',
      text: `UPDATE notify.notifications n
                SET message_id = t.message_id, message_seq = t.message_seq, count = t.count,
                    updated_at = t.updated_at, read = t.read, cursor = t.cursor
               FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[], $5::timestamptz[], $6::boolean[],
                           $7::bigint[])
                 AS t(id, message_id, message_seq, count, updated_at, read, cursor)
              WHERE n.id = t.id`,
      values: columns(updates),
    });
  }
  return versions.map((n) => toUserNotification({ ...n, cursor: String(n.cursor) })).sort(byCursor);
}

/** A user's notifications newest first (by cursor), optionally only unread or before a cursor. */
export async function listNotifications(
  pool: Pool,
  { userId, unread, before, limit }: { userId: string; unread: boolean; before: number | undefined; limit: number },
): Promise<NotificationPage> {
  const { rows } = await pool.query<NotificationRow>({
    name: 'notify-list',
    text: `SELECT ${notificationColumns} FROM notify.notifications
      WHERE user_id = $1 AND (NOT $2::boolean OR NOT read) AND ($3::bigint IS NULL OR cursor < $3)
      ORDER BY cursor DESC LIMIT $4`,
    values: [userId, unread, before ?? null, limit + 1],
  });
  return page(rows, limit);
}

/** A user's notifications changed after a cursor, ascending. */
export async function notificationChanges(
  pool: Pool,
  { userId, afterCursor, limit }: { userId: string; afterCursor: number; limit: number },
): Promise<NotificationPage> {
  const { rows } = await pool.query<NotificationRow>({
    name: 'notify-changes',
    text: `SELECT ${notificationColumns} FROM notify.notifications
     WHERE user_id = $1 AND cursor > $2 ORDER BY cursor LIMIT $3`,
    values: [userId, afterCursor, limit + 1],
  });
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
  const { rows: targets } = await client.query<{ id: string }>({
    name: 'notify-mark-read-targets',
    text: `SELECT id FROM notify.notifications
      WHERE user_id = $1 AND NOT read AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))
      ORDER BY cursor FOR UPDATE`,
    values: [userId, target.kind === 'all' ? null : target.ids],
  });
  if (targets.length === 0) return [];
  const first = await takeCursors(client, new Map([[userId, targets.length]]));
  const start = first.get(userId) ?? 0;
  const { rows } = await client.query<NotificationRow>({
    name: 'notify-mark-read',
    text: `UPDATE notify.notifications n
        SET read = true, updated_at = GREATEST(n.updated_at, $3), cursor = t.cursor
       FROM unnest($1::uuid[], $2::bigint[]) AS t(id, cursor)
      WHERE n.id = t.id
  RETURNING ${notificationColumnsOf('n')}`,
    values: [targets.map((t) => t.id), targets.map((_, i) => start + i), now],
  });
  return rows.map(toUserNotification).sort(byCursor);
}
