import { describe, it, expect } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import {
  ChatClientError,
  IndexedDbOutboxStore,
  MemoryOutboxStore,
  Outbox,
  silentLogger,
  type OutboxItem,
  type OutboxStore,
} from '../src/index.ts';
import { FileOutboxStore } from '../src/node/index.ts';

const entry = (n: number, ownerId?: string) => ({
  clientMessageId: `c${n}`,
  roomId: 'room',
  message: `m${n}`,
  createdAt: new Date(1_700_000_000_000 + n).toISOString(),
  ownerId,
});

describe('Outbox', () => {
  it('keeps items in writing order and refuses one more than its capacity with OUTBOX_FULL', () => {
    const outbox = new Outbox(new MemoryOutboxStore(), 3, silentLogger);
    for (const n of [1, 2, 3]) outbox.add(entry(n));
    expect(outbox.get()).toEqual({ size: 3, capacity: 3, full: true });
    expect(() => outbox.add(entry(4))).toThrow(ChatClientError);
    try {
      outbox.add(entry(4));
    } catch (err) {
      expect((err as ChatClientError).code).toBe('OUTBOX_FULL');
    }
    expect(outbox.items().map((i) => i.clientMessageId)).toEqual(['c1', 'c2', 'c3']);
    outbox.remove('c2');
    outbox.add(entry(4));
    expect(outbox.items().map((i) => i.clientMessageId)).toEqual(['c1', 'c3', 'c4']);
    expect(outbox.first(undefined)?.clientMessageId).toBe('c1');
  });

  it('adds the same clientMessageId once', () => {
    const outbox = new Outbox(new MemoryOutboxStore(), 5, silentLogger);
    outbox.add(entry(1));
    outbox.add(entry(1));
    expect(outbox.get().size).toBe(1);
  });

  it('only offers an owner its own items and ownerless ones', () => {
    const outbox = new Outbox(new MemoryOutboxStore(), 5, silentLogger);
    outbox.add(entry(1, 'alice'));
    outbox.add(entry(2, 'bob'));
    outbox.add(entry(3));
    expect(outbox.first('bob')?.clientMessageId).toBe('c2');
    outbox.remove('c2');
    expect(outbox.first('bob')?.clientMessageId).toBe('c3');
    expect(outbox.first('alice')?.clientMessageId).toBe('c1');
  });

  it('restores what a previous session stored first, and numbers new items after it', async () => {
    const store = new MemoryOutboxStore();
    const before = new Outbox(store, 10, silentLogger);
    for (const n of [1, 2, 3]) before.add(entry(n));
    before.remove('c1');
    await before.flushed();

    const after = new Outbox(store, 10, silentLogger);
    after.add(entry(9)); // written before the stored outbox was read
    const restored = await after.load();
    expect(restored.map((i) => i.clientMessageId)).toEqual(['c2', 'c3']);
    expect(after.items().map((i) => i.clientMessageId)).toEqual(['c2', 'c3', 'c9']);
    after.add(entry(10));
    await after.flushed();
    const sorted = (await store.load()).sort((a, b) => a.position - b.position).map((i) => i.clientMessageId);
    expect(sorted).toEqual(['c2', 'c3', 'c9', 'c10']);
  });

  it('keeps sending from memory when the store fails', async () => {
    const warnings: unknown[] = [];
    const failing: OutboxStore = {
      load: () => Promise.resolve([]),
      put: () => Promise.reject(new Error('quota exceeded')),
      remove: async () => {},
    };
    const outbox = new Outbox(failing, 2, { ...silentLogger, warn: (...args) => warnings.push(args) });
    outbox.add(entry(1));
    await outbox.flushed();
    expect(outbox.items()).toHaveLength(1);
    expect(warnings).toHaveLength(1);
  });
});

/** The same contract for every durable store. */
function storeContract(name: string, make: () => Promise<{ store: () => OutboxStore; cleanup: () => Promise<void> }>) {
  it(`${name}: survives a restart with puts and removes applied in order`, async () => {
    const { store, cleanup } = await make();
    try {
      const first = store();
      const items: OutboxItem[] = [1, 2, 3].map((n) => ({ ...entry(n, 'u1'), position: n }));
      for (const item of items) await first.put(item);
      await first.remove('c2');
      await first.put({ ...items[0]!, message: 'changed' });
      const loaded = (await store().load()).sort((a, b) => a.position - b.position);
      expect(loaded).toEqual([{ ...items[0]!, message: 'changed' }, items[2]]);
      await store().remove('absent');
    } finally {
      await cleanup();
    }
  });
}

describe('durable outbox stores', () => {
  storeContract('FileOutboxStore', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outbox-'));
    const path = join(dir, 'nested', 'outbox.json');
    return { store: () => new FileOutboxStore(path), cleanup: () => rm(dir, { recursive: true, force: true }) };
  });
  storeContract('IndexedDbOutboxStore', () => {
    const indexedDB = new IDBFactory();
    const opened: IndexedDbOutboxStore[] = [];
    return Promise.resolve({
      store: () => {
        const store = new IndexedDbOutboxStore({ indexedDB, databaseName: 'test' });
        opened.push(store);
        return store;
      },
      cleanup: async () => {
        for (const store of opened) await store.close();
      },
    });
  });
});
