import type { Message, RoomUpdate } from '@chatrt/contracts';
import type { ChatClientError } from './errors.ts';
import type { ReadableStore } from './store.ts';
import {
  isLaterState,
  pendingView,
  storedView,
  tombstone,
  type PendingMessage,
  type RoomMessage,
} from './room-message-view.ts';

/**
 * One room's messages in seq order, fed by room updates (`applyUpdate`: live, replayed or polled over
 * REST), by history pages and acks (`merge`) and by my own sends (`addPending`). Never doubles a message (one
 * entry per id; my pending one becomes the stored one when it arrives with the same clientMessageId) and never
 * goes back: stream updates at or below `resumeSeq` are ignored, and `resumeSeq` is where a rejoin resumes.
 */
export class RoomMessages implements ReadableStore<readonly RoomMessage[]> {
  readonly roomId: string;
  #self: string | undefined;
  #resumeSeq: number | undefined;
  readonly #stored = new Map<string, Message>();
  /** Stored ids ascending by seq. */
  readonly #order: string[] = [];
  readonly #pending = new Map<string, PendingMessage>();
  /** clientMessageIds of messages sent from here, so they keep their key once stored. */
  readonly #local = new Set<string>();
  #snapshot: readonly RoomMessage[] = [];
  #dirty = false;
  readonly #listeners = new Set<() => void>();

  constructor(roomId: string) {
    this.roomId = roomId;
  }

  /** Last stream seq applied: the `afterSeq` of the next join. */
  get resumeSeq(): number | undefined {
    return this.#resumeSeq;
  }

  /** Highest seq of a stored message (a room with history but no resume point resumes after it). */
  get highestMessageSeq(): number | undefined {
    const last = this.#order.at(-1);
    return last === undefined ? undefined : this.#stored.get(last)?.seq;
  }

  /** The current user: only their stored messages can replace their pending ones. */
  setSelf(userId: string | undefined): void {
    this.#self = userId;
  }

  /** Moves the resume point forward (e.g. to a join ack's `room.lastSeq`); never back. */
  advanceResumeSeq(seq: number): void {
    if (this.#resumeSeq === undefined || seq > this.#resumeSeq) this.#resumeSeq = seq;
  }

  /**
   * Applies one live or replayed update. Returns false when it brings nothing new: seq ≤ resumeSeq, or a
   * message already here (e.g. polled over REST during a fallback).
   */
  applyUpdate(update: RoomUpdate): boolean {
    const seq = update.payload.seq;
    if (this.#resumeSeq !== undefined && seq <= this.#resumeSeq) return false;
    this.#resumeSeq = seq;
    let fresh = true;
    switch (update.event) {
      case 'message': {
        const outcome = this.#upsert(update.payload);
        fresh = outcome === 'added';
        if (outcome === 'unchanged') return false;
        break;
      }
      case 'messageEdited': {
        const current = this.#stored.get(update.payload.messageId);
        if (current) this.#replace({ ...current, message: update.payload.message, editedAt: update.payload.editedAt });
        break;
      }
      case 'messageDeleted': {
        const current = this.#stored.get(update.payload.messageId);
        if (current) this.#replace(tombstone(current));
        break;
      }
      case 'memberAdded':
      case 'memberRemoved':
        break;
      default: {
        const unknown: never = update;
        return unknown;
      }
    }
    this.#changed();
    return fresh;
  }

  /**
   * Merges stored messages from history, polling or an ack; returns the ones that were new. An id already
   * here is only replaced by a later state of it (edited later, or deleted).
   */
  merge(messages: readonly Message[]): Message[] {
    const added: Message[] = [];
    let changed = false;
    for (const message of messages) {
      if (message.roomId !== this.roomId) continue;
      const outcome = this.#upsert(message);
      if (outcome === 'added') added.push(message);
      changed ||= outcome !== 'unchanged';
    }
    if (changed) this.#changed();
    return added;
  }

  /** Shows one of my messages before it is stored (ignored when it is stored already). */
  addPending(pending: PendingMessage): void {
    this.#local.add(pending.clientMessageId);
    if (this.#storedByClientId(pending.clientMessageId)) return;
    this.#pending.set(pending.clientMessageId, { ...pending });
    this.#changed();
  }

  /** Updates the state of a pending message (sending ↔ failed). */
  updatePending(clientMessageId: string, state: PendingMessage['state'], error?: ChatClientError): void {
    const current = this.#pending.get(clientMessageId);
    if (!current) return;
    this.#pending.set(clientMessageId, { ...current, state, error });
    this.#changed();
  }

  /** The stored message with this clientMessageId sent by the current user, if any. */
  storedMessage(clientMessageId: string): Message | undefined {
    return this.#storedByClientId(clientMessageId);
  }

  /** Stored messages in seq order, then my pending ones in the order I wrote them. */
  get = (): readonly RoomMessage[] => {
    if (this.#dirty) {
      this.#dirty = false;
      this.#snapshot = [
        ...this.#order.map((id) => {
          const message = this.#storedAt(id);
          return storedView(message, this.#local.has(message.clientMessageId) && this.#isMine(message));
        }),
        ...[...this.#pending.values()].map((p) => pendingView(p, this.roomId, this.#self)),
      ];
    }
    return this.#snapshot;
  };

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Inserts, or replaces with a later state of the same message; the caller announces the change. */
  #upsert(message: Message): 'added' | 'replaced' | 'unchanged' {
    const current = this.#stored.get(message.id);
    if (current) {
      if (!isLaterState(message, current)) return 'unchanged';
      this.#replace(message);
      return 'replaced';
    }
    if (this.#isMine(message)) this.#pending.delete(message.clientMessageId);
    this.#stored.set(message.id, message);
    let at = this.#order.length;
    while (at > 0 && this.#storedAt(this.#order[at - 1]).seq > message.seq) at--;
    this.#order.splice(at, 0, message.id);
    return 'added';
  }

  /** A message listed in `#order`, which only ever holds stored ids. */
  #storedAt(id: string | undefined): Message {
    const message = id === undefined ? undefined : this.#stored.get(id);
    if (!message) throw new Error(`RoomMessages ${this.roomId}: ordered id ${id ?? '(none)'} is not stored`);
    return message;
  }

  #replace(message: Message): void {
    this.#stored.set(message.id, message);
  }

  #isMine(message: Message): boolean {
    return this.#self === undefined || message.senderId === this.#self;
  }

  #storedByClientId(clientMessageId: string): Message | undefined {
    for (const message of this.#stored.values()) {
      if (message.clientMessageId === clientMessageId && this.#isMine(message)) return message;
    }
    return undefined;
  }

  #changed(): void {
    this.#dirty = true;
    for (const listener of [...this.#listeners]) listener();
  }
}
