import { Counter, type Registry } from 'prom-client';
import type { NotificationType } from '../domain/notifications.ts';

/** What the notify service counts for /metrics. */
export interface NotifyMetrics {
  /**
   * A chat event was applied, found already applied, deferred until its room's earlier events are
   * applied, or failed; deferred and failed events are retried.
   */
  chatEvent(outcome: 'applied' | 'duplicate' | 'deferred' | 'failed'): void;
  /**
   * A notification was created, updated by coalescing another message into it, or retracted (a mention
   * turned read because its message was deleted).
   */
  notification(type: NotificationType, change: 'created' | 'updated' | 'retracted'): void;
  /** Notifications turned read by one mark-read command. */
  markedRead(count: number): void;
}

/** Prometheus counters on the service's registry. */
export function createNotifyMetrics(registry: Registry): NotifyMetrics {
  const events = new Counter({
    name: 'notify_chat_events_total',
    help: 'Chat event deliveries, by outcome (applied | duplicate | deferred | failed).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const notifications = new Counter({
    name: 'notify_notifications_total',
    help: 'Notifications created, updated (coalesced) or retracted (mention of a deleted message), by type.',
    labelNames: ['type', 'change'] as const,
    registers: [registry],
  });
  const markRequests = new Counter({
    name: 'notify_mark_read_requests_total',
    help: 'Mark-read commands answered.',
    registers: [registry],
  });
  const marked = new Counter({
    name: 'notify_notifications_marked_read_total',
    help: 'Notifications turned read by mark-read commands.',
    registers: [registry],
  });
  return {
    chatEvent: (outcome) => events.inc({ outcome }),
    notification: (type, change) => notifications.inc({ type, change }),
    markedRead(count) {
      markRequests.inc();
      marked.inc(count);
    },
  };
}
