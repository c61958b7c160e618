/** The chat domain: room commands, events, state and rules, free of I/O. */
export {
  decide,
  type RoomCommand,
  type CreateRoom,
  type SendMessage,
  type EditMessage,
  type DeleteMessage,
  type MarkRead,
  type AddMember,
  type RemoveMember,
  type RoomPolicy,
} from './room-commands.ts';
export { recordEvents, type RoomEvent, type RecordedRoomEvent, type RecordingContext } from './room-events.ts';
export {
  evolve,
  absentRoom,
  requireMember,
  readMarkerOf,
  toRoom,
  toMessage,
  assertNever,
  type RoomState,
  type ActiveRoom,
  type MessageState,
} from './room-state.ts';
export {
  applyMembership,
  foldMembership,
  membershipChange,
  type MembershipChange,
  type MembershipOp,
} from './membership.ts';
export {
  RoomNotFoundError,
  MessageNotFoundError,
  NotAMemberError,
  NotTheAuthorError,
  RemovalNotAllowedError,
  MessageDeletedError,
  RoomAlreadyExistsError,
  InvalidMessageLengthError,
  SeqBeyondRoomError,
  UnknownUsersError,
} from './errors.ts';
