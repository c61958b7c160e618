import { beforeAll, describe, expect, it } from 'vitest';
import { startBareServer, type BareServer } from '../bench/bare-server-process.ts';
import { Probe } from '../bench/probe.ts';

describe('the delivery probe (worker threads) against a bare Socket.IO server', () => {
  let bare: BareServer;
  beforeAll(async () => {
    bare = await startBareServer();
    return () => bare.stop();
  });

  it('counts every ack and every delivery to every receiver, with HDR percentiles, across threads', async () => {
    const probe = new Probe(2);
    try {
      await probe.connect({ socketUrl: bare.url, tokens: ['unused'], count: 6, roomIds: ['a', 'b'], role: 'receiver' });
      await probe.connect({ socketUrl: bare.url, tokens: ['unused'], count: 2, roomIds: ['a', 'b'], role: 'sender' });
      await probe.send('t', 40, 1);
      // 40 sends, half to each room, each room has 3 receivers.
      await probe.waitForDeliveries(120, 10_000);
      const result = await probe.collect();
      expect(result).toMatchObject({ sent: 40, failed: 0, delivered: 120 });
      expect(result.ack.count).toBe(40);
      expect(result.delivery.count).toBe(120);
      expect(result.delivery.p50).toBeGreaterThan(0);
      expect(result.delivery.p99).toBeGreaterThanOrEqual(result.delivery.p50);
      expect(result.delivery.max).toBeLessThan(10_000);
      expect(await probe.collect()).toMatchObject({ sent: 0, delivered: 0 });
    } finally {
      await probe.close();
    }
  });
});
