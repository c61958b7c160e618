// `npm run bench:delivery`: end-to-end delivery through the whole stack on this machine (auth, chat, notify,
// one gateway, embedded Postgres with fsync on, nats-server). Senders emit `sendMessage` over Socket.IO at a
// fixed total rate spread over many rooms; receivers are joined on their own sockets. The sockets live in
// worker threads (the probe, `probe.ts`) so the generator is not the bottleneck. For each rate it prints HDR
// percentiles of the ack latency (send → persisted → ack) and of the delivery latency (send → `message` at a
// receiver, through outbox → JetStream → gateway), deliveries per second, and how many were not delivered.
//
// Knobs (env): BENCH_ROOMS (20), BENCH_RECEIVERS_PER_ROOM (1), BENCH_RATES (200,500,1000,2000 messages/s),
// BENCH_PHASE_SECONDS (5).
import { availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import { createRooms, startBenchStack, tokenOf } from './bench-stack.ts';
import { nowMs } from './probe-protocol.ts';
import { Probe } from './probe.ts';

const roomCount = Number(process.env['BENCH_ROOMS'] ?? 20);
const receiversPerRoom = Number(process.env['BENCH_RECEIVERS_PER_ROOM'] ?? 1);
const rates = (process.env['BENCH_RATES'] ?? '200,500,1000,2000').split(',').map(Number);
const phaseSeconds = Number(process.env['BENCH_PHASE_SECONDS'] ?? 5);
/** How long after a phase's last ack its messages may still arrive before they count as not delivered. */
const settleMs = 5_000;

const env = await startBenchStack();
const probe = new Probe();
try {
  const [writer, reader] = [await env.signedUpUser(), await env.signedUpUser()];
  const rooms = await createRooms(writer, roomCount, [reader.id]);
  const socketUrl = env.config().socketUrl;
  await probe.connect({
    socketUrl,
    tokens: [await tokenOf(reader)],
    count: roomCount * receiversPerRoom,
    roomIds: rooms,
    role: 'receiver',
  });
  await probe.connect({ socketUrl, tokens: [await tokenOf(writer)], count: roomCount, roomIds: rooms, role: 'sender' });
  const setup = { rooms: roomCount, receiversPerRoom, rates, phaseSeconds, cpus: availableParallelism() };
  console.log(`delivery bench: ${JSON.stringify(setup)}`);

  for (const rate of rates) {
    const began = nowMs();
    await probe.send(randomUUID().slice(0, 8), rate, phaseSeconds);
    const sentSeconds = (nowMs() - began) / 1000;
    const acked = Math.round(rate * phaseSeconds);
    await probe.waitForDeliveries(acked * receiversPerRoom, settleMs);
    const result = await probe.collect();
    const acks = result.sent - result.failed;
    console.log(
      `target ${rate} msg/s: ${JSON.stringify({
        sentPerSecond: Math.round(result.sent / sentSeconds),
        acked: acks,
        refusedOrTimedOut: result.failed,
        notDelivered: acks * receiversPerRoom - result.delivered,
        deliveriesPerSecond: Math.round(result.delivered / ((result.lastDeliveryAt - began) / 1000)),
        ackMs: result.ack,
        deliveryMs: result.delivery,
      })}`,
    );
  }
} finally {
  await probe.close();
  await env.stop();
}
