import type { Message } from '@chatrt/contracts';
import { CodedError, inTransaction, type Logger, type Pool, type PoolClient } from '@chatrt/service-kit';
import {
  absentRoom,
  evolve,
  recordEvents,
  toMessage,
  type RecordedRoomEvent,
  type RoomEvent,
  type RoomState,
} from '../../domain/index.ts';
import { runProjections, type Projection } from '../projections/projection.ts';
import { readMessageStates } from '../projections/messages.ts';
import { markerKey, readMarkers } from '../projections/room-members.ts';
import { readRoomStates } from '../projections/rooms.ts';
import { appendEvents } from './events-table.ts';
import { findStoredMessages, idempotencyKeyOf } from './idempotency.ts';
import { asCommandError, isCommandFailure } from './postgres-errors.ts';

/** Decides a command against the room's current state; may throw a CodedError to refuse it. */
export type Decider = (state: RoomState) => RoomEvent[];

/** One command for the store: which room, who acts, what to load besides the room's row, and the rule. */
export interface CommandRequest {
  roomId: string;
  actorId: string;
  decide: Decider;
  /** A message the command acts on: loaded into the state's `messages`. */
  messageId?: string | undefined;
  /** A member whose read marker the command needs: loaded into the state's `readMarkers`. */
  readerId?: string | undefined;
  /** SendMessage's idempotency key (with roomId and actorId): a stored message with it answers instead. */
  clientMessageId?: string | undefined;
}

/** What a command did: events appended (with the room's new state), or nothing because it was a repeat. */
export type AppendOutcome =
  | { kind: 'appended'; state: RoomState; events: RecordedRoomEvent[] }
  | { kind: 'duplicate'; message: Message };

/** Group commit: how commands are gathered into transactions. */
export interface GroupCommitOptions {
  /** Most commands in one transaction. */
  maxBatchSize: number;
  /** How long a free writer waits for a batch to fill, in millis (0: only what arrived in the same tick). */
  maxWaitMs: number;
  /** Transactions in flight at once; a room is in at most one of them. */
  concurrency: number;
}

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

/** The savepoint a batch's transaction starts with: losing a race rolls back to it and inserts again. */
const appendSavepoint = 'append';

interface Pending {
  request: CommandRequest;
  attempts: number;
  /** Lost a race before: look its idempotency key up before deciding again. */
  recheck: boolean;
  enqueuedAt: number;
  resolve(outcome: AppendOutcome): void;
  reject(err: unknown): void;
}

type Decision =
  | { kind: 'appended'; item: Pending; state: RoomState; events: RecordedRoomEvent[] }
  | { kind: 'duplicate'; item: Pending; message: Message }
  | { kind: 'failed'; item: Pending; error: unknown };

/**
 * The append-only store of room events, with group commit. Concurrent commands (across rooms, and one
 * after another within a room) share one transaction: the rooms' rows, the messages and read markers
 * the commands touch and the stored idempotency keys are read in it, each command is decided against
 * the state its predecessors left, then all events and their outbox rows are inserted in one
 * statement, the projections updated, and the whole batch committed with one WAL flush. Each command
 * is answered only after that commit; a refused command answers only itself, and so does a command
 * Postgres refuses (the batch is split until it stands alone).
 *
 * Concurrency stays optimistic: UNIQUE (room_id, seq) is the version check and the idempotency index
 * the duplicate check. Within this instance a room is in one batch at a time, so only other instances
 * race (or a client repeats a send that is already stored); the insert skips rows that meet a key, and
 * the commands of the rooms that lost (from their first lost event on) are rolled back to a savepoint
 * and queued again, the rest of the batch committing. A requeued send first looks its key up, so a
 * repeat is answered with the stored message.
 */
export class RoomEventStore {
  readonly #options: Required<RoomEventStoreOptions>;
  #pending: Pending[] = [];
  readonly #busyRooms = new Set<string>();
  #running = 0;
  #dispatchQueued = false;
  #waitTimer: NodeJS.Timeout | undefined;
  readonly #batches = new Set<Promise<void>>();

  constructor(options: RoomEventStoreOptions) {
    this.#options = { maxAttempts: 20, onConflict: () => {}, onBatch: () => {}, ...options };
  }

  /** Queues a command for the next batch; resolves once its batch committed. */
  handle(request: CommandRequest): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ request, attempts: 0, recheck: false, enqueuedAt: performance.now(), resolve, reject });
      this.#scheduleDispatch();
    });
  }

  /** Waits for the batches in flight (callers stop submitting first). */
  async close(): Promise<void> {
    clearTimeout(this.#waitTimer);
    while (this.#batches.size > 0 || this.#pending.length > 0) {
      this.#dispatch(true);
      await Promise.allSettled([...this.#batches]);
    }
  }

  /** Gathers whatever else arrives in this tick before dispatching. */
  #scheduleDispatch(): void {
    if (this.#dispatchQueued) return;
    this.#dispatchQueued = true;
    setImmediate(() => {
      this.#dispatchQueued = false;
      this.#dispatch(false);
    });
  }

  #dispatch(flush: boolean): void {
    const { concurrency, maxBatchSize, maxWaitMs } = this.#options.groupCommit;
    while (this.#running < concurrency && this.#pending.length > 0) {
      if (!flush && maxWaitMs > 0 && this.#eligibleCount(maxBatchSize) < maxBatchSize) {
        const waited = performance.now() - this.#pending[0]!.enqueuedAt;
        if (waited < maxWaitMs) {
          this.#waitTimer ??= setTimeout(() => {
            this.#waitTimer = undefined;
            this.#dispatch(true);
          }, maxWaitMs - waited);
          return;
        }
      }
      const batch = this.#takeBatch(maxBatchSize);
      if (batch.length === 0) return;
      this.#running++;
      const run = this.#runBatch(batch).finally(() => {
        this.#batches.delete(run);
        this.#running--;
        for (const item of batch) this.#busyRooms.delete(item.request.roomId);
        this.#dispatch(false);
      });
      this.#batches.add(run);
    }
  }

  #eligibleCount(limit: number): number {
    let count = 0;
    for (const item of this.#pending) {
      if (!this.#busyRooms.has(item.request.roomId) && ++count >= limit) break;
    }
    return count;
  }

  /** Takes pending commands in arrival order, skipping rooms another batch holds (they keep their order). */
  #takeBatch(limit: number): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    for (const item of this.#pending) {
      if (batch.length < limit && !this.#busyRooms.has(item.request.roomId)) batch.push(item);
      else rest.push(item);
    }
    this.#pending = rest;
    for (const item of batch) this.#busyRooms.add(item.request.roomId);
    return batch;
  }

  async #runBatch(batch: Pending[]): Promise<void> {
    this.#requeue(await this.#settle(batch));
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
          const decisions = await this.#decide(client, batch);
          const lost = await this.#append(client, decisions);
          const lostItems = new Set(lost);
          const kept = decisions.filter((d) => !lostItems.has(d.item));
          await runProjections(client, this.#options.projections, kept.flatMap((d) => (d.kind === 'appended' ? d.events : [])));
          return { decisions: kept, lost };
        },
        // Taken with BEGIN (one round trip less per batch); the reads before the insert write nothing to undo.
        { savepoint: appendSavepoint },
      );
    } catch (err) {
      if (batch.length > 1 && isCommandFailure(err)) {
        this.#options.log.warn({ err, commands: batch.length }, 'batch refused by Postgres; splitting it to isolate the command');
        const middle = Math.ceil(batch.length / 2);
        const lost = await this.#settle(batch.slice(0, middle));
        const lostRooms = new Set(lost.map((item) => item.request.roomId));
        const rest = batch.slice(middle);
        const deferred = rest.filter((item) => lostRooms.has(item.request.roomId));
        const lostLater = await this.#settle(rest.filter((item) => !lostRooms.has(item.request.roomId)));
        return [...lost, ...deferred, ...lostLater];
      }
      if (isCommandFailure(err)) this.#options.log.warn({ err, roomId: batch[0]!.request.roomId }, 'command refused by Postgres');
      else this.#options.log.error({ err, commands: batch.length }, 'batch transaction failed');
      const refusal = asCommandError(err);
      for (const item of batch) item.reject(refusal);
      return [];
    }
    const events = result.decisions.reduce((sum, d) => sum + (d.kind === 'appended' ? d.events.length : 0), 0);
    this.#options.onBatch(result.decisions.length, { events, seconds: (performance.now() - startedAt) / 1000 });
    for (const decision of result.decisions) {
      if (decision.kind === 'appended') decision.item.resolve({ kind: 'appended', state: decision.state, events: decision.events });
      else if (decision.kind === 'duplicate') decision.item.resolve({ kind: 'duplicate', message: decision.message });
      else decision.item.reject(decision.error);
    }
    return result.lost;
  }

  /**
   * Loads what the batch needs (rooms; messages, markers and stored idempotency keys only when some
   * command needs them), then decides each command in arrival order. A send's key is looked up only
   * after it lost a race: a first attempt that repeats a stored key meets the key's index at insert.
   */
  async #decide(client: PoolClient, batch: readonly Pending[]): Promise<Decision[]> {
    const requests = batch.map((item) => item.request);
    const roomIds = [...new Set(requests.map((r) => r.roomId))];
    const messageIds = [...new Set(requests.flatMap((r) => (r.messageId ? [r.messageId] : [])))];
    const readers = requests.flatMap((r) => (r.readerId ? [{ roomId: r.roomId, userId: r.readerId }] : []));
    const keys = batch.flatMap(({ request: r, recheck }) =>
      recheck && r.clientMessageId ? [{ roomId: r.roomId, actorId: r.actorId, clientMessageId: r.clientMessageId }] : [],
    );
    const rooms = await readRoomStates(client, roomIds);
    const messages = messageIds.length > 0 ? await readMessageStates(client, messageIds) : new Map();
    const markers = readers.length > 0 ? await readMarkers(client, readers) : new Map<string, number>();
    const stored = await findStoredMessages(client, keys);

    const states = new Map<string, RoomState>();
    for (const roomId of roomIds) {
      const room = rooms.get(roomId) ?? absentRoom;
      if (room.status === 'absent') {
        states.set(roomId, room);
        continue;
      }
      states.set(roomId, {
        ...room,
        messages: new Map([...messages].filter(([, m]) => m.roomId === roomId)),
        readMarkers: new Map(readers.filter((r) => r.roomId === roomId).map((r) => [r.userId, markers.get(markerKey(roomId, r.userId)) ?? 0])),
      });
    }

    const occurredAt = this.#options.clock().toISOString();
    const sentInBatch = new Map<string, Message>();
    return batch.map((item): Decision => {
      const { request } = item;
      const key = request.clientMessageId
        ? idempotencyKeyOf({ roomId: request.roomId, actorId: request.actorId, clientMessageId: request.clientMessageId })
        : undefined;
      const original = key === undefined ? undefined : (stored.get(key) ?? sentInBatch.get(key));
      if (original) return { kind: 'duplicate', item, message: original };
      const state = states.get(request.roomId)!;
      try {
        const events = recordEvents(request.decide(state), {
          roomId: request.roomId,
          actorId: request.actorId,
          lastSeq: state.lastSeq,
          occurredAt,
          newId: this.#options.newId,
        });
        const next = events.reduce(evolve, state);
        states.set(request.roomId, next);
        if (key !== undefined) {
          const sent = events.find((e) => e.type === 'MessageSent');
          const message = sent && next.status === 'active' ? next.messages.get(sent.data.messageId) : undefined;
          if (message) sentInBatch.set(key, toMessage(message));
        }
        return { kind: 'appended', item, state: next, events };
      } catch (error) {
        return { kind: 'failed', item, error };
      }
    });
  }

  /**
   * Inserts the batch's events. Rows that meet a unique key mean another instance got there first:
   * back to the transaction's savepoint, and the commands of those rooms from their first lost event on are
   * returned (to be queued again) while the rest is inserted anew.
   */
  async #append(client: PoolClient, decisions: readonly Decision[]): Promise<Pending[]> {
    const lost: Pending[] = [];
    let live = decisions;
    for (;;) {
      const events = live.flatMap((d) => (d.kind === 'appended' ? d.events : []));
      if (events.length === 0) return lost;
      const inserted = await appendEvents(client, events);
      if (inserted.size === events.length) return lost;
      // Rolling back to a savepoint keeps it: the next attempt starts from it again.
      await client.query(`ROLLBACK TO SAVEPOINT ${appendSavepoint}`);
      const lostRooms = new Set<string>();
      const kept: Decision[] = [];
      for (const decision of live) {
        const roomId = decision.item.request.roomId;
        const missed = decision.kind === 'appended' && decision.events.some((e) => !inserted.has(e.metadata.eventId));
        if (missed) lostRooms.add(roomId);
        if (lostRooms.has(roomId)) lost.push(decision.item);
        else kept.push(decision);
      }
      this.#options.log.debug({ rooms: [...lostRooms] }, 'lost a seq or idempotency race; requeueing those rooms');
      live = kept;
    }
  }

  /** Puts commands that lost a race back at the head of the queue, in order, ahead of their rooms' later commands. */
  #requeue(lost: readonly Pending[]): void {
    const again: Pending[] = [];
    for (const item of lost) {
      this.#options.onConflict();
      item.attempts += 1;
      item.recheck = true;
      if (item.attempts >= this.#options.maxAttempts) {
        this.#options.log.warn({ roomId: item.request.roomId, attempts: item.attempts }, 'gave up appending: room too contended');
        item.reject(
          new CodedError('UNAVAILABLE', `room ${item.request.roomId} is busy: lost ${item.attempts} concurrent-write races, retry later`, {
            retryAfter: 1,
          }),
        );
      } else {
        again.push(item);
      }
    }
    this.#pending = [...again, ...this.#pending];
  }
}
