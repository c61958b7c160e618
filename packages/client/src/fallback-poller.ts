import type { ClientLogger } from './logger.ts';

/**
 * Runs `poll` every `intervalMs` while started, never two at once (the next run is timed from the end of
 * the previous one). A failing poll is logged and the next one runs on schedule.
 */
export class FallbackPoller {
  readonly #poll: () => Promise<void>;
  readonly #intervalMs: number;
  readonly #logger: ClientLogger;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #active = false;
  #again = false;

  constructor(options: { poll: () => Promise<void>; intervalMs: number; logger: ClientLogger }) {
    this.#poll = options.poll;
    this.#intervalMs = options.intervalMs;
    this.#logger = options.logger;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Starts polling, first poll at once. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.pollNow();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Polls now (or right after the poll in progress). */
  pollNow(): void {
    if (!this.#running) return;
    if (this.#active) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#active = true;
    this.#poll()
      .catch((err: unknown) => {
        this.#logger.warn('[Socket] HTTP fallback poll failed', err);
      })
      .finally(() => {
        this.#active = false;
        if (!this.#running) return;
        if (this.#again) {
          this.#again = false;
          this.pollNow();
        } else {
          this.#timer = setTimeout(() => {
            this.pollNow();
          }, this.#intervalMs);
        }
      });
  }
}
