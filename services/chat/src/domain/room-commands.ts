import type { RoomEvent } from './room-events.ts';
import { assertNever, requireMember, type RoomState } from './room-state.ts';
import { InvalidMessageLengthError, RoomAlreadyExistsError } from './errors.ts';

/** Creates a room; the actor becomes its first member, then every other listed user. */
export interface CreateRoom {
  type: 'CreateRoom';
  data: { roomId: string; actorId: string; name: string; memberIds: readonly string[] };
}

/** Posts a message; `messageId` and `clientMessageId` are chosen by the caller. */
export interface SendMessage {
  type: 'SendMessage';
  data: { roomId: string; actorId: string; messageId: string; message: string; clientMessageId: string };
}

/** Every command a room handles. */
export type RoomCommand = CreateRoom | SendMessage;

/** Limits that come from configuration rather than from the contract. */
export interface RoomPolicy {
  /** Maximum message length in Unicode code points (the contract counts the same way). */
  messageMaxLength: number;
}

/** Decides which events a command produces against the room's current state, or throws a coded error. */
export function decide(command: RoomCommand, state: RoomState, policy: RoomPolicy): RoomEvent[] {
  switch (command.type) {
    case 'CreateRoom':
      return createRoom(command.data, state);
    case 'SendMessage':
      return sendMessage(command.data, state, policy);
    default:
      return assertNever(command);
  }
}

function createRoom(command: CreateRoom['data'], state: RoomState): RoomEvent[] {
  if (state.status !== 'absent') throw new RoomAlreadyExistsError(command.roomId);
  const others = new Set(command.memberIds);
  others.delete(command.actorId);
  return [
    { type: 'RoomCreated', data: { name: command.name } },
    ...[command.actorId, ...others].map((userId): RoomEvent => ({ type: 'MemberAdded', data: { userId } })),
  ];
}

function sendMessage(command: SendMessage['data'], state: RoomState, policy: RoomPolicy): RoomEvent[] {
  requireMember(state, command.roomId, command.actorId);
  // Code points, not UTF-16 units, so an emoji counts as one character as in JSON Schema's maxLength.
  const length = [...command.message].length;
  if (length < 1 || length > policy.messageMaxLength) throw new InvalidMessageLengthError(length, policy.messageMaxLength);
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
