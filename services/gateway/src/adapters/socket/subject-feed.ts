import { subjects, type ChatEvents } from '@chatrt/contracts';
import type { Logger, NatsConnection } from '@chatrt/service-kit';

type Listener = (event: ChatEvents) => void;
type Feed = { ready: Promise<void>; listeners: Set<Listener>; close: () => void };

/**
 * One NATS subscription per room this gateway serves, shared by every local socket in that room, so a
 * gateway receives only the rooms it serves and each event crosses NATS once per gateway.
 */
export class RoomFeed {
  readonly #nc: NatsConnection;
  readonly #log: Logger;
  readonly #feeds = new Map<string, Feed>();

  constructor(nc: NatsConnection, log: Logger) {
    this.#nc = nc;
    this.#log = log;
  }

  /** Calls `listener` with every event of the room from now on; resolves once the server has the interest. */
  async listen(roomId: string, listener: Listener): Promise<() => void> {
    let feed = this.#feeds.get(roomId);
    if (!feed) {
      feed = this.#open(roomId);
      this.#feeds.set(roomId, feed);
    }
    feed.listeners.add(listener);
    const opened = feed;
    await opened.ready;
    return () => {
      opened.listeners.delete(listener);
      if (opened.listeners.size === 0 && this.#feeds.get(roomId) === opened) {
        this.#feeds.delete(roomId);
        opened.close();
      }
    };
  }

  /** Number of rooms with a live subscription on this gateway. */
  get size(): number {
    return this.#feeds.size;
  }

  #open(roomId: string): Feed {
    const listeners = new Set<Listener>();
    const sub = this.#nc.subscribe(subjects.chatEvents(roomId), {
      callback: (err, msg) => {
        if (err) {
          this.#log.error({ err, roomId }, 'room subscription failed');
          return;
        }
        let event: ChatEvents;
        try {
          event = msg.json<ChatEvents>();
        } catch (parseError) {
          this.#log.error({ err: parseError, roomId }, 'undecodable room event dropped');
          return;
        }
        for (const listener of listeners) listener(event);
      },
    });
    // A flush round-trip guarantees the server registered the interest before we report ready.
    return { ready: this.#nc.flush(), listeners, close: () => sub.unsubscribe() };
  }
}
