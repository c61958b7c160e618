// The measurements of `npm run bench` (report.ts), each on its own sockets (a fresh probe) so one does not
// disturb the next. Sizes come from `BenchSizes` (bench-sizes.ts): the full ones of the issue, or `--quick`.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import type { TestStack } from '../src/testing/test-stack.ts';
import type { ChatUser } from '../src/client/chat-user.ts';
import { withAckBreakdown, type AckBreakdown } from './ack-breakdown.ts';
import { bulkLoadRoom } from '../../services/chat/bench/bulk-load.ts';
import { createRooms, tokenOf } from './bench-stack.ts';
import { latencyHistogram, recordMs, summarize, type LatencySummary } from './latency-histogram.ts';
import { nowMs } from './probe-protocol.ts';
import { Probe, type ProbeResult } from './probe.ts';

/** Users of a bench: one writes, one reads (each may hold any number of sockets). */
export interface BenchUsers {
  writer: ChatUser;
  reader: ChatUser;
}

export interface AckPoint {
  offeredPerSecond: number;
  sentPerSecond: number;
  failed: number;
  ackMs: LatencySummary;
}

/** Sends at `rate` for `seconds` from the probe's senders; the seconds from the first send to the last ack. */
export async function sendTimed(probe: Probe, rate: number, seconds: number): Promise<number> {
  const began = nowMs();
  await probe.send(randomUUID().slice(0, 8), rate, seconds);
  return (nowMs() - began) / 1000;
}

/** An ack phase's figures: what the probe collected after sending at `rate` for `elapsedSeconds`. */
export function ackPointOf(rate: number, elapsedSeconds: number, result: ProbeResult): AckPoint {
  return {
    offeredPerSecond: rate,
    sentPerSecond: Math.round(result.sent / elapsedSeconds),
    failed: result.failed,
    ackMs: result.ack,
  };
}

/**
 * An ack phase on the stack: with the delivery to one receiver per room, the stages the services timed and
 * each process's CPU meanwhile.
 */
export interface StackAckPoint extends AckPoint {
  /** Send → arrival at the room's receiver (batched delivery, the SDK's default). */
  deliveryMs: LatencySummary;
  notDelivered: number;
  breakdown: AckBreakdown;
}

/**
 * (a) send → persisted → ack at `rate` from `senders` sockets over `rooms`, and send → delivered to a receiver
 * joined to each room.
 */
export async function ackLatency(
  env: TestStack,
  users: BenchUsers,
  rooms: string[],
  senders: number,
  rate: number,
  seconds: number,
): Promise<StackAckPoint> {
  const probe = new Probe();
  try {
    await probe.connect({
      socketUrl: env.config().socketUrl,
      tokens: [await tokenOf(users.writer)],
      count: senders,
      roomIds: rooms,
      role: 'sender',
    });
    await probe.connect({
      socketUrl: env.config().socketUrl,
      tokens: [await tokenOf(users.writer)],
      count: rooms.length,
      roomIds: rooms,
      role: 'receiver',
      delivery: 'batched',
    });
    const { result: elapsed, breakdown } = await withAckBreakdown(env.stack, () => sendTimed(probe, rate, seconds));
    // Every send is delivered once to its room's receiver (a refused one never: the wait then runs out).
    await probe.waitForDeliveries(Math.round(rate * seconds), 30_000);
    const result = await probe.collect();
    return {
      ...ackPointOf(rate, elapsed, result),
      deliveryMs: result.delivery,
      notDelivered: result.sent - result.failed - result.delivered,
      breakdown,
    };
  } finally {
    await probe.close();
  }
}

/** The highest offered rate whose ack p99 stayed ≤ `p99Ms` with nothing refused (0 when none did). */
export function highestSustained(points: readonly AckPoint[], p99Ms: number): number {
  return Math.max(
    0,
    ...points
      .filter((p) => p.failed === 0 && p.ackMs.p99 <= p99Ms && p.sentPerSecond >= 0.95 * p.offeredPerSecond)
      .map((p) => p.offeredPerSecond),
  );
}

export interface FanOutPoint {
  sockets: number;
  messagesPerSecond: number;
  deliveriesPerSecond: number;
  notDelivered: number;
  deliveryMs: LatencySummary;
}

/** (b) one sender, `sockets` receivers joined to one room; deliveries per second from first send to last arrival. */
export async function fanOut(
  socketUrl: string,
  tokens: { writer: string; reader: string },
  roomId: string,
  sockets: number,
  messagesPerSecond: number,
  seconds: number,
  delivery?: 'batched',
): Promise<FanOutPoint> {
  const probe = new Probe();
  try {
    await probe.connect({
      socketUrl,
      tokens: [tokens.reader],
      count: sockets,
      roomIds: [roomId],
      role: 'receiver',
      delivery,
    });
    await probe.connect({ socketUrl, tokens: [tokens.writer], count: 1, roomIds: [roomId], role: 'sender' });
    const began = nowMs();
    await probe.send(randomUUID().slice(0, 8), messagesPerSecond, seconds, 1);
    const expected = Math.round(messagesPerSecond * seconds) * sockets;
    await probe.waitForDeliveries(expected, 30_000);
    const result = await probe.collect();
    return {
      sockets,
      messagesPerSecond,
      deliveriesPerSecond: Math.round(result.delivered / Math.max(0.001, (result.lastDeliveryAt - began) / 1000)),
      notDelivered: (result.sent - result.failed) * sockets - result.delivered,
      deliveryMs: result.delivery,
    };
  } finally {
    await probe.close();
  }
}

/** Resident set size of a process in KiB (/proc). */
export async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
}

/** (c) RSS growth per idle /chat connection of the process `pid` serving `socketUrl`. */
export async function idleConnectionCost(
  socketUrl: string,
  pid: number,
  token: string,
  sockets: number,
): Promise<{ sockets: number; rssBeforeMiB: number; rssAfterMiB: number; kibPerConnection: number }> {
  const probe = new Probe();
  try {
    const before = await rssKiB(pid);
    await probe.connect({ socketUrl, tokens: [token], count: sockets, roomIds: [], role: 'receiver' });
    const after = await rssKiB(pid);
    return {
      sockets,
      rssBeforeMiB: Math.round(before / 1024),
      rssAfterMiB: Math.round(after / 1024),
      kibPerConnection: Math.round(((after - before) / sockets) * 10) / 10,
    };
  } finally {
    await probe.close();
  }
}

/**
 * (d) `clients` joined sockets (batched delivery, the SDK's default) drop, `missed` messages are sent, all resume
 * after their last seq at once.
 */
export async function resumeStorm(
  env: TestStack,
  users: BenchUsers,
  clients: number,
  missed: number,
): Promise<{ clients: number; missedMessages: number; seconds: number; lost: number }> {
  const [roomId] = await createRooms(users.writer, 1, [users.reader.id]);
  const socketUrl = env.config().socketUrl;
  const probe = new Probe();
  try {
    await probe.connect({
      socketUrl,
      tokens: [await tokenOf(users.reader)],
      count: clients,
      roomIds: [roomId!],
      role: 'receiver',
      delivery: 'batched',
    });
    await probe.connect({
      socketUrl,
      tokens: [await tokenOf(users.writer)],
      count: 20,
      roomIds: [roomId!],
      role: 'sender',
    });
    await probe.drop();
    await probe.send(randomUUID().slice(0, 8), 1000, missed / 1000);
    const sent = await probe.collect();
    if (sent.failed > 0) throw new Error(`${sent.failed} of the missed messages were refused`);
    const result = await probe.resume(missed, 900_000);
    return { clients, missedMessages: missed, seconds: Math.round(result.ms / 100) / 10, lost: result.lost };
  } finally {
    await probe.close();
  }
}

/** (e) REST history pages (50 messages, before a random seq) on a bulk-loaded room of `events` events. */
export async function historyPages(
  env: TestStack,
  users: BenchUsers,
  events: number,
  samples: number,
): Promise<{ events: number; samples: number; loadSeconds: number; pageMs: LatencySummary }> {
  const pool = new pg.Pool({ connectionString: env.stack.urls.databaseUrl, max: 2 });
  try {
    const loadStart = performance.now();
    const room = await bulkLoadRoom(pool, events, { alice: users.reader.id, bob: users.writer.id });
    const loadSeconds = Math.round((performance.now() - loadStart) / 100) / 10;
    const page = async () => {
      const before = 4 + Math.floor(Math.random() * (events - 4));
      const res = await users.reader.http('GET', `/chat/messages?roomId=${room.roomId}&before=${before}&limit=50`);
      if (res.status !== 200) throw new Error(`history page: ${res.status} ${JSON.stringify(res.body)}`);
    };
    for (let i = 0; i < 50; i++) await page();
    const histogram = latencyHistogram();
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      await page();
      recordMs(histogram, performance.now() - t0);
    }
    return { events, samples, loadSeconds, pageMs: summarize(histogram) };
  } finally {
    await pool.end();
  }
}
