// Section (f) of `npm run bench -- --peers` alone: the gateway, in both delivery modes, beside Centrifugo (and
// the bare Socket.IO server) on the ack and fan-out workloads, at the full sizes (400 and 2,000 subscribers,
// 3 rounds) or with `--quick`, after the harness self-check. Writes bench/results/peers.json and peers.md.
//
// `bash scripts/run.sh node harness/bench/peers/compare.ts [--quick]` (builds Centrifugo first if it is not
// cached; the load generator shares the machine's cores).
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startBareServer } from '../bare-server-process.ts';
import { createRooms, startBenchStack, tokenOf } from '../bench-stack.ts';
import { startCentrifugo } from './centrifugo.ts';
import { centrifugoSelfCheck } from './centrifugo-self-check.ts';
import { compareWithCentrifugo } from './measures.ts';
import { fullPeerSizes, quickPeerSizes } from './sizes.ts';
import { stackPids } from './targets.ts';
import { peersMarkdown } from './peers-markdown.ts';

const quick = process.argv.includes('--quick');
const phaseSeconds = quick ? 3 : 10;
const resultsDir = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
const log = (line: string) => {
  console.log(`[peers] ${line}`);
};
const loadAverage = () => loadavg().map((n) => Math.round(n * 10) / 10);

const loadAverageAtStart = loadAverage();
const centrifugo = await startCentrifugo();
try {
  log(`Centrifugo ${centrifugo.version}: self-check`);
  await centrifugoSelfCheck(centrifugo);
  const env = await startBenchStack();
  const bare = await startBareServer();
  try {
    const users = { writer: await env.signedUpUser(), reader: await env.signedUpUser() };
    const tokens = { writer: await tokenOf(users.writer), reader: await tokenOf(users.reader) };
    const [hotRoom] = await createRooms(users.writer, 1, []);
    const [fanOutRoom] = await createRooms(users.writer, 1, [users.reader.id]);
    const peers = await compareWithCentrifugo({
      centrifugo,
      sizes: quick ? quickPeerSizes : fullPeerSizes,
      phaseSeconds,
      gateway: {
        socketUrl: env.config().socketUrl,
        tokens,
        hotRoom: hotRoom!,
        fanOutRoom: fanOutRoom!,
        pids: stackPids(env.stack),
      },
      bare,
      log,
    });
    const machine = {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: availableParallelism(),
      node: process.version,
      loadAverageAtStart,
      loadAverageAtEnd: loadAverage(),
    };
    await mkdir(resultsDir, { recursive: true });
    await writeFile(
      `${resultsDir}peers.json`,
      `${JSON.stringify({ measuredAt: new Date().toISOString(), quick, machine, peers }, null, 2)}\n`,
    );
    await writeFile(
      `${resultsDir}peers.md`,
      [
        `Measured ${new Date().toISOString()} on ${machine.cores} × ${machine.cpu}, Node ${machine.node}; load average`,
        `(1/5/15 min) at start ${machine.loadAverageAtStart.join(' / ')}, at end ${machine.loadAverageAtEnd.join(' / ')}.`,
        '',
        ...peersMarkdown(peers),
      ].join('\n'),
    );
    log(`wrote ${resultsDir}peers.json, peers.md`);
  } finally {
    await bare.stop();
    await env.stop();
  }
} finally {
  await centrifugo.stop();
}
