import { ChatClientError } from '../errors.ts';
import type { ClientLogger } from '../logger.ts';
import type { ReadableStore } from '../store.ts';
import type { OutboxItem, OutboxStore } from './outbox-store.ts';

/** What the UI shows about the outbox. */
export interface OutboxState {
  size: number;
  capacity: number;
  full: boolean;
}

/**
 * Messages written but not yet stored by the server, in writing order, bounded by `capacity`. Every
 * change goes to the durable store (one write at a time, in order), so a reload resumes where it stopped;
 * a store failure is logged and the item stays in memory (sending goes on, only durability is lost).
 */
export class Outbox implements ReadableStore<OutboxState> {
  readonly capacity: number;
  readonly #store: OutboxStore;
  readonly #logger: ClientLogger;
  #items: OutboxItem[] = [];
  #nextPosition = 1;
  #writes: Promise<void> = Promise.resolve();
  #state: OutboxState;
  readonly #listeners = new Set<() => void>();

  constructor(store: OutboxStore, capacity: number, logger: ClientLogger) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`outbox capacity must be a positive integer, got ${capacity}`);
    this.#store = store;
    this.capacity = capacity;
    this.#logger = logger;
    this.#state = { size: 0, capacity, full: false };
  }

  /**
   * Reads what a previous session left and puts it first (it was written earlier); returns those items in
   * order. Items added here before the load are renumbered after them. May exceed `capacity`: nothing is dropped.
   */
  async load(): Promise<OutboxItem[]> {
    const stored = (await this.#store.load()).sort((a, b) => a.position - b.position);
    const addedHere = this.#items;
    const hereIds = new Set(addedHere.map((item) => item.clientMessageId));
    const restored = stored.filter((item) => !hereIds.has(item.clientMessageId));
    const highest = stored.reduce((max, item) => Math.max(max, item.position), 0);
    this.#nextPosition = Math.max(this.#nextPosition, highest + 1);
    const renumbered = addedHere.map((item) => {
      if (item.position > highest) return item;
      const moved = { ...item, position: this.#nextPosition++ };
      this.#persist(() => this.#store.put(moved), moved.clientMessageId);
      return moved;
    });
    this.#items = [...restored, ...renumbered];
    this.#changed();
    return restored;
  }

  /** Appends a message; throws OUTBOX_FULL when `capacity` unsent messages wait already. */
  add(entry: Omit<OutboxItem, 'position'>): OutboxItem {
    const existing = this.#items.find((item) => item.clientMessageId === entry.clientMessageId);
    if (existing) return existing;
    if (this.#items.length >= this.capacity) {
      throw new ChatClientError(
        'OUTBOX_FULL',
        `${this.capacity} messages are waiting to be sent; this one was not queued`,
      );
    }
    const item: OutboxItem = { ...entry, position: this.#nextPosition++ };
    this.#items.push(item);
    this.#persist(() => this.#store.put(item), item.clientMessageId);
    this.#changed();
    return item;
  }

  /** Drops an item once the server stored it (or refused it for good). */
  remove(clientMessageId: string): void {
    const before = this.#items.length;
    this.#items = this.#items.filter((item) => item.clientMessageId !== clientMessageId);
    if (this.#items.length === before) return;
    this.#persist(() => this.#store.remove(clientMessageId), clientMessageId);
    this.#changed();
  }

  has(clientMessageId: string): boolean {
    return this.#items.some((item) => item.clientMessageId === clientMessageId);
  }

  /** The next item to send among those `ownerId` may send (its own, and ones of no known owner). */
  first(ownerId: string | undefined): OutboxItem | undefined {
    return this.#items.find((item) => item.ownerId === undefined || ownerId === undefined || item.ownerId === ownerId);
  }

  /** Every waiting item, in order. */
  items(): readonly OutboxItem[] {
    return this.#items;
  }

  /** Resolves once every store write issued so far has finished. */
  flushed(): Promise<void> {
    return this.#writes;
  }

  get = (): OutboxState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #persist(write: () => Promise<void>, clientMessageId: string): void {
    this.#writes = this.#writes.then(write).catch((err: unknown) => {
      this.#logger.warn(`[Socket] Outbox storage failed for ${clientMessageId}; kept in memory only`, err);
    });
  }

  #changed(): void {
    const size = this.#items.length;
    this.#state = { size, capacity: this.capacity, full: size >= this.capacity };
    for (const listener of [...this.#listeners]) listener();
  }
}
