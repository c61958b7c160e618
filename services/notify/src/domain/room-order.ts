/**
 * The longest ack wait of the notify consumer (`NOTIFY_ACK_WAIT_MS`): how long an event held by an instance
 * that died (or by a NATS node that died while delivering it) stays out before JetStream hands it out again.
 */
export const MAX_ACK_WAIT_MS = 30_000;

/**
 * How many deliveries an event waits for its room's earlier events before it is applied anyway. The
 * chat relay publishes every event of a room in order, so a predecessor is normally only in flight on
 * another instance, or held by an instance that died and handed out again after the ack wait. Waits are
 * retried every second at most, so 100 of them (about 97 s) outlast the longest ack wait three times over;
 * still bounded, so a room can never stall for good.
 */
export const MAX_ORDER_WAITS = 100;

/** An event arrived before its room's previous event was applied; retry it shortly. */
export class WaitForEarlierEvents extends Error {
  constructor(roomId: string, seq: number, lastApplied: number) {
    super(`room ${roomId}: event ${seq} waits for events after ${lastApplied}`);
    this.name = 'WaitForEarlierEvents';
  }
}

/**
 * Whether a room's event with `seq` may be applied now, given the room's highest applied seq and how
 * often this event has been delivered. Events at or below the next seq always may (a late one, after a
 * bounded wait gave up on it, is applied when it comes).
 */
export function mayApplyInOrder(input: { seq: number; lastApplied: number; deliveryCount: number }): boolean {
  return input.seq <= input.lastApplied + 1 || input.deliveryCount > MAX_ORDER_WAITS;
}

/** A chat event of a batch, as room order sees it. */
export interface OrderedEvent {
  eventId: string;
  roomId: string;
  seq: number;
  /** 1 on the event's first delivery. */
  deliveryCount: number;
}

/** What a batch does with one of its events: apply it, skip it (applied before), or leave it to wait. */
export type BatchStep = { kind: 'apply' } | { kind: 'duplicate' } | { kind: 'wait'; lastApplied: number };

/**
 * Plans a batch in its order: an event applied before (`processed`) or earlier in the batch is a
 * duplicate; one its room may take next (`mayApplyInOrder`, counting what the batch applies before it) is
 * applied; any other waits. Returns a step per event and the new last seq of each room that advanced.
 */
export function planBatch(
  events: readonly OrderedEvent[],
  stored: { processed: ReadonlySet<string>; lastApplied: ReadonlyMap<string, number> },
): { steps: BatchStep[]; advanced: Map<string, number> } {
  const applied = new Set(stored.processed);
  const advanced = new Map<string, number>();
  const steps = events.map((event): BatchStep => {
    if (applied.has(event.eventId)) return { kind: 'duplicate' };
    const lastApplied = advanced.get(event.roomId) ?? stored.lastApplied.get(event.roomId) ?? 0;
    if (!mayApplyInOrder({ seq: event.seq, lastApplied, deliveryCount: event.deliveryCount }))
      return { kind: 'wait', lastApplied };
    applied.add(event.eventId);
    if (event.seq > lastApplied) advanced.set(event.roomId, event.seq);
    return { kind: 'apply' };
  });
  return { steps, advanced };
}
