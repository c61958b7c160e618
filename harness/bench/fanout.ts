// Fan-out through one gateway, beside a bare Socket.IO server in the same run: FANOUT_SOCKETS sockets (one
// user, one session) join one room; a sender keeps FANOUT_WINDOW sends in flight until FANOUT_MESSAGES are
// sent, and the round ends when every socket has every message. Prints deliveries per second for each of
// FANOUT_ROUNDS rounds on each server and the gateway's ratio to the bare server, so a rate that falls from
// round to round shows. FANOUT_WARMUP_ROUNDS (1) rounds run first on each server and are not counted: a
// fresh bare server speeds up over its first rounds as V8 optimises its hot path, which alone makes the
// ratio fall from round to round. FANOUT_ORDER=bare-first measures the bare server first. FANOUT_DELIVERY=batched: the gateway's sockets opt in to
// batched delivery (`roomEvents` frames); default one frame per event.
//
// `bash scripts/run.sh node harness/bench/fanout.ts` (the load generator shares the machine's cores).
import { randomUUID } from 'node:crypto';
import type { ChatSocket } from '../src/client/chat-user.ts';
import { startTestStack } from '../src/testing/test-stack.ts';
import { startBareServer } from './bare-server-process.ts';

const socketCount = Number(process.env['FANOUT_SOCKETS'] ?? 400);
const messages = Number(process.env['FANOUT_MESSAGES'] ?? 500);
const window = Number(process.env['FANOUT_WINDOW'] ?? 100);
const rounds = Number(process.env['FANOUT_ROUNDS'] ?? 3);
const delivery = process.env['FANOUT_DELIVERY'] === 'batched' ? 'batched' : undefined;
const warmupRounds = Number(process.env['FANOUT_WARMUP_ROUNDS'] ?? 1);
const bareFirst = process.env['FANOUT_ORDER'] === 'bare-first';

const env = await startTestStack({
  RATE_LIMIT_MESSAGES_PER_SECOND: '10000',
  RATE_LIMIT_BURST: '100000',
  RATE_LIMIT_JOINS_PER_SECOND: '1000',
  RATE_LIMIT_JOINS_BURST: '10000',
  MAX_CONNECTIONS_PER_ADDRESS: '0',
  LOG_LEVEL: 'warn',
});
const bare = await startBareServer();
try {
  const user = await env.signedUpUser();
  const { token } = await user.sessionToken();
  const connect = (socketUrl: string, batched = false) =>
    user.connectChat({ token, socketUrl, transports: ['websocket'], ...(batched && delivery ? { delivery } : {}) });
  console.log(
    `fan-out bench: ${JSON.stringify({ sockets: socketCount, messages, window, rounds, warmupRounds, delivery: delivery ?? 'single' })}`,
  );
  const gateway = async () => {
    const sender = await connect(env.config().socketUrl);
    const created = await sender.emitWithAck('createRoom', { name: 'fan-out', memberIds: [] });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    return measure('gateway', sender, created.room.id, () => connect(env.config().socketUrl, true));
  };
  // The bare server keeps no rooms of its own: any id will do.
  const bareServer = async () => measure('bare', await connect(bare.url), randomUUID(), () => connect(bare.url));
  const [first, second] = bareFirst ? [bareServer, gateway] : [gateway, bareServer];
  const results = { [bareFirst ? 'bare' : 'gateway']: await first(), [bareFirst ? 'gateway' : 'bare']: await second() };
  const ratios = results['gateway']!.map((rate, i) => Math.round((rate / results['bare']![i]!) * 100) / 100);
  console.log(`gateway / bare by round: ${JSON.stringify(ratios)}`);
} finally {
  await bare.stop();
  await env.stop();
}

/** Runs the rounds on one server; returns deliveries per second by round. */
async function measure(
  server: string,
  sender: ChatSocket,
  roomId: string,
  connect: () => Promise<ChatSocket>,
): Promise<number[]> {
  let received = 0;
  const sockets: ChatSocket[] = [sender];
  try {
    for (let i = 0; i < socketCount; i++) {
      const socket = await connect();
      sockets.push(socket);
      const joined = await socket.emitWithAck('joinRoom', { roomId });
      if (!joined.ok) throw new Error(JSON.stringify(joined.error));
      socket.on('message', () => received++);
      socket.on('roomEvents', ({ events }) => (received += events.length));
    }
    const rates: number[] = [];
    for (let round = 1 - warmupRounds; round <= rounds; round++) {
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
      const deliveriesPerSecond = Math.round(received / seconds);
      if (round >= 1) rates.push(deliveriesPerSecond);
      console.log(
        `${server} ${round >= 1 ? `round ${round}` : 'warm-up round'}: ${JSON.stringify({ delivered: received, expected, seconds: Math.round(seconds * 100) / 100, deliveriesPerSecond })}`,
      );
    }
    return rates;
  } finally {
    for (const socket of sockets) socket.disconnect();
  }
}
