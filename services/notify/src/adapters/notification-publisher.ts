import { subjects } from '@chatrt/contracts';
import type { NatsConnection } from '@chatrt/service-kit';
import type { NotificationPublisher } from '../application/ports.ts';

/**
 * Publishes each notification as JSON on `notify.evt.<userId>` (core NATS, at most once) and flushes.
 * Gateways apply them by id and drop any whose cursor they have already seen; a socket that missed one
 * recovers it through `notify.qry.changes`.
 */
export function createNotificationPublisher(nc: NatsConnection): NotificationPublisher {
  return {
    async publish(changed) {
      if (changed.length === 0) return;
      for (const { userId, notification } of changed)
        nc.publish(subjects.notifyEvents(userId), JSON.stringify(notification));
      await nc.flush();
    },
  };
}
