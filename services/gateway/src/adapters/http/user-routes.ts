import type { FastifyInstance } from 'fastify';
import { subjects, type operations } from '@chatrt/contracts';
import type { Backend } from '../backend.ts';
import type { TokenVerifier } from '../token-verifier.ts';
import { authenticate } from './authenticate.ts';
import { failure } from '@chatrt/service-kit';
import { ContractFailure, requireValid, unwrap } from './errors.ts';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type UserList = Json<operations['findUsers']['responses']['200']>;

/** `/api/users`: username lookup for signed-in users (to add members by name). */
export function registerUserRoutes(app: FastifyInstance, deps: { backend: Backend; verifier: TokenVerifier }): void {
  app.get<{ Querystring: { usernames?: string } }>('/api/users', async (req, reply) => {
    await authenticate(req, deps.backend, deps.verifier);
    const usernames = (req.query.usernames ?? '').split(',').map((name) => name.trim()).filter(Boolean);
    if (usernames.length === 0) throw new ContractFailure(failure('VALIDATION_FAILED', 'usernames is required', { path: '/usernames' }));
    const query = requireValid('FindUsersQuery', { usernames });
    const { users } = unwrap(await deps.backend.request(subjects.authFindUsers, query));
    return reply.status(200).send({ users } satisfies UserList);
  });
}
