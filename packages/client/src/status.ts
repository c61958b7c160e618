/**
 * The client's connection status: `idle` (not started or stopped), `unauthenticated` (no session),
 * `connecting` (opening or re-opening the sockets), `connected` (`/chat` is up), `fallback` (REST only:
 * sockets gave up or are disabled) and `offline` (the device has no network).
 */
export type ConnectionStatus = 'idle' | 'unauthenticated' | 'connecting' | 'connected' | 'fallback' | 'offline';

/** What the status is derived from. */
export interface StatusInputs {
  started: boolean;
  /** false once the token endpoint said 401; undefined while unknown. */
  authenticated: boolean | undefined;
  online: boolean;
  socketEnabled: boolean;
  chatConnected: boolean;
  /** The sockets used up their reconnection attempts (cleared when they connect again). */
  socketsGaveUp: boolean;
}

/** The one place that decides the status, so every transition follows the same precedence. */
export function deriveStatus(s: StatusInputs): ConnectionStatus {
  if (!s.started) return 'idle';
  if (s.authenticated === false) return 'unauthenticated';
  if (!s.online) return 'offline';
  if (!s.socketEnabled) return 'fallback';
  if (s.chatConnected) return 'connected';
  return s.socketsGaveUp ? 'fallback' : 'connecting';
}
