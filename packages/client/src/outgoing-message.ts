import type { Message } from '@chatrt/contracts';
import type { ChatClientError } from './errors.ts';
import type { MessageState } from './room-message-view.ts';

/**
 * A message I sent, shown before the server has it: `sending` (queued or in flight), then `sent` (stored,
 * `message` holds it with its seq) or `failed` (`error` says why; `retry()` sends it again with the same
 * clientMessageId, so the server never stores it twice).
 */
export class OutgoingMessage {
  readonly clientMessageId: string;
  readonly roomId: string;
  readonly text: string;
  readonly createdAt: string;
  #state: MessageState = 'sending';
  #message: Message | undefined;
  #error: ChatClientError | undefined;
  readonly #retry: (m: OutgoingMessage) => void;
  readonly #listeners = new Set<(m: OutgoingMessage) => void>();
  #settle:
    { resolve: (m: Message) => void; reject: (e: ChatClientError) => void; promise: Promise<Message> } | undefined;

  constructor(
    fields: { clientMessageId: string; roomId: string; text: string; createdAt: string },
    retry: (m: OutgoingMessage) => void,
  ) {
    this.clientMessageId = fields.clientMessageId;
    this.roomId = fields.roomId;
    this.text = fields.text;
    this.createdAt = fields.createdAt;
    this.#retry = retry;
  }

  get state(): MessageState {
    return this.#state;
  }

  /** The stored message, once sent. */
  get message(): Message | undefined {
    return this.#message;
  }

  /** Why it failed, when failed. */
  get error(): ChatClientError | undefined {
    return this.#error;
  }

  /** Calls `listener` after each state change; returns the unsubscribe function. */
  onChange(listener: (m: OutgoingMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the stored message once sent; rejects with the error if this attempt fails. */
  settled(): Promise<Message> {
    if (this.#state === 'sent') {
      return this.#message
        ? Promise.resolve(this.#message)
        : Promise.reject(new Error(`message ${this.clientMessageId} is sent but has no stored copy`));
    }
    if (this.#state === 'failed') {
      return Promise.reject(this.#error ?? new Error(`message ${this.clientMessageId} failed without an error`));
    }
    if (!this.#settle) {
      let resolve!: (m: Message) => void;
      let reject!: (e: ChatClientError) => void;
      const promise = new Promise<Message>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#settle = { resolve, reject, promise };
    }
    return this.#settle.promise;
  }

  /** Sends a failed message again (same clientMessageId); does nothing unless `failed`. */
  retry(): void {
    if (this.#state === 'failed') this.#retry(this);
  }

  /** @internal The client reports progress here. */
  markSending(): void {
    this.#set('sending', undefined, undefined);
  }

  /** @internal */
  markSent(message: Message): void {
    if (this.#state === 'sent') return;
    this.#set('sent', message, undefined);
    this.#settle?.resolve(message);
    this.#settle = undefined;
  }

  /** @internal */
  markFailed(error: ChatClientError): void {
    this.#set('failed', undefined, error);
    this.#settle?.reject(error);
    this.#settle = undefined;
  }

  #set(state: MessageState, message: Message | undefined, error: ChatClientError | undefined): void {
    this.#state = state;
    this.#message = message;
    this.#error = error;
    for (const listener of [...this.#listeners]) listener(this);
  }
}
