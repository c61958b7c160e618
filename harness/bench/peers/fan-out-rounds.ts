// How the fan-out rounds of `npm run bench -- --peers` are ordered and summarized: four servers (the gateway in
// both delivery modes, the bare Socket.IO server, Centrifugo) take turns within each round, the order rotating
// from round to round so that no server always runs first or last; the ratios are taken within a round.
import type { PeerFanOutPoint } from './workloads.ts';

/** The servers of a fan-out round: the gateway one frame per event, the gateway batched, bare Socket.IO, Centrifugo. */
export const fanOutServers = ['gateway', 'gatewayBatched', 'bare', 'centrifugo'] as const;
export type FanOutServer = (typeof fanOutServers)[number];

/** Issue 14, target 3: batched delivery at ≥ 0.5× Centrifugo's deliveries/s in the same run. */
export const batchedToCentrifugoTarget = 0.5;

/** The order of the servers in round `round` (from 1): the list rotated by one per round. */
export function roundOrder(round: number): FanOutServer[] {
  const shift = (round - 1) % fanOutServers.length;
  return [...fanOutServers.slice(shift), ...fanOutServers.slice(0, shift)];
}

/** The lowest and highest of several rounds' figures. */
export interface Spread {
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** One server's fan-out rounds at one size, summarized. */
export interface FanOutRounds {
  rounds: PeerFanOutPoint[];
  deliveriesPerSecond: Spread;
  edgeCpuMsPer1000: Spread;
  allCpuMsPer1000: Spread;
  deliveryP50Ms: Spread;
  deliveryP99Ms: Spread;
  notDelivered: number;
}

export function summarizeRounds(rounds: PeerFanOutPoint[]): FanOutRounds {
  const of = (pick: (p: PeerFanOutPoint) => number) => spread(rounds.map(pick));
  return {
    rounds,
    deliveriesPerSecond: of((p) => p.deliveriesPerSecond),
    edgeCpuMsPer1000: of((p) => p.cpu.edgeMsPer1000),
    allCpuMsPer1000: of((p) => p.cpu.allMsPer1000),
    deliveryP50Ms: of((p) => p.deliveryMs.p50),
    deliveryP99Ms: of((p) => p.deliveryMs.p99),
    notDelivered: rounds.reduce((sum, p) => sum + p.notDelivered, 0),
  };
}

/** Every server's rounds at one size, and the gateway's ratios to Centrifugo round by round. */
export type FanOutSize = Record<FanOutServer, FanOutRounds> & {
  sockets: number;
  messages: number;
  /** The order the servers ran in, round by round. */
  orders: FanOutServer[][];
  /** Gateway (one frame per event) ÷ Centrifugo deliveries/s, round by round. */
  gatewayToCentrifugo: number[];
  /** Gateway with batched delivery ÷ Centrifugo deliveries/s, round by round (target ≥ 0.5). */
  batchedToCentrifugo: number[];
};

/** `a`'s deliveries/s over `b`'s, round by round, to two decimals. */
export function ratiosByRound(a: readonly PeerFanOutPoint[], b: readonly PeerFanOutPoint[]): number[] {
  return a.map((p, k) => Math.round((p.deliveriesPerSecond / Math.max(1, b[k]!.deliveriesPerSecond)) * 100) / 100);
}

export function summarizeFanOut(
  size: { sockets: number; messages: number; orders: FanOutServer[][] },
  rounds: Record<FanOutServer, PeerFanOutPoint[]>,
): FanOutSize {
  return {
    ...size,
    gateway: summarizeRounds(rounds.gateway),
    gatewayBatched: summarizeRounds(rounds.gatewayBatched),
    bare: summarizeRounds(rounds.bare),
    centrifugo: summarizeRounds(rounds.centrifugo),
    gatewayToCentrifugo: ratiosByRound(rounds.gateway, rounds.centrifugo),
    batchedToCentrifugo: ratiosByRound(rounds.gatewayBatched, rounds.centrifugo),
  };
}
