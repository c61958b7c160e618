import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, backendEnv, backendSettings, loadConfig } from '@chatrt/service-kit';
import { SESSION_TOKEN_TTL_LIMITS } from './domain/session-token.ts';
import type { LoginThrottleOptions } from './adapters/login-throttle.ts';

/** Everything the auth service needs to run, read once from the environment. */
export interface AuthConfig {
  natsUrl: string;
  databaseUrl: string;
  /** Port of the /health and /metrics server; 0 lets the OS choose. */
  opsPort: number;
  logLevel: string;
  /** Lifetime of a login session, in seconds. */
  sessionTtlSeconds: number;
  /** Lifetime of a session token (JWT), in seconds, within SESSION_TOKEN_TTL_LIMITS. */
  sessionTokenTtlSeconds: number;
  /** Ed25519 private key that signs session tokens. */
  signingKey: KeyObject;
  /** Failed-login limits (see domain/login-policy.ts). */
  login: LoginThrottleOptions;
}

const SERVICE = 'auth';

// An empty variable counts as unset, so `AUTH_SIGNING_KEY=` next to a key file is not "both set".
const optionalText = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());

const envSchema = z
  .object({
    ...backendEnv(9101),
    SESSION_TTL_SECONDS: z.coerce.number().int().min(1).max(31_536_000).default(604_800),
    SESSION_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(SESSION_TOKEN_TTL_LIMITS.min)
      .max(SESSION_TOKEN_TTL_LIMITS.max)
      .default(SESSION_TOKEN_TTL_LIMITS.max),
    AUTH_SIGNING_KEY: optionalText,
    AUTH_SIGNING_KEY_FILE: optionalText,
    /** Failed logins in a row for one username from one address before that pair is paused… */
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(10),
    /** …for this many seconds. */
    LOGIN_BLOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    /** Failed logins against existing usernames from one address in a day. */
    LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(100),
    /** Failed logins with usernames that do not exist from one address in a day. */
    LOGIN_MAX_UNKNOWN_USER_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(100),
  })
  .superRefine((env, ctx) => {
    const given = [env.AUTH_SIGNING_KEY, env.AUTH_SIGNING_KEY_FILE].filter((v) => v !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_SIGNING_KEY'],
        message:
          given === 0
            ? 'set AUTH_SIGNING_KEY (PKCS8 PEM of an Ed25519 private key) or AUTH_SIGNING_KEY_FILE (path to one); ' +
              'there is no default key'
            : 'set only one of AUTH_SIGNING_KEY and AUTH_SIGNING_KEY_FILE',
      });
    }
  });

/** Reads and validates the auth service's environment; throws ConfigError listing every problem. */
export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const parsed = loadConfig(SERVICE, envSchema, env);
  return {
    ...backendSettings(parsed),
    sessionTtlSeconds: parsed.SESSION_TTL_SECONDS,
    sessionTokenTtlSeconds: parsed.SESSION_TOKEN_TTL_SECONDS,
    signingKey: loadSigningKey(parsed.AUTH_SIGNING_KEY, parsed.AUTH_SIGNING_KEY_FILE),
    login: {
      maxFailures: parsed.LOGIN_MAX_FAILURES,
      blockSeconds: parsed.LOGIN_BLOCK_SECONDS,
      maxFailuresPerAddress: parsed.LOGIN_MAX_FAILURES_PER_ADDRESS,
      maxUnknownUserFailuresPerAddress: parsed.LOGIN_MAX_UNKNOWN_USER_FAILURES_PER_ADDRESS,
    },
  };
}

function loadSigningKey(pem: string | undefined, file: string | undefined): KeyObject {
  const source = file === undefined ? 'AUTH_SIGNING_KEY' : `AUTH_SIGNING_KEY_FILE (${file})`;
  let text: string;
  try {
    text = pem ?? readFileSync(file ?? '', 'utf8');
  } catch (err) {
    throw new ConfigError(SERVICE, [`${source}: cannot read: ${err instanceof Error ? err.message : String(err)}`]);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem' });
  } catch {
    // The parser's message could quote key material, so it is not repeated here.
    throw new ConfigError(SERVICE, [`${source}: not a PEM private key (expected PKCS8 PEM of an Ed25519 key)`]);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(SERVICE, [
      `${source}: expected an Ed25519 private key, got ${key.asymmetricKeyType ?? 'unknown'}`,
    ]);
  }
  return key;
}
