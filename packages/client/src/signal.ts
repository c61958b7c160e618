/** Wakes whoever waits on it; lets a loop sleep until "something changed" or a deadline. */
export class WakeSignal {
  #wake: (() => void) | undefined;
  #pending = false;

  /** Wakes the current waiter, or the next one if nobody waits now. */
  notify(): void {
    if (this.#wake) this.#wake();
    else this.#pending = true;
  }

  /** Resolves on the next notify() (or a notify since the last wait), or after `timeoutMs` when given. */
  wait(timeoutMs?: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              done();
            }, timeoutMs);
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
    });
  }
}
