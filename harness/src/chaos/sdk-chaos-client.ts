import {
  ChatClient,
  MemoryOutboxStore,
  isTransient,
  silentLogger,
  type ChatClientError,
  type RateLimitState,
} from '@chatrt/client';
import type { Message, Notification } from '@chatrt/contracts';
import type { ChatUser } from '../client/chat-user.ts';
import type { ClientConfig } from '../client/client-config.ts';
import type { ClientRecord, SendRecord } from './invariants.ts';

/** A RATE_LIMITED answer as it reached the SDK's socket. */
export interface ObservedRateLimit {
  at: number;
  retryAfter: number;
}

/**
 * The project's SDK (`@chatrt/client`'s ChatClient in Node: outbox, resume after the room's last seq, REST
 * fallback, rate-limit gate) as a chaos client, recorded the same way as `ChaosClient` for `checkInvariants`.
 * It talks to one gateway, as an app behind a balancer does; when that gateway is gone the SDK falls back to
 * REST on it, and resumes on the socket when it answers again.
 */
export class SdkChaosClient {
  readonly name: string;
  readonly client: ChatClient;
  readonly sends: SendRecord[] = [];
  /** Every `message` event of its room, in the order the SDK emitted them. */
  readonly events: Array<Pick<Message, 'id' | 'seq'>> = [];
  readonly notificationEvents: Notification[] = [];
  /** When its /chat socket connected, first and after every reconnect (epoch millis). */
  readonly joins: number[] = [];
  readonly rateLimits: ObservedRateLimit[] = [];
  /** Every state of the SDK's rate-limit countdown, with when it was seen. */
  readonly countdown: Array<RateLimitState & { at: number }> = [];
  reconnects = 0;
  /** Acks that said UNAVAILABLE (the SDK retried each), to show a fault reached the clients. */
  unavailableAcks = 0;
  readonly #user: ChatUser;
  readonly #roomId: string;
  #watchedSocket: unknown;

  private constructor(name: string, user: ChatUser, roomId: string, client: ChatClient) {
    this.name = name;
    this.#user = user;
    this.#roomId = roomId;
    this.client = client;
    client.on('message', (message) => {
      if (message.roomId === roomId) this.events.push({ id: message.id, seq: message.seq });
    });
    client.on('notification', (notification) => this.notificationEvents.push(notification));
    client.on('rateLimit', (state) => this.countdown.push({ ...state, at: Date.now() }));
    client.on('status', (status) => {
      if (status !== 'connected') return;
      if (this.joins.length > 0) this.reconnects++;
      this.joins.push(Date.now());
    });
    // Each new /chat socket (the SDK opens one per connection) gets the ack watcher.
    client.subscribe(() => {
      this.#watchAcks();
    });
  }

  /** Starts a ChatClient as `user` (a fresh login session) against one gateway and joins the room. */
  static async open(options: {
    name: string;
    user: ChatUser;
    roomId: string;
    config: ClientConfig;
  }): Promise<SdkChaosClient> {
    const cookie = await sessionCookie(options.config.apiUrl, options.user);
    const client = new ChatClient({
      apiUrl: options.config.apiUrl,
      socketUrl: options.config.socketUrl,
      socketPath: options.config.socketPath,
      headers: { cookie },
      logger: silentLogger,
      outboxStore: new MemoryOutboxStore(),
      // The load is thousands of messages: the outbox must hold what queues up while a fault lasts.
      outboxCapacity: 10_000,
    });
    const sdk = new SdkChaosClient(options.name, options.user, options.roomId, client);
    await client.start();
    await client.waitForStatus('connected', 60_000);
    await client.joinRoom(options.roomId);
    return sdk;
  }

  get connected(): boolean {
    return this.client.status === 'connected';
  }

  /** Whether the room's list holds the message `seq`. */
  hasSeen(seq: number): boolean {
    return this.client
      .room(this.#roomId)
      .get()
      .some((m) => m.seq === seq);
  }

  /** Sends through the SDK (outbox, retries with one clientMessageId, rate-limit gate) and records how it ended. */
  async send(text: string): Promise<SendRecord> {
    const outgoing = this.client.send(this.#roomId, text);
    const record = (outcome: SendRecord['outcome']): SendRecord => {
      const sent = { roomId: this.#roomId, clientMessageId: outgoing.clientMessageId, outcome, settledAt: Date.now() };
      this.sends.push(sent);
      return sent;
    };
    try {
      const message = await outgoing.settled();
      return record({ kind: 'ok', seq: message.seq, messageId: message.id });
    } catch (err) {
      const error = err as ChatClientError;
      return record(
        isTransient(error) ? { kind: 'unknown', reason: error.code } : { kind: 'rejected', code: error.code },
      );
    }
  }

  /** Loses its connection as a network blip does (the transport closes under it); the SDK reconnects and resumes. */
  drop(): void {
    this.client.chatSocket?.io.engine.close();
  }

  /** Leaves (`stop()`: sockets closed, the room's store kept) until `comeBack`. */
  goAway(): Promise<void> {
    return this.client.stop();
  }

  /** Starts again: the SDK rejoins the room after the last seq its store holds. */
  async comeBack(): Promise<void> {
    await this.client.start();
    await this.client.waitForStatus('connected', 60_000);
  }

  /**
   * What the checker needs. The view is the room as the SDK shows it (its list, in order); a message the SDK
   * emitted twice is put in twice, so the checker counts the duplicate.
   */
  record(): ClientRecord {
    const list = this.client
      .room(this.#roomId)
      .get()
      .flatMap((m) => (m.seq === undefined || m.id === undefined ? [] : [{ id: m.id, seq: m.seq }]));
    const emitted = new Map<string, number>();
    for (const event of this.events) emitted.set(event.id, (emitted.get(event.id) ?? 0) + 1);
    const received = list.flatMap((m) => Array.from({ length: Math.max(1, emitted.get(m.id) ?? 0) }, () => m));
    return {
      name: this.name,
      senderId: this.#user.id,
      sends: this.sends,
      views: [{ roomId: this.#roomId, afterSeq: 0, received }],
    };
  }

  /** The mention notifications as the SDK holds them (its notifications store, fed by the socket and REST). */
  notifications(): Notification[] {
    return [...this.client.notifications.get().notifications];
  }

  close(): Promise<void> {
    return this.client.stop();
  }

  /**
   * Records RATE_LIMITED and UNAVAILABLE acks as they reach the SDK's socket (the Manager's `packet` event sees every
   * ack).
   */
  #watchAcks(): void {
    const socket = this.client.chatSocket;
    if (!socket || socket === this.#watchedSocket) return;
    this.#watchedSocket = socket;
    socket.io.on('packet', (packet: { type: number; data?: unknown }) => {
      // An ack's arguments; the gateway's answer is the last one.
      const answer =
        packet.type === 3 && Array.isArray(packet.data)
          ? (packet.data.at(-1) as { ok?: boolean; error?: { code?: string; retryAfter?: number } } | null)
          : undefined;
      if (!answer || answer.ok !== false) return;
      if (answer.error?.code === 'UNAVAILABLE') this.unavailableAcks++;
      if (answer.error?.code !== 'RATE_LIMITED') return;
      this.rateLimits.push({ at: Date.now(), retryAfter: answer.error.retryAfter ?? Number.NaN });
    });
  }
}

/** Logs in again over REST (a session of the SDK's own, as a second device) and returns the `sid=…` cookie pair. */
async function sessionCookie(apiUrl: string, user: ChatUser): Promise<string> {
  const res = await fetch(`${apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  const sid = res.headers.getSetCookie().find((c) => c.startsWith('sid='));
  if (res.status !== 200 || !sid) throw new Error(`login failed: ${res.status}`);
  // A Set-Cookie value starts with the name=value pair, up to the first `;` of its attributes.
  return sid.split(';', 1)[0] ?? sid;
}
