import { z } from 'zod';
import { loadConfig, commonEnv, portEnv } from '@chatrt/service-kit';
import { defaultMaxConnections } from './adapters/connection-guard.ts';

const booleanEnv = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

const perSecond = (fallback: number) => z.coerce.number().positive().max(10_000).default(fallback);
const burst = (fallback: number) => z.coerce.number().int().min(1).max(100_000).default(fallback);
const optionalUrl = z
  .union([z.literal(''), z.url()])
  .optional()
  .transform((v) => v || undefined);

const schema = z
  .object({
    ...commonEnv,
    /** REST API and the web page. */
    PORT: portEnv(3000),
    /** Standalone Socket.IO server and its /health (the seed's WEBSOCKET_PORT). */
    WEBSOCKET_PORT: portEnv(3001),
    /** Origin of the web app; the only origin allowed by CORS unless CORS_ORIGINS adds more. */
    NEXT_PUBLIC_APP_URL: z.url().default('http://localhost:3000'),
    /** Extra allowed origins, comma-separated. Wildcards are refused. */
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .refine((origins) => origins.every((o) => !o.includes('*')), 'wildcard origins are not allowed'),
    /** `false` runs REST only, as the seed's "Next.js without real-time" mode. */
    NEXT_PUBLIC_ENABLE_SOCKET_IO: booleanEnv(true),
    NEXT_PUBLIC_SOCKET_PATH: z.string().startsWith('/').default('/socket.io'),
    /** Where a page built with them connects (NEXT_PUBLIC_SOCKET_URL is the legacy name): allowed by its CSP. */
    NEXT_PUBLIC_WS_URL: optionalUrl,
    NEXT_PUBLIC_SOCKET_URL: optionalUrl,
    NEXT_PUBLIC_API_URL: optionalUrl,
    /** Upper bound for any backend request; past it the caller gets UNAVAILABLE. */
    NATS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    /** Mark the session cookie Secure (set true behind HTTPS). */
    SESSION_COOKIE_SECURE: booleanEnv(false),
    /** Largest Socket.IO frame / REST body accepted, in bytes. */
    MAX_PAYLOAD_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(10_000_000)
      .default(64 * 1024),
    /** Per-user sends per second on average, over all of a user's sockets and REST calls on every gateway. */
    RATE_LIMIT_MESSAGES_PER_SECOND: perSecond(5),
    /** Sends a user may make at once before the average applies. */
    RATE_LIMIT_BURST: burst(10),
    /** The other per-user limits, each "per second on average / at once" like sends. */
    RATE_LIMIT_CREATE_ROOM_PER_SECOND: perSecond(1),
    RATE_LIMIT_CREATE_ROOM_BURST: burst(30),
    /** editMessage and deleteMessage together. */
    RATE_LIMIT_EDITS_PER_SECOND: perSecond(5),
    RATE_LIMIT_EDITS_BURST: burst(20),
    /** joinRoom: a page rejoins every room it shows at once after a reconnect. */
    RATE_LIMIT_JOINS_PER_SECOND: perSecond(20),
    RATE_LIMIT_JOINS_BURST: burst(200),
    /** addMember and removeMember together. */
    RATE_LIMIT_MEMBERSHIP_PER_SECOND: perSecond(5),
    RATE_LIMIT_MEMBERSHIP_BURST: burst(50),
    /** markRead (room read markers) and marking notifications read. */
    RATE_LIMIT_READS_PER_SECOND: perSecond(10),
    RATE_LIMIT_READS_BURST: burst(50),
    /** Notification subscriptions (one per /notifications socket and reconnect). */
    RATE_LIMIT_SUBSCRIBES_PER_SECOND: perSecond(2),
    RATE_LIMIT_SUBSCRIBES_BURST: burst(20),
    /** typing signals. */
    RATE_LIMIT_TYPING_PER_SECOND: perSecond(5),
    RATE_LIMIT_TYPING_BURST: burst(20),
    /** How often each gateway tells the others which commands it let through (the limits span all gateways). */
    RATE_LIMIT_SHARE_INTERVAL_MS: z.coerce.number().int().min(5).max(10_000).default(50),
    /**
     * Behind a reverse proxy or load balancer: take the client address from X-Forwarded-For (login throttling keys
     * on it).
     */
    TRUST_PROXY: booleanEnv(false),
    /** Engine.IO heartbeat: the server pings this often… */
    SOCKET_PING_INTERVAL_MS: z.coerce.number().int().min(1000).max(300_000).default(25_000),
    /** …and drops a client that has not answered within this. Together under the clients' 30 s heartbeat. */
    SOCKET_PING_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(20_000),
    /** How often each gateway re-announces its online users; silent gateways expire after three. */
    PRESENCE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
    /** How long a stopping gateway waits for pending acks before closing connections. */
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    /** Packets queued for one connection (it reads too slowly) before it is closed; it reconnects and resumes. */
    SOCKET_MAX_BUFFERED_PACKETS: z.coerce.number().int().min(10).max(1_000_000).default(5000),
    /**
     * Open TCP connections over REST and Socket.IO; past it new ones are closed at once. Default: the open-file
     * limit less a reserve.
     */
    MAX_CONNECTIONS: z.coerce.number().int().min(1).max(10_000_000).optional(),
    /** Open TCP connections from one peer address (0: no cap, e.g. behind a balancer that caps them itself). */
    MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).max(10_000_000).default(1000),
    /** A connection that has not sent a whole HTTP request (or, on Socket.IO, joined a namespace) by then is closed. */
    HANDSHAKE_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
    /** Room updates fetched per page when a socket resumes. */
    REPLAY_PAGE_SIZE: z.coerce.number().int().min(1).max(500).default(200),
    /** Replay pages (room updates, notifications) this gateway fetches from the services at once. */
    REPLAY_MAX_CONCURRENT_PAGES: z.coerce.number().int().min(1).max(1000).default(8),
    /** Room events in one `roomEvents` frame at most (sockets with batched delivery). */
    BATCH_DELIVERY_MAX_EVENTS: z.coerce.number().int().min(1).max(10_000).default(100),
    /** Estimated bytes of one `roomEvents` frame at most: a batch that would pass it is sent first. */
    BATCH_DELIVERY_MAX_BYTES: z.coerce.number().int().min(1024).max(16_777_216).default(65_536),
  })
  .refine((env) => env.SOCKET_MAX_BUFFERED_PACKETS >= 2 * env.REPLAY_PAGE_SIZE, {
    error: 'must be at least twice REPLAY_PAGE_SIZE (a replay page is sent once the queue is down to half)',
    path: ['SOCKET_MAX_BUFFERED_PACKETS'],
  })
  .transform((env) => ({
    natsUrl: env.NATS_URL,
    logLevel: env.LOG_LEVEL,
    environment: env.NODE_ENV,
    httpPort: env.PORT,
    socketPort: env.WEBSOCKET_PORT,
    allowedOrigins: [new URL(env.NEXT_PUBLIC_APP_URL).origin, ...env.CORS_ORIGINS],
    socketEnabled: env.NEXT_PUBLIC_ENABLE_SOCKET_IO,
    socketPath: env.NEXT_PUBLIC_SOCKET_PATH,
    /** Origins a page built with NEXT_PUBLIC_* URLs connects to, besides this gateway's own. */
    pageConnectOrigins: [env.NEXT_PUBLIC_WS_URL ?? env.NEXT_PUBLIC_SOCKET_URL, env.NEXT_PUBLIC_API_URL].flatMap(
      (url) => (url === undefined ? [] : [new URL(url).origin]),
    ),
    requestTimeoutMs: env.NATS_REQUEST_TIMEOUT_MS,
    secureCookies: env.SESSION_COOKIE_SECURE,
    maxPayloadBytes: env.MAX_PAYLOAD_BYTES,
    /** Per-user token buckets by kind (see RateLimitKind in asyncapi.yaml). */
    rateLimits: {
      send: { perSecond: env.RATE_LIMIT_MESSAGES_PER_SECOND, burst: env.RATE_LIMIT_BURST },
      createRoom: { perSecond: env.RATE_LIMIT_CREATE_ROOM_PER_SECOND, burst: env.RATE_LIMIT_CREATE_ROOM_BURST },
      edit: { perSecond: env.RATE_LIMIT_EDITS_PER_SECOND, burst: env.RATE_LIMIT_EDITS_BURST },
      join: { perSecond: env.RATE_LIMIT_JOINS_PER_SECOND, burst: env.RATE_LIMIT_JOINS_BURST },
      membership: { perSecond: env.RATE_LIMIT_MEMBERSHIP_PER_SECOND, burst: env.RATE_LIMIT_MEMBERSHIP_BURST },
      read: { perSecond: env.RATE_LIMIT_READS_PER_SECOND, burst: env.RATE_LIMIT_READS_BURST },
      subscribe: { perSecond: env.RATE_LIMIT_SUBSCRIBES_PER_SECOND, burst: env.RATE_LIMIT_SUBSCRIBES_BURST },
      typing: { perSecond: env.RATE_LIMIT_TYPING_PER_SECOND, burst: env.RATE_LIMIT_TYPING_BURST },
    },
    rateLimitShareIntervalMs: env.RATE_LIMIT_SHARE_INTERVAL_MS,
    trustProxy: env.TRUST_PROXY,
    pingIntervalMs: env.SOCKET_PING_INTERVAL_MS,
    pingTimeoutMs: env.SOCKET_PING_TIMEOUT_MS,
    presenceHeartbeatMs: env.PRESENCE_HEARTBEAT_MS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    replayPageSize: env.REPLAY_PAGE_SIZE,
    replayMaxConcurrentPages: env.REPLAY_MAX_CONCURRENT_PAGES,
    maxBufferedPackets: env.SOCKET_MAX_BUFFERED_PACKETS,
    batchLimits: { maxEvents: env.BATCH_DELIVERY_MAX_EVENTS, maxBytes: env.BATCH_DELIVERY_MAX_BYTES },
    connections: {
      maxConnections: env.MAX_CONNECTIONS ?? defaultMaxConnections(),
      maxPerAddress: env.MAX_CONNECTIONS_PER_ADDRESS,
      handshakeTimeoutMs: env.HANDSHAKE_TIMEOUT_MS,
    },
  }));

export type GatewayConfig = z.infer<typeof schema>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig('gateway', schema, env);
}
