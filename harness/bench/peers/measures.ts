// The run of `npm run bench -- --peers`: the gateway's ack and fan-out workloads beside Centrifugo (and the bare
// Socket.IO server), one after the other in this run, by the same probe.
import { randomUUID } from 'node:crypto';
import { centrifugoHistory, type CentrifugoPeer } from './centrifugo.ts';
import { fanOutServers, roundOrder, summarizeFanOut, type FanOutServer, type FanOutSize } from './fan-out-rounds.ts';
import type { PeerSizes } from './sizes.ts';
import { centrifugoProbeWorker, type ProbeTarget } from './targets.ts';
import { ackLatencyOf, fanOutRound, type PeerAckPoint, type PeerFanOutPoint } from './workloads.ts';

/** What `--peers` adds to bench/results/latest.json. */
export interface PeerResults {
  centrifugo: { version: string; protocol: string; history: { size: number; ttl: string } };
  sizes: PeerSizes;
  /** Publish → ack into one channel: the gateway's ack is "committed to Postgres", Centrifugo's "in memory history". */
  ack: { gateway: PeerAckPoint; centrifugo: PeerAckPoint };
  fanOut: FanOutSize[];
}

/**
 * Ack at `sizes.ackRate` into one room / channel on the gateway, then on Centrifugo; then, for each size,
 * `sizes.rounds` fan-out rounds in which the gateway (one frame per event), the gateway with batched delivery,
 * the bare Socket.IO server and Centrifugo (a fresh channel per round) take turns in a rotating order.
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
  const fanOutTargets = (): Record<FanOutServer, ProbeTarget> => ({
    gateway: gatewayTarget(gateway.fanOutRoom),
    gatewayBatched: { ...gatewayTarget(gateway.fanOutRoom), delivery: 'batched' },
    bare: {
      socketUrl: options.bare.url,
      tokens: gateway.tokens,
      roomId: 'bench',
      pids: { edge: options.bare.pid, all: [options.bare.pid] },
    },
    centrifugo: centrifugoTarget(`fan-out-${randomUUID()}`),
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

  const fanOut: FanOutSize[] = [];
  for (const [i, sockets] of sizes.fanOutSockets.entries()) {
    const messages = sizes.fanOutMessages[i]!;
    const rounds = Object.fromEntries(fanOutServers.map((server) => [server, [] as PeerFanOutPoint[]])) as Record<
      FanOutServer,
      PeerFanOutPoint[]
    >;
    const orders: FanOutServer[][] = [];
    // One uncounted round per server before the first size's rounds: a fresh server speeds up over its first
    // rounds as V8 optimises its path, which would count against whichever ran cold (the bare server here).
    if (i === 0) {
      const targets = fanOutTargets();
      for (const server of fanOutServers) await fanOutRound(targets[server], sockets, messages, sizes.fanOutRate);
      log(`  ${sockets} sockets: warm-up round done (not counted)`);
    }
    for (let round = 1; round <= sizes.rounds; round++) {
      const targets = fanOutTargets();
      const order = roundOrder(round);
      orders.push(order);
      for (const server of order)
        rounds[server].push(await fanOutRound(targets[server], sockets, messages, sizes.fanOutRate));
      const rate = (server: FanOutServer) => rounds[server].at(-1)!.deliveriesPerSecond;
      log(
        `  ${sockets} sockets, round ${round}: gateway ${rate('gateway')}/s, batched ${rate('gatewayBatched')}/s, bare ${rate('bare')}/s, Centrifugo ${rate('centrifugo')}/s (batched ÷ Centrifugo ${Math.round((rate('gatewayBatched') / Math.max(1, rate('centrifugo'))) * 100) / 100})`,
      );
    }
    fanOut.push(summarizeFanOut({ sockets, messages, orders }, rounds));
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
