import { Histogram, type Registry } from 'prom-client';

/** RED metrics of a service's NATS request handlers (see {@link createHandlerMetrics}). */
export interface HandlerMetrics {
  /** Starts timing one request on `subject`; the returned function records it with its outcome. */
  start(subject: string): (outcome: string) => void;
}

/**
 * One histogram per service, `nats_handler_duration_seconds{subject, outcome}`: its `_count` is the rate,
 * `outcome != "ok"` (an ErrorCode) the errors, its buckets the duration. Request subjects are the contract's
 * fixed names, so the label never holds an id.
 */
export function createHandlerMetrics(registry: Registry): HandlerMetrics {
  const duration = new Histogram({
    name: 'nats_handler_duration_seconds',
    help: 'NATS request handling time, by subject and outcome (ok | error code).',
    labelNames: ['subject', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    start(subject) {
      const end = duration.startTimer({ subject });
      return (outcome) => end({ outcome });
    },
  };
}
