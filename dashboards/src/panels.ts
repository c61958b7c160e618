import {
  DashboardBuilder,
  DatasourceVariableBuilder,
  type Dashboard,
  type DataSourceRef,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

/** Every panel queries the Prometheus the dashboard's `datasource` variable picks (the provisioned one by default). */
const prometheus: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** One PromQL query of a panel, with the legend Grafana draws for each series. */
export interface Query {
  expr: string;
  legend: string;
}

export const query = (expr: string, legend: string): Query => ({ expr, legend });

/** A panel as the dashboards declare it: a title, a unit, and its queries. */
export interface PanelSpec {
  title: string;
  /** Grafana unit id: `short`, `ops` (per second), `s`, `bytes`, `percentunit`. */
  unit: string;
  queries: Query[];
  /** A big number (the latest value) instead of a graph. */
  stat?: boolean;
}

/** A dashboard of `panels`, two per row, in order. */
export function dashboard(options: { uid: string; title: string; tags: string[]; panels: PanelSpec[] }): Dashboard {
  const builder = new DashboardBuilder(options.title)
    .uid(options.uid)
    .tags(['chat-realtime', ...options.tags])
    .editable()
    .refresh('10s')
    .time({ from: 'now-30m', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'));
  options.panels.forEach((panel, index) => builder.withPanel(buildPanel(panel).id(index + 1)));
  return builder.build();
}

function buildPanel(spec: PanelSpec): StatPanelBuilder | TimeseriesPanelBuilder {
  const panel = spec.stat ? new StatPanelBuilder() : new TimeseriesPanelBuilder();
  panel.title(spec.title).unit(spec.unit).datasource(prometheus).span(12).height(8);
  spec.queries.forEach((q, index) => {
    panel.withTarget(
      new DataqueryBuilder()
        .expr(q.expr)
        .legendFormat(q.legend)
        .refId(String.fromCharCode(65 + index))
        .datasource(prometheus),
    );
  });
  return panel;
}

/** Quantile `q` of a histogram over 5 minutes, summed over every instance and grouped by `by`. */
export function quantile(q: number, histogram: string, selector = '', by: string[] = []): string {
  const labels = ['le', ...by].join(', ');
  return `histogram_quantile(${q}, sum by (${labels}) (rate(${histogram}_bucket${selector}[5m])))`;
}

/**
 * Share of a histogram's observations whose `outcome` is not ok (0 while there are none, so the panel and
 * its alert show a line rather than no data).
 */
export function errorRatio(histogram: string, selector: string, errorLabel: string): string {
  const all = `sum(rate(${histogram}_count{${selector}}[5m]))`;
  return `(sum(rate(${histogram}_count{${selector}, ${errorLabel}}[5m])) or vector(0)) / ${all}`;
}

/** The RED panels of a service's NATS request handlers (`nats_handler_duration_seconds`). */
export function handlerPanels(service: string): PanelSpec[] {
  const selector = `{service="${service}"}`;
  return [
    {
      title: 'Requests/s by subject and outcome',
      unit: 'ops',
      queries: [
        query(
          `sum by (subject, outcome) (rate(nats_handler_duration_seconds_count${selector}[1m]))`,
          '{{subject}} {{outcome}}',
        ),
      ],
    },
    {
      title: 'Refused or failed requests (share)',
      unit: 'percentunit',
      queries: [query(errorRatio('nats_handler_duration_seconds', `service="${service}"`, 'outcome!="ok"'), 'not ok')],
    },
    {
      title: 'Handling time p50 / p99 by subject',
      unit: 's',
      queries: [
        query(quantile(0.5, 'nats_handler_duration_seconds', selector, ['subject']), 'p50 {{subject}}'),
        query(quantile(0.99, 'nats_handler_duration_seconds', selector, ['subject']), 'p99 {{subject}}'),
      ],
    },
  ];
}

/** Memory and event-loop delay of every instance of a service (prom-client's default metrics). */
export function processPanels(service: string): PanelSpec[] {
  const selector = `{service="${service}"}`;
  return [
    {
      title: 'Resident memory by instance',
      unit: 'bytes',
      queries: [query(`process_resident_memory_bytes${selector}`, '{{instance}}')],
    },
    {
      title: 'Event-loop delay p99 by instance',
      unit: 's',
      queries: [query(`nodejs_eventloop_lag_p99_seconds${selector}`, '{{instance}}')],
    },
  ];
}
