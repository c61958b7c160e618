import type { LatencySummary } from './latency-histogram.ts';
import type { BenchSizes } from './bench-sizes.ts';
import type { FanOutPoint, StackAckPoint } from './report-measures.ts';
import type { PeerResults } from './peers/measures.ts';
import { peersMarkdown } from './peers/peers-markdown.ts';

/** What `npm run bench` measured (bench/results/latest.json). */
export interface BenchResults {
  measuredAt: string;
  quick: boolean;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    node: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  sizes: BenchSizes;
  ackLatency: {
    hotRoomAt1000: StackAckPoint;
    spreadOver100RoomsAt1000: StackAckPoint;
    ladder: StackAckPoint[];
    highestRateWithP99Under50ms: number;
  };
  fanOut: Array<{
    gateway: FanOutPoint;
    gatewayBatched: FanOutPoint;
    bare: FanOutPoint;
    ratio: number;
    batchedRatio: number;
  }>;
  idleConnections: Record<
    'gateway' | 'bare',
    { sockets: number; rssBeforeMiB: number; rssAfterMiB: number; kibPerConnection: number }
  >;
  resume: { clients: number; missedMessages: number; seconds: number; lost: number };
  history: { events: number; samples: number; loadSeconds: number; pageMs: LatencySummary };
  /** Present with `--peers`. */
  peers?: PeerResults;
}

const n = (value: number) => value.toLocaleString('en-US');

/** latest.md: the figures as tables, the machine and its load, and the two plots. */
export function reportMarkdown(r: BenchResults): string {
  const { machine: m, ackLatency: a } = r;
  // Only the load before the run says whether other work shared the machine: the end figure is mostly the run's own.
  const contended = (m.loadAverageAtStart[0] ?? 0) > m.cores;
  return [
    `# Benchmark report${r.quick ? ' (quick run: smaller sizes)' : ''}`,
    '',
    `Measured ${r.measuredAt} on ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}; ` +
      'the stack, a bare Socket.IO',
    `server and the load generator (worker threads) all on this machine. Load average (1/5/15 min) at start`,
    `${m.loadAverageAtStart.join(' / ')}, at end ${m.loadAverageAtEnd.join(' / ')}.`,
    ...(contended
      ? ['', `**Contended machine** (load average above ${m.cores} cores at start): these figures are only indicative.`]
      : []),
    '',
    '## (a) send → persisted → ack, and → delivered',
    '',
    'Senders do not join; one receiver per room does (batched delivery, the SDK default): delivery is send → arrival.',
    '',
    '| where | offered msg/s | sent msg/s | refused | ack p50 ms | ack p99 ms | ack max ms | delivery p50 / p99 ms | not delivered |',
    '|---|---|---|---|---|---|---|---|---|',
    ackRow('one hot room (50 sockets)', a.hotRoomAt1000),
    ackRow('100 rooms (100 sockets)', a.spreadOver100RoomsAt1000),
    ...a.ladder.filter((p) => p !== a.spreadOver100RoomsAt1000).map((p) => ackRow('100 rooms', p)),
    '',
    `Highest offered rate with ack p99 ≤ 50 ms and nothing refused: **${n(a.highestRateWithP99Under50ms)} msg/s**` +
      `${a.highestRateWithP99Under50ms === 0 ? ' (none of the rates tried)' : ''}.`,
    '',
    '### Where the ack time goes',
    '',
    'p50 / p99 ms of each stage as the services time it (their Prometheus histograms, interpolated within a bucket)',
    "beside the probe's own figure, the group commit's commands per transaction, and each process's CPU in cores",
    '(1 = one core busy all the time) during the phase. The probe is the load generator on the same cores.',
    '',
    '| where | offered msg/s | probe: send → ack | gateway: event → ack | gateway → chat request | commit transaction | commands per commit | CPU cores by process | CPU total |',
    '|---|---|---|---|---|---|---|---|---|',
    breakdownRow('one hot room', a.hotRoomAt1000),
    ...a.ladder.map((p) => breakdownRow('100 rooms', p)),
    '',
    '![ack latency against offered rate](latency-vs-rate.svg)',
    '',
    `## (b) fan-out to one room (${n(r.sizes.fanOutMessagesPerSecond)} msg/s for ${r.sizes.phaseSeconds} s)`,
    '',
    '| sockets | offered deliveries/s | gateway deliveries/s | bare Socket.IO deliveries/s | ratio ' +
      '| gateway delivery p50 / p99 ms | bare p50 / p99 ms | not delivered (gateway / bare) |',
    '|---|---|---|---|---|---|---|---|',
    ...r.fanOut.map(
      (p) =>
        `| ${n(p.gateway.sockets)} | ${n(p.gateway.sockets * p.gateway.messagesPerSecond)} ` +
        `| ${n(p.gateway.deliveriesPerSecond)} | ${n(p.bare.deliveriesPerSecond)} | ${p.ratio} ` +
        `| ${p.gateway.deliveryMs.p50} / ${p.gateway.deliveryMs.p99} ` +
        `| ${p.bare.deliveryMs.p50} / ${p.bare.deliveryMs.p99} ` +
        `| ${n(p.gateway.notDelivered)} / ${n(p.bare.notDelivered)} |`,
    ),
    '',
    'With batched delivery (the handshake asks for `roomEvents` frames; the bare server has no such mode):',
    '',
    '| sockets | gateway batched deliveries/s | ratio to bare | batched delivery p50 / p99 ms | not delivered |',
    '|---|---|---|---|---|',
    ...r.fanOut.map(
      (p) =>
        `| ${n(p.gatewayBatched.sockets)} | ${n(p.gatewayBatched.deliveriesPerSecond)} | ${p.batchedRatio} | ${p.gatewayBatched.deliveryMs.p50} / ${p.gatewayBatched.deliveryMs.p99} | ${n(p.gatewayBatched.notDelivered)} |`,
    ),
    '',
    '![fan-out against subscribers](fan-out.svg)',
    '',
    `## (c) memory per idle connection (${n(r.idleConnections.gateway.sockets)} sockets on /chat)`,
    '',
    '| server | RSS before MiB | RSS after MiB | KiB per connection |',
    '|---|---|---|---|',
    ...(['gateway', 'bare'] as const).map((k) => {
      const c = r.idleConnections[k];
      const name = k === 'bare' ? 'bare Socket.IO' : 'gateway';
      return `| ${name} | ${n(c.rssBeforeMiB)} | ${n(c.rssAfterMiB)} | ${c.kibPerConnection} |`;
    }),
    '',
    '## (d) resume',
    '',
    `${n(r.resume.clients)} clients (batched delivery) dropped, ${n(r.resume.missedMessages)} messages sent meanwhile, ` +
      'then all resumed after their last seq at once:',
    `every client had every missed message after **${r.resume.seconds} s**; ` +
      `missing at the end: **${n(r.resume.lost)}**.`,
    '',
    '## (e) history pages',
    '',
    `REST \`GET /api/chat/messages?before=<random seq>&limit=50\` on a room of ${n(r.history.events)} events ` +
      `(bulk-loaded in ${r.history.loadSeconds} s),`,
    `${n(r.history.samples)} pages one after another: ` +
      `p50 ${r.history.pageMs.p50} ms, p99 ${r.history.pageMs.p99} ms, max ${r.history.pageMs.max} ms.`,
    '',
    ...(r.peers ? peersMarkdown(r.peers) : []),
  ].join('\n');
}

function breakdownRow(where: string, p: StackAckPoint): string {
  const { stages, meanBatchSize, cores } = p.breakdown;
  const stageCells = stages.map((stage) => `${stage.p50Ms} / ${stage.p99Ms}`);
  const byProcess = Object.entries(cores)
    .filter(([, used]) => used > 0)
    .sort(([, x], [, y]) => y - x)
    .map(([name, used]) => `${name} ${used}`)
    .join(', ');
  const total = Math.round(Object.values(cores).reduce((sum, used) => sum + used, 0) * 100) / 100;
  return (
    `| ${where} | ${n(p.offeredPerSecond)} | ${p.ackMs.p50} / ${p.ackMs.p99} | ${stageCells.join(' | ')} ` +
    `| ${meanBatchSize} | ${byProcess} | ${total} |`
  );
}

function ackRow(where: string, p: StackAckPoint): string {
  const { ackMs, deliveryMs } = p;
  return (
    `| ${where} | ${n(p.offeredPerSecond)} | ${n(p.sentPerSecond)} | ${n(p.failed)} ` +
    `| ${ackMs.p50} | ${ackMs.p99} | ${ackMs.max} | ${deliveryMs.p50} / ${deliveryMs.p99} | ${n(p.notDelivered)} |`
  );
}
