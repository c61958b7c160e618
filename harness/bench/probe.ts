import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { mergeHistograms, summarize, type LatencySummary } from './latency-histogram.ts';
import type { ProbeCommand, ProbeSample, ResumeResult } from './probe-protocol.ts';

/** A merged `collect` over every worker. */
export interface ProbeResult {
  ack: LatencySummary;
  delivery: LatencySummary;
  sent: number;
  failed: number;
  delivered: number;
  lastDeliveryAt: number;
}

/** The Socket.IO probe worker: the gateway's and the bare server's clients. */
const socketIoWorker = new URL('./probe-worker.ts', import.meta.url);

/** One worker thread of a probe worker script (`probe-worker.ts` by default), with request/response over postMessage. */
class ProbeThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  #next = 0;

  constructor(script: URL) {
    this.#worker = new Worker(script);
    this.#worker.on('message', (reply: { id: number; result?: unknown; error?: string }) => {
      const waiter = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.error !== undefined) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.result);
    });
    this.#worker.on('error', (err: Error) => {
      for (const waiter of this.#pending.values()) waiter.reject(err);
      this.#pending.clear();
    });
  }

  request<T>(command: ProbeCommand): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ id, command });
    });
  }

  terminate(): Promise<number> {
    return this.#worker.terminate();
  }
}

/**
 * The delivery probe: sockets spread over worker threads so that the generator is not the bottleneck (one
 * Node thread tops out near 1.2k acks/s with 3,000 sockets here), each with its own HDR histograms, merged
 * on `collect`. `script` is the worker that speaks the server's protocol (any that answers `ProbeCommand`s,
 * e.g. `peers/centrifugo-probe-worker.ts`).
 */
export class Probe {
  readonly #threads: ProbeThread[];

  constructor(threads = Math.max(2, availableParallelism()), script = socketIoWorker) {
    this.#threads = Array.from({ length: threads }, () => new ProbeThread(script));
  }

  /** Opens `count` sockets spread evenly over the threads; socket i joins roomIds[i % length]. */
  async connect(options: {
    socketUrl: string;
    tokens: string[];
    count: number;
    roomIds: string[];
    role: 'sender' | 'receiver';
    delivery?: 'batched';
  }): Promise<void> {
    const shares = this.#split(options.count);
    // Each thread takes a contiguous slice of the rooms' round-robin, so every room gets its share.
    let offset = 0;
    await Promise.all(
      this.#threads.map((thread, i) => {
        const count = shares[i]!;
        const roomIds =
          options.roomIds.length === 0
            ? []
            : Array.from(
                { length: Math.min(count, options.roomIds.length) },
                (_, k) => options.roomIds[(offset + k) % options.roomIds.length]!,
              );
        offset += count;
        return count === 0
          ? Promise.resolve()
          : thread.request({
              op: 'connect',
              socketUrl: options.socketUrl,
              tokens: options.tokens,
              count,
              roomIds,
              role: options.role,
              delivery: options.delivery,
            });
      }),
    );
  }

  /** Sends `ratePerSecond` in total (shared by the threads' senders) for `seconds`; resolves once all are acked. */
  async send(tag: string, ratePerSecond: number, seconds: number, senderThreads = this.#threads.length): Promise<void> {
    const share = ratePerSecond / senderThreads;
    await Promise.all(
      this.#threads
        .slice(0, senderThreads)
        .map((thread) => thread.request({ op: 'send', tag, ratePerSecond: share, seconds })),
    );
  }

  async collect(): Promise<ProbeResult> {
    const samples = await Promise.all(this.#threads.map((thread) => thread.request<ProbeSample>({ op: 'collect' })));
    const sum = (key: 'sent' | 'failed' | 'delivered') => samples.reduce((total, s) => total + s[key], 0);
    return {
      ack: summarize(mergeHistograms(samples.map((s) => s.ack))),
      delivery: summarize(mergeHistograms(samples.map((s) => s.delivery))),
      sent: sum('sent'),
      failed: sum('failed'),
      delivered: sum('delivered'),
      lastDeliveryAt: Math.max(0, ...samples.map((s) => s.lastDeliveryAt)),
    };
  }

  /** Messages received so far by every socket (since the last `collect`). */
  async delivered(): Promise<number> {
    const counts = await Promise.all(this.#threads.map((thread) => thread.request<number>({ op: 'delivered' })));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /** Resolves once `expected` messages have arrived since the last `collect`, or after `timeoutMs`. */
  async waitForDeliveries(expected: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while ((await this.delivered()) < expected && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
  }

  async drop(): Promise<void> {
    await Promise.all(this.#threads.map((thread) => thread.request({ op: 'drop' })));
  }

  /**
   * Reconnects every receiver after its last seq; resolves when all have `expectedPerSocket` messages (or the timeout).
   */
  async resume(expectedPerSocket: number, timeoutMs: number): Promise<ResumeResult> {
    const results = await Promise.all(
      this.#threads.map((thread) => thread.request<ResumeResult>({ op: 'resume', expectedPerSocket, timeoutMs })),
    );
    return { ms: Math.max(...results.map((r) => r.ms)), lost: results.reduce((sum, r) => sum + r.lost, 0) };
  }

  async close(): Promise<void> {
    await Promise.all(this.#threads.map((thread) => thread.request({ op: 'close' }).catch(() => undefined)));
    await Promise.all(this.#threads.map((thread) => thread.terminate()));
  }

  #split(count: number): number[] {
    const n = this.#threads.length;
    return this.#threads.map((_, i) => Math.floor(count / n) + (i < count % n ? 1 : 0));
  }
}
