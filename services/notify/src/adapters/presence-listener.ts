import { subjects, validate } from '@chatrt/contracts';
import { decodeJson, type Logger, type NatsConnection } from '@chatrt/service-kit';
import type { PresenceBook } from '../domain/presence-book.ts';

/** A running presence subscription; `close()` stops listening. */
export interface PresenceListener {
  close(): Promise<void>;
}

/**
 * Feeds every gateway's presence announcements (`gateway.presence.*`, core NATS, no queue group: each
 * notify instance needs the whole picture) into `book`, and sweeps silent gateways every heartbeat.
 * Nothing is stored: after a restart the book is complete again within one heartbeat, when every
 * gateway has re-announced its rooms.
 */
export function listenToPresence(options: {
  nc: NatsConnection;
  book: PresenceBook;
  heartbeatMs: number;
  log: Logger;
}): PresenceListener {
  const { nc, book, log } = options;
  const sub = nc.subscribe(subjects.gatewayPresenceWildcard, {
    callback: (err, msg) => {
      if (err) {
        log.error({ err }, 'presence subscription failed');
        return;
      }
      const checked = validate('GatewayPresence', decodeJson(msg));
      if (!checked.ok) {
        log.warn({ subject: msg.subject, error: checked.message }, 'invalid presence announcement dropped');
        return;
      }
      book.apply(checked.value, Date.now());
    },
  });
  const sweep = setInterval(() => {
    book.sweep(Date.now());
  }, options.heartbeatMs);
  sweep.unref();
  return {
    async close() {
      clearInterval(sweep);
      if (!sub.isClosed()) await sub.drain();
    },
  };
}
