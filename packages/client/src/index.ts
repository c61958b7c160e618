/**
 * The chat client SDK (browser and Node): `ChatClient` and its parts. React bindings are in
 * `@chatrt/client/react`, Node-only storage in `@chatrt/client/node`.
 */
export { ChatClient } from './chat-client.ts';
export type { ChatClientEvents, ChatClientOptions, ClientSnapshot } from './client-types.ts';
export {
  configFromEnv,
  defaultEndpoints,
  defaultTimings,
  resolveEndpoints,
  resolveTimings,
  type ClientEnv,
  type EndpointConfig,
  type TimingConfig,
} from './config.ts';
export type { ConnectionStatus } from './status.ts';
export { ChatClientError, isTransient, type ClientErrorCode } from './errors.ts';
export { diagnostics, silentLogger, type ClientLogger } from './logger.ts';
export { backoffDelay, type BackoffOptions } from './backoff.ts';
export { systemClock, type Clock } from './clock.ts';
export { browserNetwork, ManualNetwork, type NetworkMonitor } from './network.ts';
export type { ReadableStore } from './store.ts';
export { OutgoingMessage } from './outgoing-message.ts';
export { RoomMessages } from './room-messages.ts';
export type { MessageState, PendingMessage, RoomMessage } from './room-message-view.ts';
export { RateLimitGate, type RateLimitState } from './rate-limit-gate.ts';
export { NotificationsStore, type NotificationsView } from './notifications-store.ts';
export { Outbox, type OutboxState } from './outbox/outbox.ts';
export type { OutboxItem, OutboxStore } from './outbox/outbox-store.ts';
export { MemoryOutboxStore } from './outbox/memory-store.ts';
export { IndexedDbOutboxStore, type IndexedDbOutboxOptions } from './outbox/indexeddb-store.ts';
export { RestApi, type HeadersSource, type HistoryQuery, type HttpOptions } from './rest-api.ts';
export type { ChatSocket, NotificationsSocket, RoomDelivery } from './sockets.ts';
