import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type {
  ChatClientToServerEvents,
  ChatServerToClientEvents,
  Message,
  SessionToken,
  User,
} from '@chatrt/contracts';
import type { ClientConfig } from './client-config.ts';

export type ChatSocket = Socket<ChatServerToClientEvents, ChatClientToServerEvents>;

/** An HTTP answer: status and parsed JSON body. */
export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A real user of the system, driven the way a browser drives it: REST with a session cookie, a session
 * token from /api/auth/session-token, and Socket.IO sockets authenticated with that token.
 */
export class ChatUser {
  readonly username: string;
  readonly password: string;
  /** Where the system is; may change when a test restarts the stack on new ports. */
  config: ClientConfig;
  user: User | undefined;
  #cookie: string | undefined;
  readonly #sockets: ChatSocket[] = [];

  constructor(config: ClientConfig, username = `user_${randomUUID().slice(0, 8)}`, password = `pw-${randomUUID()}`) {
    this.config = config;
    this.username = username;
    this.password = password;
  }

  /** Registers and logs in; afterwards REST calls carry the session cookie. */
  async signUp(): Promise<User> {
    const registered = await this.http<User>('POST', '/auth/register', { username: this.username, password: this.password });
    if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${JSON.stringify(registered.body)}`);
    const loggedIn = await this.http<User>('POST', '/auth/login', { username: this.username, password: this.password });
    if (loggedIn.status !== 200) throw new Error(`login failed: ${loggedIn.status} ${JSON.stringify(loggedIn.body)}`);
    this.user = loggedIn.body;
    return loggedIn.body;
  }

  get id(): string {
    if (!this.user) throw new Error('sign up first');
    return this.user.id;
  }

  /** Calls the REST API (path relative to the API base) with the session cookie and optional headers. */
  async http<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
    const res = await fetch(`${this.config.apiUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.#cookie ? { cookie: this.#cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const session = res.headers.getSetCookie().find((c) => c.startsWith('sid='));
    if (session) this.#cookie = session.split(';')[0];
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }

  async sessionToken(): Promise<SessionToken> {
    const res = await this.http<SessionToken>('GET', '/auth/session-token');
    if (res.status !== 200) throw new Error(`session token failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Opens `/chat` with a fresh session token and resolves once connected. */
  async connectChat(options: { transports?: Array<'websocket' | 'polling'> } = {}): Promise<ChatSocket> {
    const { token } = await this.sessionToken();
    const socket: ChatSocket = io(`${this.config.socketUrl}/chat`, {
      path: this.config.socketPath,
      auth: { token },
      transports: options.transports ?? ['websocket', 'polling'],
      reconnection: false,
      forceNew: true,
    });
    this.#sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
    return socket;
  }

  close(): void {
    for (const socket of this.#sockets) socket.disconnect();
  }
}

/** Collects every `message` a socket receives, with a way to wait for a count. */
export class MessageInbox {
  readonly messages: Message[] = [];
  readonly #waiters = new Set<() => void>();

  constructor(socket: ChatSocket) {
    socket.on('message', (message) => {
      this.messages.push(message);
      for (const wake of this.#waiters) wake();
    });
  }

  /** Resolves when at least `count` messages arrived, or rejects after `timeoutMs`. */
  waitForCount(count: number, timeoutMs = 10_000): Promise<Message[]> {
    if (this.messages.length >= count) return Promise.resolve(this.messages);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`expected ${count} messages within ${timeoutMs} ms, got ${this.messages.length}`));
      }, timeoutMs);
      const check = () => {
        if (this.messages.length < count) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(this.messages);
      };
      this.#waiters.add(check);
    });
  }
}
