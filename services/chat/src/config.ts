import { z } from 'zod';
import { commonEnv, loadConfig, portEnv } from '@chatrt/service-kit';

const millis = (fallback: number) => z.coerce.number().int().min(10).max(600_000).default(fallback);

const schema = z
  .object({
    ...commonEnv,
    DATABASE_URL: z.string({ error: 'is required (postgres://user:password@host:port/database)' }).min(1, 'is required'),
    OPS_PORT: portEnv(9102),
    // The contract caps MessageText at 4000, so a larger limit could never be reached.
    MESSAGE_MAX_LENGTH: z.coerce.number().int().min(1).max(4000).default(4000),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(20),
    OUTBOX_POLL_MS: millis(1000),
    RELAY_LOCK_RETRY_MS: millis(2000),
  })
  .transform((env) => ({
    natsUrl: env.NATS_URL,
    databaseUrl: env.DATABASE_URL,
    /** Port of the /health and /metrics server; 0 lets the OS choose. */
    opsPort: env.OPS_PORT,
    logLevel: env.LOG_LEVEL,
    /** Longest accepted message, in Unicode code points. */
    messageMaxLength: env.MESSAGE_MAX_LENGTH,
    /** Postgres connections for commands and queries (the relay holds one more of its own). */
    databasePoolSize: env.DATABASE_POOL_SIZE,
    /** Safety poll of the outbox relay, in millis (LISTEN/NOTIFY wakes it sooner). */
    outboxPollMs: env.OUTBOX_POLL_MS,
    /** How often an instance that is not the relay tries to become it, in millis. */
    relayLockRetryMs: env.RELAY_LOCK_RETRY_MS,
  }));

/** The chat service's settings, read once from the environment. */
export type ChatConfig = z.infer<typeof schema>;

/** Parses and validates the chat service's environment; throws ConfigError listing every problem. */
export function loadChatConfig(env: NodeJS.ProcessEnv = process.env): ChatConfig {
  return loadConfig('chat', schema, env);
}
