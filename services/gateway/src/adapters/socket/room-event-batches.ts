import type { RoomEvents, RoomUpdate } from '@chatrt/contracts';

/** How large one `roomEvents` frame may grow. */
export interface BatchLimits {
  maxEvents: number;
  /** Estimated encoded size: the texts' UTF-8 bytes plus a fixed allowance per event. */
  maxBytes: number;
}

/** A generous upper bound of one event's JSON besides its text (ids, seq, timestamps, names). */
const EVENT_OVERHEAD_BYTES = 400;

/** A socket, or a broadcast to some sockets, as far as batches go. */
export interface RoomEventsSink {
  emit(event: 'roomEvents', batch: RoomEvents): unknown;
}
/** The `/chat` namespace, as far as batches go. */
export interface BatchTarget {
  to(socketIds: string[]): RoomEventsSink;
}

interface Batch {
  roomId: string;
  events: RoomUpdate[];
  bytes: number;
}
/** Events of a room for every socket in step with its live stream: one broadcast, encoded once. */
interface LiveBatch extends Batch {
  socketIds: string[];
}
/** Events of a room for one socket (a replay page, a gap filled, its buffer released). */
interface SocketBatch extends Batch {
  socket: RoomEventsSink;
}

/**
 * Gathers the room events of sockets with batched delivery into `roomEvents` frames: what is ready together
 * (the live events dispatched in one event-loop turn; one socket's replay page) goes out as one frame, up to
 * the limits. One pending batch per room for the sockets in step (sent as a broadcast while the set of sockets
 * stays the same) and one per socket and room for the rest; before either takes an event, the other kind of
 * that room is sent, so each socket still gets its events in seq order and each once.
 */
export class RoomEventBatches {
  readonly #nsp: BatchTarget;
  readonly #limits: BatchLimits;
  readonly #live = new Map<string, LiveBatch>();
  readonly #perSocket = new Map<string, Map<string, SocketBatch>>();
  #scheduled = false;

  constructor(nsp: BatchTarget, limits: BatchLimits) {
    this.#nsp = nsp;
    this.#limits = limits;
  }

  /** One live event for the sockets that were in step with it (in the feed's listener order). */
  addLive(roomId: string, update: RoomUpdate, socketIds: string[]): void {
    this.#sendPerSocket(roomId);
    let batch = this.#live.get(roomId);
    const bytes = sizeOf(update);
    if (batch && (!sameSockets(batch.socketIds, socketIds) || !this.#fits(batch, bytes))) {
      this.#sendLive(batch);
      batch = undefined;
    }
    if (!batch) {
      batch = { roomId, events: [], bytes: 0, socketIds };
      this.#live.set(roomId, batch);
    }
    this.#append(batch, update, bytes);
    if (batch.events.length >= this.#limits.maxEvents) this.#sendLive(batch);
  }

  /** One event for one socket, which its own delivery gives it. */
  addForSocket(socket: { id: string } & RoomEventsSink, roomId: string, update: RoomUpdate): void {
    const live = this.#live.get(roomId);
    if (live) this.#sendLive(live);
    let room = this.#perSocket.get(roomId);
    if (!room) {
      room = new Map();
      this.#perSocket.set(roomId, room);
    }
    let batch = room.get(socket.id);
    const bytes = sizeOf(update);
    if (batch && !this.#fits(batch, bytes)) {
      this.#sendFor(room, socket.id, batch);
      batch = undefined;
    }
    if (!batch) {
      batch = { roomId, events: [], bytes: 0, socket };
      room.set(socket.id, batch);
    }
    this.#append(batch, update, bytes);
    if (batch.events.length >= this.#limits.maxEvents) this.#sendFor(room, socket.id, batch);
  }

  /** Sends everything pending, as it stands. */
  flush(): void {
    this.#scheduled = false;
    for (const batch of [...this.#live.values()]) this.#sendLive(batch);
    for (const roomId of [...this.#perSocket.keys()]) this.#sendPerSocket(roomId);
  }

  #fits(batch: Batch, bytes: number): boolean {
    return batch.events.length < this.#limits.maxEvents && batch.bytes + bytes <= this.#limits.maxBytes;
  }

  #append(batch: Batch, update: RoomUpdate, bytes: number): void {
    batch.events.push(update);
    batch.bytes += bytes;
    if (this.#scheduled) return;
    this.#scheduled = true;
    // After the I/O of this turn: every event that arrived with this one joins the same frame.
    setImmediate(() => {
      this.flush();
    });
  }

  #sendLive(batch: LiveBatch): void {
    this.#live.delete(batch.roomId);
    this.#nsp.to(batch.socketIds).emit('roomEvents', { roomId: batch.roomId, events: batch.events });
  }

  #sendPerSocket(roomId: string): void {
    const room = this.#perSocket.get(roomId);
    if (!room) return;
    this.#perSocket.delete(roomId);
    for (const batch of room.values()) batch.socket.emit('roomEvents', { roomId, events: batch.events });
  }

  #sendFor(room: Map<string, SocketBatch>, socketId: string, batch: SocketBatch): void {
    room.delete(socketId);
    batch.socket.emit('roomEvents', { roomId: batch.roomId, events: batch.events });
  }
}

function sizeOf(update: RoomUpdate): number {
  const text = 'message' in update.payload ? update.payload.message : undefined;
  return EVENT_OVERHEAD_BYTES + (text === undefined ? 0 : Buffer.byteLength(text));
}

/** The feed calls its listeners in the same order each time, so the same sockets come as the same list. */
function sameSockets(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
