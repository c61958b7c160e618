import { randomUUID } from 'node:crypto';
import type { Message } from '@chatrt/contracts';
import { emitWithAck } from '../client/ack.ts';
import type { ChatSocket } from '../client/chat-user.ts';
import type { ChaosClientOptions } from './chaos-client-options.ts';
import type { ClientRecord, SendOutcome, SendRecord } from './invariants.ts';
import { newerMessages, sendOverRest } from './rest-fallback.ts';
import { refusalOf, retryDelayMs } from './send-retry.ts';
import { joinRoomOver } from './room-join.ts';
import { sleep } from './timers.ts';

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
  /** Why it lost its socket each time (Socket.IO's reason, e.g. `ping timeout`, `transport close`). */
  readonly disconnectReasons: string[] = [];
  /** The Engine.IO transport of every connect and every upgrade, in order (`websocket`, `polling`). */
  readonly transports: string[] = [];
  /** With `restFallback`: sends acked over REST, and messages received by polling the history. */
  restSends = 0;
  restReceived = 0;
  /** Acks that said UNAVAILABLE (each followed by a retry), to show a fault reached the clients. */
  unavailableAcks = 0;
  /** When it last got an `ok` ack (epoch millis), for the time to recover. */
  lastAckAt = 0;
  /** Millis from first try to `ok` ack of each send over a socket, to show a slowdown reached the clients. */
  readonly ackMillis: number[] = [];
  /** When it joined the room, first and after every reconnect (epoch millis), for the time to recover. */
  readonly joins: number[] = [];
  readonly #options: ChaosClientOptions;
  #lastSeq = 0;
  #socket: ChatSocket | undefined;
  #connecting: Promise<ChatSocket> | undefined;
  #closed = false;
  /** A history poll under way (REST fallback); a socket joins only after it, so the two never overlap. */
  #polling: Promise<void> | undefined;
  /** Away on purpose (`goAway`): it does not reconnect until `comeBack`. */
  #away = false;

  constructor(options: ChaosClientOptions) {
    this.name = options.name;
    this.#options = options;
  }

  get connected(): boolean {
    return this.#socket?.connected === true;
  }

  /** `connected` read anew: a call, so the type checker does not carry a narrowed value across an await. */
  #isConnected(): boolean {
    return this.connected;
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
    // With the REST fallback one round over the gateways is enough: the caller carries on over REST.
    const deadline = Date.now() + (this.#options.restFallback ? 0 : 180_000);
    let lastError: unknown;
    for (;;) {
      for (const config of this.#options.gateways()) {
        if (this.#closed) throw new Error(`${this.name} is closed`);
        try {
          const socket = await joinRoomOver(config, this.#options, async (connected) => {
            await this.#polling;
            this.#listen(connected);
            return this.#lastSeq;
          });
          this.#socket = socket;
          this.transports.push(socket.io.engine.transport.name);
          socket.io.engine.on('upgrade', (transport) => this.transports.push(transport.name));
          this.joins.push(Date.now());
          return socket;
        } catch (err) {
          lastError = err;
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
    socket.on('disconnect', (reason) => {
      if (this.#socket !== socket || this.#closed || this.#away) return;
      this.#socket = undefined;
      this.reconnects++;
      this.disconnectReasons.push(reason);
      // Receivers come back on their own, not only when they next send.
      if (this.#options.restFallback) void this.#pollUntilReconnected();
      else this.connect().catch(() => undefined);
    });
  }

  /** Sends one message and retries it (same clientMessageId) until it is acked, refused or the deadline passes. */
  async send(text: string, clientMessageId: string = randomUUID()): Promise<SendRecord> {
    const firstTry = Date.now();
    const deadline = firstTry + (this.#options.sendDeadlineMs ?? 90_000);
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
        if (this.#options.restFallback) {
          const outcome = await this.#sendOverRest(text, clientMessageId);
          if (outcome) return settle(outcome);
          await sleep(200);
        }
        continue;
      }
      try {
        const ack = await emitWithAck(socket, this.#options.ackTimeoutMs ?? 8_000, 'sendMessage', {
          roomId: this.#options.roomId,
          message: text,
          clientMessageId,
        });
        if (ack.ok) {
          this.lastAckAt = Date.now();
          this.ackMillis.push(this.lastAckAt - firstTry);
          return settle({ kind: 'ok', seq: ack.message.seq, messageId: ack.message.id });
        }
        const refusal = refusalOf(ack.error, this.#options.retryRateLimited);
        if (refusal) return settle(refusal);
        lastReason = ack.error.code;
        if (ack.error.code === 'UNAVAILABLE') this.unavailableAcks++;
        await sleep(retryDelayMs(ack.error));
      } catch (err) {
        lastReason = `no ack: ${String(err)}`;
        await sleep(100);
      }
    }
    return settle({ kind: 'unknown', reason: lastReason });
  }

  /** One REST send: its outcome, or undefined when it is to be tried again (unreachable, UNAVAILABLE, RATE_LIMITED). */
  async #sendOverRest(text: string, clientMessageId: string): Promise<SendOutcome | undefined> {
    const result = await sendOverRest(this.#options.user, this.#options.roomId, text, clientMessageId);
    if (result.kind === 'retry') {
      if (result.unavailable) this.unavailableAcks++;
      return undefined;
    }
    if (result.outcome.kind === 'ok') {
      this.lastAckAt = Date.now();
      this.restSends++;
    }
    return result.outcome;
  }

  /** Polls the room's history after the last seq seen, and tries the sockets, until a socket is back. */
  async #pollUntilReconnected(): Promise<void> {
    while (!this.#closed && !this.#isConnected()) {
      if (!this.#connecting) {
        this.#polling = this.#pollHistory().catch(() => undefined);
        await this.#polling;
        this.#polling = undefined;
      }
      await this.connect().catch(() => undefined);
      if (!this.#isConnected()) await sleep(500);
    }
  }

  async #pollHistory(): Promise<void> {
    for await (const message of newerMessages(this.#options.user, this.#options.roomId, () => this.#lastSeq)) {
      this.received.push({ id: message.id, seq: message.seq });
      this.restReceived++;
      this.#lastSeq = message.seq;
    }
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
