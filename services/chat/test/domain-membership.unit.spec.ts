import { describe, expect, it } from 'vitest';
import { absentRoom, evolve } from '../src/domain/index.ts';
import {
  active,
  addMember,
  alice,
  apply,
  bob,
  carol,
  createRoom,
  given,
  markRead,
  occurredAt,
  record,
  refusal,
  removeMember,
  roomId,
  send,
  when,
} from './fixtures/room-domain.ts';

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
      expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining(carol) as unknown }),
    );
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
    // Carol joins at seq 6 (the room's creation is 3 events, then two messages).
    const room = apply(given(createRoom([bob]), send(alice, 'one'), send(alice, 'two')), addMember(bob, carol));
    expect(active(room).readMarkers.get(carol)).toBe(6);
    expect(when(room, markRead(carol, 4))).toEqual([]);
    // Removed and added again: what was said in between is not unread either.
    // Carol joins again at seq 9.
    const again = apply(apply(apply(room, removeMember(alice, carol)), send(alice, 'three')), addMember(alice, carol));
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
