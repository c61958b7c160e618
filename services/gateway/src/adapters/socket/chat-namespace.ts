import type { Namespace, Socket } from 'socket.io';
import {
  clientEventSchemas,
  subjects,
  validate,
  type AckFailure,
  type ChatClientToServerEvents,
  type ChatServerToClientEvents,
} from '@chatrt/contracts';
import { failure, type Logger } from '@chatrt/service-kit';
import type { Backend } from '../backend.ts';
import type { SocketData } from './authenticate.ts';
import type { RoomFeed } from './room-feed.ts';
import { RoomDelivery } from './room-delivery.ts';

type ChatNamespace = Namespace<ChatClientToServerEvents, ChatServerToClientEvents, Record<string, never>, SocketData>;
type ChatSocket = Socket<ChatClientToServerEvents, ChatServerToClientEvents, Record<string, never>, SocketData>;
type EventName = keyof typeof clientEventSchemas.chat;

const replayPageSize = 200;

/** Wires `/chat`: every client event is validated, translated into a NATS request, and acknowledged. */
export function serveChatNamespace(nsp: ChatNamespace, deps: { backend: Backend; feed: RoomFeed; log: Logger }): void {
  const { backend, feed, log } = deps;

  nsp.on('connection', (socket: ChatSocket) => {
    const actorId = socket.data.identity.userId;
    const joined = new Map<string, () => void>();

    /** Validates the payload against the event's contract schema, or acks VALIDATION_FAILED. */
    function checked<E extends EventName>(event: E, payload: unknown, ack: (reply: AckFailure) => void) {
      const result = validate(clientEventSchemas.chat[event], payload);
      if (!result.ok) ack(failure('VALIDATION_FAILED', result.message, { path: result.path }));
      return result;
    }

    socket.on('createRoom', async (payload, ack) => {
      const input = checked('createRoom', payload, ack);
      if (!input.ok) return;
      ack(await backend.request(subjects.chatCreateRoom, { actorId, ...input.value }));
    });

    socket.on('sendMessage', async (payload, ack) => {
      const input = checked('sendMessage', payload, ack);
      if (!input.ok) return;
      ack(await backend.request(subjects.chatSendMessage, { actorId, ...input.value }));
    });

    socket.on('joinRoom', async (payload, ack) => {
      const input = checked('joinRoom', payload, ack);
      if (!input.ok) return;
      const { roomId, afterSeq } = input.value;
      const reply = await backend.request(subjects.chatGetRoom, { actorId, roomId });
      if (!reply.ok) {
        ack(reply);
        return;
      }
      joined.get(roomId)?.();
      const delivery = new RoomDelivery(afterSeq ?? 0, ({ event, payload: message }) => socket.emit(event, message));
      if (afterSeq !== undefined) delivery.holdLive();
      const stopListening = await feed.listen(roomId, (event) => delivery.onLive(event));
      if (socket.disconnected) {
        stopListening();
        return;
      }
      joined.set(roomId, stopListening);
      ack(reply);
      if (afterSeq === undefined) return;
      try {
        await delivery.catchUp(async (after) => {
          const page = await backend.request(subjects.chatListMessages, { actorId, roomId, after, limit: replayPageSize });
          if (!page.ok) throw new Error(`${page.error.code}: ${page.error.message}`);
          return page.page;
        });
      } catch (err) {
        // The client will see a gap; dropping the socket makes it reconnect and resume from its last seq.
        log.error({ err, roomId, socketId: socket.id }, 'replay failed; disconnecting so the client resumes');
        socket.disconnect(true);
      }
    });

    socket.onAny((event: string, ...args: unknown[]) => {
      if (event in clientEventSchemas.chat) return;
      const ack = args.at(-1);
      if (typeof ack === 'function') ack(failure('UNKNOWN_EVENT', `unknown event '${event}'`));
    });

    socket.on('disconnect', () => {
      for (const stop of joined.values()) stop();
      joined.clear();
    });
  });
}
