/** Where the system is: the ops doc's four variables. */
export interface EndpointConfig {
  /** Socket.IO server origin, e.g. `http://localhost:3001` (NEXT_PUBLIC_WS_URL). */
  socketUrl: string;
  /** Socket.IO endpoint path (NEXT_PUBLIC_SOCKET_PATH). */
  socketPath: string;
  /** REST base, e.g. `http://localhost:3000/api` (NEXT_PUBLIC_API_URL). */
  apiUrl: string;
  /** false: REST only from the start (NEXT_PUBLIC_ENABLE_SOCKET_IO=false). */
  socketEnabled: boolean;
}

/** How the client reconnects, beats and falls back; every duration in millis. */
export interface TimingConfig {
  /** Socket.IO reconnection attempts before falling back to REST. Default 5. */
  reconnectionAttempts: number;
  /** First reconnection delay; doubles each attempt (randomized ±50 %). Default 1000. */
  reconnectionDelayMs: number;
  /** Largest reconnection delay. Default 5000. */
  reconnectionDelayMaxMs: number;
  /** Application `ping` on both namespaces. Default 30 000. */
  heartbeatIntervalMs: number;
  /** A ping without answer within this forces a reconnect. Default 10 000. */
  heartbeatTimeoutMs: number;
  /** Longest wait for a socket acknowledgement. Default 10 000. */
  ackTimeoutMs: number;
  /** In fallback, joined rooms and notifications are polled this often over REST. Default 5000. */
  fallbackPollIntervalMs: number;
  /**
   * In fallback, a new round of socket reconnection attempts starts this long after the last one failed.
   * Default 15 000.
   */
  socketProbeIntervalMs: number;
  /** Share of a session token's life after which it is refreshed. Default 0.8. */
  tokenRefreshRatio: number;
  /** Longest wait between retries of a failed send or token fetch (they back off from 500 ms). Default 10 000. */
  retryDelayMaxMs: number;
}

/** Defaults from the ops doc (ports 3000/3001, `/socket.io`, 5 attempts from 1 s, 30 s heartbeat). */
export const defaultEndpoints: EndpointConfig = {
  socketUrl: 'http://localhost:3001',
  socketPath: '/socket.io',
  apiUrl: 'http://localhost:3000/api',
  socketEnabled: true,
};

export const defaultTimings: TimingConfig = {
  reconnectionAttempts: 5,
  reconnectionDelayMs: 1000,
  reconnectionDelayMaxMs: 5000,
  heartbeatIntervalMs: 30_000,
  heartbeatTimeoutMs: 10_000,
  ackTimeoutMs: 10_000,
  fallbackPollIntervalMs: 5000,
  socketProbeIntervalMs: 15_000,
  tokenRefreshRatio: 0.8,
  retryDelayMaxMs: 10_000,
};

/** The variables `configFromEnv` reads (Vite's `import.meta.env` and Node's `process.env` both fit). */
export type ClientEnv = Readonly<Record<string, string | boolean | undefined>>;

const nonEmpty = (value: string | boolean | undefined): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/**
 * Reads NEXT_PUBLIC_WS_URL (the legacy NEXT_PUBLIC_SOCKET_URL when WS_URL is empty), NEXT_PUBLIC_SOCKET_PATH,
 * NEXT_PUBLIC_API_URL and NEXT_PUBLIC_ENABLE_SOCKET_IO (`false`/`0` turn sockets off), with the ops doc's defaults.
 */
export function configFromEnv(env: ClientEnv): EndpointConfig {
  const enabled = env['NEXT_PUBLIC_ENABLE_SOCKET_IO'];
  const flag = typeof enabled === 'boolean' ? String(enabled) : nonEmpty(enabled);
  return {
    socketUrl: trimSlash(
      nonEmpty(env['NEXT_PUBLIC_WS_URL']) ?? nonEmpty(env['NEXT_PUBLIC_SOCKET_URL']) ?? defaultEndpoints.socketUrl,
    ),
    socketPath: nonEmpty(env['NEXT_PUBLIC_SOCKET_PATH']) ?? defaultEndpoints.socketPath,
    apiUrl: trimSlash(nonEmpty(env['NEXT_PUBLIC_API_URL']) ?? defaultEndpoints.apiUrl),
    socketEnabled: flag === undefined ? defaultEndpoints.socketEnabled : flag !== 'false' && flag !== '0',
  };
}

/** Endpoints from `env` (when given) under explicit options: options win. */
export function resolveEndpoints(options: Partial<EndpointConfig> & { env?: ClientEnv }): EndpointConfig {
  const base = options.env ? configFromEnv(options.env) : defaultEndpoints;
  return {
    socketUrl: trimSlash(options.socketUrl ?? base.socketUrl),
    socketPath: options.socketPath ?? base.socketPath,
    apiUrl: trimSlash(options.apiUrl ?? base.apiUrl),
    socketEnabled: options.socketEnabled ?? base.socketEnabled,
  };
}

/** Timings with defaults for whatever is not given. */
export function resolveTimings(options: Partial<TimingConfig>): TimingConfig {
  // A key given as undefined (allowed by Partial) keeps its default.
  const given: [string, number | undefined][] = Object.entries(options);
  const picked = Object.fromEntries(given.filter(([key, value]) => key in defaultTimings && value !== undefined));
  return { ...defaultTimings, ...picked };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
