import type { ChatEvents } from '@chatrt/contracts';
import type { Pool, PoolClient } from '@chatrt/service-kit';
import type { UserNotification } from '../../application/ports.ts';
import { mayApplyInOrder, WaitForEarlierEvents } from '../../domain/room-order.ts';
import { notificationColumnsOf, toUserNotification, type NotificationRow } from './notification-rows.ts';

/** Whether the event has a `processed_events` row. */
export async function isProcessed(pool: Pool, eventId: string): Promise<boolean> {
  const { rowCount } = await pool.query('SELECT 1 FROM notify.processed_events WHERE event_id = $1', [eventId]);
  return (rowCount ?? 0) > 0;
}

/**
 * Records the event as processed; false when it already was. Concurrent deliveries of one event meet at
 * this key: the second waits for the first to commit.
 */
export async function recordProcessed(client: PoolClient, event: ChatEvents): Promise<boolean> {
  const inserted = await client.query(
    'INSERT INTO notify.processed_events (event_id, room_id, seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [event.metadata.eventId, event.roomId, event.seq],
  );
  return inserted.rowCount !== 0;
}

/**
 * Locks the room's progress row until commit, so a room's events are applied one at a time across
 * instances, and records the event's seq; refuses an event whose predecessor is not applied yet.
 */
export async function advanceRoom(client: PoolClient, event: ChatEvents, deliveryCount: number): Promise<void> {
  await client.query('INSERT INTO notify.room_progress (room_id, last_seq) VALUES ($1, 0) ON CONFLICT DO NOTHING', [
    event.roomId,
  ]);
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

/** Links the event to the notifications it created or updated (`event_notifications`). */
export async function recordProduced(client: PoolClient, eventId: string, notificationIds: string[]): Promise<void> {
  if (notificationIds.length === 0) return;
  await client.query(
    'INSERT INTO notify.event_notifications (event_id, notification_id) SELECT $1, unnest($2::uuid[])',
    [eventId, notificationIds],
  );
}

/** The current state of the notifications linked to the event. */
export async function producedBy(pool: Pool, eventId: string): Promise<UserNotification[]> {
  const { rows } = await pool.query<NotificationRow>(
    `SELECT ${notificationColumnsOf('n')}
       FROM notify.event_notifications l JOIN notify.notifications n ON n.id = l.notification_id
      WHERE l.event_id = $1 ORDER BY n.user_id, n.cursor`,
    [eventId],
  );
  return rows.map(toUserNotification);
}
