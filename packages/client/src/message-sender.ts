import type { Message } from '@chatrt/contracts';
import { chatAck, unwrapAck } from './ack.ts';
import { ChatClientError, toClientError } from './errors.ts';
import { newClientMessageId } from './ids.ts';
import type { ClientLogger } from './logger.ts';
import { OutgoingMessage } from './outgoing-message.ts';
import type { Outbox } from './outbox/outbox.ts';
import { OutboxFlusher, type SendRoute } from './outbox/outbox-flusher.ts';
import type { OutboxItem } from './outbox/outbox-store.ts';
import type { PendingSends } from './pending-sends.ts';
import type { RateLimitGate } from './rate-limit-gate.ts';
import type { RestApi } from './rest-api.ts';
import type { RoomMessages } from './room-messages.ts';
import type { ChatSocket } from './sockets.ts';

/** What sending needs from the client. */
export interface MessageSenderDeps {
  outbox: Outbox;
  /** My messages not yet stored (settled by the rooms as the server's copies arrive). */
  pending: PendingSends;
  gate: RateLimitGate;
  api: RestApi;
  logger: ClientLogger;
  ackTimeoutMs: number;
  retryDelayMaxMs: number;
  /** The current user, recorded as each message's owner. */
  self: () => string | undefined;
  route: () => SendRoute;
  /** The connected chat socket, if any. */
  chatSocket(): ChatSocket | undefined;
  room(roomId: string): RoomMessages;
  /** The server stored a message I sent (merge it and announce it). */
  onStored(roomId: string, message: Message): void;
  onState(message: OutgoingMessage): void;
  onError(error: ChatClientError): void;
  /** A send was refused as UNAUTHENTICATED: the client should check the session. */
  onUnauthenticated: () => void;
}

const maxMessageLength = 4000;

/**
 * My messages from `send` to stored: each is shown at once as pending in its room, kept in the outbox
 * (refused with OUTBOX_FULL, visibly, when it is full) and sent by the flusher; it becomes `sent` when the
 * server's copy arrives by any path (ack, live event, poll, history), and `failed` when refused.
 */
export class MessageSender {
  readonly #deps: MessageSenderDeps;
  readonly #flusher: OutboxFlusher;

  constructor(deps: MessageSenderDeps) {
    this.#deps = deps;
    this.#flusher = new OutboxFlusher({
      outbox: deps.outbox,
      gate: deps.gate,
      owner: deps.self,
      route: deps.route,
      send: (item, route) =>
        route === 'socket' ? this.#sendOverSocket(item) : deps.api.sendMessage(wireMessage(item)),
      onSent: (item, message) => {
        deps.onStored(item.roomId, message);
      },
      onFailed: (item, error) => {
        this.#fail(item.clientMessageId, error);
      },
      onUnauthenticated: deps.onUnauthenticated,
      retryDelayMaxMs: deps.retryDelayMaxMs,
      logger: deps.logger,
    });
  }

  start(): void {
    this.#flusher.start();
  }

  stop(): void {
    this.#flusher.stop();
  }

  /** Something changed (status, gate): the flusher looks again. */
  kick(): void {
    this.#flusher.kick();
  }

  send(roomId: string, text: string): OutgoingMessage {
    const outgoing = this.#track({
      clientMessageId: newClientMessageId(),
      roomId,
      text,
      createdAt: new Date().toISOString(),
    });
    this.#enqueue(outgoing);
    return outgoing;
  }

  /** Retries a failed message; returns it, or undefined when unknown or not failed. */
  retry(clientMessageId: string): OutgoingMessage | undefined {
    const outgoing = this.#deps.pending.get(clientMessageId);
    if (outgoing?.state !== 'failed') return undefined;
    outgoing.retry();
    return outgoing;
  }

  /** Shows what a previous session left in the outbox (this user's) as sending; it goes out first. */
  restore(items: readonly OutboxItem[]): void {
    const self = this.#deps.self();
    for (const item of items) {
      if (item.ownerId !== undefined && self !== undefined && item.ownerId !== self) continue;
      const outgoing = this.#track({
        clientMessageId: item.clientMessageId,
        roomId: item.roomId,
        text: item.message,
        createdAt: item.createdAt,
      });
      this.#deps.onState(outgoing);
    }
    this.#flusher.kick();
  }

  #track(fields: { clientMessageId: string; roomId: string; text: string; createdAt: string }): OutgoingMessage {
    const outgoing = new OutgoingMessage(fields, (m) => {
      this.#enqueue(m);
    });
    this.#deps.pending.add(outgoing);
    this.#deps.room(fields.roomId).addPending({
      clientMessageId: fields.clientMessageId,
      text: fields.text,
      createdAt: fields.createdAt,
      state: 'sending',
    });
    return outgoing;
  }

  #enqueue(outgoing: OutgoingMessage): void {
    const store = this.#deps.room(outgoing.roomId);
    // eslint-disable-next-line @typescript-eslint/no-misused-spread -- counts code points, as the server's limit does
    const length = [...outgoing.text].length;
    try {
      if (length < 1 || length > maxMessageLength) {
        throw new ChatClientError(
          'VALIDATION_FAILED',
          `a message has 1 to ${maxMessageLength} characters, this one ${length}`,
        );
      }
      this.#deps.outbox.add({
        clientMessageId: outgoing.clientMessageId,
        roomId: outgoing.roomId,
        message: outgoing.text,
        createdAt: outgoing.createdAt,
        ownerId: this.#deps.self(),
      });
      outgoing.markSending();
      store.updatePending(outgoing.clientMessageId, 'sending');
      this.#flusher.kick();
      this.#deps.onState(outgoing);
    } catch (err) {
      this.#fail(outgoing.clientMessageId, toClientError(err));
    }
  }

  #fail(clientMessageId: string, error: ChatClientError): void {
    const outgoing = this.#deps.pending.get(clientMessageId);
    if (!outgoing) return;
    outgoing.markFailed(error);
    this.#deps.room(outgoing.roomId).updatePending(clientMessageId, 'failed', error);
    this.#deps.logger.warn(`[Socket] Message ${clientMessageId} not sent: ${error.code} ${error.message}`);
    this.#deps.onState(outgoing);
    this.#deps.onError(error);
  }

  async #sendOverSocket(item: OutboxItem): Promise<Message> {
    const socket = this.#deps.chatSocket();
    if (!socket) throw new ChatClientError('DISCONNECTED', 'the chat socket is not connected');
    const ack = await unwrapAck(chatAck(socket, this.#deps.ackTimeoutMs, 'sendMessage', wireMessage(item)));
    return ack.message;
  }
}

/** The send payload of an outbox item (the same over the socket and REST). */
function wireMessage(item: OutboxItem): { roomId: string; message: string; clientMessageId: string } {
  return { roomId: item.roomId, message: item.message, clientMessageId: item.clientMessageId };
}
