import { randomUUID } from 'node:crypto';
import { inTransaction, type Pool } from '@chatrt/service-kit';

/** A bulk-loaded room: two members alternating as senders. */
export interface BigRoom {
  roomId: string;
  alice: string;
  bob: string;
}

/**
 * Writes a room of `events` events (RoomCreated, two MemberAdded, then MessageSent) straight into the
 * store's tables with generate_series: the same rows the append path and the projections would write
 * (events, messages, rooms, room_members, checkpoints), minus outbox rows, so the relay does not
 * publish a million events during the latency runs. `members` may name real users (to read it over REST).
 */
export async function bulkLoadRoom(
  pool: Pool,
  events: number,
  members: { alice: string; bob: string } = { alice: randomUUID(), bob: randomUUID() },
): Promise<BigRoom> {
  const room: BigRoom = { roomId: randomUUID(), ...members };
  await inTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO chat.events (event_id, room_id, seq, type, data, actor_id, client_message_id, occurred_at) VALUES
         (gen_random_uuid(), $1, 1, 'RoomCreated', '{"name":"big"}', $2, NULL, now() - interval '2 days'),
         (gen_random_uuid(), $1, 2, 'MemberAdded', jsonb_build_object('userId', $2::uuid), $2, NULL,
          now() - interval '2 days'),
         (gen_random_uuid(), $1, 3, 'MemberAdded', jsonb_build_object('userId', $3::uuid), $2, NULL,
          now() - interval '2 days')`,
      [room.roomId, room.alice, room.bob],
    );
    await client.query(
      `INSERT INTO chat.events (event_id, room_id, seq, type, data, actor_id, client_message_id, occurred_at)
       SELECT gen_random_uuid(), $1, s, 'MessageSent',
              jsonb_build_object('messageId', mid, 'senderId', sender, 'message', 'message number ' || s,
                                 'clientMessageId', 'c' || s),
              sender, 'c' || s, now() - interval '1 day' + s * interval '1 millisecond'
       FROM (SELECT s, gen_random_uuid() AS mid, CASE WHEN s % 2 = 0 THEN $2::uuid ELSE $3::uuid END AS sender
             FROM generate_series(4, $4::bigint) AS s) g`,
      [room.roomId, room.alice, room.bob, events],
    );
    await client.query(
      `INSERT INTO chat.messages (id, room_id, seq, sender_id, message, client_message_id, created_at, edited_at,
                                 deleted, deleted_at)
       SELECT (data->>'messageId')::uuid, room_id, seq, actor_id, data->>'message', client_message_id, occurred_at,
              NULL, false, NULL
       FROM chat.events WHERE room_id = $1 AND type = 'MessageSent'`,
      [room.roomId],
    );
    await client.query(
      `INSERT INTO chat.rooms (id, name, creator_id, member_ids, created_at, last_seq, live_count)
       VALUES ($1, 'big', $2, ARRAY[$2, $3]::uuid[], now() - interval '2 days', $4::bigint, $4::bigint - 3)`,
      [room.roomId, room.alice, room.bob, events],
    );
    await client.query(
      `INSERT INTO chat.room_members (room_id, user_id, is_member, read_seq, own_live, read_live)
       SELECT $1, m.sender_id, true, CASE WHEN m.sender_id = $2 THEN 2 ELSE 3 END, count(*), 0
       FROM chat.messages m WHERE m.room_id = $1 GROUP BY m.sender_id`,
      [room.roomId, room.alice],
    );
    await client.query(
      `INSERT INTO chat.projection_checkpoints (room_id, seqs)
       VALUES ($1, jsonb_build_object('rooms', $2::bigint, 'messages', $2::bigint, 'room_members', $2::bigint))`,
      [room.roomId, events],
    );
  });
  await pool.query('VACUUM (ANALYZE) chat.events');
  await pool.query('VACUUM (ANALYZE) chat.messages');
  return room;
}
