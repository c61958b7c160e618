import { dashboard, quantile, query } from './panels.ts';

/** The ops doc's socket dashboard (`/d/materio-socket`): what a user of the chat sees, from the gateway. */
export const materioSocket = dashboard({
  uid: 'materio-socket',
  title: 'Socket gateway',
  tags: ['socket'],
  panels: [
    {
      title: 'Active Connections',
      unit: 'short',
      stat: true,
      queries: [query('sum by (namespace) (socket_active_connections)', '{{namespace}}')],
    },
    {
      title: 'Messages/sec',
      unit: 'ops',
      queries: [query('sum by (event) (rate(socket_messages_total{namespace="/chat"}[1m]))', '{{event}}')],
    },
    {
      title: 'Auth Events',
      unit: 'ops',
      queries: [
        query('sum by (kind, result) (rate(gateway_auth_events_total[5m]))', '{{kind}} {{result}}'),
        query('sum by (namespace, status) (rate(socket_connections_total[5m]))', 'handshake {{namespace}} {{status}}'),
      ],
    },
    {
      title: 'Ack latency p50 / p99',
      unit: 's',
      queries: [
        query(quantile(0.5, 'socket_ack_duration_seconds', '{namespace="/chat"}', ['event']), 'p50 {{event}}'),
        query(quantile(0.99, 'socket_ack_duration_seconds', '{namespace="/chat"}', ['event']), 'p99 {{event}}'),
      ],
    },
    {
      title: 'Rate-limited commands/s',
      unit: 'ops',
      queries: [query('sum by (kind, transport) (rate(gateway_rate_limited_total[1m]))', '{{kind}} ({{transport}})')],
    },
    {
      title: 'Resumes and replays',
      unit: 'ops',
      queries: [
        query('sum(rate(socket_resumes_total[1m]))', 'resumes/s (joins with afterSeq)'),
        query('sum(rate(socket_replayed_updates_total[1m]))', 'updates replayed/s'),
      ],
    },
    {
      title: 'Slow consumers dropped',
      unit: 'ops',
      queries: [query('sum(rate(socket_slow_consumers_dropped_total[5m]))', 'connections dropped/s')],
    },
  ],
});
