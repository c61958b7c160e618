import { createHash } from 'node:crypto';
import type { QueryConfig } from 'pg';
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

const statementNames = new Map<string, string>();

/**
 * `text` as a named statement: each connection parses and plans it once, then only binds and executes.
 * Unnamed, Postgres planned the hot statements on every run, which cost more than executing most of them
 * (pg_stat_statements at 1,000 msg/s). Only for a bounded set of texts: every distinct text stays prepared on
 * each pooled connection for the connection's life.
 */
export function prepared(text: string, values: unknown[]): QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `chat_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}
