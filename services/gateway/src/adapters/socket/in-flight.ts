/** Tracks work in progress so shutdown can wait for every pending ack before closing connections. */
export class InFlight {
  readonly #pending = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work)).catch(() => {});
    return work;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Resolves when everything tracked so far has settled, or after `timeoutMs`; returns what was left. */
  async settle(timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.#pending]), timeout]);
    clearTimeout(timer);
    return this.#pending.size;
  }
}
