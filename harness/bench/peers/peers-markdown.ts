import type { AckPoint } from '../report-measures.ts';
import type { FanOutRounds, PeerResults, Spread } from './measures.ts';

const n = (value: number) => value.toLocaleString('en-US');
const range = (s: Spread, format: (v: number) => string = n) =>
  s.min === s.max ? format(s.min) : `${format(s.min)}–${format(s.max)}`;

/** Section (f) of latest.md: the gateway beside Centrifugo, measured in the same run. */
export function peersMarkdown(p: PeerResults): string[] {
  const ackRow = (server: string, meaning: string, a: AckPoint) =>
    `| ${server} | ${meaning} | ${n(a.sentPerSecond)} | ${n(a.failed)} | ${a.ackMs.p50} | ${a.ackMs.p99} | ${a.ackMs.max} |`;
  const fanRow = (server: string, r: FanOutRounds) =>
    `| ${server} | ${range(r.deliveriesPerSecond)} | ${range(r.deliveryP50Ms, String)} / ${range(r.deliveryP99Ms, String)} | ${n(r.notDelivered)} |`;
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
    '| server | the ack means | sent msg/s | refused | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|---|',
    ackRow('gateway', 'committed to Postgres (fsync on)', p.ack.gateway),
    ackRow('Centrifugo', 'in its memory history', p.ack.centrifugo),
    '',
    `### Fan-out: one publisher, ${n(p.sizes.fanOutRate)} msg/s offered into one room / channel, ${p.sizes.rounds} rounds per server`,
    '',
    'Deliveries/s from the first send to the last arrival; the offered load is above what each server delivers',
    'here, so delivery latency is mostly time queued. Figures are the lowest–highest of the rounds; the rounds of',
    'the three servers alternate.',
    '',
    ...p.fanOut.flatMap((f) => [
      `${n(f.sockets)} subscribers, ${n(f.messages)} messages per round (gateway ÷ Centrifugo per round: ${f.gatewayToCentrifugo.join(', ')}):`,
      '',
      '| server | deliveries/s | delivery p50 / p99 ms | not delivered |',
      '|---|---|---|---|',
      fanRow('gateway', f.gateway),
      fanRow('bare Socket.IO', f.bare),
      fanRow('Centrifugo', f.centrifugo),
      '',
    ]),
  ];
}
