import { systemClock, type Clock } from './clock.ts';

/** The send block after a RATE_LIMITED answer: whether it is on, and whole seconds left (for a countdown). */
export interface RateLimitState {
  blocked: boolean;
  secondsLeft: number;
  /** When sending opens again (epoch millis), while blocked. */
  until: number | undefined;
}

const open: RateLimitState = { blocked: false, secondsLeft: 0, until: undefined };

/**
 * Blocks sending for the `retryAfter` seconds of a RATE_LIMITED answer. Subscribers hear every change,
 * including each one-second tick of the countdown; `onEnd` listeners hear when sending opens again.
 */
export class RateLimitGate {
  readonly #clock: Clock;
  #state: RateLimitState = open;
  #timer: unknown;
  #waiters: Array<() => void> = [];
  readonly #listeners = new Set<() => void>();
  readonly #endListeners = new Set<() => void>();

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  /** The current state; the same object until it changes (safe for useSyncExternalStore). */
  get = (): RateLimitState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Called once each time a block ends. */
  onEnd(listener: () => void): () => void {
    this.#endListeners.add(listener);
    return () => this.#endListeners.delete(listener);
  }

  /** Blocks for `retryAfterSeconds` from now; a block already running longer is kept. */
  block(retryAfterSeconds: number): void {
    const until = this.#clock.now() + Math.max(0, retryAfterSeconds) * 1000;
    if (this.#state.until !== undefined && this.#state.until >= until) return;
    this.#tick(until);
  }

  /** Resolves at once when open, else when the block ends. */
  wait(): Promise<void> {
    if (!this.#state.blocked) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Stops the countdown timer and releases every waiter. */
  dispose(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#set(open);
    this.#release();
  }

  #tick(until: number): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const left = until - this.#clock.now();
    if (left <= 0) {
      const wasBlocked = this.#state.blocked;
      this.#set(open);
      this.#release();
      if (wasBlocked) for (const listener of [...this.#endListeners]) listener();
      return;
    }
    const secondsLeft = Math.ceil(left / 1000);
    if (!this.#state.blocked || this.#state.secondsLeft !== secondsLeft || this.#state.until !== until) {
      this.#set({ blocked: true, secondsLeft, until });
    }
    // Wake at the next whole-second boundary, so the countdown shows each second once.
    const nextBoundary = left - (secondsLeft - 1) * 1000;
    this.#timer = this.#clock.setTimeout(() => {
      this.#tick(until);
    }, nextBoundary);
  }

  #set(state: RateLimitState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of [...this.#listeners]) listener();
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}
