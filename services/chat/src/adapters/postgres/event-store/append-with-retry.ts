import { CodedError, type Logger, type PoolClient } from '@chatrt/service-kit';
import type { RecordedRoomEvent } from '../../../domain/index.ts';
import { appendEvents } from '../events-table.ts';

/** The savepoint a batch's transaction starts with: losing a race rolls back to it and inserts again. */
export const appendSavepoint = 'append';

/** A decided command as the append sees it: its room and the events it appends (none when refused or a repeat). */
export interface DecidedCommand {
  roomId: string;
  events: readonly RecordedRoomEvent[];
}

/**
 * Inserts the decisions' events. Rows that meet a unique key ((room_id, seq), the idempotency index) mean
 * another instance got there first: back to the transaction's savepoint, and the decisions of those rooms
 * from their first lost event on are returned (to be queued again) while the rest is inserted anew.
 */
export async function appendWithRetry<D extends DecidedCommand>(
  client: PoolClient,
  decisions: readonly D[],
  log: Logger,
): Promise<D[]> {
  const lost: D[] = [];
  let live = decisions;
  for (;;) {
    const events = live.flatMap((d) => d.events);
    if (events.length === 0) return lost;
    const inserted = await appendEvents(client, events);
    if (inserted.size === events.length) return lost;
    // Rolling back to a savepoint keeps it: the next attempt starts from it again.
    await client.query(`ROLLBACK TO SAVEPOINT ${appendSavepoint}`);
    const lostRooms = new Set<string>();
    const kept: D[] = [];
    for (const decision of live) {
      if (decision.events.some((e) => !inserted.has(e.metadata.eventId))) lostRooms.add(decision.roomId);
      if (lostRooms.has(decision.roomId)) lost.push(decision);
      else kept.push(decision);
    }
    log.debug({ rooms: [...lostRooms] }, 'lost a seq or idempotency race; requeueing those rooms');
    live = kept;
  }
}

/** A command that lost a race: how often, and how to answer it when it is given up. */
export interface RetriedCommand {
  roomId: string;
  attempts: number;
  /** Lost a race before: look its idempotency key up before deciding again. */
  recheck: boolean;
  reject(err: unknown): void;
}

/**
 * Counts one more lost race for each command and returns those to try again; a command that reached
 * `maxAttempts` is answered UNAVAILABLE instead (the room is too contended to write).
 */
export function retryOrGiveUp<C extends RetriedCommand>(
  lost: readonly C[],
  options: { maxAttempts: number; onConflict: () => void; log: Logger },
): C[] {
  const again: C[] = [];
  for (const item of lost) {
    options.onConflict();
    item.attempts += 1;
    item.recheck = true;
    if (item.attempts >= options.maxAttempts) {
      options.log.warn({ roomId: item.roomId, attempts: item.attempts }, 'gave up appending: room too contended');
      item.reject(
        new CodedError(
          'UNAVAILABLE',
          `room ${item.roomId} is busy: lost ${item.attempts} concurrent-write races, retry later`,
          {
            retryAfter: 1,
          },
        ),
      );
    } else {
      again.push(item);
    }
  }
  return again;
}
