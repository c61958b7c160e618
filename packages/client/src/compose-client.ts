import { ChatActions } from './chat-actions.ts';
import { announce, forwardChatEvents } from './chat-events.ts';
import { ClientLifecycle } from './client-lifecycle.ts';
import { ClientSession } from './client-session.ts';
import { SnapshotStore } from './client-snapshot.ts';
import type { ChatClientEvents, ChatClientOptions } from './client-types.ts';
import { systemClock } from './clock.ts';
import { resolveEndpoints, resolveTimings, type EndpointConfig, type TimingConfig } from './config.ts';
import { Emitter } from './emitter.ts';
import { FallbackPoller } from './fallback-poller.ts';
import { MessageSender } from './message-sender.ts';
import { browserNetwork } from './network.ts';
import { NotificationsStore } from './notifications-store.ts';
import { NotificationsSync } from './notifications-sync.ts';
import { defaultOutboxStore } from './outbox/indexeddb-store.ts';
import { MemoryOutboxStore } from './outbox/memory-store.ts';
import { Outbox } from './outbox/outbox.ts';
import { PendingSends } from './pending-sends.ts';
import { RateLimitGate } from './rate-limit-gate.ts';
import { RestApi } from './rest-api.ts';
import { RoomSync } from './room-sync.ts';
import { SocketConnections } from './socket-connections.ts';
import { SessionTokens } from './token.ts';

/** The parts a ChatClient is made of. */
export interface ClientParts {
  endpoints: EndpointConfig;
  timings: TimingConfig;
  events: Emitter<ChatClientEvents>;
  api: RestApi;
  tokens: SessionTokens;
  rateLimit: RateLimitGate;
  outbox: Outbox;
  notifications: NotificationsStore;
  connections: SocketConnections;
  session: ClientSession;
  rooms: RoomSync;
  sender: MessageSender;
  actions: ChatActions;
  notificationsSync: NotificationsSync;
  poller: FallbackPoller;
  snapshot: SnapshotStore;
  lifecycle: ClientLifecycle;
}

/**
 * Builds a client's parts in dependency order: each is given only parts created before it. What an
 * earlier part reports to a later one (a socket connected, the status changed, the gate opened) goes
 * through its events, connected at the end once every part exists.
 */
export function composeClient(options: ChatClientOptions): ClientParts {
  const endpoints = resolveEndpoints(options);
  const timings = resolveTimings(options);
  const logger = options.logger ?? console;
  const clock = options.clock ?? systemClock;
  const events = new Emitter<ChatClientEvents>((err) => {
    logger.error('[Socket] A client event listener threw', err);
  });
  const api = new RestApi(endpoints.apiUrl, {
    fetch: options.fetch,
    headers: options.headers,
    credentials: options.credentials,
  });
  const tokens = new SessionTokens({
    source: api,
    refreshRatio: timings.tokenRefreshRatio,
    retryMaxMs: timings.retryDelayMaxMs,
    logger,
    clock,
  });
  const self = () => tokens.userId;
  const network = options.network ?? browserNetwork();
  const rateLimit = new RateLimitGate(clock);
  const outbox = new Outbox(
    options.outboxStore ?? defaultOutboxStore() ?? new MemoryOutboxStore(),
    options.outboxCapacity ?? 100,
    logger,
  );
  const notifications = new NotificationsStore();
  const connections = new SocketConnections({
    endpoints,
    timings,
    tokens,
    logger,
    delivery: options.delivery ?? 'batched',
  });
  const session = new ClientSession({ tokens, connections, network, logger, socketEnabled: endpoints.socketEnabled });
  const pending = new PendingSends({
    outbox,
    self,
    onState: (message) => {
      events.emit('messageState', message);
    },
  });
  const rooms = new RoomSync({
    api,
    logger,
    ackTimeoutMs: timings.ackTimeoutMs,
    retryDelayMs: timings.reconnectionDelayMs,
    historyPageSize: options.historyPageSize ?? 50,
    self,
    onStored: (message) => {
      pending.settle(message);
    },
    onFresh: (update) => {
      announce(events, update);
    },
    onJoinRefused: (roomId, error) => {
      events.emit('roomRefused', roomId, error);
      events.emit('error', error);
    },
  });
  const sender = new MessageSender({
    outbox,
    pending,
    gate: rateLimit,
    api,
    logger,
    ackTimeoutMs: timings.ackTimeoutMs,
    retryDelayMaxMs: timings.retryDelayMaxMs,
    self,
    route: () => session.route(),
    chatSocket: () => connections.connectedChat,
    room: (roomId) => rooms.room(roomId),
    onStored: (roomId, message) => {
      rooms.stored(roomId, [message]);
    },
    onState: (message) => {
      events.emit('messageState', message);
    },
    onError: (error) => {
      events.emit('error', error);
    },
    onUnauthenticated: () => void session.check(),
  });
  const actions = new ChatActions({
    api,
    socket: () => connections.connectedChat,
    ackTimeoutMs: timings.ackTimeoutMs,
    onChanged: (message) => rooms.room(message.roomId).merge([message]),
  });
  const notificationsSync = new NotificationsSync({
    store: notifications,
    api,
    logger,
    ackTimeoutMs: timings.ackTimeoutMs,
    retryDelayMs: timings.reconnectionDelayMs,
    onNew: (notification) => {
      events.emit('notification', notification);
    },
  });
  const poller = new FallbackPoller({
    poll: async () => {
      if (session.status !== 'fallback') return;
      await rooms.poll();
      await notificationsSync.poll();
    },
    intervalMs: timings.fallbackPollIntervalMs,
    logger,
  });
  const snapshot = new SnapshotStore(() => ({
    status: session.status,
    chatSocket: connections.chat,
    notificationsSocket: connections.notifications,
    notificationsConnected: connections.notifications?.connected ?? false,
    userId: tokens.userId,
    rateLimit: rateLimit.get(),
    outbox: outbox.get(),
    unreadCount: notifications.get().unreadCount,
  }));
  const lifecycle = new ClientLifecycle({
    session,
    tokens,
    connections,
    network,
    sender,
    outbox,
    rooms,
    poller,
    logger,
    socketEnabled: endpoints.socketEnabled,
    retryDelayMaxMs: timings.retryDelayMaxMs,
  });

  tokens.onLost(() => {
    session.lost();
  });
  connections.on('chatSocket', (socket) => {
    forwardChatEvents(socket, rooms, events);
  });
  connections.on('notificationsSocket', (socket) => {
    notificationsSync.setup(socket);
  });
  connections.on('chatConnect', (socket) => {
    rooms.rejoinAll(socket);
  });
  connections.on('notificationsConnect', (socket) => void notificationsSync.subscribe(socket));
  connections.on('change', () => {
    session.update();
  });
  connections.on('unauthenticated', () => {
    session.lost();
  });
  session.onUpdate((status, previous) => {
    if (status === 'fallback' && previous !== 'fallback') poller.start();
    else if (status !== 'fallback' && previous === 'fallback') poller.stop();
    sender.kick();
    snapshot.publish();
    if (status !== previous) events.emit('status', status);
  });
  rateLimit.subscribe(() => {
    events.emit('rateLimit', rateLimit.get());
    snapshot.publish();
  });
  rateLimit.onEnd(() => {
    events.emit('rateLimitEnd');
    sender.kick();
  });
  outbox.subscribe(() => {
    snapshot.publish();
  });
  notifications.subscribe(() => {
    snapshot.publish();
  });

  return {
    endpoints,
    timings,
    events,
    api,
    tokens,
    rateLimit,
    outbox,
    notifications,
    connections,
    session,
    rooms,
    sender,
    actions,
    notificationsSync,
    poller,
    snapshot,
    lifecycle,
  };
}
