import type { OutboxItem, OutboxStore } from './outbox-store.ts';

/** An outbox store that lives as long as the process (or page): nothing survives a reload. */
export class MemoryOutboxStore implements OutboxStore {
  readonly #items = new Map<string, OutboxItem>();

  load(): Promise<OutboxItem[]> {
    return Promise.resolve([...this.#items.values()].map((item) => ({ ...item })));
  }

  put(item: OutboxItem): Promise<void> {
    this.#items.set(item.clientMessageId, { ...item });
    return Promise.resolve();
  }

  remove(clientMessageId: string): Promise<void> {
    this.#items.delete(clientMessageId);
    return Promise.resolve();
  }
}
