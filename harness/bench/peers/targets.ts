// What the peers' workloads load: a server the probe can reach (the gateway in either delivery mode, the bare
// Socket.IO server, Centrifugo), and the processes whose CPU time counts as that server's.
import type { Stack } from '../../src/stack/index.ts';
import { cpuMsOfTrees } from './process-cpu.ts';

/** The worker that drives Centrifugo's clients (centrifuge-js) for the probe. */
export const centrifugoProbeWorker = new URL('./centrifugo-probe-worker.ts', import.meta.url);

/** A server the probe can load: where its clients connect, with which credentials, into which room or channel. */
export interface ProbeTarget {
  socketUrl: string;
  tokens: { writer: string; reader: string };
  roomId: string;
  /** The probe worker speaking its protocol (the Socket.IO one when absent). */
  worker?: URL;
  /** `batched`: the receivers ask for `roomEvents` frames at the handshake (the gateway's opt-in). */
  delivery?: 'batched';
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
export async function cpuMeter(target: ProbeTarget): Promise<(count: number) => Promise<CpuCost>> {
  const before = { edge: await cpuMsOfTrees([target.pids.edge]), all: await cpuMsOfTrees(target.pids.all) };
  return async (count) => {
    const per1000 = (ms: number) => Math.round((ms / Math.max(1, count)) * 1000 * 10) / 10;
    return {
      edgeMsPer1000: per1000((await cpuMsOfTrees([target.pids.edge])) - before.edge),
      allMsPer1000: per1000((await cpuMsOfTrees(target.pids.all)) - before.all),
    };
  };
}
