import { dashboard, handlerPanels, processPanels, quantile, query } from './panels.ts';

/** The notify service: its handlers, the JetStream consumer, its read model's lag, notifications, presence. */
export const notify = dashboard({
  uid: 'notify-service',
  title: 'Notify service',
  tags: ['notify'],
  panels: [
    ...handlerPanels('notify'),
    {
      title: 'Chat events consumed/s by outcome',
      unit: 'ops',
      queries: [query('sum by (outcome) (rate(notify_chat_events_total[1m]))', '{{outcome}}')],
    },
    {
      title: 'JetStream consumer lag (events not acknowledged)',
      unit: 'short',
      queries: [query('max by (state) (notify_consumer_pending_events)', '{{state}}')],
    },
    {
      title: 'Projection lag: chat commit → notify applied, p50 / p99',
      unit: 's',
      queries: [
        query(quantile(0.5, 'notify_projection_lag_seconds'), 'p50'),
        query(quantile(0.99, 'notify_projection_lag_seconds'), 'p99'),
      ],
    },
    {
      title: 'Notifications/s by type and change',
      unit: 'ops',
      queries: [query('sum by (type, change) (rate(notify_notifications_total[1m]))', '{{type}} {{change}}')],
    },
    {
      title: 'Presence: rooms and users online',
      unit: 'short',
      queries: [query('max(notify_presence_rooms)', 'rooms'), query('max(notify_presence_users)', 'users (per room)')],
    },
    ...processPanels('notify'),
  ],
});
