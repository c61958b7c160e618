import type { FastifyInstance, FastifyRequest } from 'fastify';
import { subjects, type operations } from '@chatrt/contracts';
import type { ChatCommands } from '../../application/chat-commands.ts';
import type { Backend } from '../../application/ports.ts';
import type { GatewayMetrics } from '../metrics.ts';
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
  deps: { backend: Backend; commands: ChatCommands; verifier: TokenVerifier; metrics: GatewayMetrics },
): void {
  const { backend, commands, verifier, metrics } = deps;
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
    const body = requireValid('CreateRoomRequest', req.body);
    const { room } = unwrap(await commands.createRoom(actorId, body, 'rest'));
    return reply.status(201).send(room satisfies RoomCreated);
  });

  app.post<RoomParams>('/api/chat/rooms/:roomId/members', async (req, reply) => {
    const actorId = await caller(req);
    const { userId } = requireValid('MemberBody', req.body);
    const command = requireValid('AddMemberCommand', { actorId, roomId: req.params.roomId, userId });
    const { room } = unwrap(await commands.addMember(actorId, command, 'rest'));
    return reply.status(200).send(room satisfies RoomAfterChange);
  });

  app.delete<RoomParams>('/api/chat/rooms/:roomId/members', async (req, reply) => {
    const actorId = await caller(req);
    const { userId } = requireValid('MemberBody', req.body);
    const command = requireValid('RemoveMemberCommand', { actorId, roomId: req.params.roomId, userId });
    const { room } = unwrap(await commands.removeMember(actorId, command, 'rest'));
    return reply.status(200).send(room satisfies RoomAfterChange);
  });

  app.post<RoomParams>('/api/chat/rooms/:roomId/read', async (req, reply) => {
    const actorId = await caller(req);
    const { seq } = requireValid('ReadBody', req.body);
    const command = requireValid('MarkReadCommand', { actorId, roomId: req.params.roomId, seq });
    const { readMarker } = unwrap(await commands.markRead(actorId, command, 'rest'));
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
    const body = requireValid('PostMessageRequest', req.body);
    const { message } = unwrap(await commands.sendMessage(actorId, body, 'rest'));
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
    // The command is checked as it will be sent, with its text normalized.
    const { message } = normalizedText(requireValid('EditBody', req.body));
    const command = requireValid('EditMessageCommand', { actorId, messageId: req.params.messageId, message });
    const edited = unwrap(await commands.editMessage(actorId, command, 'rest'));
    return reply.status(200).send(edited.message satisfies MessageChanged);
  });

  app.delete<MessageParams>('/api/chat/messages/:messageId', async (req, reply) => {
    const actorId = await caller(req);
    const command = requireValid('DeleteMessageCommand', { actorId, messageId: req.params.messageId });
    const deleted = unwrap(await commands.deleteMessage(actorId, command, 'rest'));
    return reply.status(200).send(deleted.message satisfies MessageChanged);
  });
}
