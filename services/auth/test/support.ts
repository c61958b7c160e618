import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { subjects, type LoginReply, type NatsRequests, type NatsRequestSubject } from '@chatrt/contracts';
import { connectNats, createLogger, createPool, request, type NatsConnection, type Pool } from '@chatrt/service-kit';
import { startNatsServer, type RunningNats } from '@chatrt/harness';
import { loadAuthConfig, startAuth, type RunningAuth } from '../src/index.ts';

export const log = createLogger('auth-test', 'error');
export const signingKeyPem = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
export const password = 'correct horse battery staple';

/** A username nobody else in this run has: tests share one database and never clean it. */
export function freshUsername(): string {
  return `u_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
}

/** A client address nobody else in this run uses, so failed-login counters start at zero. */
export function freshAddress(): string {
  const bytes = randomUUID().replaceAll('-', '').slice(0, 6);
  return `10.${parseInt(bytes.slice(0, 2), 16)}.${parseInt(bytes.slice(2, 4), 16)}.${parseInt(bytes.slice(4, 6), 16)}`;
}

export function call<S extends NatsRequestSubject>(
  nc: NatsConnection,
  subject: S,
  payload: NatsRequests[S]['request'],
): Promise<NatsRequests[S]['reply']> {
  return request(nc, subject, payload, 5_000);
}

/** The address this file's logins come from (unless a test needs its own). */
export const clientAddress = freshAddress();

/** Registers a fresh user (or `username`) and logs them in from `clientAddress`. */
export async function registerAndLogin(
  nc: NatsConnection,
  username = freshUsername(),
): Promise<Extract<LoginReply, { ok: true }>> {
  const registered = await call(nc, subjects.authRegister, { username, password });
  expect(registered.ok).toBe(true);
  const login = await call(nc, subjects.authLogin, { username, password, clientAddress });
  if (!login.ok) throw new Error(`login failed: ${login.error.message}`);
  return login;
}

/** What the tests of one auth instance share. */
export interface AuthSuite {
  readonly auth: RunningAuth;
  readonly nc: NatsConnection;
  readonly pool: Pool;
}

/**
 * One auth instance for a test file, configured with `env()` (read when the file's tests start), on a private
 * nats-server: every file runs its own instance with its own limits, and on a shared server they would answer
 * each other's requests in the one queue group. The database is the shared test database.
 */
export function authSuite(env: () => NodeJS.ProcessEnv): AuthSuite {
  let dir: string | undefined;
  let nats: RunningNats | undefined;
  let auth: RunningAuth | undefined;
  let nc: NatsConnection | undefined;
  let pool: Pool | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auth-int-'));
    nats = await startNatsServer({ dataDir: join(dir, 'nats') });
    const config = loadAuthConfig({
      DATABASE_URL: inject('databaseUrl'),
      NATS_URL: nats.url,
      OPS_PORT: '0',
      LOG_LEVEL: 'error',
      ...env(),
    });
    auth = await startAuth(config, log);
    nc = await connectNats(nats.url, 'auth-test-client', log);
    pool = createPool(inject('databaseUrl'), log, 2);
  });

  afterAll(async () => {
    await nc?.drain();
    await pool?.end();
    await auth?.close();
    await nats?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet: use it inside a test`);
    return value;
  };
  return {
    get auth() {
      return started(auth, 'the auth service');
    },
    get nc() {
      return started(nc, 'the NATS connection');
    },
    get pool() {
      return started(pool, 'the database pool');
    },
  };
}
