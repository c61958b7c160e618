/** Where the page finds the system; resolved once at start-up. */
export interface PageConfig {
  /** REST base, e.g. `http://localhost:3000/api`. */
  apiUrl: string;
  /** Socket.IO server, e.g. `http://localhost:3001` (namespaces `/chat`, `/notifications`). */
  socketUrl: string;
  /** Socket.IO endpoint path. */
  socketPath: string;
  /** `false`: REST only, as the seed's "without real-time" mode. */
  socketEnabled: boolean;
}

/** The seed's variables as Vite bakes them in at build time (`NEXT_PUBLIC_*`); each may be missing. */
export interface BuildEnv {
  NEXT_PUBLIC_API_URL?: string;
  NEXT_PUBLIC_WS_URL?: string;
  /** Legacy name of NEXT_PUBLIC_WS_URL. */
  NEXT_PUBLIC_SOCKET_URL?: string;
  NEXT_PUBLIC_SOCKET_PATH?: string;
  NEXT_PUBLIC_ENABLE_SOCKET_IO?: string;
}

/** What the serving gateway says at `/apps/chat/config.json` (see the gateway's web-app.ts). */
export interface RuntimeConfig {
  socket?: { enabled?: boolean; port?: number | null; path?: string };
}

/** The seed's default socket port, used when neither the build nor the gateway says otherwise. */
const defaultSocketPort = 3001;

/**
 * Resolves the config, first match wins: a value baked in at build time (an explicit deployment choice,
 * e.g. a socket server behind its own domain); then what the gateway that served the page says about
 * itself (its real socket port, so one build works on any ports); then defaults from `window.location`
 * (API on the same origin, sockets on the same host at :3001).
 */
export function resolveConfig(
  location: Pick<Location, 'protocol' | 'hostname' | 'origin'>,
  build: BuildEnv,
  runtime: RuntimeConfig | undefined,
): PageConfig {
  const nonEmpty = (value: string | undefined) =>
    value !== undefined && value.trim() !== '' ? value.trim() : undefined;
  const enabledFlag = nonEmpty(build.NEXT_PUBLIC_ENABLE_SOCKET_IO);
  const port = runtime?.socket?.port ?? defaultSocketPort;
  return {
    apiUrl: (nonEmpty(build.NEXT_PUBLIC_API_URL) ?? `${location.origin}/api`).replace(/\/$/, ''),
    socketUrl: (
      nonEmpty(build.NEXT_PUBLIC_WS_URL) ??
      nonEmpty(build.NEXT_PUBLIC_SOCKET_URL) ??
      `${location.protocol}//${location.hostname}:${port}`
    ).replace(/\/$/, ''),
    socketPath: nonEmpty(build.NEXT_PUBLIC_SOCKET_PATH) ?? runtime?.socket?.path ?? '/socket.io',
    socketEnabled:
      enabledFlag !== undefined ? enabledFlag !== 'false' && enabledFlag !== '0' : (runtime?.socket?.enabled ?? true),
  };
}

/** Fetches the gateway's runtime config next to the page; a page served elsewhere (e.g. `vite dev`) has none. */
export async function fetchRuntimeConfig(
  url: string,
  fetchImpl: typeof fetch = fetch,
): Promise<RuntimeConfig | undefined> {
  try {
    const res = await fetchImpl(url, { cache: 'no-store' });
    if (!res.ok) return undefined;
    return (await res.json()) as RuntimeConfig;
  } catch {
    return undefined;
  }
}
