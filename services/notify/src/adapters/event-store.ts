import type { ChatEvents } from '@chatrt/contracts';
import type { Pool } from '@chatrt/service-kit';
import { membershipChange } from '../domain/membership.ts';

/**
 * Applies a chat event exactly once: the event id is recorded in the same transaction as its effects, so
 * a redelivery finds it and changes nothing. Returns whether the event was new.
 */
export async function applyOnce(pool: Pool, event: ChatEvents): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query(
      `INSERT INTO notify.processed_events (event_id, room_id, seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [event.metadata.eventId, event.roomId, event.seq],
    );
    if (inserted.rowCount === 0) {
      await client.query('ROLLBACK');
      return false;
    }
    const change = membershipChange(event);
    if (change.kind === 'added') {
      await client.query(`INSERT INTO notify.room_members (room_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        change.roomId,
        change.userId,
      ]);
    }
    await client.query('COMMIT');
    return true;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Members of a room as this service knows them. */
export async function roomMembers(pool: Pool, roomId: string): Promise<string[]> {
  const { rows } = await pool.query<{ user_id: string }>(
    `SELECT user_id FROM notify.room_members WHERE room_id = $1 ORDER BY user_id`,
    [roomId],
  );
  return rows.map((r) => r.user_id);
}
