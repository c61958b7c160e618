import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type {
  ChatClientToServerEvents,
  ChatServerToClientEvents,
  NotificationsClientToServerEvents,
  NotificationsServerToClientEvents,
  RestClient,
  RestMiddleware,
  SessionToken,
  User,
} from '@chatrt/contracts';
import { createRestClient, restBaseUrl } from '@chatrt/contracts';
import type { ClientConfig } from './client-config.ts';
import { checkRestExchange, checkSocketFrames } from './contract-check.ts';

export type ChatSocket = Socket<ChatServerToClientEvents, ChatClientToServerEvents>;
export type NotificationsSocket = Socket<NotificationsServerToClientEvents, NotificationsClientToServerEvents>;

/** How to open a socket; defaults are the harness's (no automatic reconnection, any transport). */
export interface ConnectOptions {
  transports?: Array<'websocket' | 'polling'>;
  /** When the first transport cannot connect, try the next one (Engine.IO's fallback, e.g. websocket → polling). */
  tryAllTransports?: boolean;
  /** Socket server to use instead of the configured one (e.g. a second gateway). */
  socketUrl?: string;
  reconnection?: boolean;
  /** Token to present instead of a fresh one. */
  token?: string;
  /** `batched`: room events come as `roomEvents` frames (the handshake's `auth.delivery`). */
  delivery?: 'batched';
}

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
  #api: { apiUrl: string; client: RestClient } | undefined;
  readonly #sockets: Socket[] = [];
  /** Sends the session cookie and keeps the one a login sets, for both `api` and `http`. */
  readonly #session: RestMiddleware = {
    onRequest: async ({ request }) => {
      if (this.#cookie) request.headers.set('cookie', this.#cookie);
      // Read now: by the time the response is in, the request's body has been sent and cannot be read again.
      sentBodies.set(request, await requestBody(request));
      return request;
    },
    onResponse: async ({ request, response }) => {
      this.#keepSessionCookie(response.headers);
      checkRestExchange(request.method, request.url, sentBodies.get(request), response, await response.clone().text());
      return response;
    },
  };

  constructor(config: ClientConfig, username = `user_${randomUUID().slice(0, 8)}`, password = `pw-${randomUUID()}`) {
    this.config = config;
    this.username = username;
    this.password = password;
  }

  /** Registers and logs in; afterwards REST calls carry the session cookie. */
  async signUp(): Promise<User> {
    const registered = await this.api.POST('/api/auth/register', {
      body: { username: this.username, password: this.password },
    });
    if (!registered.data)
      throw new Error(`register failed: ${registered.response.status} ${JSON.stringify(registered.error)}`);
    return this.logIn();
  }

  /** Logs in (a new login session, e.g. a second device of a registered user); REST calls then carry its cookie. */
  async logIn(): Promise<User> {
    const loggedIn = await this.api.POST('/api/auth/login', {
      body: { username: this.username, password: this.password },
    });
    if (!loggedIn.data) throw new Error(`login failed: ${loggedIn.response.status} ${JSON.stringify(loggedIn.error)}`);
    this.user = loggedIn.data;
    return loggedIn.data;
  }

  get id(): string {
    if (!this.user) throw new Error('sign up first');
    return this.user.id;
  }

  /**
   * The REST API through the client typed from openapi.yaml, with this user's session cookie: a route, parameter or
   * body the spec does not have is a compile error. Follows `config` when a test moves the user to another stack.
   */
  get api(): RestClient {
    if (this.#api?.apiUrl !== this.config.apiUrl) {
      const client = createRestClient({ baseUrl: restBaseUrl(this.config.apiUrl) });
      client.use(this.#session);
      this.#api = { apiUrl: this.config.apiUrl, client };
    }
    return this.#api.client;
  }

  /** The `sid=…` cookie of the current login session, for tools that call the API themselves. */
  cookieHeader(): string {
    if (!this.#cookie) throw new Error('log in first');
    return this.#cookie;
  }

  /**
   * Calls the REST API untyped (path relative to the API base) with the session cookie and optional headers: for
   * requests the spec forbids on purpose (bad bodies, paths, queries) and status checks. Prefer `api`.
   */
  async http<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult<T>> {
    const url = `${this.config.apiUrl}${path}`;
    const res = await fetch(url, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.#cookie ? { cookie: this.#cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    this.#keepSessionCookie(res.headers);
    const text = await res.text();
    checkRestExchange(method, url, body, res, text);
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }

  #keepSessionCookie(headers: Headers): void {
    const session = headers.getSetCookie().find((c) => c.startsWith('sid='));
    if (session) this.#cookie = session.split(';')[0];
  }

  async sessionToken(): Promise<SessionToken> {
    const { data, error, response } = await this.api.GET('/api/auth/session-token');
    if (!data) throw new Error(`session token failed: ${response.status} ${JSON.stringify(error)}`);
    return data;
  }

  /** Opens `/chat` with a fresh session token and resolves once connected. */
  connectChat(options: ConnectOptions = {}): Promise<ChatSocket> {
    return this.#connect('/chat', options);
  }

  /** Opens `/notifications` with a fresh session token and resolves once connected. */
  connectNotifications(options: ConnectOptions = {}): Promise<NotificationsSocket> {
    return this.#connect('/notifications', options);
  }

  async #connect<S extends Socket>(namespace: string, options: ConnectOptions): Promise<S> {
    const token = options.token ?? (await this.sessionToken()).token;
    const socket = io(`${options.socketUrl ?? this.config.socketUrl}${namespace}`, {
      path: this.config.socketPath,
      auth: options.delivery ? { token, delivery: options.delivery } : { token },
      transports: options.transports ?? ['websocket', 'polling'],
      tryAllTransports: options.tryAllTransports ?? false,
      reconnection: options.reconnection ?? false,
      forceNew: true,
      // As the SDK does: keeps the balancer's affinity cookie, so a polling session stays on its gateway.
      withCredentials: true,
    });
    checkSocketFrames(socket);
    this.#sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => {
        resolve();
      });
      socket.once('connect_error', (err) => {
        reject(err);
      });
    });
    return socket as S;
  }

  close(): void {
    for (const socket of this.#sockets) socket.disconnect();
  }
}

/** The JSON body of each typed call in flight, for the contract check of its exchange. */
const sentBodies = new WeakMap<Request, unknown>();

/** The JSON body a typed call sends (none for GET and friends), for the contract check. */
async function requestBody(request: Request): Promise<unknown> {
  const text = await request.clone().text();
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}
