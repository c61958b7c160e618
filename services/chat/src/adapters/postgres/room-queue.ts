/**
 * Runs tasks one at a time per key, in arrival order; different keys run concurrently. The event
 * store queues each room's commands here so an instance never races itself for a room's next seq:
 * only writers in other instances meet at the UNIQUE (room_id, seq) key and retry.
 */
export class RoomQueue {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `task` after every earlier task of `key` has settled; resolves or rejects with it. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.#tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
