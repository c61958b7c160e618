-- Up Migration
-- `addedToRoom`: another member added the user to a room. It points at no message and names who added.
ALTER TABLE notify.notifications DROP CONSTRAINT notifications_type_check;
ALTER TABLE notify.notifications ADD CONSTRAINT notifications_type_check CHECK (type IN ('mention', 'message', 'addedToRoom'));
ALTER TABLE notify.notifications ALTER COLUMN message_id DROP NOT NULL;
ALTER TABLE notify.notifications ALTER COLUMN message_seq DROP NOT NULL;
ALTER TABLE notify.notifications ADD COLUMN actor_id uuid;
ALTER TABLE notify.notifications ADD CONSTRAINT notifications_subject_check CHECK (
  CASE type WHEN 'addedToRoom' THEN message_id IS NULL AND message_seq IS NULL AND actor_id IS NOT NULL
            ELSE message_id IS NOT NULL AND message_seq IS NOT NULL AND actor_id IS NULL END
);

-- Down Migration
DELETE FROM notify.event_notifications l USING notify.notifications n WHERE n.id = l.notification_id AND n.type = 'addedToRoom';
DELETE FROM notify.notifications WHERE type = 'addedToRoom';
ALTER TABLE notify.notifications DROP CONSTRAINT notifications_subject_check;
ALTER TABLE notify.notifications DROP COLUMN actor_id;
ALTER TABLE notify.notifications ALTER COLUMN message_seq SET NOT NULL;
ALTER TABLE notify.notifications ALTER COLUMN message_id SET NOT NULL;
ALTER TABLE notify.notifications DROP CONSTRAINT notifications_type_check;
ALTER TABLE notify.notifications ADD CONSTRAINT notifications_type_check CHECK (type IN ('mention', 'message'));
