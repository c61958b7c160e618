import type { Namespace, Socket } from 'socket.io';
import type { LimitFunction } from 'p-limit';
import {
  clientEventSchemas,
  type AckFailure,
  type RateLimitKind,
  subjects,
  type ChatClientToServerEvents,
  type ChatEvents,
  type ChatServerToClientEvents,
  type RoomUpdate,
  type SchemaTypes,
} from '@chatrt/contracts';
import { failure, type Logger } from '@chatrt/service-kit';
import type { ChatCommands } from '../../application/chat-commands.ts';
import type { Backend } from '../../application/ports.ts';
import type { RateLimitPolicy } from '../../application/rate-limits.ts';
import { ResumableDelivery } from '../../application/resumable-delivery.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { SocketData } from './authenticate.ts';
import type { InFlight } from './in-flight.ts';
import { dispatchEvents } from './event-dispatch.ts';
import type { SubjectFeed } from './subject-feed.ts';
import type { RoomSignals } from './room-signals.ts';
import type { OutboundQueues } from './outbound-queues.ts';
import { SerialQueues } from './serial-queues.ts';
import { RoomEventBatches, type BatchLimits } from './room-event-batches.ts';
import { emitUpdate, LiveBroadcast } from './live-broadcast.ts';
import { roomStream } from '../../domain/delivery.ts';

export type ChatNamespace = Namespace<
  ChatClientToServerEvents,
  ChatServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export type ChatSocket = Socket<ChatClientToServerEvents, ChatServerToClientEvents, Record<string, never>, SocketData>;
type EventName = keyof ChatClientToServerEvents;
type Payload<E extends EventName> = SchemaTypes[(typeof clientEventSchemas.chat)[E]];
type Ack<E extends EventName> = Parameters<Parameters<ChatClientToServerEvents[E]>[1]>[0];
/** One handler per client event of the contract: a new event in asyncapi.yaml is a compile error here until handled. */
type Handlers = { [E in EventName]: (input: Payload<E>) => Promise<Ack<E>> };

export interface ChatNamespaceDeps {
  backend: Backend;
  commands: ChatCommands;
  /** Live events per room. */
  roomEvents: SubjectFeed<ChatEvents>;
  signals: RoomSignals;
  rateLimits: RateLimitPolicy;
  metrics: GatewayMetrics;
  inFlight: InFlight;
  log: Logger;
  replayPageSize: number;
  /** Paces replays to what each connection takes. */
  outbound: OutboundQueues;
  /** Runs a replay page's request when one of the gateway's replay slots is free. */
  replayPages: LimitFunction;
  /** Bounds of one `roomEvents` frame, for sockets with batched delivery. */
  batchLimits: BatchLimits;
}

/** Local Socket.IO room of a chat room's joined sockets, and of a user's sockets. */
export const roomChannel = (roomId: string) => `room:${roomId}`;
export const userChannel = (userId: string) => `user:${userId}`;

/** Wires `/chat`: every client event is validated, rate-limited (all but ping), answered, and acknowledged. */
export function serveChatNamespace(nsp: ChatNamespace, deps: ChatNamespaceDeps): void {
  const { backend, commands, roomEvents, signals, rateLimits, metrics, inFlight, log } = deps;
  const batches = new RoomEventBatches(nsp, deps.batchLimits);
  const live = new LiveBroadcast(nsp, batches);
  roomEvents.onDispatched(() => {
    live.flush();
  });

  nsp.on('connection', (socket: ChatSocket) => {
    const actorId = socket.data.identity.userId;
    const batched = socket.data.delivery === 'batched';
    /** The rooms this socket follows: each one's delivery, and how to stop following it. */
    const joined = new Map<string, { delivery: ResumableDelivery<ChatEvents, RoomUpdate>; leave: () => void }>();
    /** Joins of one room on this socket run one after another, so a later join replaces an earlier one whole. */
    const joining = new SerialQueues();
    void socket.join(userChannel(actorId));

    /** The handler behind the user's `kind` limit: a refused event is answered RATE_LIMITED and goes no further. */
    const limited =
      <I, A>(kind: RateLimitKind, handle: (input: I) => Promise<A>) =>
      async (input: I): Promise<A | AckFailure> =>
        rateLimits.check(actorId, kind, 'socket') ?? handle(input);

    const handlers: Handlers = {
      createRoom: (input) => commands.createRoom(actorId, input, 'socket'),
      sendMessage: (input) => commands.sendMessage(actorId, input, 'socket'),
      editMessage: (input) => commands.editMessage(actorId, input, 'socket'),
      deleteMessage: (input) => commands.deleteMessage(actorId, input, 'socket'),
      markRead: (input) => commands.markRead(actorId, input, 'socket'),
      addMember: (input) => commands.addMember(actorId, input, 'socket'),
      removeMember: (input) => commands.removeMember(actorId, input, 'socket'),
      joinRoom: limited('join', (input) => joining.run(input.roomId, () => join(input.roomId, input.afterSeq))),
      typing: limited('typing', ({ roomId, isTyping }): Promise<Ack<'typing'>> => {
        if (!joined.has(roomId)) return Promise.resolve(failure('FORBIDDEN', 'join the room before typing in it'));
        signals.publishTyping({ roomId, userId: actorId, isTyping });
        return Promise.resolve({ ok: true });
      }),
      ping: () => Promise.resolve({ ok: true, serverTime: new Date().toISOString() }),
    };

    dispatchEvents(socket, { schemas: clientEventSchemas.chat, handlers, metrics, inFlight, log });

    async function join(roomId: string, afterSeq: number | undefined): Promise<Ack<'joinRoom'>> {
      const reply = await backend.request(subjects.chatGetRoom, { actorId, roomId });
      if (!reply.ok) return reply;
      if (afterSeq !== undefined) metrics.resumes.inc();
      leave(roomId);
      const delivery = new ResumableDelivery<ChatEvents, RoomUpdate>({
        // A first join starts at the room's last seq; the catch-up below covers events published while subscribing.
        after: afterSeq ?? reply.room.lastSeq,
        shape: roomStream,
        emit: (update) => {
          if (batched) batches.addForSocket(socket, roomId, update);
          else emitUpdate(socket, update);
          // A removed member's socket stops receiving the room right after learning it was removed.
          if (update.event === 'memberRemoved' && update.payload.userId === actorId) leave(roomId);
        },
        source: {
          fetchPage: async (after) => {
            await deps.outbound.room(socket.conn);
            const updates = await deps.replayPages(() =>
              backend.request(subjects.chatRoomUpdates, {
                actorId,
                roomId,
                afterSeq: after,
                limit: deps.replayPageSize,
              }),
            );
            if (!updates.ok) throw new Error(`${updates.error.code}: ${updates.error.message}`);
            const { page } = updates;
            metrics.replayedUpdates.inc(page.updates.length);
            return { items: page.updates, last: page.lastSeq, hasMore: page.hasMore };
          },
          onCatchUpFailed: (err) => {
            catchUpFailed(roomId, delivery, err);
          },
        },
      });
      delivery.holdLive();
      const stopListening = await roomEvents.listen(roomId, (event) => {
        const update = live.updateFor(event);
        // This member's own removal goes through its delivery, which leaves the room once it is emitted.
        const removesMe = update?.event === 'memberRemoved' && update.payload.userId === actorId;
        if (!removesMe && delivery.advanceLive(event)) live.add(socket.id, batched);
        else delivery.onLive(event);
      });
      if (socket.disconnected) {
        stopListening();
        return failure('UNAVAILABLE', 'socket disconnected while joining');
      }
      await socket.join(roomChannel(roomId));
      joined.set(roomId, {
        delivery,
        leave: () => {
          delivery.stop();
          stopListening();
          void socket.leave(roomChannel(roomId));
          signals.leave(roomId, actorId);
        },
      });
      if (!(await signals.join(roomId, actorId))) {
        socket.emit('presence', { roomId, onlineUserIds: signals.online(roomId) });
      }
      void inFlight.track(
        delivery.catchUp().catch((err: unknown) => {
          catchUpFailed(roomId, delivery, err);
        }),
      );
      return reply;
    }

    function catchUpFailed(roomId: string, delivery: ResumableDelivery<ChatEvents, RoomUpdate>, err: unknown): void {
      // A room left meanwhile (e.g. on learning of one's removal) misses nothing that matters.
      if (joined.get(roomId)?.delivery !== delivery) return;
      // The client would see a gap; dropping the socket makes it reconnect and resume from its last seq.
      log.error(
        { err, roomId, socketId: socket.id },
        'catching up from the store failed; disconnecting so the client resumes',
      );
      socket.disconnect(true);
    }

    function leave(roomId: string): void {
      joined.get(roomId)?.leave();
      joined.delete(roomId);
    }

    socket.on('disconnect', () => {
      for (const roomId of [...joined.keys()]) leave(roomId);
    });
  });
}
