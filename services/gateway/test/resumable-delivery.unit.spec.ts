import { describe, it, expect } from 'vitest';
import type { ChatEvents, Message, MessagePage } from '@chatrt/contracts';
import { RoomDelivery } from '../src/adapters/socket/room-delivery.ts';

const roomId = '00000000-0000-4000-8000-000000000001';
const senderId = '00000000-0000-4000-8000-000000000002';

function message(seq: number): Message {
  return { id: `m-${seq}`, roomId, seq, senderId, message: `text ${seq}`, clientMessageId: `c-${seq}`, createdAt: '2026-01-01T00:00:00.000Z' };
}

function sent(seq: number): ChatEvents {
  const m = message(seq);
  return {
    type: 'MessageSent',
    roomId,
    seq,
    data: { messageId: m.id, senderId, message: m.message, clientMessageId: m.clientMessageId },
    metadata: { eventId: `e-${seq}`, occurredAt: m.createdAt, actorId: senderId },
  };
}

function memberAdded(seq: number): ChatEvents {
  return { type: 'MemberAdded', roomId, seq, data: { userId: senderId }, metadata: { eventId: `e-${seq}`, occurredAt: '2026-01-01T00:00:00.000Z', actorId: senderId } };
}

/** A store holding messages 1..n, served in pages of `pageSize` after a cursor. */
function store(seqs: number[], pageSize: number) {
  return async (after: number): Promise<MessagePage> => {
    const rest = seqs.filter((s) => s > after);
    return { messages: rest.slice(0, pageSize).map(message), hasMore: rest.length > pageSize };
  };
}

function collect() {
  const seqs: number[] = [];
  return { seqs, emit: (d: { payload: Message }) => seqs.push(d.payload.seq) };
}

describe('RoomDelivery', () => {
  it('delivers live messages in order and drops repeats and older seqs', () => {
    const out = collect();
    const delivery = new RoomDelivery(0, out.emit);
    for (const seq of [1, 2, 2, 1, 3]) delivery.onLive(sent(seq));
    expect(out.seqs).toEqual([1, 2, 3]);
  });

  it('emits nothing for membership events but advances past their seq', () => {
    const out = collect();
    const delivery = new RoomDelivery(0, out.emit);
    delivery.onLive(memberAdded(1));
    delivery.onLive(sent(2));
    expect(out.seqs).toEqual([2]);
    expect(delivery.lastSeq).toBe(2);
  });

  it('replays across pages, then drains live events buffered during the replay without gap or duplicate', async () => {
    const out = collect();
    const delivery = new RoomDelivery(3, out.emit);
    delivery.holdLive();
    // Live events 9..12 arrive while the replay runs; 9 and 10 are also in the store.
    for (const seq of [9, 10, 11, 12]) delivery.onLive(sent(seq));
    await delivery.catchUp(store([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3));
    delivery.onLive(sent(13));
    expect(out.seqs).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('releases the buffer even when the replay fails, so live delivery resumes', async () => {
    const out = collect();
    const delivery = new RoomDelivery(0, out.emit);
    delivery.holdLive();
    delivery.onLive(sent(1));
    await expect(delivery.catchUp(async () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    delivery.onLive(sent(2));
    expect(out.seqs).toEqual([1, 2]);
  });
});
