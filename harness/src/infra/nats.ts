import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from './ports.ts';

/** A nats-server this process started, with JetStream storing in `dataDir`. */
export interface RunningNats {
  url: string;
  port: number;
  pid: number | undefined;
  /** Resolves with how the server ended (exit code and signal), whether stopped or not. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `nats-server -js` from NATS_SERVER_BIN (scripts/tools.sh provisions it) or PATH, bound to
 * loopback, and waits until it accepts connections.
 */
export async function startNatsServer(options: { dataDir: string; port?: number }): Promise<RunningNats> {
  const port = options.port ?? (await freePort());
  await mkdir(options.dataDir, { recursive: true });
  return spawnNatsServer(['-js', '-sd', options.dataDir, '-a', '127.0.0.1', '-p', String(port)], process.env, port);
}

/** The configuration every node of a cluster runs (also what compose's cluster profile mounts). */
export const clusterNodeConfig = fileURLToPath(new URL('../../../deploy/nats/cluster-node.conf', import.meta.url));

/** The loopback ports of one cluster node. */
export interface NatsNodePorts {
  client: number;
  cluster: number;
  monitor: number;
}

/** Free ports for every node of a cluster of `size`; fixed for the cluster's life (the routes name them). */
export async function natsClusterPorts(size: number): Promise<NatsNodePorts[]> {
  const nodes: NatsNodePorts[] = [];
  for (let i = 0; i < size; i += 1)
    nodes.push({ client: await freePort(), cluster: await freePort(), monitor: await freePort() });
  return nodes;
}

/**
 * Starts node `index` of a cluster whose nodes listen on `ports`, with `deploy/nats/cluster-node.conf`
 * (its name and routes through the environment, its ports overridden for loopback), and waits until it
 * accepts connections. The JetStream store is `dataDir/node-<index+1>`, so a restarted node finds its data.
 */
export async function startNatsClusterNode(options: {
  dataDir: string;
  ports: readonly NatsNodePorts[];
  index: number;
}): Promise<RunningNats> {
  const own = options.ports[options.index];
  if (!own) throw new Error(`a cluster of ${options.ports.length} has no node ${options.index}`);
  if (options.ports.length !== 3)
    throw new Error(`${clusterNodeConfig} describes 3 nodes, not ${options.ports.length}`);
  const storeDir = join(options.dataDir, `node-${options.index + 1}`);
  await mkdir(storeDir, { recursive: true });
  const routes = Object.fromEntries(
    options.ports.map((node, i) => [`NATS_ROUTE_${i + 1}`, `nats-route://127.0.0.1:${node.cluster}`]),
  );
  const env = { ...process.env, NATS_SERVER_NAME: `nats-${options.index + 1}`, NATS_STORE_DIR: storeDir, ...routes };
  const args = [
    '-c',
    clusterNodeConfig,
    '-a',
    '127.0.0.1',
    '-p',
    String(own.client),
    '-m',
    String(own.monitor),
    '--cluster',
    `nats://127.0.0.1:${own.cluster}`,
  ];
  return spawnNatsServer(args, env, own.client);
}

/**
 * Resolves once every node's `/healthz` answers 200, which needs its JetStream to know the cluster's meta
 * leader: before that, creating a stream fails.
 */
export async function waitForNatsCluster(ports: readonly NatsNodePorts[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const node of ports) {
    const url = `http://127.0.0.1:${node.monitor}/healthz`;
    let last = 'no answer';
    for (;;) {
      const response = await fetch(url).catch((err: unknown) => err as Error);
      if (!(response instanceof Error) && response.ok) break;
      last = response instanceof Error ? response.message : `${response.status} ${await response.text()}`;
      if (Date.now() > deadline) throw new Error(`NATS cluster not ready after ${timeoutMs} ms: ${url}: ${last}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function spawnNatsServer(args: string[], env: NodeJS.ProcessEnv, port: number): Promise<RunningNats> {
  const bin = process.env['NATS_SERVER_BIN'] || 'nats-server';
  const child = spawn(bin, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > 100) stderr.shift();
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve(`exited (code ${code}, signal ${signal})`);
    }),
  );
  child.once('error', (err) => stderr.push(String(err)));
  try {
    await Promise.race([
      waitForPort(port, 15_000),
      exited.then((how) => {
        throw new Error(`nats-server ${how}: ${stderr.join('').slice(-2000)}`);
      }),
    ]);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { url: `nats://127.0.0.1:${port}`, port, pid: child.pid, exited, stop: () => stopChild(child) };
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
