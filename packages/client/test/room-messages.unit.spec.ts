import { describe, it, expect } from 'vitest';
import type { Message } from '@chatrt/contracts';
import { RoomMessages } from '../src/index.ts';

const roomId = '00000000-0000-4000-8000-0000000000aa';
const me = '00000000-0000-4000-8000-000000000001';
const bob = '00000000-0000-4000-8000-000000000002';

function message(seq: number, fields: Partial<Message> = {}): Message {
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    roomId,
    seq,
    senderId: bob,
    message: `m${seq}`,
    clientMessageId: `c${seq}`,
    createdAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    deleted: false,
    ...fields,
  };
}

const live = (m: Message) => ({ event: 'message' as const, payload: m });

describe('RoomMessages', () => {
  it('keeps stored messages in seq order whatever the arrival order, each once', () => {
    const room = new RoomMessages(roomId);
    room.merge([message(5), message(2)]);
    room.merge([message(3), message(2), message(5)]);
    expect(room.applyUpdate(live(message(7)))).toBe(true);
    room.merge([message(6)]);
    expect(room.get().map((m) => m.seq)).toEqual([2, 3, 5, 6, 7]);
    expect(room.get().every((m) => m.state === 'sent')).toBe(true);
  });

  it('ignores stream updates at or below the resume point and moves it forward', () => {
    const room = new RoomMessages(roomId);
    room.advanceResumeSeq(10);
    expect(room.applyUpdate(live(message(9)))).toBe(false);
    expect(room.applyUpdate(live(message(10)))).toBe(false);
    expect(room.applyUpdate(live(message(11)))).toBe(true);
    expect(room.applyUpdate(live(message(11)))).toBe(false);
    expect(room.resumeSeq).toBe(11);
    room.advanceResumeSeq(4);
    expect(room.resumeSeq).toBe(11);
    expect(room.get().map((m) => m.seq)).toEqual([11]);
  });

  it('does not announce a replayed message it already had from polling, but still moves the resume point', () => {
    const room = new RoomMessages(roomId);
    room.advanceResumeSeq(1);
    room.merge([message(2), message(3)]);
    expect(room.applyUpdate(live(message(2)))).toBe(false);
    expect(room.applyUpdate(live(message(3)))).toBe(false);
    expect(room.resumeSeq).toBe(3);
    expect(room.get()).toHaveLength(2);
  });

  it('turns my pending message into the stored one, keeping its key, instead of showing it twice', () => {
    const room = new RoomMessages(roomId);
    room.setSelf(me);
    room.addPending({
      clientMessageId: 'mine-1',
      text: 'hello',
      createdAt: new Date().toISOString(),
      state: 'sending',
    });
    room.merge([message(1)]);
    expect(room.get().map((m) => [m.key, m.state])).toEqual([
      [message(1).id, 'sent'],
      ['mine-1', 'sending'],
    ]);
    // Someone else's message with the same clientMessageId is a different message.
    room.applyUpdate(live(message(2, { clientMessageId: 'mine-1' })));
    expect(room.get()).toHaveLength(3);
    room.applyUpdate(live(message(3, { clientMessageId: 'mine-1', senderId: me, message: 'hello' })));
    expect(room.get().map((m) => [m.key, m.seq, m.state])).toEqual([
      [message(1).id, 1, 'sent'],
      [message(2).id, 2, 'sent'],
      ['mine-1', 3, 'sent'],
    ]);
    // Showing it as pending again (a retry after it was stored) changes nothing.
    room.addPending({
      clientMessageId: 'mine-1',
      text: 'hello',
      createdAt: new Date().toISOString(),
      state: 'sending',
    });
    expect(room.get()).toHaveLength(3);
  });

  it('marks a pending message failed and back to sending', () => {
    const room = new RoomMessages(roomId);
    room.addPending({ clientMessageId: 'x', text: 'hi', createdAt: new Date().toISOString(), state: 'sending' });
    room.updatePending('x', 'failed');
    expect(room.get()[0]!.state).toBe('failed');
    room.updatePending('x', 'sending');
    expect(room.get()[0]!.state).toBe('sending');
  });

  it('applies edits and deletions by message id and hides deleted text', () => {
    const room = new RoomMessages(roomId);
    room.applyUpdate(live(message(1)));
    const id = message(1).id;
    room.applyUpdate({
      event: 'messageEdited',
      payload: { roomId, seq: 2, messageId: id, message: 'edited', editedAt: '2025-01-01T00:00:00.000Z' },
    });
    expect(room.get()[0]).toMatchObject({ text: 'edited', editedAt: '2025-01-01T00:00:00.000Z', seq: 1 });
    room.applyUpdate({
      event: 'messageDeleted',
      payload: { roomId, seq: 3, messageId: id, deletedAt: '2025-01-01T00:00:01.000Z' },
    });
    expect(room.get()[0]).toMatchObject({ text: undefined, deleted: true });
    // An older copy from history does not bring the text back.
    room.merge([message(1)]);
    expect(room.get()[0]).toMatchObject({ deleted: true });
    expect(room.resumeSeq).toBe(3);
  });

  it('lets history replace a message only with a later state of it', () => {
    const room = new RoomMessages(roomId);
    room.merge([message(1, { message: 'v2', editedAt: '2025-01-02T00:00:00.000Z' })]);
    room.merge([message(1, { message: 'v1', editedAt: '2025-01-01T00:00:00.000Z' })]);
    expect(room.get()[0]!.text).toBe('v2');
    room.merge([message(1, { message: 'v3', editedAt: '2025-01-03T00:00:00.000Z' })]);
    expect(room.get()[0]!.text).toBe('v3');
  });

  it('keeps the same snapshot until something changes, and notifies subscribers on change', () => {
    const room = new RoomMessages(roomId);
    let calls = 0;
    room.subscribe(() => calls++);
    room.merge([message(1)]);
    const first = room.get();
    expect(room.get()).toBe(first);
    room.merge([message(1)]);
    expect(room.get()).toBe(first);
    expect(calls).toBe(1);
    room.applyUpdate(live(message(2)));
    expect(room.get()).not.toBe(first);
    expect(calls).toBe(2);
  });

  it('ignores messages of other rooms', () => {
    const room = new RoomMessages(roomId);
    expect(room.merge([message(1, { roomId: '00000000-0000-4000-8000-0000000000bb' })])).toEqual([]);
    expect(room.get()).toEqual([]);
  });
});
