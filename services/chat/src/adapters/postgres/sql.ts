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
