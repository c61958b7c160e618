import type { User } from '@chatrt/contracts';

/** `iss` of every session token; verifiers must check it. */
export const SESSION_TOKEN_ISSUER = 'chat-auth';
/** `aud` of every session token: the gateway is the only intended verifier. */
export const SESSION_TOKEN_AUDIENCE = 'chat-gateway';
/**
 * Allowed session token lifetimes in seconds: short, so a revocation is kept at most this long; a few seconds is
 * allowed for expiry drills.
 */
export const SESSION_TOKEN_TTL_LIMITS = { min: 5, max: 900 } as const;

/** The JWT claims of a session token; times in seconds since the epoch. */
export interface SessionTokenClaims {
  iss: typeof SESSION_TOKEN_ISSUER;
  aud: typeof SESSION_TOKEN_AUDIENCE;
  /** The user id. */
  sub: string;
  username: string;
  /** The login session's public id (never its secret): a logout revokes the session's tokens by it. */
  sid: string;
  iat: number;
  exp: number;
}

/**
 * Claims for a token issued at `now` for a live session. The token lives `ttlSeconds` but never past
 * its session's expiry, so an expiring session cannot be stretched by fetching a fresh token.
 */
export function sessionTokenClaims(input: {
  user: User;
  sessionId: string;
  now: Date;
  ttlSeconds: number;
  sessionExpiresAt: Date;
}): SessionTokenClaims {
  const iat = Math.floor(input.now.getTime() / 1000);
  const sessionEnd = Math.floor(input.sessionExpiresAt.getTime() / 1000);
  return {
    iss: SESSION_TOKEN_ISSUER,
    aud: SESSION_TOKEN_AUDIENCE,
    sub: input.user.id,
    username: input.user.username,
    sid: input.sessionId,
    iat,
    exp: Math.min(iat + input.ttlSeconds, sessionEnd),
  };
}

/** The instant a token with these claims expires. */
export function sessionTokenExpiresAt(claims: SessionTokenClaims): Date {
  return new Date(claims.exp * 1000);
}
