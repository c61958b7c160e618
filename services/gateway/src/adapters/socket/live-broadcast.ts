import type { BroadcastOperator } from 'socket.io';
import type { ChatEvents, ChatServerToClientEvents, RoomUpdate } from '@chatrt/contracts';
import { deliveryFor } from '../../domain/delivery.ts';
import type { SocketData } from './authenticate.ts';
import type { ChatNamespace, ChatSocket } from './chat-namespace.ts';
import type { RoomEventBatches } from './room-event-batches.ts';

/**
 * One room event for every socket in step with the live stream, gathered while the feed calls each
 * socket's listener and sent once when they all ran: Socket.IO encodes (and frames) a broadcast once,
 * where an emit per socket would encode the same packet for every socket. Sockets catching up or filling
 * a gap get their events through their own delivery; each socket's events still go out in seq order,
 * since a message's broadcast is sent before the feed takes the next message. Sockets with batched
 * delivery get the event in their room's next `roomEvents` batch instead.
 */
export class LiveBroadcast {
  readonly #nsp: ChatNamespace;
  readonly #batches: RoomEventBatches;
  #event: ChatEvents | undefined;
  #update: RoomUpdate | undefined;
  #socketIds: string[] = [];
  #batchedSocketIds: string[] = [];

  constructor(nsp: ChatNamespace, batches: RoomEventBatches) {
    this.#nsp = nsp;
    this.#batches = batches;
  }

  /** What the sockets receive for the event being dispatched, translated once. */
  updateFor(event: ChatEvents): RoomUpdate | undefined {
    if (this.#event !== event) {
      this.#event = event;
      this.#update = deliveryFor(event);
    }
    return this.#update;
  }

  add(socketId: string, batched: boolean): void {
    if (!this.#update) return;
    if (batched) this.#batchedSocketIds.push(socketId);
    else this.#socketIds.push(socketId);
  }

  flush(): void {
    if (this.#event && this.#update) {
      if (this.#socketIds.length > 0) emitUpdate(this.#nsp.to(this.#socketIds), this.#update);
      if (this.#batchedSocketIds.length > 0)
        this.#batches.addLive(this.#event.roomId, this.#update, this.#batchedSocketIds);
    }
    this.#event = undefined;
    this.#update = undefined;
    this.#socketIds = [];
    this.#batchedSocketIds = [];
  }
}

/** Emits an update under its own event name with its own payload type. */
export function emitUpdate(
  socket: ChatSocket | BroadcastOperator<ChatServerToClientEvents, SocketData>,
  update: RoomUpdate,
): void {
  switch (update.event) {
    case 'message':
      socket.emit('message', update.payload);
      return;
    case 'messageEdited':
      socket.emit('messageEdited', update.payload);
      return;
    case 'messageDeleted':
      socket.emit('messageDeleted', update.payload);
      return;
    case 'memberAdded':
      socket.emit('memberAdded', update.payload);
      return;
    case 'memberRemoved':
      socket.emit('memberRemoved', update.payload);
      return;
    default: {
      const unknown: never = update;
      return unknown;
    }
  }
}
