import type { Namespace } from 'socket.io';
import type { ApiError } from '@chatrt/contracts';
import type { Logger } from '@chatrt/service-kit';
import type { GatewayMetrics } from '../metrics.ts';
import type { SocketData } from './authenticate.ts';

/** The events every namespace can send that this module needs. */
type LifecycleEvents = { sessionExpired: (payload: ApiError) => void };

type LifecycleNamespace = Namespace<Record<string, never>, LifecycleEvents, Record<string, never>, SocketData>;

/** The Socket.IO room of every socket of one login session (by its public id). */
const sessionChannel = (sessionId: string) => `session:${sessionId}`;

/**
 * What every authenticated socket gets, whatever its namespace: connection metrics, and a disconnect when
 * its session token expires, announced first with `sessionExpired` so the client refreshes its token.
 * `isRevoked` catches a logout that arrived between the handshake and the connection.
 */
export function trackConnections(
  nsp: LifecycleNamespace,
  deps: { metrics: GatewayMetrics; log: Logger; isRevoked: (sessionId: string) => boolean },
): void {
  const { metrics, log } = deps;
  nsp.on('connection', (socket) => {
    const namespace = nsp.name;
    metrics.connections.inc({ namespace, status: 'success' });
    metrics.activeConnections.inc({ namespace });
    const { sessionId } = socket.data.identity;
    void socket.join(sessionChannel(sessionId));
    const untilExpiry = socket.data.identity.expiresAt - Date.now();
    const expiry = setTimeout(
      () => {
        metrics.authEvents.inc({ kind: 'token_expired', result: 'refused' });
        log.debug({ socketId: socket.id, namespace }, 'session token expired; disconnecting');
        socket.emit('sessionExpired', {
          code: 'UNAUTHENTICATED',
          message: 'session token expired: fetch a new one and reconnect',
        });
        socket.disconnect(true);
      },
      Math.max(0, untilExpiry),
    );
    socket.on('disconnect', () => {
      clearTimeout(expiry);
      metrics.activeConnections.dec({ namespace });
    });
    if (deps.isRevoked(sessionId)) endRevokedSessions(nsp, [sessionId], deps);
  });
}

/** Tells every socket of these (logged out) sessions `sessionExpired`, then disconnects it. */
export function endRevokedSessions(
  nsp: LifecycleNamespace,
  sessionIds: string[],
  deps: { metrics: GatewayMetrics; log: Logger },
): void {
  for (const sessionId of sessionIds) {
    // A copy: each disconnect removes its socket from the room.
    for (const socketId of [...(nsp.adapter.rooms.get(sessionChannel(sessionId)) ?? [])]) {
      const socket = nsp.sockets.get(socketId);
      if (!socket) continue;
      deps.metrics.authEvents.inc({ kind: 'session_revoked', result: 'refused' });
      deps.log.debug({ socketId, namespace: nsp.name }, 'session logged out; disconnecting');
      socket.emit('sessionExpired', { code: 'UNAUTHENTICATED', message: 'session ended (logged out): log in again' });
      socket.disconnect(true);
    }
  }
}
