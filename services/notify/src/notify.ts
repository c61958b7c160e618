import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  connectNats,
  createHandlerMetrics,
  createMetricsRegistry,
  natsHealthCheck,
  openDatabase,
  postgresHealthCheck,
  serveOps,
  startService,
  type Logger,
} from '@chatrt/service-kit';
import type { NotifyConfig } from './config.ts';
import { createNotifyService } from './application/notify-service.ts';
import { PresenceBook } from './domain/presence-book.ts';
import { WaitForEarlierEvents } from './domain/room-order.ts';
import { consumeChatEvents } from './adapters/chat-events-consumer.ts';
import { createNotifyMetrics, observeNotifyState } from './adapters/metrics.ts';
import { createNotificationPublisher } from './adapters/notification-publisher.ts';
import { createNotificationStore } from './adapters/postgres/notification-store.ts';
import { listenToPresence } from './adapters/presence-listener.ts';
import { startNotifyResponders } from './adapters/responders.ts';
import { createUserDirectory } from './adapters/user-directory.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/** A running notify service. */
export interface Notify {
  opsPort: number;
  close(): Promise<void>;
}

/**
 * Starts the notify service: migrations, presence listening, the query/command responders, the durable
 * chat-events consumer, and /health + /metrics. If a step fails, whatever started is closed again.
 */
export function startNotify(config: NotifyConfig, log: Logger): Promise<Notify> {
  return startService(log, async (lifecycle) => {
    const pool = await openDatabase(lifecycle, {
      databaseUrl: config.databaseUrl,
      schema: 'notify',
      migrationsDir,
      log,
    });
    const nc = lifecycle.add('nats', await connectNats(config.natsUrl, 'notify', log), (c) => c.drain());
    const registry = createMetricsRegistry('notify');
    const metrics = createNotifyMetrics(registry);

    const presence = new PresenceBook({ expireAfterMs: 3 * config.presenceHeartbeatMs });
    const listener = listenToPresence({ nc, book: presence, heartbeatMs: config.presenceHeartbeatMs, log });
    lifecycle.add('presence', listener, (l) => l.close());

    const service = createNotifyService({
      store: createNotificationStore(pool),
      users: createUserDirectory(nc, config.authTimeoutMs),
      presence,
      publisher: createNotificationPublisher(nc),
      metrics,
      clock: () => new Date(),
      newId: randomUUID,
      log,
    });
    lifecycle.add('responders', startNotifyResponders(nc, service, log, createHandlerMetrics(registry)), (r) =>
      r.close(),
    );

    const consumer = await consumeChatEvents({
      nc,
      durableName: config.consumerName,
      ackWaitMs: config.ackWaitMs,
      log,
      apply: async (batch) => {
        const outcomes = await service.handleChatEvents(batch);
        outcomes.forEach((outcome, i) => {
          if (outcome.kind !== 'failed') metrics.chatEvent(outcome.kind);
          else metrics.chatEvent(outcome.error instanceof WaitForEarlierEvents ? 'deferred' : 'failed');
          const occurredAt = batch[i]?.event.metadata.occurredAt;
          if (outcome.kind === 'applied' && occurredAt !== undefined)
            metrics.projectionLag((Date.now() - Date.parse(occurredAt)) / 1000);
        });
        return outcomes;
      },
    });
    lifecycle.add('consumer', consumer, (c) => c.close());
    observeNotifyState(registry, { consumer, presence, log });

    const opsPort = await serveOps(lifecycle, {
      port: config.opsPort,
      service: 'notify',
      registry,
      log,
      checks: {
        postgres: postgresHealthCheck(pool),
        nats: natsHealthCheck(nc),
      },
    });
    return { opsPort };
  });
}
