import type { RoomEvent } from './room-events.ts';
import {
  assertNever,
  readMarkerOf,
  requireMember,
  type ActiveRoom,
  type MessageState,
  type RoomState,
} from './room-state.ts';
import {
  InvalidMessageLengthError,
  MessageDeletedError,
  MessageNotFoundError,
  NotTheAuthorError,
  RemovalNotAllowedError,
  RoomAlreadyExistsError,
  SeqBeyondRoomError,
  UnknownUsersError,
} from './errors.ts';

/**
 * Creates a room; the actor becomes its first member, then every other listed user. `knownUserIds`
 * holds the listed users that exist, as the user directory answered before the command was decided.
 */
export interface CreateRoom {
  type: 'CreateRoom';
  data: {
    roomId: string;
    actorId: string;
    name: string;
    memberIds: readonly string[];
    knownUserIds: ReadonlySet<string>;
  };
}

/** Posts a message; `messageId` and `clientMessageId` are chosen by the caller. */
export interface SendMessage {
  type: 'SendMessage';
  data: { roomId: string; actorId: string; messageId: string; message: string; clientMessageId: string };
}

/** The author replaces a message's text. */
export interface EditMessage {
  type: 'EditMessage';
  data: { roomId: string; actorId: string; messageId: string; message: string };
}

/** The author deletes a message; it stays as a tombstone. */
export interface DeleteMessage {
  type: 'DeleteMessage';
  data: { roomId: string; actorId: string; messageId: string };
}

/** A member has read the room up to `seq`. */
export interface MarkRead {
  type: 'MarkRead';
  data: { roomId: string; actorId: string; seq: number };
}

/** A member adds a user to the room; `knownUserIds` as in CreateRoom. */
export interface AddMember {
  type: 'AddMember';
  data: { roomId: string; actorId: string; userId: string; knownUserIds: ReadonlySet<string> };
}

/** A member leaves, or the creator removes a member. */
export interface RemoveMember {
  type: 'RemoveMember';
  data: { roomId: string; actorId: string; userId: string };
}

/** Every command a room handles. */
export type RoomCommand = CreateRoom | SendMessage | EditMessage | DeleteMessage | MarkRead | AddMember | RemoveMember;

/** Limits that come from configuration rather than from the contract. */
export interface RoomPolicy {
  /** Maximum message length in Unicode code points (the contract counts the same way). */
  messageMaxLength: number;
}

/**
 * Decides which events a command produces against the room's current state, or throws a coded error.
 * An empty list means the command is already satisfied (idempotent repeats).
 */
export function decide(command: RoomCommand, state: RoomState, policy: RoomPolicy): RoomEvent[] {
  switch (command.type) {
    case 'CreateRoom':
      return createRoom(command.data, state);
    case 'SendMessage':
      return sendMessage(command.data, state, policy);
    case 'EditMessage':
      return editMessage(command.data, state, policy);
    case 'DeleteMessage':
      return deleteMessage(command.data, state);
    case 'MarkRead':
      return markRead(command.data, state);
    case 'AddMember':
      return addMember(command.data, state);
    case 'RemoveMember':
      return removeMember(command.data, state);
    default:
      return assertNever(command);
  }
}

function createRoom(command: CreateRoom['data'], state: RoomState): RoomEvent[] {
  if (state.status !== 'absent') throw new RoomAlreadyExistsError(command.roomId);
  const others = new Set(command.memberIds);
  others.delete(command.actorId);
  requireKnownUsers([...others], command.knownUserIds);
  return [
    { type: 'RoomCreated', data: { name: command.name } },
    ...[command.actorId, ...others].map((userId): RoomEvent => ({ type: 'MemberAdded', data: { userId } })),
  ];
}

function sendMessage(command: SendMessage['data'], state: RoomState, policy: RoomPolicy): RoomEvent[] {
  requireMember(state, command.roomId, command.actorId);
  checkLength(command.message, policy);
  return [
    {
      type: 'MessageSent',
      data: {
        messageId: command.messageId,
        senderId: command.actorId,
        message: command.message,
        clientMessageId: command.clientMessageId,
      },
    },
  ];
}

function editMessage(command: EditMessage['data'], state: RoomState, policy: RoomPolicy): RoomEvent[] {
  const message = authoredMessage(state, command);
  if (message.deleted) throw new MessageDeletedError(command.messageId);
  checkLength(command.message, policy);
  if (message.text === command.message) return [];
  return [{ type: 'MessageEdited', data: { messageId: command.messageId, message: command.message } }];
}

function deleteMessage(command: DeleteMessage['data'], state: RoomState): RoomEvent[] {
  const message = authoredMessage(state, command);
  if (message.deleted) return [];
  return [{ type: 'MessageDeleted', data: { messageId: command.messageId } }];
}

function markRead(command: MarkRead['data'], state: RoomState): RoomEvent[] {
  const room = requireMember(state, command.roomId, command.actorId);
  if (command.seq > room.lastSeq) throw new SeqBeyondRoomError(command.seq, room.lastSeq);
  // Markers only move forward: reading an older seq again changes nothing.
  if (command.seq <= readMarkerOf(room, command.actorId)) return [];
  return [{ type: 'ReadMarkerMoved', data: { userId: command.actorId, readSeq: command.seq } }];
}

function addMember(command: AddMember['data'], state: RoomState): RoomEvent[] {
  const room = requireMember(state, command.roomId, command.actorId);
  if (room.memberIds.includes(command.userId)) return [];
  requireKnownUsers([command.userId], command.knownUserIds);
  return [{ type: 'MemberAdded', data: { userId: command.userId } }];
}

function removeMember(command: RemoveMember['data'], state: RoomState): RoomEvent[] {
  const room = requireMember(state, command.roomId, command.actorId);
  if (command.userId !== command.actorId && command.actorId !== room.creatorId)
    throw new RemovalNotAllowedError(command.roomId);
  if (!room.memberIds.includes(command.userId)) return [];
  return [{ type: 'MemberRemoved', data: { userId: command.userId } }];
}

/** The message a member authored, or NOT_FOUND / FORBIDDEN. */
function authoredMessage(
  state: RoomState,
  command: { roomId: string; actorId: string; messageId: string },
): MessageState {
  const room: ActiveRoom = requireMember(state, command.roomId, command.actorId);
  const message = room.messages.get(command.messageId);
  if (!message) throw new MessageNotFoundError(command.messageId);
  if (message.senderId !== command.actorId) throw new NotTheAuthorError(command.messageId);
  return message;
}

/** Only users that exist may become members. */
function requireKnownUsers(userIds: readonly string[], knownUserIds: ReadonlySet<string>): void {
  const unknown = userIds.filter((id) => !knownUserIds.has(id));
  if (unknown.length > 0) throw new UnknownUsersError(unknown);
}

function checkLength(message: string, policy: RoomPolicy): void {
  // Code points, not UTF-16 units, so an emoji counts as one character as in JSON Schema's maxLength.
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points are the unit wanted here
  const length = [...message].length;
  if (length < 1 || length > policy.messageMaxLength)
    throw new InvalidMessageLengthError(length, policy.messageMaxLength);
}
