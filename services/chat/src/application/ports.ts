import type { Message, MessagePage, RoomSummary, RoomUpdatePage } from '@chatrt/contracts';
import type { RecordedRoomEvent, RoomEvent, RoomState } from '../domain/index.ts';

/** Decides a command against the room's current state; may throw a CodedError to refuse it. */
export type Decider = (state: RoomState) => RoomEvent[];

/** One command for the store: which room, who acts, what to load besides the room itself, and the rule. */
export interface CommandRequest {
  roomId: string;
  actorId: string;
  decide: Decider;
  /** A message the command acts on: loaded into the state's `messages`. */
  messageId?: string | undefined;
  /** A member whose read marker the command needs: loaded into the state's `readMarkers`. */
  readerId?: string | undefined;
  /** SendMessage's idempotency key (with roomId and actorId): a stored message with it answers instead. */
  clientMessageId?: string | undefined;
}

/** What a command did: events appended (with the room's new state), or nothing because it was a repeat. */
export type AppendOutcome =
  { kind: 'appended'; state: RoomState; events: RecordedRoomEvent[] } | { kind: 'duplicate'; message: Message };

/** Where commands are decided and their events appended, atomically with the read models. */
export interface RoomCommandStore {
  /** Resolves once the command's events are committed (or it was answered as a repeat). */
  handle(request: CommandRequest): Promise<AppendOutcome>;
}

/** Which users exist (the auth service owns them). */
export interface UserDirectory {
  /** The ids among `userIds` that belong to a user; throws a CodedError (UNAVAILABLE) when it cannot tell. */
  existingUserIds(userIds: readonly string[]): Promise<ReadonlySet<string>>;
}

/** Which slice of a room's history to read; at most one of `before` / `after` drives the direction. */
export interface PageRequest {
  /** Only messages with seq < before, the newest of them. */
  before?: number | undefined;
  /** Only messages with seq > after, the oldest of them. */
  after?: number | undefined;
  limit: number;
}

/** The read models queries answer from (outside any command transaction). */
export interface ChatReadModels {
  /** The room a message belongs to (fixed forever), or undefined when there is no such message. */
  roomOfMessage(messageId: string): Promise<string | undefined>;
  /** The room as it stands, without messages or read markers (absent when it does not exist). */
  roomState(roomId: string): Promise<RoomState>;
  messagePage(roomId: string, page: PageRequest): Promise<MessagePage>;
  /** The rooms a user is a member of, with their unread counts. */
  roomSummaries(userId: string): Promise<RoomSummary[]>;
  /** A room's updates after `afterSeq` as members see them now; refuses a non-member. */
  roomUpdates(query: { roomId: string; actorId: string; afterSeq: number; limit: number }): Promise<RoomUpdatePage>;
}
