import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Everything the gateway counts. Socket metric names are the ones the ops doc and dashboard use. */
export interface GatewayMetrics {
  activeConnections: Gauge<'namespace'>;
  connections: Counter<'namespace' | 'status'>;
  messages: Counter<'namespace' | 'event'>;
  authEvents: Counter<'kind' | 'result'>;
  ackDuration: Histogram<'namespace' | 'event'>;
  rateLimited: Counter<'transport' | 'kind'>;
  replayedUpdates: Counter;
  resumes: Counter;
  slowConsumersDropped: Counter;
  natsRequestDuration: Histogram<'subject' | 'outcome'>;
  connectionsRefused: Counter<'server' | 'reason'>;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
}

/** What `observeFeeds` reads from each live feed when Prometheus scrapes. */
export interface FeedStats {
  readonly size: number;
  readonly listenerCount: number;
}

/** Gauges of the gateway's live NATS feeds, read at scrape time. */
export function observeFeeds(registry: Registry, feeds: Record<'room' | 'notifications', FeedStats>): void {
  const entries = Object.entries(feeds);
  new Gauge({
    name: 'gateway_feed_subscriptions',
    help: 'NATS subscriptions held for local sockets, by feed (room | notifications): one per room or user served.',
    labelNames: ['feed'],
    registers: [registry],
    collect() {
      for (const [feed, stats] of entries) this.set({ feed }, stats.size);
    },
  });
  new Gauge({
    name: 'gateway_feed_listeners',
    help: 'Sockets listening to the live feeds, by feed (room | notifications): one per socket and room or user.',
    labelNames: ['feed'],
    registers: [registry],
    collect() {
      for (const [feed, stats] of entries) this.set({ feed }, stats.listenerCount);
    },
  });
}

/** Gauges of this gateway's presence table, read at scrape time. */
export function observePresence(
  registry: Registry,
  signals: { readonly size: { rooms: number; localUsers: number } },
): void {
  new Gauge({
    name: 'gateway_presence_rooms',
    help: 'Rooms this gateway serves presence for (rooms its sockets joined).',
    registers: [registry],
    collect() {
      this.set(signals.size.rooms);
    },
  });
  new Gauge({
    name: 'gateway_presence_users',
    help: 'Users online through this gateway, counted once per room they joined.',
    registers: [registry],
    collect() {
      this.set(signals.size.localUsers);
    },
  });
}

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const registers = [registry];
  return {
    activeConnections: new Gauge({
      name: 'socket_active_connections',
      help: 'Connected sockets, by namespace.',
      labelNames: ['namespace'],
      registers,
    }),
    connections: new Counter({
      name: 'socket_connections_total',
      help: 'Socket handshakes, by namespace and status (success | auth_failed | error).',
      labelNames: ['namespace', 'status'],
      registers,
    }),
    messages: new Counter({
      name: 'socket_messages_total',
      help: 'Client events received, by namespace and event.',
      labelNames: ['namespace', 'event'],
      registers,
    }),
    authEvents: new Counter({
      name: 'gateway_auth_events_total',
      help:
        'Authentication outcomes (kind: handshake | rest | token_expired | session_revoked | login | register; ' +
        'result: ok | refused | throttled).',
      labelNames: ['kind', 'result'],
      registers,
    }),
    ackDuration: new Histogram({
      name: 'socket_ack_duration_seconds',
      help: 'Time from a client event to its ack, by namespace and event.',
      labelNames: ['namespace', 'event'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    rateLimited: new Counter({
      name: 'gateway_rate_limited_total',
      help: 'Commands refused by the per-user rate limits, by transport (socket | rest) and kind (send, join, …).',
      labelNames: ['transport', 'kind'],
      registers,
    }),
    slowConsumersDropped: new Counter({
      name: 'socket_slow_consumers_dropped_total',
      help: 'Connections closed because more packets were queued for them than SOCKET_MAX_BUFFERED_PACKETS.',
      registers,
    }),
    resumes: new Counter({
      name: 'socket_resumes_total',
      help: 'Room joins that resume after a seq the client already has (joinRoom with afterSeq).',
      registers,
    }),
    replayedUpdates: new Counter({
      name: 'socket_replayed_updates_total',
      help: 'Room updates replayed from the store to resuming sockets.',
      registers,
    }),
    natsRequestDuration: new Histogram({
      name: 'gateway_nats_request_duration_seconds',
      help: 'Gateway → service request latency, by subject and outcome (ok | error code).',
      labelNames: ['subject', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'REST request time, by method, route template (unmatched for no route) and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    connectionsRefused: new Counter({
      name: 'gateway_connections_refused_total',
      help: 'TCP connections closed on arrival, by server (api | socket) and reason (total | per_address cap).',
      labelNames: ['server', 'reason'],
      registers,
    }),
  };
}
