-- Up Migration
CREATE TABLE auth.users (
  id uuid PRIMARY KEY,
  -- Stored as the user typed it; uniqueness is case-insensitive through the index below.
  username text NOT NULL CHECK (char_length(username) BETWEEN 3 AND 32),
  -- argon2id PHC string; the password itself is never stored.
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_username_lower_key ON auth.users (lower(username));

CREATE TABLE auth.sessions (
  -- SHA-256 of the session id: a leaked table does not yield usable session ids.
  id_hash bytea PRIMARY KEY CHECK (octet_length(id_hash) = 32),
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user_id_idx ON auth.sessions (user_id);

-- Down Migration
DROP TABLE auth.sessions;
DROP TABLE auth.users;
