// What an idle /chat connection costs the gateway, beside a bare Socket.IO server in the same run: opens
// IDLE_SOCKETS sockets (one user, one session, websocket only, from the probe's worker threads) that join
// nothing on each server in turn, waits for the figures to settle, and prints the RSS growth per connection of
// both (from /proc) and their ratio, and the gateway's V8 heap growth per connection (from its /metrics).
// IDLE_ORDER=bare-first measures the bare server first, to alternate which one meets the fresher machine.
//
// `bash scripts/run.sh node harness/bench/idle-memory.ts` (~1.5 min for 10,000 sockets).
import { startBareServer } from './bare-server-process.ts';
import { startBenchStack, tokenOf } from './bench-stack.ts';
import { Probe } from './probe.ts';
import { rssKiB } from './report-measures.ts';

const socketCount = Number(process.env['IDLE_SOCKETS'] ?? 10_000);
const bareFirst = process.env['IDLE_ORDER'] === 'bare-first';

const env = await startBenchStack();
const bare = await startBareServer();
try {
  const user = await env.signedUpUser();
  const token = await tokenOf(user);
  const gatewayPid = env.stack.pid('gateway');
  if (gatewayPid === undefined) throw new Error('the stack has no gateway process');
  const gatewayUrl = env.config().socketUrl;
  const measureGateway = () => growthPerSocket(gatewayUrl, gatewayPid, token, gatewayHeapUsed);
  const measureBare = () => growthPerSocket(bare.url, bare.pid, token, () => Promise.resolve(Number.NaN));
  let gateway: Growth;
  let bareServer: Growth;
  if (bareFirst) {
    bareServer = await measureBare();
    gateway = await measureGateway();
  } else {
    gateway = await measureGateway();
    bareServer = await measureBare();
  }
  console.log(
    `idle memory: ${JSON.stringify({
      sockets: socketCount,
      gatewayRssBytesPerSocket: gateway.rss,
      gatewayHeapUsedBytesPerSocket: gateway.heapUsed,
      bareRssBytesPerSocket: bareServer.rss,
      rssRatio: Math.round((gateway.rss / bareServer.rss) * 100) / 100,
    })}`,
  );
} finally {
  await bare.stop();
  await env.stop();
}

type Growth = { rss: number; heapUsed: number };

/** Growth in RSS (and in `heapUsed`) of the server at `url` per idle socket opened on it. */
async function growthPerSocket(
  url: string,
  pid: number,
  token: string,
  heapUsed: () => Promise<number>,
): Promise<Growth> {
  const probe = new Probe();
  try {
    await probe.connect({ socketUrl: url, tokens: [token], count: 1, roomIds: [], role: 'receiver' });
    await settle();
    const before = { rss: (await rssKiB(pid)) * 1024, heapUsed: await heapUsed() };
    await probe.connect({ socketUrl: url, tokens: [token], count: socketCount, roomIds: [], role: 'receiver' });
    await settle();
    const after = { rss: (await rssKiB(pid)) * 1024, heapUsed: await heapUsed() };
    return {
      rss: Math.round((after.rss - before.rss) / socketCount),
      heapUsed: Math.round((after.heapUsed - before.heapUsed) / socketCount),
    };
  } finally {
    await probe.close();
  }
}

/** Gives the server a few seconds to finish handshakes and collect garbage. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5000));
}

async function gatewayHeapUsed(): Promise<number> {
  const text = await (await fetch(`${env.stack.urls.socket}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
}
