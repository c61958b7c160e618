import type { FastifyRequest } from 'fastify';
import { subjects } from '@chatrt/contracts';
import { CodedError } from '@chatrt/service-kit';
import type { Backend } from '../../application/ports.ts';
import type { TokenVerifier } from '../token-verifier.ts';

export const sessionCookie = 'sid';

/** The authenticated caller of a REST request. */
export interface Caller {
  userId: string;
}

/**
 * Authenticates a REST call by `Authorization: Bearer <session token>` (verified locally) or by the
 * session cookie (resolved by the auth service). Throws UNAUTHENTICATED otherwise.
 */
export async function authenticate(req: FastifyRequest, backend: Backend, verifier: TokenVerifier): Promise<Caller> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new CodedError('UNAUTHENTICATED', 'Authorization header must be "Bearer <session token>"');
    const identity = await verifier.verify(match[1]);
    return { userId: identity.userId };
  }
  const sessionId = req.cookies[sessionCookie];
  if (!sessionId) throw new CodedError('UNAUTHENTICATED', 'log in first (no session cookie or bearer token)');
  const reply = await backend.request(subjects.authResolveSession, { sessionId });
  if (!reply.ok) throw new CodedError(reply.error.code, reply.error.message);
  return { userId: reply.user.id };
}
