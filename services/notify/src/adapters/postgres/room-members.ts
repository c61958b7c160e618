import type { PoolClient } from '@chatrt/service-kit';
import type { MembershipChange } from '../../domain/membership.ts';

/** The rooms' members as notify's copy (`notify.room_members`) has them. */
export async function membersOfRooms(
  client: PoolClient,
  roomIds: readonly string[],
): Promise<{ roomId: string; userId: string }[]> {
  if (roomIds.length === 0) return [];
  const { rows } = await client.query<{ room_id: string; user_id: string }>({
    name: 'notify-members-of-rooms',
    text: 'SELECT room_id, user_id FROM notify.room_members WHERE room_id = ANY($1::uuid[])',
    values: [roomIds],
  });
  return rows.map((r) => ({ roomId: r.room_id, userId: r.user_id }));
}

/** Keeps notify's copy of room membership as a batch's events changed it: each member's last change counts. */
export async function applyMembershipChanges(client: PoolClient, changes: readonly MembershipChange[]): Promise<void> {
  const last = new Map<string, { roomId: string; userId: string; added: boolean }>();
  for (const change of changes) {
    if (change.kind === 'none') continue;
    const { roomId, userId } = change;
    last.set(`${roomId}/${userId}`, { roomId, userId, added: change.kind === 'added' });
  }
  const added = [...last.values()].filter((m) => m.added);
  const removed = [...last.values()].filter((m) => !m.added);
  if (added.length > 0) {
    await client.query({
      name: 'notify-add-members',
      text: `INSERT INTO notify.room_members (room_id, user_id)
             SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING`,
      values: [added.map((m) => m.roomId), added.map((m) => m.userId)],
    });
  }
  if (removed.length > 0) {
    await client.query({
      name: 'notify-remove-members',
      text: `DELETE FROM notify.room_members m USING unnest($1::uuid[], $2::uuid[]) AS t(room_id, user_id)
              WHERE m.room_id = t.room_id AND m.user_id = t.user_id`,
      values: [removed.map((m) => m.roomId), removed.map((m) => m.userId)],
    });
  }
}
