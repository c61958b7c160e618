import type { Manager } from 'socket.io-client';
import { backoffDelay } from './backoff.ts';
import type { EndpointConfig, TimingConfig } from './config.ts';
import { Emitter } from './emitter.ts';
import { NamespaceHeartbeats } from './heartbeat.ts';
import { diagnostics, type ClientLogger } from './logger.ts';
import type {
  AnySocket,
  ChatSocket,
  ConnectionEvents,
  Namespace,
  NotificationsSocket,
  RoomDelivery,
} from './sockets.ts';
import { createSocketManager, isHandshakeRefusal } from './socket-manager.ts';
import { NamespaceTokens } from './namespace-tokens.ts';
import type { SessionTokens } from './token.ts';

/**
 * Both namespaces over one Socket.IO manager (one transport): handshake with a fresh session token, the
 * ops doc's reconnection (5 attempts from 1 s, exponential, websocket then polling), the 30 s application
 * heartbeat, a new token after `sessionExpired` or an UNAUTHENTICATED refusal, and, once the attempts are
 * used up, `gaveUp` (the client falls back to REST) with a new round of attempts every `socketProbeIntervalMs`.
 */
export class SocketConnections {
  readonly #endpoints: EndpointConfig;
  readonly #timings: TimingConfig;
  readonly #tokens: NamespaceTokens;
  readonly #logger: ClientLogger;
  readonly #events: Emitter<ConnectionEvents>;
  #manager: Manager | undefined;
  #chat: ChatSocket | undefined;
  #notifications: NotificationsSocket | undefined;
  #gaveUp = false;
  #closed = true;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #probeTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #heartbeats: NamespaceHeartbeats;
  readonly #refusals = new Map<Namespace, number>();

  constructor(options: {
    endpoints: EndpointConfig;
    timings: TimingConfig;
    tokens: SessionTokens;
    logger: ClientLogger;
    delivery: RoomDelivery;
  }) {
    this.#endpoints = options.endpoints;
    this.#timings = options.timings;
    this.#logger = options.logger;
    this.#events = new Emitter((err) => {
      options.logger.error('[Socket] A connection listener threw', err);
    });
    this.#heartbeats = new NamespaceHeartbeats({
      ...options,
      // Closing the transport makes the manager reconnect (and resume) as after any network loss.
      reconnect: () => {
        this.#manager?.engine.close();
      },
    });
    this.#tokens = new NamespaceTokens({
      ...options,
      onNoSession: () => {
        this.#events.emit('unauthenticated');
      },
    });
  }

  get chat(): ChatSocket | undefined {
    return this.#chat;
  }

  get notifications(): NotificationsSocket | undefined {
    return this.#notifications;
  }

  get chatConnected(): boolean {
    return this.#chat?.connected ?? false;
  }

  /** The `/chat` socket while it is connected. */
  get connectedChat(): ChatSocket | undefined {
    return this.#chat?.connected ? this.#chat : undefined;
  }

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof ConnectionEvents>(event: E, listener: ConnectionEvents[E]): () => void {
    return this.#events.on(event, listener);
  }

  /** The reconnection attempts are used up and no socket is connected. */
  get gaveUp(): boolean {
    return this.#gaveUp;
  }

  /** Creates the manager and both sockets and starts connecting. */
  open(): void {
    if (!this.#closed) return;
    this.#closed = false;
    this.#gaveUp = false;
    const { socketUrl } = this.#endpoints;
    const manager = createSocketManager(this.#endpoints, this.#timings);
    this.#manager = manager;
    manager.on('reconnect_attempt', (attempt) => {
      this.#logger.debug(`[Socket] Reconnection attempt ${attempt}`);
    });
    manager.on('reconnect_failed', () => {
      this.#giveUp();
    });
    const chat: ChatSocket = manager.socket('/chat', { auth: this.#tokens.auth('/chat') });
    const notifications: NotificationsSocket = manager.socket('/notifications', {
      auth: this.#tokens.auth('/notifications'),
    });
    this.#chat = chat;
    this.#notifications = notifications;
    this.#wire(chat, '/chat', () => {
      this.#events.emit('chatConnect', chat);
    });
    this.#wire(notifications, '/notifications', () => {
      this.#events.emit('notificationsConnect', notifications);
    });
    this.#events.emit('chatSocket', chat);
    this.#events.emit('notificationsSocket', notifications);
    for (const namespace of ['/chat', '/notifications'] as const)
      this.#logger.info(diagnostics.connecting(socketUrl, namespace));
    chat.connect();
    notifications.connect();
  }

  /** Disconnects both sockets for good and forgets them. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    clearTimeout(this.#probeTimer);
    this.#heartbeats.stopAll();
    this.#chat?.disconnect();
    this.#notifications?.disconnect();
    this.#manager?.removeAllListeners();
    this.#chat = undefined;
    this.#notifications = undefined;
    this.#manager = undefined;
    this.#gaveUp = false;
  }

  /** Tries now instead of waiting for the next round (e.g. the device came back online). */
  retryNow(): void {
    if (this.#closed) return;
    if (this.#gaveUp) this.#probe();
  }

  #wire(socket: AnySocket, namespace: Namespace, onConnect: () => void): void {
    socket.on('connect', () => {
      if (this.#closed) return;
      this.#logger.info(diagnostics.connected(namespace, socket.id));
      this.#refusals.set(namespace, 0);
      this.#gaveUp = false;
      clearTimeout(this.#probeTimer);
      this.#heartbeats.start(socket, namespace);
      onConnect();
      this.#events.emit('change');
    });
    socket.on('disconnect', (reason) => {
      this.#heartbeats.stop(namespace);
      if (this.#closed) return;
      this.#logger.info(`[Socket] Disconnected from ${namespace} (${reason})`);
      this.#events.emit('change');
      // The server ended this socket (token expired, or it wants a resume): Socket.IO leaves reconnecting to us.
      if (reason === 'io server disconnect') {
        const delay = this.#tokens.takeExpired(namespace) ? 0 : this.#timings.reconnectionDelayMs;
        this.#later(() => socket.connect(), delay);
      }
    });
    socket.on('connect_error', (err) => {
      this.#onConnectError(socket, namespace, err);
    });
    socket.on('sessionExpired', () => {
      this.#logger.info(`[Socket] Session token expired on ${namespace}; reconnecting with a new one`);
      this.#tokens.expired(namespace);
    });
    socket.on('serverShutdown', (notice) => {
      this.#logger.info(`[Socket] Server restarting; reconnecting in about ${notice.reconnectAfterMs} ms`);
    });
  }

  #onConnectError(socket: AnySocket, namespace: Namespace, err: Error): void {
    if (this.#closed) return;
    if (!isHandshakeRefusal(err.message)) {
      // A transport failure: the manager's own reconnection handles it.
      this.#logger.debug(`[Socket] ${namespace} connection error: ${err.message}`);
      return;
    }
    if (err.message === 'UNAUTHENTICATED') this.#tokens.discardPresented(namespace);
    const refusals = this.#refusals.get(namespace) ?? 0;
    this.#refusals.set(namespace, refusals + 1);
    if (refusals + 1 >= this.#timings.reconnectionAttempts && namespace === '/chat') {
      this.#giveUp();
      return;
    }
    const delay = backoffDelay(refusals, {
      baseMs: this.#timings.reconnectionDelayMs,
      maxMs: this.#timings.reconnectionDelayMaxMs,
    });
    this.#logger.warn(`[Socket] ${namespace} refused the connection (${err.message}); retrying in ${delay} ms`);
    this.#later(() => socket.connect(), delay);
  }

  #giveUp(): void {
    if (this.#closed) return;
    if (!this.#gaveUp) {
      this.#gaveUp = true;
      this.#logger.error(diagnostics.failed(this.#timings.reconnectionAttempts));
      this.#logger.warn(diagnostics.fallback);
      this.#events.emit('change');
    }
    clearTimeout(this.#probeTimer);
    this.#probeTimer = setTimeout(() => {
      this.#probe();
    }, this.#timings.socketProbeIntervalMs);
  }

  /** A new round of connection attempts while in fallback; a failed round ends in `#giveUp` again. */
  #probe(): void {
    clearTimeout(this.#probeTimer);
    if (this.#closed) return;
    this.#logger.debug(`[Socket] Trying ${this.#endpoints.socketUrl} again`);
    // A new round: every namespace gets its full count of refusals again.
    this.#refusals.clear();
    for (const socket of [this.#chat, this.#notifications]) if (socket && !socket.connected) socket.connect();
  }

  #later(run: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) run();
    }, delayMs);
    this.#timers.add(timer);
  }
}
