// One load-generating thread of the delivery probe: holds a share of the sockets, sends its share of the
// rate, records ack and delivery latency in HDR histograms. Driven by `probe.ts` over postMessage.
import { randomUUID } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';
import type { Message, RoomEvents } from '@chatrt/contracts';
import { encodeHistogram, latencyHistogram, recordMs } from './latency-histogram.ts';
import { nowMs, type ProbeCommand, type ProbeSample, type ResumeResult } from './probe-protocol.ts';

interface ProbeSocket {
  socket: Socket;
  socketUrl: string;
  token: string;
  roomId: string | undefined;
  role: 'sender' | 'receiver';
  delivery: 'batched' | undefined;
  lastSeq: number;
  /** Messages received since the last `resume` began. */
  receivedSinceResume: number;
}

const sockets: ProbeSocket[] = [];
let ack = latencyHistogram();
let delivery = latencyHistogram();
let counts = { sent: 0, failed: 0, delivered: 0, lastDeliveryAt: 0 };
const resumeWaiters: Array<() => void> = [];

function open(probe: ProbeSocket): Promise<void> {
  const socket = io(`${probe.socketUrl}/chat`, {
    auth: probe.delivery ? { token: probe.token, delivery: probe.delivery } : { token: probe.token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  probe.socket = socket;
  // Senders are members but do not join: only receivers count deliveries.
  if (probe.role === 'sender') return connected(socket);
  const received = (message: Message) => {
    probe.lastSeq = Math.max(probe.lastSeq, message.seq);
    probe.receivedSinceResume++;
    const sentAt = Number((message.message ?? '').split(' ')[1]);
    if (Number.isFinite(sentAt) && sentAt > 0) recordMs(delivery, nowMs() - sentAt);
    counts.delivered++;
    counts.lastDeliveryAt = nowMs();
    if (resumeWaiters.length > 0) for (const wake of resumeWaiters.splice(0)) wake();
  };
  socket.on('message', received);
  socket.on('roomEvents', ({ events }: RoomEvents) => {
    for (const update of events) if (update.event === 'message') received(update.payload);
  });
  return connected(socket);
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      resolve();
    });
    socket.once('connect_error', (err) => {
      reject(err);
    });
  });
}

async function join(probe: ProbeSocket, afterSeq?: number): Promise<void> {
  if (!probe.roomId || probe.role === 'sender') return;
  const joined: unknown = await probe.socket
    .timeout(60_000)
    .emitWithAck('joinRoom', { roomId: probe.roomId, ...(afterSeq === undefined ? {} : { afterSeq }) });
  if (!isOkAck(joined)) throw new Error(`joinRoom: ${JSON.stringify(joined)}`);
}

/** Runs `task` over `items`, at most `width` at a time (a connection storm of thousands refuses some). */
async function inBatches<T>(items: T[], width: number, task: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(task));
}

async function connect(command: Extract<ProbeCommand, { op: 'connect' }>): Promise<number> {
  const created = Array.from({ length: command.count }, (_, i): ProbeSocket => ({
    socket: undefined as unknown as Socket,
    socketUrl: command.socketUrl,
    token: command.tokens[i % command.tokens.length]!,
    roomId: command.roomIds.length > 0 ? command.roomIds[i % command.roomIds.length] : undefined,
    role: command.role,
    delivery: command.delivery,
    lastSeq: 0,
    receivedSinceResume: 0,
  }));
  await inBatches(created, 50, async (probe) => {
    await open(probe);
    await join(probe);
  });
  sockets.push(...created);
  return created.length;
}

/** Sends `ratePerSecond` for `seconds` round-robin over this worker's senders; resolves when every ack is in. */
async function send(command: Extract<ProbeCommand, { op: 'send' }>): Promise<void> {
  const senders = sockets.filter((s) => s.role === 'sender');
  if (senders.length === 0 || command.ratePerSecond <= 0) return;
  const acks: Promise<void>[] = [];
  const began = performance.now();
  let sent = 0;
  const total = Math.round(command.ratePerSecond * command.seconds);
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - began) / 1000) * command.ratePerSecond) + 1);
    for (; sent < due; sent++) {
      const sender = senders[sent % senders.length]!;
      const start = performance.now();
      counts.sent++;
      acks.push(
        sender.socket
          .timeout(30_000)
          .emitWithAck('sendMessage', {
            roomId: sender.roomId,
            message: `${command.tag} ${nowMs()}`,
            clientMessageId: randomUUID(),
          })
          .then(
            (reply: unknown) => {
              if (isOkAck(reply)) recordMs(ack, performance.now() - start);
              else counts.failed++;
            },
            () => {
              counts.failed++;
            },
          ),
      );
    }
    // The next send is due in 1/rate s; a timer tick is ≥ 1 ms, so sends go out in small bursts at high rates.
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, 1000 / command.ratePerSecond)));
  }
  await Promise.all(acks);
}

function collect(): ProbeSample {
  const sample: ProbeSample = { ack: encodeHistogram(ack), delivery: encodeHistogram(delivery), ...counts };
  ack = latencyHistogram();
  delivery = latencyHistogram();
  counts = { sent: 0, failed: 0, delivered: 0, lastDeliveryAt: 0 };
  return sample;
}

function drop(): void {
  for (const probe of sockets) if (probe.role === 'receiver') probe.socket.disconnect();
}

/** Reconnects every receiver, resumes after its last seq, and waits until each has `expectedPerSocket` messages. */
async function resume(command: Extract<ProbeCommand, { op: 'resume' }>): Promise<ResumeResult> {
  const receivers = sockets.filter((s) => s.role === 'receiver');
  const began = performance.now();
  for (const probe of receivers) probe.receivedSinceResume = 0;
  await inBatches(receivers, 50, async (probe) => {
    const afterSeq = probe.lastSeq;
    await open(probe);
    await join(probe, afterSeq);
  });
  const missing = () =>
    receivers.reduce((sum, p) => sum + Math.max(0, command.expectedPerSocket - p.receivedSinceResume), 0);
  const deadline = began + command.timeoutMs;
  while (missing() > 0 && performance.now() < deadline) {
    await new Promise<void>((resolve) => {
      resumeWaiters.push(resolve);
      setTimeout(resolve, 100);
    });
  }
  return { ms: performance.now() - began, lost: missing() };
}

async function handle(command: ProbeCommand): Promise<unknown> {
  switch (command.op) {
    case 'connect':
      return connect(command);
    case 'send':
      return send(command);
    case 'collect':
      return collect();
    case 'delivered':
      return counts.delivered;
    case 'drop': {
      drop();
      return;
    }
    case 'resume':
      return resume(command);
    case 'close':
      for (const probe of sockets.splice(0)) probe.socket.disconnect();
      return undefined;
  }
}

parentPort!.on('message', (request: { id: number; command: ProbeCommand }) => {
  handle(request.command).then(
    (result) => {
      parentPort!.postMessage({ id: request.id, result });
    },
    (err: unknown) => {
      parentPort!.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) });
    },
  );
});

/** Whether an ack (untyped here: the probe's sockets carry no event map) says `ok: true`. */
function isOkAck(reply: unknown): boolean {
  return typeof reply === 'object' && reply !== null && 'ok' in reply && reply.ok === true;
}
