import type { OutboxItem, OutboxStore } from './outbox-store.ts';

/** An outbox store that lives as long as the process (or page): nothing survives a reload. */
export class MemoryOutboxStore implements OutboxStore {
  readonly #items = new Map<string, OutboxItem>();

  async load(): Promise<OutboxItem[]> {
    return [...this.#items.values()].map((item) => ({ ...item }));
  }

  async put(item: OutboxItem): Promise<void> {
    this.#items.set(item.clientMessageId, { ...item });
  }

  async remove(clientMessageId: string): Promise<void> {
    this.#items.delete(clientMessageId);
  }
}
