import type {
  CreateRoomRequest,
  ErrorCode,
  Message,
  MessagePage,
  NotificationPage,
  ReadMarker,
  Room,
  RoomSummary,
  RoomUpdatePage,
  SessionToken,
  components,
  RestClient,
} from '@chatrt/contracts';
// The subpath, not the package root: the root also compiles the ajv validators, which a browser page must not load.
import { createRestClient, restBaseUrl } from '@chatrt/contracts/rest-client';
import { ChatClientError } from './errors.ts';

type ErrorResponse = components['schemas']['ErrorResponse'];
type PostMessageRequest = components['schemas']['PostMessageRequest'];
type MarkNotificationsReadBody = components['schemas']['MarkNotificationsReadBody'];

/** Headers added to every REST call, or a function that returns them (e.g. a session cookie in Node). */
export type HeadersSource = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

/** How the REST calls are made. */
export interface HttpOptions {
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Extra headers (Node has no cookie jar: pass `{cookie: 'sid=…'}` there). */
  headers?: HeadersSource;
  /** Default `include`, so the browser sends the session cookie to the API origin. */
  credentials?: RequestCredentials;
}

/** Query of `GET /chat/messages`: no bounds = latest page; `before` scrolls back; `after` catches up. */
export interface HistoryQuery {
  before?: number;
  after?: number;
  /** 1..200, default 50. */
  limit?: number;
}

/** What openapi-fetch answers: the parsed body on success, the parsed error body otherwise. */
type Answer<T> = Promise<{ data?: T; error?: unknown; response: Response }>;

/**
 * The gateway's REST API (openapi.yaml) through the typed client generated from it, authenticated by the session
 * cookie; errors are ChatClientError. `apiUrl` ends in `/api`, where the spec's routes live.
 */
export class RestApi {
  readonly #client: RestClient;

  constructor(apiUrl: string, options: HttpOptions = {}) {
    this.#client = createRestClient({
      baseUrl: restBaseUrl(apiUrl),
      credentials: options.credentials ?? 'include',
      headers: { accept: 'application/json' },
      // Looked up per call: tests and pages may replace the global fetch after the client is made.
      fetch: (request) => (options.fetch ?? globalThis.fetch)(request),
    });
    const { headers } = options;
    if (headers) {
      this.#client.use({
        async onRequest({ request }) {
          const extra = typeof headers === 'function' ? await headers() : headers;
          for (const [name, value] of Object.entries(extra)) request.headers.set(name, value);
          return request;
        },
      });
    }
  }

  /** A session token, or null when there is no session (401). */
  async sessionToken(): Promise<SessionToken | null> {
    try {
      return await this.#call('GET /auth/session-token', this.#client.GET('/api/auth/session-token'));
    } catch (err) {
      if (err instanceof ChatClientError && err.status === 401) return null;
      throw err;
    }
  }

  /** Sends (idempotent by clientMessageId: a retry returns the stored message). */
  sendMessage(body: PostMessageRequest): Promise<Message> {
    return this.#call('POST /chat/messages', this.#client.POST('/api/chat/messages', { body }));
  }

  listMessages(roomId: string, query: HistoryQuery = {}): Promise<MessagePage> {
    return this.#call(
      'GET /chat/messages',
      this.#client.GET('/api/chat/messages', { params: { query: { roomId, ...query } } }),
    );
  }

  /** A room's updates after `afterSeq` as the socket delivers them (what fallback polling reads). */
  listRoomUpdates(roomId: string, query: { afterSeq: number; limit?: number }): Promise<RoomUpdatePage> {
    return this.#call(
      'GET /chat/rooms/{roomId}/updates',
      this.#client.GET('/api/chat/rooms/{roomId}/updates', { params: { path: { roomId }, query } }),
    );
  }

  async listRooms(): Promise<RoomSummary[]> {
    return (await this.#call('GET /chat/rooms', this.#client.GET('/api/chat/rooms'))).rooms;
  }

  createRoom(body: CreateRoomRequest): Promise<Room> {
    return this.#call('POST /chat/rooms', this.#client.POST('/api/chat/rooms', { body }));
  }

  addMember(roomId: string, userId: string): Promise<Room> {
    const params = { path: { roomId } };
    return this.#call(
      'POST /chat/rooms/{roomId}/members',
      this.#client.POST('/api/chat/rooms/{roomId}/members', { params, body: { userId } }),
    );
  }

  removeMember(roomId: string, userId: string): Promise<Room> {
    const params = { path: { roomId } };
    return this.#call(
      'DELETE /chat/rooms/{roomId}/members',
      this.#client.DELETE('/api/chat/rooms/{roomId}/members', { params, body: { userId } }),
    );
  }

  markRead(roomId: string, seq: number): Promise<ReadMarker> {
    return this.#call(
      'POST /chat/rooms/{roomId}/read',
      this.#client.POST('/api/chat/rooms/{roomId}/read', { params: { path: { roomId } }, body: { seq } }),
    );
  }

  editMessage(messageId: string, message: string): Promise<Message> {
    const params = { path: { messageId } };
    return this.#call(
      'PATCH /chat/messages/{messageId}',
      this.#client.PATCH('/api/chat/messages/{messageId}', { params, body: { message } }),
    );
  }

  deleteMessage(messageId: string): Promise<Message> {
    return this.#call(
      'DELETE /chat/messages/{messageId}',
      this.#client.DELETE('/api/chat/messages/{messageId}', { params: { path: { messageId } } }),
    );
  }

  /** Newest first; page back with `before` (a cursor). */
  listNotifications(query: { unread?: boolean; before?: number; limit?: number } = {}): Promise<NotificationPage> {
    return this.#call('GET /notifications', this.#client.GET('/api/notifications', { params: { query } }));
  }

  /** Marks the given notifications (or all) read; returns how many changed. */
  async markNotificationsRead(body: MarkNotificationsReadBody): Promise<number> {
    return (await this.#call('POST /notifications/read', this.#client.POST('/api/notifications/read', { body })))
      .updated;
  }

  async #call<T>(route: string, answer: Answer<T>): Promise<T> {
    let settled: Awaited<Answer<T>>;
    try {
      settled = await answer;
    } catch (err) {
      throw new ChatClientError('NETWORK', `${route}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
    const { data, error: body, response: res } = settled;
    if (res.ok) return data as T;
    const error = (body as Partial<ErrorResponse> | undefined)?.error;
    const header = Number(res.headers.get('retry-after'));
    const retryAfter = error?.retryAfter ?? (Number.isFinite(header) && header > 0 ? header : undefined);
    const code: ErrorCode =
      error?.code ?? (res.status === 401 ? 'UNAUTHENTICATED' : res.status === 429 ? 'RATE_LIMITED' : 'UNAVAILABLE');
    throw new ChatClientError(code, error?.message ?? `${route}: HTTP ${res.status}`, {
      status: res.status,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
  }
}
