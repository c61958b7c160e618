import type {
  ChatEvents,
  MemberAddedData,
  MemberRemovedData,
  MessageDeletedData,
  MessageEditedData,
  MessageSentData,
  ReadMarkerMovedData,
  RoomCreatedData,
} from '@chatrt/contracts';

/** What `decide` emits: a room event before it is given a seq, an id and a time. */
export type RoomEvent =
  | { type: 'RoomCreated'; data: RoomCreatedData }
  | { type: 'MemberAdded'; data: MemberAddedData }
  | { type: 'MemberRemoved'; data: MemberRemovedData }
  | { type: 'MessageSent'; data: MessageSentData }
  | { type: 'MessageEdited'; data: MessageEditedData }
  | { type: 'MessageDeleted'; data: MessageDeletedData }
  | { type: 'ReadMarkerMoved'; data: ReadMarkerMovedData };

/** A stored room event, in its wire shape: what `evolve`, projections and the relay consume. */
export type RecordedRoomEvent = ChatEvents;

/** Where and when a batch of decided events happened; the caller supplies ids and time. */
export interface RecordingContext {
  roomId: string;
  actorId: string;
  /** The seq of the room's last stored event (0 for a new room). */
  lastSeq: number;
  occurredAt: string;
  newId: () => string;
}

/** Gives decided events their consecutive seqs after `lastSeq`, ids and metadata. */
export function recordEvents(events: readonly RoomEvent[], context: RecordingContext): RecordedRoomEvent[] {
  return events.map((event, index) => ({
    ...event,
    roomId: context.roomId,
    seq: context.lastSeq + index + 1,
    metadata: { eventId: context.newId(), occurredAt: context.occurredAt, actorId: context.actorId },
  }));
}
