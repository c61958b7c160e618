import { describe, expect, it } from 'vitest';
import { recordEvents, type RoomEvent } from '../src/domain/index.ts';
import { messagesProjection } from '../src/adapters/projections/messages.ts';
import { checkpointStatement } from '../src/adapters/projections/projection.ts';
import { roomMembersProjection } from '../src/adapters/projections/room-members.ts';
import { roomsProjection } from '../src/adapters/projections/rooms.ts';
import { chatProjections } from '../src/adapters/projections/index.ts';

const roomId = '00000000-0000-4000-8000-000000000001';
const alice = '00000000-0000-4000-8000-0000000000a1';
const bob = '00000000-0000-4000-8000-0000000000b0';
const carol = '00000000-0000-4000-8000-0000000000c0';
let ids = 0;
const newId = () => `00000000-0000-4000-9000-${String(++ids).padStart(12, '0')}`;
const at = '2026-01-01T00:00:00.000Z';
const at2 = '2026-01-01T00:01:00.000Z';

const record = (lastSeq: number, events: RoomEvent[], occurredAt = at) =>
  recordEvents(events, { roomId, actorId: alice, lastSeq, occurredAt, newId });

const rows = (value: unknown) => JSON.parse(value as string) as unknown[];

describe('rooms projection', () => {
  it('inserts a created room with its creator, members in order, last seq and live count', () => {
    const statements = roomsProjection.apply(
      record(0, [
        { type: 'RoomCreated', data: { name: 'general' } },
        { type: 'MemberAdded', data: { userId: alice } },
        { type: 'MemberAdded', data: { userId: bob } },
        { type: 'MessageSent', data: { messageId: newId(), senderId: bob, message: 'hi', clientMessageId: 'c1' } },
      ]),
      'chat',
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]!.text).toMatch(/^INSERT INTO chat\.rooms/);
    expect(rows(statements[0]!.values[0])).toEqual([
      {
        id: roomId,
        name: 'general',
        creator_id: alice,
        member_ids: [alice, bob],
        created_at: at,
        last_seq: 4,
        live_count: 1,
      },
    ]);
  });

  it('updates an existing room with the net membership change, last seq and live count delta', () => {
    const statements = roomsProjection.apply(
      record(7, [
        { type: 'MemberRemoved', data: { userId: bob } },
        { type: 'MessageSent', data: { messageId: newId(), senderId: alice, message: 'hi', clientMessageId: 'c1' } },
        { type: 'MessageDeleted', data: { messageId: newId() } },
        { type: 'MemberAdded', data: { userId: bob } },
      ]),
      'chat_rebuild',
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]!.text).toMatch(/^UPDATE chat_rebuild\.rooms/);
    expect(rows(statements[0]!.values[0])).toEqual([
      { id: roomId, removed: [bob], appended: [bob], last_seq: 11, live_delta: 0 },
    ]);
  });
});

describe('messages projection', () => {
  it('inserts a message in its final state when it is sent, edited and deleted in one run', () => {
    const [kept, gone] = [newId(), newId()];
    const statements = messagesProjection.apply(
      [
        ...record(1, [
          { type: 'MemberAdded', data: { userId: bob } },
          { type: 'MessageSent', data: { messageId: kept, senderId: bob, message: 'helo', clientMessageId: 'c1' } },
          { type: 'MessageSent', data: { messageId: gone, senderId: bob, message: 'oops', clientMessageId: 'c2' } },
        ]),
        ...record(
          4,
          [
            { type: 'MessageEdited', data: { messageId: kept, message: 'hello' } },
            { type: 'MessageDeleted', data: { messageId: gone } },
          ],
          at2,
        ),
      ],
      'chat',
    );
    expect(statements).toHaveLength(1);
    expect(rows(statements[0]!.values[0])).toEqual([
      {
        id: kept,
        room_id: roomId,
        seq: 3,
        sender_id: bob,
        message: 'hello',
        client_message_id: 'c1',
        created_at: at,
        edited_at: at2,
        deleted: false,
        deleted_at: null,
      },
      {
        id: gone,
        room_id: roomId,
        seq: 4,
        sender_id: bob,
        message: null,
        client_message_id: 'c2',
        created_at: at,
        edited_at: null,
        deleted: true,
        deleted_at: at2,
      },
    ]);
    expect(messagesProjection.apply(record(0, [{ type: 'RoomCreated', data: { name: 'x' } }]), 'chat')).toEqual([]);
  });

  it('updates earlier messages with their last edit, or a tombstone', () => {
    const [edited, deleted] = [newId(), newId()];
    const statements = messagesProjection.apply(
      record(9, [
        { type: 'MessageEdited', data: { messageId: edited, message: 'one' } },
        { type: 'MessageEdited', data: { messageId: edited, message: 'two' } },
        { type: 'MessageEdited', data: { messageId: deleted, message: 'secret' } },
        { type: 'MessageDeleted', data: { messageId: deleted } },
      ]),
      'chat',
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]!.text).toMatch(/^UPDATE chat\.messages/);
    expect(rows(statements[0]!.values[0])).toEqual([
      { id: edited, message: 'two', edited_at: at, deleted: false, deleted_at: null },
      { id: deleted, message: null, edited_at: null, deleted: true, deleted_at: at },
    ]);
  });
});

describe('room_members projection', () => {
  it('writes nothing for a room with no membership, message or marker events', () => {
    expect(roomMembersProjection.apply(record(0, [{ type: 'RoomCreated', data: { name: 'x' } }]), 'chat')).toEqual([]);
  });

  it('orders membership, own counters, deletions, then marker moves (the latest per member)', () => {
    const statements = roomMembersProjection.apply(
      record(3, [
        { type: 'MemberAdded', data: { userId: carol } },
        { type: 'MessageSent', data: { messageId: newId(), senderId: bob, message: 'hi', clientMessageId: 'c1' } },
        { type: 'ReadMarkerMoved', data: { userId: carol, readSeq: 2 } },
        { type: 'MessageDeleted', data: { messageId: newId() } },
        { type: 'ReadMarkerMoved', data: { userId: carol, readSeq: 5 } },
      ]),
      'chat',
    );
    expect(statements.map((s) => s.text.trim().split(/\s+/).slice(0, 5).join(' '))).toEqual([
      'INSERT INTO chat.room_members (room_id, user_id,',
      'UPDATE chat.room_members rm SET own_live',
      'UPDATE chat.room_members rm SET read_live',
      'UPDATE chat.room_members rm SET read_seq',
    ]);
    expect(rows(statements[3]!.values[0])).toEqual([{ room_id: roomId, user_id: carol, read_seq: 5 }]);
  });
});

describe('checkpoints', () => {
  it('records the highest seq per room for every projection, one row per room', () => {
    const statement = checkpointStatement(
      chatProjections,
      record(4, [
        { type: 'MemberAdded', data: { userId: bob } },
        { type: 'MemberAdded', data: { userId: carol } },
      ]),
      'chat',
    );
    expect(statement.values).toEqual([[roomId], [6], ['rooms', 'messages', 'room_members']]);
  });
});
