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
import { jetstream } from '@nats-io/jetstream';
import type { ChatConfig } from './config.ts';
import { createChatService } from './application/chat-service.ts';
import { ensureChatEventsStream } from './adapters/jetstream/stream.ts';
import { OutboxRelay } from './adapters/jetstream/outbox-relay.ts';
import { connectRelayNats } from './adapters/jetstream/relay-connection.ts';
import { createChatMetrics } from './adapters/metrics.ts';
import { startChatResponders } from './adapters/nats/responders.ts';
import { natsUserDirectory } from './adapters/nats/user-directory.ts';
import { RoomEventStore } from './adapters/postgres/event-store/room-event-store.ts';
import { postgresReadModels } from './adapters/postgres/read-models.ts';
import { chatProjections } from './adapters/projections/index.ts';

/** A running chat service. */
export interface Chat {
  /** The port the ops server (/health, /metrics) listens on; differs from OPS_PORT when that is 0. */
  opsPort: number;
  /** Stops taking requests, publishes what is left in the outbox, then closes NATS and Postgres. */
  close(): Promise<void>;
}

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * Starts the chat service: Postgres (migrated), NATS, the CHAT_EVENTS stream, the outbox relay, the
 * request responders and the ops server. If a step fails, what already started is closed before the
 * error is rethrown.
 */
export function startChat(config: ChatConfig, log: Logger): Promise<Chat> {
  return startService(log, async (lifecycle) => {
    const pool = await openDatabase(lifecycle, {
      databaseUrl: config.databaseUrl,
      schema: 'chat',
      migrationsDir,
      log,
      poolSize: config.databasePoolSize,
    });
    const nc = lifecycle.add('nats', await connectNats(config.natsUrl, 'chat', log), (c) => c.drain());
    await ensureChatEventsStream(nc, log, { replicas: config.streamReplicas });

    const registry = createMetricsRegistry('chat');
    const metrics = createChatMetrics(registry);
    const relayNc = lifecycle.add('relay nats', await connectRelayNats(config.natsUrl, log), (c) => c.drain());

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
        maxInFlightPerRoom: config.relayMaxInFlightPerRoom,
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
        onConflict: () => {
          metrics.appendConflicts.inc();
        },
        onBatch: (size, commit) => {
          metrics.commitBatchSize.observe(size);
          metrics.appendDuration.observe(commit.seconds);
          metrics.eventsAppended.inc(commit.events);
        },
      }),
      (s) => s.close(),
    );
    const chat = createChatService({
      store,
      readModels: postgresReadModels(pool),
      users: natsUserDirectory(nc, { timeoutMs: config.authTimeoutMs }),
      policy: { messageMaxLength: config.messageMaxLength },
      newId: randomUUID,
      onReplay: () => {
        metrics.idempotentReplays.inc();
      },
    });
    const responders = startChatResponders(nc, chat, { log, metrics: createHandlerMetrics(registry) });
    lifecycle.add('responders', responders, (r) => r.close());

    const natsRequests = natsHealthCheck(nc);
    const natsRelay = natsHealthCheck(relayNc);
    const opsPort = await serveOps(lifecycle, {
      port: config.opsPort,
      service: 'chat',
      registry,
      log,
      checks: {
        postgres: postgresHealthCheck(pool),
        nats: async () => {
          await Promise.all([natsRequests(), natsRelay()]);
        },
      },
    });
    return { opsPort };
  });
}
