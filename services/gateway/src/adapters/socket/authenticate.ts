import type { Socket } from 'socket.io';
import { CodedError, type Logger } from '@chatrt/service-kit';
import type { GatewayMetrics } from '../metrics.ts';
import type { TokenIdentity, TokenVerifier } from '../token-verifier.ts';

/** How a `/chat` socket receives room events: one frame each, or several per `roomEvents` frame. */
export type RoomDelivery = 'single' | 'batched';

/** Per-socket data set at the handshake. */
export interface SocketData {
  identity: TokenIdentity;
  /** The handshake's `auth.delivery`: `batched` opts in; anything else keeps one frame per event. */
  delivery: RoomDelivery;
}

/**
 * Handshake middleware: `auth.token` must be a valid session token; `auth.delivery` picks the room delivery. A refused handshake reaches the client
 * as `connect_error` whose message is the error code (UNAUTHENTICATED, or UNAVAILABLE if keys cannot load).
 */
export function tokenMiddleware(verifier: TokenVerifier, metrics: GatewayMetrics, log: Logger) {
  return (socket: Socket, next: (err?: Error) => void): void => {
    const namespace = socket.nsp.name;
    const refuse = (code: string, status: 'auth_failed' | 'error') => {
      metrics.connections.inc({ namespace, status });
      metrics.authEvents.inc({ kind: 'handshake', result: 'refused' });
      next(new Error(code));
    };
    const token: unknown = socket.handshake.auth['token'];
    if (typeof token !== 'string' || token.length === 0) {
      refuse('UNAUTHENTICATED', 'auth_failed');
      return;
    }
    verifier.verify(token).then(
      (identity) => {
        metrics.authEvents.inc({ kind: 'handshake', result: 'ok' });
        const data = socket.data as SocketData;
        data.identity = identity;
        data.delivery = socket.handshake.auth['delivery'] === 'batched' ? 'batched' : 'single';
        next();
      },
      (err: unknown) => {
        const code = err instanceof CodedError ? err.code : 'UNAVAILABLE';
        if (code === 'UNAUTHENTICATED') {
          refuse(code, 'auth_failed');
        } else {
          log.error({ err, namespace }, 'handshake verification failed');
          refuse(code, 'error');
        }
      },
    );
  };
}
