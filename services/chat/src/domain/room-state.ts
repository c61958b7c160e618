import type { Message, Room } from '@chatrt/contracts';
import type { RecordedRoomEvent } from './room-events.ts';
import { NotAMemberError, RoomNotFoundError } from './errors.ts';
import { applyMembership } from './membership.ts';

/** A message as the rules see it: who wrote it, and its current text unless deleted. */
export interface MessageState {
  id: string;
  roomId: string;
  /** Seq of its MessageSent event. */
  seq: number;
  senderId: string;
  clientMessageId: string;
  createdAt: string;
  /** Current text; undefined once deleted. */
  text: string | undefined;
  editedAt: string | undefined;
  deleted: boolean;
}

/**
 * A room that exists. `messages` and `readMarkers` hold only what a decision needs: a store loads the
 * one message and the one marker a command touches (O(1) per command), a test folds the whole stream.
 */
export interface ActiveRoom {
  status: 'active';
  id: string;
  name: string;
  /** Actor of RoomCreated: the one member who may remove others. */
  creatorId: string;
  /** In joining order, the creator first (until they leave). */
  memberIds: readonly string[];
  createdAt: string;
  /** Seq of the room's last event. */
  lastSeq: number;
  messages: ReadonlyMap<string, MessageState>;
  /** Highest seq each member has read; a member without an entry has read nothing (0). */
  readMarkers: ReadonlyMap<string, number>;
}

/** A room as the rules see it: absent until RoomCreated, then active. */
export type RoomState = { status: 'absent'; lastSeq: 0 } | ActiveRoom;

/** The state of a room that has no events yet. */
export const absentRoom: RoomState = { status: 'absent', lastSeq: 0 };

/** Folds one stored event into the room's state. */
export function evolve(state: RoomState, event: RecordedRoomEvent): RoomState {
  if (event.type === 'RoomCreated') {
    return {
      status: 'active',
      id: event.roomId,
      name: event.data.name,
      creatorId: event.metadata.actorId,
      memberIds: [],
      createdAt: event.metadata.occurredAt,
      lastSeq: event.seq,
      messages: new Map(),
      readMarkers: new Map(),
    };
  }
  if (state.status === 'absent') return state;
  const room: ActiveRoom = { ...state, lastSeq: event.seq };
  switch (event.type) {
    case 'MemberAdded': {
      if (room.memberIds.includes(event.data.userId)) return room;
      // What was said before someone joined is history to them, not unread: their marker starts here.
      const readMarkers = new Map(room.readMarkers);
      readMarkers.set(event.data.userId, Math.max(readMarkers.get(event.data.userId) ?? 0, event.seq));
      return {
        ...room,
        memberIds: applyMembership(room.memberIds, { userId: event.data.userId, added: true }),
        readMarkers,
      };
    }
    case 'MemberRemoved':
      return { ...room, memberIds: applyMembership(room.memberIds, { userId: event.data.userId, added: false }) };
    case 'MessageSent':
      return withMessage(room, {
        id: event.data.messageId,
        roomId: event.roomId,
        seq: event.seq,
        senderId: event.data.senderId,
        clientMessageId: event.data.clientMessageId,
        createdAt: event.metadata.occurredAt,
        text: event.data.message,
        editedAt: undefined,
        deleted: false,
      });
    case 'MessageEdited': {
      const message = room.messages.get(event.data.messageId);
      if (!message) return room;
      return withMessage(room, { ...message, text: event.data.message, editedAt: event.metadata.occurredAt });
    }
    case 'MessageDeleted': {
      const message = room.messages.get(event.data.messageId);
      if (!message) return room;
      return withMessage(room, { ...message, text: undefined, editedAt: undefined, deleted: true });
    }
    case 'ReadMarkerMoved': {
      const readMarkers = new Map(room.readMarkers);
      readMarkers.set(event.data.userId, Math.max(readMarkers.get(event.data.userId) ?? 0, event.data.readSeq));
      return { ...room, readMarkers };
    }
    default:
      return assertNever(event);
  }
}

function withMessage(room: ActiveRoom, message: MessageState): ActiveRoom {
  const messages = new Map(room.messages);
  messages.set(message.id, message);
  return { ...room, messages };
}

/** Narrows to an existing room the actor belongs to, or throws NOT_FOUND / FORBIDDEN. */
export function requireMember(state: RoomState, roomId: string, actorId: string): ActiveRoom {
  if (state.status === 'absent') throw new RoomNotFoundError(roomId);
  if (!state.memberIds.includes(actorId)) throw new NotAMemberError(roomId);
  return state;
}

/** The contract view of an existing room. */
export function toRoom(state: ActiveRoom): Room {
  return {
    id: state.id,
    name: state.name,
    memberIds: [...state.memberIds],
    createdAt: state.createdAt,
    lastSeq: state.lastSeq,
  };
}

/** The contract view of a message as members see it now: a deleted one keeps no text. */
export function toMessage(state: MessageState): Message {
  return {
    id: state.id,
    roomId: state.roomId,
    seq: state.seq,
    senderId: state.senderId,
    ...(state.deleted || state.text === undefined ? {} : { message: state.text }),
    clientMessageId: state.clientMessageId,
    createdAt: state.createdAt,
    ...(state.editedAt === undefined || state.deleted ? {} : { editedAt: state.editedAt }),
    deleted: state.deleted,
  };
}

/** The read marker of a member: the highest seq they have read, 0 when none. */
export function readMarkerOf(state: ActiveRoom, userId: string): number {
  return state.readMarkers.get(userId) ?? 0;
}

/** Compile-time exhaustiveness check: a new event or command type that is not handled fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}
