import type { ChatEvents, Message, MessagePage } from '@chatrt/contracts';
import { deliveryFor, type Delivery } from '../../domain/delivery.ts';

/** Fetches the page of messages after `afterSeq`, ascending. */
export type FetchPage = (afterSeq: number) => Promise<MessagePage>;

/**
 * Delivers one room's events to one socket exactly once and in seq order. While it catches up from the
 * store it buffers live events, then drains the buffer dropping everything the replay already covered.
 */
export class RoomDelivery {
  #lastSeq: number;
  #buffer: ChatEvents[] | undefined;
  readonly #emit: (delivery: NonNullable<Delivery>) => void;

  constructor(afterSeq: number, emit: (delivery: NonNullable<Delivery>) => void) {
    this.#lastSeq = afterSeq;
    this.#emit = emit;
  }

  /** The highest seq this socket has been given (or was told it already has). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Starts buffering live events; call before subscribing so nothing slips between replay and live. */
  holdLive(): void {
    this.#buffer ??= [];
  }

  onLive(event: ChatEvents): void {
    if (this.#buffer) this.#buffer.push(event);
    else this.#deliverEvent(event);
  }

  /** Replays stored messages after lastSeq page by page, then releases the buffered live events. */
  async catchUp(fetchPage: FetchPage): Promise<void> {
    this.holdLive();
    try {
      for (;;) {
        const page = await fetchPage(this.#lastSeq);
        for (const message of page.messages) this.#deliverMessage(message);
        if (!page.hasMore || page.messages.length === 0) break;
      }
    } finally {
      const buffered = this.#buffer ?? [];
      this.#buffer = undefined;
      for (const event of buffered) this.#deliverEvent(event);
    }
  }

  #deliverMessage(message: Message): void {
    if (message.seq <= this.#lastSeq) return;
    this.#lastSeq = message.seq;
    this.#emit({ event: 'message', payload: message });
  }

  #deliverEvent(event: ChatEvents): void {
    if (event.seq <= this.#lastSeq) return;
    this.#lastSeq = event.seq;
    const delivery = deliveryFor(event);
    if (delivery) this.#emit(delivery);
  }
}
