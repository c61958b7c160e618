import type { Logger, NatsConnection } from '@chatrt/service-kit';

type Listener<T> = (message: T) => void;
type Feed<T> = { ready: Promise<void>; listeners: Set<Listener<T>>; close: () => void };

/**
 * One NATS subscription per key (a room, a user) this gateway serves, shared by every local socket
 * listening to that key, so a gateway receives only what its sockets need and each message crosses NATS
 * once per gateway.
 */
export class SubjectFeed<T> {
  readonly #nc: NatsConnection;
  readonly #log: Logger;
  readonly #subjectFor: (key: string) => string;
  readonly #feeds = new Map<string, Feed<T>>();
  readonly #dispatched = new Set<() => void>();

  constructor(nc: NatsConnection, log: Logger, subjectFor: (key: string) => string) {
    this.#nc = nc;
    this.#log = log;
    this.#subjectFor = subjectFor;
  }

  /** Calls `listener` with every message for `key` from now on; resolves once the server has the interest. */
  async listen(key: string, listener: Listener<T>): Promise<() => void> {
    let feed = this.#feeds.get(key);
    if (!feed) {
      feed = this.#open(key);
      this.#feeds.set(key, feed);
    }
    feed.listeners.add(listener);
    const opened = feed;
    await opened.ready;
    return () => {
      opened.listeners.delete(listener);
      if (opened.listeners.size === 0 && this.#feeds.get(key) === opened) {
        this.#feeds.delete(key);
        opened.close();
      }
    };
  }

  /** Calls `callback` each time every listener of a message has been called (to send what they gathered at once). */
  onDispatched(callback: () => void): void {
    this.#dispatched.add(callback);
  }

  /** Number of keys with a live subscription on this gateway. */
  get size(): number {
    return this.#feeds.size;
  }

  /** Listeners over all keys: one per socket and key it follows, so a leak shows here. */
  get listenerCount(): number {
    let count = 0;
    for (const feed of this.#feeds.values()) count += feed.listeners.size;
    return count;
  }

  #open(key: string): Feed<T> {
    const listeners = new Set<Listener<T>>();
    const subject = this.#subjectFor(key);
    const sub = this.#nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) {
          this.#log.error({ err, subject }, 'subscription failed');
          return;
        }
        let message: T;
        try {
          message = msg.json<T>();
        } catch (parseError) {
          this.#log.error({ err: parseError, subject }, 'undecodable message dropped');
          return;
        }
        try {
          for (const listener of listeners) listener(message);
        } finally {
          // What the listeners gathered goes out even if one of them threw.
          for (const dispatched of this.#dispatched) dispatched();
        }
      },
    });
    // A flush round-trip guarantees the server registered the interest before we report ready.
    return {
      ready: this.#nc.flush(),
      listeners,
      close: () => {
        sub.unsubscribe();
      },
    };
  }
}
