import type { OutboxItem, OutboxStore } from './outbox-store.ts';

/** Where the IndexedDB outbox lives. */
export interface IndexedDbOutboxOptions {
  /** Default `chatrt-client`. */
  databaseName?: string;
  /** Default `outbox`. */
  storeName?: string;
  /** Default the global `indexedDB` (inject e.g. fake-indexeddb in tests). */
  indexedDB?: IDBFactory;
}

/** The browser's durable outbox: one IndexedDB object store keyed by clientMessageId. */
export class IndexedDbOutboxStore implements OutboxStore {
  readonly #databaseName: string;
  readonly #storeName: string;
  readonly #factory: IDBFactory;
  #db: Promise<IDBDatabase> | undefined;

  constructor(options: IndexedDbOutboxOptions = {}) {
    this.#databaseName = options.databaseName ?? 'chatrt-client';
    this.#storeName = options.storeName ?? 'outbox';
    // Typed as possibly missing: Node and some private modes have no IndexedDB.
    const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (!factory) throw new Error('IndexedDB is not available here; use MemoryOutboxStore or FileOutboxStore');
    this.#factory = factory;
  }

  async load(): Promise<OutboxItem[]> {
    return (await this.#run('readonly', (store) => store.getAll())) as OutboxItem[];
  }

  async put(item: OutboxItem): Promise<void> {
    await this.#run('readwrite', (store) => store.put(item));
  }

  async remove(clientMessageId: string): Promise<void> {
    await this.#run('readwrite', (store) => store.delete(clientMessageId));
  }

  /** Closes the database connection (a later call opens it again). */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db) (await db).close();
  }

  async #run(mode: IDBTransactionMode, operation: (store: IDBObjectStore) => IDBRequest): Promise<unknown> {
    const db = await this.#open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(this.#storeName, mode);
      const request = operation(tx.objectStore(this.#storeName));
      // Resolve on commit, not on the request's success, so a put is durable before it counts as done.
      tx.oncomplete = () => {
        resolve(request.result);
      };
      tx.onerror = () => {
        reject(tx.error ?? request.error ?? new Error('IndexedDB transaction failed'));
      };
      tx.onabort = () => {
        reject(tx.error ?? new Error('IndexedDB transaction aborted'));
      };
    });
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = this.#factory.open(this.#databaseName, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(this.#storeName)) {
          request.result.createObjectStore(this.#storeName, { keyPath: 'clientMessageId' });
        }
      };
      request.onsuccess = () => {
        resolve(request.result);
      };
      request.onerror = () => {
        reject(request.error ?? new Error('cannot open IndexedDB'));
      };
      request.onblocked = () => {
        reject(new Error('IndexedDB upgrade blocked by another tab'));
      };
    }).catch((err: unknown) => {
      this.#db = undefined;
      throw err;
    });
    return this.#db;
  }
}

/** IndexedDB where the runtime has it (browsers), else undefined. */
export function defaultOutboxStore(): OutboxStore | undefined {
  return typeof globalThis.indexedDB === 'undefined' ? undefined : new IndexedDbOutboxStore();
}
