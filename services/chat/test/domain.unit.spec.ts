import { describe, expect, it } from 'vitest';
import {
  absentRoom,
  decide,
  evolve,
  recordEvents,
  toMessage,
  type RoomCommand,
  type RoomEvent,
  type RoomState,
  type RecordedRoomEvent,
} from '../src/domain/index.ts';

const roomId = '00000000-0000-4000-8000-000000000001';
const alice = '00000000-0000-4000-8000-0000000000a1';
const bob = '00000000-0000-4000-8000-0000000000b0';
const carol = '00000000-0000-4000-8000-0000000000c0';
const policy = { messageMaxLength: 10 };
const occurredAt = '2026-01-01T00:00:00.000Z';
const later = '2026-01-01T00:05:00.000Z';

let ids = 0;
const newId = () => `00000000-0000-4000-9000-${String(++ids).padStart(12, '0')}`;

/** Records decided events after the state's last seq, as the event store does. */
function record(state: RoomState, events: RoomEvent[], actorId: string, at = occurredAt): RecordedRoomEvent[] {
  return recordEvents(events, { roomId, actorId, lastSeq: state.lastSeq, occurredAt: at, newId });
}

/** Given these commands happened (each decided and folded in turn), the room's state. */
function given(...commands: RoomCommand[]): RoomState {
  return commands.reduce(apply, absentRoom);
}

function apply(state: RoomState, command: RoomCommand): RoomState {
  return record(state, decide(command, state, policy), command.data.actorId).reduce(evolve, state);
}

/** When a command meets the state: the events it decides. */
const when = (state: RoomState, command: RoomCommand) => decide(command, state, policy);

const refusal = (code: string) => expect.objectContaining({ code });

/** Every user the tests name exists, unless a command is given its own directory answer. */
const everyone: ReadonlySet<string> = new Set([alice, bob, carol]);
const createRoom = (memberIds: string[] = [], actorId = alice, knownUserIds = everyone): RoomCommand => ({
  type: 'CreateRoom',
  data: { roomId, actorId, name: 'general', memberIds, knownUserIds },
});
const messageIds = { first: '00000000-0000-4000-a000-000000000001', second: '00000000-0000-4000-a000-000000000002' };
const send = (actorId: string, message: string, messageId = newId()): RoomCommand => ({
  type: 'SendMessage',
  data: { roomId, actorId, messageId, message, clientMessageId: newId() },
});
const edit = (actorId: string, messageId: string, message: string): RoomCommand => ({
  type: 'EditMessage',
  data: { roomId, actorId, messageId, message },
});
const remove = (actorId: string, messageId: string): RoomCommand => ({
  type: 'DeleteMessage',
  data: { roomId, actorId, messageId },
});
const markRead = (actorId: string, seq: number): RoomCommand => ({ type: 'MarkRead', data: { roomId, actorId, seq } });
const addMember = (actorId: string, userId: string, knownUserIds = everyone): RoomCommand => ({
  type: 'AddMember',
  data: { roomId, actorId, userId, knownUserIds },
});
const removeMember = (actorId: string, userId: string): RoomCommand => ({
  type: 'RemoveMember',
  data: { roomId, actorId, userId },
});

function active(state: RoomState) {
  if (state.status !== 'active') throw new Error('room is absent');
  return state;
}

describe('CreateRoom', () => {
  it('creates the room, then adds the creator first and each other member once', () => {
    expect(when(absentRoom, createRoom([bob, alice, carol, bob]))).toEqual([
      { type: 'RoomCreated', data: { name: 'general' } },
      { type: 'MemberAdded', data: { userId: alice } },
      { type: 'MemberAdded', data: { userId: bob } },
      { type: 'MemberAdded', data: { userId: carol } },
    ]);
  });

  it('gives the events consecutive seqs from 1 and makes the actor the creator', () => {
    const recorded = record(absentRoom, when(absentRoom, createRoom([bob])), alice);
    expect(recorded.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(new Set(recorded.map((e) => e.metadata.eventId)).size).toBe(3);
    expect(active(recorded.reduce(evolve, absentRoom))).toMatchObject({
      creatorId: alice,
      memberIds: [alice, bob],
      lastSeq: 3,
    });
  });

  it('refuses an id that is already a room', () => {
    expect(() => when(given(createRoom()), createRoom())).toThrow(refusal('CONFLICT'));
  });
  it('refuses members that do not exist with NOT_FOUND, naming them', () => {
    expect(() => when(absentRoom, createRoom([bob, carol], alice, new Set([bob])))).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining(carol) }),
    );
  });
});

describe('SendMessage', () => {
  it('emits MessageSent for a member', () => {
    const command = send(bob, 'hello');
    expect(when(given(createRoom([bob])), command)).toEqual([
      { type: 'MessageSent', data: { ...messageData(command), senderId: bob } },
    ]);
  });

  it('is forbidden for a non-member and not found for a room that does not exist', () => {
    expect(() => when(given(createRoom([bob])), send(carol, 'hi'))).toThrow(refusal('FORBIDDEN'));
    expect(() => when(absentRoom, send(alice, 'hi'))).toThrow(refusal('NOT_FOUND'));
  });

  it('refuses an empty message or one longer than the limit, counting code points', () => {
    const room = given(createRoom());
    expect(() => when(room, send(alice, ''))).toThrow(refusal('VALIDATION_FAILED'));
    expect(() => when(room, send(alice, 'x'.repeat(11)))).toThrow(refusal('VALIDATION_FAILED'));
    expect(when(room, send(alice, '😀'.repeat(10)))).toHaveLength(1);
  });
});

function messageData(command: RoomCommand) {
  if (command.type !== 'SendMessage') throw new Error('not a send');
  const { messageId, message, clientMessageId } = command.data;
  return { messageId, message, clientMessageId };
}

describe('EditMessage', () => {
  const room = () => given(createRoom([bob]), send(bob, 'helo', messageIds.first));

  it('lets the author replace the text', () => {
    expect(when(room(), edit(bob, messageIds.first, 'hello'))).toEqual([
      { type: 'MessageEdited', data: { messageId: messageIds.first, message: 'hello' } },
    ]);
  });

  it('keeps the seq of MessageSent and records when the text changed', () => {
    const before = active(room());
    const after = active(
      record(before, when(before, edit(bob, messageIds.first, 'hello')), bob, later).reduce(evolve, before),
    );
    expect(toMessage(after.messages.get(messageIds.first)!)).toMatchObject({
      seq: 4,
      message: 'hello',
      editedAt: later,
      deleted: false,
    });
    expect(after.lastSeq).toBe(5);
  });

  it('appends nothing when the text is the same', () => {
    expect(when(room(), edit(bob, messageIds.first, 'helo'))).toEqual([]);
  });

  it('is forbidden to anyone but the author, and to an author who left', () => {
    expect(() => when(room(), edit(alice, messageIds.first, 'hijacked'))).toThrow(refusal('FORBIDDEN'));
    const left = apply(room(), removeMember(bob, bob));
    expect(() => when(left, edit(bob, messageIds.first, 'hello'))).toThrow(refusal('FORBIDDEN'));
  });

  it('conflicts with a deleted message', () => {
    const deleted = apply(room(), remove(bob, messageIds.first));
    expect(() => when(deleted, edit(bob, messageIds.first, 'hello'))).toThrow(refusal('CONFLICT'));
  });

  it('validates the new text', () => {
    expect(() => when(room(), edit(bob, messageIds.first, ''))).toThrow(refusal('VALIDATION_FAILED'));
    expect(() => when(room(), edit(bob, messageIds.first, 'x'.repeat(11)))).toThrow(refusal('VALIDATION_FAILED'));
  });

  it('is not found for an unknown message or room', () => {
    expect(() => when(room(), edit(bob, messageIds.second, 'hello'))).toThrow(refusal('NOT_FOUND'));
    expect(() => when(absentRoom, edit(bob, messageIds.first, 'hello'))).toThrow(refusal('NOT_FOUND'));
  });
});

describe('DeleteMessage', () => {
  const room = () => given(createRoom([bob]), send(bob, 'oops', messageIds.first));

  it('lets the author delete, leaving a tombstone without text', () => {
    const before = room();
    expect(when(before, remove(bob, messageIds.first))).toEqual([
      { type: 'MessageDeleted', data: { messageId: messageIds.first } },
    ]);
    const after = active(apply(before, remove(bob, messageIds.first)));
    const tombstone = toMessage(after.messages.get(messageIds.first)!);
    expect(tombstone).toMatchObject({ id: messageIds.first, seq: 4, senderId: bob, deleted: true });
    expect(tombstone).not.toHaveProperty('message');
  });

  it('appends nothing when deleting twice', () => {
    expect(when(apply(room(), remove(bob, messageIds.first)), remove(bob, messageIds.first))).toEqual([]);
  });

  it('is forbidden to anyone but the author, and to non-members', () => {
    expect(() => when(room(), remove(alice, messageIds.first))).toThrow(refusal('FORBIDDEN'));
    expect(() => when(room(), remove(carol, messageIds.first))).toThrow(refusal('FORBIDDEN'));
  });

  it('is not found for an unknown message', () => {
    expect(() => when(room(), remove(bob, messageIds.second))).toThrow(refusal('NOT_FOUND'));
  });
});

describe('MarkRead', () => {
  const room = () => given(createRoom([bob]), send(alice, 'one'), send(alice, 'two')); // lastSeq 5

  it('moves the marker forward', () => {
    expect(when(room(), markRead(bob, 4))).toEqual([{ type: 'ReadMarkerMoved', data: { userId: bob, readSeq: 4 } }]);
  });

  it('appends nothing for a seq at or below the current marker', () => {
    const read = apply(room(), markRead(bob, 5));
    expect(when(read, markRead(bob, 5))).toEqual([]);
    expect(when(read, markRead(bob, 2))).toEqual([]);
    expect(active(read).readMarkers.get(bob)).toBe(5);
  });

  it('refuses a seq beyond the room', () => {
    expect(() => when(room(), markRead(bob, 6))).toThrow(refusal('VALIDATION_FAILED'));
  });

  it('is for members only', () => {
    expect(() => when(room(), markRead(carol, 1))).toThrow(refusal('FORBIDDEN'));
    expect(() => when(absentRoom, markRead(carol, 1))).toThrow(refusal('NOT_FOUND'));
  });
});

describe('AddMember', () => {
  it('lets any member add a user, who joins last', () => {
    const room = given(createRoom([bob]));
    expect(when(room, addMember(bob, carol))).toEqual([{ type: 'MemberAdded', data: { userId: carol } }]);
    expect(active(apply(room, addMember(bob, carol))).memberIds).toEqual([alice, bob, carol]);
  });

  it('appends nothing for an existing member', () => {
    expect(when(given(createRoom([bob])), addMember(alice, bob))).toEqual([]);
  });

  it("starts the new member's read marker at their joining, so earlier messages are not unread to them", () => {
    const room = apply(given(createRoom([bob]), send(alice, 'one'), send(alice, 'two')), addMember(bob, carol)); // carol at seq 6
    expect(active(room).readMarkers.get(carol)).toBe(6);
    expect(when(room, markRead(carol, 4))).toEqual([]);
    // Removed and added again: what was said in between is not unread either.
    const again = apply(apply(apply(room, removeMember(alice, carol)), send(alice, 'three')), addMember(alice, carol)); // seq 9
    expect(active(again).readMarkers.get(carol)).toBe(9);
  });

  it('is forbidden to non-members', () => {
    expect(() => when(given(createRoom([bob])), addMember(carol, carol))).toThrow(refusal('FORBIDDEN'));
  });

  it('refuses a user that does not exist with NOT_FOUND', () => {
    expect(() => when(given(createRoom([bob])), addMember(alice, carol, new Set([alice, bob])))).toThrow(
      refusal('NOT_FOUND'),
    );
  });
});

describe('RemoveMember', () => {
  const room = () => given(createRoom([bob, carol]));

  it('lets a member leave', () => {
    expect(when(room(), removeMember(bob, bob))).toEqual([{ type: 'MemberRemoved', data: { userId: bob } }]);
    expect(active(apply(room(), removeMember(bob, bob))).memberIds).toEqual([alice, carol]);
  });

  it('lets the creator remove anyone', () => {
    expect(when(room(), removeMember(alice, carol))).toEqual([{ type: 'MemberRemoved', data: { userId: carol } }]);
  });

  it('forbids other members to remove someone else', () => {
    expect(() => when(room(), removeMember(bob, carol))).toThrow(refusal('FORBIDDEN'));
    expect(() => when(room(), removeMember(bob, alice))).toThrow(refusal('FORBIDDEN'));
  });

  it('appends nothing when the user is not a member', () => {
    expect(when(apply(room(), removeMember(alice, carol)), removeMember(alice, carol))).toEqual([]);
  });

  it('forbids a removed member to act, and a re-added member joins last', () => {
    const removed = apply(room(), removeMember(alice, bob));
    expect(() => when(removed, send(bob, 'hi'))).toThrow(refusal('FORBIDDEN'));
    expect(active(apply(removed, addMember(carol, bob))).memberIds).toEqual([alice, carol, bob]);
  });
});

describe('evolve', () => {
  it('builds members in joining order and tracks the last seq', () => {
    const state = active(given(createRoom([bob]), send(bob, 'one'), send(alice, 'two')));
    expect(state).toMatchObject({
      status: 'active',
      id: roomId,
      name: 'general',
      memberIds: [alice, bob],
      createdAt: occurredAt,
      lastSeq: 5,
    });
  });

  it('ignores a repeated MemberAdded for an existing member', () => {
    const state = given(createRoom([bob]));
    const [again] = record(state, [{ type: 'MemberAdded', data: { userId: bob } }], alice);
    expect(evolve(state, again!)).toMatchObject({ memberIds: [alice, bob], lastSeq: 4 });
  });
});
