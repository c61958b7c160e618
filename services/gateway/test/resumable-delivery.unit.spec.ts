import { describe, it, expect, vi } from 'vitest';
import type { RoomUpdate } from '@chatrt/contracts';
import { message, readMarker, roomDelivery, sent, store } from './support/room-delivery.ts';

describe('ResumableDelivery of a room', () => {
  it('delivers live events in order and drops repeats and older seqs', () => {
    const { delivery, seqs } = roomDelivery({ after: 0 });
    for (const seq of [1, 2, 2, 1, 3]) delivery.onLive(sent(seq));
    expect(seqs).toEqual([1, 2, 3]);
  });

  it('emits nothing for private events but moves past their seq', () => {
    const { delivery, seqs } = roomDelivery({ after: 0 });
    delivery.onLive(readMarker(1));
    delivery.onLive(sent(2));
    expect(seqs).toEqual([2]);
    expect(delivery.last).toBe(2);
  });

  // The caller encodes a live event once for many sockets.
  it('lets the caller deliver only the next live event while nothing is held', async () => {
    const room = store(4, () => true, 10);
    const { delivery, seqs } = roomDelivery({ after: 0, fetch: room.fetch });
    expect(delivery.advanceLive(sent(1))).toBe(true);
    // A repeat, and an event past a gap, go through onLive (which drops the one and fills the other).
    expect(delivery.advanceLive(sent(1))).toBe(false);
    expect(delivery.advanceLive(sent(4))).toBe(false);
    expect(delivery.last).toBe(1);
    delivery.onLive(sent(4));
    // While the gap is read from the store, even the next event is held.
    expect(delivery.advanceLive(sent(2))).toBe(false);
    await vi.waitFor(() => {
      expect(seqs).toEqual([2, 3, 4]);
    });
    expect(delivery.advanceLive(sent(5))).toBe(true);
    delivery.stop();
    expect(delivery.advanceLive(sent(6))).toBe(false);
  });

  it('replays across pages, then drains live events buffered during the replay without gap or duplicate', async () => {
    const { delivery, seqs } = roomDelivery({ after: 3, fetch: store(10, () => true, 3).fetch });
    delivery.holdLive();
    // Live events 9..12 arrive while the replay runs; 9 and 10 are also in the store.
    for (const seq of [9, 10, 11, 12]) delivery.onLive(sent(seq));
    await delivery.catchUp();
    delivery.onLive(sent(13));
    expect(seqs).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('reads a gap in the live stream from the store first, and drops the missing events when late', async () => {
    const room = store(5, () => true, 10);
    const { delivery, seqs, failures } = roomDelivery({ after: 0, fetch: room.fetch });
    delivery.onLive(sent(1));
    delivery.onLive(sent(2));
    // 3 and 4 were lost on the way (or are late): 5 shows the gap.
    delivery.onLive(sent(5));
    await vi.waitFor(() => {
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
    });
    for (const seq of [3, 4, 6]) delivery.onLive(sent(seq));
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(room.calls).toEqual([2]);
    expect(failures).toEqual([]);
  });

  // What a pipelined relay whose publish of 3 failed sends: its round goes on with 4..6, the next round
  // publishes 3..6 again (4..6 are duplicates to the stream, but core NATS hands them out once more).
  it('delivers a room once and in seq order when a failed publish comes again after later events', async () => {
    const room = store(6, () => true, 10);
    const { delivery, seqs, failures } = roomDelivery({ after: 0, fetch: room.fetch });
    for (const seq of [1, 2, 4, 5, 6]) delivery.onLive(sent(seq));
    await vi.waitFor(() => {
      expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    });
    for (const seq of [3, 4, 5, 6]) delivery.onLive(sent(seq));
    delivery.onLive(sent(7));
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(room.calls).toEqual([2]);
    expect(failures).toEqual([]);
  });

  it('reports a gap it cannot fill and delivers nothing after it (the socket is dropped and resumes)', async () => {
    const { delivery, seqs, failures } = roomDelivery({ after: 0 });
    delivery.onLive(sent(1));
    delivery.onLive(sent(3));
    await vi.waitFor(() => {
      expect(failures).toHaveLength(1);
    });
    delivery.onLive(sent(2));
    delivery.onLive(sent(4));
    expect(seqs).toEqual([1]);
  });

  it('fails, instead of looping, when the store does not have what the live stream claims', async () => {
    const room = store(2, () => true, 10);
    const { delivery, seqs, failures } = roomDelivery({ after: 0, fetch: room.fetch });
    delivery.onLive(sent(1));
    delivery.onLive(sent(4));
    await vi.waitFor(() => {
      expect(failures).toEqual([new Error('the store ends at 2, but the live stream is past 3')]);
    });
    expect(seqs).toEqual([1, 2]);
    expect(room.calls).toEqual([1]);
  });

  it('keeps at most maxBuffered live events while catching up, and reads what it dropped from the store', async () => {
    const { delivery, seqs } = roomDelivery({ after: 0, fetch: store(10, () => true, 4).fetch, maxBuffered: 3 });
    delivery.holdLive();
    for (let seq = 1; seq <= 10; seq += 1) {
      delivery.onLive(sent(seq));
      expect(delivery.buffered).toBeLessThanOrEqual(3);
    }
    await delivery.catchUp();
    delivery.onLive(sent(11));
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('asks the store again when live events were dropped while its last page was on the way', async () => {
    // The room holds 3 events when the replay starts; 4..8 are stored and published while a page is on the way.
    let stored = 3;
    const calls: number[] = [];
    const { delivery, seqs } = roomDelivery({
      after: 0,
      maxBuffered: 2,
      fetch: (after) => {
        calls.push(after);
        const page = { items: [] as RoomUpdate[], last: stored, hasMore: false };
        for (let seq = after + 1; seq <= stored; seq += 1) page.items.push({ event: 'message', payload: message(seq) });
        if (stored === 3) {
          for (stored = 4; stored <= 8; stored += 1) delivery.onLive(sent(stored));
          stored = 8;
        }
        return Promise.resolve(page);
      },
    });
    await delivery.catchUp();
    expect(calls).toEqual([0, 3]);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('pages past stretches of private events using the page cursor, not the last delivered seq', async () => {
    const room = store(20, (seq) => seq % 5 === 0, 3);
    const { delivery, seqs } = roomDelivery({ after: 0, fetch: room.fetch });
    await delivery.catchUp();
    expect(seqs).toEqual([5, 10, 15, 20]);
    expect(room.calls).toEqual([0, 3, 6, 9, 12, 15, 18]);
  });

  it('refuses a store whose pages do not advance, instead of looping forever', async () => {
    const { delivery } = roomDelivery({
      after: 4,
      fetch: () => Promise.resolve({ items: [], last: 4, hasMore: true }),
    });
    await expect(delivery.catchUp()).rejects.toThrow('did not advance');
  });

  it('stops after a failed catch-up: the buffer is dropped and nothing more is delivered', async () => {
    const { delivery, seqs } = roomDelivery({ after: 0 });
    delivery.holdLive();
    delivery.onLive(sent(1));
    await expect(delivery.catchUp()).rejects.toThrow('this test has no store');
    delivery.onLive(sent(2));
    expect(seqs).toEqual([]);
  });
});

describe('ResumableDelivery.stop', () => {
  it('ends a catch-up under way after its current page, and ignores live messages from then on', async () => {
    const { fetch } = store(1000, () => true, 100);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { delivery, seqs, failures } = roomDelivery({
      after: 0,
      fetch: async (after) => {
        if (after >= 100) await gate;
        return fetch(after);
      },
    });
    const catchingUp = delivery.catchUp();
    await vi.waitFor(() => {
      expect(seqs).toHaveLength(100);
    });
    delivery.stop();
    release();
    await catchingUp;
    delivery.onLive(sent(1001));
    expect(seqs).toHaveLength(100);
    expect(failures).toEqual([]);
  });
});
