import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects } from '@chatrt/contracts';
import { eventually } from '@chatrt/harness';
import { createPostgresAuthStore } from '../src/adapters/postgres-store.ts';
import { authSuite, call, registerAndLogin, signingKeyPem } from './support.ts';

describe('auth service over NATS (1 s sessions, key from a file)', () => {
  let keyDir: string | undefined;
  let keyFile: string | undefined;

  beforeAll(async () => {
    keyDir = await mkdtemp(join(tmpdir(), 'auth-key-'));
    keyFile = join(keyDir, 'signing-key.pem');
    await writeFile(keyFile, signingKeyPem, { mode: 0o600 });
  });

  afterAll(async () => {
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  const suite = authSuite(() => ({ AUTH_SIGNING_KEY_FILE: keyFile, SESSION_TTL_SECONDS: '1' }));

  it('stops resolving a session and issuing tokens for it once it expires', async () => {
    const before = Date.now();
    const login = await registerAndLogin(suite.nc);
    const sessionEnd = Date.parse(login.session.expiresAt);
    expect(sessionEnd).toBeGreaterThanOrEqual(before + 1_000);
    expect(sessionEnd).toBeLessThanOrEqual(Date.now() + 1_000);

    const expired = await eventually(
      () => call(suite.nc, subjects.authResolveSession, { sessionId: login.session.id }),
      (reply) => !reply.ok,
      5_000,
    );
    expect(expired).toEqual({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'session is invalid or expired' },
    });
    expect(Date.now()).toBeGreaterThanOrEqual(sessionEnd);

    const token = await call(suite.nc, subjects.authIssueSessionToken, { sessionId: login.session.id });
    expect(token).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'session is invalid or expired' } });

    // The purge deletes exactly the sessions that expired (this one), not live ones.
    const store = createPostgresAuthStore(suite.pool);
    const live = await registerAndLogin(suite.nc);
    // Cut off just after the first session's end: the second one, created later, ends later.
    await store.deleteExpiredSessions(new Date(Date.parse(login.session.expiresAt) + 1));
    const { rows } = await suite.pool.query<{ user_id: string }>(
      'SELECT user_id FROM auth.sessions WHERE user_id = ANY($1::uuid[])',
      [[login.user.id, live.user.id]],
    );
    expect(rows.map((r) => r.user_id)).toEqual([live.user.id]);
  });
});
