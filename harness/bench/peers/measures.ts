// The measurements of `npm run bench -- --peers`: the gateway's workloads run against Centrifugo by the same
// probe (worker threads, HDR histograms), with Centrifugo's own client in the probe's workers.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { nowMs } from '../probe-protocol.ts';
import { Probe } from '../probe.ts';
import type { AckPoint, FanOutPoint } from '../report-measures.ts';
import type { Stack } from '../../src/stack/index.ts';
import { centrifugoHistory, type CentrifugoPeer } from './centrifugo.ts';
import { cpuMsOfTrees } from './process-cpu.ts';

/** The worker that drives Centrifugo's clients (centrifuge-js) for the probe. */
export const centrifugoProbeWorker = new URL('./centrifugo-probe-worker.ts', import.meta.url);

export interface PeerSizes {
  /** Publish → ack: connections publishing into one channel, and their total rate (msg/s). */
  ackSenders: number;
  ackRate: number;
  /** Fan-out: subscribers in one channel, and the messages one publisher sends per round at `fanOutRate`. */
  fanOutSockets: number[];
  fanOutMessages: number[];
  /** Offered msg/s into the fan-out channel: × subscribers it is above what either server delivers here. */
  fanOutRate: number;
  rounds: number;
}

export const fullPeerSizes: PeerSizes = {
  ackSenders: 50,
  ackRate: 1000,
  fanOutSockets: [400, 2000],
  fanOutMessages: [1000, 200],
  fanOutRate: 2000,
  rounds: 3,
};

export const quickPeerSizes: PeerSizes = {
  ackSenders: 50,
  ackRate: 1000,
  fanOutSockets: [100, 400],
  fanOutMessages: [500, 250],
  fanOutRate: 2000,
  rounds: 2,
};

/** A server the probe can load: where its clients connect, with which credentials, into which room or channel. */
export interface ProbeTarget {
  socketUrl: string;
  tokens: { writer: string; reader: string };
  roomId: string;
  /** The probe worker speaking its protocol (the Socket.IO one when absent). */
  worker?: URL;
  /** The server's processes: the one the clients talk to first, then any behind it (the gateway's stack). */
  pids: { edge: number; all: number[] };
}

/** The gateway is the edge; behind it, every other process of its stack does part of the work. */
export function stackPids(stack: Stack): ProbeTarget['pids'] {
  return {
    edge: stack.pid('gateway')!,
    all: [...stack.services, 'nats' as const, 'postgres' as const]
      .map((name) => stack.pid(name))
      .filter((pid) => pid !== undefined),
  };
}

/** CPU the server's processes used during a measure, per 1,000 acks or deliveries (ms). */
export interface CpuCost {
  edgeMsPer1000: number;
  allMsPer1000: number;
}

/** Starts counting the target's CPU; the returned function gives it per 1,000 of `count` units of work. */
async function cpuMeter(target: ProbeTarget): Promise<(count: number) => Promise<CpuCost>> {
  const before = { edge: await cpuMsOfTrees([target.pids.edge]), all: await cpuMsOfTrees(target.pids.all) };
  return async (count) => {
    const per1000 = (ms: number) => Math.round((ms / Math.max(1, count)) * 1000 * 10) / 10;
    return {
      edgeMsPer1000: per1000((await cpuMsOfTrees([target.pids.edge])) - before.edge),
      allMsPer1000: per1000((await cpuMsOfTrees(target.pids.all)) - before.all),
    };
  };
}

export type PeerAckPoint = AckPoint & { cpu: CpuCost };
export type PeerFanOutPoint = FanOutPoint & { cpu: CpuCost };

function probeFor(target: ProbeTarget): Probe {
  return new Probe(Math.max(2, availableParallelism()), target.worker);
}

/** Publish → ack at `rate` from `senders` connections into the target's one room or channel. */
export async function ackLatencyOf(
  target: ProbeTarget,
  senders: number,
  rate: number,
  seconds: number,
): Promise<PeerAckPoint> {
  const probe = probeFor(target);
  try {
    await probe.connect({
      socketUrl: target.socketUrl,
      tokens: [target.tokens.writer],
      count: senders,
      roomIds: [target.roomId],
      role: 'sender',
    });
    const meter = await cpuMeter(target);
    const began = nowMs();
    await probe.send(randomUUID().slice(0, 8), rate, seconds);
    const elapsed = (nowMs() - began) / 1000;
    const result = await probe.collect();
    return {
      offeredPerSecond: rate,
      sentPerSecond: Math.round(result.sent / elapsed),
      failed: result.failed,
      ackMs: result.ack,
      cpu: await meter(result.sent - result.failed),
    };
  } finally {
    await probe.close();
  }
}

/**
 * One fan-out round: `sockets` subscribers in the target's room, one publisher sends `messages` at `rate`;
 * deliveries per second from the first send to the last arrival (the capacity, when the offered load is above
 * it), and delivery latency, which at that load is mostly time queued in the server and the probe.
 */
export async function fanOutRound(
  target: ProbeTarget,
  sockets: number,
  messages: number,
  rate: number,
): Promise<PeerFanOutPoint> {
  const probe = probeFor(target);
  try {
    const room = { socketUrl: target.socketUrl, roomIds: [target.roomId] };
    await probe.connect({ ...room, tokens: [target.tokens.reader], count: sockets, role: 'receiver' });
    await probe.connect({ ...room, tokens: [target.tokens.writer], count: 1, role: 'sender' });
    const meter = await cpuMeter(target);
    const began = nowMs();
    await probe.send(randomUUID().slice(0, 8), rate, messages / rate, 1);
    await probe.waitForDeliveries(messages * sockets, 120_000);
    const result = await probe.collect();
    const cpu = await meter(result.delivered);
    return {
      cpu,
      sockets,
      messagesPerSecond: rate,
      deliveriesPerSecond: Math.round(result.delivered / Math.max(0.001, (result.lastDeliveryAt - began) / 1000)),
      notDelivered: (result.sent - result.failed) * sockets - result.delivered,
      deliveryMs: result.delivery,
    };
  } finally {
    await probe.close();
  }
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

/** What `--peers` adds to bench/results/latest.json. */
export interface PeerResults {
  centrifugo: { version: string; protocol: string; history: { size: number; ttl: string } };
  sizes: PeerSizes;
  /** Publish → ack into one channel: the gateway's ack is "committed to Postgres", Centrifugo's "in memory history". */
  ack: { gateway: PeerAckPoint; centrifugo: PeerAckPoint };
  fanOut: Array<{
    sockets: number;
    messages: number;
    gateway: FanOutRounds;
    bare: FanOutRounds;
    centrifugo: FanOutRounds;
    /** Gateway ÷ Centrifugo deliveries/s, round by round (each pair measured one after the other). */
    gatewayToCentrifugo: number[];
  }>;
}

/**
 * The gateway's ack and fan-out workloads against Centrifugo, one after the other in this run: ack at
 * `sizes.ackRate` into one room / channel, then, for each size, `sizes.rounds` fan-out rounds alternating the
 * gateway, the bare Socket.IO server and Centrifugo (a fresh channel per Centrifugo round).
 */
export async function compareWithCentrifugo(options: {
  centrifugo: CentrifugoPeer;
  sizes: PeerSizes;
  phaseSeconds: number;
  gateway: {
    socketUrl: string;
    tokens: { writer: string; reader: string };
    hotRoom: string;
    fanOutRoom: string;
    pids: ProbeTarget['pids'];
  };
  bare: { url: string; pid: number };
  log: (line: string) => void;
}): Promise<PeerResults> {
  const { centrifugo, sizes, gateway, log } = options;
  const peerTokens = {
    writer: await centrifugo.tokenFor('bench-writer'),
    reader: await centrifugo.tokenFor('bench-reader'),
  };
  const centrifugoTarget = (channel: string): ProbeTarget => ({
    socketUrl: centrifugo.websocketUrl,
    tokens: peerTokens,
    roomId: centrifugo.channel(channel),
    worker: centrifugoProbeWorker,
    pids: { edge: centrifugo.pid, all: [centrifugo.pid] },
  });
  const gatewayTarget = (roomId: string): ProbeTarget => ({
    socketUrl: gateway.socketUrl,
    tokens: gateway.tokens,
    roomId,
    pids: gateway.pids,
  });

  const ack = {
    gateway: await ackLatencyOf(gatewayTarget(gateway.hotRoom), sizes.ackSenders, sizes.ackRate, options.phaseSeconds),
    centrifugo: await ackLatencyOf(
      centrifugoTarget(`ack-${randomUUID()}`),
      sizes.ackSenders,
      sizes.ackRate,
      options.phaseSeconds,
    ),
  };
  log(
    `  ack at ${sizes.ackRate} msg/s: gateway p50 ${ack.gateway.ackMs.p50} / p99 ${ack.gateway.ackMs.p99} ms, Centrifugo p50 ${ack.centrifugo.ackMs.p50} / p99 ${ack.centrifugo.ackMs.p99} ms`,
  );

  const fanOut: PeerResults['fanOut'] = [];
  for (const [i, sockets] of sizes.fanOutSockets.entries()) {
    const messages = sizes.fanOutMessages[i]!;
    const rounds = {
      gateway: [] as PeerFanOutPoint[],
      bare: [] as PeerFanOutPoint[],
      centrifugo: [] as PeerFanOutPoint[],
    };
    for (let round = 1; round <= sizes.rounds; round++) {
      const targets = {
        gateway: gatewayTarget(gateway.fanOutRoom),
        bare: {
          socketUrl: options.bare.url,
          tokens: gateway.tokens,
          roomId: 'bench',
          pids: { edge: options.bare.pid, all: [options.bare.pid] },
        },
        centrifugo: centrifugoTarget(`fan-out-${randomUUID()}`),
      };
      for (const server of ['gateway', 'bare', 'centrifugo'] as const)
        rounds[server].push(await fanOutRound(targets[server], sockets, messages, sizes.fanOutRate));
      log(
        `  ${sockets} sockets, round ${round}: gateway ${rounds.gateway.at(-1)!.deliveriesPerSecond}/s, bare ${rounds.bare.at(-1)!.deliveriesPerSecond}/s, Centrifugo ${rounds.centrifugo.at(-1)!.deliveriesPerSecond}/s`,
      );
    }
    fanOut.push({
      sockets,
      messages,
      gateway: summarizeRounds(rounds.gateway),
      bare: summarizeRounds(rounds.bare),
      centrifugo: summarizeRounds(rounds.centrifugo),
      gatewayToCentrifugo: rounds.gateway.map(
        (p, k) =>
          Math.round((p.deliveriesPerSecond / Math.max(1, rounds.centrifugo[k]!.deliveriesPerSecond)) * 100) / 100,
      ),
    });
  }
  return {
    centrifugo: {
      version: centrifugo.version,
      protocol: 'JSON over WebSocket (centrifuge-js)',
      history: centrifugoHistory,
    },
    sizes,
    ack,
    fanOut,
  };
}
