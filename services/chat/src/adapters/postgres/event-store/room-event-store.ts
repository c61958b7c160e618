import type { Message } from '@chatrt/contracts';
import { inTransaction, type Logger, type Pool } from '@chatrt/service-kit';
import type { AppendOutcome, CommandRequest, RoomCommandStore } from '../../../application/ports.ts';
import { evolve, recordEvents, toMessage, type RecordedRoomEvent, type RoomState } from '../../../domain/index.ts';
import { runProjections, type Projection } from '../../projections/projection.ts';
import { idempotencyKeyOf } from '../idempotency.ts';
import { asCommandError, isCommandFailure } from '../postgres-errors.ts';
import { appendSavepoint, appendWithRetry, retryOrGiveUp } from './append-with-retry.ts';
import { loadWriteSideSnapshot, type WriteSideSnapshot } from './decision-state.ts';
import { GroupCommitScheduler, type GroupCommitOptions } from './group-commit.ts';

export type { GroupCommitOptions } from './group-commit.ts';

/** The store's collaborators and limits. */
export interface RoomEventStoreOptions {
  pool: Pool;
  /** Read models updated in each transaction, in this order. */
  projections: readonly Projection[];
  log: Logger;
  newId: () => string;
  clock: () => Date;
  groupCommit: GroupCommitOptions;
  /** Attempts before a command too contended to write answers UNAVAILABLE. */
  maxAttempts?: number;
  /** Called once per command that lost an optimistic-concurrency race (for metrics). */
  onConflict?: () => void;
  /**
   * Called for each committed batch (for metrics): its commands, the events it appended and how long its
   * transaction took, in seconds.
   */
  onBatch?: (size: number, commit: { events: number; seconds: number }) => void;
}

interface Pending {
  request: CommandRequest;
  roomId: string;
  attempts: number;
  /** Lost a race before: look its idempotency key up before deciding again. */
  recheck: boolean;
  enqueuedAt: number;
  resolve(outcome: AppendOutcome): void;
  reject(err: unknown): void;
}

/** A command decided within its batch; `events` is empty unless it appended. */
type Decision = { item: Pending; roomId: string; events: RecordedRoomEvent[] } & (
  { kind: 'appended'; state: RoomState } | { kind: 'duplicate'; message: Message } | { kind: 'failed'; error: unknown }
);

/**
 * The append-only store of room events, with group commit (see GroupCommitScheduler). Concurrent
 * commands (across rooms, and one after another within a room) share one transaction: the write-side
 * snapshot of their rooms is read in it (see loadWriteSideSnapshot), each command is decided against
 * the state its predecessors left, then all events and their outbox rows are inserted in one
 * statement, the projections updated, and the whole batch committed with one WAL flush. Each command
 * is answered only after that commit; a refused command answers only itself, and so does a command
 * Postgres refuses (the batch is split until it stands alone).
 *
 * Concurrency stays optimistic: UNIQUE (room_id, seq) is the version check and the idempotency index
 * the duplicate check. Within this instance a room is in one batch at a time, so only other instances
 * race (or a client repeats a send that is already stored); the rooms that lost are rolled back and
 * queued again while the rest of the batch commits (see appendWithRetry). A requeued send first looks
 * its key up, so a repeat is answered with the stored message.
 */
export class RoomEventStore implements RoomCommandStore {
  readonly #options: Required<RoomEventStoreOptions>;
  readonly #scheduler: GroupCommitScheduler<Pending>;

  constructor(options: RoomEventStoreOptions) {
    this.#options = { maxAttempts: 20, onConflict: () => {}, onBatch: () => {}, ...options };
    this.#scheduler = new GroupCommitScheduler(options.groupCommit, async (batch) =>
      retryOrGiveUp(await this.#settle(batch), this.#options),
    );
  }

  /** Queues a command for the next batch; resolves once its batch committed. */
  handle(request: CommandRequest): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      const enqueuedAt = performance.now();
      this.#scheduler.enqueue({
        request,
        roomId: request.roomId,
        attempts: 0,
        recheck: false,
        enqueuedAt,
        resolve,
        reject,
      });
    });
  }

  /** Waits for the batches in flight (callers stop submitting first). */
  close(): Promise<void> {
    return this.#scheduler.close();
  }

  /**
   * Commits a batch and answers its commands; returns those that lost a race (to be queued again). A
   * batch that Postgres refuses for one command's sake (any SQLSTATE outside the connection and
   * resource classes: a NUL byte in a text column, a value out of range, …) is split in two and each
   * half settled on its own, first half first, until the refused command stands alone and fails alone.
   * A room whose command lost a race in the first half keeps its later commands out of the second, so
   * each room's commands still append in arrival order.
   */
  async #settle(batch: Pending[]): Promise<Pending[]> {
    let result: { decisions: Decision[]; lost: Pending[] };
    const startedAt = performance.now();
    try {
      result = await inTransaction(
        this.#options.pool,
        async (client) => {
          const snapshot = await loadWriteSideSnapshot(
            client,
            batch.map((item) => item.request),
            recheckKeys(batch),
          );
          const decisions = this.#decide(batch, snapshot);
          const lostItems = new Set((await appendWithRetry(client, decisions, this.#options.log)).map((d) => d.item));
          const kept = decisions.filter((d) => !lostItems.has(d.item));
          await runProjections(
            client,
            this.#options.projections,
            kept.flatMap((d) => d.events),
          );
          return { decisions: kept, lost: batch.filter((item) => lostItems.has(item)) };
        },
        // Taken with BEGIN (one round trip less per batch); the reads before the insert write nothing to undo.
        { savepoint: appendSavepoint },
      );
    } catch (err) {
      if (batch.length > 1 && isCommandFailure(err)) {
        this.#options.log.warn(
          { err, commands: batch.length },
          'batch refused by Postgres; splitting it to isolate the command',
        );
        const middle = Math.ceil(batch.length / 2);
        const lost = await this.#settle(batch.slice(0, middle));
        const lostRooms = new Set(lost.map((item) => item.roomId));
        const rest = batch.slice(middle);
        const deferred = rest.filter((item) => lostRooms.has(item.roomId));
        const lostLater = await this.#settle(rest.filter((item) => !lostRooms.has(item.roomId)));
        return [...lost, ...deferred, ...lostLater];
      }
      if (isCommandFailure(err))
        this.#options.log.warn({ err, roomId: batch[0]?.roomId }, 'command refused by Postgres');
      else this.#options.log.error({ err, commands: batch.length }, 'batch transaction failed');
      const refusal = asCommandError(err);
      for (const item of batch) item.reject(refusal);
      return [];
    }
    const events = result.decisions.reduce((sum, d) => sum + d.events.length, 0);
    this.#options.onBatch(result.decisions.length, { events, seconds: (performance.now() - startedAt) / 1000 });
    for (const decision of result.decisions) {
      if (decision.kind === 'appended')
        decision.item.resolve({ kind: 'appended', state: decision.state, events: decision.events });
      else if (decision.kind === 'duplicate') decision.item.resolve({ kind: 'duplicate', message: decision.message });
      else decision.item.reject(decision.error);
    }
    return result.lost;
  }

  /**
   * Decides each command in arrival order against the state its predecessors in the batch left. A send
   * whose key is stored, or was sent earlier in the batch, is answered with that message instead.
   */
  #decide(batch: readonly Pending[], snapshot: WriteSideSnapshot): Decision[] {
    const states = snapshot.rooms;
    const occurredAt = this.#options.clock().toISOString();
    const sentInBatch = new Map<string, Message>();
    return batch.map((item): Decision => {
      const { request, roomId } = item;
      const key = request.clientMessageId
        ? idempotencyKeyOf({ roomId, actorId: request.actorId, clientMessageId: request.clientMessageId })
        : undefined;
      const original = key === undefined ? undefined : (snapshot.storedMessages.get(key) ?? sentInBatch.get(key));
      if (original) return { kind: 'duplicate', item, roomId, events: [], message: original };
      const state = states.get(roomId);
      if (!state) throw new Error(`the write-side snapshot lacks room ${roomId} of its batch`);
      try {
        const events = recordEvents(request.decide(state), {
          roomId,
          actorId: request.actorId,
          lastSeq: state.lastSeq,
          occurredAt,
          newId: this.#options.newId,
        });
        const next = events.reduce(evolve, state);
        states.set(roomId, next);
        if (key !== undefined) {
          const sent = events.find((e) => e.type === 'MessageSent');
          const message = sent && next.status === 'active' ? next.messages.get(sent.data.messageId) : undefined;
          if (message) sentInBatch.set(key, toMessage(message));
        }
        return { kind: 'appended', item, roomId, events, state: next };
      } catch (error) {
        return { kind: 'failed', item, roomId, events: [], error };
      }
    });
  }
}

/**
 * The idempotency keys to look up: a send's key only after it lost a race (a first attempt that repeats
 * a stored key meets the key's index at insert).
 */
function recheckKeys(batch: readonly Pending[]) {
  return batch.flatMap(({ request: r, recheck }) =>
    recheck && r.clientMessageId ? [{ roomId: r.roomId, actorId: r.actorId, clientMessageId: r.clientMessageId }] : [],
  );
}
