import type { Message, MessagePage, RoomUpdate } from '@chatrt/contracts';
import { chatAck, unwrapAck } from './ack.ts';
import { isTransient, toClientError, type ChatClientError } from './errors.ts';
import type { ClientLogger } from './logger.ts';
import type { HistoryQuery, RestApi } from './rest-api.ts';
import { RoomMessages } from './room-messages.ts';
import type { ChatSocket } from './sockets.ts';

/** What room sync needs from the client. */
export interface RoomSyncDeps {
  api: RestApi;
  logger: ClientLogger;
  ackTimeoutMs: number;
  retryDelayMs: number;
  historyPageSize: number;
  /** The current user (their stored messages replace their pending ones). */
  self(): string | undefined;
  /** Every stored message seen, whichever way (so pending sends can be settled). */
  onStored(message: Message): void;
  /** A live or replayed update that brought something new, or a polled message never seen before. */
  onFresh(update: RoomUpdate): void;
  /** A joined room could not be joined again (e.g. FORBIDDEN after removal). */
  onJoinRefused(roomId: string, error: ChatClientError): void;
}

const pollPagesPerRound = 10;
const pollPageSize = 200;

/**
 * Keeps joined rooms complete across every change of connection. Over the socket a room is joined with
 * `afterSeq` = its store's resume point, so the server replays what was missed before going live (a first
 * join goes live at once and loads the latest page of history over REST). In fallback, REST polling reads
 * the same room updates after the same resume point (`GET /chat/rooms/{id}/updates`), so edits, deletions
 * and membership changes arrive without a socket too, and the next socket join resumes where polling left
 * off, with nothing missed or repeated.
 */
export class RoomSync {
  readonly #deps: RoomSyncDeps;
  readonly #rooms = new Map<string, RoomMessages>();
  readonly #joined = new Set<string>();

  constructor(deps: RoomSyncDeps) {
    this.#deps = deps;
  }

  /** The store of a room, created empty on first use. */
  room(roomId: string): RoomMessages {
    let store = this.#rooms.get(roomId);
    if (!store) {
      store = new RoomMessages(roomId);
      store.setSelf(this.#deps.self());
      this.#rooms.set(roomId, store);
    }
    return store;
  }

  /** The user became known: only their messages settle their pending ones. */
  setSelf(userId: string | undefined): void {
    for (const store of this.#rooms.values()) store.setSelf(userId);
  }

  isJoined(roomId: string): boolean {
    return this.#joined.has(roomId);
  }

  joinedRooms(): string[] {
    return [...this.#joined];
  }

  /** Records a room as joined (it is joined on the next connect if not now); returns whether it is new. */
  follow(roomId: string): boolean {
    this.room(roomId);
    if (this.#joined.has(roomId)) return false;
    this.#joined.add(roomId);
    return true;
  }

  unfollow(roomId: string): void {
    this.#joined.delete(roomId);
  }

  /** Joins over the socket, resuming after the room's last seq; a first join also loads the latest history page. */
  async joinOverSocket(roomId: string, socket: ChatSocket): Promise<void> {
    const store = this.room(roomId);
    const afterSeq = store.resumeSeq ?? store.highestMessageSeq;
    const request = afterSeq === undefined ? { roomId } : { roomId, afterSeq };
    const ack = await unwrapAck(chatAck(socket, this.#deps.ackTimeoutMs, 'joinRoom', request));
    if (afterSeq !== undefined) return;
    store.advanceResumeSeq(ack.room.lastSeq);
    await this.history(roomId, { limit: this.#deps.historyPageSize });
  }

  /** Joins every followed room again after a (re)connect; refusals unfollow the room. */
  rejoinAll(socket: ChatSocket): void {
    for (const roomId of this.#joined) this.#rejoin(roomId, socket);
  }

  /** Joins in fallback: a room never seen loads its latest history page, and polling resumes after it. */
  async joinOverRest(roomId: string): Promise<void> {
    const store = this.room(roomId);
    if (store.resumeSeq !== undefined) return;
    const page = await this.history(roomId, { limit: this.#deps.historyPageSize });
    // The page shows the room as of now up to its newest message; later events are polled (again) after it.
    store.advanceResumeSeq(page.messages.at(-1)?.seq ?? 0);
  }

  /**
   * One round of REST polling over the joined rooms. A room the server refuses (removed, deleted) is
   * unfollowed and reported; one that cannot be reached leaves the others polled, then fails the round.
   */
  async poll(): Promise<void> {
    let unreachable: ChatClientError | undefined;
    for (const roomId of [...this.#joined]) {
      try {
        await this.#pollRoom(roomId);
      } catch (err) {
        const error = toClientError(err);
        if (isTransient(error)) {
          unreachable ??= error;
          continue;
        }
        this.#joined.delete(roomId);
        this.#deps.onJoinRefused(roomId, error);
      }
    }
    if (unreachable) throw unreachable;
  }

  async #pollRoom(roomId: string): Promise<void> {
    const store = this.room(roomId);
    if (store.resumeSeq === undefined) return this.joinOverRest(roomId);
    for (let round = 0; round < pollPagesPerRound; round++) {
      const page = await this.#deps.api.listRoomUpdates(roomId, {
        afterSeq: store.resumeSeq,
        limit: pollPageSize,
      });
      for (const update of page.updates) this.apply(update);
      // Removed from the room by one of these updates: stop here, as the socket would.
      if (!this.#joined.has(roomId)) return;
      // Pages may end in events members do not see; the resume point still moves past them.
      store.advanceResumeSeq(page.lastSeq);
      if (!page.hasMore) return;
    }
  }

  /** A page of history over REST, merged into the room's store (history is not announced as new). */
  async history(roomId: string, query: HistoryQuery = {}): Promise<MessagePage> {
    const page = await this.#deps.api.listMessages(roomId, query);
    this.room(roomId).merge(page.messages);
    for (const message of page.messages) this.#deps.onStored(message);
    return page;
  }

  /** Stored messages from an ack: merged; the new ones are announced. */
  stored(roomId: string, messages: readonly Message[]): void {
    const added = new Set(this.room(roomId).merge(messages));
    for (const message of messages) {
      this.#deps.onStored(message);
      if (added.has(message)) this.#deps.onFresh({ event: 'message', payload: message });
    }
  }

  /** A live or replayed update of a followed room. */
  apply(update: RoomUpdate): void {
    const roomId = update.payload.roomId;
    if (!this.#joined.has(roomId)) return;
    if (!this.room(roomId).applyUpdate(update)) return;
    if (update.event === 'message') this.#deps.onStored(update.payload);
    // The server stops sending a room to a removed member; stop following it too.
    if (update.event === 'memberRemoved' && update.payload.userId === this.#deps.self()) this.#joined.delete(roomId);
    this.#deps.onFresh(update);
  }

  #rejoin(roomId: string, socket: ChatSocket): void {
    this.joinOverSocket(roomId, socket).catch((err: unknown) => {
      const error = toClientError(err);
      if (isTransient(error)) {
        // A dropped socket rejoins on its reconnect; a slow server gets another try while connected.
        setTimeout(() => {
          if (socket.connected && this.#joined.has(roomId)) this.#rejoin(roomId, socket);
        }, this.#deps.retryDelayMs);
        return;
      }
      this.#joined.delete(roomId);
      this.#deps.logger.warn(`[Socket] Cannot join room ${roomId} again: ${error.code}`);
      this.#deps.onJoinRefused(roomId, error);
    });
  }
}
