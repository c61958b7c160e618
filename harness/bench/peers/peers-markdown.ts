import {
  batchedToCentrifugoTarget,
  fanOutServers,
  type FanOutRounds,
  type FanOutServer,
  type FanOutSize,
  type Spread,
} from './fan-out-rounds.ts';
import type { PeerResults } from './measures.ts';
import type { PeerAckPoint, PeerFanOutPoint } from './workloads.ts';

const n = (value: number) => value.toLocaleString('en-US');
const range = (s: Spread, format: (v: number) => string = n) =>
  s.min === s.max ? format(s.min) : `${format(s.min)}–${format(s.max)}`;
/** CPU ms per 1,000: the edge process, and the whole server when more processes do the work (the gateway's stack). */
function cpu<T extends number | Spread>(edge: T, all: T): string {
  const show = (v: number | Spread) => (typeof v === 'number' ? String(v) : range(v, String));
  return show(edge) === show(all) ? show(edge) : `${show(edge)} (stack ${show(all)})`;
}

const serverNames: Record<FanOutServer, string> = {
  gateway: 'gateway, one frame per event',
  gatewayBatched: 'gateway, batched',
  bare: 'bare Socket.IO',
  centrifugo: 'Centrifugo',
};

/** Whether batched delivery reached the target in each round, said in words. */
export function batchedVerdict(ratios: readonly number[]): string {
  const met = ratios.filter((r) => r >= batchedToCentrifugoTarget).length;
  const target = `≥ ${batchedToCentrifugoTarget}× Centrifugo`;
  if (met === ratios.length) return `batched ${target}: reached in every round`;
  if (met === 0) return `batched ${target}: not reached in any round`;
  return `batched ${target}: reached in ${met} of ${ratios.length} rounds`;
}

/** The rounds of one size side by side: each server's deliveries/s and edge CPU per 1,000, and the ratios. */
function roundsTable(f: FanOutSize): string[] {
  const cell = (p: PeerFanOutPoint) =>
    `${n(p.deliveriesPerSecond)}/s, ${cpu(p.cpu.edgeMsPer1000, p.cpu.allMsPer1000)} ms`;
  return [
    `| round | ${fanOutServers.map((s) => serverNames[s]).join(' | ')} | batched ÷ Centrifugo | one frame per event ÷ Centrifugo |`,
    `|---|${fanOutServers.map(() => '---|').join('')}---|---|`,
    ...f.batchedToCentrifugo.map(
      (ratio, k) =>
        `| ${k + 1} | ${fanOutServers.map((s) => cell(f[s].rounds[k]!)).join(' | ')} | ${ratio} | ${f.gatewayToCentrifugo[k]!} |`,
    ),
  ];
}

/** Section (f) of latest.md: the gateway beside Centrifugo, measured in the same run. */
export function peersMarkdown(p: PeerResults): string[] {
  const ackRow = (server: string, meaning: string, a: PeerAckPoint) =>
    `| ${server} | ${meaning} | ${n(a.sentPerSecond)} | ${n(a.failed)} | ${a.ackMs.p50} | ${a.ackMs.p99} | ${a.ackMs.max} | ${cpu(a.cpu.edgeMsPer1000, a.cpu.allMsPer1000)} |`;
  const fanRow = (server: string, r: FanOutRounds) =>
    `| ${server} | ${range(r.deliveriesPerSecond)} | ${range(r.deliveryP50Ms, String)} / ${range(r.deliveryP99Ms, String)} | ${n(r.notDelivered)} | ${cpu(r.edgeCpuMsPer1000, r.allCpuMsPer1000)} |`;
  return [
    `## (f) beside Centrifugo ${p.centrifugo.version}`,
    '',
    `Centrifugo ${p.centrifugo.version} (built from the Go module proxy), memory engine, one namespace with history`,
    `(${n(p.centrifugo.history.size)} publications, TTL ${p.centrifugo.history.ttl}) and forced recovery, clients publishing; its clients are`,
    `${p.centrifugo.protocol} on the probe's worker threads. It passed the harness self-check (publications once and`,
    'in order at two subscribers, a reconnecting subscriber recovered from history) before these figures.',
    '',
    `### Publish → ack, ${n(p.sizes.ackRate)} msg/s offered into one room / channel from ${n(p.sizes.ackSenders)} connections`,
    '',
    '| server | the ack means | sent msg/s | refused | p50 ms | p99 ms | max ms | server CPU ms per 1,000 acks |',
    '|---|---|---|---|---|---|---|---|',
    ackRow('gateway', 'committed to Postgres (fsync on)', p.ack.gateway),
    ackRow('Centrifugo', 'in its memory history', p.ack.centrifugo),
    '',
    `### Fan-out: one publisher, ${n(p.sizes.fanOutRate)} msg/s offered into one room / channel, ${p.sizes.rounds} rounds per server`,
    '',
    'Deliveries/s from the first send to the last arrival; the offered load is above what each server delivers',
    'here, so delivery latency is mostly time queued. The gateway runs twice per round: its receivers take one frame',
    'per event, then they opt in to batched delivery (`roomEvents` frames). The four servers take turns within a',
    'round, the order rotating from round to round; ratios are taken within a round. Server CPU is user + system',
    'time read from /proc over the measure: the gateway process, and in brackets its whole stack (gateway, chat,',
    'auth, notify, NATS, Postgres with its backends); it is disturbed much less by other load on the machine than',
    'the rates are.',
    '',
    ...p.fanOut.flatMap((f) => [
      `#### ${n(f.sockets)} subscribers, ${n(f.messages)} messages per round (${batchedVerdict(f.batchedToCentrifugo)})`,
      '',
      'Round by round: deliveries/s, and server CPU ms per 1,000 deliveries.',
      '',
      ...roundsTable(f),
      '',
      'Lowest–highest of the rounds:',
      '',
      '| server | deliveries/s | delivery p50 / p99 ms | not delivered | server CPU ms per 1,000 deliveries |',
      '|---|---|---|---|---|',
      ...fanOutServers.map((s) => fanRow(serverNames[s], f[s])),
      '',
    ]),
  ];
}
