// `npm run bench` (`-- --quick` for a short run): one run measuring, side by side, the figures of the
// performance report, written to bench/results/latest.json and latest.md with SVG plots:
// (a) send → ack p50/p99 at 1,000 msg/s in one hot room and spread over 100 rooms, and the highest rate
//     sustained with p99 ≤ 50 ms; (b) fan-out deliveries/s to one room's sockets, gateway (one frame per
//     event, and batched delivery) and a bare Socket.IO server; (c) RSS per idle connection, gateway and bare; (d) time for many clients to resume
//     after missed messages, and how many never came; (e) history page latency on a bulk-loaded room.
// `-- --peers` adds (f): the same ack and fan-out workloads (the gateway in both delivery modes, the bare server)
// against Centrifugo (harness/bench/peers), after a self-check of that harness; it builds Centrifugo first when
// it is not cached (about 7 minutes).
// Everything runs on this machine (the stack, the bare server and the probe's worker threads): other load
// on it shows in the load averages recorded with the figures.
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startBareServer } from './bare-server-process.ts';
import { createRooms, startBenchStack, tokenOf } from './bench-stack.ts';
import { fullSizes, quickSizes } from './bench-sizes.ts';
import {
  ackLatency,
  fanOut,
  highestSustained,
  historyPages,
  idleConnectionCost,
  resumeStorm,
  type StackAckPoint,
  type FanOutPoint,
} from './report-measures.ts';
import { lineChartSvg } from './svg-chart.ts';
import { startCentrifugo } from './peers/centrifugo.ts';
import { centrifugoSelfCheck } from './peers/centrifugo-self-check.ts';
import { compareWithCentrifugo } from './peers/measures.ts';
import { fullPeerSizes, quickPeerSizes } from './peers/sizes.ts';
import { stackPids } from './peers/targets.ts';
import { reportMarkdown } from './report-markdown.ts';

const quick = process.argv.includes('--quick');
const peers = process.argv.includes('--peers');
const sizes = quick ? quickSizes : fullSizes;
const peerSizes = quick ? quickPeerSizes : fullPeerSizes;
const resultsDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
const log = (line: string) => {
  console.log(`[bench] ${line}`);
};

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: availableParallelism(),
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  loadAverageAtStart: loadavg().map((n) => Math.round(n * 10) / 10),
};
// Centrifugo first: its build may take minutes, and its self-check stops the bench before anything is measured.
const centrifugo = peers ? await startCentrifugo() : undefined;
const stopCentrifugoOnError = async (err: unknown): Promise<never> => {
  await centrifugo?.stop();
  throw err;
};
if (centrifugo) {
  log(`Centrifugo ${centrifugo.version}: self-check`);
  await centrifugoSelfCheck(centrifugo).catch(stopCentrifugoOnError);
}
const env = await startBenchStack().catch(stopCentrifugoOnError);
const bare = await startBareServer();
try {
  const users = { writer: await env.signedUpUser(), reader: await env.signedUpUser() };
  // Session tokens live 15 minutes and a full run is longer: each section connects with tokens of its own.
  const freshTokens = async () => ({ writer: await tokenOf(users.writer), reader: await tokenOf(users.reader) });
  let tokens = await freshTokens();
  log(`sizes ${JSON.stringify(sizes)}`);

  // First, while both processes are fresh: after a load their heaps keep the freed room, which new
  // connections would reuse unseen.
  log('(c) idle connections');
  const idle = {
    gateway: await idleConnectionCost(
      env.config().socketUrl,
      env.stack.pid('gateway')!,
      tokens.reader,
      sizes.idleSockets,
    ),
    bare: await idleConnectionCost(bare.url, bare.pid, tokens.reader, sizes.idleSockets),
  };

  log('(a) ack latency');
  const [hotRoom] = await createRooms(users.writer, 1, []);
  const spreadRooms = await createRooms(users.writer, 100, []);
  const hot = await ackLatency(env, users, [hotRoom!], 50, 1000, sizes.phaseSeconds);
  log(
    `  1000 msg/s in one room: ack p50 ${hot.ackMs.p50} ms, p99 ${hot.ackMs.p99} ms, delivery p99 ` +
      `${hot.deliveryMs.p99} ms, ${hot.failed} refused`,
  );
  const ladder: StackAckPoint[] = [];
  for (const rate of sizes.ladder) {
    const point = await ackLatency(env, users, spreadRooms, 100, rate, sizes.phaseSeconds);
    log(
      `  ${rate} msg/s over 100 rooms: ack p50 ${point.ackMs.p50} ms, p99 ${point.ackMs.p99} ms, delivery p99 ` +
        `${point.deliveryMs.p99} ms, ${point.failed} refused`,
    );
    ladder.push(point);
  }
  const spread =
    ladder.find((p) => p.offeredPerSecond === 1000) ??
    (await ackLatency(env, users, spreadRooms, 100, 1000, sizes.phaseSeconds));

  log('(b) fan-out');
  tokens = await freshTokens();
  const [fanRoom] = await createRooms(users.writer, 1, [users.reader.id]);
  const fanOutPoints: Array<{ gateway: FanOutPoint; gatewayBatched: FanOutPoint; bare: FanOutPoint }> = [];
  // One uncounted phase on the bare server first: the gateway is warm from (a), and a fresh server speeds up over
  // its first rounds as V8 optimises its path, which would count against it.
  await fanOut(bare.url, tokens, 'bench', sizes.fanOutSockets[0]!, sizes.fanOutMessagesPerSecond, sizes.phaseSeconds);
  for (const sockets of sizes.fanOutSockets) {
    const gateway = await fanOut(
      env.config().socketUrl,
      tokens,
      fanRoom!,
      sockets,
      sizes.fanOutMessagesPerSecond,
      sizes.phaseSeconds,
    );
    const bareServer = await fanOut(
      bare.url,
      tokens,
      'bench',
      sockets,
      sizes.fanOutMessagesPerSecond,
      sizes.phaseSeconds,
    );
    const gatewayBatched = await fanOut(
      env.config().socketUrl,
      tokens,
      fanRoom!,
      sockets,
      sizes.fanOutMessagesPerSecond,
      sizes.phaseSeconds,
      'batched',
    );
    log(
      `  ${sockets} sockets: gateway ${gateway.deliveriesPerSecond}/s, batched ${gatewayBatched.deliveriesPerSecond}/s, bare ${bareServer.deliveriesPerSecond}/s`,
    );
    fanOutPoints.push({ gateway, gatewayBatched, bare: bareServer });
  }

  log('(d) resume');
  const resume = await resumeStorm(env, users, sizes.resumeClients, sizes.missedMessages);

  log(`  ${resume.clients} clients had every missed message after ${resume.seconds} s; missing ${resume.lost}`);
  log('(e) history pages');
  const history = await historyPages(env, users, sizes.historyEvents, sizes.historySamples);
  log(`  page p50 ${history.pageMs.p50} ms, p99 ${history.pageMs.p99} ms`);

  if (centrifugo) log(`(f) beside Centrifugo ${centrifugo.version}`);
  tokens = await freshTokens();
  const peerResults = centrifugo
    ? await compareWithCentrifugo({
        centrifugo,
        sizes: peerSizes,
        phaseSeconds: sizes.phaseSeconds,
        gateway: {
          socketUrl: env.config().socketUrl,
          tokens,
          hotRoom: (await createRooms(users.writer, 1, []))[0]!,
          fanOutRoom: fanRoom!,
          pids: stackPids(env.stack),
        },
        bare,
        log,
      })
    : undefined;

  const results = {
    measuredAt: new Date().toISOString(),
    quick,
    machine: { ...machine, loadAverageAtEnd: loadavg().map((n) => Math.round(n * 10) / 10) },
    sizes,
    ackLatency: {
      hotRoomAt1000: hot,
      spreadOver100RoomsAt1000: spread,
      ladder,
      highestRateWithP99Under50ms: highestSustained(ladder, 50),
    },
    fanOut: fanOutPoints.map((p) => ({
      ...p,
      ratio: Math.round((p.gateway.deliveriesPerSecond / Math.max(1, p.bare.deliveriesPerSecond)) * 100) / 100,
      batchedRatio:
        Math.round((p.gatewayBatched.deliveriesPerSecond / Math.max(1, p.bare.deliveriesPerSecond)) * 100) / 100,
    })),
    idleConnections: idle,
    resume,
    history,
    ...(peerResults ? { peers: peerResults } : {}),
  };
  await mkdir(resultsDir, { recursive: true });
  await writeFile(`${resultsDir}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(
    `${resultsDir}latency-vs-rate.svg`,
    lineChartSvg({
      title: 'send → ack and send → delivered latency against offered rate (100 rooms)',
      xLabel: 'offered messages/s',
      yLabel: 'ack latency (ms)',
      series: [
        { name: 'ack p50', points: ladder.map((p) => [p.offeredPerSecond, p.ackMs.p50] as const) },
        { name: 'ack p99', points: ladder.map((p) => [p.offeredPerSecond, p.ackMs.p99] as const) },
        { name: 'delivery p99', points: ladder.map((p) => [p.offeredPerSecond, p.deliveryMs.p99] as const) },
      ],
    }),
  );
  await writeFile(
    `${resultsDir}fan-out.svg`,
    lineChartSvg({
      title: 'fan-out to one room',
      xLabel: 'sockets in the room',
      yLabel: 'deliveries/s',
      series: [
        {
          name: 'gateway',
          points: fanOutPoints.map((p) => [p.gateway.sockets, p.gateway.deliveriesPerSecond] as const),
        },
        {
          name: 'gateway, batched delivery',
          points: fanOutPoints.map((p) => [p.gatewayBatched.sockets, p.gatewayBatched.deliveriesPerSecond] as const),
        },
        {
          name: 'bare Socket.IO',
          points: fanOutPoints.map((p) => [p.bare.sockets, p.bare.deliveriesPerSecond] as const),
        },
      ],
    }),
  );
  await writeFile(`${resultsDir}latest.md`, reportMarkdown(results));
  log(`wrote ${resultsDir}latest.json, latest.md, latency-vs-rate.svg, fan-out.svg`);
} finally {
  await bare.stop();
  await env.stop();
  await centrifugo?.stop();
}
