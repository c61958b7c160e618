import type { Message, MessagePage, ReadMarker, Room, RoomSummary, RoomUpdate } from '@chatrt/contracts';
import { backoffDelay } from './backoff.ts';
import { ChatActions } from './chat-actions.ts';
import type { ChatClientEvents, ChatClientOptions, ClientSnapshot } from './client-types.ts';
import { systemClock } from './clock.ts';
import { resolveEndpoints, resolveTimings, type EndpointConfig, type TimingConfig } from './config.ts';
import { Emitter } from './emitter.ts';
import { ChatClientError, isTransient, toClientError } from './errors.ts';
import { FallbackPoller } from './fallback-poller.ts';
import { diagnostics, type ClientLogger } from './logger.ts';
import { MessageSender } from './message-sender.ts';
import { browserNetwork, type NetworkMonitor } from './network.ts';
import { NotificationsStore } from './notifications-store.ts';
import { NotificationsSync } from './notifications-sync.ts';
import type { OutgoingMessage } from './outgoing-message.ts';
import { defaultOutboxStore } from './outbox/indexeddb-store.ts';
import { MemoryOutboxStore } from './outbox/memory-store.ts';
import { Outbox } from './outbox/outbox.ts';
import type { SendRoute } from './outbox/outbox-flusher.ts';
import { RateLimitGate } from './rate-limit-gate.ts';
import { RestApi, type HistoryQuery } from './rest-api.ts';
import type { RoomMessages } from './room-messages.ts';
import { RoomSync } from './room-sync.ts';
import { SocketConnections, type ChatSocket, type NotificationsSocket } from './socket-connections.ts';
import { deriveStatus, type ConnectionStatus } from './status.ts';
import { ValueStore, type ReadableStore } from './store.ts';
import { SessionTokens } from './token.ts';

/**
 * The chat client, one per signed-in tab (or Node process). `start()` gets a session token and opens
 * `/chat` and `/notifications`; joined rooms live in per-room stores that resume after every reconnect;
 * `send` shows a message at once and delivers it exactly once through the durable outbox, over the socket
 * or, in fallback, over REST.
 */
export class ChatClient {
  readonly endpoints: EndpointConfig;
  readonly timings: TimingConfig;
  /** The sending block after RATE_LIMITED, with its countdown. */
  readonly rateLimit: RateLimitGate;
  /** Messages waiting to be stored by the server. */
  readonly outbox: Outbox;
  /** The user's notifications and unread count. */
  readonly notifications: NotificationsStore;
  readonly #logger: ClientLogger;
  readonly #api: RestApi;
  readonly #tokens: SessionTokens;
  readonly #connections: SocketConnections;
  readonly #network: NetworkMonitor;
  readonly #rooms: RoomSync;
  readonly #sender: MessageSender;
  readonly #poller: FallbackPoller;
  readonly #actions: ChatActions;
  readonly #notificationsSync: NotificationsSync;
  readonly #emitter: Emitter<ChatClientEvents>;
  readonly #snapshot: ValueStore<ClientSnapshot>;
  #started = false;
  #generation = 0;
  #authenticated: boolean | undefined;
  #outboxLoaded = false;
  #status: ConnectionStatus = 'idle';
  #stopNetwork: (() => void) | undefined;
  #booting: Promise<void> = Promise.resolve();

  constructor(options: ChatClientOptions = {}) {
    this.endpoints = resolveEndpoints(options);
    this.timings = resolveTimings(options);
    const logger = (this.#logger = options.logger ?? console);
    const clock = options.clock ?? systemClock;
    this.#emitter = new Emitter((err) => logger.error('[Socket] A client event listener threw', err));
    this.#api = new RestApi(this.endpoints.apiUrl, { fetch: options.fetch, headers: options.headers, credentials: options.credentials });
    this.#tokens = new SessionTokens({ source: this.#api, refreshRatio: this.timings.tokenRefreshRatio, retryMaxMs: this.timings.retryDelayMaxMs, logger, clock });
    this.#tokens.onLost(() => this.#sessionLost());
    this.#network = options.network ?? browserNetwork();
    this.rateLimit = new RateLimitGate(clock);
    this.outbox = new Outbox(options.outboxStore ?? defaultOutboxStore() ?? new MemoryOutboxStore(), options.outboxCapacity ?? 100, logger);
    this.notifications = new NotificationsStore();
    const self = () => this.#tokens.userId;
    this.#rooms = new RoomSync({
      api: this.#api,
      logger,
      ackTimeoutMs: this.timings.ackTimeoutMs,
      retryDelayMs: this.timings.reconnectionDelayMs,
      historyPageSize: options.historyPageSize ?? 50,
      self,
      onStored: (message) => this.#sender.settle(message),
      onFresh: (update) => this.#announce(update),
      onJoinRefused: (roomId, error) => {
        this.#emitter.emit('roomRefused', roomId, error);
        this.#emitter.emit('error', error);
      },
    });
    this.#sender = new MessageSender({
      outbox: this.outbox,
      gate: this.rateLimit,
      api: this.#api,
      logger,
      ackTimeoutMs: this.timings.ackTimeoutMs,
      retryDelayMaxMs: this.timings.retryDelayMaxMs,
      self,
      route: () => this.#route(),
      chatSocket: () => this.#connectedChat(),
      room: (roomId) => this.#rooms.room(roomId),
      onStored: (roomId, message) => this.#rooms.stored(roomId, [message]),
      onState: (message) => this.#emitter.emit('messageState', message),
      onError: (error) => this.#emitter.emit('error', error),
      onUnauthenticated: () => void this.#checkSession(),
    });
    this.#connections = new SocketConnections({
      endpoints: this.endpoints,
      timings: this.timings,
      tokens: this.#tokens,
      logger,
      hooks: {
        setupChat: (socket) => this.#setupChat(socket),
        setupNotifications: (socket) => this.#notificationsSync.setup(socket),
        onChatConnect: (socket) => this.#rooms.rejoinAll(socket),
        onNotificationsConnect: (socket) => void this.#notificationsSync.subscribe(socket),
        onChange: () => this.#update(),
        onUnauthenticated: () => this.#sessionLost(),
      },
    });
    this.#actions = new ChatActions({
      api: this.#api,
      socket: () => this.#connectedChat(),
      ackTimeoutMs: this.timings.ackTimeoutMs,
      onChanged: (message) => this.#rooms.room(message.roomId).merge([message]),
    });
    this.#notificationsSync = new NotificationsSync({
      store: this.notifications,
      api: this.#api,
      logger,
      ackTimeoutMs: this.timings.ackTimeoutMs,
      retryDelayMs: this.timings.reconnectionDelayMs,
      current: () => this.#connections.notifications,
      onNew: (n) => this.#emitter.emit('notification', n),
    });
    this.#poller = new FallbackPoller({ poll: () => this.#pollFallback(), intervalMs: this.timings.fallbackPollIntervalMs, logger });
    this.#snapshot = new ValueStore(this.#makeSnapshot());
    this.rateLimit.subscribe(() => {
      this.#emitter.emit('rateLimit', this.rateLimit.get());
      this.#publish();
    });
    this.rateLimit.onEnd(() => {
      this.#emitter.emit('rateLimitEnd');
      this.#sender.kick();
    });
    this.outbox.subscribe(() => this.#publish());
    this.notifications.subscribe(() => this.#publish());
  }

  // ── lifecycle and state ──────────────────────────────────────────────────────────────────────────

  /**
   * Gets a session token and opens the sockets (REST only when sockets are disabled). Resolves once the
   * session is known and the connections are opening (while the token endpoint is unreachable it keeps
   * retrying first); watch `status` or `waitForStatus` for the outcome. Without a session: a warning,
   * status `unauthenticated`, no connections; after logging in call `stop()` then `start()`.
   */
  start(): Promise<void> {
    if (this.#started) return this.#booting;
    this.#started = true;
    const generation = ++this.#generation;
    this.#stopNetwork = this.#network.subscribe((online) => {
      if (online) this.#connections.retryNow();
      this.#update();
    });
    this.#sender.start();
    this.#update();
    this.#booting = this.#boot(generation);
    return this.#booting;
  }

  /** Closes the connections and timers; joined rooms, stores and unsent messages stay for the next `start()`. */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#generation++;
    this.#stopNetwork?.();
    this.#stopNetwork = undefined;
    this.#tokens.stop();
    this.#connections.close();
    this.#poller.stop();
    this.#sender.stop();
    this.#authenticated = undefined;
    this.#update();
    await this.outbox.flushed();
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  get chatSocket(): ChatSocket | undefined {
    return this.#connections.chat;
  }

  get notificationsSocket(): NotificationsSocket | undefined {
    return this.#connections.notifications;
  }

  /** The signed-in user's id, once the session token is known. */
  get userId(): string | undefined {
    return this.#tokens.userId;
  }

  /** Adds an event listener; returns the function that removes it. */
  on<E extends keyof ChatClientEvents>(event: E, listener: ChatClientEvents[E]): () => void {
    return this.#emitter.on(event, listener);
  }

  /** The snapshot as a store. */
  get state(): ReadableStore<ClientSnapshot> {
    return this.#snapshot;
  }

  /** For React's useSyncExternalStore. */
  subscribe = (listener: () => void): (() => void) => this.#snapshot.subscribe(listener);

  /** For React's useSyncExternalStore: the same object until something changes. */
  getSnapshot = (): ClientSnapshot => this.#snapshot.get();

  /** Resolves once the status is one of `wanted`; rejects with TIMEOUT after `timeoutMs`. */
  waitForStatus(wanted: ConnectionStatus | readonly ConnectionStatus[], timeoutMs = 30_000): Promise<ConnectionStatus> {
    const set = new Set<ConnectionStatus>(typeof wanted === 'string' ? [wanted] : wanted);
    if (set.has(this.#status)) return Promise.resolve(this.#status);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new ChatClientError('TIMEOUT', `status is ${this.#status}, not ${[...set].join(' | ')}, after ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on('status', (status) => {
        if (!set.has(status)) return;
        clearTimeout(timer);
        off();
        resolve(status);
      });
    });
  }

  // ── rooms and history ────────────────────────────────────────────────────────────────────────────

  /** The caller's rooms with unread counts (REST). */
  listRooms(): Promise<RoomSummary[]> {
    return this.#api.listRooms();
  }

  /** Creates a room with the caller as first member (socket when connected, else REST). */
  createRoom(name: string, memberIds?: string[]): Promise<Room> {
    return this.#actions.createRoom(name, memberIds);
  }

  /** The message store of a room (subscribe to render it; `get()` is the list). */
  room(roomId: string): RoomMessages {
    return this.#rooms.room(roomId);
  }

  /**
   * Follows a room: loads its latest messages, applies live updates, and joins it again from its last seq
   * after every reconnect. Before the client is connected this only records the room. Throws (and stops
   * following) on FORBIDDEN / NOT_FOUND.
   */
  async joinRoom(roomId: string): Promise<void> {
    this.#rooms.follow(roomId);
    try {
      const socket = this.#connectedChat();
      if (socket) await this.#rooms.joinOverSocket(roomId, socket);
      else if (this.#status === 'fallback') await this.#rooms.joinOverRest(roomId);
    } catch (err) {
      const error = toClientError(err);
      if (!isTransient(error)) this.#rooms.unfollow(roomId);
      throw error;
    }
  }

  /** Stops following a room here (its store stays; the protocol has no leave event). */
  leaveRoom(roomId: string): void {
    this.#rooms.unfollow(roomId);
  }

  /** The rooms being followed. */
  joinedRooms(): string[] {
    return this.#rooms.joinedRooms();
  }

  /** A page of a room's history over REST (no bounds: latest; `before`: older; `after`: newer), merged into its store. */
  history(roomId: string, query: HistoryQuery = {}): Promise<MessagePage> {
    return this.#rooms.history(roomId, query);
  }

  // ── messages ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Sends a message: it shows in the room's list at once (`sending`), stays in the durable outbox until the
   * server stores it (`sent`) and is stored exactly once whatever the connection does. A refusal, or a full
   * outbox (OUTBOX_FULL, not queued), makes it `failed` with `retry()`.
   */
  send(roomId: string, text: string): OutgoingMessage {
    return this.#sender.send(roomId, text);
  }

  /** Retries a failed message by clientMessageId; returns it, or undefined when unknown or not failed. */
  retry(clientMessageId: string): OutgoingMessage | undefined {
    return this.#sender.retry(clientMessageId);
  }

  /** Replaces the text of one of my messages. */
  edit(messageId: string, text: string): Promise<Message> {
    return this.#actions.edit(messageId, text);
  }

  /** Deletes one of my messages (a tombstone stays). */
  delete(messageId: string): Promise<Message> {
    return this.#actions.delete(messageId);
  }

  /** Moves my read marker in a room forward to `seq`. */
  markRead(roomId: string, seq: number): Promise<ReadMarker> {
    return this.#actions.markRead(roomId, seq);
  }

  /** Adds a user to a room. */
  addMember(roomId: string, userId: string): Promise<Room> {
    return this.#actions.addMember(roomId, userId);
  }

  /** Removes a user from a room (myself: leave it). */
  removeMember(roomId: string, userId: string): Promise<Room> {
    return this.#actions.removeMember(roomId, userId);
  }

  /** Says I am (not) typing; only over a connected socket (returns false otherwise). */
  typing(roomId: string, isTyping: boolean): boolean {
    return this.#actions.typing(roomId, isTyping);
  }

  /** Marks notifications read (the given ids, or all); returns how many changed. */
  async markNotificationsRead(ids: readonly string[] | 'all'): Promise<number> {
    const updated = await this.#notificationsSync.markRead(ids);
    // Sockets push the changed notifications; in fallback, fetch them now.
    if (this.#status === 'fallback') this.#poller.pollNow();
    return updated;
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────────

  async #boot(generation: number): Promise<void> {
    const token = await this.#firstToken(generation);
    if (generation !== this.#generation || token === undefined) return;
    if (token === null) {
      this.#authenticated = false;
      this.#logger.warn(diagnostics.noToken);
      this.#update();
      return;
    }
    this.#authenticated = true;
    this.#rooms.setSelf(this.#tokens.userId);
    this.#tokens.startAutoRefresh();
    if (!this.#outboxLoaded) {
      this.#outboxLoaded = true;
      this.#sender.restore(await this.outbox.load().catch((err: unknown) => {
        this.#logger.warn('[Socket] Could not read the stored outbox', err);
        return [];
      }));
      if (generation !== this.#generation) return;
    }
    if (this.endpoints.socketEnabled) this.#connections.open();
    else this.#logger.warn(diagnostics.fallback);
    this.#update();
  }

  /** The first token, retried while the endpoint is unreachable; undefined when stopped meanwhile. */
  async #firstToken(generation: number): Promise<string | null | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#tokens.get();
      } catch (err) {
        const delay = backoffDelay(attempt, { baseMs: 500, maxMs: this.timings.retryDelayMaxMs });
        this.#logger.warn(`[Socket] Cannot get a session token (${toClientError(err).message}); retrying in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (generation !== this.#generation) return undefined;
      }
    }
  }

  /** A send was refused as UNAUTHENTICATED: ask the token endpoint whether the session is gone. */
  async #checkSession(): Promise<void> {
    this.#tokens.invalidate();
    try {
      if ((await this.#tokens.get()) === null) this.#sessionLost();
    } catch {
      // Unreachable now: the outbox retries later and asks again.
    }
  }

  #sessionLost(): void {
    if (!this.#started || this.#authenticated === false) return;
    this.#authenticated = false;
    this.#logger.warn(diagnostics.noToken);
    this.#tokens.stop();
    this.#connections.close();
    this.#update();
  }

  /** Recomputes the status, starts or stops REST polling, wakes the outbox, publishes the snapshot. */
  #update(): void {
    const status = deriveStatus({
      started: this.#started,
      authenticated: this.#authenticated,
      online: this.#network.online(),
      socketEnabled: this.endpoints.socketEnabled,
      chatConnected: this.#connections.chatConnected,
      socketsGaveUp: this.#connections.gaveUp,
    });
    const previous = this.#status;
    this.#status = status;
    if (status === 'fallback' && previous !== 'fallback') {
      this.#poller.start();
    } else if (status !== 'fallback' && previous === 'fallback') {
      this.#poller.stop();
    }
    this.#sender.kick();
    this.#publish();
    if (status !== previous) this.#emitter.emit('status', status);
  }

  #route(): SendRoute {
    if (!this.#started || this.#authenticated !== true || !this.#network.online()) return 'wait';
    return this.#connections.chatConnected ? 'socket' : 'rest';
  }

  #connectedChat(): ChatSocket | undefined {
    const socket = this.#connections.chat;
    return socket?.connected ? socket : undefined;
  }

  #makeSnapshot(): ClientSnapshot {
    return {
      status: this.#status,
      chatSocket: this.#connections.chat,
      notificationsSocket: this.#connections.notifications,
      notificationsConnected: this.#connections.notifications?.connected ?? false,
      userId: this.#tokens.userId,
      rateLimit: this.rateLimit.get(),
      outbox: this.outbox.get(),
      unreadCount: this.notifications.get().unreadCount,
    };
  }

  #publish(): void {
    const next = this.#makeSnapshot();
    const current = this.#snapshot.get();
    const same = (Object.keys(next) as Array<keyof ClientSnapshot>).every((key) => Object.is(next[key], current[key]));
    if (!same) this.#snapshot.set(next);
  }

  #setupChat(socket: ChatSocket): void {
    socket.on('message', (payload) => this.#rooms.apply({ event: 'message', payload }));
    socket.on('messageEdited', (payload) => this.#rooms.apply({ event: 'messageEdited', payload }));
    socket.on('messageDeleted', (payload) => this.#rooms.apply({ event: 'messageDeleted', payload }));
    socket.on('memberAdded', (payload) => this.#rooms.apply({ event: 'memberAdded', payload }));
    socket.on('memberRemoved', (payload) => this.#rooms.apply({ event: 'memberRemoved', payload }));
    socket.on('typing', (payload) => this.#emitter.emit('typing', payload));
    socket.on('presence', (payload) => this.#emitter.emit('presence', payload));
  }

  /** Announces a room update that brought something new, under its own event name. */
  #announce(update: RoomUpdate): void {
    switch (update.event) {
      case 'message':
        return this.#emitter.emit('message', update.payload);
      case 'messageEdited':
        return this.#emitter.emit('messageEdited', update.payload);
      case 'messageDeleted':
        return this.#emitter.emit('messageDeleted', update.payload);
      case 'memberAdded':
        return this.#emitter.emit('memberAdded', update.payload);
      case 'memberRemoved':
        return this.#emitter.emit('memberRemoved', update.payload);
    }
  }

  async #pollFallback(): Promise<void> {
    if (this.#status !== 'fallback') return;
    await this.#rooms.poll();
    await this.#notificationsSync.poll();
  }
}
