import { describe, expect, it } from 'vitest';
import { recordEvents, type RoomEvent } from '../src/domain/index.ts';
import { roomsProjection } from '../src/adapters/projections/rooms.ts';
import { messagesProjection } from '../src/adapters/projections/messages.ts';

const roomId = '00000000-0000-4000-8000-000000000001';
const alice = '00000000-0000-4000-8000-0000000000a1';
const bob = '00000000-0000-4000-8000-0000000000b0';
let ids = 0;
const newId = () => `00000000-0000-4000-9000-${String(++ids).padStart(12, '0')}`;
const at = '2026-01-01T00:00:00.000Z';

const record = (lastSeq: number, events: RoomEvent[]) =>
  recordEvents(events, { roomId, actorId: alice, lastSeq, occurredAt: at, newId });

describe('rooms projection', () => {
  it('inserts a created room with its members in order and its last seq', () => {
    const statements = roomsProjection.apply(
      record(0, [
        { type: 'RoomCreated', data: { name: 'general' } },
        { type: 'MemberAdded', data: { userId: alice } },
        { type: 'MemberAdded', data: { userId: bob } },
      ]),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]!.text).toMatch(/^INSERT INTO chat\.rooms/);
    expect(statements[0]!.values).toEqual([roomId, 'general', [alice, bob], at, 3]);
  });

  it('moves an existing room to the last seq of a message', () => {
    const statements = roomsProjection.apply(
      record(7, [{ type: 'MessageSent', data: { messageId: newId(), senderId: bob, message: 'hi', clientMessageId: 'c1' } }]),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]!.text).toMatch(/^UPDATE chat\.rooms/);
    expect(statements[0]!.values).toEqual([roomId, [], 8]);
  });
});

describe('messages projection', () => {
  it('writes one row per MessageSent and nothing for membership events', () => {
    const messageId = newId();
    const statements = messagesProjection.apply(
      record(1, [
        { type: 'MemberAdded', data: { userId: bob } },
        { type: 'MessageSent', data: { messageId, senderId: bob, message: 'hi', clientMessageId: 'c1' } },
      ]),
    );
    expect(statements).toHaveLength(1);
    expect(JSON.parse(statements[0]!.values[0] as string)).toEqual([
      { id: messageId, room_id: roomId, seq: 3, sender_id: bob, message: 'hi', client_message_id: 'c1', created_at: at },
    ]);
    expect(messagesProjection.apply(record(0, [{ type: 'RoomCreated', data: { name: 'x' } }]))).toEqual([]);
  });
});
