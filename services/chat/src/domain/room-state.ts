import type { Room } from '@chatrt/contracts';
import type { RecordedRoomEvent } from './room-events.ts';
import { NotAMemberError, RoomNotFoundError } from './errors.ts';

/** A room that exists: its members and its stream position. */
export interface ActiveRoom {
  status: 'active';
  id: string;
  name: string;
  /** In joining order, the creator first. */
  memberIds: readonly string[];
  createdAt: string;
  /** Seq of the room's last event. */
  lastSeq: number;
}

/** A room as the rules see it: absent until RoomCreated, then active. */
export type RoomState = { status: 'absent'; lastSeq: 0 } | ActiveRoom;

/** The state of a room that has no events yet. */
export const absentRoom: RoomState = { status: 'absent', lastSeq: 0 };

/** Folds one stored event into the room's state. */
export function evolve(state: RoomState, event: RecordedRoomEvent): RoomState {
  switch (event.type) {
    case 'RoomCreated':
      return {
        status: 'active',
        id: event.roomId,
        name: event.data.name,
        memberIds: [],
        createdAt: event.metadata.occurredAt,
        lastSeq: event.seq,
      };
    case 'MemberAdded':
      if (state.status === 'absent') return state;
      return {
        ...state,
        memberIds: state.memberIds.includes(event.data.userId) ? state.memberIds : [...state.memberIds, event.data.userId],
        lastSeq: event.seq,
      };
    case 'MessageSent':
      if (state.status === 'absent') return state;
      return { ...state, lastSeq: event.seq };
    default:
      return assertNever(event);
  }
}

/** Narrows to an existing room the actor belongs to, or throws NOT_FOUND / FORBIDDEN. */
export function requireMember(state: RoomState, roomId: string, actorId: string): ActiveRoom {
  if (state.status === 'absent') throw new RoomNotFoundError(roomId);
  if (!state.memberIds.includes(actorId)) throw new NotAMemberError(roomId);
  return state;
}

/** The contract view of an existing room. */
export function toRoom(state: ActiveRoom): Room {
  return { id: state.id, name: state.name, memberIds: [...state.memberIds], createdAt: state.createdAt, lastSeq: state.lastSeq };
}

/** Compile-time exhaustiveness check: a new event or command type that is not handled fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}
