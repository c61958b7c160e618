import type { FastifyInstance } from 'fastify';
import { subjects, type operations } from '@chatrt/contracts';
import type { Backend } from '../backend.ts';
import type { TokenVerifier } from '../token-verifier.ts';
import { authenticate } from './authenticate.ts';
import { requireValid, unwrap } from './errors.ts';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type RoomCreated = Json<operations['createRoom']['responses']['201']>;
type MessageCreated = Json<operations['sendMessage']['responses']['201']>;
type MessagePage = Json<operations['listMessages']['responses']['200']>;

/** `/api/chat/*`: the HTTP fallback, on the same command and query paths as the socket. */
export function registerChatRoutes(app: FastifyInstance, backend: Backend, verifier: TokenVerifier): void {
  app.post('/api/chat/rooms', async (req, reply) => {
    const caller = await authenticate(req, backend, verifier);
    const body = requireValid('CreateRoomRequest', req.body);
    const { room } = unwrap(await backend.request(subjects.chatCreateRoom, { actorId: caller.userId, ...body }));
    return reply.status(201).send(room satisfies RoomCreated);
  });

  app.post('/api/chat/messages', async (req, reply) => {
    const caller = await authenticate(req, backend, verifier);
    const body = requireValid('PostMessageRequest', req.body);
    const { message } = unwrap(await backend.request(subjects.chatSendMessage, { actorId: caller.userId, ...body }));
    return reply.status(201).send(message satisfies MessageCreated);
  });

  app.get('/api/chat/messages', async (req, reply) => {
    const caller = await authenticate(req, backend, verifier);
    // The NATS query has exactly the REST parameters plus the caller, so one schema checks both.
    const query = requireValid('ListMessagesQuery', { ...coerceQuery(req.query), actorId: caller.userId });
    const { page } = unwrap(await backend.request(subjects.chatListMessages, query));
    return reply.status(200).send(page satisfies MessagePage);
  });
}

/** Query strings arrive as text; numeric parameters are turned into numbers before validation. */
function coerceQuery(query: unknown): Record<string, unknown> {
  if (!query || typeof query !== 'object') return {};
  return Object.fromEntries(
    Object.entries(query as Record<string, unknown>).map(([key, value]) =>
      ['before', 'after', 'limit'].includes(key) && typeof value === 'string' && /^\d+$/.test(value) ? [key, Number(value)] : [key, value],
    ),
  );
}
