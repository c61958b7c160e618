import type { Pool, PoolClient } from '@chatrt/service-kit';

/** A parameterised statement, built by pure code and run elsewhere. */
export interface SqlStatement {
  text: string;
  values: unknown[];
}

/** Anything that runs a query: the pool for reads, a transaction's client for writes. */
export type Queryable = Pick<Pool | PoolClient, 'query'>;

/** Postgres `bigint` arrives as a string; seqs stay far below 2^53. */
export function toNumber(value: string | number): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Runs `work` in a transaction on a pooled connection; a connection that cannot roll back is discarded. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: Error) => {
      broken = rollbackErr;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}
