import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { subjects } from '@chatrt/contracts';
import { authSuite, call, clientAddress, freshUsername, password, registerAndLogin, signingKeyPem } from './support.ts';

describe('auth service over NATS: accounts, credentials and what is stored', () => {
  const suite = authSuite(() => ({ AUTH_SIGNING_KEY: signingKeyPem }));

  it('logs in with the username in any case and answers with the name as registered', async () => {
    const username = `Mixed_${randomUUID().slice(0, 8)}`;
    const login = await registerAndLogin(suite.nc, username);
    const again = await call(suite.nc, subjects.authLogin, {
      username: username.toUpperCase(),
      password,
      clientAddress,
    });
    expect(again).toMatchObject({ ok: true, user: { id: login.user.id, username } });
  });

  it('refuses a username taken in another case', async () => {
    const username = freshUsername();
    expect((await call(suite.nc, subjects.authRegister, { username, password })).ok).toBe(true);
    const duplicate = await call(suite.nc, subjects.authRegister, { username: username.toUpperCase(), password });
    expect(duplicate).toEqual({ ok: false, error: { code: 'CONFLICT', message: 'username is taken' } });
  });

  it('lets exactly one of several concurrent registrations of a name win', async () => {
    const username = freshUsername();
    const variants = [username, username.toUpperCase(), username, `U${username.slice(1)}`];
    const replies = await Promise.all(
      variants.map((name) => call(suite.nc, subjects.authRegister, { username: name, password })),
    );
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    for (const reply of replies.filter((r) => !r.ok))
      expect(reply).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('finds users by username in any case, leaving unknown names out', async () => {
    const [first, second] = [`Find_${randomUUID().slice(0, 8)}`, freshUsername()];
    const a = await call(suite.nc, subjects.authRegister, { username: first, password });
    const b = await call(suite.nc, subjects.authRegister, { username: second, password });
    if (!a.ok || !b.ok) throw new Error('registration failed');
    const found = await call(suite.nc, subjects.authFindUsers, {
      usernames: [first.toLowerCase(), first.toUpperCase(), second, freshUsername(), '\u212Aevin'],
    });
    if (!found.ok) throw new Error(found.error.message);
    expect(found.users.toSorted((x, y) => x.id.localeCompare(y.id))).toEqual(
      [a.user, b.user].toSorted((x, y) => x.id.localeCompare(y.id)),
    );
    expect(await call(suite.nc, subjects.authFindUsers, { usernames: [] })).toEqual({ ok: true, users: [] });
  });

  it('looks names up through the lower(username) index', async () => {
    const client = await suite.pool.connect();
    try {
      await client.query('BEGIN');
      // The test table is small enough for a sequential scan to win; forbid it to see the usable index.
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        'EXPLAIN SELECT id, username FROM auth.users WHERE lower(username) = ANY($1::text[])',
        [['alice', 'bob']],
      );
      expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('users_username_lower_key');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('refuses more than 100 names per lookup', async () => {
    const usernames = Array.from({ length: 101 }, () => freshUsername());
    expect(await call(suite.nc, subjects.authFindUsers, { usernames })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', path: '/usernames' },
    });
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const login = await registerAndLogin(suite.nc);
    const wrong = await call(suite.nc, subjects.authLogin, {
      username: login.user.username,
      password: `${password}!`,
      clientAddress,
    });
    const unknown = await call(suite.nc, subjects.authLogin, { username: freshUsername(), password, clientAddress });
    const expected = { ok: false, error: { code: 'UNAUTHENTICATED', message: 'invalid username or password' } };
    expect(wrong).toEqual(expected);
    expect(unknown).toEqual(expected);
  });

  it('rejects invalid payloads before touching the store', async () => {
    const short = await call(suite.nc, subjects.authRegister, { username: freshUsername(), password: 'short' });
    expect(short).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', path: '/password' } });
    const badName = await call(suite.nc, subjects.authRegister, { username: 'no spaces allowed', password });
    expect(badName).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', path: '/username' } });
  });

  it('stores an argon2id hash, never the password, and only a digest of the session id', async () => {
    const login = await registerAndLogin(suite.nc);
    const { rows: users } = await suite.pool.query<{ password_hash: string }>(
      'SELECT password_hash FROM auth.users WHERE id = $1',
      [login.user.id],
    );
    const stored = users[0]?.password_hash ?? '';
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(stored).not.toContain(password);

    const { rows: sessions } = await suite.pool.query<{ id_hash: Buffer }>(
      'SELECT id_hash FROM auth.sessions WHERE user_id = $1',
      [login.user.id],
    );
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.id_hash).toHaveLength(32);
    expect(sessions[0]?.id_hash.toString('base64url')).not.toBe(login.session.id);
  });

  it('reports health and counts outcomes on the ops server', async () => {
    const health = await fetch(`http://127.0.0.1:${suite.auth.opsPort}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      service: 'auth',
      checks: { postgres: 'ok', nats: 'ok' },
    });

    // One of each outcome counted below, whatever other tests of this file ran before.
    const login = await registerAndLogin(suite.nc);
    const username = login.user.username;
    expect((await call(suite.nc, subjects.authRegister, { username, password })).ok).toBe(false);
    const wrong = await call(suite.nc, subjects.authLogin, { username, password: `${password}!`, clientAddress });
    expect(wrong.ok).toBe(false);
    const issued = await call(suite.nc, subjects.authIssueSessionToken, { sessionId: login.session.id });
    expect(issued.ok).toBe(true);

    const metrics = await (await fetch(`http://127.0.0.1:${suite.auth.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/auth_registrations_total\{[^}]*outcome="ok"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/auth_registrations_total\{[^}]*outcome="conflict"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/auth_logins_total\{[^}]*outcome="ok"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/auth_logins_total\{[^}]*outcome="invalid_credentials"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/auth_session_tokens_issued_total\{[^}]*\} [1-9]/);
  });
});
