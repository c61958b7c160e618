import { subjects, type SessionsRevoked } from '@chatrt/contracts';
import type { Logger, NatsConnection } from '@chatrt/service-kit';
import type { RevocationPublisher } from '../application/ports.ts';

/** Revocations per `auth.evt.sessionsRevoked` message (keeps each well under NATS' payload limit). */
const revocationsPerMessage = 1_000;

/**
 * Publishes ended sessions on core NATS after they are stored. A publish lost while a gateway is disconnected
 * is recovered by that gateway reading `auth.qry.revokedSessions` when it reconnects.
 */
export function natsRevocationPublisher(nc: NatsConnection, log: Logger): RevocationPublisher {
  return {
    publish(revocations) {
      for (let i = 0; i < revocations.length; i += revocationsPerMessage) {
        const message: SessionsRevoked = {
          revocations: revocations
            .slice(i, i + revocationsPerMessage)
            .map((r) => ({ sessionId: r.sessionId, until: r.until.toISOString() })),
        };
        try {
          nc.publish(subjects.authSessionsRevoked, JSON.stringify(message));
        } catch (err) {
          log.warn({ err }, 'could not publish session revocations; gateways will read them on reconnect');
        }
      }
    },
  };
}
