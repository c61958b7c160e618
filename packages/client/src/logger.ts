/** Where the client writes its diagnostics; `console` is one. */
export interface ClientLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** A logger that drops everything (for tests and embedders that do their own reporting). */
export const silentLogger: ClientLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The console lines of the ops doc, word for word, so operators can grep for them. */
export const diagnostics = {
  connecting: (socketUrl: string, namespace: string) => `[Socket] Connecting to ${socketUrl}${namespace}`,
  connected: (namespace: string, socketId: string | undefined) =>
    `[Socket] Connected to ${namespace} (id: ${socketId ?? '?'})`,
  fallback: '[Socket] WebSocket unavailable, using HTTP fallback',
  failed: (attempts: number) => `[Socket] Connection failed after ${attempts} attempts`,
  noToken: '[Socket] No session token (not logged in): real-time connections are not created',
} as const;
