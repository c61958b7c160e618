// Centrifugo, the peer `npm run bench -- --peers` measures the gateway beside: the binary that
// scripts/centrifugo.sh builds from the Go module proxy (cached), run on free 127.0.0.1 ports with a config
// generated per run: the memory engine, one namespace with history and forced recovery, clients allowed to
// publish, connection JWTs signed with an HMAC secret drawn for this run.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { freePort } from '../../src/infra/ports.ts';

/** The namespace every bench channel lives in (`bench:<name>`). */
const namespace = 'bench';

/** What the namespace keeps: enough for a subscriber to recover a few seconds of a busy channel. */
export const centrifugoHistory = { size: 10_000, ttl: '300s' } as const;

/** A running Centrifugo. */
export interface CentrifugoPeer {
  version: string;
  /** The bidirectional WebSocket endpoint (JSON protocol). */
  websocketUrl: string;
  pid: number;
  /** A connection token (HS256 JWT, valid one hour) for the user `userId`. */
  tokenFor(userId: string): Promise<string>;
  /** The channel `name` in the bench namespace (history on, recoverable, clients publish). */
  channel(name: string): string;
  stop(): Promise<void>;
}

const script = fileURLToPath(new URL('../../../scripts/centrifugo.sh', import.meta.url));

/** Builds Centrifugo when it is not cached yet (about 7 minutes), and returns the binary's path. */
async function centrifugoBinary(): Promise<string> {
  const child = execFile('bash', [script]);
  child.stderr?.pipe(process.stderr);
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`scripts/centrifugo.sh failed (exit ${String(code)}): Centrifugo could not be built`);
  return stdout.trim();
}

/** What the binary says it is (`centrifugo version`: "Centrifugo v6.9.1 (Go version: …)"). */
async function versionOf(binary: string): Promise<string> {
  const { stdout } = await promisify(execFile)(binary, ['version']);
  return /^Centrifugo (\S+)/.exec(stdout)?.[1] ?? stdout.trim();
}

export async function startCentrifugo(): Promise<CentrifugoPeer> {
  const binary = await centrifugoBinary();
  const version = await versionOf(binary);
  const secret = randomBytes(32).toString('base64url');
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'centrifugo-bench-'));
  const config = {
    http_server: { address: '127.0.0.1', port },
    log: { level: 'error' },
    engine: { type: 'memory' },
    health: { enabled: true },
    // A benchmark run is not a deployment to count (and these machines reach no such endpoint).
    usage_stats: { disabled: true },
    client: { token: { hmac_secret_key: secret } },
    channel: {
      namespaces: [
        {
          name: namespace,
          history_size: centrifugoHistory.size,
          history_ttl: centrifugoHistory.ttl,
          force_recovery: true,
          allow_subscribe_for_client: true,
          // Our senders are room members that have not joined the room's stream: they publish without
          // subscribing, which is what `allow_publish_for_client` permits.
          allow_publish_for_client: true,
        },
      ],
    },
  };
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const child = spawn(binary, ['--config', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await healthy(`http://127.0.0.1:${port}/health`, child, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  const key = new TextEncoder().encode(secret);
  return {
    version,
    websocketUrl: `ws://127.0.0.1:${port}/connection/websocket`,
    pid: child.pid!,
    tokenFor: (userId) =>
      new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setExpirationTime('1h').sign(key),
    channel: (name) => `${namespace}:${name}`,
    stop,
  };
}

/** Resolves once Centrifugo answers its health check; rejects if it exits first or after 30 s. */
async function healthy(url: string, child: ReturnType<typeof spawn>, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`Centrifugo exited (code ${String(child.exitCode)}) before it was healthy:\n${stderr()}`);
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Centrifugo did not answer ${url} within 30 s:\n${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
