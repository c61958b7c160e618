// Where a persisted send's time goes during an ack phase of `npm run bench`: the stages the services time
// themselves (their Prometheus histograms, read before and after the phase) beside the probe's own figure, and
// how much of the 2 cores each process used meanwhile. The difference between the probe's ack and the gateway's
// is the probe and the sockets; between the gateway's ack and its NATS request, the gateway's own work.
import type { Stack } from '../src/stack/index.ts';
import { cpuMsOfTrees } from './peers/process-cpu.ts';

/** A stage's latency over the phase, estimated from its histogram's buckets (linear within a bucket). */
export interface StageLatency {
  stage: string;
  count: number;
  p50Ms: number;
  p99Ms: number;
}

export interface AckBreakdown {
  stages: StageLatency[];
  /** Commands per group-commit transaction, on average over the phase. */
  meanBatchSize: number;
  /** Each process's CPU over the phase, in cores (1 = one core busy all the time). */
  cores: Record<string, number>;
}

interface HistogramSource {
  stage: string;
  /** The service whose /metrics holds it. */
  service: 'gateway' | 'chat';
  name: string;
  labels: Record<string, string>;
}

type Buckets = Map<number, number>;

/** The bucket counts (`le` → cumulative count) of histogram `name`, summed over series carrying `labels`. */
export function histogramBuckets(exposition: string, name: string, labels: Record<string, string>): Buckets {
  const buckets: Buckets = new Map();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`)) continue;
    const labelText = line.slice(line.indexOf('{') + 1, line.lastIndexOf('}'));
    if (!wanted.every((pair) => labelText.includes(pair))) continue;
    const le = /le="([^"]+)"/.exec(labelText)?.[1];
    const count = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (le === undefined || !Number.isFinite(count)) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + count);
  }
  return buckets;
}

/** The `q` quantile in millis of the observations between two readings of the same histogram. */
export function quantileMs(before: Buckets, after: Buckets, q: number): { count: number; ms: number } {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const cumulative = bounds.map((bound) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0));
  const count = cumulative.at(-1) ?? 0;
  if (count === 0) return { count, ms: 0 };
  const rank = q * count;
  const index = cumulative.findIndex((c) => c >= rank);
  const upper = bounds[index]!;
  const lower = index === 0 ? 0 : bounds[index - 1]!;
  // Beyond the last finite bound there is nothing to interpolate towards: report that bound.
  if (upper === Infinity) return { count, ms: lower * 1000 };
  const below = index === 0 ? 0 : cumulative[index - 1]!;
  const inBucket = cumulative[index]! - below;
  const fraction = inBucket === 0 ? 1 : (rank - below) / inBucket;
  return { count, ms: Math.round((lower + (upper - lower) * fraction) * 1000 * 100) / 100 };
}

function sumAndCount(exposition: string, name: string): { sum: number; count: number } {
  const read = (suffix: string) =>
    exposition
      .split('\n')
      .filter((line) => line.startsWith(`${name}_${suffix}`))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return { sum: read('sum'), count: read('count') };
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response.text();
}

/** Runs `phase` and reads, around it, the stack's stage histograms and every process's CPU. */
export async function withAckBreakdown<T>(
  stack: Stack,
  phase: () => Promise<T>,
): Promise<{ result: T; breakdown: AckBreakdown }> {
  const sources: HistogramSource[] = [
    {
      stage: 'gateway: socket event → ack',
      service: 'gateway',
      name: 'socket_ack_duration_seconds',
      labels: { namespace: '/chat', event: 'sendMessage' },
    },
    {
      stage: 'gateway: NATS request to chat',
      service: 'gateway',
      name: 'gateway_nats_request_duration_seconds',
      labels: { subject: 'chat.cmd.sendMessage' },
    },
    {
      stage: 'chat: group-commit transaction',
      service: 'chat',
      name: 'chat_event_store_append_duration_seconds',
      labels: {},
    },
  ];
  const processes: Record<string, number> = {};
  for (const name of [...stack.services, 'nats', 'postgres'] as const) {
    const pid = stack.pid(name);
    if (pid !== undefined) processes[name] = pid;
  }
  // The probe is this process (its worker threads included), whose tree also holds the stack: count it alone.
  const cpuNow = async (): Promise<Record<string, number>> => {
    const own = process.cpuUsage();
    const services = await Promise.all(
      Object.entries(processes).map(async ([name, pid]) => [name, await cpuMsOfTrees([pid])] as const),
    );
    return { probe: (own.user + own.system) / 1000, ...Object.fromEntries(services) };
  };

  const scrapes = async () => ({
    gateway: await scrape(`${stack.urls.socket}/metrics`),
    chat: await scrape(`${stack.urls.ops.chat}/metrics`),
  });
  const textBefore = await scrapes();
  const cpuBefore = await cpuNow();
  const began = performance.now();
  const result = await phase();
  const seconds = (performance.now() - began) / 1000;
  const cpuAfter = await cpuNow();
  const textAfter = await scrapes();

  const stages = sources.map((source) => {
    const before = histogramBuckets(textBefore[source.service], source.name, source.labels);
    const after = histogramBuckets(textAfter[source.service], source.name, source.labels);
    const p50 = quantileMs(before, after, 0.5);
    return { stage: source.stage, count: p50.count, p50Ms: p50.ms, p99Ms: quantileMs(before, after, 0.99).ms };
  });
  const batchesBefore = sumAndCount(textBefore.chat, 'chat_commit_batch_size');
  const batchesAfter = sumAndCount(textAfter.chat, 'chat_commit_batch_size');
  const batches = batchesAfter.count - batchesBefore.count;
  const cores = Object.fromEntries(
    Object.keys(cpuAfter).map((name) => [
      name,
      Math.round(((cpuAfter[name]! - cpuBefore[name]!) / 1000 / seconds) * 100) / 100,
    ]),
  );
  return {
    result,
    breakdown: {
      stages,
      meanBatchSize: batches === 0 ? 0 : Math.round(((batchesAfter.sum - batchesBefore.sum) / batches) * 10) / 10,
      cores,
    },
  };
}
