import type { FastifyInstance, FastifyRequest } from 'fastify';
import { subjects, type operations } from '@chatrt/contracts';
import type { Backend } from '../backend.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { RateLimitPolicy } from '../rate-limit-policy.ts';
import type { TokenVerifier } from '../token-verifier.ts';
import { authenticate } from './authenticate.ts';
import { requireValid, unwrap } from './errors.ts';
import { typedQuery } from './typed-query.ts';
import { normalizedText } from '../../domain/text-normalization.ts';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type RoomList = Json<operations['listRooms']['responses']['200']>;
type RoomCreated = Json<operations['createRoom']['responses']['201']>;
type RoomAfterChange = Json<operations['addMember']['responses']['200']>;
type ReadMarker = Json<operations['markRead']['responses']['200']>;
type MessageCreated = Json<operations['sendMessage']['responses']['201']>;
type MessageChanged = Json<operations['editMessage']['responses']['200']>;
type MessagePage = Json<operations['listMessages']['responses']['200']>;
type RoomUpdatePage = Json<operations['listRoomUpdates']['responses']['200']>;

type RoomParams = { Params: { roomId: string } };
type MessageParams = { Params: { messageId: string } };

/**
 * `/api/chat/*`: the HTTP fallback, on the same command and query paths as the socket. Bodies are checked
 * against their REST schema (so a body cannot smuggle in `actorId`), then the whole NATS request (path
 * parameters included) against its command schema.
 */
export function registerChatRoutes(
  app: FastifyInstance,
  deps: { backend: Backend; verifier: TokenVerifier; rateLimits: RateLimitPolicy; metrics: GatewayMetrics },
): void {
  const { backend, verifier, rateLimits, metrics } = deps;
  const caller = (req: FastifyRequest) =>
    authenticate(req, backend, verifier).then(
      (c) => {
        metrics.authEvents.inc({ kind: 'rest', result: 'ok' });
        return c.userId;
      },
      (err: unknown) => {
        metrics.authEvents.inc({ kind: 'rest', result: 'refused' });
        throw err;
      },
    );

  app.get('/api/chat/rooms', async (req, reply) => {
    const actorId = await caller(req);
    const { rooms } = unwrap(await backend.request(subjects.chatListRooms, { actorId }));
    return reply.status(200).send({ rooms } satisfies RoomList);
  });

  app.post('/api/chat/rooms', async (req, reply) => {
    const actorId = await caller(req);
    const body = normalizedText(requireValid('CreateRoomRequest', req.body));
    rateLimits.enforce(actorId, 'createRoom');
    const { room } = unwrap(await backend.request(subjects.chatCreateRoom, { actorId, ...body }));
    return reply.status(201).send(room satisfies RoomCreated);
  });

  app.post<RoomParams>('/api/chat/rooms/:roomId/members', async (req, reply) => {
    const actorId = await caller(req);
    const { userId } = requireValid('MemberBody', req.body);
    const command = requireValid('AddMemberCommand', { actorId, roomId: req.params.roomId, userId });
    rateLimits.enforce(actorId, 'membership');
    const { room } = unwrap(await backend.request(subjects.chatAddMember, command));
    return reply.status(200).send(room satisfies RoomAfterChange);
  });

  app.delete<RoomParams>('/api/chat/rooms/:roomId/members', async (req, reply) => {
    const actorId = await caller(req);
    const { userId } = requireValid('MemberBody', req.body);
    const command = requireValid('RemoveMemberCommand', { actorId, roomId: req.params.roomId, userId });
    rateLimits.enforce(actorId, 'membership');
    const { room } = unwrap(await backend.request(subjects.chatRemoveMember, command));
    return reply.status(200).send(room satisfies RoomAfterChange);
  });

  app.post<RoomParams>('/api/chat/rooms/:roomId/read', async (req, reply) => {
    const actorId = await caller(req);
    const { seq } = requireValid('ReadBody', req.body);
    const command = requireValid('MarkReadCommand', { actorId, roomId: req.params.roomId, seq });
    rateLimits.enforce(actorId, 'read');
    const { readMarker } = unwrap(await backend.request(subjects.chatMarkRead, command));
    return reply.status(200).send(readMarker satisfies ReadMarker);
  });

  app.get<RoomParams>('/api/chat/rooms/:roomId/updates', async (req, reply) => {
    const actorId = await caller(req);
    const query = requireValid('RoomUpdatesQuery', { ...typedQuery(req.query), roomId: req.params.roomId, actorId });
    const { page } = unwrap(await backend.request(subjects.chatRoomUpdates, query));
    return reply.status(200).send(page satisfies RoomUpdatePage);
  });

  app.post('/api/chat/messages', async (req, reply) => {
    const actorId = await caller(req);
    const body = normalizedText(requireValid('PostMessageRequest', req.body));
    rateLimits.enforce(actorId, 'send');
    const { message } = unwrap(await backend.request(subjects.chatSendMessage, { actorId, ...body }));
    return reply.status(201).send(message satisfies MessageCreated);
  });

  app.get('/api/chat/messages', async (req, reply) => {
    const actorId = await caller(req);
    // The NATS query has exactly the REST parameters plus the caller, so one schema checks both.
    const query = requireValid('ListMessagesQuery', { ...typedQuery(req.query), actorId });
    const { page } = unwrap(await backend.request(subjects.chatListMessages, query));
    return reply.status(200).send(page satisfies MessagePage);
  });

  app.patch<MessageParams>('/api/chat/messages/:messageId', async (req, reply) => {
    const actorId = await caller(req);
    const { message } = normalizedText(requireValid('EditBody', req.body));
    const command = requireValid('EditMessageCommand', { actorId, messageId: req.params.messageId, message });
    rateLimits.enforce(actorId, 'edit');
    const edited = unwrap(await backend.request(subjects.chatEditMessage, command));
    return reply.status(200).send(edited.message satisfies MessageChanged);
  });

  app.delete<MessageParams>('/api/chat/messages/:messageId', async (req, reply) => {
    const actorId = await caller(req);
    const command = requireValid('DeleteMessageCommand', { actorId, messageId: req.params.messageId });
    rateLimits.enforce(actorId, 'edit');
    const deleted = unwrap(await backend.request(subjects.chatDeleteMessage, command));
    return reply.status(200).send(deleted.message satisfies MessageChanged);
  });
}
