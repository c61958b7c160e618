import { describe, expect, it } from 'vitest';
import { absentRoom, evolve, toMessage } from '../src/domain/index.ts';
import {
  active,
  alice,
  apply,
  bob,
  carol,
  createRoom,
  edit,
  given,
  later,
  markRead,
  messageData,
  messageIds,
  record,
  refusal,
  remove,
  removeMember,
  send,
  when,
} from './fixtures/room-domain.ts';

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
