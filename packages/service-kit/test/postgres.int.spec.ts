import { describe, it, expect, inject, afterAll } from 'vitest';
import pg from 'pg';
import { createLogger, createPool, inTransaction } from '../src/index.ts';

describe('inTransaction', () => {
  const pool = createPool(inject('databaseUrl'), createLogger('test', 'silent'), 2);
  const admin = new pg.Client({ connectionString: inject('databaseUrl') });

  afterAll(async () => {
    await pool.end();
    await admin.end();
  });

  // Postgres restarting between two queries.
  it('survives its connection dying mid-work: fails the work and discards the connection', async () => {
    await admin.connect();
    const outcome = inTransaction(pool, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const ended = new Promise((resolve) => client.once('end', resolve));
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      // No query is running when the connection drops: pg reports it only as the client's 'error' event.
      await ended;
      await client.query('SELECT 1');
    });
    await expect(outcome).rejects.toThrow();
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
