/** What the probe's main thread asks a worker to do (`probe-worker.ts`), one request at a time per worker. */
export type ProbeCommand =
  | {
      op: 'connect';
      socketUrl: string;
      /** Session tokens to spread the sockets over (a bare Socket.IO server ignores them). */
      tokens: string[];
      count: number;
      /** Socket i joins roomIds[i % length]; none: the sockets stay idle on /chat. */
      roomIds: string[];
      role: 'sender' | 'receiver';
      /** `batched`: the handshake asks for `roomEvents` frames (the gateway's opt-in; a bare server ignores it). */
      delivery?: 'batched';
    }
  | { op: 'send'; tag: string; ratePerSecond: number; seconds: number }
  | { op: 'collect' }
  | { op: 'delivered' }
  | { op: 'drop' }
  | { op: 'resume'; expectedPerSocket: number; timeoutMs: number }
  | { op: 'close' };

/** What `collect` returns, then resets: histograms as HdrHistogram compressed base64. */
export interface ProbeSample {
  /** send → ack (persisted, for the gateway), in ms. */
  ack: string;
  /** send → `message` at a receiver (sender's and receiver's clocks: the same machine), in ms. */
  delivery: string;
  sent: number;
  failed: number;
  delivered: number;
  /** When the last delivery arrived (epoch ms), to compute deliveries per second. */
  lastDeliveryAt: number;
}

/** What `resume` returns: how long until every socket had its missed messages, and how many never came. */
export interface ResumeResult {
  ms: number;
  lost: number;
}

/** Milliseconds since the epoch with sub-ms precision, comparable between worker threads. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
