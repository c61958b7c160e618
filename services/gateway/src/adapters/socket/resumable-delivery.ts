/** A page of stored items after a position: `last` is the highest position it covered. */
export interface Page<Item> {
  items: Item[];
  last: number;
  hasMore: boolean;
}

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
 * position order. While it catches up from the store it buffers live messages, then drains the buffer
 * dropping everything the replay already covered, so the seam between replay and live has no gap or repeat.
 *
 * The buffer is bounded: every live message is stored before it is published, so when a long replay meets
 * a busy stream the buffer is emptied and the replay reads on from the store until it has passed
 * everything dropped. Memory per catching-up socket stays at `maxBuffered` messages.
 */
export class ResumableDelivery<Live, Item> {
  #last: number;
  #buffer: Live[] | undefined;
  /** Live messages were dropped from the buffer since the current page was asked for. */
  #dropped = false;
  readonly #shape: StreamShape<Live, Item>;
  readonly #emit: (item: Item) => void;
  readonly #maxBuffered: number;

  constructor(after: number, shape: StreamShape<Live, Item>, emit: (item: Item) => void, maxBuffered = DEFAULT_MAX_BUFFERED) {
    this.#last = after;
    this.#shape = shape;
    this.#emit = emit;
    this.#maxBuffered = maxBuffered;
  }

  /** The highest position this socket has been given (or was told it already has). */
  get last(): number {
    return this.#last;
  }

  /** Live messages held until the catch-up ends. */
  get buffered(): number {
    return this.#buffer?.length ?? 0;
  }

  /** Starts buffering live messages; call before subscribing so nothing slips between replay and live. */
  holdLive(): void {
    this.#buffer ??= [];
  }

  onLive(live: Live): void {
    if (!this.#buffer) return this.#deliverLive(live);
    if (this.#buffer.length >= this.#maxBuffered) {
      this.#buffer.length = 0;
      this.#dropped = true;
    }
    this.#buffer.push(live);
  }

  /** Replays stored items after `last` page by page, then releases the buffered live messages. */
  async catchUp(fetchPage: (after: number) => Promise<Page<Item>>): Promise<void> {
    this.holdLive();
    try {
      for (;;) {
        const cursor = this.#last;
        // Anything dropped before this request is already stored, so this page or a later one has it.
        this.#dropped = false;
        const page = await fetchPage(cursor);
        if (page.hasMore && page.last <= cursor) throw new Error(`stored pages did not advance past ${cursor}`);
        for (const item of page.items) this.#deliver(item);
        // Pages may end in entries the socket does not see; the cursor still moves past them.
        this.#last = Math.max(this.#last, page.last);
        if (!page.hasMore && !this.#dropped) break;
        // Yield between pages so a client far behind does not hold the event loop.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      const buffered = this.#buffer ?? [];
      this.#buffer = undefined;
      for (const live of buffered) this.#deliverLive(live);
    }
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
