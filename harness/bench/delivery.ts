// `npm run bench:delivery`: end-to-end delivery through the whole stack on this machine (auth, chat, notify,
// one gateway, embedded Postgres with fsync on, nats-server). Senders emit `sendMessage` over Socket.IO at a
// fixed total rate spread over many rooms; one receiver per room is joined on its own socket. For each rate
// it prints the ack latency (send → persisted → ack) and the delivery latency (send → `message` at the
// receiver, through outbox → JetStream → gateway), and how many messages were not delivered.
//
// Knobs (env): BENCH_ROOMS (20), BENCH_RATES (200,500,1000,2000 messages/s), BENCH_PHASE_SECONDS (5).
import { randomUUID } from 'node:crypto';
import type { Message } from '@chatrt/contracts';
import { percentile } from '../../services/chat/bench/measure.ts';
import { startTestStack } from '../src/testing/test-stack.ts';
import type { ChatSocket } from '../src/client/chat-user.ts';

const roomCount = Number(process.env['BENCH_ROOMS'] ?? 20);
const rates = (process.env['BENCH_RATES'] ?? '200,500,1000,2000').split(',').map(Number);
const phaseSeconds = Number(process.env['BENCH_PHASE_SECONDS'] ?? 5);
/** How long after a phase's last send its messages may still arrive before they count as lost. */
const settleMs = 5_000;

const env = await startTestStack({ RATE_LIMIT_MESSAGES_PER_SECOND: '10000', RATE_LIMIT_BURST: '100000', LOG_LEVEL: 'warn' });
try {
  const rooms: Array<{ id: string; sender: ChatSocket; receiver: ChatSocket }> = [];
  for (let i = 0; i < roomCount; i++) {
    const [writer, reader] = [await env.signedUpUser(), await env.signedUpUser()];
    const sender = await writer.connectChat();
    const created = await sender.emitWithAck('createRoom', { name: `bench ${i}`, memberIds: [reader.id] });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const receiver = await reader.connectChat();
    const joined = await receiver.emitWithAck('joinRoom', { roomId: created.room.id });
    if (!joined.ok) throw new Error(JSON.stringify(joined.error));
    rooms.push({ id: created.room.id, sender, receiver });
  }
  console.log(`delivery bench: ${JSON.stringify({ rooms: roomCount, rates, phaseSeconds, cpus: (await import('node:os')).availableParallelism() })}`);

  for (const rate of rates) {
    const phase = randomUUID().slice(0, 8);
    const sentAt = new Map<string, number>();
    const ackMs: number[] = [];
    const deliveryMs: number[] = [];
    let failed = 0;
    const onMessage = (message: Message) => {
      const [tag, key] = (message.message ?? '').split(' ');
      const start = tag === phase && key ? sentAt.get(key) : undefined;
      if (start !== undefined) deliveryMs.push(performance.now() - start);
    };
    for (const room of rooms) room.receiver.on('message', onMessage);

    // Every 10 ms, the sends due by now, round-robin over the rooms.
    const acks: Promise<void>[] = [];
    const began = performance.now();
    let sent = 0;
    while (performance.now() - began < phaseSeconds * 1000) {
      const due = Math.floor(((performance.now() - began) / 1000) * rate);
      for (; sent < due; sent++) {
        const room = rooms[sent % rooms.length]!;
        const key = String(sent);
        const start = performance.now();
        sentAt.set(key, start);
        acks.push(
          room.sender
            .timeout(30_000)
            .emitWithAck('sendMessage', { roomId: room.id, message: `${phase} ${key}`, clientMessageId: randomUUID() })
            .then(
              (ack) => (ack.ok ? ackMs.push(performance.now() - start) : failed++),
              () => failed++,
            )
            .then(() => {}),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const elapsed = (performance.now() - began) / 1000;
    await Promise.all(acks);
    const deadline = Date.now() + settleMs;
    while (deliveryMs.length < ackMs.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    for (const room of rooms) room.receiver.off('message', onMessage);

    const round = (ms: number) => Math.round(ms * 10) / 10;
    console.log(
      `target ${rate} msg/s: ${JSON.stringify({
        sentPerSecond: Math.round(sent / elapsed),
        acked: ackMs.length,
        refusedOrTimedOut: failed,
        notDelivered: ackMs.length - deliveryMs.length,
        ackMs: { p50: round(percentile(ackMs, 0.5)), p99: round(percentile(ackMs, 0.99)) },
        deliveryMs: { p50: round(percentile(deliveryMs, 0.5)), p95: round(percentile(deliveryMs, 0.95)), p99: round(percentile(deliveryMs, 0.99)), max: round(Math.max(0, ...deliveryMs)) },
      })}`,
    );
  }
} finally {
  await env.stop();
}
