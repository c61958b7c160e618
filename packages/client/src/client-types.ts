import type {
  Message,
  MessageDeletion,
  MessageEdit,
  MembershipChange,
  Notification,
  Presence,
  Typing,
} from '@chatrt/contracts';
import type { Clock } from './clock.ts';
import type { ClientEnv, EndpointConfig, TimingConfig } from './config.ts';
import type { ChatClientError } from './errors.ts';
import type { ClientLogger } from './logger.ts';
import type { NetworkMonitor } from './network.ts';
import type { OutgoingMessage } from './outgoing-message.ts';
import type { OutboxState } from './outbox/outbox.ts';
import type { OutboxStore } from './outbox/outbox-store.ts';
import type { RateLimitState } from './rate-limit-gate.ts';
import type { HeadersSource } from './rest-api.ts';
import type { ChatSocket, NotificationsSocket, RoomDelivery } from './sockets.ts';
import type { ConnectionStatus } from './status.ts';

/** Everything optional: endpoints (else from `env`, else the ops doc's defaults), timings, and plug points. */
export interface ChatClientOptions extends Partial<EndpointConfig>, Partial<TimingConfig> {
  /** NEXT_PUBLIC_* variables (e.g. Vite's `import.meta.env`); explicit endpoint options win over them. */
  env?: ClientEnv;
  /** fetch for REST calls and the session token. Default: the global one. */
  fetch?: typeof fetch;
  /** Extra REST headers: in Node pass the session cookie, `{cookie: 'sid=…'}`. */
  headers?: HeadersSource;
  /** Default `include` (the browser sends the session cookie to the API origin). */
  credentials?: RequestCredentials;
  /** Default `console`. */
  logger?: ClientLogger;
  /**
   * Durable outbox storage. Default: IndexedDB in browsers, memory elsewhere (Node: FileOutboxStore from
   * `@chatrt/client/node`).
   */
  outboxStore?: OutboxStore;
  /** Unsent messages kept at most; one more is refused with OUTBOX_FULL. Default 100. */
  outboxCapacity?: number;
  /** Online/offline source. Default: the browser's (always online in Node). */
  network?: NetworkMonitor;
  /** Clock of the rate-limit countdown and the token refresh. Default: the real one. */
  clock?: Clock;
  /** Messages loaded when a room is first joined. Default 50. */
  historyPageSize?: number;
  /**
   * How `/chat` delivers room events: `batched` (default) asks for several events per frame (`roomEvents`), which
   * costs the gateway less per event; `single` keeps one frame per event. The client's events are the same either way.
   */
  delivery?: RoomDelivery;
}

/** Everything the UI renders from, as one immutable value that is replaced on each change. */
export interface ClientSnapshot {
  status: ConnectionStatus;
  chatSocket: ChatSocket | undefined;
  notificationsSocket: NotificationsSocket | undefined;
  /** `/notifications` is connected (it reconnects on its own, independently of `/chat`). */
  notificationsConnected: boolean;
  /** The signed-in user (from the session token). */
  userId: string | undefined;
  rateLimit: RateLimitState;
  outbox: OutboxState;
  unreadCount: number;
}

/**
 * Events of the client. `message` fires once per new stored message, whichever way it came (live, replay, poll, ack).
 */
export interface ChatClientEvents {
  status: (status: ConnectionStatus) => void;
  message: (message: Message) => void;
  messageEdited: (edit: MessageEdit) => void;
  messageDeleted: (deletion: MessageDeletion) => void;
  memberAdded: (change: MembershipChange) => void;
  memberRemoved: (change: MembershipChange) => void;
  typing: (typing: Typing) => void;
  presence: (presence: Presence) => void;
  notification: (notification: Notification) => void;
  /** One of my messages changed state (sending → sent | failed). */
  messageState: (message: OutgoingMessage) => void;
  /** The rate-limit countdown changed (blocked, each second, open). */
  rateLimit: (state: RateLimitState) => void;
  /** Sending is allowed again after a RATE_LIMITED block. */
  rateLimitEnd: () => void;
  /**
   * A followed room was refused when joined again after a reconnect or polled in fallback (FORBIDDEN: the
   * user was removed; NOT_FOUND): it is no longer followed. The same error also goes to `error`.
   */
  roomRefused: (roomId: string, error: ChatClientError) => void;
  /** Something the UI should show failed: a refused send, a full outbox, a refused rejoin. */
  error: (error: ChatClientError) => void;
}
