import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from '@chatrt/service-kit';
import type { NotifyMetrics } from '../application/ports.ts';
import type { PresenceBook } from '../domain/presence-book.ts';
import type { ChatEventsConsumer } from './chat-events-consumer.ts';

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
  const projectionLag = new Histogram({
    name: 'notify_projection_lag_seconds',
    help: "Time from a chat event's commit to notify applying it (outbox, JetStream, consumer, apply).",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
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
    chatEvent: (outcome) => {
      events.inc({ outcome });
    },
    notification: (type, change) => {
      notifications.inc({ type, change });
    },
    projectionLag: (seconds) => {
      projectionLag.observe(Math.max(0, seconds));
    },
    markedRead(count) {
      markRequests.inc();
      marked.inc(count);
    },
  };
}

/**
 * Gauges read at scrape time: the JetStream consumer's lag (asked from the server; a failed ask leaves the
 * last values and is logged) and the presence book's size.
 */
export function observeNotifyState(
  registry: Registry,
  state: { consumer: Pick<ChatEventsConsumer, 'lag'>; presence: PresenceBook; log: Logger },
): void {
  new Gauge({
    name: 'notify_consumer_pending_events',
    help:
      'Chat events the durable consumer has not acknowledged, by state ' +
      '(pending: not delivered yet | ack_pending: delivered, not acked).',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      try {
        const lag = await state.consumer.lag();
        this.set({ state: 'pending' }, lag.pending);
        this.set({ state: 'ack_pending' }, lag.ackPending);
      } catch (err) {
        state.log.warn({ err }, 'consumer lag unknown (JetStream did not answer)');
      }
    },
  });
  new Gauge({
    name: 'notify_presence_rooms',
    help: 'Rooms with someone online, as the gateways announce them.',
    registers: [registry],
    collect() {
      this.set(state.presence.size);
    },
  });
  new Gauge({
    name: 'notify_presence_users',
    help: 'Users online, counted once per room they are in.',
    registers: [registry],
    collect() {
      this.set(state.presence.onlineUsers);
    },
  });
}
