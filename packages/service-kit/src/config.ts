import { z } from 'zod';
import { natsServers } from './nats.ts';

/** Thrown when the environment does not describe a runnable service; lists every problem at once. */
export class ConfigError extends Error {
  constructor(service: string, issues: string[]) {
    super(`${service}: invalid configuration\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `env` once with a zod schema whose keys are variable names. */
export function loadConfig<S extends z.ZodType>(service: string, schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    service,
    result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
  );
}

/** Variables every service reads. */
export const commonEnv = {
  NATS_URL: z
    .string()
    .default('nats://127.0.0.1:4222')
    .refine((url) => natsServers(url).length > 0, 'needs at least one server (one URL, or a comma-separated list of a cluster\'s nodes)'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
};

/** An env var holding a TCP port; 0 lets the OS choose. */
export const portEnv = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
