import { Manager } from 'socket.io-client';
import type { ErrorCode } from '@chatrt/contracts';
import type { EndpointConfig, TimingConfig } from './config.ts';

/** Handshake refusals (the `connect_error` message is the code); the Socket.IO manager does not retry these itself. */
const refusalCodes: ReadonlySet<string> = new Set<ErrorCode>([
  'UNAUTHENTICATED',
  'UNAVAILABLE',
  'FORBIDDEN',
  'VALIDATION_FAILED',
]);

/** Whether a `connect_error` message is the server refusing the handshake (rather than a transport failure). */
export function isHandshakeRefusal(message: string): boolean {
  return refusalCodes.has(message);
}

/**
 * The one Socket.IO manager (one transport) both namespaces share, not connected yet, with the ops doc's
 * reconnection: `reconnectionAttempts` from `reconnectionDelayMs`, exponential, websocket then polling.
 */
export function createSocketManager(endpoints: EndpointConfig, timings: TimingConfig): Manager {
  return new Manager(endpoints.socketUrl, {
    path: endpoints.socketPath,
    autoConnect: false,
    reconnection: true,
    reconnectionAttempts: timings.reconnectionAttempts,
    reconnectionDelay: timings.reconnectionDelayMs,
    reconnectionDelayMax: timings.reconnectionDelayMaxMs,
    randomizationFactor: 0.5,
    transports: ['websocket', 'polling'],
    // If the websocket cannot open, try long-polling before counting the attempt as failed.
    tryAllTransports: true,
    withCredentials: true,
  });
}
