import { createHash } from 'node:crypto';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { Lifecycle } from './lifecycle.ts';
import type { Logger } from './logger.ts';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** A connection pool whose idle-client errors are logged instead of crashing the process. */
export function createPool(connectionString: string, log: Logger, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', (err) => {
    log.error({ err }, 'idle Postgres client failed');
  });
  return pool;
}

/**
 * A service's own database: its migrations applied to its schema (see `migrate`), then a pool that
 * `lifecycle` ends on shutdown.
 */
export async function openDatabase(
  lifecycle: Lifecycle,
  options: { databaseUrl: string; schema: string; migrationsDir: string; log: Logger; poolSize?: number },
): Promise<pg.Pool> {
  const { databaseUrl, schema, migrationsDir, log } = options;
  await migrate(databaseUrl, { schema, dir: migrationsDir, log });
  return lifecycle.add('postgres', createPool(databaseUrl, log, options.poolSize), (pool) => pool.end());
}

/** A readiness check: a pooled connection answers `SELECT 1` (checkHealth bounds how long it may take). */
export function postgresHealthCheck(pool: Pool): () => Promise<void> {
  return async () => {
    await pool.query('SELECT 1');
  };
}

/**
 * Runs `work` in a transaction on a pooled connection; a connection that failed or cannot roll back is
 * discarded. A checked-out client has no error listener of the pool's, and an 'error' event without one
 * (Postgres restarting between two queries) would crash the process: it is recorded here instead.
 * `savepoint`: a savepoint of that name taken in the same round trip as BEGIN, for work that may roll back
 * part of what it did.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  options: { savepoint?: string } = {},
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    await client.query(options.savepoint === undefined ? 'BEGIN' : `BEGIN; SAVEPOINT ${options.savepoint}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
      broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
    });
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/**
 * Applies the service's SQL migrations in `dir` to its own schema, recording them in that schema, so
 * services sharing a database never see each other's tables or migration history.
 */
export async function migrate(
  connectionString: string,
  options: { schema: string; dir: string; log: Logger },
): Promise<void> {
  const applied = await runner({
    databaseUrl: connectionString,
    dir: options.dir,
    direction: 'up',
    migrationsTable: 'migrations',
    schema: options.schema,
    createSchema: true,
    migrationsSchema: options.schema,
    createMigrationsSchema: true,
    checkOrder: true,
    // Instances of one service starting together wait for each other; different services never block.
    advisoryLockMode: 'wait',
    lockValue: migrationLockId(options.schema),
    log: (msg: string) => {
      options.log.debug({ migration: msg }, 'migrate');
    },
    verbose: false,
  });
  options.log.info({ schema: options.schema, applied: applied.map((m) => m.name) }, 'migrations applied');
}

/** A stable advisory-lock id per schema (48 bits, safe as a JS number and as a Postgres bigint). */
function migrationLockId(schema: string): number {
  return createHash('sha256').update(`migrations:${schema}`).digest().readUIntBE(0, 6);
}
