import { describe, it, expect } from 'vitest';
import type { ChatEvents, Message, RoomUpdate } from '@chatrt/contracts';
import { ResumableDelivery, type Page } from '../src/adapters/socket/resumable-delivery.ts';
import { roomStream } from '../src/domain/delivery.ts';

/** A room's delivery to one socket, as the /chat namespace builds it. */
class RoomDelivery extends ResumableDelivery<ChatEvents, RoomUpdate> {
  constructor(afterSeq: number, emit: (update: RoomUpdate) => void, maxBuffered?: number) {
    super(afterSeq, roomStream, emit, maxBuffered);
  }
}

const roomId = '00000000-0000-4000-8000-000000000001';
const senderId = '00000000-0000-4000-8000-000000000002';
const at = '2026-01-01T00:00:00.000Z';

function message(seq: number): Message {
  return { id: `m-${seq}`, roomId, seq, senderId, message: `text ${seq}`, clientMessageId: `c-${seq}`, createdAt: at, deleted: false };
}

function sent(seq: number): ChatEvents {
  return {
    type: 'MessageSent',
    roomId,
    seq,
    data: { messageId: `m-${seq}`, senderId, message: `text ${seq}`, clientMessageId: `c-${seq}` },
    metadata: { eventId: `e-${seq}`, occurredAt: at, actorId: senderId },
  };
}

function readMarker(seq: number): ChatEvents {
  return { type: 'ReadMarkerMoved', roomId, seq, data: { userId: senderId, readSeq: seq - 1 }, metadata: { eventId: `e-${seq}`, occurredAt: at, actorId: senderId } };
}

/**
 * A store whose room has events 1..last; `visible` are the seqs members see (the rest are private events).
 * Pages scan `scan` events after the cursor, like the chat service's roomUpdates query.
 */
function store(last: number, visible: (seq: number) => boolean, scan: number) {
  const calls: number[] = [];
  const fetch = async (after: number): Promise<Page<RoomUpdate>> => {
    calls.push(after);
    const lastSeq = Math.min(last, after + scan);
    const updates: RoomUpdate[] = [];
    for (let seq = after + 1; seq <= lastSeq; seq += 1) if (visible(seq)) updates.push({ event: 'message', payload: message(seq) });
    return { items: updates, last: lastSeq, hasMore: lastSeq < last };
  };
  return { fetch, calls };
}

function collect() {
  const seqs: number[] = [];
  return { seqs, emit: (update: RoomUpdate) => seqs.push(update.payload.seq) };
}

describe('ResumableDelivery of a room', () => {
  it('delivers live events in order and drops repeats and older seqs', () => {
    const out = collect();
    const delivery = new RoomDelivery(0, out.emit);
    for (const seq of [1, 2, 2, 1, 3]) delivery.onLive(sent(seq));
    expect(out.seqs).toEqual([1, 2, 3]);
  });

  it('emits nothing for private events but moves past their seq', () => {
    const out = collect();
    const delivery = new RoomDelivery(0, out.emit);
    delivery.onLive(readMarker(1));
    delivery.onLive(sent(2));
    expect(out.seqs).toEqual([2]);
    expect(delivery.last).toBe(2);
  });

  it('replays across pages, then drains live events buffered during the replay without gap or duplicate', async () => {
    const out = collect();
    const delivery = new RoomDelivery(3, out.emit);
    delivery.holdLive();
    // Live events 9..12 arrive while the replay runs; 9 and 10 are also in the store.
    for (const seq of [9, 10, 11, 12]) delivery.onLive(sent(seq));
    await delivery.catchUp(store(10, () => true, 3).fetch);
    delivery.onLive(sent(13));
    expect(out.seqs).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('keeps at most maxBuffered live events while catching up, and reads what it dropped from the store', async () => {
    const out = collect();
    const delivery = new RoomDelivery(0, out.emit, 3);
    delivery.holdLive();
    for (let seq = 1; seq <= 10; seq += 1) {
      delivery.onLive(sent(seq));
      expect(delivery.buffered).toBeLessThanOrEqual(3);
    }
    await delivery.catchUp(store(10, () => true, 4).fetch);
    delivery.onLive(sent(11));
    expect(out.seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('asks the store again when live events were dropped while its last page was on the way', async () => {
    const out = collect();
    const delivery = new RoomDelivery(0, out.emit, 2);
    // The room holds 3 events when the replay starts; 4..8 are stored and published while a page is on the way.
    let stored = 3;
    const calls: number[] = [];
    await delivery.catchUp(async (after) => {
      calls.push(after);
      const page = { items: [] as RoomUpdate[], last: stored, hasMore: false };
      for (let seq = after + 1; seq <= stored; seq += 1) page.items.push({ event: 'message', payload: message(seq) });
      if (stored === 3) {
        for (stored = 4; stored <= 8; stored += 1) delivery.onLive(sent(stored));
        stored = 8;
      }
      return page;
    });
    expect(calls).toEqual([0, 3]);
    expect(out.seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('pages past stretches of private events using the page cursor, not the last delivered seq', async () => {
    const out = collect();
    const delivery = new RoomDelivery(0, out.emit);
    const room = store(20, (seq) => seq % 5 === 0, 3);
    await delivery.catchUp(room.fetch);
    expect(out.seqs).toEqual([5, 10, 15, 20]);
    expect(room.calls).toEqual([0, 3, 6, 9, 12, 15, 18]);
  });

  it('refuses a store whose pages do not advance, instead of looping forever', async () => {
    const delivery = new RoomDelivery(4, collect().emit);
    await expect(delivery.catchUp(async () => ({ items: [], last: 4, hasMore: true }))).rejects.toThrow('did not advance');
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
