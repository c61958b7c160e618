import { describe, expect, it } from 'vitest';
import { fanOutServers, roundOrder, summarizeFanOut, type FanOutServer } from '../bench/peers/fan-out-rounds.ts';
import { batchedVerdict, peersMarkdown } from '../bench/peers/peers-markdown.ts';
import type { PeerResults } from '../bench/peers/measures.ts';
import { quickPeerSizes } from '../bench/peers/sizes.ts';
import type { PeerFanOutPoint } from '../bench/peers/workloads.ts';

const latency = { p50: 1, p90: 2, p99: 3, p999: 4, max: 5, count: 1 };
const point = (deliveriesPerSecond: number, edgeMsPer1000 = 1): PeerFanOutPoint => ({
  sockets: 400,
  messagesPerSecond: 2000,
  deliveriesPerSecond,
  notDelivered: 0,
  deliveryMs: latency,
  cpu: { edgeMsPer1000, allMsPer1000: edgeMsPer1000 },
});

/** Two rounds at one size: Centrifugo delivers 100k/s, the batched gateway 60k then 40k. */
function twoRounds() {
  const rounds: Record<FanOutServer, PeerFanOutPoint[]> = {
    gateway: [point(30_000, 6.4), point(20_000, 6.9)],
    gatewayBatched: [point(60_000, 2.2), point(40_000, 2.5)],
    bare: [point(45_000, 4), point(50_000, 4.8)],
    centrifugo: [point(100_000, 1.6), point(100_000, 2.1)],
  };
  return summarizeFanOut({ sockets: 400, messages: 1000, orders: [roundOrder(1), roundOrder(2)] }, rounds);
}

describe('the fan-out rounds of bench --peers', () => {
  it('rotates the order of the four servers from round to round, each running once per round', () => {
    const orders = [1, 2, 3, 4, 5].map(roundOrder);
    for (const order of orders) expect([...order].sort()).toEqual([...fanOutServers].sort());
    expect(orders.map((o) => o[0])).toEqual(['gateway', 'gatewayBatched', 'bare', 'centrifugo', 'gateway']);
  });

  it('takes each ratio to Centrifugo within its round, for both delivery modes', () => {
    const size = twoRounds();
    expect(size.batchedToCentrifugo).toEqual([0.6, 0.4]);
    expect(size.gatewayToCentrifugo).toEqual([0.3, 0.2]);
    expect(size.gatewayBatched.deliveriesPerSecond).toEqual({ min: 40_000, max: 60_000 });
    expect(size.gatewayBatched.edgeCpuMsPer1000).toEqual({ min: 2.2, max: 2.5 });
  });

  it('says whether batched delivery reached 0.5× Centrifugo, round by round', () => {
    expect(batchedVerdict([0.6, 0.5])).toBe('batched ≥ 0.5× Centrifugo: reached in every round');
    expect(batchedVerdict([0.6, 0.4])).toBe('batched ≥ 0.5× Centrifugo: reached in 1 of 2 rounds');
    expect(batchedVerdict([0.49])).toBe('batched ≥ 0.5× Centrifugo: not reached in any round');
  });

  it('reports each round with both modes, their CPU per 1,000 deliveries and the ratios', () => {
    const ack = { offeredPerSecond: 1000, sentPerSecond: 1000, failed: 0, ackMs: latency, cpu: point(0).cpu };
    const results: PeerResults = {
      centrifugo: { version: 'v6.9.1', protocol: 'JSON', history: { size: 10_000, ttl: '300s' } },
      sizes: quickPeerSizes,
      ack: { gateway: ack, centrifugo: ack },
      fanOut: [twoRounds()],
    };
    const lines = peersMarkdown(results);
    expect(lines).toContain(
      '| 1 | 30,000/s, 6.4 ms | 60,000/s, 2.2 ms | 45,000/s, 4 ms | 100,000/s, 1.6 ms | 0.6 | 0.3 |',
    );
    expect(lines).toContain(
      '| 2 | 20,000/s, 6.9 ms | 40,000/s, 2.5 ms | 50,000/s, 4.8 ms | 100,000/s, 2.1 ms | 0.4 | 0.2 |',
    );
    expect(lines).toContain('| gateway, batched | 40,000–60,000 | 1 / 3 | 0 | 2.2–2.5 |');
  });
});
