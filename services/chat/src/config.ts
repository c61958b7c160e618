import { z } from 'zod';
import { backendEnv, backendSettings, loadConfig } from '@chatrt/service-kit';

const millis = (fallback: number) => z.coerce.number().int().min(10).max(600_000).default(fallback);

const schema = z
  .object({
    ...backendEnv(9102),
    // The contract caps MessageText at 4000, so a larger limit could never be reached.
    MESSAGE_MAX_LENGTH: z.coerce.number().int().min(1).max(4000).default(4000),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(20),
    OUTBOX_POLL_MS: millis(1000),
    RELAY_LOCK_RETRY_MS: millis(2000),
    RELAY_MAX_IN_FLIGHT_PER_ROOM: z.coerce.number().int().min(1).max(1000).default(32),
    COMMIT_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(200),
    COMMIT_BATCH_WAIT_MS: z.coerce.number().min(0).max(50).default(0),
    COMMIT_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    CHAT_AUTH_TIMEOUT_MS: millis(2000),
    // JetStream allows at most 5 replicas; more than 1 needs a NATS cluster with at least that many nodes.
    CHAT_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  })
  .transform((env) => ({
    ...backendSettings(env),
    /** Longest accepted message, in Unicode code points. */
    messageMaxLength: env.MESSAGE_MAX_LENGTH,
    /** Postgres connections for commands and queries (the relay holds one more of its own). */
    databasePoolSize: env.DATABASE_POOL_SIZE,
    /** Safety poll of the outbox relay, in millis (LISTEN/NOTIFY wakes it sooner). */
    outboxPollMs: env.OUTBOX_POLL_MS,
    /** How often an instance that is not the relay tries to become it, in millis. */
    relayLockRetryMs: env.RELAY_LOCK_RETRY_MS,
    /**
     * A room's publishes awaiting their PubAck at once; above 1 a failure can leave k+1 in the stream before k,
     * which consumers put back in seq order (see the chat README, Publication).
     */
    relayMaxInFlightPerRoom: env.RELAY_MAX_IN_FLIGHT_PER_ROOM,
    /** Bound on asking auth whether users exist (createRoom, addMember), in millis; past it UNAVAILABLE. */
    authTimeoutMs: env.CHAT_AUTH_TIMEOUT_MS,
    /** Copies JetStream keeps of the CHAT_EVENTS stream, each on another node of the NATS cluster. */
    streamReplicas: env.CHAT_STREAM_REPLICAS,
    /** Group commit: how concurrent commands share transactions (see RoomEventStore). */
    groupCommit: {
      /** Most commands in one transaction. */
      maxBatchSize: env.COMMIT_BATCH_MAX,
      /** How long a free writer waits for more commands, in millis; 0 takes what arrived in the same tick. */
      maxWaitMs: env.COMMIT_BATCH_WAIT_MS,
      /** Transactions in flight at once (each holds one pooled connection). */
      concurrency: env.COMMIT_CONCURRENCY,
    },
  }))
  .refine((config) => config.groupCommit.concurrency < config.databasePoolSize, {
    error: 'COMMIT_CONCURRENCY must be below DATABASE_POOL_SIZE (queries need connections too)',
  });

/** The chat service's settings, read once from the environment. */
export type ChatConfig = z.infer<typeof schema>;

/** Parses and validates the chat service's environment; throws ConfigError listing every problem. */
export function loadChatConfig(env: NodeJS.ProcessEnv = process.env): ChatConfig {
  return loadConfig('chat', schema, env);
}
