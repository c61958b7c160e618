import { createServer } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { connectNats, createLogger } from '../src/index.ts';

/** A loopback port nothing listens on: a cluster node that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connectNats', () => {
  it('connects through a NATS_URL list whose other nodes are down, wherever the live one is listed', async () => {
    const log = createLogger('test', 'silent');
    const down = [`nats://127.0.0.1:${await closedPort()}`, `nats://127.0.0.1:${await closedPort()}`];
    for (const natsUrl of [
      [...down, inject('natsUrl')],
      [down[0], inject('natsUrl'), down[1]],
    ].map((servers) => servers.join(','))) {
      const nc = await connectNats(natsUrl, 'test', log);
      try {
        await nc.flush();
        expect(nc.getServer()).toBe(new URL(inject('natsUrl')).host);
      } finally {
        await nc.close();
      }
    }
  });
});
