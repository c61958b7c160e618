import type { ChatEvents } from '@chatrt/contracts';
import type { PoolClient } from '@chatrt/service-kit';
import { membershipChange } from '../../domain/membership.ts';

/** Keeps notify's copy of room membership (`notify.room_members`) as the room's events change it. */
export async function applyMembership(client: PoolClient, event: ChatEvents): Promise<void> {
  const change = membershipChange(event);
  if (change.kind === 'added') {
    await client.query('INSERT INTO notify.room_members (room_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      change.roomId,
      change.userId,
    ]);
  } else if (change.kind === 'removed') {
    await client.query('DELETE FROM notify.room_members WHERE room_id = $1 AND user_id = $2', [
      change.roomId,
      change.userId,
    ]);
  }
}

/** The room's members as notify's copy has them. */
export async function roomMembers(client: PoolClient, roomId: string): Promise<string[]> {
  const { rows } = await client.query<{ user_id: string }>(
    'SELECT user_id FROM notify.room_members WHERE room_id = $1',
    [roomId],
  );
  return rows.map((r) => r.user_id);
}
