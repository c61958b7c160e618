import { describe, expect, it } from 'vitest';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RoomEvents, RoomUpdate } from '@chatrt/contracts';
import { RoomEventBatches, type BatchLimits } from '../src/adapters/socket/room-event-batches.ts';

/** What was sent, in order: to whom (a broadcast's socket ids, or one socket's id) and which seqs. */
type Sent = { to: string; roomId: string; seqs: number[] };

function batchesWith(limits: Partial<BatchLimits> = {}) {
  const sent: Sent[] = [];
  const record = (to: string) => ({
    emit: (_event: 'roomEvents', batch: RoomEvents) => {
      sent.push({ to, roomId: batch.roomId, seqs: batch.events.map((e) => e.payload.seq) });
    },
  });
  const batches = new RoomEventBatches(
    { to: (socketIds) => record(socketIds.join(',')) },
    { maxEvents: 100, maxBytes: 65_536, ...limits },
  );
  const socket = (id: string) => ({ id, ...record(id) });
  return { sent, batches, socket };
}

const message = (seq: number, text = `m${seq}`): RoomUpdate => ({
  event: 'message',
  payload: {
    id: `id-${seq}`,
    roomId: 'r',
    seq,
    senderId: 'u',
    message: text,
    clientMessageId: `c-${seq}`,
    createdAt: new Date(0).toISOString(),
    deleted: false,
  },
});

describe('RoomEventBatches', () => {
  it('sends the live events of one turn to the same sockets as one broadcast, per room', async () => {
    const { sent, batches } = batchesWith();
    for (const seq of [1, 2, 3]) batches.addLive('r', message(seq), ['a', 'b']);
    batches.addLive('s', message(7), ['a']);
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([
      { to: 'a,b', roomId: 'r', seqs: [1, 2, 3] },
      { to: 'a', roomId: 's', seqs: [7] },
    ]);
  });

  it('starts a new batch when the sockets in step change, at the event count bound and at the size bound', async () => {
    const { sent, batches } = batchesWith({ maxEvents: 3, maxBytes: 2_000 });
    batches.addLive('r', message(1), ['a', 'b']);
    batches.addLive('r', message(2), ['a', 'b', 'c']);
    for (const seq of [3, 4, 5]) batches.addLive('r', message(seq), ['a', 'b', 'c']);
    batches.addLive('r', message(6, 'x'.repeat(1_000)), ['a']);
    batches.addLive('r', message(7, 'y'.repeat(1_000)), ['a']);
    await nextTurn();
    expect(sent).toEqual([
      { to: 'a,b', roomId: 'r', seqs: [1] },
      { to: 'a,b,c', roomId: 'r', seqs: [2, 3, 4] },
      { to: 'a,b,c', roomId: 'r', seqs: [5] },
      { to: 'a', roomId: 'r', seqs: [6] },
      { to: 'a', roomId: 'r', seqs: [7] },
    ]);
  });

  it("keeps each socket's order between the live batch and its own: the other kind of the room goes out first", async () => {
    const { sent, batches, socket } = batchesWith();
    const a = socket('a');
    batches.addLive('r', message(1), ['a', 'b']);
    // A gap fill for a: the live batch it is in must reach it first.
    batches.addForSocket(a, 'r', message(2));
    batches.addForSocket(a, 'r', message(3));
    expect(sent).toEqual([{ to: 'a,b', roomId: 'r', seqs: [1] }]);
    // a is back in step: its own batch must reach it before the next live one.
    batches.addLive('r', message(4), ['a', 'b']);
    expect(sent.at(-1)).toEqual({ to: 'a', roomId: 'r', seqs: [2, 3] });
    await nextTurn();
    expect(sent.at(-1)).toEqual({ to: 'a,b', roomId: 'r', seqs: [4] });
    expect(sent).toHaveLength(3);
  });

  it("gathers one socket's replay page up to the bounds, apart from other sockets'", async () => {
    const { sent, batches, socket } = batchesWith({ maxEvents: 2, maxBytes: 2_000 });
    const [a, b] = [socket('a'), socket('b')];
    for (const seq of [1, 2, 3]) batches.addForSocket(b, 'r', message(seq, 'x'.repeat(1_000)));
    for (const seq of [1, 2, 3]) batches.addForSocket(a, 'r', message(seq));
    await nextTurn();
    expect(sent).toEqual([
      { to: 'b', roomId: 'r', seqs: [1] },
      { to: 'b', roomId: 'r', seqs: [2] },
      { to: 'a', roomId: 'r', seqs: [1, 2] },
      { to: 'b', roomId: 'r', seqs: [3] },
      { to: 'a', roomId: 'r', seqs: [3] },
    ]);
  });
});
