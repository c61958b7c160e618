// The bench's load: rooms to send to, loops that keep one send in flight each, and timed queries.
import { randomUUID } from 'node:crypto';
import { subjects, type NatsRequests, type NatsRequestSubject } from '@chatrt/contracts';
import { request, type NatsConnection } from '@chatrt/service-kit';
import { percentile } from './measure.ts';

/** Who sends where on a loop's n-th request. */
export type Loop = (n: number) => Rooms;

export interface Rooms {
  roomId: string;
  actorId: string;
}

/** `count` rooms, each with its creator (who sends to it) and one other member. */
export async function createRooms(nats: NatsConnection, count: number): Promise<Rooms[]> {
  const rooms: Rooms[] = [];
  for (let i = 0; i < count; i += 200) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(200, count - i) }, async () => {
        const actorId = randomUUID();
        const { room } = ok(
          await call(nats, subjects.chatCreateRoom, { actorId, name: 'bench', memberIds: [randomUUID()] }),
        );
        return { roomId: room.id, actorId };
      }),
    );
    rooms.push(...batch);
  }
  return rooms;
}

/** Runs each loop (one in-flight request each) for `secs`; returns acknowledged sends per second. */
export async function drive(nats: NatsConnection, loops: Loop[], secs: number) {
  const deadline = performance.now() + secs * 1000;
  const started = performance.now();
  let acked = 0;
  let failed = 0;
  const replyMs: number[] = [];
  await Promise.all(
    loops.map(async (target, i) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const { roomId, actorId } = target(n);
        const t0 = performance.now();
        const reply = await call(nats, subjects.chatSendMessage, {
          actorId,
          roomId,
          message: `message ${n} from loop ${i}`,
          clientMessageId: `${i}-${n}-${t0}`,
        });
        replyMs.push(performance.now() - t0);
        if (reply.ok) acked++;
        else failed++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    persistedPerSecond: Math.round(acked / elapsed),
    failed,
    replyMsP50: round(percentile(replyMs, 0.5)),
    replyMsP99: round(percentile(replyMs, 0.99)),
  };
}

/** A NATS request with the bench's generous timeout (30 s: replies queue behind the load). */
export function call<S extends NatsRequestSubject>(
  nats: NatsConnection,
  subject: S,
  payload: NatsRequests[S]['request'],
): Promise<NatsRequests[S]['reply']> {
  return request(nats, subject, payload, 30_000);
}

/** The reply, which must be ok: the bench stops on the first refusal. */
export function ok<R extends { ok: boolean }>(reply: R): Extract<R, { ok: true }> {
  if (!reply.ok) throw new Error(`expected ok, got ${JSON.stringify(reply)}`);
  return reply as Extract<R, { ok: true }>;
}

/** Times `count` runs of `query` after 50 warm-up runs. */
export async function latencies(query: () => Promise<{ ok: boolean }>, count: number) {
  for (let i = 0; i < 50; i++) ok(await query());
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    ok(await query());
    ms.push(performance.now() - t0);
  }
  return {
    samples: count,
    p50ms: round(percentile(ms, 0.5)),
    p99ms: round(percentile(ms, 0.99)),
    maxMs: round(Math.max(...ms)),
  };
}

/** Two decimals, for printing. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
