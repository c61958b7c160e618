import type { PoolClient } from '@chatrt/service-kit';

/**
 * Reserves `count` consecutive cursors per user; returns each user's first. Users are locked in id
 * order (every transaction does the same), and the row lock is held to commit, which keeps cursors
 * gap-free and makes them commit in order.
 */
export async function takeCursors(client: PoolClient, counts: Map<string, number>): Promise<Map<string, number>> {
  const users = [...counts.keys()].sort();
  const { rows } = await client.query<{ user_id: string; last_cursor: string }>({
    name: 'notify-take-cursors',
    text: `INSERT INTO notify.user_cursors AS c (user_id, last_cursor)
     SELECT user_id, n FROM unnest($1::uuid[], $2::bigint[]) AS t(user_id, n) ORDER BY user_id
     ON CONFLICT (user_id) DO UPDATE SET last_cursor = c.last_cursor + EXCLUDED.last_cursor
     RETURNING user_id, last_cursor`,
    values: [users, users.map((u) => counts.get(u) ?? 0)],
  });
  return new Map(rows.map((r) => [r.user_id, Number(r.last_cursor) - (counts.get(r.user_id) ?? 0) + 1]));
}
