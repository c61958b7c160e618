import type { ChatEvents, Message, RoomUpdate } from '@chatrt/contracts';
import type { Page } from '../../src/application/ports.ts';
import { ResumableDelivery } from '../../src/application/resumable-delivery.ts';
import { roomStream } from '../../src/domain/delivery.ts';

const roomId = '00000000-0000-4000-8000-000000000001';
const senderId = '00000000-0000-4000-8000-000000000002';
const at = '2026-01-01T00:00:00.000Z';

/** The stored message of a seq. */
export function message(seq: number): Message {
  return {
    id: `m-${seq}`,
    roomId,
    seq,
    senderId,
    message: `text ${seq}`,
    clientMessageId: `c-${seq}`,
    createdAt: at,
    deleted: false,
  };
}

/** The MessageSent event of a seq. */
export function sent(seq: number): ChatEvents {
  return {
    type: 'MessageSent',
    roomId,
    seq,
    data: { messageId: `m-${seq}`, senderId, message: `text ${seq}`, clientMessageId: `c-${seq}` },
    metadata: { eventId: `e-${seq}`, occurredAt: at, actorId: senderId },
  };
}

/** A private event (members are not sent it) at a seq. */
export function readMarker(seq: number): ChatEvents {
  return {
    type: 'ReadMarkerMoved',
    roomId,
    seq,
    data: { userId: senderId, readSeq: seq - 1 },
    metadata: { eventId: `e-${seq}`, occurredAt: at, actorId: senderId },
  };
}

/**
 * A store whose room has events 1..last; `visible` are the seqs members see (the rest are private events).
 * Pages scan `scan` events after the cursor, like the chat service's roomUpdates query.
 */
export function store(last: number, visible: (seq: number) => boolean, scan: number) {
  const calls: number[] = [];
  const fetch = (after: number): Promise<Page<RoomUpdate>> => {
    calls.push(after);
    const lastSeq = Math.min(last, after + scan);
    const updates: RoomUpdate[] = [];
    for (let seq = after + 1; seq <= lastSeq; seq += 1)
      if (visible(seq)) updates.push({ event: 'message', payload: message(seq) });
    return Promise.resolve({ items: updates, last: lastSeq, hasMore: lastSeq < last });
  };
  return { fetch, calls };
}

/**
 * A room's delivery to one socket, as the /chat namespace builds it, with what it emitted and the failures it
 * reported.
 */
export function roomDelivery(options: {
  after: number;
  fetch?: (after: number) => Promise<Page<RoomUpdate>>;
  maxBuffered?: number;
}) {
  const seqs: number[] = [];
  const failures: unknown[] = [];
  const delivery = new ResumableDelivery<ChatEvents, RoomUpdate>({
    after: options.after,
    shape: roomStream,
    emit: (update) => seqs.push(update.payload.seq),
    source: {
      fetchPage: options.fetch ?? (() => Promise.reject(new Error('this test has no store'))),
      onCatchUpFailed: (err) => failures.push(err),
    },
    ...(options.maxBuffered === undefined ? {} : { maxBuffered: options.maxBuffered }),
  });
  return { delivery, seqs, failures };
}
