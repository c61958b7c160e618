import { z } from 'zod';
import { loadConfig, commonEnv, portEnv } from '@chatrt/service-kit';

const booleanEnv = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

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
      .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
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
    MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(64 * 1024),
    /** Per-user sends per second on average, over all of a user's sockets and REST calls on every gateway. */
    RATE_LIMIT_MESSAGES_PER_SECOND: z.coerce.number().positive().max(10_000).default(5),
    /** Sends a user may make at once before the average applies. */
    RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(100_000).default(10),
    /** How often each gateway tells the others which sends it let through (the limit spans all gateways). */
    RATE_LIMIT_SHARE_INTERVAL_MS: z.coerce.number().int().min(5).max(10_000).default(50),
    /** Failed logins in a row for one username from one address before that pair is paused… */
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(10),
    /** …for this many seconds. */
    LOGIN_BLOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    /** Failed logins from one address in a day, whatever the usernames. */
    LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(100),
    /** Behind a reverse proxy or load balancer: take the client address from X-Forwarded-For. */
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
    /** Room updates fetched per page when a socket resumes. */
    REPLAY_PAGE_SIZE: z.coerce.number().int().min(1).max(500).default(200),
  })
  .refine((env) => env.SOCKET_MAX_BUFFERED_PACKETS >= 2 * env.REPLAY_PAGE_SIZE, {
    message: 'must be at least twice REPLAY_PAGE_SIZE (a replay page is sent once the queue is down to half)',
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
    pageConnectOrigins: [env.NEXT_PUBLIC_WS_URL ?? env.NEXT_PUBLIC_SOCKET_URL, env.NEXT_PUBLIC_API_URL].flatMap((url) =>
      url === undefined ? [] : [new URL(url).origin],
    ),
    requestTimeoutMs: env.NATS_REQUEST_TIMEOUT_MS,
    secureCookies: env.SESSION_COOKIE_SECURE,
    maxPayloadBytes: env.MAX_PAYLOAD_BYTES,
    rateLimit: { perSecond: env.RATE_LIMIT_MESSAGES_PER_SECOND, burst: env.RATE_LIMIT_BURST, shareIntervalMs: env.RATE_LIMIT_SHARE_INTERVAL_MS },
    login: { maxFailures: env.LOGIN_MAX_FAILURES, blockSeconds: env.LOGIN_BLOCK_SECONDS, maxFailuresPerAddress: env.LOGIN_MAX_FAILURES_PER_ADDRESS },
    trustProxy: env.TRUST_PROXY,
    pingIntervalMs: env.SOCKET_PING_INTERVAL_MS,
    pingTimeoutMs: env.SOCKET_PING_TIMEOUT_MS,
    presenceHeartbeatMs: env.PRESENCE_HEARTBEAT_MS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    replayPageSize: env.REPLAY_PAGE_SIZE,
    maxBufferedPackets: env.SOCKET_MAX_BUFFERED_PACKETS,
  }));

export type GatewayConfig = z.infer<typeof schema>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig('gateway', schema, env);
}
