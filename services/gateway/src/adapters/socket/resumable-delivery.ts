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

/**
 * Delivers one ordered stream (a room's updates, a user's notifications) to one socket exactly once and in
 * position order. While it catches up from the store it buffers live messages, then drains the buffer
 * dropping everything the replay already covered, so the seam between replay and live has no gap or repeat.
 */
export class ResumableDelivery<Live, Item> {
  #last: number;
  #buffer: Live[] | undefined;
  readonly #shape: StreamShape<Live, Item>;
  readonly #emit: (item: Item) => void;

  constructor(after: number, shape: StreamShape<Live, Item>, emit: (item: Item) => void) {
    this.#last = after;
    this.#shape = shape;
    this.#emit = emit;
  }

  /** The highest position this socket has been given (or was told it already has). */
  get last(): number {
    return this.#last;
  }

  /** Starts buffering live messages; call before subscribing so nothing slips between replay and live. */
  holdLive(): void {
    this.#buffer ??= [];
  }

  onLive(live: Live): void {
    if (this.#buffer) this.#buffer.push(live);
    else this.#deliverLive(live);
  }

  /** Replays stored items after `last` page by page, then releases the buffered live messages. */
  async catchUp(fetchPage: (after: number) => Promise<Page<Item>>): Promise<void> {
    this.holdLive();
    try {
      for (;;) {
        const cursor = this.#last;
        const page = await fetchPage(cursor);
        if (page.hasMore && page.last <= cursor) throw new Error(`stored pages did not advance past ${cursor}`);
        for (const item of page.items) this.#deliver(item);
        // Pages may end in entries the socket does not see; the cursor still moves past them.
        this.#last = Math.max(this.#last, page.last);
        if (!page.hasMore) break;
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
