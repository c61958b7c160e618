/**
 * Runs tasks one after another per key, and tasks of different keys independently. A key's queue is
 * forgotten once it is empty, so memory follows the tasks pending, not the keys ever seen.
 */
export class SerialQueues {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every task queued before it under `key`; its outcome is the task's. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    // A tail never rejects: a failed task does not stop the ones queued after it; its own caller sees the failure.
    const result = (this.#tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Keys with a task pending or running. */
  get size(): number {
    return this.#tails.size;
  }
}
