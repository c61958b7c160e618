import type { Message, MessagePage, ReadMarker, Room, RoomSummary } from '@chatrt/contracts';
import type { ChatClientEvents, ChatClientOptions, ClientSnapshot } from './client-types.ts';
import { composeClient, type ClientParts } from './compose-client.ts';
import type { EndpointConfig, TimingConfig } from './config.ts';
import { ChatClientError, isTransient, toClientError } from './errors.ts';
import type { NotificationsStore } from './notifications-store.ts';
import type { OutgoingMessage } from './outgoing-message.ts';
import type { Outbox } from './outbox/outbox.ts';
import type { RateLimitGate } from './rate-limit-gate.ts';
import type { HistoryQuery } from './rest-api.ts';
import type { RoomMessages } from './room-messages.ts';
import type { ChatSocket, NotificationsSocket } from './sockets.ts';
import type { ConnectionStatus } from './status.ts';
import type { ReadableStore } from './store.ts';

/**
 * The chat client, one per signed-in tab (or Node process). `start()` gets a session token and opens
 * `/chat` and `/notifications`; joined rooms live in per-room stores that resume after every reconnect;
 * `send` shows a message at once and delivers it exactly once through the durable outbox, over the socket
 * or, in fallback, over REST. Its parts are built by `composeClient`; this class is their public face.
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
  readonly #parts: ClientParts;

  constructor(options: ChatClientOptions = {}) {
    const parts = composeClient(options);
    this.#parts = parts;
    this.endpoints = parts.endpoints;
    this.timings = parts.timings;
    this.rateLimit = parts.rateLimit;
    this.outbox = parts.outbox;
    this.notifications = parts.notifications;
  }

  // ── lifecycle and state ──────────────────────────────────────────────────────────────────────────

  /**
   * Gets a session token and opens the sockets (REST only when sockets are disabled). Resolves once the
   * session is known and the connections are opening (while the token endpoint is unreachable it keeps
   * retrying first); watch `status` or `waitForStatus` for the outcome. Without a session: a warning,
   * status `unauthenticated`, no connections; after logging in call `stop()` then `start()`.
   */
  start(): Promise<void> {
    return this.#parts.lifecycle.start();
  }

  /** Closes the connections and timers; joined rooms, stores and unsent messages stay for the next `start()`. */
  stop(): Promise<void> {
    return this.#parts.lifecycle.stop();
  }

  get status(): ConnectionStatus {
    return this.#parts.session.status;
  }

  get chatSocket(): ChatSocket | undefined {
    return this.#parts.connections.chat;
  }

  get notificationsSocket(): NotificationsSocket | undefined {
    return this.#parts.connections.notifications;
  }

  /** The signed-in user's id, once the session token is known. */
  get userId(): string | undefined {
    return this.#parts.tokens.userId;
  }

  /** Adds an event listener; returns the function that removes it. */
  on<E extends keyof ChatClientEvents>(event: E, listener: ChatClientEvents[E]): () => void {
    return this.#parts.events.on(event, listener);
  }

  /** The snapshot as a store. */
  get state(): ReadableStore<ClientSnapshot> {
    return this.#parts.snapshot;
  }

  /** For React's useSyncExternalStore. */
  subscribe = (listener: () => void): (() => void) => this.#parts.snapshot.subscribe(listener);

  /** For React's useSyncExternalStore: the same object until something changes. */
  getSnapshot = (): ClientSnapshot => this.#parts.snapshot.get();

  /** Resolves once the status is one of `wanted`; rejects with TIMEOUT after `timeoutMs`. */
  waitForStatus(wanted: ConnectionStatus | readonly ConnectionStatus[], timeoutMs = 30_000): Promise<ConnectionStatus> {
    const set = new Set<ConnectionStatus>(typeof wanted === 'string' ? [wanted] : wanted);
    if (set.has(this.status)) return Promise.resolve(this.status);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(
          new ChatClientError(
            'TIMEOUT',
            `status is ${this.status}, not ${[...set].join(' | ')}, after ${timeoutMs} ms`,
          ),
        );
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
    return this.#parts.api.listRooms();
  }

  /** Creates a room with the caller as first member (socket when connected, else REST). */
  createRoom(name: string, memberIds?: string[]): Promise<Room> {
    return this.#parts.actions.createRoom(name, memberIds);
  }

  /** The message store of a room (subscribe to render it; `get()` is the list). */
  room(roomId: string): RoomMessages {
    return this.#parts.rooms.room(roomId);
  }

  /**
   * Follows a room: loads its latest messages, applies live updates, and joins it again from its last seq
   * after every reconnect. Before the client is connected this only records the room. Throws (and stops
   * following) on FORBIDDEN / NOT_FOUND.
   */
  async joinRoom(roomId: string): Promise<void> {
    this.#parts.rooms.follow(roomId);
    try {
      const socket = this.#parts.connections.connectedChat;
      if (socket) await this.#parts.rooms.joinOverSocket(roomId, socket);
      else if (this.status === 'fallback') await this.#parts.rooms.joinOverRest(roomId);
    } catch (err) {
      const error = toClientError(err);
      if (!isTransient(error)) this.#parts.rooms.unfollow(roomId);
      throw error;
    }
  }

  /** Stops following a room here (its store stays; the protocol has no leave event). */
  leaveRoom(roomId: string): void {
    this.#parts.rooms.unfollow(roomId);
  }

  /** The rooms being followed. */
  joinedRooms(): string[] {
    return this.#parts.rooms.joinedRooms();
  }

  /**
   * A page of a room's history over REST (no bounds: latest; `before`: older; `after`: newer), merged into its store.
   */
  history(roomId: string, query: HistoryQuery = {}): Promise<MessagePage> {
    return this.#parts.rooms.history(roomId, query);
  }

  // ── messages ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Sends a message: it shows in the room's list at once (`sending`), stays in the durable outbox until the
   * server stores it (`sent`) and is stored exactly once whatever the connection does. A refusal, or a full
   * outbox (OUTBOX_FULL, not queued), makes it `failed` with `retry()`.
   */
  send(roomId: string, text: string): OutgoingMessage {
    return this.#parts.sender.send(roomId, text);
  }

  /** Retries a failed message by clientMessageId; returns it, or undefined when unknown or not failed. */
  retry(clientMessageId: string): OutgoingMessage | undefined {
    return this.#parts.sender.retry(clientMessageId);
  }

  /** Replaces the text of one of my messages. */
  edit(messageId: string, text: string): Promise<Message> {
    return this.#parts.actions.edit(messageId, text);
  }

  /** Deletes one of my messages (a tombstone stays). */
  delete(messageId: string): Promise<Message> {
    return this.#parts.actions.delete(messageId);
  }

  /** Moves my read marker in a room forward to `seq`. */
  markRead(roomId: string, seq: number): Promise<ReadMarker> {
    return this.#parts.actions.markRead(roomId, seq);
  }

  /** Adds a user to a room. */
  addMember(roomId: string, userId: string): Promise<Room> {
    return this.#parts.actions.addMember(roomId, userId);
  }

  /** Removes a user from a room (myself: leave it). */
  removeMember(roomId: string, userId: string): Promise<Room> {
    return this.#parts.actions.removeMember(roomId, userId);
  }

  /** Says I am (not) typing; only over a connected socket (returns false otherwise). */
  typing(roomId: string, isTyping: boolean): boolean {
    return this.#parts.actions.typing(roomId, isTyping);
  }

  /** Marks notifications read (the given ids, or all); returns how many changed. */
  async markNotificationsRead(ids: readonly string[] | 'all'): Promise<number> {
    const updated = await this.#parts.notificationsSync.markRead(ids);
    // Sockets push the changed notifications; in fallback, fetch them now.
    if (this.status === 'fallback') this.#parts.poller.pollNow();
    return updated;
  }
}
