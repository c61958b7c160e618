import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { subjects, type LoginReply, type NatsRequests, type NatsRequestSubject } from '@chatrt/contracts';
import { connectNats, createLogger, createPool, request, type NatsConnection, type Pool } from '@chatrt/service-kit';
import { loadAuthConfig, startAuth, type RunningAuth } from '../src/index.ts';
import { createPostgresAuthStore } from '../src/adapters/postgres-store.ts';
import { eventually } from '../../../harness/src/testing/eventually.ts';

const log = createLogger('auth-test', 'error');
const signingKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const password = 'correct horse battery staple';

function testEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { DATABASE_URL: inject('databaseUrl'), NATS_URL: inject('natsUrl'), OPS_PORT: '0', LOG_LEVEL: 'error', ...extra };
}

/** A username nobody else in this run has: tests share one database and never clean it. */
function freshUsername(): string {
  return `u_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
}

function call<S extends NatsRequestSubject>(nc: NatsConnection, subject: S, payload: NatsRequests[S]['request']) {
  return request(nc, subject, payload, 5_000);
}


async function registerAndLogin(nc: NatsConnection, username = freshUsername()): Promise<Extract<LoginReply, { ok: true }>> {
  const registered = await call(nc, subjects.authRegister, { username, password });
  expect(registered.ok).toBe(true);
  const login = await call(nc, subjects.authLogin, { username, password });
  if (!login.ok) throw new Error(`login failed: ${login.error.message}`);
  return login;
}

// The two suites run one after the other, so only one auth instance answers the queue group at a time.
describe('auth service over NATS (default lifetimes)', () => {
  let auth: RunningAuth;
  let nc: NatsConnection;
  let pool: Pool;

  beforeAll(async () => {
    auth = await startAuth(loadAuthConfig(testEnv({ AUTH_SIGNING_KEY: signingKeyPem })), log);
    nc = await connectNats(inject('natsUrl'), 'auth-test-client', log);
    pool = createPool(inject('databaseUrl'), log, 2);
  });

  afterAll(async () => {
    await nc?.drain();
    await pool?.end();
    await auth?.close();
  });

  it('registers, logs in, resolves the session and issues a token the published key verifies', async () => {
    const username = freshUsername();
    const registered = await call(nc, subjects.authRegister, { username, password });
    if (!registered.ok) throw new Error(registered.error.message);
    expect(registered.user).toEqual({ id: expect.any(String), username });

    const before = Date.now();
    const login = await call(nc, subjects.authLogin, { username, password });
    if (!login.ok) throw new Error(login.error.message);
    expect(login.user).toEqual(registered.user);
    expect(login.session.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const sessionEnd = Date.parse(login.session.expiresAt);
    expect(sessionEnd).toBeGreaterThanOrEqual(before + 604_800_000 - 1_000);
    expect(sessionEnd).toBeLessThanOrEqual(Date.now() + 604_800_000);

    const resolved = await call(nc, subjects.authResolveSession, { sessionId: login.session.id });
    expect(resolved).toEqual({ ok: true, user: registered.user });

    const issued = await call(nc, subjects.authIssueSessionToken, { sessionId: login.session.id });
    if (!issued.ok) throw new Error(issued.error.message);
    const keysReply = await call(nc, subjects.authVerificationKeys, {});
    expect(keysReply.ok).toBe(true);
    const keys = keysReply.keys as JWK[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: expect.any(String) });
    expect(keys[0]).not.toHaveProperty('d');

    const { payload, protectedHeader } = await jwtVerify(issued.sessionToken.token, createLocalJWKSet({ keys }), {
      issuer: 'chat-auth',
      audience: 'chat-gateway',
      algorithms: ['EdDSA'],
    });
    expect(protectedHeader.kid).toBe(keys[0]?.kid);
    expect(payload.sub).toBe(registered.user.id);
    expect(payload['username']).toBe(username);
    const nowSeconds = Math.floor(Date.now() / 1000);
    expect(payload.exp).toBeLessThanOrEqual(nowSeconds + 900);
    expect(payload.exp).toBeGreaterThan(nowSeconds + 800);
    expect(Date.parse(issued.sessionToken.expiresAt)).toBe((payload.exp ?? 0) * 1000);
  });

  it('publishes the kid in every token header', async () => {
    const login = await registerAndLogin(nc);
    const issued = await call(nc, subjects.authIssueSessionToken, { sessionId: login.session.id });
    if (!issued.ok) throw new Error(issued.error.message);
    const keys = await call(nc, subjects.authVerificationKeys, {});
    expect(decodeProtectedHeader(issued.sessionToken.token)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: keys.keys[0]?.['kid'] });
  });

  it('logs in with the username in any case and answers with the name as registered', async () => {
    const username = `Mixed_${randomUUID().slice(0, 8)}`;
    const login = await registerAndLogin(nc, username);
    const again = await call(nc, subjects.authLogin, { username: username.toUpperCase(), password });
    expect(again).toMatchObject({ ok: true, user: { id: login.user.id, username } });
  });

  it('refuses a username taken in another case', async () => {
    const username = freshUsername();
    expect((await call(nc, subjects.authRegister, { username, password })).ok).toBe(true);
    const duplicate = await call(nc, subjects.authRegister, { username: username.toUpperCase(), password });
    expect(duplicate).toEqual({ ok: false, error: { code: 'CONFLICT', message: 'username is taken' } });
  });

  it('lets exactly one of several concurrent registrations of a name win', async () => {
    const username = freshUsername();
    const variants = [username, username.toUpperCase(), username, `U${username.slice(1)}`];
    const replies = await Promise.all(variants.map((name) => call(nc, subjects.authRegister, { username: name, password })));
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    for (const reply of replies.filter((r) => !r.ok)) expect(reply).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('finds users by username in any case, leaving unknown names out', async () => {
    const [first, second] = [`Find_${randomUUID().slice(0, 8)}`, freshUsername()];
    const a = await call(nc, subjects.authRegister, { username: first, password });
    const b = await call(nc, subjects.authRegister, { username: second, password });
    if (!a.ok || !b.ok) throw new Error('registration failed');
    const found = await call(nc, subjects.authFindUsers, {
      usernames: [first.toLowerCase(), first.toUpperCase(), second, freshUsername(), '\u212Aevin'],
    });
    if (!found.ok) throw new Error(found.error.message);
    expect(found.users.toSorted((x, y) => x.id.localeCompare(y.id))).toEqual([a.user, b.user].toSorted((x, y) => x.id.localeCompare(y.id)));
    expect(await call(nc, subjects.authFindUsers, { usernames: [] })).toEqual({ ok: true, users: [] });
  });

  it('looks names up through the lower(username) index', async () => {
    const client = await pool.connect();
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
    expect(await call(nc, subjects.authFindUsers, { usernames })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', path: '/usernames' } });
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const login = await registerAndLogin(nc);
    const wrong = await call(nc, subjects.authLogin, { username: login.user.username, password: `${password}!` });
    const unknown = await call(nc, subjects.authLogin, { username: freshUsername(), password });
    const expected = { ok: false, error: { code: 'UNAUTHENTICATED', message: 'invalid username or password' } };
    expect(wrong).toEqual(expected);
    expect(unknown).toEqual(expected);
  });

  it('ends a session on logout (idempotently); the session then resolves no more', async () => {
    const login = await registerAndLogin(nc);
    expect(await call(nc, subjects.authLogout, { sessionId: login.session.id })).toEqual({ ok: true });
    expect(await call(nc, subjects.authResolveSession, { sessionId: login.session.id })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await call(nc, subjects.authLogout, { sessionId: login.session.id })).toEqual({ ok: true });
    const { rows } = await pool.query('SELECT 1 FROM auth.sessions WHERE user_id = $1', [login.user.id]);
    expect(rows).toHaveLength(0);
  });

  it('rejects unknown session ids', async () => {
    const sessionId = 'A'.repeat(43);
    expect(await call(nc, subjects.authResolveSession, { sessionId })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await call(nc, subjects.authIssueSessionToken, { sessionId })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('rejects invalid payloads before touching the store', async () => {
    const short = await call(nc, subjects.authRegister, { username: freshUsername(), password: 'short' });
    expect(short).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', path: '/password' } });
    const badName = await call(nc, subjects.authRegister, { username: 'no spaces allowed', password });
    expect(badName).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', path: '/username' } });
  });

  it('stores an argon2id hash, never the password, and only a digest of the session id', async () => {
    const login = await registerAndLogin(nc);
    const { rows: users } = await pool.query<{ password_hash: string }>('SELECT password_hash FROM auth.users WHERE id = $1', [login.user.id]);
    const stored = users[0]?.password_hash ?? '';
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(stored).not.toContain(password);

    const { rows: sessions } = await pool.query<{ id_hash: Buffer }>('SELECT id_hash FROM auth.sessions WHERE user_id = $1', [login.user.id]);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.id_hash).toHaveLength(32);
    expect(sessions[0]?.id_hash.toString('base64url')).not.toBe(login.session.id);
  });

  it('reports health and counts outcomes on the ops server', async () => {
    const health = await fetch(`http://127.0.0.1:${auth.opsPort}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', service: 'auth', checks: { postgres: 'ok', nats: 'ok' } });

    const metrics = await (await fetch(`http://127.0.0.1:${auth.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/auth_registrations_total\{[^}]*outcome="ok"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/auth_registrations_total\{[^}]*outcome="conflict"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/auth_logins_total\{[^}]*outcome="ok"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/auth_logins_total\{[^}]*outcome="invalid_credentials"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/auth_session_tokens_issued_total\{[^}]*\} [1-9]/);
  });
});

describe('auth service over NATS (1 s sessions, key from a file)', () => {
  let auth: RunningAuth;
  let nc: NatsConnection;
  let keyDir: string;

  beforeAll(async () => {
    keyDir = await mkdtemp(join(tmpdir(), 'auth-key-'));
    const keyFile = join(keyDir, 'signing-key.pem');
    await writeFile(keyFile, signingKeyPem, { mode: 0o600 });
    auth = await startAuth(loadAuthConfig(testEnv({ AUTH_SIGNING_KEY_FILE: keyFile, SESSION_TTL_SECONDS: '1' })), log);
    nc = await connectNats(inject('natsUrl'), 'auth-test-client', log);
  });

  afterAll(async () => {
    await nc?.drain();
    await auth?.close();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  it('stops resolving a session and issuing tokens for it once it expires', async () => {
    const before = Date.now();
    const login = await registerAndLogin(nc);
    const sessionEnd = Date.parse(login.session.expiresAt);
    expect(sessionEnd).toBeGreaterThanOrEqual(before + 1_000);
    expect(sessionEnd).toBeLessThanOrEqual(Date.now() + 1_000);

    const expired = await eventually(
      () => call(nc, subjects.authResolveSession, { sessionId: login.session.id }),
      (reply) => !reply.ok,
      5_000,
    );
    expect(expired).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'session is invalid or expired' } });
    expect(Date.now()).toBeGreaterThanOrEqual(sessionEnd);

    const token = await call(nc, subjects.authIssueSessionToken, { sessionId: login.session.id });
    expect(token).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'session is invalid or expired' } });

    // The purge deletes exactly the sessions that expired (this one), not live ones.
    const pool = createPool(inject('databaseUrl'), log, 1);
    try {
      const store = createPostgresAuthStore(pool);
      const live = await registerAndLogin(nc);
      // Cut off just after the first session's end: the second one, created later, ends later.
      await store.deleteExpiredSessions(new Date(Date.parse(login.session.expiresAt) + 1));
      const { rows } = await pool.query<{ user_id: string }>('SELECT user_id FROM auth.sessions WHERE user_id = ANY($1::uuid[])', [
        [login.user.id, live.user.id],
      ]);
      expect(rows.map((r) => r.user_id)).toEqual([live.user.id]);
    } finally {
      await pool.end();
    }
  });
});
