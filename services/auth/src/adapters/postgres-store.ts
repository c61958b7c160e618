import type { Pool } from '@chatrt/service-kit';
import type { AuthStore, Revocation } from '../application/ports.ts';
import { usernameTaken } from '../domain/errors.ts';

const UNIQUE_VIOLATION = '23505';
const USERNAME_INDEX = 'users_username_lower_key';

/** Users, sessions, revocations and trusted logins in the `auth` schema. */
export function createPostgresAuthStore(pool: Pool): AuthStore {
  return {
    async insertUser(row) {
      try {
        await pool.query('INSERT INTO auth.users (id, username, password_hash, created_at) VALUES ($1, $2, $3, $4)', [
          row.id,
          row.username,
          row.passwordHash,
          row.createdAt,
        ]);
      } catch (err) {
        // Concurrent registrations of one name meet at the unique index, not at a prior lookup.
        if (isUniqueViolation(err, USERNAME_INDEX)) throw usernameTaken();
        throw err;
      }
      return { id: row.id, username: row.username };
    },

    async findCredentials(usernameKey) {
      const { rows } = await pool.query<{ id: string; username: string; password_hash: string }>(
        'SELECT id, username, password_hash FROM auth.users WHERE lower(username) = $1',
        [usernameKey],
      );
      const row = rows[0];
      return row && { user: { id: row.id, username: row.username }, passwordHash: row.password_hash };
    },

    async findUsers(usernameKeys) {
      // `lower(username) = ANY(…)` is answered from the users_username_lower_key index.
      const { rows } = await pool.query<{ id: string; username: string }>(
        'SELECT id, username FROM auth.users WHERE lower(username) = ANY($1::text[]) ORDER BY lower(username)',
        [usernameKeys],
      );
      return rows.map((row) => ({ id: row.id, username: row.username }));
    },

    async findUsersById(ids) {
      const { rows } = await pool.query<{ id: string; username: string }>(
        'SELECT id, username FROM auth.users WHERE id = ANY($1::uuid[]) ORDER BY lower(username)',
        [ids],
      );
      return rows.map((row) => ({ id: row.id, username: row.username }));
    },

    async insertSession(row) {
      await pool.query(
        'INSERT INTO auth.sessions (id, id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
        [row.id, row.idHash, row.userId, row.createdAt, row.expiresAt],
      );
    },

    async findSession(idHash) {
      const { rows } = await pool.query<{ session_id: string; id: string; username: string; expires_at: Date }>(
        `SELECT s.id AS session_id, u.id, u.username, s.expires_at
           FROM auth.sessions s JOIN auth.users u ON u.id = s.user_id
          WHERE s.id_hash = $1`,
        [idHash],
      );
      const row = rows[0];
      return row && { id: row.session_id, user: { id: row.id, username: row.username }, expiresAt: row.expires_at };
    },

    endSession: (idHash, until) => endSessions(pool, 'id_hash = $1', idHash, until),

    endUserSessions: (userId, until) => endSessions(pool, 'user_id = $1', userId, until),

    async revocationsAfter(afterSessionId, now, limit) {
      const { rows } = await pool.query<{ session_id: string; until: Date }>(
        `SELECT session_id, until FROM auth.revoked_sessions
          WHERE until > $1 AND ($2::uuid IS NULL OR session_id > $2::uuid)
          ORDER BY session_id LIMIT $3`,
        [now, afterSessionId ?? null, limit],
      );
      return rows.map(toRevocation);
    },

    async recordTrustedLogin(userId, clientAddress, at) {
      await pool.query(
        `INSERT INTO auth.trusted_logins (user_id, client_address, last_login_at) VALUES ($1, $2, $3)
           ON CONFLICT (user_id, client_address) DO UPDATE SET last_login_at = EXCLUDED.last_login_at`,
        [userId, clientAddress, at],
      );
    },

    async isTrustedLogin(userId, clientAddress, since) {
      const { rows } = await pool.query(
        'SELECT 1 FROM auth.trusted_logins WHERE user_id = $1 AND client_address = $2 AND last_login_at >= $3',
        [userId, clientAddress, since],
      );
      return rows.length > 0;
    },

    async deleteExpiredSessions(now) {
      const { rowCount } = await pool.query('DELETE FROM auth.sessions WHERE expires_at < $1', [now]);
      return rowCount ?? 0;
    },

    async deleteStaleLoginRecords(now, trustedSince) {
      const deleted = await Promise.all([
        pool.query('DELETE FROM auth.revoked_sessions WHERE until <= $1', [now]),
        pool.query('DELETE FROM auth.login_failures WHERE expire < $1', [now.getTime()]),
        pool.query('DELETE FROM auth.trusted_logins WHERE last_login_at < $1', [trustedSince]),
      ]);
      return deleted.reduce((sum, { rowCount }) => sum + (rowCount ?? 0), 0);
    },
  };
}

/** Deletes the matching sessions and records their revocations in one statement (one transaction). */
async function endSessions(
  pool: Pool,
  match: 'id_hash = $1' | 'user_id = $1',
  value: Buffer | string,
  until: Date,
): Promise<Revocation[]> {
  const { rows } = await pool.query<{ session_id: string; until: Date }>(
    `WITH ended AS (DELETE FROM auth.sessions WHERE ${match} RETURNING id)
     INSERT INTO auth.revoked_sessions (session_id, until) SELECT id, $2 FROM ended
       ON CONFLICT (session_id) DO UPDATE SET until = GREATEST(auth.revoked_sessions.until, EXCLUDED.until)
     RETURNING session_id, until`,
    [value, until],
  );
  return rows.map(toRevocation);
}

function toRevocation(row: { session_id: string; until: Date }): Revocation {
  return { sessionId: row.session_id, until: row.until };
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, constraint: violated } = err as { code?: unknown; constraint?: unknown };
  return code === UNIQUE_VIOLATION && violated === constraint;
}
