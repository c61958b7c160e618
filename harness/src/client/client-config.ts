/** Where a client finds the system, from the ops doc's variables (the browser SDK reads the same ones). */
export interface ClientConfig {
  /** REST base, e.g. http://localhost:3000/api. */
  apiUrl: string;
  /** Socket.IO server origin, e.g. http://localhost:3001. */
  socketUrl: string;
  /** Socket.IO endpoint path. */
  socketPath: string;
  /** false = REST only. */
  socketEnabled: boolean;
}

/**
 * Reads NEXT_PUBLIC_API_URL, NEXT_PUBLIC_WS_URL (or the legacy NEXT_PUBLIC_SOCKET_URL),
 * NEXT_PUBLIC_SOCKET_PATH and NEXT_PUBLIC_ENABLE_SOCKET_IO with the ops doc's defaults.
 */
export function clientConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const nonEmpty = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : undefined);
  return {
    apiUrl: (nonEmpty(env['NEXT_PUBLIC_API_URL']) ?? 'http://localhost:3000/api').replace(/\/$/, ''),
    socketUrl: (
      nonEmpty(env['NEXT_PUBLIC_WS_URL']) ??
      nonEmpty(env['NEXT_PUBLIC_SOCKET_URL']) ??
      'http://localhost:3001'
    ).replace(/\/$/, ''),
    socketPath: nonEmpty(env['NEXT_PUBLIC_SOCKET_PATH']) ?? '/socket.io',
    socketEnabled: env['NEXT_PUBLIC_ENABLE_SOCKET_IO'] !== 'false',
  };
}
