// The two workloads `npm run bench -- --peers` runs on each server with the same probe (worker threads, HDR
// histograms): publish → ack into one room or channel, and one fan-out round.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { nowMs } from '../probe-protocol.ts';
import { Probe } from '../probe.ts';
import { ackPointOf, sendTimed, type AckPoint, type FanOutPoint } from '../report-measures.ts';
import { cpuMeter, type CpuCost, type ProbeTarget } from './targets.ts';

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
    const elapsed = await sendTimed(probe, rate, seconds);
    const result = await probe.collect();
    return { ...ackPointOf(rate, elapsed, result), cpu: await meter(result.sent - result.failed) };
  } finally {
    await probe.close();
  }
}

/**
 * One fan-out round: `sockets` subscribers in the target's room (in its delivery mode), one publisher sends
 * `messages` at `rate`; deliveries per second from the first send to the last arrival (the capacity, when the
 * offered load is above it), and delivery latency, which at that load is mostly time queued in the server and
 * the probe.
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
    await probe.connect({
      ...room,
      tokens: [target.tokens.reader],
      count: sockets,
      role: 'receiver',
      delivery: target.delivery,
    });
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
