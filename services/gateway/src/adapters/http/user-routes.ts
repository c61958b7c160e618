import type { FastifyInstance } from 'fastify';
import { subjects, type operations } from '@chatrt/contracts';
import type { Backend } from '../../application/ports.ts';
import type { TokenVerifier } from '../token-verifier.ts';
import { authenticate } from './authenticate.ts';
import { failure } from '@chatrt/service-kit';
import { ContractFailure, requireValid, unwrap } from './errors.ts';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type UserList = Json<operations['findUsers']['responses']['200']>;

/** `/api/users`: lookup by username (to add members by name) or by id (to name senders), for signed-in users. */
export function registerUserRoutes(app: FastifyInstance, deps: { backend: Backend; verifier: TokenVerifier }): void {
  app.get<{ Querystring: { usernames?: unknown; ids?: unknown } }>('/api/users', async (req, reply) => {
    await authenticate(req, deps.backend, deps.verifier);
    const usernames = commaList(req.query.usernames, '/usernames');
    const ids = commaList(req.query.ids, '/ids');
    // Exactly one of the two, as the spec says: an empty `usernames=` beside `ids` is given too.
    let found;
    if (usernames !== undefined && ids === undefined) {
      found = await deps.backend.request(subjects.authFindUsers, requireValid('FindUsersQuery', { usernames }));
    } else if (ids !== undefined && usernames === undefined) {
      found = await deps.backend.request(subjects.authUsersById, requireValid('FindUsersByIdQuery', { ids }));
    } else {
      throw new ContractFailure(failure('VALIDATION_FAILED', 'give either usernames or ids', { path: '/usernames' }));
    }
    const { users } = unwrap(found);
    return reply.status(200).send({ users } satisfies UserList);
  });
}

/**
 * A comma-separated parameter given once, or undefined when absent; repeating it (`?ids=a&ids=b`) or giving
 * it with no item (`?usernames=`, the spec's minLength 1) is refused.
 */
function commaList(value: unknown, path: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new ContractFailure(failure('VALIDATION_FAILED', `${path} must be given once, comma-separated`, { path }));
  }
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new ContractFailure(failure('VALIDATION_FAILED', `${path} names nothing`, { path }));
  return items;
}
