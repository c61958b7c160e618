import { fileURLToPath } from 'node:url';
import { Counter } from 'prom-client';
import {
  connectNats,
  createMetricsRegistry,
  createPool,
  Lifecycle,
  migrate,
  startOpsServer,
  type Logger,
} from '@chatrt/service-kit';
import type { NotifyConfig } from './config.ts';
import { applyOnce } from './adapters/event-store.ts';
import { consumeChatEvents } from './adapters/chat-events-consumer.ts';

export { loadNotifyConfig, type NotifyConfig } from './config.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/** A running notify service. */
export interface Notify {
  opsPort: number;
  close(): Promise<void>;
}

/** Starts the notify service: migrations, the durable chat-events consumer, and /health + /metrics. */
export async function startNotify(config: NotifyConfig, log: Logger): Promise<Notify> {
  const lifecycle = new Lifecycle(log);
  try {
    await migrate(config.databaseUrl, { schema: 'notify', dir: migrationsDir, log });
    const pool = lifecycle.add('postgres', createPool(config.databaseUrl, log), (p) => p.end());
    const nc = lifecycle.add('nats', await connectNats(config.natsUrl, 'notify', log), (c) => c.drain());
    const registry = createMetricsRegistry('notify');
    const consumed = new Counter({
      name: 'notify_chat_events_total',
      help: 'Chat events consumed, by outcome (applied | duplicate).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    const consumer = await consumeChatEvents({
      nc,
      durableName: config.consumerName,
      log,
      apply: async (event) => {
        const applied = await applyOnce(pool, event);
        consumed.inc({ outcome: applied ? 'applied' : 'duplicate' });
        return applied;
      },
    });
    lifecycle.add('consumer', consumer, (c) => c.close());
    const ops = await startOpsServer({
      port: config.opsPort,
      service: 'notify',
      registry,
      log,
      checks: {
        postgres: async () => void (await pool.query('SELECT 1')),
        nats: () => nc.flush(),
      },
    });
    lifecycle.add('ops', ops, (s) => new Promise<void>((resolve) => s.close(() => resolve())));
    return { opsPort: (ops.address() as { port: number }).port, close: () => lifecycle.shutdown() };
  } catch (err) {
    await lifecycle.shutdown();
    throw err;
  }
}
