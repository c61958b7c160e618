import { describe, it, expect, inject } from 'vitest';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';

describe('test infrastructure', () => {
  it('provides a working Postgres', async () => {
    const client = new pg.Client({ connectionString: inject('databaseUrl') });
    await client.connect();
    try {
      const { rows } = await client.query<{ answer: number }>('select 40 + 2 as answer');
      expect(rows[0]?.answer).toBe(42);
    } finally {
      await client.end();
    }
  });

  it('provides a nats-server with JetStream enabled', async () => {
    const nc = await connect({ servers: inject('natsUrl') });
    try {
      expect(nc.info?.jetstream).toBe(true);
    } finally {
      await nc.close();
    }
  });
});
