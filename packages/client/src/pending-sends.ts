import type { Message } from '@chatrt/contracts';
import type { OutgoingMessage } from './outgoing-message.ts';
import type { Outbox } from './outbox/outbox.ts';

/**
 * My messages not yet stored, by clientMessageId. The server's copy may arrive by any path (ack, live
 * event, poll, history); whichever comes first settles the message: it leaves the outbox and is `sent`.
 */
export class PendingSends {
  readonly #outbox: Outbox;
  readonly #self: () => string | undefined;
  readonly #onState: (message: OutgoingMessage) => void;
  readonly #pending = new Map<string, OutgoingMessage>();

  constructor(options: {
    outbox: Outbox;
    self: () => string | undefined;
    onState: (message: OutgoingMessage) => void;
  }) {
    this.#outbox = options.outbox;
    this.#self = options.self;
    this.#onState = options.onState;
  }

  add(outgoing: OutgoingMessage): void {
    this.#pending.set(outgoing.clientMessageId, outgoing);
  }

  get(clientMessageId: string): OutgoingMessage | undefined {
    return this.#pending.get(clientMessageId);
  }

  /** A stored message arrived: if it is one of mine still pending, it leaves the outbox and becomes `sent`. */
  settle(message: Message): void {
    const outgoing = this.#pending.get(message.clientMessageId);
    if (!outgoing || outgoing.roomId !== message.roomId) return;
    const self = this.#self();
    if (self !== undefined && message.senderId !== self) return;
    this.#outbox.remove(message.clientMessageId);
    this.#pending.delete(message.clientMessageId);
    outgoing.markSent(message);
    this.#onState(outgoing);
  }
}
