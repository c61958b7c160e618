import type { Message, MessagePage, RoomUpdate } from '@chatrt/contracts';
import { unwrapAck } from './ack.ts';
import { isTransient, toClientError, type ChatClientError } from './errors.ts';
import type { ClientLogger } from './logger.ts';
import type { HistoryQuery, RestApi } from './rest-api.ts';
import { RoomMessages } from './room-messages.ts';
import type { ChatSocket } from './socket-connections.ts';

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

interface JoinedRoom {
  /** REST polling continues after this seq; set when a fallback starts, moved only by polled pages. */
  pollCursor: number | undefined;
}

const pollPagesPerRound = 10;
const pollPageSize = 200;

/**
 * Keeps joined rooms complete across every change of connection. Over the socket a room is joined with
 * `afterSeq` = its store's resume point, so the server replays what was missed before going live (a first
 * join goes live at once and loads the latest page of history over REST). In fallback, REST polling asks
 * for messages after a cursor that only polled pages move; the stream resume point is left alone, so the
 * next socket join replays edits and deletions the polling could not see, and the store drops the repeats.
 */
export class RoomSync {
  readonly #deps: RoomSyncDeps;
  readonly #rooms = new Map<string, RoomMessages>();
  readonly #joined = new Map<string, JoinedRoom>();

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
    return [...this.#joined.keys()];
  }

  /** Records a room as joined (it is joined on the next connect if not now); returns whether it is new. */
  follow(roomId: string): boolean {
    this.room(roomId);
    if (this.#joined.has(roomId)) return false;
    this.#joined.set(roomId, { pollCursor: undefined });
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
    const ack = await unwrapAck(socket.timeout(this.#deps.ackTimeoutMs).emitWithAck('joinRoom', request));
    if (afterSeq !== undefined) return;
    store.advanceResumeSeq(ack.room.lastSeq);
    await this.history(roomId, { limit: this.#deps.historyPageSize });
  }

  /** Joins every followed room again after a (re)connect; refusals unfollow the room. */
  rejoinAll(socket: ChatSocket): void {
    for (const roomId of this.#joined.keys()) this.#rejoin(roomId, socket);
  }

  /** Joins in fallback: the latest history page is where polling and the next socket join start. */
  async joinOverRest(roomId: string): Promise<void> {
    const store = this.room(roomId);
    if (store.resumeSeq === undefined) {
      const page = await this.history(roomId, { limit: this.#deps.historyPageSize });
      // The page shows the room as of now up to its newest message, so resuming after that loses nothing.
      store.advanceResumeSeq(page.messages.at(-1)?.seq ?? 0);
    }
    const joined = this.#joined.get(roomId);
    if (joined && joined.pollCursor === undefined) joined.pollCursor = store.resumeSeq;
  }

  /** A fallback starts: polling of each room continues from its stream resume point. */
  enterFallback(): void {
    for (const [roomId, joined] of this.#joined) joined.pollCursor = this.#rooms.get(roomId)?.resumeSeq;
  }

  /** One round of REST polling over the joined rooms. */
  async poll(): Promise<void> {
    for (const [roomId, joined] of this.#joined) {
      if (joined.pollCursor === undefined) {
        await this.joinOverRest(roomId);
        continue;
      }
      for (let page = 0; page < pollPagesPerRound; page++) {
        const result = await this.#deps.api.listMessages(roomId, { after: joined.pollCursor, limit: pollPageSize });
        this.stored(roomId, result.messages);
        const last = result.messages.at(-1)?.seq;
        if (last !== undefined) joined.pollCursor = Math.max(joined.pollCursor, last);
        if (!result.hasMore) break;
      }
    }
  }

  /** A page of history over REST, merged into the room's store (history is not announced as new). */
  async history(roomId: string, query: HistoryQuery = {}): Promise<MessagePage> {
    const page = await this.#deps.api.listMessages(roomId, query);
    this.room(roomId).merge(page.messages);
    for (const message of page.messages) this.#deps.onStored(message);
    return page;
  }

  /** Stored messages from an ack or a poll: merged; the new ones are announced. */
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
