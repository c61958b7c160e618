import type { FanOutRounds, PeerAckPoint, PeerResults, Spread } from './measures.ts';

const n = (value: number) => value.toLocaleString('en-US');
const range = (s: Spread, format: (v: number) => string = n) =>
  s.min === s.max ? format(s.min) : `${format(s.min)}–${format(s.max)}`;
/** CPU ms per 1,000: the edge process, and the whole server when more processes do the work (the gateway's stack). */
function cpu<T extends number | Spread>(edge: T, all: T): string {
  const show = (v: number | Spread) => (typeof v === 'number' ? String(v) : range(v, String));
  return show(edge) === show(all) ? show(edge) : `${show(edge)} (stack ${show(all)})`;
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
    'here, so delivery latency is mostly time queued. Figures are the lowest–highest of the rounds; the rounds of',
    'the three servers alternate. Server CPU is user + system time read from /proc over the measure: the gateway',
    'process, and in brackets its whole stack (gateway, chat, auth, notify, NATS, Postgres with its backends); it is',
    'disturbed much less by other load on the machine than the rates are.',
    '',
    ...p.fanOut.flatMap((f) => [
      `${n(f.sockets)} subscribers, ${n(f.messages)} messages per round (gateway ÷ Centrifugo per round: ${f.gatewayToCentrifugo.join(', ')}):`,
      '',
      '| server | deliveries/s | delivery p50 / p99 ms | not delivered | server CPU ms per 1,000 deliveries |',
      '|---|---|---|---|---|',
      fanRow('gateway', f.gateway),
      fanRow('bare Socket.IO', f.bare),
      fanRow('Centrifugo', f.centrifugo),
      '',
    ]),
  ];
}
