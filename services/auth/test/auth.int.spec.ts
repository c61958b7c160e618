import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  subjects,
  type LoginReply,
  type NatsRequests,
  type NatsRequestSubject,
  type SessionsRevoked,
} from '@chatrt/contracts';
import { connectNats, createLogger, createPool, request, type NatsConnection, type Pool } from '@chatrt/service-kit';
import { loadAuthConfig, startAuth, type RunningAuth } from '../src/index.ts';
import { createPostgresAuthStore } from '../src/adapters/postgres-store.ts';
import { createLoginThrottle } from '../src/adapters/login-throttle.ts';
import { usernameKey } from '../src/domain/username.ts';
import { eventually } from '@chatrt/harness';

const log = createLogger('auth-test', 'error');
const signingKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const password = 'correct horse battery staple';

function testEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: inject('databaseUrl'),
    NATS_URL: inject('natsUrl'),
    OPS_PORT: '0',
    LOG_LEVEL: 'error',
    ...extra,
  };
}

/** A username nobody else in this run has: tests share one database and never clean it. */
function freshUsername(): string {
  return `u_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
}

/** A client address nobody else in this run uses, so failed-login counters start at zero. */
function freshAddress(): string {
  const bytes = randomUUID().replaceAll('-', '').slice(0, 6);
  return `10.${parseInt(bytes.slice(0, 2), 16)}.${parseInt(bytes.slice(2, 4), 16)}.${parseInt(bytes.slice(4, 6), 16)}`;
}

const clientAddress = freshAddress();

function call<S extends NatsRequestSubject>(nc: NatsConnection, subject: S, payload: NatsRequests[S]['request']) {
  return request(nc, subject, payload, 5_000);
}

async function registerAndLogin(
  nc: NatsConnection,
  username = freshUsername(),
): Promise<Extract<LoginReply, { ok: true }>> {
  const registered = await call(nc, subjects.authRegister, { username, password });
  expect(registered.ok).toBe(true);
  const login = await call(nc, subjects.authLogin, { username, password, clientAddress });
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

  async function sidOf(sessionSecret: string): Promise<string> {
    const issued = await call(nc, subjects.authIssueSessionToken, { sessionId: sessionSecret });
    if (!issued.ok) throw new Error(issued.error.message);
    return decodeJwt(issued.sessionToken.token)['sid'] as string;
  }

  /** The next `auth.evt.sessionsRevoked` message (subscribed before the caller acts). */
  function nextRevocations(): Promise<SessionsRevoked> {
    const sub = nc.subscribe(subjects.authSessionsRevoked, { max: 1, timeout: 5_000 });
    return (async () => {
      for await (const msg of sub) return msg.json<SessionsRevoked>();
      throw new Error('no revocation published');
    })();
  }

  async function listRevocations(): Promise<Array<{ sessionId: string; until: string }>> {
    const all: Array<{ sessionId: string; until: string }> = [];
    let afterSessionId: string | undefined;
    for (;;) {
      const page = await call(nc, subjects.authRevokedSessions, afterSessionId === undefined ? {} : { afterSessionId });
      if (!page.ok) throw new Error(page.error.message);
      all.push(...page.revocations);
      afterSessionId = page.revocations.at(-1)?.sessionId;
      if (!page.hasMore) return all;
    }
  }

  it('registers, logs in, resolves the session and issues a token the published key verifies', async () => {
    const username = freshUsername();
    const registered = await call(nc, subjects.authRegister, { username, password });
    if (!registered.ok) throw new Error(registered.error.message);
    expect(registered.user).toEqual({ id: expect.any(String), username });

    const before = Date.now();
    const login = await call(nc, subjects.authLogin, { username, password, clientAddress });
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
    expect(decodeProtectedHeader(issued.sessionToken.token)).toEqual({
      alg: 'EdDSA',
      typ: 'JWT',
      kid: keys.keys[0]?.['kid'],
    });
  });

  it('logs in with the username in any case and answers with the name as registered', async () => {
    const username = `Mixed_${randomUUID().slice(0, 8)}`;
    const login = await registerAndLogin(nc, username);
    const again = await call(nc, subjects.authLogin, { username: username.toUpperCase(), password, clientAddress });
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
    const replies = await Promise.all(
      variants.map((name) => call(nc, subjects.authRegister, { username: name, password })),
    );
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    for (const reply of replies.filter((r) => !r.ok))
      expect(reply).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
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
    expect(found.users.toSorted((x, y) => x.id.localeCompare(y.id))).toEqual(
      [a.user, b.user].toSorted((x, y) => x.id.localeCompare(y.id)),
    );
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
    expect(await call(nc, subjects.authFindUsers, { usernames })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', path: '/usernames' },
    });
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const login = await registerAndLogin(nc);
    const wrong = await call(nc, subjects.authLogin, {
      username: login.user.username,
      password: `${password}!`,
      clientAddress,
    });
    const unknown = await call(nc, subjects.authLogin, { username: freshUsername(), password, clientAddress });
    const expected = { ok: false, error: { code: 'UNAUTHENTICATED', message: 'invalid username or password' } };
    expect(wrong).toEqual(expected);
    expect(unknown).toEqual(expected);
  });

  it('ends a session on logout (idempotently); the session then resolves no more', async () => {
    const login = await registerAndLogin(nc);
    expect(await call(nc, subjects.authLogout, { sessionId: login.session.id })).toEqual({ ok: true });
    expect(await call(nc, subjects.authResolveSession, { sessionId: login.session.id })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(await call(nc, subjects.authLogout, { sessionId: login.session.id })).toEqual({ ok: true });
    const { rows } = await pool.query('SELECT 1 FROM auth.sessions WHERE user_id = $1', [login.user.id]);
    expect(rows).toHaveLength(0);
  });

  it("puts the session's public id (not its secret) in every token as sid", async () => {
    const login = await registerAndLogin(nc);
    const issued = await call(nc, subjects.authIssueSessionToken, { sessionId: login.session.id });
    if (!issued.ok) throw new Error(issued.error.message);
    const { rows } = await pool.query<{ id: string }>('SELECT id FROM auth.sessions WHERE user_id = $1', [
      login.user.id,
    ]);
    expect(rows).toHaveLength(1);
    const claims = decodeJwt(issued.sessionToken.token);
    expect(claims['sid']).toBe(rows[0]?.id);
    expect(claims['sid']).not.toBe(login.session.id);
  });

  it('stores and publishes the revocation of a logged-out session, and lists it until its tokens expire', async () => {
    const login = await registerAndLogin(nc);
    const other = await call(nc, subjects.authLogin, { username: login.user.username, password, clientAddress });
    if (!other.ok) throw new Error(other.error.message);
    const sid = await sidOf(login.session.id);
    const published = nextRevocations();
    const before = Date.now();
    expect(await call(nc, subjects.authLogout, { sessionId: login.session.id })).toEqual({ ok: true });

    const { revocations } = await published;
    expect(revocations).toEqual([{ sessionId: sid, until: expect.any(String) }]);
    // Tokens live at most 900 s here; a minute more covers clock skew between services.
    const until = Date.parse(revocations[0]!.until);
    expect(until).toBeGreaterThanOrEqual(before + 960_000 - 1_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 960_000);
    const { rows } = await pool.query<{ until: Date }>(
      'SELECT until FROM auth.revoked_sessions WHERE session_id = $1',
      [sid],
    );
    expect(rows.map((r) => r.until.toISOString())).toEqual([revocations[0]!.until]);

    expect(await listRevocations()).toContainEqual({ sessionId: sid, until: revocations[0]!.until });
    // The other session of the same user goes on.
    expect(await call(nc, subjects.authResolveSession, { sessionId: other.session.id })).toMatchObject({ ok: true });
  });

  it('logs a user out everywhere: every session ends, each revocation is stored and published', async () => {
    const first = await registerAndLogin(nc);
    const second = await call(nc, subjects.authLogin, { username: first.user.username, password, clientAddress });
    if (!second.ok) throw new Error(second.error.message);
    const bystander = await registerAndLogin(nc);
    const sids = [await sidOf(first.session.id), await sidOf(second.session.id)].sort();
    const published = nextRevocations();

    expect(await call(nc, subjects.authLogoutAll, { userId: first.user.id })).toEqual({ ok: true });
    expect((await published).revocations.map((r) => r.sessionId).sort()).toEqual(sids);
    for (const sessionId of [first.session.id, second.session.id]) {
      expect(await call(nc, subjects.authResolveSession, { sessionId })).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });
    }
    expect(await call(nc, subjects.authResolveSession, { sessionId: bystander.session.id })).toMatchObject({
      ok: true,
    });
    const listed = (await listRevocations()).map((r) => r.sessionId);
    for (const sid of sids) expect(listed).toContain(sid);
    // Pages go on after the given id, in id order.
    const after = await call(nc, subjects.authRevokedSessions, { afterSessionId: sids[0]! });
    if (!after.ok) throw new Error(after.error.message);
    expect(after.revocations.map((r) => r.sessionId)).toContain(sids[1]);
    expect(after.revocations.every((r) => r.sessionId > sids[0]!)).toBe(true);
  });

  it('rejects unknown session ids', async () => {
    const sessionId = 'A'.repeat(43);
    expect(await call(nc, subjects.authResolveSession, { sessionId })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(await call(nc, subjects.authIssueSessionToken, { sessionId })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('rejects invalid payloads before touching the store', async () => {
    const short = await call(nc, subjects.authRegister, { username: freshUsername(), password: 'short' });
    expect(short).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', path: '/password' } });
    const badName = await call(nc, subjects.authRegister, { username: 'no spaces allowed', password });
    expect(badName).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', path: '/username' } });
  });

  it('stores an argon2id hash, never the password, and only a digest of the session id', async () => {
    const login = await registerAndLogin(nc);
    const { rows: users } = await pool.query<{ password_hash: string }>(
      'SELECT password_hash FROM auth.users WHERE id = $1',
      [login.user.id],
    );
    const stored = users[0]?.password_hash ?? '';
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(stored).not.toContain(password);

    const { rows: sessions } = await pool.query<{ id_hash: Buffer }>(
      'SELECT id_hash FROM auth.sessions WHERE user_id = $1',
      [login.user.id],
    );
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.id_hash).toHaveLength(32);
    expect(sessions[0]?.id_hash.toString('base64url')).not.toBe(login.session.id);
  });

  it('reports health and counts outcomes on the ops server', async () => {
    const health = await fetch(`http://127.0.0.1:${auth.opsPort}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      service: 'auth',
      checks: { postgres: 'ok', nats: 'ok' },
    });

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
    expect(expired).toEqual({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'session is invalid or expired' },
    });
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
      const { rows } = await pool.query<{ user_id: string }>(
        'SELECT user_id FROM auth.sessions WHERE user_id = ANY($1::uuid[])',
        [[login.user.id, live.user.id]],
      );
      expect(rows.map((r) => r.user_id)).toEqual([live.user.id]);
    } finally {
      await pool.end();
    }
  });
});

describe('login throttling (3 in a row per username and address; per address a day: 4 against real users, 3 with unknown names)', () => {
  const limits = {
    LOGIN_MAX_FAILURES: '3',
    LOGIN_MAX_FAILURES_PER_ADDRESS: '4',
    LOGIN_MAX_UNKNOWN_USER_FAILURES_PER_ADDRESS: '3',
  };
  let auth: RunningAuth;
  let nc: NatsConnection;
  let pool: Pool;

  beforeAll(async () => {
    auth = await startAuth(loadAuthConfig(testEnv({ AUTH_SIGNING_KEY: signingKeyPem, ...limits })), log);
    nc = await connectNats(inject('natsUrl'), 'auth-test-client', log);
    pool = createPool(inject('databaseUrl'), log, 2);
  });

  afterAll(async () => {
    await nc?.drain();
    await pool?.end();
    await auth?.close();
  });

  const login = (username: string, pw: string, address: string) =>
    call(nc, subjects.authLogin, { username, password: pw, clientAddress: address });

  async function registered(): Promise<string> {
    const username = freshUsername();
    expect((await call(nc, subjects.authRegister, { username, password })).ok).toBe(true);
    return username;
  }

  it('pauses a username at an address after 3 failures in a row, right password or not, in the one store every instance reads', async () => {
    const username = await registered();
    const [address, elsewhere] = [freshAddress(), freshAddress()];
    for (let i = 0; i < 3; i++)
      expect(await login(username, 'wrong-password', address)).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });
    const paused = await login(username.toUpperCase(), password, address);
    expect(paused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(!paused.ok && paused.error.retryAfter).toBeGreaterThan(890);
    expect(await login(username, password, elsewhere)).toMatchObject({ ok: true });

    // Another auth instance (another pool on the same database) sees the same pause.
    const otherPool = createPool(inject('databaseUrl'), log, 1);
    try {
      const otherInstance = createLoginThrottle(otherPool, {
        maxFailures: 3,
        blockSeconds: 900,
        maxFailuresPerAddress: 4,
        maxUnknownUserFailuresPerAddress: 3,
      });
      expect(await otherInstance.pairWaitMs(usernameKey(username), address)).toBeGreaterThan(890_000);
      expect(await otherInstance.pairWaitMs(usernameKey(username), elsewhere)).toBe(0);
    } finally {
      await otherPool.end();
    }
  });

  it('starts counting again after a successful login', async () => {
    const username = await registered();
    const address = freshAddress();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++)
        expect(await login(username, 'wrong-password', address)).toMatchObject({
          ok: false,
          error: { code: 'UNAUTHENTICATED' },
        });
      expect(await login(username, password, address)).toMatchObject({ ok: true });
    }
  });

  it('spraying unknown usernames from an address holds back only failed attempts: real users still log in there', async () => {
    const [newcomer, mistyper] = [await registered(), await registered()];
    const address = freshAddress();
    for (let i = 0; i < 3; i++)
      expect(await login(freshUsername(), password, address)).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });

    const held = await login(freshUsername(), password, address);
    expect(held).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(!held.ok && held.error.retryAfter).toBeGreaterThan(86_000);
    // A wrong password for a real user gets the same answer, so the lock does not tell which names exist.
    const wrong = await login(mistyper, 'wrong-password', address);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(await login(newcomer, password, address)).toMatchObject({ ok: true });
    expect(await login(mistyper, password, address)).toMatchObject({ ok: true });
    expect(await login(freshUsername(), password, freshAddress())).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('failures against real users have their own daily limit per address; past it, users who logged in there before still can', async () => {
    const regular = await registered();
    const newcomer = await registered();
    const targets = await Promise.all(Array.from({ length: 4 }, () => registered()));
    const address = freshAddress();
    expect(await login(regular, password, address)).toMatchObject({ ok: true });
    // One wrong password per user: no pair reaches its limit, the address does.
    for (const target of targets)
      expect(await login(target, 'wrong-password', address)).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });

    expect(await login(regular, password, address)).toMatchObject({ ok: true });
    expect(await login(newcomer, password, address)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(await login(targets[0]!, password, address)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(await login(freshUsername(), password, address)).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED' },
    });
    expect(await login(newcomer, password, freshAddress())).toMatchObject({ ok: true });
  });
});
