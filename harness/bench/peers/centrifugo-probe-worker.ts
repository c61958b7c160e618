// One load-generating thread of the probe, speaking to Centrifugo with its official client (centrifuge-js, JSON
// protocol, `ws` as the WebSocket): the same commands, rates and histograms as `../probe-worker.ts`, so both
// servers are measured by the same probe. `roomIds` are channels, `tokens` connection JWTs. Receivers subscribe
// to their channel; senders only connect, and publish without subscribing (as our senders send without joining).
// Used through `new Probe(threads, centrifugoProbeWorker)`.
import { parentPort } from 'node:worker_threads';
import { Centrifuge, type PublicationContext } from 'centrifuge';
import WebSocket from 'ws';
import { encodeHistogram, latencyHistogram, recordMs } from '../latency-histogram.ts';
import { nowMs, type ProbeCommand, type ProbeSample } from '../probe-protocol.ts';

/** What a bench publication carries: the probe's tag and when it was sent (epoch ms). */
export interface BenchPublication {
  tag: string;
  sentAt: number;
}

interface PeerClient {
  client: Centrifuge;
  channel: string | undefined;
  role: 'sender' | 'receiver';
}

const clients: PeerClient[] = [];
let ack = latencyHistogram();
let delivery = latencyHistogram();
let counts = { sent: 0, failed: 0, delivered: 0, lastDeliveryAt: 0 };

const commandTimeoutMs = 30_000;

async function open(peer: PeerClient, websocketUrl: string, token: string): Promise<void> {
  const client = new Centrifuge(websocketUrl, { websocket: WebSocket, token, timeout: commandTimeoutMs });
  peer.client = client;
  client.connect();
  await client.ready(commandTimeoutMs);
  if (peer.role === 'sender' || peer.channel === undefined) return;
  const subscription = client.newSubscription(peer.channel);
  subscription.on('publication', (ctx: PublicationContext) => {
    const { sentAt } = ctx.data as BenchPublication;
    recordMs(delivery, nowMs() - sentAt);
    counts.delivered++;
    counts.lastDeliveryAt = nowMs();
  });
  subscription.subscribe();
  await subscription.ready(commandTimeoutMs);
}

/** Runs `task` over `items`, at most `width` at a time (as the Socket.IO probe connects). */
async function inBatches<T>(items: T[], width: number, task: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(task));
}

async function connect(command: Extract<ProbeCommand, { op: 'connect' }>): Promise<number> {
  const created = Array.from({ length: command.count }, (_, i) => ({
    peer: {
      client: undefined as unknown as Centrifuge,
      channel: command.roomIds.length > 0 ? command.roomIds[i % command.roomIds.length] : undefined,
      role: command.role,
    } satisfies PeerClient,
    token: command.tokens[i % command.tokens.length]!,
  }));
  await inBatches(created, 50, ({ peer, token }) => open(peer, command.socketUrl, token));
  clients.push(...created.map(({ peer }) => peer));
  return created.length;
}

/** Publishes `ratePerSecond` for `seconds` round-robin over this worker's senders; resolves when every reply is in. */
async function send(command: Extract<ProbeCommand, { op: 'send' }>): Promise<void> {
  const senders = clients.filter((c) => c.role === 'sender');
  if (senders.length === 0 || command.ratePerSecond <= 0) return;
  const replies: Promise<void>[] = [];
  const began = performance.now();
  let sent = 0;
  const total = Math.round(command.ratePerSecond * command.seconds);
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - began) / 1000) * command.ratePerSecond) + 1);
    for (; sent < due; sent++) {
      const sender = senders[sent % senders.length]!;
      const start = performance.now();
      counts.sent++;
      const publication: BenchPublication = { tag: command.tag, sentAt: nowMs() };
      replies.push(
        sender.client.publish(sender.channel!, publication).then(
          () => {
            recordMs(ack, performance.now() - start);
          },
          () => {
            counts.failed++;
          },
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, 1000 / command.ratePerSecond)));
  }
  await Promise.all(replies);
}

function collect(): ProbeSample {
  const sample: ProbeSample = { ack: encodeHistogram(ack), delivery: encodeHistogram(delivery), ...counts };
  ack = latencyHistogram();
  delivery = latencyHistogram();
  counts = { sent: 0, failed: 0, delivered: 0, lastDeliveryAt: 0 };
  return sample;
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
    case 'close':
      for (const peer of clients.splice(0)) peer.client.disconnect();
      return undefined;
    case 'drop':
    case 'resume':
      // Centrifugo's recovery is checked by the peer self-check (centrifugo-self-check.ts), not measured.
      throw new Error(`the Centrifugo probe does not ${command.op}`);
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
