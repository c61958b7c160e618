import type { FastifyInstance } from 'fastify';
import { subjects, type operations } from '@chatrt/contracts';
import type { Backend } from '../../application/ports.ts';
import type { RateLimitPolicy } from '../../application/rate-limits.ts';
import type { TokenVerifier } from '../token-verifier.ts';
import { authenticate } from './authenticate.ts';
import { requireValid, unwrap } from './errors.ts';
import { typedQuery } from './typed-query.ts';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type NotificationPage = Json<operations['listNotifications']['responses']['200']>;
type MarkedRead = Json<operations['markNotificationsRead']['responses']['200']>;

/** `/api/notifications`: the caller's notifications and their read state, served by the notify service. */
export function registerNotificationRoutes(
  app: FastifyInstance,
  deps: { backend: Backend; verifier: TokenVerifier; rateLimits: RateLimitPolicy },
): void {
  const { backend, verifier, rateLimits } = deps;

  app.get('/api/notifications', async (req, reply) => {
    const { userId } = await authenticate(req, backend, verifier);
    const query = requireValid('ListNotificationsQuery', { ...typedQuery(req.query), userId });
    const { page } = unwrap(await backend.request(subjects.notifyList, query));
    return reply.status(200).send(page satisfies NotificationPage);
  });

  app.post('/api/notifications/read', async (req, reply) => {
    const { userId } = await authenticate(req, backend, verifier);
    const body = requireValid('MarkNotificationsReadBody', req.body);
    const command = requireValid('MarkNotificationsReadCommand', { ...body, userId });
    rateLimits.enforce(userId, 'read');
    const { updated } = unwrap(await backend.request(subjects.notifyMarkRead, command));
    return reply.status(200).send({ updated } satisfies MarkedRead);
  });
}
