// What an idle /chat connection costs the gateway: reads its RSS and V8 heap from /metrics, opens
// IDLE_SOCKETS sockets (one user, one session, websocket only) that join nothing, waits for the figures to
// settle, and prints the growth per connection.
//
// `bash scripts/run.sh node harness/bench/idle-memory.ts` (~1 min for 3,000 sockets).
import { startTestStack } from '../src/testing/test-stack.ts';

const socketCount = Number(process.env['IDLE_SOCKETS'] ?? 3000);

const env = await startTestStack({ MAX_CONNECTIONS_PER_ADDRESS: '0', LOG_LEVEL: 'warn' });
try {
  const user = await env.signedUpUser();
  const { token } = await user.sessionToken();
  await user.connectChat({ token, transports: ['websocket'] });
  await settle();
  const before = await gatewayMemory();
  for (let i = 0; i < socketCount; i++) await user.connectChat({ token, transports: ['websocket'] });
  await settle();
  const after = await gatewayMemory();
  const perSocket = (key: keyof typeof before) => Math.round((after[key] - before[key]) / socketCount);
  const measured = {
    sockets: socketCount,
    rssBytesPerSocket: perSocket('rss'),
    heapUsedBytesPerSocket: perSocket('heapUsed'),
  };
  console.log(`idle memory: ${JSON.stringify(measured)}`);
} finally {
  await env.stop();
}

/** Gives the gateway a few seconds to finish handshakes and collect garbage. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5000));
}

async function gatewayMemory(): Promise<{ rss: number; heapUsed: number }> {
  const text = await (await fetch(`${env.stack.urls.socket}/metrics`)).text();
  const gauge = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { rss: gauge('process_resident_memory_bytes'), heapUsed: gauge('nodejs_heap_size_used_bytes') };
}
