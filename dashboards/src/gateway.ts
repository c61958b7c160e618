import { dashboard, errorRatio, processPanels, quantile, query } from './panels.ts';

/** The gateway as a service: REST RED, its calls to the backends, feeds and presence, connections refused. */
export const gateway = dashboard({
  uid: 'chat-gateway',
  title: 'Gateway service',
  tags: ['gateway'],
  panels: [
    {
      title: 'REST requests/s by route and status',
      unit: 'ops',
      queries: [
        query(
          'sum by (method, route, status) (rate(http_request_duration_seconds_count[1m]))',
          '{{method}} {{route}} {{status}}',
        ),
      ],
    },
    {
      title: 'REST server errors (share of 5xx)',
      unit: 'percentunit',
      queries: [query(errorRatio('http_request_duration_seconds', 'service="gateway"', 'status=~"5.."'), '5xx')],
    },
    {
      title: 'REST latency p99 by route',
      unit: 's',
      queries: [query(quantile(0.99, 'http_request_duration_seconds', '', ['route']), '{{route}}')],
    },
    {
      title: 'Backend requests p99 by subject',
      unit: 's',
      queries: [query(quantile(0.99, 'gateway_nats_request_duration_seconds', '', ['subject']), '{{subject}}')],
    },
    {
      title: 'Backend requests/s by outcome',
      unit: 'ops',
      queries: [query('sum by (outcome) (rate(gateway_nats_request_duration_seconds_count[1m]))', '{{outcome}}')],
    },
    {
      title: 'Live feeds: NATS subscriptions and listening sockets',
      unit: 'short',
      queries: [
        query('sum by (feed) (gateway_feed_subscriptions)', 'subscriptions {{feed}}'),
        query('sum by (feed) (gateway_feed_listeners)', 'listeners {{feed}}'),
      ],
    },
    {
      title: 'Presence: rooms served and users online',
      unit: 'short',
      queries: [
        query('sum(gateway_presence_rooms)', 'rooms'),
        query('sum(gateway_presence_users)', 'users (per room)'),
      ],
    },
    {
      title: 'Gateways up and connections refused/s',
      unit: 'short',
      queries: [
        query('count(up{job="gateway"} == 1)', 'gateways up'),
        query('sum by (server, reason) (rate(gateway_connections_refused_total[5m]))', 'refused {{server}} {{reason}}'),
      ],
    },
    ...processPanels('gateway'),
  ],
});
