import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { subjects, type SessionsRevoked } from '@chatrt/contracts';
import { authSuite, call, clientAddress, freshUsername, password, registerAndLogin, signingKeyPem } from './support.ts';

describe('auth service over NATS: sessions, tokens and revocations (default lifetimes)', () => {
  const suite = authSuite(() => ({ AUTH_SIGNING_KEY: signingKeyPem }));

  async function sidOf(sessionSecret: string): Promise<string> {
    const issued = await call(suite.nc, subjects.authIssueSessionToken, { sessionId: sessionSecret });
    if (!issued.ok) throw new Error(issued.error.message);
    return decodeJwt(issued.sessionToken.token)['sid'] as string;
  }

  /** The next `auth.evt.sessionsRevoked` message (subscribed before the caller acts). */
  function nextRevocations(): Promise<SessionsRevoked> {
    const sub = suite.nc.subscribe(subjects.authSessionsRevoked, { max: 1, timeout: 5_000 });
    return (async () => {
      for await (const msg of sub) return msg.json<SessionsRevoked>();
      throw new Error('no revocation published');
    })();
  }

  async function listRevocations(): Promise<Array<{ sessionId: string; until: string }>> {
    const all: Array<{ sessionId: string; until: string }> = [];
    let afterSessionId: string | undefined;
    for (;;) {
      const page = await call(
        suite.nc,
        subjects.authRevokedSessions,
        afterSessionId === undefined ? {} : { afterSessionId },
      );
      if (!page.ok) throw new Error(page.error.message);
      all.push(...page.revocations);
      afterSessionId = page.revocations.at(-1)?.sessionId;
      if (!page.hasMore) return all;
    }
  }

  it('registers, logs in, resolves the session and issues a token the published key verifies', async () => {
    const username = freshUsername();
    const registered = await call(suite.nc, subjects.authRegister, { username, password });
    if (!registered.ok) throw new Error(registered.error.message);
    expect(registered.user).toEqual({ id: expect.any(String) as unknown, username });

    const before = Date.now();
    const login = await call(suite.nc, subjects.authLogin, { username, password, clientAddress });
    if (!login.ok) throw new Error(login.error.message);
    expect(login.user).toEqual(registered.user);
    expect(login.session.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const sessionEnd = Date.parse(login.session.expiresAt);
    expect(sessionEnd).toBeGreaterThanOrEqual(before + 604_800_000 - 1_000);
    expect(sessionEnd).toBeLessThanOrEqual(Date.now() + 604_800_000);

    const resolved = await call(suite.nc, subjects.authResolveSession, { sessionId: login.session.id });
    expect(resolved).toEqual({ ok: true, user: registered.user });

    const issued = await call(suite.nc, subjects.authIssueSessionToken, { sessionId: login.session.id });
    if (!issued.ok) throw new Error(issued.error.message);
    const keysReply = await call(suite.nc, subjects.authVerificationKeys, {});
    expect(keysReply.ok).toBe(true);
    const keys = keysReply.keys as JWK[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      use: 'sig',
      kid: expect.any(String) as unknown,
    });
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
    const login = await registerAndLogin(suite.nc);
    const issued = await call(suite.nc, subjects.authIssueSessionToken, { sessionId: login.session.id });
    if (!issued.ok) throw new Error(issued.error.message);
    const keys = await call(suite.nc, subjects.authVerificationKeys, {});
    expect(decodeProtectedHeader(issued.sessionToken.token)).toEqual({
      alg: 'EdDSA',
      typ: 'JWT',
      kid: (keys.keys as JWK[])[0]?.kid,
    });
  });

  it('ends a session on logout (idempotently); the session then resolves no more', async () => {
    const login = await registerAndLogin(suite.nc);
    expect(await call(suite.nc, subjects.authLogout, { sessionId: login.session.id })).toEqual({ ok: true });
    expect(await call(suite.nc, subjects.authResolveSession, { sessionId: login.session.id })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(await call(suite.nc, subjects.authLogout, { sessionId: login.session.id })).toEqual({ ok: true });
    const { rows } = await suite.pool.query('SELECT 1 FROM auth.sessions WHERE user_id = $1', [login.user.id]);
    expect(rows).toHaveLength(0);
  });

  it("puts the session's public id (not its secret) in every token as sid", async () => {
    const login = await registerAndLogin(suite.nc);
    const issued = await call(suite.nc, subjects.authIssueSessionToken, { sessionId: login.session.id });
    if (!issued.ok) throw new Error(issued.error.message);
    const { rows } = await suite.pool.query<{ id: string }>('SELECT id FROM auth.sessions WHERE user_id = $1', [
      login.user.id,
    ]);
    expect(rows).toHaveLength(1);
    const claims = decodeJwt(issued.sessionToken.token);
    expect(claims['sid']).toBe(rows[0]?.id);
    expect(claims['sid']).not.toBe(login.session.id);
  });

  it('stores and publishes the revocation of a logged-out session, and lists it until its tokens expire', async () => {
    const login = await registerAndLogin(suite.nc);
    const other = await call(suite.nc, subjects.authLogin, { username: login.user.username, password, clientAddress });
    if (!other.ok) throw new Error(other.error.message);
    const sid = await sidOf(login.session.id);
    const published = nextRevocations();
    const before = Date.now();
    expect(await call(suite.nc, subjects.authLogout, { sessionId: login.session.id })).toEqual({ ok: true });

    const { revocations } = await published;
    expect(revocations).toEqual([{ sessionId: sid, until: expect.any(String) as unknown }]);
    // Tokens live at most 900 s here; a minute more covers clock skew between services.
    const until = Date.parse(revocations[0]!.until);
    expect(until).toBeGreaterThanOrEqual(before + 960_000 - 1_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 960_000);
    const { rows } = await suite.pool.query<{ until: Date }>(
      'SELECT until FROM auth.revoked_sessions WHERE session_id = $1',
      [sid],
    );
    expect(rows.map((r) => r.until.toISOString())).toEqual([revocations[0]!.until]);

    expect(await listRevocations()).toContainEqual({ sessionId: sid, until: revocations[0]!.until });
    // The other session of the same user goes on.
    expect(await call(suite.nc, subjects.authResolveSession, { sessionId: other.session.id })).toMatchObject({
      ok: true,
    });
  });

  it('logs a user out everywhere: every session ends, each revocation is stored and published', async () => {
    const first = await registerAndLogin(suite.nc);
    const second = await call(suite.nc, subjects.authLogin, { username: first.user.username, password, clientAddress });
    if (!second.ok) throw new Error(second.error.message);
    const bystander = await registerAndLogin(suite.nc);
    const sids = [await sidOf(first.session.id), await sidOf(second.session.id)].sort();
    const published = nextRevocations();

    expect(await call(suite.nc, subjects.authLogoutAll, { userId: first.user.id })).toEqual({ ok: true });
    expect((await published).revocations.map((r) => r.sessionId).sort()).toEqual(sids);
    for (const sessionId of [first.session.id, second.session.id]) {
      expect(await call(suite.nc, subjects.authResolveSession, { sessionId })).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHENTICATED' },
      });
    }
    expect(await call(suite.nc, subjects.authResolveSession, { sessionId: bystander.session.id })).toMatchObject({
      ok: true,
    });
    const listed = (await listRevocations()).map((r) => r.sessionId);
    for (const sid of sids) expect(listed).toContain(sid);
    // Pages go on after the given id, in id order.
    const after = await call(suite.nc, subjects.authRevokedSessions, { afterSessionId: sids[0]! });
    if (!after.ok) throw new Error(after.error.message);
    expect(after.revocations.map((r) => r.sessionId)).toContain(sids[1]);
    expect(after.revocations.every((r) => r.sessionId > sids[0]!)).toBe(true);
  });

  it('rejects unknown session ids', async () => {
    const sessionId = 'A'.repeat(43);
    expect(await call(suite.nc, subjects.authResolveSession, { sessionId })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    expect(await call(suite.nc, subjects.authIssueSessionToken, { sessionId })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });
});
