-- Up Migration
-- A public id per session: session tokens carry it as `sid`, so a logout can revoke them by it. The cookie's
-- secret stays known only to the browser (its hash is the primary key).
ALTER TABLE auth.sessions ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX sessions_id_key ON auth.sessions (id);

-- Ended sessions whose session tokens may not have expired yet; gateways read them on start and reconnect.
CREATE TABLE auth.revoked_sessions (
  session_id uuid PRIMARY KEY,
  -- Every token of the session has expired by then; the row is deleted after it.
  until timestamptz NOT NULL
);
CREATE INDEX revoked_sessions_until_idx ON auth.revoked_sessions (until);

-- rate-limiter-flexible's RateLimiterPostgres table (its own layout): failed-login counters shared by every
-- auth instance. `expire` is epoch milliseconds.
CREATE TABLE auth.login_failures (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);

-- Users who logged in from an address: while that address is over its daily limit of failures against
-- existing usernames, they may still log in from it.
CREATE TABLE auth.trusted_logins (
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  client_address text NOT NULL,
  last_login_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, client_address)
);
CREATE INDEX trusted_logins_last_login_at_idx ON auth.trusted_logins (last_login_at);

-- Down Migration
DROP TABLE auth.trusted_logins;
DROP TABLE auth.login_failures;
DROP TABLE auth.revoked_sessions;
DROP INDEX auth.sessions_id_key;
ALTER TABLE auth.sessions DROP COLUMN id;
