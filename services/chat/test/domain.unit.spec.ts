import { describe, expect, it } from 'vitest';
import {
  absentRoom,
  decide,
  evolve,
  recordEvents,
  type RoomCommand,
  type SendMessage,
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

let ids = 0;
const newId = () => `00000000-0000-4000-9000-${String(++ids).padStart(12, '0')}`;

/** Records decided events after the state's last seq, as the event store does. */
function record(state: RoomState, events: RoomEvent[], actorId = alice): RecordedRoomEvent[] {
  return recordEvents(events, { roomId, actorId, lastSeq: state.lastSeq, occurredAt, newId });
}

function given(...commands: RoomCommand[]): RoomState {
  return commands.reduce((state, command) => record(state, decide(command, state, policy)).reduce(evolve, state), absentRoom);
}

const createRoom = (memberIds: string[] = []): RoomCommand => ({
  type: 'CreateRoom',
  data: { roomId, actorId: alice, name: 'general', memberIds },
});
const sendMessage = (actorId: string, message: string): SendMessage => ({
  type: 'SendMessage',
  data: { roomId, actorId, messageId: newId(), message, clientMessageId: newId() },
});

describe('CreateRoom', () => {
  it('creates the room, then adds the creator first and each other member once', () => {
    const events = decide(createRoom([bob, alice, carol, bob]), absentRoom, policy);
    expect(events).toEqual([
      { type: 'RoomCreated', data: { name: 'general' } },
      { type: 'MemberAdded', data: { userId: alice } },
      { type: 'MemberAdded', data: { userId: bob } },
      { type: 'MemberAdded', data: { userId: carol } },
    ]);
  });

  it('gives the events consecutive seqs from 1', () => {
    const recorded = record(absentRoom, decide(createRoom([bob]), absentRoom, policy));
    expect(recorded.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(new Set(recorded.map((e) => e.metadata.eventId)).size).toBe(3);
    expect(recorded.every((e) => e.roomId === roomId && e.metadata.actorId === alice && e.metadata.occurredAt === occurredAt)).toBe(true);
  });

  it('refuses an id that is already a room', () => {
    expect(() => decide(createRoom(), given(createRoom()), policy)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });
});

describe('SendMessage', () => {
  it('emits MessageSent for a member', () => {
    const command = sendMessage(bob, 'hello');
    expect(decide(command, given(createRoom([bob])), policy)).toEqual([
      { type: 'MessageSent', data: { messageId: command.data.messageId, senderId: bob, message: 'hello', clientMessageId: command.data.clientMessageId } },
    ]);
  });

  it('is forbidden for a non-member', () => {
    expect(() => decide(sendMessage(carol, 'hi'), given(createRoom([bob])), policy)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });

  it('is not found for a room that does not exist', () => {
    expect(() => decide(sendMessage(alice, 'hi'), absentRoom, policy)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('refuses a message longer than the limit, counting code points', () => {
    const room = given(createRoom());
    expect(() => decide(sendMessage(alice, 'x'.repeat(11)), room, policy)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(decide(sendMessage(alice, '😀'.repeat(10)), room, policy)).toHaveLength(1);
  });

  it('refuses an empty message', () => {
    expect(() => decide(sendMessage(alice, ''), given(createRoom()), policy)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});

describe('evolve', () => {
  it('builds members in joining order and tracks the last seq', () => {
    const state = given(createRoom([bob]), sendMessage(bob, 'one'), sendMessage(alice, 'two'));
    expect(state).toEqual({
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
    const [again] = record(state, [{ type: 'MemberAdded', data: { userId: bob } }]);
    expect(evolve(state, again!)).toMatchObject({ memberIds: [alice, bob], lastSeq: 4 });
  });
});
