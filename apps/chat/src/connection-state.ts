import type { ConnectionStatus } from '@chatrt/client';
import type { ConnectionState } from './components/ConnectionBadge.tsx';

/** The badge for a client status: before a session exists nothing is connected. */
export function connectionState(status: ConnectionStatus): ConnectionState {
  switch (status) {
    case 'connected':
    case 'fallback':
    case 'offline':
    case 'connecting':
      return status;
    case 'idle':
      return 'connecting';
    case 'unauthenticated':
      return 'offline';
  }
}
