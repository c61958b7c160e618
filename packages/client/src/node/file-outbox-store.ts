import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { OutboxItem, OutboxStore } from '../outbox/outbox-store.ts';

/**
 * A durable outbox for Node: the whole outbox as one JSON file, rewritten atomically (temp file + rename)
 * on each change, one write at a time. Fits the outbox's size (bounded, default 100 items).
 */
export class FileOutboxStore implements OutboxStore {
  readonly #path: string;
  #items: Map<string, OutboxItem> | undefined;
  #writes: Promise<void> = Promise.resolve();
  #tempCount = 0;

  constructor(path: string) {
    this.#path = path;
  }

  async load(): Promise<OutboxItem[]> {
    return [...(await this.#loaded()).values()].map((item) => ({ ...item }));
  }

  put(item: OutboxItem): Promise<void> {
    return this.#change((items) => items.set(item.clientMessageId, { ...item }));
  }

  remove(clientMessageId: string): Promise<void> {
    return this.#change((items) => items.delete(clientMessageId));
  }

  #change(apply: (items: Map<string, OutboxItem>) => void): Promise<void> {
    const write = this.#writes.then(async () => {
      const items = await this.#loaded();
      apply(items);
      await mkdir(dirname(this.#path), { recursive: true });
      const temp = `${this.#path}.${process.pid}.${++this.#tempCount}.tmp`;
      await writeFile(temp, JSON.stringify([...items.values()]));
      await rename(temp, this.#path);
    });
    // A failed write is reported to its caller; later writes still run (and rewrite the whole file).
    this.#writes = write.catch(() => {});
    return write;
  }

  async #loaded(): Promise<Map<string, OutboxItem>> {
    if (!this.#items) {
      let items: OutboxItem[] = [];
      try {
        items = JSON.parse(await readFile(this.#path, 'utf8')) as OutboxItem[];
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      this.#items = new Map(items.map((item) => [item.clientMessageId, item]));
    }
    return this.#items;
  }
}
