import type { Notification } from '@chatrt/contracts';
import { notificationsAck, unwrapAck } from './ack.ts';
import { toClientError } from './errors.ts';
import type { ClientLogger } from './logger.ts';
import type { NotificationsStore } from './notifications-store.ts';
import type { RestApi } from './rest-api.ts';
import type { NotificationsSocket } from './sockets.ts';

/**
 * Keeps the notifications store current: over `/notifications`, `subscribe {afterCursor}` after every
 * (re)connect replays what changed since the last cursor, then live; in fallback, the newest page is
 * polled over REST (without moving the cursor, so the next subscribe still replays everything missed).
 */
export class NotificationsSync {
  readonly #store: NotificationsStore;
  readonly #api: RestApi;
  readonly #logger: ClientLogger;
  readonly #ackTimeoutMs: number;
  readonly #retryDelayMs: number;
  /** The newest socket set up (a retry for an older one is dropped). */
  #current: NotificationsSocket | undefined;
  readonly #onNew: (notification: Notification) => void;

  constructor(options: {
    store: NotificationsStore;
    api: RestApi;
    logger: ClientLogger;
    ackTimeoutMs: number;
    retryDelayMs: number;
    onNew: (notification: Notification) => void;
  }) {
    this.#store = options.store;
    this.#api = options.api;
    this.#logger = options.logger;
    this.#ackTimeoutMs = options.ackTimeoutMs;
    this.#retryDelayMs = options.retryDelayMs;
    this.#onNew = options.onNew;
  }

  /** Attaches the live handler to a new socket. */
  setup(socket: NotificationsSocket): void {
    this.#current = socket;
    socket.on('notification', (n) => {
      for (const applied of this.#store.apply([n], true)) this.#onNew(applied);
    });
  }

  /** Subscribes from the last cursor; retried while the socket stays connected. */
  async subscribe(socket: NotificationsSocket): Promise<void> {
    const cursor = this.#store.cursor;
    try {
      const ack = await unwrapAck(
        notificationsAck(socket, this.#ackTimeoutMs, 'subscribe', cursor === undefined ? {} : { afterCursor: cursor }),
      );
      this.#store.advanceCursor(ack.cursor);
    } catch (err) {
      this.#logger.warn(`[Socket] Notifications subscribe failed (${toClientError(err).code}); retrying`);
      setTimeout(() => {
        if (socket.connected && this.#current === socket) void this.subscribe(socket);
      }, this.#retryDelayMs);
    }
  }

  /** One REST poll of the newest notifications (fallback). */
  async poll(): Promise<void> {
    const page = await this.#api.listNotifications({ limit: 50 });
    for (const n of this.#store.apply(page.notifications, false)) this.#onNew(n);
  }

  /** Marks notifications read over REST; returns how many changed. */
  markRead(ids: readonly string[] | 'all'): Promise<number> {
    return this.#api.markNotificationsRead(ids === 'all' ? { all: true } : { ids: [...ids] });
  }
}
