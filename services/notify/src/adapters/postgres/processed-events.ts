import type { ChatEvents } from '@chatrt/contracts';
import type { Pool, PoolClient } from '@chatrt/service-kit';
import type { UserNotification } from '../../application/ports.ts';
import { notificationColumnsOf, toUserNotification, type NotificationRow } from './notification-rows.ts';

/** Which of the events have a `processed_events` row. */
export async function processedAmong(db: Pool | PoolClient, eventIds: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ event_id: string }>({
    name: 'notify-processed-among',
    text: 'SELECT event_id FROM notify.processed_events WHERE event_id = ANY($1::uuid[])',
    values: [eventIds],
  });
  return new Set(rows.map((r) => r.event_id));
}

/**
 * Locks the rooms' progress rows until commit, in room id order (every transaction does the same), so a
 * room's events are applied one batch at a time across instances; returns each room's last applied seq.
 * A room seen for the first time gets its row at 0.
 */
export async function lockRooms(client: PoolClient, roomIds: readonly string[]): Promise<Map<string, number>> {
  // The no-op update takes the row lock and returns the stored seq in the same round trip as the insert.
  const { rows } = await client.query<{ room_id: string; last_seq: number }>({
    name: 'notify-lock-rooms',
    text: `INSERT INTO notify.room_progress AS p (room_id, last_seq)
           SELECT room_id, 0 FROM unnest($1::uuid[]) AS t(room_id) ORDER BY room_id
           ON CONFLICT (room_id) DO UPDATE SET last_seq = p.last_seq
           RETURNING room_id, last_seq`,
    values: [[...new Set(roomIds)]],
  });
  return new Map(rows.map((r) => [r.room_id, r.last_seq]));
}

/** Records the events as processed; an event recorded before fails the transaction (it was checked under the room lock). */
export async function recordProcessed(client: PoolClient, events: readonly ChatEvents[]): Promise<void> {
  await client.query({
    name: 'notify-record-processed',
    text: `INSERT INTO notify.processed_events (event_id, room_id, seq)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[])`,
    values: [events.map((e) => e.metadata.eventId), events.map((e) => e.roomId), events.map((e) => e.seq)],
  });
}

/** Sets the rooms' last applied seqs (their rows are locked by `lockRooms`). */
export async function advanceRooms(client: PoolClient, lastSeqs: ReadonlyMap<string, number>): Promise<void> {
  if (lastSeqs.size === 0) return;
  await client.query({
    name: 'notify-advance-rooms',
    text: `UPDATE notify.room_progress p SET last_seq = t.last_seq
             FROM unnest($1::uuid[], $2::int[]) AS t(room_id, last_seq)
            WHERE p.room_id = t.room_id`,
    values: [[...lastSeqs.keys()], [...lastSeqs.values()]],
  });
}

/** Links each event to the notifications it created or updated (`event_notifications`). */
export async function recordProduced(
  client: PoolClient,
  links: readonly { eventId: string; notificationId: string }[],
): Promise<void> {
  if (links.length === 0) return;
  await client.query({
    name: 'notify-record-produced',
    text: `INSERT INTO notify.event_notifications (event_id, notification_id)
           SELECT * FROM unnest($1::uuid[], $2::uuid[])`,
    values: [links.map((l) => l.eventId), links.map((l) => l.notificationId)],
  });
}

/** The current state of the notifications linked to the events, each once. */
export async function producedBy(pool: Pool, eventIds: readonly string[]): Promise<UserNotification[]> {
  const { rows } = await pool.query<NotificationRow>({
    name: 'notify-produced-by',
    text: `SELECT ${notificationColumnsOf('n')}
             FROM notify.notifications n
            WHERE n.id IN (SELECT notification_id FROM notify.event_notifications WHERE event_id = ANY($1::uuid[]))
            ORDER BY n.user_id, n.cursor`,
    values: [eventIds],
  });
  return rows.map(toUserNotification);
}
