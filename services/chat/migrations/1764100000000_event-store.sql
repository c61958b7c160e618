-- Up Migration

-- The event store. `seq` orders one room's events gap-free from 1 (UNIQUE (room_id, seq) is the
-- optimistic-concurrency check); `position` is a global insertion number, not a commit order.
CREATE TABLE chat.events (
  position bigserial PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  room_id uuid NOT NULL,
  seq bigint NOT NULL CHECK (seq >= 1),
  type text NOT NULL,
  data jsonb NOT NULL,
  actor_id uuid NOT NULL,
  -- Set for MessageSent only: the sender's idempotency key.
  client_message_id text,
  occurred_at timestamptz NOT NULL,
  CONSTRAINT events_room_seq_key UNIQUE (room_id, seq)
);

-- Concurrent duplicate sends meet here: the loser's insert fails instead of appending a second message.
CREATE UNIQUE INDEX events_client_message_key
  ON chat.events (room_id, actor_id, client_message_id)
  WHERE client_message_id IS NOT NULL;

-- Events are facts: corrections are new events, never edits of old ones.
CREATE FUNCTION chat.reject_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'chat.events is append-only';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON chat.events
  FOR EACH ROW EXECUTE FUNCTION chat.reject_event_change();

-- Events committed but not yet acknowledged by JetStream; the relay deletes a row after its PubAck.
CREATE TABLE chat.outbox (
  position bigint PRIMARY KEY REFERENCES chat.events (position)
);

-- Wakes the relay at commit (NOTIFY is transactional); one notification per statement is enough.
CREATE FUNCTION chat.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('chat_outbox', '');
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON chat.outbox
  FOR EACH STATEMENT EXECUTE FUNCTION chat.notify_outbox();

-- Read model and decision snapshot of a room, updated in the same transaction as its events.
CREATE TABLE chat.rooms (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  -- In joining order; the creator first.
  member_ids uuid[] NOT NULL,
  created_at timestamptz NOT NULL,
  last_seq bigint NOT NULL
);

-- Read model of message history; (room_id, seq) serves latest, before and after pages as index range scans.
CREATE TABLE chat.messages (
  id uuid PRIMARY KEY,
  room_id uuid NOT NULL,
  seq bigint NOT NULL,
  sender_id uuid NOT NULL,
  message text NOT NULL,
  client_message_id text NOT NULL,
  created_at timestamptz NOT NULL,
  CONSTRAINT messages_room_seq_key UNIQUE (room_id, seq)
);

-- Down Migration
DROP TABLE chat.messages;
DROP TABLE chat.rooms;
DROP TRIGGER outbox_notify ON chat.outbox;
DROP FUNCTION chat.notify_outbox();
DROP TABLE chat.outbox;
DROP TRIGGER events_append_only ON chat.events;
DROP FUNCTION chat.reject_event_change();
DROP TABLE chat.events;
