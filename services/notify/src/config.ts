import { z } from 'zod';
import { backendEnv, backendSettings, loadConfig } from '@chatrt/service-kit';
import { MAX_ACK_WAIT_MS } from './domain/room-order.ts';

const schema = z
  .object({
    ...backendEnv(9103),
    /** Durable JetStream consumer name; instances sharing it share the work. */
    NOTIFY_CONSUMER: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('notify'),
    /** The gateways' presence heartbeat; a gateway silent for three of them no longer counts as online. */
    PRESENCE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
    /** How long a username lookup (for @mentions) may take before the event is retried later. */
    NOTIFY_AUTH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
    /** How long an event may stay unacknowledged (its instance died) before another instance gets it. */
    NOTIFY_ACK_WAIT_MS: z.coerce.number().int().min(1_000).max(MAX_ACK_WAIT_MS).default(MAX_ACK_WAIT_MS),
  })
  .transform((env) => ({
    ...backendSettings(env),
    consumerName: env.NOTIFY_CONSUMER,
    presenceHeartbeatMs: env.PRESENCE_HEARTBEAT_MS,
    authTimeoutMs: env.NOTIFY_AUTH_TIMEOUT_MS,
    ackWaitMs: env.NOTIFY_ACK_WAIT_MS,
  }));

/** Everything the notify service needs to run, read once from the environment. */
export type NotifyConfig = z.infer<typeof schema>;

/** Reads and validates the notify service's environment; throws ConfigError listing every problem. */
export function loadNotifyConfig(env: NodeJS.ProcessEnv = process.env): NotifyConfig {
  return loadConfig('notify', schema, env);
}
