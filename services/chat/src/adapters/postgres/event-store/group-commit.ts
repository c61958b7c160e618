/** Group commit: how commands are gathered into transactions. */
export interface GroupCommitOptions {
  /** Most commands in one transaction. */
  maxBatchSize: number;
  /** How long a free writer waits for a batch to fill, in millis (0: only what arrived in the same tick). */
  maxWaitMs: number;
  /** Transactions in flight at once; a room is in at most one of them. */
  concurrency: number;
}

/** What the scheduler needs of a queued command: its room, and when it arrived. */
export interface Queued {
  readonly roomId: string;
  readonly enqueuedAt: number;
}

/**
 * Gathers queued commands into batches and runs at most `concurrency` of them at once, a room in at
 * most one: a room's commands run one batch after another, in arrival order. `run` settles a batch
 * and returns the commands to queue again (they go back to the head, ahead of their rooms' later ones).
 */
export class GroupCommitScheduler<T extends Queued> {
  readonly #options: GroupCommitOptions;
  readonly #run: (batch: T[]) => Promise<readonly T[]>;
  #pending: T[] = [];
  readonly #busyRooms = new Set<string>();
  #running = 0;
  #dispatchQueued = false;
  #waitTimer: NodeJS.Timeout | undefined;
  readonly #batches = new Set<Promise<void>>();

  constructor(options: GroupCommitOptions, run: (batch: T[]) => Promise<readonly T[]>) {
    this.#options = options;
    this.#run = run;
  }

  /** Queues a command for a coming batch. */
  enqueue(item: T): void {
    this.#pending.push(item);
    this.#scheduleDispatch();
  }

  /** Waits for the batches in flight and runs what is still queued (callers stop submitting first). */
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
    const { concurrency, maxBatchSize, maxWaitMs } = this.#options;
    while (this.#running < concurrency) {
      const oldest = this.#pending[0];
      if (!oldest) return;
      if (!flush && maxWaitMs > 0 && this.#eligibleCount(maxBatchSize) < maxBatchSize) {
        const waited = performance.now() - oldest.enqueuedAt;
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
      const run = this.#run(batch)
        .then((again) => {
          this.#pending = [...again, ...this.#pending];
        })
        .finally(() => {
          this.#batches.delete(run);
          this.#running--;
          for (const item of batch) this.#busyRooms.delete(item.roomId);
          this.#dispatch(false);
        });
      this.#batches.add(run);
    }
  }

  #eligibleCount(limit: number): number {
    let count = 0;
    for (const item of this.#pending) {
      if (!this.#busyRooms.has(item.roomId) && ++count >= limit) break;
    }
    return count;
  }

  /** Takes pending commands in arrival order, skipping rooms another batch holds (they keep their order). */
  #takeBatch(limit: number): T[] {
    const batch: T[] = [];
    const rest: T[] = [];
    for (const item of this.#pending) {
      if (batch.length < limit && !this.#busyRooms.has(item.roomId)) batch.push(item);
      else rest.push(item);
    }
    this.#pending = rest;
    for (const item of batch) this.#busyRooms.add(item.roomId);
    return batch;
  }
}
