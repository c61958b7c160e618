import { dashboard, handlerPanels, processPanels, quantile, query } from './panels.ts';

/** The chat service: its handlers, the event store and group commit, the outbox relay. */
export const chat = dashboard({
  uid: 'chat-service',
  title: 'Chat service',
  tags: ['chat'],
  panels: [
    ...handlerPanels('chat'),
    {
      title: 'Event store: append transaction p50 / p99',
      unit: 's',
      queries: [
        query(quantile(0.5, 'chat_event_store_append_duration_seconds'), 'p50'),
        query(quantile(0.99, 'chat_event_store_append_duration_seconds'), 'p99'),
      ],
    },
    {
      title: 'Event store: events appended/s and seq conflicts/s',
      unit: 'ops',
      queries: [
        query('sum(rate(chat_events_appended_total[1m]))', 'events appended'),
        query('sum(rate(chat_append_conflicts_total[1m]))', 'conflicts retried'),
      ],
    },
    {
      title: 'Group commit: commands per transaction',
      unit: 'short',
      queries: [
        query('sum(rate(chat_commit_batch_size_sum[5m])) / sum(rate(chat_commit_batch_size_count[5m]))', 'mean'),
        query(quantile(0.99, 'chat_commit_batch_size'), 'p99'),
      ],
    },
    {
      title: 'Outbox lag (oldest unpublished event) and backlog',
      unit: 's',
      queries: [
        query('max(chat_outbox_lag_seconds)', 'lag (s)'),
        query('sum(chat_outbox_pending)', 'unpublished events'),
      ],
    },
    {
      title: 'Relay: events published/s',
      unit: 'ops',
      queries: [
        query('sum by (result) (rate(chat_relay_published_total[1m]))', '{{result}}'),
        query('sum(rate(chat_relay_publish_failures_total[1m]))', 'failed (retried)'),
      ],
    },
    {
      title: 'Relay leader',
      unit: 'short',
      stat: true,
      queries: [query('sum(chat_relay_leader)', 'instances relaying')],
    },
    ...processPanels('chat'),
  ],
});
