import { createLocalJWKSet, jwtVerify, errors, type JWK } from 'jose';
import { subjects } from '@chatrt/contracts';
import { CodedError, type Logger } from '@chatrt/service-kit';
import type { Backend } from '../application/ports.ts';

/** Who a verified session token belongs to, and until when it is valid. */
export interface TokenIdentity {
  userId: string;
  username: string;
  /** The login session's public id (`sid`): a logout revokes it. */
  sessionId: string;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

export interface TokenVerifier {
  verify(token: string): Promise<TokenIdentity>;
  /** Fetches the current verification keys from the auth service. */
  refresh(): Promise<void>;
  /** Whether verification keys are loaded. */
  ready(): boolean;
}

const issuer = 'chat-auth';
const audience = 'chat-gateway';
const keyRefreshIntervalMs = 10_000;

/**
 * Verifies session tokens locally with the auth service's public keys, fetched over NATS, and refuses those
 * of revoked (logged out) sessions. An unknown key id triggers one refresh (key rotation), at most every 10 s
 * so bad tokens cannot flood the auth service.
 */
export function createTokenVerifier(
  backend: Backend,
  revocations: { isRevoked(sessionId: string): boolean },
  log: Logger,
): TokenVerifier {
  let keySet: ReturnType<typeof createLocalJWKSet> | undefined;
  let lastRefresh = 0;

  async function loadKeys(): Promise<ReturnType<typeof createLocalJWKSet>> {
    lastRefresh = Date.now();
    const reply = await backend.request(subjects.authVerificationKeys, {});
    if (!reply.ok) throw new CodedError('UNAVAILABLE', 'token verification keys unavailable');
    keySet = createLocalJWKSet({ keys: reply.keys as JWK[] });
    log.info({ keys: reply.keys.length }, 'loaded token verification keys');
    return keySet;
  }

  async function verifyWith(token: string, allowRefresh: boolean): Promise<TokenIdentity> {
    const keys = keySet ?? (await loadKeys());
    try {
      const { payload } = await jwtVerify(token, keys, { issuer, audience, algorithms: ['EdDSA'] });
      const { sub, exp, username, sid } = payload;
      if (
        typeof sub !== 'string' ||
        typeof username !== 'string' ||
        typeof sid !== 'string' ||
        typeof exp !== 'number'
      ) {
        throw new CodedError('UNAUTHENTICATED', 'session token lacks its claims');
      }
      if (revocations.isRevoked(sid)) throw new CodedError('UNAUTHENTICATED', 'session ended (logged out)');
      return { userId: sub, username, sessionId: sid, expiresAt: exp * 1000 };
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey && allowRefresh && Date.now() - lastRefresh > keyRefreshIntervalMs) {
        await loadKeys();
        return verifyWith(token, false);
      }
      if (err instanceof CodedError) throw err;
      if (err instanceof errors.JWTExpired)
        throw new CodedError('UNAUTHENTICATED', 'session token expired', { cause: err });
      throw new CodedError('UNAUTHENTICATED', 'invalid session token', { cause: err });
    }
  }

  return {
    verify: (token) => verifyWith(token, true),
    refresh: async () => {
      await loadKeys();
    },
    ready: () => keySet !== undefined,
  };
}
