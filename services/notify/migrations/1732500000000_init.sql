-- Up Migration
-- Every chat event this service has applied, so a redelivered or replayed event is applied once.
CREATE TABLE notify.processed_events (
  event_id uuid PRIMARY KEY,
  room_id uuid NOT NULL,
  seq integer NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now()
);

-- Who belongs to which room, projected from MemberAdded events; notifications are addressed from it.
CREATE TABLE notify.room_members (
  room_id uuid NOT NULL,
  user_id uuid NOT NULL,
  PRIMARY KEY (room_id, user_id)
);

-- Down Migration
DROP TABLE notify.room_members;
DROP TABLE notify.processed_events;
