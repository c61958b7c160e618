import type { Namespace } from 'socket.io';
import type { ApiError } from '@chatrt/contracts';
import type { Logger } from '@chatrt/service-kit';
import type { GatewayMetrics } from '../metrics.ts';
import type { SocketData } from './authenticate.ts';

/** The events every namespace can send that this module needs. */
type LifecycleEvents = { sessionExpired: (payload: ApiError) => void };

/**
 * What every authenticated socket gets, whatever its namespace: connection metrics, and a disconnect when
 * its session token expires, announced first with `sessionExpired` so the client refreshes its token.
 */
export function trackConnections(
  nsp: Namespace<Record<string, never>, LifecycleEvents, Record<string, never>, SocketData>,
  metrics: GatewayMetrics,
  log: Logger,
): void {
  nsp.on('connection', (socket) => {
    const namespace = nsp.name;
    metrics.connections.inc({ namespace, status: 'success' });
    metrics.activeConnections.inc({ namespace });
    const untilExpiry = socket.data.identity.expiresAt - Date.now();
    const expiry = setTimeout(() => {
      metrics.authEvents.inc({ kind: 'token_expired', result: 'refused' });
      log.debug({ socketId: socket.id, namespace }, 'session token expired; disconnecting');
      socket.emit('sessionExpired', { code: 'UNAUTHENTICATED', message: 'session token expired: fetch a new one and reconnect' });
      socket.disconnect(true);
    }, Math.max(0, untilExpiry));
    socket.on('disconnect', () => {
      clearTimeout(expiry);
      metrics.activeConnections.dec({ namespace });
    });
  });
}
