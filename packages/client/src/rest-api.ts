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
} from '@chatrt/contracts';
import { ChatClientError } from './errors.ts';

type ErrorResponse = components['schemas']['ErrorResponse'];
type PostMessageRequest = components['schemas']['PostMessageRequest'];
type MarkNotificationsReadBody = components['schemas']['MarkNotificationsReadBody'];
type MarkedRead = components['schemas']['MarkedRead'];

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

/** The gateway's REST API (openapi.yaml), authenticated by the session cookie; errors are ChatClientError. */
export class RestApi {
  readonly #apiUrl: string;
  readonly #options: HttpOptions;

  constructor(apiUrl: string, options: HttpOptions = {}) {
    this.#apiUrl = apiUrl;
    this.#options = options;
  }

  /** A session token, or null when there is no session (401). */
  async sessionToken(): Promise<SessionToken | null> {
    try {
      return await this.#call<SessionToken>('GET', '/auth/session-token');
    } catch (err) {
      if (err instanceof ChatClientError && err.status === 401) return null;
      throw err;
    }
  }

  /** Sends (idempotent by clientMessageId: a retry returns the stored message). */
  sendMessage(body: PostMessageRequest): Promise<Message> {
    return this.#call('POST', '/chat/messages', body);
  }

  listMessages(roomId: string, query: HistoryQuery = {}): Promise<MessagePage> {
    const params = new URLSearchParams({ roomId });
    for (const key of ['before', 'after', 'limit'] as const) {
      const value = query[key];
      if (value !== undefined) params.set(key, String(value));
    }
    return this.#call('GET', `/chat/messages?${params.toString()}`);
  }

  /** A room's updates after `afterSeq` as the socket delivers them (what fallback polling reads). */
  listRoomUpdates(roomId: string, query: { afterSeq: number; limit?: number }): Promise<RoomUpdatePage> {
    const params = new URLSearchParams({ afterSeq: String(query.afterSeq) });
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    return this.#call('GET', `/chat/rooms/${encodeURIComponent(roomId)}/updates?${params.toString()}`);
  }

  async listRooms(): Promise<RoomSummary[]> {
    return (await this.#call<{ rooms: RoomSummary[] }>('GET', '/chat/rooms')).rooms;
  }

  createRoom(body: CreateRoomRequest): Promise<Room> {
    return this.#call('POST', '/chat/rooms', body);
  }

  addMember(roomId: string, userId: string): Promise<Room> {
    return this.#call('POST', `/chat/rooms/${encodeURIComponent(roomId)}/members`, { userId });
  }

  removeMember(roomId: string, userId: string): Promise<Room> {
    return this.#call('DELETE', `/chat/rooms/${encodeURIComponent(roomId)}/members`, { userId });
  }

  markRead(roomId: string, seq: number): Promise<ReadMarker> {
    return this.#call('POST', `/chat/rooms/${encodeURIComponent(roomId)}/read`, { seq });
  }

  editMessage(messageId: string, message: string): Promise<Message> {
    return this.#call('PATCH', `/chat/messages/${encodeURIComponent(messageId)}`, { message });
  }

  deleteMessage(messageId: string): Promise<Message> {
    return this.#call('DELETE', `/chat/messages/${encodeURIComponent(messageId)}`);
  }

  /** Newest first; page back with `before` (a cursor). */
  listNotifications(query: { unread?: boolean; before?: number; limit?: number } = {}): Promise<NotificationPage> {
    const params = new URLSearchParams();
    if (query.unread !== undefined) params.set('unread', String(query.unread));
    if (query.before !== undefined) params.set('before', String(query.before));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const search = params.toString();
    return this.#call('GET', `/notifications${search ? `?${search}` : ''}`);
  }

  /** Marks the given notifications (or all) read; returns how many changed. */
  async markNotificationsRead(body: MarkNotificationsReadBody): Promise<number> {
    return (await this.#call<MarkedRead>('POST', '/notifications/read', body)).updated;
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const doFetch = this.#options.fetch ?? globalThis.fetch.bind(globalThis);
    const extra = typeof this.#options.headers === 'function' ? await this.#options.headers() : (this.#options.headers ?? {});
    let res: Response;
    try {
      res = await doFetch(`${this.#apiUrl}${path}`, {
        method,
        credentials: this.#options.credentials ?? 'include',
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extra },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ChatClientError('NETWORK', `${method} ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const text = await res.text().catch(() => '');
    const parsed = parseJson(text);
    if (res.ok) return parsed as T;
    const error = (parsed as Partial<ErrorResponse> | undefined)?.error;
    const header = Number(res.headers.get('retry-after'));
    const retryAfter = error?.retryAfter ?? (Number.isFinite(header) && header > 0 ? header : undefined);
    const code: ErrorCode = error?.code ?? (res.status === 401 ? 'UNAUTHENTICATED' : res.status === 429 ? 'RATE_LIMITED' : 'UNAVAILABLE');
    throw new ChatClientError(code, error?.message ?? `${method} ${path}: HTTP ${res.status}`, {
      status: res.status,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
