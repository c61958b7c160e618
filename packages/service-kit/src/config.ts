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
export function loadConfig<S extends z.ZodType>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
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
    .refine(
      (url) => natsServers(url).length > 0,
      "needs at least one server (one URL, or a comma-separated list of a cluster's nodes)",
    ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
};

/** An env var holding a TCP port; 0 lets the OS choose. */
export const portEnv = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** A Postgres connection URL, required. */
export const databaseUrlEnv = z
  .string({ error: 'is required (postgres://user:password@host:port/database)' })
  .min(1, 'is required (postgres://user:password@host:port/database)');

/** Variables every backend service reads (one with its own Postgres schema and an ops server on `OPS_PORT`). */
export const backendEnv = (opsPort: number) => ({
  ...commonEnv,
  DATABASE_URL: databaseUrlEnv,
  OPS_PORT: portEnv(opsPort),
});

/** The settings every backend service has, from variables parsed with `backendEnv`. */
export function backendSettings(env: { NATS_URL: string; DATABASE_URL: string; OPS_PORT: number; LOG_LEVEL: string }): {
  natsUrl: string;
  databaseUrl: string;
  /** Port of the /health and /metrics server; 0 lets the OS choose. */
  opsPort: number;
  logLevel: string;
} {
  return { natsUrl: env.NATS_URL, databaseUrl: env.DATABASE_URL, opsPort: env.OPS_PORT, logLevel: env.LOG_LEVEL };
}
