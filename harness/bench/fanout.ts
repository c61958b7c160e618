// Fan-out through one gateway: FANOUT_SOCKETS sockets (one user, one session) join one room; a sender
// keeps FANOUT_WINDOW sends in flight until FANOUT_MESSAGES are sent, and the round ends when every
// socket has every message. Prints deliveries per second for each of FANOUT_ROUNDS rounds, so a rate
// that falls from round to round shows. FANOUT_DELIVERY=batched: the sockets opt in to batched delivery
// (`roomEvents` frames); default one frame per event.
//
// `bash scripts/run.sh node harness/bench/fanout.ts` (the load generator shares the machine's cores).
import { randomUUID } from 'node:crypto';
import { startTestStack } from '../src/testing/test-stack.ts';

const socketCount = Number(process.env['FANOUT_SOCKETS'] ?? 400);
const messages = Number(process.env['FANOUT_MESSAGES'] ?? 200);
const window = Number(process.env['FANOUT_WINDOW'] ?? 20);
const rounds = Number(process.env['FANOUT_ROUNDS'] ?? 3);
const delivery = process.env['FANOUT_DELIVERY'] === 'batched' ? 'batched' : undefined;

const env = await startTestStack({
  RATE_LIMIT_MESSAGES_PER_SECOND: '10000',
  RATE_LIMIT_BURST: '100000',
  RATE_LIMIT_JOINS_PER_SECOND: '1000',
  RATE_LIMIT_JOINS_BURST: '10000',
  MAX_CONNECTIONS_PER_ADDRESS: '0',
  LOG_LEVEL: 'warn',
});
try {
  const user = await env.signedUpUser();
  const { token } = await user.sessionToken();
  const sender = await user.connectChat({ token, transports: ['websocket'] });
  const created = await sender.emitWithAck('createRoom', { name: 'fan-out', memberIds: [] });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  const roomId = created.room.id;
  let received = 0;
  for (let i = 0; i < socketCount; i++) {
    const socket = await user.connectChat({ token, transports: ['websocket'], delivery });
    const joined = await socket.emitWithAck('joinRoom', { roomId });
    if (!joined.ok) throw new Error(JSON.stringify(joined.error));
    socket.on('message', () => received++);
    socket.on('roomEvents', ({ events }) => (received += events.length));
  }
  console.log(
    `fan-out bench: ${JSON.stringify({ sockets: socketCount, messages, window, rounds, delivery: delivery ?? 'single' })}`,
  );
  for (let round = 1; round <= rounds; round++) {
    received = 0;
    const expected = socketCount * messages;
    const started = performance.now();
    let sent = 0;
    const loop = async () => {
      while (sent < messages) {
        sent++;
        const ack = await sender.emitWithAck('sendMessage', {
          roomId,
          message: `round ${round}`,
          clientMessageId: randomUUID(),
        });
        if (!ack.ok) throw new Error(JSON.stringify(ack.error));
      }
    };
    await Promise.all(Array.from({ length: window }, loop));
    const deadline = Date.now() + 60_000;
    while (received < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const seconds = (performance.now() - started) / 1000;
    const outcome = {
      delivered: received,
      expected,
      seconds: Math.round(seconds * 100) / 100,
      deliveriesPerSecond: Math.round(received / seconds),
    };
    console.log(`round ${round}: ${JSON.stringify(outcome)}`);
  }
} finally {
  await env.stop();
}
