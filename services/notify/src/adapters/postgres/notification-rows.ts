import type { Notification, NotificationPage } from '@chatrt/contracts';
import type { UserNotification } from '../../application/ports.ts';

/** A `notify.notifications` row as the queries select it (`notificationColumns`). */
export interface NotificationRow {
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

/** The columns of a NotificationRow. */
export const notificationColumns =
  'id, user_id, type, room_id, message_id, actor_id, count, created_at, updated_at, read, cursor';

/** `notificationColumns` qualified with a table alias, for joins and `UPDATE … FROM`. */
export function notificationColumnsOf(alias: string): string {
  return notificationColumns
    .split(', ')
    .map((column) => `${alias}.${column}`)
    .join(', ');
}

export function toUserNotification(row: NotificationRow): UserNotification {
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

/** Orders by user, then by cursor: the order a user's changes are published in. */
export function byCursor(a: UserNotification, b: UserNotification): number {
  return a.userId === b.userId ? a.notification.cursor - b.notification.cursor : a.userId < b.userId ? -1 : 1;
}

/** A page of at most `limit` from rows fetched with `limit + 1` (the extra one says there is more). */
export function page(rows: NotificationRow[], limit: number): NotificationPage {
  return {
    notifications: rows.slice(0, limit).map((row) => toUserNotification(row).notification),
    hasMore: rows.length > limit,
  };
}
