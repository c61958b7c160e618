-- Up Migration
-- Expired sessions are deleted periodically; this keeps that delete an index range scan.
CREATE INDEX sessions_expires_at_idx ON auth.sessions (expires_at);

-- Down Migration
DROP INDEX auth.sessions_expires_at_idx;
