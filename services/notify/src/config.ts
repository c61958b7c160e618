import { z } from 'zod';
import { loadConfig, commonEnv, portEnv } from '@chatrt/service-kit';

const schema = z
  .object({
    ...commonEnv,
    DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (postgres://…)'),
    OPS_PORT: portEnv(9103),
    /** Durable JetStream consumer name; instances sharing it share the work. */
    NOTIFY_CONSUMER: z.string().regex(/^[A-Za-z0-9_-]+$/).default('notify'),
  })
  .transform((env) => ({
    natsUrl: env.NATS_URL,
    databaseUrl: env.DATABASE_URL,
    opsPort: env.OPS_PORT,
    logLevel: env.LOG_LEVEL,
    consumerName: env.NOTIFY_CONSUMER,
  }));

export type NotifyConfig = z.infer<typeof schema>;

export function loadNotifyConfig(env: NodeJS.ProcessEnv = process.env): NotifyConfig {
  return loadConfig('notify', schema, env);
}
