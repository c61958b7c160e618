import { describe, expect, it } from 'vitest';
import { usernameKey } from '../src/domain/username.ts';
import { loginVerdict, retryAfterSeconds } from '../src/domain/login-policy.ts';
import { revokedUntil } from '../src/domain/revocation.ts';
import { isSessionLive, sessionExpiresAt } from '../src/domain/session.ts';
import {
  SESSION_TOKEN_AUDIENCE,
  SESSION_TOKEN_ISSUER,
  sessionTokenClaims,
  sessionTokenExpiresAt,
} from '../src/domain/session-token.ts';

const user = { id: '5b0c7a43-2f3e-4a43-9f7e-0c1f1c2f7a10', username: 'Alice.W' };
const sessionId = '0d6f4a2e-8c1b-4f57-9a3e-2b7c5d9e1f04';

describe('usernameKey', () => {
  it('lower-cases ASCII letters and keeps everything else', () => {
    expect(usernameKey('Alice_W-9.x')).toBe('alice_w-9.x');
    expect(usernameKey('ALICE')).toBe(usernameKey('alice'));
  });

  it('does not fold non-ASCII look-alikes onto ASCII names', () => {
    // U+212A KELVIN SIGN lower-cases to 'k' with toLowerCase(); it must not match "kevin".
    expect(usernameKey('\u212Aevin')).not.toBe('kevin');
  });
});

describe('session expiry', () => {
  const now = new Date('2025-01-01T00:00:00.000Z');

  it('expires ttl seconds after creation', () => {
    expect(sessionExpiresAt(now, 604_800).toISOString()).toBe('2025-01-08T00:00:00.000Z');
  });

  it('is live strictly before its expiry instant', () => {
    const expiresAt = sessionExpiresAt(now, 1);
    expect(isSessionLive(expiresAt, new Date(now.getTime() + 999))).toBe(true);
    expect(isSessionLive(expiresAt, expiresAt)).toBe(false);
    expect(isSessionLive(expiresAt, new Date(now.getTime() + 5_000))).toBe(false);
  });
});

describe('session token claims', () => {
  const now = new Date('2025-01-01T00:00:00.750Z');
  const iat = Date.parse('2025-01-01T00:00:00Z') / 1000;

  it('carries issuer, audience, user, the session id and a ttl-long lifetime in whole seconds', () => {
    const claims = sessionTokenClaims({
      user,
      sessionId,
      now,
      ttlSeconds: 900,
      sessionExpiresAt: sessionExpiresAt(now, 604_800),
    });
    expect(claims).toEqual({
      iss: SESSION_TOKEN_ISSUER,
      aud: SESSION_TOKEN_AUDIENCE,
      sub: user.id,
      username: user.username,
      sid: sessionId,
      iat,
      exp: iat + 900,
    });
    expect(sessionTokenExpiresAt(claims).toISOString()).toBe('2025-01-01T00:15:00.000Z');
  });

  it('never outlives its session', () => {
    const sessionEnd = new Date('2025-01-01T00:01:00.500Z');
    const claims = sessionTokenClaims({ user, sessionId, now, ttlSeconds: 900, sessionExpiresAt: sessionEnd });
    expect(claims.exp).toBe(iat + 60);
    expect(sessionTokenExpiresAt(claims).getTime()).toBeLessThanOrEqual(sessionEnd.getTime());
  });
});

describe('login policy (an attempt whose username and address pair is not paused)', () => {
  const open = { knownMs: 0, unknownMs: 0 };
  const sprayed = { knownMs: 0, unknownMs: 3_600_000 };
  const guessed = { knownMs: 7_200_000, unknownMs: 0 };

  it('lets a right password in and answers a wrong one 401 while the address is under its limits', () => {
    expect(loginVerdict({ passwordValid: true, trustedHere: false, waits: open })).toEqual({ kind: 'succeed' });
    expect(loginVerdict({ passwordValid: false, trustedHere: false, waits: open })).toEqual({ kind: 'fail' });
  });

  it('past the unknown-username limit, a right password still logs in; every failure gets 429', () => {
    expect(loginVerdict({ passwordValid: true, trustedHere: false, waits: sprayed })).toEqual({ kind: 'succeed' });
    expect(loginVerdict({ passwordValid: false, trustedHere: true, waits: sprayed })).toEqual({
      kind: 'throttled',
      retryAfterSeconds: 3600,
    });
  });

  it('past the existing-username limit, only users trusted at the address get in; every 429 has the same wait', () => {
    const both = { knownMs: 1_000, unknownMs: 5_000 };
    expect(loginVerdict({ passwordValid: true, trustedHere: true, waits: guessed })).toEqual({ kind: 'succeed' });
    expect(loginVerdict({ passwordValid: true, trustedHere: false, waits: guessed })).toEqual({
      kind: 'throttled',
      retryAfterSeconds: 7200,
    });
    expect(loginVerdict({ passwordValid: true, trustedHere: false, waits: both })).toEqual(
      loginVerdict({ passwordValid: false, trustedHere: false, waits: both }),
    );
  });

  it('rounds waits up to whole seconds, at least one', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1_001)).toBe(2);
  });
});

describe('revocation window', () => {
  it('outlasts the last token of the session by a minute of clock skew', () => {
    expect(revokedUntil(new Date('2025-01-01T00:00:00.000Z'), 900).toISOString()).toBe('2025-01-01T00:16:00.000Z');
  });
});
