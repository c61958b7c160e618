import type { DeliverySource } from './ports.ts';

/** How a stream's live messages and stored items map to positions and to what the socket receives. */
export interface StreamShape<Live, Item> {
  /** Position of a live message in its stream (room seq, notification cursor). */
  livePosition(live: Live): number;
  /** What the socket receives for a live message, or nothing for messages it must not see. */
  toItem(live: Live): Item | undefined;
  itemPosition(item: Item): number;
}

/** Live messages held per socket and stream while it catches up, by default. */
export const DEFAULT_MAX_BUFFERED = 1_000;

/**
 * Delivers one ordered stream (a room's updates, a user's notifications) to one socket exactly once and in
 * position order. Positions are gap-free (every room event takes the next seq, every notification change
 * the user's next cursor), and everything is stored before it is published, so the store can always fill in:
 *
 * - catching up (a join or subscribe): live messages are buffered while the store is read page by page,
 *   then the buffer is drained, dropping what the store covered: no gap or repeat at the seam;
 * - a gap in the live stream (core NATS dropped a message in a reconnect, or one arrives out of order):
 *   the delivery buffers again and reads the missing positions from the store before going on.
 *
 * The buffer is bounded: when a long catch-up meets a busy stream it is emptied and the catch-up reads on
 * from the store until it has passed everything dropped. Memory per socket stays at `maxBuffered` messages.
 * After a failed catch-up the delivery stops (the caller drops the socket, and its client resumes).
 */
export class ResumableDelivery<Live, Item> {
  #last: number;
  #buffer: Live[] | undefined;
  /** How many times the buffer overflowed and dropped live messages; catchUp compares it across a page. */
  #drops = 0;
  #failed = false;
  #stopped = false;
  readonly #shape: StreamShape<Live, Item>;
  readonly #emit: (item: Item) => void;
  readonly #source: DeliverySource<Item>;
  readonly #maxBuffered: number;

  constructor(options: {
    after: number;
    shape: StreamShape<Live, Item>;
    emit: (item: Item) => void;
    source: DeliverySource<Item>;
    maxBuffered?: number;
  }) {
    this.#last = options.after;
    this.#shape = options.shape;
    this.#emit = options.emit;
    this.#source = options.source;
    this.#maxBuffered = options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
  }

  /** The highest position this socket has been given (or was told it already has). */
  get last(): number {
    return this.#last;
  }

  /** Live messages held until the catch-up ends. */
  get buffered(): number {
    return this.#buffer?.length ?? 0;
  }

  /** Starts buffering live messages; call before subscribing so nothing slips between catch-up and live. */
  holdLive(): void {
    this.#buffer ??= [];
  }

  /** Ends the delivery: nothing more is emitted, and a catch-up under way ends after its current page. */
  stop(): void {
    this.#stopped = true;
    this.#buffer = undefined;
  }

  /**
   * Takes a live message that is next in line while nothing is held: moves past it and returns true, and
   * the caller delivers it (with other sockets', encoded once). Anything else returns false: hand it to `onLive`.
   */
  advanceLive(live: Live): boolean {
    if (this.#failed || this.#stopped || this.#buffer) return false;
    const position = this.#shape.livePosition(live);
    if (position !== this.#last + 1) return false;
    this.#last = position;
    return true;
  }

  onLive(live: Live): void {
    if (this.#failed || this.#stopped) return;
    if (this.#buffer) {
      if (this.#buffer.length >= this.#maxBuffered) {
        this.#buffer.length = 0;
        this.#drops++;
      }
      this.#buffer.push(live);
      return;
    }
    const position = this.#shape.livePosition(live);
    if (position > this.#last + 1) {
      // Something before this message is missing here: read it from the store first.
      this.#buffer = [live];
      this.catchUp(position - 1).catch((err: unknown) => {
        this.#source.onCatchUpFailed(err);
      });
      return;
    }
    this.#deliverLive(live);
  }

  /**
   * Reads stored items after `last` page by page, then releases the buffered live messages. `mustReach`:
   * the position the store has to cover (a gap's end); if it does not, the catch-up fails rather than
   * skipping the gap or trying again without end.
   */
  async catchUp(mustReach?: number): Promise<void> {
    this.holdLive();
    try {
      for (;;) {
        const cursor = this.#last;
        // Anything dropped before this request is already stored, so this page or a later one has it.
        const dropsBefore = this.#drops;
        const page = await this.#source.fetchPage(cursor);
        if (this.#stopped) return;
        if (page.hasMore && page.last <= cursor) throw new Error(`stored pages did not advance past ${cursor}`);
        for (const item of page.items) this.#deliver(item);
        // Pages may end in entries the socket does not see; the cursor still moves past them.
        this.#last = Math.max(this.#last, page.last);
        if (!page.hasMore && this.#drops === dropsBefore) break;
        // Yield between pages so a client far behind does not hold the event loop.
        await new Promise((resolve) => setImmediate(resolve));
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() may have run during the await
        if (this.#stopped) return;
      }
      if (mustReach !== undefined && this.#last < mustReach) {
        throw new Error(`the store ends at ${this.#last}, but the live stream is past ${mustReach}`);
      }
    } catch (err) {
      if (this.#stopped) return;
      this.#failed = true;
      this.#buffer = undefined;
      throw err;
    }
    const buffered = this.#buffer ?? [];
    this.#buffer = undefined;
    // Through onLive: a gap left in what was buffered starts another catch-up.
    for (const live of buffered) this.onLive(live);
  }

  #deliverLive(live: Live): void {
    const position = this.#shape.livePosition(live);
    if (position <= this.#last) return;
    this.#last = position;
    const item = this.#shape.toItem(live);
    if (item !== undefined) this.#emit(item);
  }

  #deliver(item: Item): void {
    const position = this.#shape.itemPosition(item);
    if (position <= this.#last) return;
    this.#last = position;
    this.#emit(item);
  }
}
