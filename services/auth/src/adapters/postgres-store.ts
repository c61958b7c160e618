import type { Pool } from '@chatrt/service-kit';
import type { AuthStore } from '../auth-service.ts';
import { usernameTaken } from '../domain/errors.ts';

const UNIQUE_VIOLATION = '23505';
const USERNAME_INDEX = 'users_username_lower_key';

/** Users and sessions in the `auth` schema. */
export function createPostgresAuthStore(pool: Pool): AuthStore {
  return {
    async insertUser(row) {
      try {
        await pool.query(
          'INSERT INTO auth.users (id, username, password_hash, created_at) VALUES ($1, $2, $3, $4)',
          [row.id, row.username, row.passwordHash, row.createdAt],
        );
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
        'INSERT INTO auth.sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
        [row.idHash, row.userId, row.createdAt, row.expiresAt],
      );
    },

    async findSession(idHash) {
      const { rows } = await pool.query<{ id: string; username: string; expires_at: Date }>(
        `SELECT u.id, u.username, s.expires_at
           FROM auth.sessions s JOIN auth.users u ON u.id = s.user_id
          WHERE s.id_hash = $1`,
        [idHash],
      );
      const row = rows[0];
      return row && { user: { id: row.id, username: row.username }, expiresAt: row.expires_at };
    },

    async deleteSession(idHash) {
      await pool.query('DELETE FROM auth.sessions WHERE id_hash = $1', [idHash]);
    },

    async deleteExpiredSessions(now) {
      const { rowCount } = await pool.query('DELETE FROM auth.sessions WHERE expires_at < $1', [now]);
      return rowCount ?? 0;
    },
  };
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, constraint: violated } = err as { code?: unknown; constraint?: unknown };
  return code === UNIQUE_VIOLATION && violated === constraint;
}
