import type { SendRecord } from './invariants.ts';

/**
 * The time to recover from a fault, in seconds from the moment it was healed (`healedAt`: the container or
 * service back, the partition lifted; for a fault with no heal, e.g. a gateway killed for good, when it was
 * done): until every sender still sending got its first ok ack after the heal, and every client that lost its
 * connection since `faultAt` had joined its room again, whichever came last. 0 when nothing waited for the
 * heal; NaN when a sender never got an ok after it.
 */
export function recoverySeconds(
  faultAt: number,
  healedAt: number,
  senders: ReadonlyArray<{ sends: readonly SendRecord[] }>,
  clients: ReadonlyArray<{ joins: readonly number[] }>,
): number {
  let recoveredAt = healedAt;
  for (const sender of senders) {
    // A sender that had finished before the heal waits for nothing.
    if (!sender.sends.some((s) => s.settledAt > healedAt)) continue;
    const first = Math.min(
      ...sender.sends.filter((s) => s.outcome.kind === 'ok' && s.settledAt > healedAt).map((s) => s.settledAt),
    );
    if (!Number.isFinite(first)) return Number.NaN;
    recoveredAt = Math.max(recoveredAt, first);
  }
  for (const client of clients) {
    const lastRejoin = client.joins.filter((at) => at > faultAt).at(-1);
    if (lastRejoin !== undefined) recoveredAt = Math.max(recoveredAt, lastRejoin);
  }
  return Math.round((recoveredAt - healedAt) / 100) / 10;
}
