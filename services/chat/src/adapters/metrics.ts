import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The chat service's own Prometheus metrics, registered on the service's registry. */
export interface ChatMetrics {
  /** Lost optimistic-concurrency races (each one reloads the room and retries). */
  appendConflicts: Counter;
  /** sendMessage repeats answered with the stored message. */
  idempotentReplays: Counter;
  /** Commands per group-commit transaction. */
  commitBatchSize: Histogram;
  /** Seconds each group-commit transaction took (decide, append, project, commit). */
  appendDuration: Histogram;
  /** Events appended to the store (committed). */
  eventsAppended: Counter;
  /** Events the relay got a PubAck for; `result` is `stored` or `duplicate` (absorbed by the stream). */
  relayPublished: Counter<'result'>;
  /** Publish attempts that failed and will be retried. */
  relayFailures: Counter;
  /** Age in seconds of the oldest unpublished event at the last outbox read (0 when empty). */
  outboxLag: Gauge;
  /** Unpublished events seen at the last outbox read (capped at the batch size). */
  outboxPending: Gauge;
  /** 1 while this instance holds the relay lock. */
  relayLeader: Gauge;
}

/** Creates the chat metrics on `registry` (not the global one, so several instances can share a process). */
export function createChatMetrics(registry: Registry): ChatMetrics {
  const registers = [registry];
  return {
    appendConflicts: new Counter({ name: 'chat_append_conflicts_total', help: 'Seq conflicts retried', registers }),
    idempotentReplays: new Counter({
      name: 'chat_idempotent_replays_total',
      help: 'Repeated sendMessage answered with the stored message',
      registers,
    }),
    commitBatchSize: new Histogram({
      name: 'chat_commit_batch_size',
      help: 'Commands per group-commit transaction',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    }),
    appendDuration: new Histogram({
      name: 'chat_event_store_append_duration_seconds',
      help: 'Group-commit transaction time: decide, append, project and commit one batch',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    eventsAppended: new Counter({
      name: 'chat_events_appended_total',
      help: 'Events committed to the store',
      registers,
    }),
    relayPublished: new Counter({
      name: 'chat_relay_published_total',
      help: 'Events acknowledged by JetStream',
      labelNames: ['result'],
      registers,
    }),
    relayFailures: new Counter({
      name: 'chat_relay_publish_failures_total',
      help: 'Failed publishes (retried)',
      registers,
    }),
    outboxLag: new Gauge({ name: 'chat_outbox_lag_seconds', help: 'Age of the oldest unpublished event', registers }),
    outboxPending: new Gauge({ name: 'chat_outbox_pending', help: 'Unpublished events at the last read', registers }),
    relayLeader: new Gauge({ name: 'chat_relay_leader', help: '1 while this instance relays the outbox', registers }),
  };
}
