import { randomUUID } from 'node:crypto';
import type { Message } from '@chatrt/contracts';
import type { ChatSocket, ChatUser } from '../client/chat-user.ts';
import type { ClientConfig } from '../client/client-config.ts';
import type { ClientRecord, SendOutcome, SendRecord } from './invariants.ts';

/** Error codes after which the same send (same clientMessageId) is tried again: the outcome is not known yet. */
const RETRYABLE = new Set(['UNAVAILABLE', 'RATE_LIMITED']);

export interface ChaosClientOptions {
  name: string;
  user: ChatUser;
  roomId: string;
  /** Gateways to try on every (re)connect, in order of preference; read each time (ports move on restarts). */
  gateways: () => ClientConfig[];
  /** How long one send may keep retrying before its outcome counts as unknown. Default: 90 s. */
  sendDeadlineMs?: number;
  /** Wait for one ack before retrying the same send. Default: 8 s (longer than the gateway's NATS timeout). */
  ackTimeoutMs?: number;
  /** Wait out RATE_LIMITED and send again (default), or settle the send as refused (the rate-limit scenario). */
  retryRateLimited?: boolean;
}

/**
 * A real Socket.IO client of one room, as an app built on the protocol behaves: on losing its socket it
 * connects again (to the first gateway that answers) and resumes the room after the last seq it saw; every
 * send keeps its clientMessageId across retries. It records every outcome and every message it receives,
 * for `checkInvariants`.
 */
export class ChaosClient {
  readonly name: string;
  readonly sends: SendRecord[] = [];
  readonly received: Array<Pick<Message, 'id' | 'seq'>> = [];
  /** How often it lost its socket and connected again. */
  reconnects = 0;
  /** Acks that said UNAVAILABLE (each followed by a retry), to show a fault reached the clients. */
  unavailableAcks = 0;
  /** When it joined the room, first and after every reconnect (epoch millis), for the time to recover. */
  readonly joins: number[] = [];
  readonly #options: ChaosClientOptions;
  #lastSeq = 0;
  #socket: ChatSocket | undefined;
  #connecting: Promise<ChatSocket> | undefined;
  #closed = false;
  /** Away on purpose (`goAway`): it does not reconnect until `comeBack`. */
  #away = false;

  constructor(options: ChaosClientOptions) {
    this.name = options.name;
    this.#options = options;
  }

  get connected(): boolean {
    return this.#socket?.connected === true;
  }

  /** Whether it has seen the message `seq` of its room. */
  hasSeen(seq: number): boolean {
    return this.received.some((m) => m.seq === seq);
  }

  /** Loses its connection as a network blip does (the transport closes under it); it reconnects and resumes at once. */
  drop(): void {
    this.#socket?.io.engine.close();
  }

  /**
   * Leaves (closes its socket) and stays away until `comeBack`: everything sent meanwhile is missed live. For
   * receivers: a send would connect again.
   */
  goAway(): void {
    this.#away = true;
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.disconnect();
  }

  /** Connects again and resumes the room after the last seq it saw. */
  async comeBack(): Promise<void> {
    this.#away = false;
    this.reconnects++;
    await this.connect();
  }

  /** Connects (or waits for the reconnect under way) and has the room joined. */
  connect(): Promise<ChatSocket> {
    if (this.#socket?.connected) return Promise.resolve(this.#socket);
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(): Promise<ChatSocket> {
    const deadline = Date.now() + 180_000;
    let lastError: unknown;
    for (;;) {
      for (const config of this.#options.gateways()) {
        if (this.#closed) throw new Error(`${this.name} is closed`);
        let socket: ChatSocket | undefined;
        try {
          this.#options.user.config = config;
          socket = await withTimeout(this.#options.user.connectChat(), 10_000, 'connect');
          this.#listen(socket);
          const joined = await socket.timeout(10_000).emitWithAck('joinRoom', { roomId: this.#options.roomId, afterSeq: this.#lastSeq });
          if (!joined.ok) throw new Error(`joinRoom: ${joined.error.code} ${joined.error.message}`);
          this.#socket = socket;
          this.joins.push(Date.now());
          return socket;
        } catch (err) {
          lastError = err;
          socket?.disconnect();
        }
      }
      if (Date.now() > deadline) throw new Error(`${this.name} could not connect to any gateway: ${String(lastError)}`);
      await sleep(250);
    }
  }

  #listen(socket: ChatSocket): void {
    socket.on('message', (message) => {
      if (message.roomId !== this.#options.roomId) return;
      this.received.push({ id: message.id, seq: message.seq });
      this.#lastSeq = Math.max(this.#lastSeq, message.seq);
    });
    socket.on('disconnect', () => {
      if (this.#socket !== socket || this.#closed || this.#away) return;
      this.#socket = undefined;
      this.reconnects++;
      // Receivers come back on their own, not only when they next send.
      this.connect().catch(() => undefined);
    });
  }

  /** Sends one message and retries it (same clientMessageId) until it is acked, refused or the deadline passes. */
  async send(text: string, clientMessageId: string = randomUUID()): Promise<SendRecord> {
    const deadline = Date.now() + (this.#options.sendDeadlineMs ?? 90_000);
    const settle = (outcome: SendOutcome): SendRecord => {
      const record = { roomId: this.#options.roomId, clientMessageId, outcome, settledAt: Date.now() };
      this.sends.push(record);
      return record;
    };
    let lastReason = 'never tried';
    while (Date.now() < deadline && !this.#closed) {
      let socket: ChatSocket;
      try {
        socket = await this.connect();
      } catch (err) {
        lastReason = String(err);
        continue;
      }
      try {
        const ack = await socket
          .timeout(this.#options.ackTimeoutMs ?? 8_000)
          .emitWithAck('sendMessage', { roomId: this.#options.roomId, message: text, clientMessageId });
        if (ack.ok) return settle({ kind: 'ok', seq: ack.message.seq, messageId: ack.message.id });
        const refused = !RETRYABLE.has(ack.error.code) || (ack.error.code === 'RATE_LIMITED' && this.#options.retryRateLimited === false);
        if (refused) {
          return settle({ kind: 'rejected', code: ack.error.code, ...(ack.error.retryAfter === undefined ? {} : { retryAfter: ack.error.retryAfter }) });
        }
        lastReason = ack.error.code;
        if (ack.error.code === 'UNAVAILABLE') this.unavailableAcks++;
        await sleep(ack.error.code === 'RATE_LIMITED' ? (ack.error.retryAfter ?? 1) * 1000 : 200);
      } catch (err) {
        lastReason = `no ack: ${String(err)}`;
        await sleep(100);
      }
    }
    return settle({ kind: 'unknown', reason: lastReason });
  }

  /** What the checker needs: its sends and its view of the room since it first joined (after seq 0). */
  record(): ClientRecord {
    return {
      name: this.name,
      senderId: this.#options.user.id,
      sends: this.sends,
      views: [{ roomId: this.#options.roomId, afterSeq: 0, received: this.received }],
    };
  }

  close(): void {
    this.#closed = true;
    this.#socket?.disconnect();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
