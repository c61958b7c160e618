import type {
  CreateRoomAck,
  CreateRoomCommand,
  GetRoomQuery,
  ListMessagesQuery,
  ListMessagesReply,
  Message,
  MessageSentEvent,
  RoomAck,
  SendMessageAck,
  SendMessageCommand,
} from '@chatrt/contracts';
import { CodedError, type Pool } from '@chatrt/service-kit';
import { decide, requireMember, toRoom, type RecordedRoomEvent, type RoomPolicy } from '../domain/index.ts';
import type { RoomEventStore } from './postgres/event-store.ts';
import { readRoomState } from './projections/rooms.ts';
import { listMessages } from './projections/messages.ts';

/** Default and maximum page size of chat.qry.messages (the contract caps `limit` at 200). */
export const defaultPageSize = 50;

/** The chat service's request handlers, one per contract subject, independent of the transport. */
export interface ChatHandlers {
  createRoom(command: CreateRoomCommand): Promise<CreateRoomAck>;
  sendMessage(command: SendMessageCommand): Promise<SendMessageAck>;
  getRoom(query: GetRoomQuery): Promise<RoomAck>;
  listMessages(query: ListMessagesQuery): Promise<ListMessagesReply>;
}

export interface ChatHandlerDeps {
  store: RoomEventStore;
  /** For queries, which read the projections outside any command transaction. */
  pool: Pool;
  policy: RoomPolicy;
  newId: () => string;
  /** Called when a sendMessage repeat is answered with the stored message. */
  onReplay?: () => void;
}

/** Wires commands to the domain and the event store, and queries to the read models. */
export function createChatHandlers(deps: ChatHandlerDeps): ChatHandlers {
  const { store, pool, policy, newId } = deps;
  return {
    async createRoom({ actorId, name, memberIds = [] }) {
      const roomId = newId();
      const outcome = await store.handle(roomId, actorId, (state) =>
        decide({ type: 'CreateRoom', data: { roomId, actorId, name, memberIds } }, state, policy),
      );
      if (outcome.kind !== 'appended' || outcome.state.status !== 'active') {
        throw new Error(`createRoom ${roomId} appended nothing`);
      }
      return { ok: true, room: toRoom(outcome.state) };
    },

    async sendMessage({ actorId, roomId, message, clientMessageId = newId() }) {
      const messageId = newId();
      const outcome = await store.handle(roomId, actorId, (state) =>
        decide({ type: 'SendMessage', data: { roomId, actorId, messageId, message, clientMessageId } }, state, policy),
      );
      if (outcome.kind === 'duplicate') {
        const stored = await store.findMessageSent(roomId, actorId, clientMessageId);
        // The key was violated, so the row is committed: absence means the store is inconsistent.
        if (!stored) throw new CodedError('UNAVAILABLE', `message ${clientMessageId} is being stored, retry`);
        deps.onReplay?.();
        return { ok: true, message: toMessage(stored) };
      }
      const sent = outcome.events.find(isMessageSent);
      if (!sent) throw new Error(`sendMessage to ${roomId} appended no MessageSent`);
      return { ok: true, message: toMessage(sent) };
    },

    async getRoom({ actorId, roomId }) {
      const room = requireMember(await readRoomState(pool, roomId), roomId, actorId);
      return { ok: true, room: toRoom(room) };
    },

    async listMessages({ actorId, roomId, before, after, limit = defaultPageSize }) {
      requireMember(await readRoomState(pool, roomId), roomId, actorId);
      return { ok: true, page: await listMessages(pool, roomId, { before, after, limit }) };
    },
  };
}

function isMessageSent(event: RecordedRoomEvent): event is MessageSentEvent {
  return event.type === 'MessageSent';
}

/** The contract view of a stored message: its id, seq and time are those of its MessageSent event. */
function toMessage(event: MessageSentEvent): Message {
  return {
    id: event.data.messageId,
    roomId: event.roomId,
    seq: event.seq,
    senderId: event.data.senderId,
    message: event.data.message,
    clientMessageId: event.data.clientMessageId,
    createdAt: event.metadata.occurredAt,
  };
}
