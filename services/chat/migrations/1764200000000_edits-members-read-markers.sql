-- Up Migration

-- Rooms: the creator (who may remove members) and the count of non-deleted messages (unread counts).
ALTER TABLE chat.rooms
  ADD COLUMN creator_id uuid,
  ADD COLUMN live_count bigint NOT NULL DEFAULT 0;
UPDATE chat.rooms r SET creator_id = e.actor_id
  FROM chat.events e WHERE e.room_id = r.id AND e.seq = 1;
UPDATE chat.rooms r SET live_count = m.n
  FROM (SELECT room_id, count(*) AS n FROM chat.messages GROUP BY room_id) m WHERE m.room_id = r.id;
ALTER TABLE chat.rooms ALTER COLUMN creator_id SET NOT NULL, ALTER COLUMN live_count DROP DEFAULT;

-- Messages: edits and tombstones. A deleted message keeps no text.
ALTER TABLE chat.messages
  ALTER COLUMN message DROP NOT NULL,
  ADD COLUMN edited_at timestamptz,
  ADD COLUMN deleted boolean NOT NULL DEFAULT false,
  ADD COLUMN deleted_at timestamptz,
  ADD CONSTRAINT messages_tombstone_check CHECK (deleted = (message IS NULL));
ALTER TABLE chat.messages ALTER COLUMN deleted DROP DEFAULT;
-- History pages and unread counts read (room_id, seq) ranges; sender and deleted ride along in the
-- index so counting a range is an index-only scan.
ALTER TABLE chat.messages DROP CONSTRAINT messages_room_seq_key;
ALTER TABLE chat.messages ADD CONSTRAINT messages_room_seq_key UNIQUE (room_id, seq) INCLUDE (sender_id, deleted);

-- One row per (room, user) who ever joined: membership, read marker and the counters that make a
-- member's unread count arithmetic instead of a scan:
--   unread = rooms.live_count - own_live - read_live
-- own_live:  the user's own non-deleted messages (never unread for them);
-- read_live: other users' non-deleted messages with seq <= read_seq.
CREATE TABLE chat.room_members (
  room_id uuid NOT NULL,
  user_id uuid NOT NULL,
  is_member boolean NOT NULL,
  read_seq bigint NOT NULL CHECK (read_seq >= 0),
  own_live bigint NOT NULL CHECK (own_live >= 0),
  read_live bigint NOT NULL CHECK (read_live >= 0),
  PRIMARY KEY (room_id, user_id)
);
-- A user's rooms, for the room list.
CREATE INDEX room_members_user_key ON chat.room_members (user_id, room_id) WHERE is_member;
INSERT INTO chat.room_members (room_id, user_id, is_member, read_seq, own_live, read_live)
  SELECT r.id, u.user_id, true, 0, coalesce(m.n, 0), 0
  FROM chat.rooms r
  CROSS JOIN LATERAL unnest(r.member_ids) AS u(user_id)
  LEFT JOIN LATERAL (SELECT count(*) AS n FROM chat.messages WHERE room_id = r.id AND sender_id = u.user_id) m ON true;

-- How far each projection has applied each room's stream: {projection name: seq}, a per-room seq being
-- exact because seqs are gap-free and commit in order. One row per room keeps it to one write per room
-- and transaction. A rebuild catches up from here before it swaps its tables in.
CREATE TABLE chat.projection_checkpoints (
  room_id uuid PRIMARY KEY,
  seqs jsonb NOT NULL
);
INSERT INTO chat.projection_checkpoints (room_id, seqs)
  SELECT id, jsonb_build_object('rooms', last_seq, 'messages', last_seq, 'room_members', last_seq) FROM chat.rooms;

-- Down Migration
DROP TABLE chat.projection_checkpoints;
DROP TABLE chat.room_members;
ALTER TABLE chat.messages DROP CONSTRAINT messages_room_seq_key;
ALTER TABLE chat.messages ADD CONSTRAINT messages_room_seq_key UNIQUE (room_id, seq);
DELETE FROM chat.messages WHERE deleted;
ALTER TABLE chat.messages
  DROP CONSTRAINT messages_tombstone_check,
  DROP COLUMN deleted_at,
  DROP COLUMN deleted,
  DROP COLUMN edited_at,
  ALTER COLUMN message SET NOT NULL;
ALTER TABLE chat.rooms DROP COLUMN live_count, DROP COLUMN creator_id;
