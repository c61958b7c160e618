import type {
  AddMemberCommand,
  CreateRoomAck,
  CreateRoomCommand,
  DeleteMessageCommand,
  EditMessageCommand,
  GetRoomQuery,
  ListMessagesQuery,
  ListMessagesReply,
  ListRoomsQuery,
  ListRoomsReply,
  MarkReadAck,
  MarkReadCommand,
  Message,
  MessageAck,
  RemoveMemberCommand,
  RoomAck,
  RoomUpdatesQuery,
  RoomUpdatesReply,
  SendMessageCommand,
} from '@chatrt/contracts';
import {
  decide,
  MessageNotFoundError,
  readMarkerOf,
  requireMember,
  toMessage,
  toRoom,
  type ActiveRoom,
  type RoomCommand,
  type RoomPolicy,
} from '../domain/index.ts';
import type { AppendOutcome, ChatReadModels, CommandRequest, RoomCommandStore, UserDirectory } from './ports.ts';

/** Default and maximum page size of chat.qry.messages (the contract caps `limit` at 200). */
export const defaultPageSize = 50;
/** Default events scanned per chat.qry.roomUpdates page (the contract caps `limit` at 500). */
export const defaultUpdatesPageSize = 200;

/** The chat service's use cases, one per contract subject, independent of the transport. */
export interface ChatService {
  createRoom(command: CreateRoomCommand): Promise<CreateRoomAck>;
  sendMessage(command: SendMessageCommand): Promise<MessageAck>;
  editMessage(command: EditMessageCommand): Promise<MessageAck>;
  deleteMessage(command: DeleteMessageCommand): Promise<MessageAck>;
  markRead(command: MarkReadCommand): Promise<MarkReadAck>;
  addMember(command: AddMemberCommand): Promise<RoomAck>;
  removeMember(command: RemoveMemberCommand): Promise<RoomAck>;
  getRoom(query: GetRoomQuery): Promise<RoomAck>;
  listMessages(query: ListMessagesQuery): Promise<ListMessagesReply>;
  listRooms(query: ListRoomsQuery): Promise<ListRoomsReply>;
  roomUpdates(query: RoomUpdatesQuery): Promise<RoomUpdatesReply>;
}

export interface ChatServiceDeps {
  store: RoomCommandStore;
  /** Asked before a user becomes a member, so rooms never list users that do not exist. */
  users: UserDirectory;
  /** For queries and for the room of a message command. */
  readModels: ChatReadModels;
  policy: RoomPolicy;
  newId: () => string;
  /** Called when a sendMessage repeat is answered with the stored message. */
  onReplay?: () => void;
}

/** Runs commands through the domain and the command store, and answers queries from the read models. */
export function createChatService(deps: ChatServiceDeps): ChatService {
  const { store, readModels, policy, newId, users } = deps;

  /** Runs a command through the store and returns the room as its batch left it. */
  const run = async (
    command: RoomCommand,
    load: Omit<CommandRequest, 'roomId' | 'actorId' | 'decide'> = {},
  ): Promise<AppendOutcome> =>
    store.handle({
      roomId: command.data.roomId,
      actorId: command.data.actorId,
      decide: (state) => decide(command, state, policy),
      ...load,
    });

  /** The room after a command that appended or accepted it. */
  const activeRoom = (outcome: AppendOutcome, roomId: string): ActiveRoom => {
    if (outcome.kind !== 'appended' || outcome.state.status !== 'active')
      throw new Error(`command on room ${roomId} left no room`);
    return outcome.state;
  };

  /** The current state of a message after a command on it. */
  const messageAfter = (outcome: AppendOutcome, messageId: string): Message => {
    if (outcome.kind === 'duplicate') return outcome.message;
    const message = outcome.state.status === 'active' ? outcome.state.messages.get(messageId) : undefined;
    if (!message) throw new Error(`command on message ${messageId} left no message`);
    return toMessage(message);
  };

  /** Message commands name only the message: its room (fixed forever) comes from the read model. */
  const roomOfMessage = async (messageId: string): Promise<string> => {
    const roomId = await readModels.roomOfMessage(messageId);
    if (!roomId) throw new MessageNotFoundError(messageId);
    return roomId;
  };

  const memberState = async (roomId: string, actorId: string): Promise<ActiveRoom> =>
    requireMember(await readModels.roomState(roomId), roomId, actorId);

  return {
    async createRoom({ actorId, name, memberIds = [] }) {
      const roomId = newId();
      const others = memberIds.filter((id) => id !== actorId);
      const knownUserIds = others.length > 0 ? await users.existingUserIds(others) : new Set<string>();
      const outcome = await run({ type: 'CreateRoom', data: { roomId, actorId, name, memberIds, knownUserIds } });
      return { ok: true, room: toRoom(activeRoom(outcome, roomId)) };
    },

    async sendMessage({ actorId, roomId, message, clientMessageId = newId() }) {
      const messageId = newId();
      const outcome = await run(
        { type: 'SendMessage', data: { roomId, actorId, messageId, message, clientMessageId } },
        { clientMessageId },
      );
      if (outcome.kind === 'duplicate') deps.onReplay?.();
      return { ok: true, message: messageAfter(outcome, messageId) };
    },

    async editMessage({ actorId, messageId, message }) {
      const roomId = await roomOfMessage(messageId);
      const outcome = await run({ type: 'EditMessage', data: { roomId, actorId, messageId, message } }, { messageId });
      return { ok: true, message: messageAfter(outcome, messageId) };
    },

    async deleteMessage({ actorId, messageId }) {
      const roomId = await roomOfMessage(messageId);
      const outcome = await run({ type: 'DeleteMessage', data: { roomId, actorId, messageId } }, { messageId });
      return { ok: true, message: messageAfter(outcome, messageId) };
    },

    async markRead({ actorId, roomId, seq }) {
      const outcome = await run({ type: 'MarkRead', data: { roomId, actorId, seq } }, { readerId: actorId });
      return { ok: true, readMarker: { roomId, seq: readMarkerOf(activeRoom(outcome, roomId), actorId) } };
    },

    async addMember({ actorId, roomId, userId }) {
      const knownUserIds = await users.existingUserIds([userId]);
      const outcome = await run({ type: 'AddMember', data: { roomId, actorId, userId, knownUserIds } });
      return { ok: true, room: toRoom(activeRoom(outcome, roomId)) };
    },

    async removeMember({ actorId, roomId, userId }) {
      const outcome = await run({ type: 'RemoveMember', data: { roomId, actorId, userId } });
      return { ok: true, room: toRoom(activeRoom(outcome, roomId)) };
    },

    async getRoom({ actorId, roomId }) {
      return { ok: true, room: toRoom(await memberState(roomId, actorId)) };
    },

    async listMessages({ actorId, roomId, before, after, limit = defaultPageSize }) {
      await memberState(roomId, actorId);
      return { ok: true, page: await readModels.messagePage(roomId, { before, after, limit }) };
    },

    async listRooms({ actorId }) {
      return { ok: true, rooms: await readModels.roomSummaries(actorId) };
    },

    async roomUpdates({ actorId, roomId, afterSeq, limit = defaultUpdatesPageSize }) {
      return { ok: true, page: await readModels.roomUpdates({ roomId, actorId, afterSeq, limit }) };
    },
  };
}
