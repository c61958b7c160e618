import type { Socket } from 'socket.io';
import { CodedError, type Logger } from '@chatrt/service-kit';
import type { TokenIdentity, TokenVerifier } from '../token-verifier.ts';

/** Per-socket data set at the handshake. */
export interface SocketData {
  identity: TokenIdentity;
}

/**
 * Handshake middleware: `auth.token` must be a valid session token. A refused handshake reaches the client
 * as `connect_error` whose message is the error code (UNAUTHENTICATED, or UNAVAILABLE if keys cannot load).
 */
export function tokenMiddleware(verifier: TokenVerifier, log: Logger) {
  return (socket: Socket, next: (err?: Error) => void): void => {
    const token: unknown = socket.handshake.auth['token'];
    if (typeof token !== 'string' || token.length === 0) {
      next(new Error('UNAUTHENTICATED'));
      return;
    }
    verifier.verify(token).then(
      (identity) => {
        (socket.data as SocketData).identity = identity;
        next();
      },
      (err: unknown) => {
        const code = err instanceof CodedError ? err.code : 'UNAVAILABLE';
        if (code !== 'UNAUTHENTICATED') log.error({ err, namespace: socket.nsp.name }, 'handshake verification failed');
        next(new Error(code));
      },
    );
  };
}
