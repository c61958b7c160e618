import type { ClientSnapshot } from './client-types.ts';
import { ValueStore, type ReadableStore } from './store.ts';

/** The client's snapshot as a store: `publish()` reads it again and replaces the value only when a field changed. */
export class SnapshotStore implements ReadableStore<ClientSnapshot> {
  readonly #read: () => ClientSnapshot;
  readonly #store: ValueStore<ClientSnapshot>;

  constructor(read: () => ClientSnapshot) {
    this.#read = read;
    this.#store = new ValueStore(read());
  }

  get = (): ClientSnapshot => this.#store.get();

  subscribe = (listener: () => void): (() => void) => this.#store.subscribe(listener);

  publish(): void {
    const next = this.#read();
    const current = this.#store.get();
    const same = (Object.keys(next) as Array<keyof ClientSnapshot>).every((key) => Object.is(next[key], current[key]));
    if (!same) this.#store.set(next);
  }
}
