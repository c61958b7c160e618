-- Up Migration
-- A user's notifications. `cursor` is the user's change counter at this row's latest create or update
-- (including being marked read): resume reads `cursor > afterCursor`, so each row appears once, at its
-- latest change.
CREATE TABLE notify.notifications (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  type text NOT NULL CHECK (type IN ('mention', 'message')),
  room_id uuid NOT NULL,
  message_id uuid NOT NULL,
  -- Seq of message_id's MessageSent: an event retried late never moves `message_id` backwards.
  message_seq integer NOT NULL,
  count integer NOT NULL DEFAULT 1 CHECK (count >= 1),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  read boolean NOT NULL DEFAULT false,
  cursor bigint NOT NULL CHECK (cursor >= 1),
  -- Serves list (newest first) and changes (ascending) for one user.
  CONSTRAINT notifications_user_cursor_key UNIQUE (user_id, cursor)
);
-- Coalescing meets here: at most one unread `message` notification per user and room. Also finds a room's
-- unread ones when a message arrives.
CREATE UNIQUE INDEX notifications_unread_message_key ON notify.notifications (room_id, user_id)
  WHERE type = 'message' AND NOT read;
-- One mention per user and message, whatever happens upstream.
CREATE UNIQUE INDEX notifications_mention_key ON notify.notifications (user_id, message_id) WHERE type = 'mention';
CREATE INDEX notifications_unread_idx ON notify.notifications (user_id, cursor) WHERE NOT read;

-- Each user's last cursor. Taking the next value locks the user's row until commit, so a user's cursors
-- are gap-free and commit in cursor order (a reader never sees cursor n+1 without n).
CREATE TABLE notify.user_cursors (
  user_id uuid PRIMARY KEY,
  last_cursor bigint NOT NULL CHECK (last_cursor >= 1)
);

-- The notifications each chat event created or updated, so a redelivered or replayed event re-publishes
-- their current state (covers a crash between commit and publish).
CREATE TABLE notify.event_notifications (
  event_id uuid NOT NULL REFERENCES notify.processed_events (event_id),
  notification_id uuid NOT NULL REFERENCES notify.notifications (id),
  PRIMARY KEY (event_id, notification_id)
);

-- The highest seq applied per room. A room's events are applied in seq order (an event whose predecessor
-- is not applied yet waits, bounded), so membership and coalescing see the room as its events left it,
-- even with several instances sharing the consumer or an event retried after a failure.
CREATE TABLE notify.room_progress (
  room_id uuid PRIMARY KEY,
  last_seq integer NOT NULL CHECK (last_seq >= 0)
);
INSERT INTO notify.room_progress (room_id, last_seq)
SELECT room_id, max(seq) FROM notify.processed_events GROUP BY room_id;

-- Down Migration
DROP TABLE notify.room_progress;
DROP TABLE notify.event_notifications;
DROP TABLE notify.user_cursors;
DROP TABLE notify.notifications;
