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
