/** The chat domain: room commands, events, state and rules, free of I/O. */
export { decide, type RoomCommand, type CreateRoom, type SendMessage, type RoomPolicy } from './room-commands.ts';
export { recordEvents, type RoomEvent, type RecordedRoomEvent, type RecordingContext } from './room-events.ts';
export { evolve, absentRoom, requireMember, toRoom, assertNever, type RoomState, type ActiveRoom } from './room-state.ts';
export { RoomNotFoundError, NotAMemberError, RoomAlreadyExistsError, InvalidMessageLengthError } from './errors.ts';
