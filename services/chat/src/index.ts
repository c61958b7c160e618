import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  closeServer,
  connectNats,
  createHandlerMetrics,
  createMetricsRegistry,
  createPool,
  natsHealthCheck,
  postgresHealthCheck,
  Lifecycle,
  migrate,
  startOpsServer,
  type Logger,
} from '@chatrt/service-kit';
import { jetstream } from '@nats-io/jetstream';
import type { ChatConfig } from './config.ts';
import { createChatHandlers } from './adapters/chat-handlers.ts';
import { ensureChatEventsStream } from './adapters/jetstream/stream.ts';
import { OutboxRelay } from './adapters/jetstream/outbox-relay.ts';
import { connectRelayNats } from './adapters/jetstream/relay-connection.ts';
import { createChatMetrics } from './adapters/metrics.ts';
import { startChatResponders } from './adapters/nats/responders.ts';
import { natsUserDirectory } from './adapters/nats/user-directory.ts';
import { RoomEventStore } from './adapters/postgres/event-store.ts';
import { chatProjections } from './adapters/projections/index.ts';

export { loadChatConfig, type ChatConfig } from './config.ts';
export { rebuildReadModels, type RebuildReport } from './adapters/projections/rebuild.ts';

/** A running chat service. */
export interface ChatService {
  /** The port the ops server (/health, /metrics) listens on; differs from OPS_PORT when that is 0. */
  opsPort: number;
  /** Stops taking requests, publishes what is left in the outbox, then closes NATS and Postgres. */
  close(): Promise<void>;
}

const service = 'chat';
const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * Starts the chat service: Postgres (migrated), NATS, the CHAT_EVENTS stream, the outbox relay, the
 * request responders and the ops server. If a step fails, what already started is closed before the
 * error is rethrown.
 */
export async function startChat(config: ChatConfig, log: Logger): Promise<ChatService> {
  const lifecycle = new Lifecycle(log);
  try {
    const pool = lifecycle.add('postgres', createPool(config.databaseUrl, log, config.databasePoolSize), (p) => p.end());
    await migrate(config.databaseUrl, { schema: service, dir: migrationsDir, log });

    const nc = lifecycle.add('nats', await connectNats(config.natsUrl, service, log), (c) => c.drain());
    await ensureChatEventsStream(nc, log, { replicas: config.streamReplicas });

    const registry = createMetricsRegistry(service);
    const metrics = createChatMetrics(registry);
    const relayNc = lifecycle.add('relay nats', await connectRelayNats(config.natsUrl, log), (c) => c.drain());
    const natsRequests = natsHealthCheck(nc);
    const natsRelay = natsHealthCheck(relayNc);

    // The relay starts before the responders so that, closing in reverse, it publishes the last
    // commits after the responders have stopped taking commands.
    const relay = lifecycle.add(
      'outbox relay',
      new OutboxRelay({
        databaseUrl: config.databaseUrl,
        js: jetstream(relayNc),
        log,
        metrics,
        pollIntervalMs: config.outboxPollMs,
        lockRetryMs: config.relayLockRetryMs,
      }),
      (r) => r.close(),
    );
    relay.start();

    const store = lifecycle.add(
      'event store',
      new RoomEventStore({
        pool,
        projections: chatProjections,
        log,
        newId: randomUUID,
        clock: () => new Date(),
        groupCommit: config.groupCommit,
        onConflict: () => metrics.appendConflicts.inc(),
        onBatch: (size, commit) => {
          metrics.commitBatchSize.observe(size);
          metrics.appendDuration.observe(commit.seconds);
          metrics.eventsAppended.inc(commit.events);
        },
      }),
      (s) => s.close(),
    );
    const handlers = createChatHandlers({
      store,
      pool,
      users: natsUserDirectory(nc, { timeoutMs: config.authTimeoutMs }),
      policy: { messageMaxLength: config.messageMaxLength },
      newId: randomUUID,
      onReplay: () => metrics.idempotentReplays.inc(),
    });
    const responders = startChatResponders(nc, handlers, { log, metrics: createHandlerMetrics(registry) });
    lifecycle.add('responders', responders, (all) => Promise.all(all.map((r) => r.close())).then(() => {}));

    const ops = await startOpsServer({
      port: config.opsPort,
      service,
      registry,
      log,
      checks: {
        postgres: postgresHealthCheck(pool),
        nats: async () => {
          await Promise.all([natsRequests(), natsRelay()]);
        },
      },
    });
    lifecycle.add('ops server', ops, closeServer);

    return { opsPort: (ops.address() as AddressInfo).port, close: () => lifecycle.shutdown() };
  } catch (err) {
    await lifecycle.shutdown();
    throw err;
  }
}
